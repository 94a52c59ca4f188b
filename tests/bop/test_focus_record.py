"""`[record] focus = "STATE"` and `bop report --focus STATE`: one state's fortunes in every scenario."""

import tomllib
from textwrap import dedent
from unittest.mock import patch

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import bop.analysis.report as report
from bop.analysis.outcomes import focus_measures
from bop.cli import cli
from bop.experiments.experiment import ExperimentError, parse_experiment
from bop.experiments.results import load_sweep
from bop.experiments.sweep import run_sweep
from model.model import BalanceOfPowerModel

EURASIA = """
    scenario = "eurasia-2016"
    steps = 40
    replications = 2
    seed = 3
    [params]
    war = true
    war_rate = 0.5
    [grid]
    kazakhstan_strategy = ["hedge", "bandwagon"]
    [record]
    focus = "Kazakhstan"
    logs = ["states", "ties", "wars"]
"""
FOCUS = ["survived", "security", "outside_blocs", "tie_spread", "wars", "share"]


def parse(text: str):
    return parse_experiment(tomllib.loads(dedent(text)))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[record]\nfocus = 'Atlantis'", "record.focus: no state called 'Atlantis' in scenario random"),
        ("[record]\nfocus = 3", "record.focus: must be the name of a state"),
        ("[params]\nrecord_states = false\n[record]\nfocus = 'S00'", "record.focus: needs record_states"),
    ],
)
def test_a_bad_focus_is_refused_before_any_run(text, message):
    with pytest.raises(ExperimentError, match=message):
        parse(text)


def test_focus_needs_and_switches_on_per_state_history():
    experiment = parse(EURASIA)
    assert all(point["record_states"] for point in experiment.points)
    assert experiment.to_dict()["record"]["focus"] == "Kazakhstan"
    assert "focus" not in parse("steps = 1").to_dict()["record"]  # old sweeps' manifests still match


@pytest.mark.parametrize(
    ("scenario", "state"),
    [("random", "S03"), ("nmc", "Kazakhstan"), ("europe-1914", "Serbia"), ("eurasia-2016", "Mongolia")],
)
def test_every_scenario_records_the_focus_of_any_of_its_states(tmp_path, scenario, state):
    extra = "nmc_states = 'USA,RUS,CHN,KZK'\n" if scenario == "nmc" else ""
    text = f"scenario = '{scenario}'\nsteps = 5\n[params]\n{extra}[record]\nfocus = '{state}'\n"
    run_sweep(parse(text), tmp_path / "out", workers=1, progress=False)
    row = load_sweep(tmp_path / "out").iloc[0]
    assert row["status"] == "ok", row["error"]
    assert row["focus_survived"] and 0 < row["focus_share"] < 1 and row["focus_security"] >= 0


def rerun(experiment, row, steps: int = 40) -> BalanceOfPowerModel:
    """The run of a results row, again."""
    model = BalanceOfPowerModel(rng=int(row["seed"]), **experiment.points[row["point"]])
    for _ in range(steps):
        if model.running:
            model.step()
    return model


def test_focus_columns_equal_the_measures_of_the_same_run(tmp_path):
    experiment = parse(EURASIA)
    run_sweep(experiment, tmp_path / "out", workers=1, progress=False)
    runs = load_sweep(tmp_path / "out")
    assert runs["status"].eq("ok").all() and len(runs) == 4
    for _, row in runs.iterrows():
        expected = focus_measures(rerun(experiment, row), "Kazakhstan")
        got = {k: row[f"focus_{k}"] for k in FOCUS}
        assert got == pytest.approx({k: expected[k] for k in FOCUS}, nan_ok=True)
    assert runs["wars"].sum() > 0  # war_rate 0.5 over 40 years: the war count is exercised
    assert runs["focus_wars"].sum() > 0


def test_report_focus_asks_any_state_afterwards_from_the_recorded_logs(tmp_path):
    path = tmp_path / "kz.toml"
    path.write_text(dedent(EURASIA))
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["sweep", str(path), "--workers", "1", "--out", str(out)]).exit_code == 0
    experiment, runs = parse(EURASIA), load_sweep(out)
    for state in ("Mongolia", "Kazakhstan"):  # Kazakhstan: the recorded focus_* columns
        args = ["report", str(out), "--focus", state, "--compare", "kazakhstan_strategy"]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert f"## {state}" in result.output and "focus_tie_spread" in result.output
        table = pd.read_csv(out / "focus.csv")
        # the per-point means of the measures of each run, rerun by hand
        measured = pd.DataFrame(
            [
                {"point": row["point"], **focus_measures(rerun(experiment, row), state)}
                for _, row in runs.iterrows()
            ]
        )
        means = measured.groupby("point")[["security", "share", "outside_blocs", "wars"]].mean()
        for k in means:
            np.testing.assert_allclose(table[f"focus_{k}"], means[k].to_numpy(), err_msg=f"{state} {k}")
        assert (out / "focus_compare.csv").exists()


def test_the_logs_give_what_the_run_recorded(tmp_path):
    experiment = parse(EURASIA)
    run_sweep(experiment, tmp_path / "out", workers=1, progress=False)
    runs = load_sweep(tmp_path / "out")
    columns = [f"focus_{k}" for k in FOCUS]
    manifest = report.load_manifest(tmp_path / "out")
    manifest["experiment"]["record"]["focus"] = None  # as if only the logs had been recorded
    with patch.object(report, "load_manifest", lambda _: manifest):
        again = report.focus_runs(tmp_path / "out", runs.drop(columns=columns), "Kazakhstan")
    np.testing.assert_allclose(again[columns].astype(float), runs[columns].astype(float), equal_nan=True)


def test_report_focus_without_the_logs_is_one_line_saying_what_to_record(tmp_path):
    path = tmp_path / "kz.toml"
    path.write_text(dedent(EURASIA).replace('logs = ["states", "ties", "wars"]\n', ""))
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["sweep", str(path), "--workers", "1", "--out", str(out)]).exit_code == 0
    assert CliRunner().invoke(cli, ["report", str(out), "--focus", "Kazakhstan"]).exit_code == 0
    result = CliRunner().invoke(cli, ["report", str(out), "--focus", "Mongolia"])
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "recorded the focus 'Kazakhstan'" in result.output and "logs = ['states'" in result.output
    result = CliRunner().invoke(cli, ["report", str(out), "--focus", "Atlantis"])
    assert result.exit_code == 1 and "Atlantis" in result.output
