"""`bop params`, nearest-name suggestions for unknown names, and -h on every command."""

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bop.cli import cli
from bop.experiments.experiment import ExperimentError, parse_experiment
from model.params import PARAMS, ParameterError, nearest, suggest, validate

ODD = (Path(__file__).parents[2] / "docs" / "ODD.md").read_text()


def markdown_rows(output: str) -> dict[str, list[str]]:
    rows = {}
    for line in output.splitlines():
        if line.startswith("| `"):
            name, *cells = (c.strip() for c in line.strip().strip("|").split("|"))
            rows[name.strip("`")] = cells
    return rows


def test_params_markdown_gives_every_parameter_as_docs_odd_table_has_it_plus_its_section():
    result = CliRunner().invoke(cli, ["params", "--markdown"])
    assert result.exit_code == 0, result.output
    rows = markdown_rows(result.output)
    assert list(rows) == list(PARAMS)
    # docs/ODD.md §8 has the same default, range and meaning (four columns, no section)
    odd = {}
    for line in ODD.split("## 8. Parameters")[1].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) == 4:
            odd[cells[0].strip("`")] = cells[1:]
    for name, (default, allowed, section, meaning) in rows.items():
        assert [default, allowed, meaning] == odd[name], name
        assert re.search(rf"^#{{2,3}} {re.escape(section[1:])}\.? ", ODD, re.M), (name, section)
    assert rows["n_states"][:3] == ["20", "2 – 5000", "§5"] and rows["war_rate"][2] == "§7.6"


def test_params_with_a_scenario_adds_its_own_and_leaves_out_what_it_ignores():
    result = CliRunner().invoke(cli, ["params", "--scenario", "eurasia-2016", "--markdown"])
    assert result.exit_code == 0, result.output
    rows = markdown_rows(result.output)
    assert rows["kazakhstan_strategy"][:2] == [
        "hedge",
        "balance, bandwagon, buckpass, collective, hedge, landscape",
    ]
    assert "n_states" not in rows and "war" in rows
    assert "not used by scenario eurasia-2016 (refused by --set): " in result.output
    assert "n_states" in result.output.splitlines()[-1]
    plain = CliRunner().invoke(cli, ["params"]).output
    assert "n_states = 20   (2 – 5000)   ODD §5\n    Number of states in the random world.\n" in plain


def test_the_nearest_name_is_suggested_and_a_far_one_gets_the_whole_list():
    assert nearest("n_state", PARAMS) == "n_states" and nearest("warrate", PARAMS) == "war_rate"
    assert nearest("zzzz", PARAMS) is None and nearest(3, PARAMS) is None
    assert suggest("hegemony_shar", PARAMS) == "did you mean hegemony_share?"
    assert suggest("zzzz", ["b", "a"], "known") == "known: a, b"
    with pytest.raises(ParameterError, match=r"unknown parameter 'n_state'; did you mean n_states\?$"):
        validate({"n_state": 5})


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["run", "--set", "n_state=5"], "unknown parameter 'n_state'; did you mean n_states?"),
        (["run", "--scenario", "eurasia2016"], "got 'eurasia2016' (did you mean eurasia-2016?)"),
        (["params", "--scenario", "europe1914"], "(did you mean europe-1914?)"),
    ],
)
def test_unknown_names_on_the_command_line_suggest_the_nearest(args, words):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and words in result.stderr, result.stderr


def test_unknown_names_in_an_experiment_file_suggest_the_nearest():
    with pytest.raises(ExperimentError, match=r"^grid\.n_state: unknown parameter; did you mean n_states\?$"):
        parse_experiment({"grid": {"n_state": [5, 6]}})
    with pytest.raises(ExperimentError, match=r"^replication: unknown key; did you mean replications\? "):
        parse_experiment({"replication": 3})


def every_command(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += every_command(command, (*path, name))
        else:
            found.append((*path, name))
    return found


def test_dash_h_gives_the_help_of_every_command_and_bare_bop_its_own():
    commands = every_command(cli)
    assert ("params",) in commands and ("merge",) in commands
    for path in commands:
        result = CliRunner().invoke(cli, [*path, "-h"], prog_name="bop")
        assert result.exit_code == 0, (path, result.output)
        assert result.output.startswith(f"Usage: {' '.join(['bop', *path])} "), path
    bare = CliRunner().invoke(cli, [], prog_name="bop")
    assert bare.exit_code == 0 and bare.output.startswith("Usage: bop ") and "params" in bare.output
