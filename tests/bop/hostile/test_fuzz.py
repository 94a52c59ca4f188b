"""Generated hostile input: for every parameter and every field of the experiment, sensitivity and scenario
files, bad values drawn by hypothesis all end the same way: exit 2, one line on stderr naming the field,
no traceback.

Values are bad by construction (out of range, of the wrong type, not among the choices), read off the
parameter table and the files' documented fields, so no oracle decides what is bad; only the free-text
strategy mix is filtered by its own parser. Examples are derandomized: the same ones on every run.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.params import PARAMS, Param, ParameterError, parse_mix, parse_text
from model.scenarios import SCENARIOS
from tests.bop.hostile.tools import assert_one_line_error, bop, toml_value

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
LETTERS = string.ascii_letters + "٣０²é _-:,"
UNICODE_DIGITS = "٣٤٥０１２²³¹۷"
TEXT = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=30)
WORDS = st.text(string.ascii_letters + "é ", max_size=20)  # text that never reads as a number


@dataclass(frozen=True)
class Field:
    """What a field accepts, as its table or loader says: type, range, choices."""

    name: str
    kind: type
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    optional: bool = False
    exact: bool = False  # an integer field that refuses 5.0 as well (counts in experiment files)

    @staticmethod
    def of(param: Param) -> Field:
        choices = tuple(param.choices) if param.choices is not None else None
        return Field(param.name, param.kind, param.low, param.high, choices, param.optional)


def out_of_range(field: Field) -> st.SearchStrategy[Any]:
    """Numbers outside [low, high], non-finite ones, integers beyond float range; non-integers for ints."""
    options: list[st.SearchStrategy[Any]] = [st.sampled_from([float("nan"), float("inf"), float("-inf")])]
    high, low = field.high, field.low
    if high is not None:
        options += [st.floats(min_value=high, exclude_min=True, allow_infinity=False)]
        options += [st.integers(min_value=math.floor(high) + 1)]
        options += [st.integers(1, 400).map(lambda k: 10**k).filter(lambda v: v > high)]  # beyond float range
    if low is not None:
        options += [st.floats(max_value=low, exclude_max=True, allow_infinity=False)]
        options += [st.integers(max_value=math.ceil(low) - 1), st.integers(1, 400).map(lambda k: -(10**k))]
    if field.kind is int:
        options += [st.floats(allow_nan=False, allow_infinity=False).filter(lambda v: not v.is_integer())]
        if field.exact:
            options += [st.floats(allow_nan=False, allow_infinity=False)]
    return st.one_of(options)


def bad_toml_values(field: Field) -> st.SearchStrategy[Any]:
    """Values a TOML file could hold that the field must refuse."""
    wrong_type: list[st.SearchStrategy[Any]] = [
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.sampled_from("abc"), st.integers(), max_size=2),
    ]

    def unset(text: str) -> bool:  # 'none' unsets an optional parameter
        return field.optional and parse_text(text) is None

    if field.kind in (int, float):
        return st.one_of(
            out_of_range(field), WORDS.filter(lambda t: not unset(t)), st.booleans(), *wrong_type
        )
    if field.kind is bool:  # 'true' in quotes reads as true, like --set war=true
        text = TEXT.filter(lambda t: not isinstance(parse_text(t), bool) and not unset(t))
        return st.one_of(st.integers(), st.floats(), text, *wrong_type)
    options = [st.integers(), st.floats(), st.booleans(), *wrong_type]
    if field.choices is not None:
        options.append(TEXT.filter(lambda t: t not in (field.choices or ()) and not unset(t)))
    return st.one_of(options)


def bad_texts(field: Field) -> st.SearchStrategy[str]:
    """Text typed after `--set NAME=` that the parameter must refuse."""

    def is_unset(text: str) -> bool:
        return parse_text(text) is None

    if field.kind in (int, float):
        numbers = out_of_range(field).map(lambda v: str(v) if isinstance(v, int) else repr(v))
        words = st.text(LETTERS, min_size=1, max_size=20).filter(
            lambda t: not isinstance(parse_text(t), int | float)
        )
        digits = st.text(st.sampled_from(UNICODE_DIGITS), min_size=1, max_size=6)
        strategy = st.one_of(numbers, words, digits, st.just("1" * 5000))
    elif field.kind is bool:
        strategy = TEXT.filter(lambda t: not isinstance(parse_text(t), bool))
    else:
        typed = st.one_of(st.integers().map(str), st.sampled_from(["true", "off", "1.5", "1e400"]))
        choices = field.choices
        if choices is not None:
            strategy = st.one_of(typed, TEXT.filter(lambda t: parse_text(t) not in choices))
        elif field.name == "strategy_mix":
            strategy = st.one_of(typed, TEXT.filter(lambda t: not _mix_ok(t)))
        else:
            strategy = typed
    return strategy.filter(lambda t: "\n" not in t and "\r" not in t and not (field.optional and is_unset(t)))


def _mix_ok(text: str) -> bool:
    value = parse_text(text)
    if not isinstance(value, str):
        return False
    try:
        parse_mix(value)
    except ParameterError:
        return False
    return True


# Every model parameter with the random world, and every scenario's own with that scenario.
CLI_FIELDS = [("random", Field.of(p)) for name, p in PARAMS.items() if name != "scenario"]
CLI_FIELDS += [(s.name, Field.of(p)) for s in SCENARIOS.values() for p in s.params.values()]


@SETTINGS
@given(data=st.data())
def test_any_bad_value_of_any_parameter_on_the_command_line_is_one_line_naming_it(data):
    scenario, field = data.draw(st.sampled_from(CLI_FIELDS), label="parameter")
    text = data.draw(bad_texts(field), label="value")
    outcome = bop("run", "--steps", "0", "--scenario", scenario, "--set", f"{field.name}={text}")
    assert_one_line_error(outcome, field.name)


# Experiment files: every parameter in [params] and [grid], and every other key of the file.
EXPERIMENT_KEYS = [
    ("name", Field("name", str), "name = {v}"),
    ("description", Field("description", str), "description = {v}"),
    ("scenario", Field("scenario", str), "scenario = {v}"),
    ("steps", Field("steps", int, 0, 10_000, exact=True), "steps = {v}"),
    ("replications", Field("replications", int, 1, None, exact=True), "replications = {v}"),
    ("seed", Field("seed", int, 0, None, exact=True), "seed = {v}"),
    ("record.model", Field("model", bool), "[record]\nmodel = {v}"),
    ("record.every", Field("every", int, 1, 10_000, exact=True), "[record]\nevery = {v}"),
    ("record.logs", Field("logs", list), "[record]\nlogs = {v}"),
    (
        "sample.points",
        Field("points", int, 1, None, exact=True),
        "[sample]\npoints = {v}\n[sample.ranges]\nwar_rate = [0, 0.1]",
    ),
    (
        "sample.method",
        Field("method", str, choices=("latin", "uniform")),
        "[sample]\npoints = 2\nmethod = {v}\n[sample.ranges]\nwar_rate = [0, 0.1]",
    ),
    (
        "sample.ranges.war_rate",
        Field("war_rate", float, 0.0, 1.0),
        "[sample]\npoints = 2\n[sample.ranges]\nwar_rate = [0, {v}]",
    ),
    (
        "sample.ranges.n_states",
        Field("n_states", int, 2, 1000),
        "[sample]\npoints = 2\n[sample.ranges]\nn_states = [{v}, 10]",
    ),
]
EXPERIMENT_KEYS += [
    (f"{section}.{name}", Field.of(p), f"[{section}]\n{name} = " + ("[{v}]" if section == "grid" else "{v}"))
    for name, p in PARAMS.items()
    if name != "scenario"
    for section in ("params", "grid")
]


def _experiment_values(field: Field) -> st.SearchStrategy[Any]:
    if field.kind is list:  # record.logs: anything but a list of the model's log names
        return st.one_of(st.integers(), TEXT, st.lists(TEXT.map(lambda t: "?" + t), min_size=1, max_size=3))
    if field.name == "name":  # not a folder name, or too long for one
        return st.one_of(
            bad_toml_values(field), st.text("/ *?<>|\\", min_size=1), st.text("n", min_size=101, max_size=300)
        )
    if field.name == "scenario":
        return st.one_of(
            bad_toml_values(field),
            st.text(string.ascii_lowercase, min_size=1).filter(lambda t: t not in SCENARIOS),
        )
    if field.name == "strategy_mix":
        return st.one_of(bad_toml_values(field), TEXT.filter(lambda t: not _mix_ok(t)))
    return bad_toml_values(field)


@SETTINGS
@given(data=st.data())
def test_any_bad_value_of_any_experiment_file_field_is_one_line_naming_it(tmp_path_factory, data):
    where, field, template = data.draw(st.sampled_from(EXPERIMENT_KEYS), label="field")
    value = data.draw(_experiment_values(field), label="value")
    text = template.format(v=toml_value(value))
    if not where.startswith("step") and "steps =" not in text:
        text = "steps = 1\n" + text
    path = Path(tmp_path_factory.mktemp("exp")) / "e.toml"
    path.write_text(text, encoding="utf-8")
    outcome = bop("sweep", str(path), "--dry-run")
    assert_one_line_error(outcome, where if "." in where else field.name)


SENSITIVITY_KEYS = [
    (
        "method",
        Field("method", str, choices=("morris", "sobol")),
        "method = {v}\n[bounds]\nwar_rate = [0, 0.1]",
    ),
    ("n", Field("n", int, 2, None, exact=True), "n = {v}\n[bounds]\nwar_rate = [0, 0.1]"),
    ("levels", Field("levels", int, 2, 1000, exact=True), "levels = {v}\n[bounds]\nwar_rate = [0, 0.1]"),
    ("bounds.war_rate", Field("war_rate", float, 0.0, 1.0), "[bounds]\nwar_rate = [0, {v}]"),
    ("bounds.n_states", Field("n_states", int, 2, 1000), "[bounds]\nn_states = [{v}, 30]"),
    ("outputs", Field("outputs", list), "outputs = {v}\n[bounds]\nwar_rate = [0, 0.1]"),
]


@SETTINGS
@given(data=st.data())
def test_any_bad_value_of_any_sensitivity_file_field_is_one_line_naming_it(tmp_path_factory, data):
    where, field, template = data.draw(st.sampled_from(SENSITIVITY_KEYS), label="field")
    if field.kind is list:  # outputs: no output is called '?...'
        names = st.lists(TEXT.map(lambda t: "?" + t), min_size=1, max_size=2)
        values = st.one_of(st.integers(), TEXT, st.just([]), names)
    else:
        values = bad_toml_values(field)
    value = data.draw(values, label="value")
    path = Path(tmp_path_factory.mktemp("sens")) / "s.toml"
    path.write_text("steps = 0\n" + template.format(v=toml_value(value)), encoding="utf-8")
    outcome = bop("sensitivity", str(path), "--workers", "1")
    assert_one_line_error(outcome, where)


# Scenario files: each field of a state, of [defaults] and of the file itself (docs/scenarios.md).
STRATEGY_NAMES = tuple(PARAMS["strategy"].choices or ())
STATE_FIELDS = [
    Field("name", str),
    Field("cow", int, 1, 999, exact=True),
    Field("power", float, 1e-12, 1e12),
    Field("lat", float, -90, 90),
    Field("lon", float, -180, 180),
    Field("growth", float, -0.2, 0.2),
    Field("revisionism", float, 0, 1),
    Field("strategy", str, choices=STRATEGY_NAMES),
]
TOP_FIELDS = [
    Field("name", str),
    Field("description", str),
    Field("year", int, 1816, 2016, exact=True),
    Field("power_index", str, choices=("cinc", "milex", "mix")),
    Field("distance_scale", float, 1e-6, 1e9),
    Field("initial_alliances", bool),
    Field("nmc_growth_cap", float, 0, 0.2),
]
DEFAULT_FIELDS = [
    Field("growth", float, -0.2, 0.2),
    Field("revisionism", float, 0, 1),
    Field("strategy", str, choices=STRATEGY_NAMES),
]
STATE_A = {"name": '"A"', "power": "2", "lat": "0", "lon": "0"}
STATE_B = '[[states]]\nname = "B"\npower = 1\nlat = 0\nlon = 5\n'


def _scenario_text(section: str, field: Field, value: str) -> str:
    if section == "state":
        state = {**STATE_A, field.name: value}
        return "[[states]]\n" + "".join(f"{k} = {v}\n" for k, v in state.items()) + STATE_B
    states = "[[states]]\n" + "".join(f"{k} = {v}\n" for k, v in STATE_A.items()) + STATE_B
    if section == "defaults":
        return f"[defaults]\n{field.name} = {value}\n" + states
    if section == "structures":  # a structure's share of the great powers' capability
        return (
            f'[structures]\ngreat_powers = ["A", "B"]\nx = {{ poles = ["A"], {field.name} = {value} }}\n'
            + states
        )
    return f"{field.name} = {value}\n" + states


SCENARIO_FIELDS = [("state", f) for f in STATE_FIELDS] + [("top", f) for f in TOP_FIELDS]
SCENARIO_FIELDS += [("defaults", f) for f in DEFAULT_FIELDS]
SCENARIO_FIELDS += [("structures", Field("share", float, 0, 1))]


def _scenario_values(section: str, field: Field) -> st.SearchStrategy[Any]:
    values = bad_toml_values(field)
    if field.name in ("power", "growth"):  # "nmc" is allowed there (with a COW code and a year)
        values = values.filter(lambda v: v != "nmc")
    return values


@SETTINGS
@given(data=st.data())
def test_any_bad_value_of_any_scenario_file_field_is_one_line_naming_it(tmp_path_factory, data):
    section, field = data.draw(st.sampled_from(SCENARIO_FIELDS), label="field")
    value = data.draw(_scenario_values(section, field), label="value")
    path = Path(tmp_path_factory.mktemp("world")) / "w.toml"
    path.write_text(_scenario_text(section, field, toml_value(value)), encoding="utf-8")
    outcome = bop("run", "--steps", "0", "--scenario", str(path))
    assert_one_line_error(outcome, f"'{field.name}'", "w.toml")
