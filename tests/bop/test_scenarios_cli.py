"""Scenarios from the command line: `bop scenarios`, `bop run --scenario NAME|FILE`."""

import json

from click.testing import CliRunner

from bop.cli import cli
from tests.model.test_scenario_files import GOOD

EQUILIBRIA = {"static", "dynamic", "hegemony", "universal_empire"}


def run(*args: str):
    return CliRunner().invoke(cli, ["run", *args])


def test_bop_scenarios_lists_names_descriptions_and_parameters():
    result = CliRunner().invoke(cli, ["scenarios"])
    assert result.exit_code == 0
    for name in ("random", "nmc", "eurasia-2016", "europe-1914", "kazakhstan_strategy"):
        assert name in result.output
    assert "Kazakhstan hedges" in result.output


def test_eurasia_2016_json_reports_an_equilibrium():
    # fixed growth: under the random growth process CON fluctuates beyond dynamic_band over 200 years
    result = run(
        "--scenario", "eurasia-2016", "--json", "--set", "growth_process=fixed", "--set", "arming=false"
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["states_initial"] == 18
    assert summary["equilibrium"] in EQUILIBRIA and summary["converged_at"] is not None


def test_europe_1914_reports_an_equilibrium():
    # fixed growth: under the random growth process CON fluctuates beyond dynamic_band over 200 years
    result = run("--scenario", "europe-1914", "--set", "growth_process=fixed", "--set", "arming=false")
    assert result.exit_code == 0, result.output
    label = result.output.splitlines()[0].split()[1]
    assert label in EQUILIBRIA
    assert "states alive     12 of 12" in result.output


def test_kazakhstan_strategy_is_set_from_the_command_line(tmp_path):
    result = run("--scenario", "eurasia-2016", "--set", "kazakhstan_strategy=balance", "--steps", "5")
    assert result.exit_code == 0, result.output
    out = tmp_path / "r"
    run(
        "--scenario",
        "eurasia-2016",
        "--set",
        "kazakhstan_strategy=bandwagon",
        "--steps",
        "2",
        "--out",
        str(out),
    )
    assert json.loads((out / "summary.json").read_text())["params"]["kazakhstan_strategy"] == "bandwagon"
    bad = run("--scenario", "eurasia-2016", "--set", "kazakhstan_strategy=appease")
    assert bad.exit_code == 2 and "kazakhstan_strategy" in bad.output and "hedge" in bad.output


def test_a_scenario_file_path_runs_and_a_bad_one_fails_in_one_line(tmp_path):
    good = tmp_path / "mine.toml"
    good.write_text(GOOD)
    result = run("--scenario", str(good), "--json", "--steps", "10")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["states_initial"] == 3
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace("lat = 10.0", "lat = 123"))
    result = run("--scenario", str(bad))
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1
    assert "bad.toml" in lines[0] and "state 'C'" in lines[0] and "field 'lat'" in lines[0]
