"""Experiment files: a TOML description of a sweep, checked in full before any run starts.

An experiment is a scenario, fixed parameters, a full-factorial grid and/or a random sample of
ranges, a number of seeded replications, a horizon and what to record (see docs/experiments.md).
`load_experiment` turns a file into an `Experiment` whose `runs()` lists every run with its seed.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from model.model import BalanceOfPowerModel
from model.params import PARAMS, Param, ParameterError, validate
from model.scenarios import SCENARIOS, Scenario, get_scenario

TOP_KEYS = ("name", "description", "scenario", "steps", "replications", "seed", "params", "grid", "sample")
RECORD_KEYS = ("model", "every", "logs", "focus")
SAMPLE_KEYS = ("points", "method", "ranges")
SAMPLE_METHODS = ("latin", "uniform")
# Per-step frames, thinned to every k-th step; the other logs are kept whole.
PER_STEP = ("model", "states")
# Logs are the model's `<name>_frame()` methods, so a new log (e.g. wars) is recordable as soon as it exists.
LOGS = tuple(
    n.removesuffix("_frame") for n in dir(BalanceOfPowerModel) if n.endswith("_frame") and n != "model_frame"
)


class ExperimentError(ValueError):
    """An experiment file is malformed; the message names the key and what is allowed."""


@dataclass(frozen=True)
class Record:
    """What each run keeps besides its summary row."""

    model: bool = False  # per-step model measures
    every: int = 1  # keep every k-th step (and the last) of per-step frames
    logs: tuple[str, ...] = ()  # event logs and per-state data: names from LOGS
    focus: str | None = None  # a state whose survival, autonomy and wars go into focus_* columns


@dataclass(frozen=True)
class RunSpec:
    """Everything one run needs: it is sent to a worker and its result depends only on this."""

    run: int
    point: int
    replication: int
    seed: int
    steps: int
    params: dict[str, Any]
    record: Record


@dataclass
class Experiment:
    """A checked experiment: the design points (full parameter sets) and one seed per replication."""

    name: str
    description: str
    scenario: str
    steps: int
    replications: int
    seed: int
    fixed: dict[str, Any]
    grid: dict[str, list[Any]]
    sample: dict[str, Any]
    record: Record
    varied: list[str]  # the parameters that differ between points (grid, then sampled)
    points: list[dict[str, Any]] = field(repr=False)  # full validated parameters of each point
    seeds: list[int] = field(repr=False)  # seed of replication r, the same at every point

    @property
    def total(self) -> int:
        """Number of runs: points × replications."""
        return len(self.points) * self.replications

    def runs(self) -> Iterator[RunSpec]:
        """Every run in run-id order: run = point · replications + replication."""
        for point, params in enumerate(self.points):
            for rep, seed in enumerate(self.seeds):
                yield RunSpec(
                    point * self.replications + rep, point, rep, seed, self.steps, params, self.record
                )

    def to_dict(self) -> dict[str, Any]:
        """The parsed experiment as plain data (for the manifest and to check a resume)."""
        return {
            "name": self.name,
            "description": self.description,
            "scenario": self.scenario,
            "steps": self.steps,
            "replications": self.replications,
            "seed": self.seed,
            "params": self.fixed,
            "grid": self.grid,
            "sample": self.sample,
            "record": {
                "model": self.record.model,
                "every": self.record.every,
                "logs": list(self.record.logs),
                # only when set, so sweeps started before `focus` existed still resume
                **({"focus": self.record.focus} if self.record.focus else {}),
            },
            "varied": self.varied,
        }


def read_toml(path: Path, what: str = "experiment") -> dict[str, Any]:
    """A TOML file's contents, or an ExperimentError saying it is missing or malformed."""
    try:
        return tomllib.loads(Path(path).read_text())
    except FileNotFoundError:
        raise ExperimentError(f"{what} file {path} does not exist") from None
    except tomllib.TOMLDecodeError as err:
        raise ExperimentError(f"{path} is not valid TOML: {err}") from None


def load_experiment(path: Path) -> Experiment:
    """Read and check an experiment file; every problem raises ExperimentError naming its key."""
    raw = read_toml(path)
    return parse_experiment(raw, default_name=Path(path).stem, folder=Path(path).parent)


def parse_experiment(
    raw: Mapping[str, Any], default_name: str = "experiment", folder: Path | None = None
) -> Experiment:
    """Check a parsed TOML document and build the experiment's design and seeds.

    A scenario file is looked up beside the experiment file (`folder`) first, and kept as an absolute path.
    """
    _no_unknown(raw, (*TOP_KEYS, "record"), "")
    name = _typed(raw, "name", str, default_name)
    if not re.fullmatch(r"[\w.-]+", name) or name.strip(".") == "":
        raise ExperimentError(
            f"name: must be letters, digits, '_', '-' or '.' (it names a folder), got {name!r}"
        )
    description = _typed(raw, "description", str, "")
    scenario_name = _typed(raw, "scenario", str, "random")
    if folder is not None and scenario_name not in SCENARIOS and (folder / scenario_name).is_file():
        scenario_name = str((folder / scenario_name).resolve())
    try:
        scenario = get_scenario(scenario_name)
    except ParameterError as err:
        raise ExperimentError(f"scenario: {err}") from None
    steps = _count(raw, "steps", 200, low=0)
    replications = _count(raw, "replications", 1, low=1)
    seed = _count(raw, "seed", 0, low=0)
    specs = {**PARAMS, **scenario.params}
    record = _record(raw.get("record", {}))

    fixed = dict(_table(raw, "params"))
    grid = dict(_table(raw, "grid"))
    sample = _sample_table(raw.get("sample"))
    ranges = sample.get("ranges", {})
    for section, names in (("params", fixed), ("grid", grid), ("sample.ranges", ranges)):
        for key in names:
            if key == "scenario":
                raise ExperimentError(
                    f"{section}.scenario: set the scenario with the top-level key 'scenario'"
                )
            if key not in specs:
                raise ExperimentError(
                    f"{section}.{key}: unknown parameter; known parameters: {', '.join(sorted(specs))}"
                )
    for a, b in itertools.combinations((("params", fixed), ("grid", grid), ("sample.ranges", ranges)), 2):
        for key in set(a[1]) & set(b[1]):
            raise ExperimentError(f"{b[0]}.{key}: parameter '{key}' is already set in [{a[0]}]")

    for section, names in (("params", fixed), ("grid", grid), ("sample.ranges", ranges)):
        try:
            scenario.check_used(names)
        except ParameterError as err:
            key = next(k for k in sorted(names) if k in scenario.ignores)
            raise ExperimentError(f"{section}.{key}: {err}") from None
    for key, value in fixed.items():
        _check(specs[key], value, f"params.{key}")
    for key, values in grid.items():
        if not isinstance(values, list):
            raise ExperimentError(f"grid.{key}: must be a list of values, got {values!r}")
        if not values:
            raise ExperimentError(f"grid.{key}: the list of values is empty")
        for value in values:
            _check(specs[key], value, f"grid.{key}")
    for key, bounds in ranges.items():
        _check_range(specs[key], bounds, f"sample.ranges.{key}")

    for needs, key in (("states" in record.logs, "logs"), (record.focus is not None, "focus")):
        if needs and (fixed.get("record_states") is False or False in grid.get("record_states", [])):
            raise ExperimentError(f"record.{key}: needs record_states = true")
    # Per-state history costs time and memory: keep it only when it is recorded or measured.
    if "record_states" not in grid:
        fixed.setdefault("record_states", "states" in record.logs or record.focus is not None)

    sample_seq, run_seq = np.random.SeedSequence(seed).spawn(2)
    design = _design(grid, ranges, sample, sample_seq, specs)
    points = []
    for index, varied in enumerate(design):
        try:
            points.append(validate({"scenario": scenario_name, **fixed, **varied}, extra=scenario.params))
        except ParameterError as err:
            shown = ", ".join(f"{k}={v!r}" for k, v in varied.items()) or "fixed parameters"
            raise ExperimentError(f"design point {index} ({shown}): {err}") from None
    names = _build_worlds(scenario, points, design)
    if record.focus is not None and record.focus not in names:
        raise ExperimentError(
            f"record.focus: no state called {record.focus!r} in scenario {scenario.name}; "
            f"states: {', '.join(names)}"
        )
    # Common random numbers: replication r has the same seed at every point. Spawned children
    # are keyed by index, so adding replications keeps the seeds of the existing ones.
    seeds = [
        int(child.generate_state(1, np.uint64)[0] >> np.uint64(1)) for child in run_seq.spawn(replications)
    ]
    return Experiment(
        name=name,
        description=description,
        scenario=scenario_name,
        steps=steps,
        replications=replications,
        seed=seed,
        fixed=fixed,
        grid=grid,
        sample=sample,
        record=record,
        varied=[*grid, *ranges],
        points=points,
        seeds=seeds,
    )


def _design(
    grid: dict[str, list[Any]],
    ranges: dict[str, list[float]],
    sample: dict[str, Any],
    seq: np.random.SeedSequence,
    specs: Mapping[str, Param],
) -> list[dict[str, Any]]:
    """Full factorial of the grid (in file order), crossed with the sampled points."""
    grid_points = [dict(zip(grid, combo, strict=True)) for combo in itertools.product(*grid.values())]
    if not ranges:
        return grid_points
    n = sample["points"]
    rng = np.random.default_rng(seq)
    if sample.get("method", "latin") == "latin":
        # One draw in each of n equal strata per parameter, strata shuffled independently.
        unit = (np.stack([rng.permutation(n) for _ in ranges], axis=1) + rng.random((n, len(ranges)))) / n
    else:
        unit = rng.random((n, len(ranges)))
    sampled = []
    for row in unit:
        values: dict[str, Any] = {}
        for (key, (low, high)), u in zip(ranges.items(), row, strict=True):
            if specs[key].kind is int:
                values[key] = min(int(low + u * (high - low + 1)), int(high))
            else:
                values[key] = float(low + u * (high - low))
        sampled.append(values)
    return [{**g, **s} for g in grid_points for s in sampled]


def _record(raw: Any) -> Record:
    if not isinstance(raw, dict):
        raise ExperimentError(f"record: must be a table, got {raw!r}")
    _no_unknown(raw, RECORD_KEYS, "record.")
    model = raw.get("model", False)
    if not isinstance(model, bool):
        raise ExperimentError(f"record.model: must be true or false, got {model!r}")
    every = _count(raw, "every", 1, low=1, prefix="record.")
    logs = raw.get("logs", [])
    if not isinstance(logs, list) or any(log not in LOGS for log in logs):
        raise ExperimentError(f"record.logs: must be a list of {', '.join(LOGS)}; got {logs!r}")
    focus = raw.get("focus")
    if focus is not None and (not isinstance(focus, str) or not focus):
        raise ExperimentError(f"record.focus: must be the name of a state, got {focus!r}")
    return Record(model=model, every=every, logs=tuple(dict.fromkeys(logs)), focus=focus)


def _build_worlds(
    scenario: Scenario, points: list[dict[str, Any]], design: list[dict[str, Any]]
) -> list[str]:
    """Build each design point's world once, so that a scenario that cannot be built under some
    parameters fails here, before any run; returns the first world's state names."""
    names: list[str] = []
    for index, (params, varied) in enumerate(zip(points, design, strict=True)):
        try:
            world = scenario.build(params, np.random.default_rng(0))
        except (ParameterError, ValueError) as err:  # bad input: refuse the experiment now
            shown = ", ".join(f"{k}={v!r}" for k, v in varied.items()) or "fixed parameters"
            raise ExperimentError(f"design point {index} ({shown}): {err}") from None
        except Exception:  # a fault of the model, not of the input: the run records it
            continue
        names = names or list(world.names)
    return names


def _sample_table(raw: Any) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ExperimentError(f"sample: must be a table, got {raw!r}")
    _no_unknown(raw, SAMPLE_KEYS, "sample.")
    _count(raw, "points", 0, low=1, prefix="sample.")
    if "points" not in raw:
        raise ExperimentError("sample.points: missing; say how many points to draw")
    method = raw.get("method", "latin")
    if method not in SAMPLE_METHODS:
        raise ExperimentError(f"sample.method: must be one of {', '.join(SAMPLE_METHODS)}, got {method!r}")
    ranges = raw.get("ranges")
    if not isinstance(ranges, dict) or not ranges:
        raise ExperimentError("sample.ranges: missing or empty; give [low, high] for each sampled parameter")
    return {"points": raw["points"], "method": method, "ranges": dict(ranges)}


def _check_range(spec: Param, bounds: Any, where: str) -> None:
    if spec.kind not in (int, float):
        raise ExperimentError(f"{where}: only numeric parameters can be sampled; list its values in [grid]")
    if not (isinstance(bounds, list) and len(bounds) == 2):
        raise ExperimentError(f"{where}: must be [low, high], got {bounds!r}")
    low, high = (_check(spec, b, where) for b in bounds)
    if low > high:
        raise ExperimentError(f"{where}: low {low} is above high {high}")


def _check(spec: Param, value: Any, where: str) -> Any:
    try:
        return spec.check(value)
    except ParameterError as err:
        raise ExperimentError(f"{where}: {err}") from None


def _no_unknown(raw: Mapping[str, Any], known: tuple[str, ...], prefix: str) -> None:
    for key in raw:
        if key not in known:
            raise ExperimentError(f"{prefix}{key}: unknown key; allowed keys: {', '.join(known)}")


def _table(raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ExperimentError(f"{key}: must be a table ([{key}]), got {value!r}")
    return value


def _typed(raw: Mapping[str, Any], key: str, kind: type, default: Any) -> Any:
    value = raw.get(key, default)
    if not isinstance(value, kind):
        raise ExperimentError(f"{key}: must be a {kind.__name__}, got {value!r}")
    return value


def _count(raw: Mapping[str, Any], key: str, default: int, low: int, prefix: str = "") -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ExperimentError(f"{prefix}{key}: must be an integer >= {low}, got {value!r}")
    return value
