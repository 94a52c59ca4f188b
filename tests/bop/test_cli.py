"""The `bop` command line."""

import json

import pyarrow.parquet as pq
from click.testing import CliRunner

from bop.cli import cli

KEYS = {
    "equilibrium",
    "converged_at",
    "steps",
    "states_initial",
    "states_alive",
    "essential_initial",
    "essential_alive",
    "essential_survivors",
    "alliances",
    "s_max",
    "b_max",
    "hhi",
    "n_eff",
    "con",
    "polarity",
    "wars",
    "alliance_events",
}


def test_run_json_prints_exactly_one_object_with_the_summary_fields():
    result = CliRunner().invoke(cli, ["run", "--steps", "30", "--seed", "3", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert KEYS <= set(summary)
    assert summary["steps"] == 30 and summary["states_initial"] == 20


def test_run_is_reproducible_and_settings_apply():
    args = ["run", "--steps", "20", "--seed", "9", "--json", "--set", "n_states=12"]
    first = CliRunner().invoke(cli, args)
    second = CliRunner().invoke(cli, args)
    assert first.output == second.output
    assert json.loads(first.output)["states_initial"] == 12


def test_run_prints_a_readable_summary():
    result = CliRunner().invoke(cli, ["run", "--steps", "10"])
    assert result.exit_code == 0
    assert "equilibrium" in result.output and "states alive" in result.output


def test_out_writes_parquet_and_json(tmp_path):
    out = tmp_path / "r"
    result = CliRunner().invoke(cli, ["run", "--steps", "15", "--out", str(out), "--set", "n_states=8"])
    assert result.exit_code == 0, result.output
    model = pq.read_table(out / "model.parquet")
    assert model.num_rows == 16 and "con" in model.column_names
    states = pq.read_table(out / "states.parquet")
    assert states.num_rows == 16 * 8
    events = pq.read_table(out / "events.parquet")
    assert events.column_names == ["step", "event", "state", "state_index", "alliance", "reason", "partner"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["steps"] == 15 and summary["params"]["n_states"] == 8


def test_bad_input_exits_non_zero_with_one_line_naming_the_option():
    for args, name in [
        (["run", "--set", "n_states=0"], "n_states"),
        (["run", "--set", "bogus=1"], "bogus"),
        (["run", "--set", "novalue"], "--set"),
        (["run", "--steps", "-1"], "--steps"),
        (["run", "--scenario", "atlantis"], "scenario"),
    ]:
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, (args, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("bop: error:") and name in lines[0]
        assert isinstance(result.exception, SystemExit)  # no other exception escaped


def test_unwritable_output_and_negative_seed_are_one_line_errors(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    for args, words in [
        (["run", "--steps", "2", "--out", str(blocker / "sub")], "cannot write to"),
        (["run", "--seed", "-1"], "--seed"),
    ]:
        result = CliRunner().invoke(cli, args)
        lines = result.output.strip().splitlines()
        assert result.exit_code != 0 and len(lines) == 1 and words in lines[0], result.output
