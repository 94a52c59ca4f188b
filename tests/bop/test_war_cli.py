"""`bop run` with war on: the summary reports wars and eliminations; --out writes the war log."""

import json

import pyarrow.parquet as pq
from click.testing import CliRunner

from bop.cli import cli
from model.conflict import DYAD_COLUMNS, WAR_COLUMNS


def test_run_json_reports_wars_and_eliminations():
    args = ["run", "--steps", "120", "--seed", "4", "--json", "--set", "war=true", "--set", "war_rate=0.5"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["wars"] > 0
    assert summary["eliminated"] == summary["states_initial"] - summary["states_alive"]
    assert "universal_empire_at" in summary and summary["universal_empire_at"] is None


def test_out_writes_the_war_log(tmp_path):
    args = ["run", "--steps", "60", "--seed", "4", "--out", str(tmp_path), "--set", "war=true"]
    result = CliRunner().invoke(cli, [*args, "--set", "war_rate=0.5"])
    assert result.exit_code == 0, result.output
    assert "states eliminated" in result.output
    wars = pq.read_table(tmp_path / "wars.parquet")
    assert wars.column_names == list(WAR_COLUMNS) and wars.num_rows > 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    outcomes = wars.column("outcome").to_pylist()
    assert summary["wars"] == sum(o in ("initiator_won", "target_won") for o in outcomes)


def test_war_off_writes_an_empty_war_log_with_its_columns(tmp_path):
    result = CliRunner().invoke(cli, ["run", "--steps", "5", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    wars = pq.read_table(tmp_path / "wars.parquet")
    assert wars.num_rows == 0 and wars.column_names == list(WAR_COLUMNS)
    assert str(wars.schema.field("attackers").type) == "list<element: string>"


def test_a_bad_war_setting_is_one_line_naming_it():
    result = CliRunner().invoke(cli, ["run", "--set", "war=true", "--set", "war_hazard=greed"])
    assert result.exit_code == 2
    assert result.output.strip().startswith("bop: error:") and "war_hazard" in result.output


def test_out_writes_the_dyads_log_only_when_asked(tmp_path):
    args = ["run", "--steps", "30", "--seed", "4", "--set", "war=true", "--set", "war_rate=0.5"]
    result = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "plain")])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "plain" / "dyads.parquet").exists()
    result = CliRunner().invoke(cli, [*args, "--set", "record_dyads=true", "--out", str(tmp_path / "dyads")])
    assert result.exit_code == 0, result.output
    dyads = pq.read_table(tmp_path / "dyads" / "dyads.parquet")
    assert dyads.column_names == list(DYAD_COLUMNS) and dyads.num_rows > 0
    wars = pq.read_table(tmp_path / "dyads" / "wars.parquet").column("outcome").to_pylist()
    assert sum(dyads.column("war").to_pylist()) == sum(o in ("initiator_won", "target_won") for o in wars)
