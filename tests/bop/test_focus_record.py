"""`[record] focus = "STATE"`: a sweep's results rows carry that state's survival, autonomy and wars."""

import tomllib
from textwrap import dedent

import pytest

from bop.analysis.outcomes import focus_measures
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
"""


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


def test_focus_columns_equal_the_measures_of_the_same_run(tmp_path):
    experiment = parse(EURASIA)
    run_sweep(experiment, tmp_path / "out", workers=1, progress=False)
    runs = load_sweep(tmp_path / "out")
    assert runs["status"].eq("ok").all() and len(runs) == 4
    for _, row in runs.iterrows():
        model = BalanceOfPowerModel(rng=int(row["seed"]), **experiment.points[row["point"]])
        for _ in range(40):
            if model.running:
                model.step()
        expected = focus_measures(model, "Kazakhstan")
        got = {
            "survived": row["focus_survived"],
            "autonomy": row["focus_autonomy"],
            "wars": row["focus_wars"],
        }
        assert got == {k: expected[k] for k in got}
    assert runs["wars"].sum() > 0  # war_rate 0.5 over 40 years: the war count is exercised
