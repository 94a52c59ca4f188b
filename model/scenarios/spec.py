"""The scenario file (TOML) a user can write by hand, read and validated into plain dataclasses.

Every error names the file, the state (or section) and the field at fault, before any work starts.
The format is documented in docs/scenarios.md.
"""

from __future__ import annotations

import dataclasses
import math
import os
import stat
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from model.params import PARAMS, STRATEGIES, Param, ParameterError, shown
from model.scenarios.nmc import FIRST_YEAR, LAST_YEAR, POWER_INDICES, parse_weights
from model.scenarios.structure import DATA, Structure

NMC = "nmc"  # power or growth taken from the NMC data
KNOB_FIELDS = ("strategy", "revisionism", "growth", "alliance")
FILE_PARAMS = ("power_index", "power_weights", "nmc_growth_cap", "initial_alliances")  # every file has them
STRUCTURE = "structure"  # the parameter of a file with [structures] (model/scenarios/structure.py)
DEFAULT_DISTANCE_SCALE_KM = 3000.0
# Model parameters that shape only the random world; a file scenario's states set them itself.
RANDOM_ONLY = ("n_states", "power_sigma", "growth_mean", "growth_sd", "strategy_mix")
# Memory of one run per pair of states (the model's N x N matrices, built and stepped, war on): measured
# with tracemalloc at 1,000-5,000 states, 64-65 bytes (docs/experiments.md, "Limits").
BYTES_PER_PAIR = 65
MAX_INPUT_BYTES = 64 * 2**20  # a scenario of 10,000 states is under 1 MB
GROWTH_CAP = Param(
    "nmc_growth_cap",
    float,
    0.03,
    "Largest yearly growth (±) taken from the NMC data (trend, or drift under growth_process=ou); "
    "0 freezes NMC-grown powers at the data year under growth_process=fixed.",
    0.0,
    0.2,
)


class ScenarioError(ParameterError):
    """A scenario file is unreadable or invalid; the message names the file, state and field."""


class InputError(ParameterError):
    """An input file (scenario, experiment, sensitivity) cannot be read; the message names the file."""


def read_toml(path: str | Path, what: str) -> tuple[str, dict[str, Any]]:
    """The text and contents of a TOML input file: the one way the project reads a file a user wrote.

    Every way a file can be unreadable (missing, a folder, no permission, a name too long, not UTF-8,
    not TOML, nested too deeply, a number too long for TOML) raises InputError naming the file.
    """
    name = shown(str(path), 200).strip("'\"")
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):  # a device or a pipe: /dev/zero would be read for ever
            raise InputError(f"{what} file {name} is not a regular file")
        if info.st_size > MAX_INPUT_BYTES:
            raise InputError(f"{what} file {name} is larger than {MAX_INPUT_BYTES // 2**20} MB")
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{what} file {name} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"{what} file {name} is a folder, not a file") from None
    except OSError as err:
        raise InputError(f"{what} file {name} cannot be read ({err.strerror or err})") from None
    except UnicodeDecodeError as err:
        raise InputError(
            f"{what} file {name} is not UTF-8 text (byte {err.start} is {err.object[err.start]:#04x})"
        ) from None
    except ValueError as err:  # e.g. an embedded null character in the name
        raise InputError(f"{what} file {name} cannot be read ({err})") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"{what} file {name} is not valid TOML: {err}") from None
    except RecursionError:
        raise InputError(f"{what} file {name} is nested too deeply to read") from None
    except ValueError as err:  # an integer of more than 4,300 digits
        raise InputError(
            f"{what} file {name} holds a value TOML cannot read ({shown(str(err), 100)})"
        ) from None


def available_memory() -> float:
    """Bytes of memory this machine can give a new process now (Linux: MemAvailable), else its total."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    return float(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))


def memory_needed(n_states: int) -> float:
    """Bytes one run of a world of `n_states` states needs: its N x N matrices dominate."""
    return float(BYTES_PER_PAIR * n_states * n_states)


@dataclass(frozen=True)
class StateSpec:
    """One state of a scenario file. None for power or growth means 'from the NMC data'."""

    name: str
    cow: int | None
    power: float | None
    lat: float | None
    lon: float | None
    growth: float | None
    revisionism: float
    strategy: str
    alliance: str | None


@dataclass(frozen=True)
class Knob:
    """A scenario parameter that sets one field of one state, e.g. kazakhstan_strategy."""

    name: str
    state: str
    field: str
    doc: str


@dataclass(frozen=True)
class ScenarioSpec:
    """A validated scenario file."""

    source: str
    name: str
    description: str
    year: int | None
    power_index: str
    power_weights: str
    distance_scale: float
    initial_alliances: bool
    growth_cap: float
    params: dict[str, Any]
    knobs: dict[str, Knob]
    states: tuple[StateSpec, ...]
    great_powers: tuple[str, ...] = ()  # [structures]: the states whose capability a structure redistributes
    structures: dict[str, Structure] = dataclasses.field(default_factory=dict)

    @property
    def alliance_names(self) -> list[str]:
        """Initial alliances, in order of first mention."""
        return list(dict.fromkeys(s.alliance for s in self.states if s.alliance))

    def state(self, name: str) -> StateSpec:
        """The state called `name`."""
        return next(s for s in self.states if s.name == name)


def fail(source: str, where: str, field: str | None, problem: str) -> None:
    """Raise a ScenarioError naming the file, the state or section, and the field."""
    where = f"{where}: " if where else ""
    what = f"field '{field}' " if field else ""
    raise ScenarioError(f"scenario file {source}: {where}{what}{problem}")


class _Reader:
    """Checks the fields of one table of the file, naming the file and the table in every error."""

    def __init__(self, source: str, where: str, table: Any, allowed: tuple[str, ...] | None) -> None:
        self.source, self.where = source, where
        if not isinstance(table, dict):
            self.fail(None, "must be a table")
        unknown = [k for k in table if allowed is not None and k not in allowed]
        if unknown:
            self.fail(unknown[0], f"is not a known field; known fields: {', '.join(allowed or ())}")
        self.table = table

    def fail(self, field: str | None, problem: str) -> None:
        """Raise a ScenarioError about `field` of this table."""
        fail(self.source, self.where, field, problem)

    def get(
        self,
        field: str,
        kind: type | tuple[type, ...],
        default: Any = ...,
        low: float | None = None,
        high: float | None = None,
        choices: Sequence[str] | None = None,
        words: str = "",
    ) -> Any:
        """The field's value, checked; `default` (unless ...) when absent."""
        if field not in self.table:
            if default is ...:
                self.fail(field, f"is missing; it must be {words}")
            return default
        value = self.table[field]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        wrong = False
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            try:
                value = float(value)
            except OverflowError:  # an integer beyond float range
                wrong = True
        wrong = wrong or not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds)
        if not wrong and choices is not None and isinstance(value, str):
            wrong = value not in choices
        if not wrong and isinstance(value, int | float) and not isinstance(value, bool):
            out_of_range = (low is not None and value < low) or (high is not None and value > high)
            wrong = out_of_range or (isinstance(value, float) and not math.isfinite(value))
        if wrong:
            self.fail(field, f"must be {words}, got {shown(value)}")
        return value


def _number_or_nmc(r: _Reader, field: str, default: Any, low: float, high: float, words: str) -> Any:
    value = r.get(field, (float, str), default, low, high, (NMC,), words)
    return None if value == NMC else value


STATE_FIELDS = ("name", "cow", "power", "lat", "lon", "growth", "revisionism", "strategy", "alliance")
TOP_FIELDS = (
    "name",
    "description",
    "year",
    "power_index",
    "power_weights",
    "distance_scale",
    "initial_alliances",
    "nmc_growth_cap",
    "defaults",
    "params",
    "parameters",
    "structures",
    "states",
)
STRATEGY_WORDS = f"one of {', '.join(STRATEGIES)}"
GROWTH_WORDS = 'a yearly rate from -0.2 to 0.2, or "nmc" (from the data: the trend or drift)'
YEAR_WORDS = f"an NMC year from {FIRST_YEAR} to {LAST_YEAR} (needed by nmc power, growth or capitals)"
INDEX_WORDS = f"one of {', '.join(POWER_INDICES)}"


def _defaults(source: str, table: Any) -> dict[str, Any]:
    """The [defaults] table: growth, revisionism and strategy for states that do not set them."""
    r = _Reader(source, "[defaults]", table, ("growth", "revisionism", "strategy"))
    _number_or_nmc(r, "growth", 0.0, -0.2, 0.2, GROWTH_WORDS)
    r.get("revisionism", float, 0.0, 0, 1, words="a number from 0 to 1")
    r.get("strategy", str, "balance", choices=STRATEGIES, words=STRATEGY_WORDS)
    return r.table


def _state(source: str, k: int, table: Any, defaults: dict[str, Any]) -> StateSpec:
    name = table.get("name") if isinstance(table, dict) else None
    label = f"state {name!r}" if isinstance(name, str) else f"state #{k + 1}"
    r = _Reader(source, label, table, STATE_FIELDS)
    r.get("name", str, words="the state's name (text)")
    merged = _Reader(source, label, {**defaults, **table}, STATE_FIELDS)
    lat = r.get("lat", float, None, -90, 90, words="a latitude from -90 to 90 (degrees)")
    lon = r.get("lon", float, None, -180, 180, words="a longitude from -180 to 180 (degrees)")
    if (lat is None) != (lon is None):
        r.fail("lon" if lon is None else "lat", "is missing; give both lat and lon, or neither (capital)")
    assert isinstance(name, str)  # r.get("name", str) above refuses anything else
    return StateSpec(
        name=name,
        cow=r.get("cow", int, None, 1, 999, words="a COW country code (an integer)"),
        power=_number_or_nmc(r, "power", ..., 1e-12, 1e12, 'a positive number, or "nmc"'),
        lat=lat,
        lon=lon,
        growth=_number_or_nmc(merged, "growth", 0.0, -0.2, 0.2, GROWTH_WORDS),
        revisionism=merged.get("revisionism", float, 0.0, 0, 1, words="a number from 0 to 1"),
        strategy=merged.get("strategy", str, "balance", choices=STRATEGIES, words=STRATEGY_WORDS),
        alliance=r.get("alliance", str, None, words="an alliance name (text)"),
    )


def _params(source: str, table: Any) -> dict[str, Any]:
    r = _Reader(source, "[params]", table, tuple(PARAMS))
    out = {}
    for name, value in r.table.items():
        if name == "scenario":
            r.fail(name, "cannot be set inside a scenario")
        if name in RANDOM_ONLY:
            r.fail(name, "cannot be set in a scenario file: it shapes the random world only")
        try:
            out[name] = PARAMS[name].check(value)
        except ParameterError as err:
            r.fail(None, str(err))
    return out


def _knobs(source: str, table: Any, states: tuple[StateSpec, ...]) -> dict[str, Knob]:
    top = _Reader(source, "[parameters]", table, None)
    knobs = {}
    names = [s.name for s in states]
    for name, body in top.table.items():
        r = _Reader(source, f"[parameters.{name}]", body, ("state", "field", "doc"))
        if name in PARAMS or name in (*FILE_PARAMS, STRUCTURE) or not name.isidentifier():
            r.fail(None, "needs a new identifier as its name (not a model or scenario parameter)")
        knobs[name] = Knob(
            name,
            r.get("state", str, choices=tuple(names), words=f"one of the states: {', '.join(names)}"),
            r.get("field", str, choices=KNOB_FIELDS, words=f"one of {', '.join(KNOB_FIELDS)}"),
            r.get("doc", str, "", words="text"),
        )
    return knobs


def load(path: str | Path) -> ScenarioSpec:
    """Read and validate a scenario file; raise ScenarioError naming file, state and field."""
    path = Path(path)
    source = path.name
    try:
        _, raw = read_toml(path, "scenario")
    except InputError as err:
        raise ScenarioError(str(err)) from None
    r = _Reader(source, "", raw, TOP_FIELDS)
    defaults = _defaults(source, raw.get("defaults", {}))
    states_raw = r.get("states", list, words="a list of [[states]] tables")
    if len(states_raw) < 2:
        r.fail("states", f"must list at least two states, got {len(states_raw)}")
    need, have = memory_needed(len(states_raw)), available_memory()
    if need > have:
        r.fail(
            "states",
            f"lists {len(states_raw)} states, which need about {need / 1e9:.1f} GB per run "
            f"({BYTES_PER_PAIR} bytes per pair of states); this machine has {have / 1e9:.1f} GB available",
        )
    states = tuple(_state(source, k, t, defaults) for k, t in enumerate(states_raw))
    _check_states(r, states)
    weights = r.get("power_weights", str, "milex:1", words="'component:weight' pairs, e.g. 'milex:1,tpop:1'")
    try:
        parse_weights(weights)
    except ParameterError as err:
        r.fail("power_weights", str(err))
    uses_nmc = any(s.power is None or s.growth is None or s.lat is None for s in states)
    spec = ScenarioSpec(
        source=source,
        name=r.get("name", str, path.stem, words="text"),
        description=r.get("description", str, "", words="text"),
        year=r.get("year", int, ... if uses_nmc else None, FIRST_YEAR, LAST_YEAR, words=YEAR_WORDS),
        power_index=r.get("power_index", str, "cinc", choices=POWER_INDICES, words=INDEX_WORDS),
        power_weights=weights,
        distance_scale=r.get("distance_scale", float, DEFAULT_DISTANCE_SCALE_KM, 1e-6, 1e9, words="km > 0"),
        initial_alliances=r.get("initial_alliances", bool, True, words="true or false"),
        growth_cap=r.get("nmc_growth_cap", float, GROWTH_CAP.default, 0, 0.2, words="a rate from 0 to 0.2"),
        params=_params(source, raw.get("params", {})),
        knobs={},
        states=states,
    )
    great, structures = _structures(source, raw.get("structures"), states)
    return replace(
        spec,
        knobs=_knobs(source, raw.get("parameters", {}), states),
        great_powers=great,
        structures=structures,
    )


def _structures(
    source: str, table: Any, states: tuple[StateSpec, ...]
) -> tuple[tuple[str, ...], dict[str, Structure]]:
    """The [structures] table: `great_powers` (state names), then one table {poles, share} per
    structure (model/scenarios/structure.py)."""
    if table is None:
        return (), {}
    top = _Reader(source, "[structures]", table, None)
    names = tuple(s.name for s in states)
    great = top.get("great_powers", list, words="a list of two or more state names")
    if not all(isinstance(g, str) for g in great) or len(great) < 2 or len(set(great)) < len(great):
        top.fail("great_powers", f"must list two or more different state names, got {shown(great)}")
    if any(g not in names for g in great):
        top.fail("great_powers", f"must list two or more different states of the file, got {shown(great)}")
    structures = {}
    for key, body in top.table.items():
        if key == "great_powers":
            continue
        r = _Reader(source, f"[structures.{key}]", body, ("poles", "share"))
        if key == DATA or not key.isidentifier():
            r.fail(None, f"needs a name that is an identifier other than {DATA!r} (the data's own structure)")
        poles = r.get("poles", list, words="a list of great powers (from great_powers)")
        named = all(isinstance(p, str) for p in poles)
        if not (named and poles and set(poles) <= set(great) and len(set(poles)) == len(poles)):
            r.fail(
                "poles",
                f"must list different states of great_powers ({', '.join(great)}), got {shown(poles)}",
            )
        share = r.get(
            "share",
            float,
            low=0,
            high=1,
            words="the poles' share of the great powers' capability, from 0 to 1",
        )
        if share <= 0 or (share == 1) != (len(poles) == len(great)):
            r.fail(
                "share",
                "must be above 0, and 1 exactly when every great power is a pole (the others need a share), "
                f"got {share}",
            )
        structures[key] = Structure(key, tuple(poles), share)
    if not structures:
        top.fail(None, "names no structure: add a table such as [structures.bipolar] with poles and share")
    return tuple(great), structures


def _check_states(r: _Reader, states: tuple[StateSpec, ...]) -> None:
    """Names and COW codes unique; NMC data and capitals need a COW code; alliances of two or more."""
    seen: dict[Any, int] = {}
    for k, s in enumerate(states):
        where = f"state {s.name!r}"
        for field, key in (("name", s.name), ("cow", s.cow)):
            if key is not None and (field, key) in seen:
                fail(r.source, where, field, f"duplicates state #{seen[field, key] + 1} ({key!r})")
            seen[field, key] = k
        if s.cow is None and (s.power is None or s.growth is None):
            fail(r.source, where, "cow", 'is missing; power or growth "nmc" needs the state\'s COW code')
        if s.cow is None and s.lat is None:
            fail(r.source, where, "lat", "is missing; give lat and lon, or a COW code to look up the capital")
    counts: dict[str, int] = {}
    for s in states:
        if s.alliance:
            counts[s.alliance] = counts.get(s.alliance, 0) + 1
    lone = [a for a, c in counts.items() if c < 2]
    if lone:
        s = next(s for s in states if s.alliance == lone[0])
        fail(
            r.source,
            f"state {s.name!r}",
            "alliance",
            f"names alliance {lone[0]!r}, which has no other member",
        )


def scenario_params(spec: ScenarioSpec) -> dict[str, Param]:
    """The parameters a file scenario adds: its power index, alliances switch and knobs, and its
    own defaults for model parameters (same checks, new default)."""
    params = {name: replace(PARAMS[name], default=value) for name, value in spec.params.items()}
    params["power_index"] = Param(
        "power_index",
        str,
        spec.power_index,
        "Power index from the NMC data: cinc, milex (expenditure share) or mix (power_weights).",
        choices=POWER_INDICES,
    )
    params["power_weights"] = Param(
        "power_weights",
        str,
        spec.power_weights,
        "Component weights for power_index=mix, e.g. 'milex:1,tpop:1'.",
    )
    params["nmc_growth_cap"] = replace(GROWTH_CAP, default=spec.growth_cap)
    params["initial_alliances"] = Param(
        "initial_alliances", bool, spec.initial_alliances, "Start from the scenario's alliances."
    )
    if spec.structures:
        params[STRUCTURE] = Param(
            STRUCTURE,
            str,
            DATA,
            "World structure: data (the data's capabilities), or a counterfactual in which the great "
            f"powers ({', '.join(spec.great_powers)}) share their capability among poles "
            "(docs/scenarios.md, 'World structures').",
            choices=(DATA, *spec.structures),
        )
    for knob in spec.knobs.values():
        params[knob.name] = _knob_param(spec, knob)
    return params


def _knob_param(spec: ScenarioSpec, knob: Knob) -> Param:
    state = spec.state(knob.state)
    doc = knob.doc or f"{knob.state}'s {knob.field}."
    if knob.field == "strategy":
        return Param(knob.name, str, state.strategy, doc, choices=STRATEGIES)
    if knob.field == "revisionism":
        return Param(knob.name, float, state.revisionism, doc, 0.0, 1.0)
    if knob.field == "growth":
        return Param(
            knob.name, float, state.growth, doc + " Unset: the file's value.", -0.2, 0.2, optional=True
        )
    choices = ("none", *spec.alliance_names)
    return Param(knob.name, str, state.alliance or "none", doc, choices=choices)
