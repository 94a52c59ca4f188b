"""Experiment files: every mistake is caught before a run starts, and the design and seeds are right."""

from pathlib import Path
from textwrap import dedent

import numpy as np
import pytest
from click.testing import CliRunner

from bop.cli import cli
from bop.experiments.experiment import ExperimentError, load_experiment, parse_experiment
from model.params import PARAMS

GOOD = """
    steps = 10
    replications = 3
    seed = 5
    [params]
    growth_sd = 0.02
    [grid]
    n_states = [6, 8]
    strategy = ["balance", "bandwagon", "hedge"]
"""


def experiment(tmp_path, text, name="exp"):
    path = tmp_path / f"{name}.toml"
    path.write_text(dedent(text))
    return path


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("bogus = 1", "bogus"),
        ("name = '../elsewhere'", "name"),
        ("replications = 0", "replications"),
        ("steps = -1", "steps"),
        ("seed = 1.5", "seed"),
        ("[grid]\nwarp_speed = [1, 2]", "grid.warp_speed"),
        ("[params]\nwarp_speed = 1", "params.warp_speed"),
        ("[grid]\nn_states = []", "grid.n_states"),
        ("[grid]\nn_states = 10", "grid.n_states"),
        ("[grid]\nn_states = [10, 0]", "grid.n_states"),  # a value outside 2..1000
        ("[grid]\nstrategy = ['balance', 'tribute']", "grid.strategy"),
        ("[params]\nn_states = 10\n[grid]\nn_states = [10, 20]", "grid.n_states"),
        ("[grid]\nscenario = ['random']", "grid.scenario"),
        ("scenario = 'atlantis'", "scenario"),
        ("[record]\nlogs = ['bogus']", "record.logs"),
        ("[record]\nevery = 0", "record.every"),
        ("[record]\nmodle = true", "record.modle"),
        ("[params]\nrecord_states = false\n[record]\nlogs = ['states']", "record.logs"),
        ("[params]\nrecord_dyads = false\n[record]\nlogs = ['dyads']", "record.logs: dyads"),
        ("[sample]\npoints = 4", "sample.ranges"),
        ("[sample]\npoints = 0\n[sample.ranges]\ndefection_rate = [0, 0.1]", "sample.points"),
        (
            "[sample]\npoints = 4\nmethod = 'sobol'\n[sample.ranges]\ndefection_rate = [0, 0.1]",
            "sample.method",
        ),
        (
            "[sample]\npoints = 4\n[sample.ranges]\ndefection_rate = [0.2, 0.1]",
            "sample.ranges.defection_rate",
        ),
        ("[sample]\npoints = 4\n[sample.ranges]\ndefection_rate = [0, 2]", "sample.ranges.defection_rate"),
        ("[sample]\npoints = 4\n[sample.ranges]\nstrategy = ['a', 'b']", "sample.ranges.strategy"),
        # Each value is allowed alone, but exit above entry is not: caught per design point.
        ("[grid]\nthreat_exit = [0.1, 0.5]", "threat_exit"),
    ],
)
def test_bad_files_fail_naming_the_key(tmp_path, text, named):
    with pytest.raises(ExperimentError, match=named.replace(".", r"\.")):
        load_experiment(experiment(tmp_path, text))


def test_cli_reports_a_bad_file_in_one_line_before_running(tmp_path):
    path = experiment(tmp_path, "replications = 0")
    result = CliRunner().invoke(cli, ["sweep", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bop: error:") and "replications" in lines[0]
    assert not (tmp_path / "out").exists()


def test_invalid_toml_and_missing_file_are_clear(tmp_path):
    with pytest.raises(ExperimentError, match="not valid TOML"):
        load_experiment(experiment(tmp_path, "steps = = 3"))
    with pytest.raises(ExperimentError, match="does not exist"):
        load_experiment(tmp_path / "nope.toml")


def test_grid_is_full_factorial_in_file_order_with_fixed_params_and_defaults(tmp_path):
    exp = load_experiment(experiment(tmp_path, GOOD))
    assert exp.name == "exp" and exp.varied == ["n_states", "strategy"]
    # 2 sizes × 3 strategies, the last key varying fastest
    assert [(p["n_states"], p["strategy"]) for p in exp.points] == [
        (6, "balance"),
        (6, "bandwagon"),
        (6, "hedge"),
        (8, "balance"),
        (8, "bandwagon"),
        (8, "hedge"),
    ]
    assert all(
        p["growth_sd"] == 0.02 and p["threat_entry"] == PARAMS["threat_entry"].default for p in exp.points
    )
    assert all(p["record_states"] is False for p in exp.points)  # not recorded, so not kept
    assert exp.total == 18


def test_run_ids_and_common_random_numbers(tmp_path):
    exp = load_experiment(experiment(tmp_path, GOOD))
    runs = list(exp.runs())
    assert [r.run for r in runs] == list(range(18))
    assert [(r.point, r.replication) for r in runs[:4]] == [(0, 0), (0, 1), (0, 2), (1, 0)]
    # replication r has one seed at every point; replications differ from each other
    for rep in range(3):
        assert {r.seed for r in runs if r.replication == rep} == {exp.seeds[rep]}
    assert len(set(exp.seeds)) == 3
    # the seeds come from SeedSequence(seed): the second child of the root spawns one per replication
    child = np.random.SeedSequence(5).spawn(2)[1].spawn(3)[0]
    assert exp.seeds[0] == int(child.generate_state(1, np.uint64)[0] >> np.uint64(1))


def test_more_replications_keep_the_seeds_of_the_first_ones():
    few = parse_experiment({"replications": 3, "seed": 11})
    more = parse_experiment({"replications": 7, "seed": 11})
    other = parse_experiment({"replications": 3, "seed": 12})
    assert more.seeds[:3] == few.seeds
    assert not set(other.seeds) & set(few.seeds)


def test_latin_sample_puts_one_point_in_each_stratum_and_crosses_the_grid():
    exp = parse_experiment(
        {
            "grid": {"strategy": ["balance", "bandwagon"]},
            "sample": {"points": 10, "ranges": {"defection_rate": [0.0, 0.1], "n_states": [10, 19]}},
        }
    )
    assert len(exp.points) == 20 and exp.varied == ["strategy", "defection_rate", "n_states"]
    first, second = exp.points[:10], exp.points[10:]
    # 10 strata of width 0.01 on [0, 0.1]: one draw in each
    strata = sorted(int(p["defection_rate"] / 0.01) for p in first)
    assert strata == list(range(10))
    # integers 10..19 are 10 strata of one value each: every size exactly once
    assert sorted(p["n_states"] for p in first) == list(range(10, 20))
    # the same sampled points for each grid value
    assert [(p["defection_rate"], p["n_states"]) for p in first] == [
        (p["defection_rate"], p["n_states"]) for p in second
    ]
    assert {p["strategy"] for p in first} == {"balance"} and {p["strategy"] for p in second} == {"bandwagon"}


def test_uniform_sample_stays_in_range_and_is_reproducible():
    raw = {"seed": 3, "sample": {"points": 50, "method": "uniform", "ranges": {"growth_sd": [0.01, 0.03]}}}
    first, again = parse_experiment(raw), parse_experiment(raw)
    values = [p["growth_sd"] for p in first.points]
    assert all(0.01 <= v <= 0.03 for v in values)
    assert values == [p["growth_sd"] for p in again.points]


def test_recordable_logs_are_the_models_frames():
    exp = parse_experiment({"record": {"model": True, "every": 5, "logs": ["events", "states"]}})
    assert exp.record.logs == ("events", "states") and exp.record.every == 5
    assert exp.points[0]["record_states"] is True


def test_a_scenarios_own_parameters_can_be_swept_and_are_checked(tmp_path):
    exp = load_experiment(
        experiment(tmp_path, 'scenario = "europe-1914"\n[grid]\ninitial_alliances = [true, false]')
    )
    assert [p["initial_alliances"] for p in exp.points] == [True, False]
    with pytest.raises(ExperimentError, match=r"grid\.initial_alliances"):
        load_experiment(experiment(tmp_path, 'scenario = "europe-1914"\n[grid]\ninitial_alliances = [1.5]'))
    with pytest.raises(ExperimentError, match=r"grid\.initial_alliances: unknown parameter"):
        load_experiment(experiment(tmp_path, "[grid]\ninitial_alliances = [true]"))  # random has none


def test_a_scenario_file_is_found_beside_the_experiment(tmp_path, monkeypatch):
    source = Path(__file__).parents[2] / "model" / "scenarios" / "builtin" / "europe-1914.toml"
    (tmp_path / "worlds").mkdir()
    (tmp_path / "worlds" / "mine.toml").write_text(source.read_text().replace("europe-1914", "mine"))
    monkeypatch.chdir(Path(__file__).parent)  # not where the files are
    exp = load_experiment(experiment(tmp_path, 'scenario = "worlds/mine.toml"\nsteps = 2'))
    assert exp.scenario == str((tmp_path / "worlds" / "mine.toml").resolve())
    assert exp.points[0]["scenario"] == exp.scenario
    with pytest.raises(ExperimentError, match="scenario"):
        load_experiment(experiment(tmp_path, 'scenario = "worlds/missing.toml"'))


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('scenario = "eurasia-2016"\n[grid]\nn_states = [5, 6]', "grid.n_states"),
        ('scenario = "europe-1914"\n[params]\nstrategy_mix = "balance:1"', "params.strategy_mix"),
        ('scenario = "nmc"\n[params]\ngrowth_sd = 0.02', "params.growth_sd"),
    ],
)
def test_parameters_a_real_scenario_would_ignore_are_refused(tmp_path, text, named):
    with pytest.raises(ExperimentError, match=rf"{named}: parameter '.*' is not used by scenario"):
        load_experiment(experiment(tmp_path, "steps = 5\n" + text))


def test_a_world_that_cannot_be_built_fails_before_any_run(tmp_path):
    text = 'steps = 5\nscenario = "nmc"\n[params]\npower_index = "mix"\npower_weights = "foo:1"'
    with pytest.raises(ExperimentError, match=r"design point 0 .*foo"):
        load_experiment(experiment(tmp_path, text))


def test_bop_run_refuses_a_parameter_the_scenario_ignores():
    result = CliRunner().invoke(cli, ["run", "--scenario", "eurasia-2016", "--set", "n_states=5"])
    assert result.exit_code == 2
    assert "'n_states' is not used by scenario eurasia-2016" in result.output
