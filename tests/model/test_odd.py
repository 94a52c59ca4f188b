"""docs/ODD.md's parameter tables match the model's actual parameters, defaults and ranges."""

import re
from pathlib import Path

from model.params import PARAMS, Param
from model.scenarios import SCENARIOS

ODD = (Path(__file__).parents[2] / "docs" / "ODD.md").read_text()


def shown(value) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def allowed(spec: Param) -> str:
    if spec.choices:
        return ", ".join(spec.choices)
    if spec.kind is bool:
        return "true, false"
    if spec.low is not None or spec.high is not None:
        return f"{spec.low:g} – {spec.high:g}"
    return "text"


def table_rows(cells: int) -> list[list[str]]:
    rows = []
    for line in ODD.splitlines():
        parts = [p.strip() for p in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(parts) == cells:
            rows.append([p.strip("`") for p in parts])
    return rows


def test_model_parameter_table_matches_the_code():
    rows = {name: (default, rng) for name, default, rng, _ in table_rows(4)}
    assert set(rows) == set(PARAMS), set(rows) ^ set(PARAMS)
    for name, spec in PARAMS.items():
        assert rows[name] == (shown(spec.default), allowed(spec)), name


def test_scenario_parameter_table_matches_the_code():
    rows = {(s, name): (default, rng) for s, name, default, rng, _ in table_rows(5)}
    expected = {
        (s.name, p.name): (shown(p.default), allowed(p))
        for s in SCENARIOS.values()
        for p in s.params.values()
    }
    assert rows == expected


def test_every_formula_section_is_present():
    for heading in [
        "Purpose and patterns",
        "Entities, state variables and scales",
        "Process overview",
        "Design concepts",
        "Initialisation",
        "Input data",
        "Submodels",
        "Parameters",
    ]:
        assert re.search(rf"^## \d+\. {heading}", ODD, re.M), heading


def test_every_parameter_names_its_odd_section_and_the_section_exists():
    headings = set(re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", ODD, re.M))
    for name, spec in PARAMS.items():
        assert spec.odd in headings, (name, spec.odd)
