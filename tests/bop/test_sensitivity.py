"""`bop sensitivity`: Morris and Sobol indices through the sweep machinery, on problems with known answers."""

import tomllib
from textwrap import dedent

import pandas as pd
import pytest
from click.testing import CliRunner

from bop.analysis.sensitivity import indices, parse_sensitivity
from bop.cli import cli
from bop.experiments.experiment import ExperimentError
from bop.experiments.results import load_sweep
from bop.experiments.sweep import run_sweep

# War is off, so war_rate cannot matter; states_initial is n_states itself.
MORRIS = """
    name = "tiny"
    steps = 15
    seed = 4
    method = "morris"
    n = 4
    levels = 4
    outputs = ["states_initial", "b_max"]
    [bounds]
    power_sigma = [0.0, 2.0]
    war_rate = [0.0, 0.5]
    n_states = [3, 30]
"""


def parse(text: str):
    return parse_sensitivity(tomllib.loads(dedent(text)))


def analyse(tmp_path, text: str) -> pd.DataFrame:
    sens = parse(text)
    run_sweep(sens.experiment, tmp_path / "out", workers=1, progress=False)
    return indices(sens, load_sweep(tmp_path / "out")).set_index(["output", "parameter"])


def test_morris_finds_what_matters_and_what_does_not(tmp_path):
    table = analyse(tmp_path, MORRIS)
    # 4 trajectories x (3 parameters + 1) points; an unused parameter has no effect at all
    assert len(load_sweep(tmp_path / "out")) == 16
    assert table.loc[("states_initial", "war_rate"), "mu_star"] == 0.0
    assert table.loc[("b_max", "war_rate"), "mu_star"] == 0.0
    assert table.loc[("states_initial", "power_sigma"), "mu_star"] == 0.0
    # levels 4: n_states takes 3, 12, 21, 30 and each step moves it by 2/3 of the range (18 states),
    # an elementary effect per full range of 18 / (2/3) = 27 = 30 - 3
    assert table.loc[("states_initial", "n_states"), "mu_star"] == pytest.approx(27.0)
    assert table.loc[("b_max", "power_sigma"), "mu_star"] > 0.05  # unequal powers make bigger blocs


def test_sobol_total_index_is_zero_for_an_unused_parameter(tmp_path):
    text = """
        steps = 0
        method = "sobol"
        n = 16
        outputs = ["states_initial"]
        [bounds]
        n_states = [3, 30]
        defection_rate = [0.0, 0.1]
    """
    table = analyse(tmp_path, text)
    assert len(load_sweep(tmp_path / "out")) == 16 * (2 + 2)  # N (k + 2) without second order
    assert table.loc[("states_initial", "defection_rate"), "ST"] == 0.0
    assert table.loc[("states_initial", "defection_rate"), "S1"] == 0.0
    assert table.loc[("states_initial", "n_states"), "ST"] > 0.8


def test_integer_parameters_are_rounded_and_replications_averaged():
    sens = parse(MORRIS.replace('name = "tiny"', 'name = "tiny"\nreplications = 3'))
    assert sens.experiment.total == 16 * 3
    assert all(isinstance(p["n_states"], int) for p in sens.experiment.points)
    assert sorted({p["n_states"] for p in sens.experiment.points}) == [3, 12, 21, 30]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("method = 'fast'\n[bounds]\nwar_rate = [0, 1]", "method"),
        ("method = 'sobol'\nn = 10\n[bounds]\nwar_rate = [0, 1]", "n: Sobol"),
        ("levels = 3\n[bounds]\nwar_rate = [0, 1]", "levels"),
        ("[bounds]\nwar = [0, 1]", "bounds.war: only numeric"),
        ("[bounds]\nwarp = [0, 1]", "bounds.warp: unknown"),
        ("[bounds]\nwar_rate = [0.5, 0.5]", "bounds.war_rate: low"),
        ("[bounds]\nwar_rate = [0, 2]", "bounds.war_rate"),
        ("[params]\nwar_rate = 0.1\n[bounds]\nwar_rate = [0, 1]", "already set"),
        ("outputs = ['happiness']\n[bounds]\nwar_rate = [0, 1]", "outputs"),
        ("[grid]\nn_states = [3]\n[bounds]\nwar_rate = [0, 1]", "grid"),
        ("steps = 10", "bounds: missing"),
    ],
)
def test_a_bad_file_is_refused_naming_the_key(text, named):
    with pytest.raises(ExperimentError, match=named):
        parse(text)


def test_command_runs_resumes_and_writes_indices(tmp_path):
    path = tmp_path / "sa.toml"
    path.write_text(dedent(MORRIS).replace("steps = 15", "steps = 0"))
    out = tmp_path / "out"
    first = CliRunner().invoke(cli, ["sensitivity", str(path), "--workers", "1", "--out", str(out)])
    assert first.exit_code == 0, first.output
    assert "ran 16 runs" in first.output and "mu_star by parameter" in first.output
    written = pd.read_csv(out / "indices.csv")
    assert len(written) == 3 * 2 and (out / "indices.png").stat().st_size > 0
    again = CliRunner().invoke(
        cli, ["sensitivity", str(path), "--workers", "1", "--out", str(out), "--resume"]
    )
    assert "ran 0 runs" in again.output and "(16 already done)" in again.output
    pd.testing.assert_frame_equal(pd.read_csv(out / "indices.csv"), written)
    bad = CliRunner().invoke(cli, ["sensitivity", str(path), "--out", str(out)])  # no --resume
    assert bad.exit_code != 0 and "already holds a sweep" in bad.output
