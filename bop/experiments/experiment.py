"""Experiment files: a TOML description of a sweep, checked in full before any run starts.

An experiment is a scenario, fixed parameters, a full-factorial grid and/or a random sample of
ranges, a number of seeded replications, a horizon and what to record (see docs/experiments.md).
`load_experiment` turns a file into an `Experiment` whose `runs()` lists every run with its seed.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

import numpy as np

from model.model import BalanceOfPowerModel
from model.params import PARAMS, Param, ParameterError, nearest, parse_mix, shown, suggest, validate
from model.scenarios import SCENARIOS, Scenario, get_scenario
from model.scenarios.spec import InputError
from model.scenarios.spec import read_toml as read_input

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
# Ten thousand years is far more than any question about the state system needs (the modern one is
# about 400 years old), and a cap keeps a typo (steps = 1000000000) from running for ever.
MAX_STEPS = 10_000
# A plan above this many runs is refused unless asked for (--max-runs): a typo in a grid or in
# `replications` must not fill the disk, or the memory, before anyone notices.
MAX_RUNS = 1_000_000
MAX_NAME_BYTES = 100  # the name is a folder name; file systems allow 255 bytes for the whole name


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


class Seeds(Sequence[int]):
    """The seed of each replication, computed when asked for: a dry run of a million replications
    materialises none of them, and a sweep computes them once.

    Replication r's seed comes from the SeedSequence child (1, r) of the base seed, the child that
    `SeedSequence(seed).spawn(2)[1].spawn(replications)[r]` would give.
    """

    def __init__(self, seed: int, replications: int) -> None:
        self.seed, self.replications = seed, replications
        self._all: list[int] | None = None

    def one(self, replication: int) -> int:
        """Replication `replication`'s seed (63 bits, so it fits a signed 64-bit column)."""
        child = np.random.SeedSequence(self.seed, spawn_key=(1, replication))
        return int(child.generate_state(1, np.uint64)[0] >> np.uint64(1))

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> list[int]: ...
    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            return [self.one(r) for r in range(*index.indices(self.replications))]
        if not -self.replications <= index < self.replications:
            raise IndexError(index)
        return self.one(index % self.replications)

    def __len__(self) -> int:
        return self.replications

    def __iter__(self) -> Iterator[int]:
        if self._all is None:
            self._all = [self.one(r) for r in range(self.replications)]
        return iter(self._all)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"Seeds(seed={self.seed}, replications={self.replications})"


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
    seeds: Seeds = field(repr=False)  # seed of replication r, the same at every point
    text: str = field(default="", repr=False)  # the file it was read from (kept in the manifest)

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


def read_toml(path: Path, what: str = "experiment") -> tuple[str, dict[str, Any]]:
    """A TOML file's text and contents, or an ExperimentError saying why it cannot be read."""
    try:
        return read_input(path, what)
    except InputError as err:
        raise ExperimentError(str(err)) from None


def load_experiment(path: Path, max_runs: int = MAX_RUNS) -> Experiment:
    """Read and check an experiment file; every problem raises ExperimentError naming its key."""
    text, raw = read_toml(path)
    experiment = parse_experiment(raw, Path(path).stem, Path(path).parent, max_runs)
    experiment.text = text
    return experiment


def parse_experiment(
    raw: Mapping[str, Any],
    default_name: str = "experiment",
    folder: Path | None = None,
    max_runs: int = MAX_RUNS,
) -> Experiment:
    """Check a parsed TOML document and build the experiment's design and seeds.

    A scenario file is looked up beside the experiment file (`folder`) first, and kept as an absolute path.
    The number of runs is counted before the design is built; above `max_runs` the plan is refused.
    """
    _no_unknown(raw, (*TOP_KEYS, "record"), "")
    name = _typed(raw, "name", str, default_name)
    if not re.fullmatch(r"[\w.-]+", name) or name.strip(".") == "":
        raise ExperimentError(
            f"name: must be letters, digits, '_', '-' or '.' (it names a folder), got {shown(name)}"
        )
    if len(name.encode()) > MAX_NAME_BYTES:
        raise ExperimentError(
            f"name: at most {MAX_NAME_BYTES} bytes (it names a folder), got {len(name.encode())}"
        )
    description = _typed(raw, "description", str, "")
    scenario_name = _typed(raw, "scenario", str, "random")
    if folder is not None and scenario_name not in SCENARIOS and _is_file(folder / scenario_name):
        scenario_name = str((folder / scenario_name).resolve())
    try:
        scenario = get_scenario(scenario_name)
    except ParameterError as err:
        raise ExperimentError(f"scenario: {err}") from None
    steps = integer_field(raw, "steps", 200, low=0, high=MAX_STEPS)
    replications = integer_field(raw, "replications", 1, low=1)
    seed = integer_field(raw, "seed", 0, low=0)
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
                raise ExperimentError(f"{section}.{key}: unknown parameter; {suggest(key, specs)}")
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
            raise ExperimentError(f"grid.{key}: must be a list of values, got {shown(values)}")
        if not values:
            raise ExperimentError(f"grid.{key}: the list of values is empty")
        for value in values:
            _check(specs[key], value, f"grid.{key}")
    for key, bounds in ranges.items():
        ranges[key] = _check_range(specs[key], bounds, f"sample.ranges.{key}")
    points_count = math.prod(len(values) for values in grid.values()) * (sample["points"] if ranges else 1)
    check_size(points_count, replications, max_runs)

    for needs, key in (("states" in record.logs, "logs"), (record.focus is not None, "focus")):
        if needs and (fixed.get("record_states") is False or False in grid.get("record_states", [])):
            raise ExperimentError(f"record.{key}: needs record_states = true")
    dyads_off = fixed.get("record_dyads") is False or False in grid.get("record_dyads", [])
    if "dyads" in record.logs and dyads_off:
        raise ExperimentError("record.logs: dyads needs record_dyads = true")
    # Per-state history and the dyads log cost time and memory: keep them only when recorded or measured.
    if "record_states" not in grid:
        fixed.setdefault("record_states", "states" in record.logs or record.focus is not None)
    if "record_dyads" not in grid:
        fixed.setdefault("record_dyads", "dyads" in record.logs)

    sample_seq = np.random.SeedSequence(seed).spawn(1)[0]  # the first child; the second seeds the runs
    design = _design(grid, ranges, sample, sample_seq, specs)
    points = []
    for index, varied in enumerate(design):
        try:
            points.append(validate({"scenario": scenario_name, **fixed, **varied}, extra=scenario.params))
        except ParameterError as err:
            where = ", ".join(f"{k}={v!r}" for k, v in varied.items()) or "fixed parameters"
            raise ExperimentError(f"design point {index} ({where}): {err}") from None
    names = _build_worlds(scenario, points, design)
    if record.focus is not None and record.focus not in names:
        raise ExperimentError(
            f"record.focus: no state called {shown(record.focus)} in scenario {scenario.name}; "
            f"states: {', '.join(names)}"
        )
    # Common random numbers: replication r has the same seed at every point. Spawned children
    # are keyed by index, so adding replications keeps the seeds of the existing ones.
    seeds = Seeds(seed, replications)
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


def check_size(points: int, replications: int, max_runs: int) -> None:
    """Refuse a plan of more than `max_runs` runs, counted before anything per run is built."""
    runs = points * replications
    if runs > max_runs:
        raise ExperimentError(
            f"the plan has {runs:,} runs ({points:,} design points x {replications:,} replications), "
            f"above the limit of {max_runs:,}: make it smaller, or raise the limit with --max-runs"
        )


def _is_file(path: Path) -> bool:
    """Whether `path` is a file; a name no file can have (too long, a null character) is not one."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


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
        raise ExperimentError(f"record: must be a table, got {shown(raw)}")
    _no_unknown(raw, RECORD_KEYS, "record.")
    model = raw.get("model", False)
    if not isinstance(model, bool):
        raise ExperimentError(f"record.model: must be true or false, got {shown(model)}")
    every = integer_field(raw, "every", 1, low=1, prefix="record.", high=MAX_STEPS)
    logs = raw.get("logs", [])
    if not isinstance(logs, list) or any(log not in LOGS for log in logs):
        raise ExperimentError(f"record.logs: must be a list of {', '.join(LOGS)}; got {shown(logs)}")
    focus = raw.get("focus")
    if focus is not None and (not isinstance(focus, str) or not focus):
        raise ExperimentError(f"record.focus: must be the name of a state, got {shown(focus)}")
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
            where = ", ".join(f"{k}={v!r}" for k, v in varied.items()) or "fixed parameters"
            raise ExperimentError(f"design point {index} ({where}): {err}") from None
        except Exception:  # a fault of the model, not of the input: the run records it
            continue
        names = names or list(world.names)
    return names


def _sample_table(raw: Any) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ExperimentError(f"sample: must be a table, got {shown(raw)}")
    _no_unknown(raw, SAMPLE_KEYS, "sample.")
    integer_field(raw, "points", 0, low=1, prefix="sample.")
    if "points" not in raw:
        raise ExperimentError("sample.points: missing; say how many points to draw")
    method = raw.get("method", "latin")
    if method not in SAMPLE_METHODS:
        raise ExperimentError(
            f"sample.method: must be one of {', '.join(SAMPLE_METHODS)}, got {shown(method)}"
        )
    ranges = raw.get("ranges")
    if not isinstance(ranges, dict) or not ranges:
        raise ExperimentError("sample.ranges: missing or empty; give [low, high] for each sampled parameter")
    return {"points": raw["points"], "method": method, "ranges": dict(ranges)}


def _check_range(spec: Param, bounds: Any, where: str) -> list[Any]:
    """The checked [low, high] of a sampled parameter (numbers only: a range of text means nothing)."""
    if spec.kind not in (int, float):
        raise ExperimentError(f"{where}: only numeric parameters can be sampled; list its values in [grid]")
    numbers = isinstance(bounds, list) and all(
        isinstance(b, int | float) and not isinstance(b, bool) for b in bounds
    )
    if not (numbers and len(bounds) == 2):
        raise ExperimentError(f"{where}: must be [low, high], two numbers; got {shown(bounds)}")
    low, high = (_check(spec, b, where) for b in bounds)
    if low > high:
        raise ExperimentError(f"{where}: low {low} is above high {high}")
    return [low, high]


def _check(spec: Param, value: Any, where: str) -> Any:
    try:
        checked = spec.check(value)
        if spec.name == "strategy_mix" and checked is not None:
            parse_mix(checked)  # its form, not only its type, so the error names the field
        return checked
    except ParameterError as err:
        raise ExperimentError(f"{where}: {err}") from None


def _no_unknown(raw: Mapping[str, Any], known: tuple[str, ...], prefix: str) -> None:
    for key in raw:
        if key not in known:
            hint = f"did you mean {close}?" if (close := nearest(key, known)) else ""
            raise ExperimentError(
                f"{prefix}{key}: unknown key; {hint + ' ' if hint else ''}allowed keys: {', '.join(known)}"
            )


def _table(raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ExperimentError(f"{key}: must be a table ([{key}]), got {shown(value)}")
    return value


def _typed(raw: Mapping[str, Any], key: str, kind: type, default: Any) -> Any:
    value = raw.get(key, default)
    if not isinstance(value, kind):
        raise ExperimentError(f"{key}: must be a {kind.__name__}, got {shown(value)}")
    return value


def integer_field(
    raw: Mapping[str, Any], key: str, default: int, low: int, prefix: str = "", high: int | None = None
) -> int:
    """An integer field of an experiment file, in its range, or an ExperimentError naming it."""
    value = raw.get(key, default)
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        allowed = f"from {low} to {high}" if high is not None else f">= {low}"
        raise ExperimentError(f"{prefix}{key}: must be an integer {allowed}, got {shown(value)}")
    return value
