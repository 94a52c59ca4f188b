"""`bop report`: outcomes per design point with 95% intervals, worked out by hand."""

import math

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from bop.analysis.durations import kaplan_meier_median
from bop.analysis.intervals import mean_interval, paired_difference, wilson
from bop.analysis.report import outcome_table
from bop.cli import cli
from bop.experiments.experiment import load_experiment
from bop.experiments.results import load_sweep
from bop.experiments.sweep import run_sweep


def test_wilson_interval_by_hand():
    # 3 of 4, z = 1.96: centre (0.75 + 3.8416/8) / (1 + 3.8416/4) = 1.2302 / 1.9604 = 0.62753;
    # half 1.96 · sqrt(0.75·0.25/4 + 3.8416/64) / 1.9604 = 1.96 · 0.32696 / 1.9604 = 0.32689
    lo, hi = wilson(3, 4)
    assert lo == pytest.approx(0.30064, abs=1e-4) and hi == pytest.approx(0.95442, abs=1e-4)
    # none of 10: from 0 to z²/(n + z²) = 3.8416 / 13.8416 = 0.27754
    lo, hi = wilson(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.27754, abs=1e-4)
    assert all(math.isnan(v) for v in wilson(0, 0))


def test_mean_interval_is_student_t_by_hand():
    # 1, 2, 3: mean 2, sd 1, t(0.975, 2 df) = 4.302653, half 4.302653 / sqrt(3) = 2.48414
    mean, lo, hi = mean_interval(np.array([1.0, 2.0, 3.0]))
    assert (mean, lo, hi) == pytest.approx((2.0, 0.0, 4.48414), abs=1e-4)  # clipped at 0 below
    mean, lo, hi = mean_interval(np.array([5.0]))
    assert mean == 5.0 and math.isnan(lo) and math.isnan(hi)
    # 0, 0, 0, 10 (war counts): mean 2.5, sd 5, t(0.975, 3) = 3.182446, half 7.95612 -> [0, 10.456]
    mean, lo, hi = mean_interval(np.array([0.0, 0.0, 0.0, 10.0]))
    assert (mean, lo, hi) == pytest.approx((2.5, 0.0, 10.45612), abs=1e-4)
    assert mean_interval(np.array([-1.0, 1.0]))[1] < 0  # values that can be negative are not clipped


def test_paired_difference_by_hand():
    # d = a - b = 2, 1, 0, 3: mean 1.5, sd sqrt(5/3) = 1.29099, se 0.645497, t(0.975, 3) = 3.182446,
    # half 2.054256 -> [-0.554260, 3.554260]
    diff, lo, hi, n = paired_difference(np.array([3.0, 5, 4, 6]), np.array([1.0, 4, 4, 3]))
    assert (diff, lo, hi, n) == pytest.approx((1.5, -0.554260, 3.554260, 4), abs=1e-6)
    # a missing value drops its pair: d = 2, 1 -> mean 1.5, sd 0.7071, t(0.975, 1) = 12.7062,
    # half 12.7062 · 0.5 = 6.3531
    diff, lo, hi, n = paired_difference(np.array([3.0, 5, np.nan]), np.array([1.0, 4, 4]))
    assert (diff, lo, hi, n) == pytest.approx((1.5, -4.8531, 7.8531, 2), abs=1e-4)


def test_kaplan_meier_median_by_hand():
    # times 5, 10, 20, 30 settled, one run censored at 50: S = 4/5, 3/5, 2/5 (at 20), 1/5, so the
    # median (first t with S <= 1/2) is 20; the lower band reaches 1/2 at 5, the upper never does.
    median, lo, hi = kaplan_meier_median(np.array([10.0, 20, 30, 50, 5]), np.array([1, 1, 1, 0, 1], bool))
    assert (median, lo) == (20.0, 5.0) and math.isinf(hi)
    # three of four censored at 50: S never falls to 1/2: not reached
    assert math.isinf(kaplan_meier_median(np.array([10.0, 50, 50, 50]), np.array([1, 0, 0, 0], bool))[0])


def hand_runs() -> pd.DataFrame:
    """Point 0: four ok runs (3 static, 1 hegemony) and one failed; point 1: two not converged."""
    return pd.DataFrame(
        {
            "point": [0, 0, 0, 0, 0, 1, 1],
            "n_states": [10] * 5 + [20] * 2,
            "status": ["ok", "ok", "ok", "ok", "failed", "ok", "ok"],
            "equilibrium": ["static", "static", "static", "hegemony", None, "not_converged", "not_converged"],
            "converged_at": [10, 20, 30, 40, None, None, None],
            "steps": [50] * 7,
            "convergence_window": [10] * 7,
            "b_max": [0.3, 0.4, 0.45, 0.7, None, 0.2, 0.6],
            "s_max": [0.3, 0.35, 0.4, 0.6, None, 0.2, 0.4],
            "hegemony_share": [0.5] * 7,
            "essential_alive": [5, 4, 6, 2, None, 3, 3],
            "essential_initial": [5, 5, 5, 5, None, 3, 3],
            "essential_survivors": [5, 4, 5, 3, None, 3, 2],
            "wars": [0, 2, 0, 2, None, 1, 1],
        }
    )


def test_outcome_table_by_hand():
    table = outcome_table(hand_runs(), ["n_states"]).set_index("point")
    first, second = table.loc[0], table.loc[1]
    assert (first["n_states"], first["runs"], first["failed"]) == (10, 5, 1)
    assert first["share_static"] == 0.75 and first["share_static_lo"] == pytest.approx(0.30064, abs=1e-4)
    assert first["share_hegemony"] == 0.25 and first["share_not_converged"] == 0.0
    # time to equilibrium, Kaplan-Meier: all four settled, at 10, 20, 30, 40: S = 3/4, 1/2 (at 20) ...
    assert first["time_to_equilibrium"] == 20.0
    assert first["hegemony"] == 0.25  # only b_max 0.7 is above 0.5 ...
    assert first["hegemony_single"] == 0.25 and first["hegemony_coalition"] == 0.0  # ... with s_max 0.6
    # survivors 5, 4, 5, 3: mean 4.25, sd 0.957427, t(0.975, 3) · sd / 2 = 1.523480
    assert first["essential_survivors"] == 4.25
    assert first["essential_survivors_lo"] == pytest.approx(2.726520, abs=1e-5)
    assert first["essential_survived"] == 0.5  # 5 of 5 twice; 4 and 3 of 5 lost originals
    # wars 0, 2, 0, 2: mean 1, sd 1.1547, t(0.975, 3) · sd / 2 = 1.837386; clipped at 0 below
    assert (first["wars"], first["wars_lo"]) == (1.0, 0.0)
    assert first["wars_hi"] == pytest.approx(2.837386, abs=1e-5)
    # nothing converged at point 1: both censored at 50, the median is not reached; one of two ended
    # above the line as a coalition (b_max 0.6, s_max 0.4)
    assert second["share_not_converged"] == 1.0 and math.isinf(second["time_to_equilibrium"])
    assert (
        second["hegemony"] == 0.5 and second["hegemony_coalition"] == 0.5 and second["hegemony_single"] == 0
    )


def test_report_command_writes_table_markdown_and_figure(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text("steps = 30\nreplications = 4\n[grid]\nstrategy = ['balance', 'bandwagon']\n")
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["sweep", str(path), "--workers", "1", "--out", str(out)]).exit_code == 0
    result = CliRunner().invoke(cli, ["report", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "report.csv")
    assert list(table["strategy"]) == ["balance", "bandwagon"] and list(table["runs"]) == [4, 4]
    shares = table[[c for c in table.columns if c.startswith("share_") and c[-3:] not in ("_lo", "_hi")]]
    assert shares.sum(axis=1).round(9).eq(1.0).all()  # each run has exactly one equilibrium type
    markdown = (out / "report.md").read_text()
    assert "| point | strategy | runs |" in markdown and markdown.count("\n| ") == 3
    assert "| 0 | balance | 4 | 0 |" in markdown  # counts print as integers
    assert "| point | strategy |" in result.output
    assert (out / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_on_a_folder_without_a_sweep_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["report", str(tmp_path)])
    assert result.exit_code == 1 and "not a sweep folder" in result.output


def sweep_of_two_strategies(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text("steps = 30\nreplications = 4\n[grid]\nstrategy = ['balance', 'bandwagon']\n")
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["sweep", str(path), "--workers", "1", "--out", str(out)]).exit_code == 0
    return out


def test_compare_gives_paired_differences_by_replication(tmp_path):
    out = sweep_of_two_strategies(tmp_path)
    result = CliRunner().invoke(cli, ["report", str(out), "--compare", "strategy", "--reference", "balance"])
    assert result.exit_code == 0, result.output
    compare = pd.read_csv(out / "compare.csv")
    wars = compare[compare["outcome"] == "essential_survivors"].iloc[0]
    assert (wars["strategy"], wars["reference"], wars["n"]) == ("bandwagon", "balance", 4)
    # the same difference, worked out from the results rows replication by replication
    runs = load_sweep(out).pivot(index="replication", columns="strategy", values="essential_survivors")
    d = (runs["bandwagon"] - runs["balance"]).to_numpy(float)
    assert wars["diff"] == pytest.approx(d.mean())
    assert "Paired by replication" in (out / "compare.md").read_text()


def test_compare_needs_a_varied_factor_and_a_known_level(tmp_path):
    out = sweep_of_two_strategies(tmp_path)
    result = CliRunner().invoke(cli, ["report", str(out), "--compare", "n_states"])
    assert result.exit_code == 1 and "not varied" in result.output
    result = CliRunner().invoke(cli, ["report", str(out), "--compare", "strategy", "--reference", "hedge"])
    assert result.exit_code == 1 and "no level 'hedge'" in result.output


def test_an_incomplete_sweep_is_reported_with_a_warning_first(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text("steps = 30\nreplications = 4\n[grid]\nstrategy = ['balance', 'bandwagon']\n")
    out = tmp_path / "out"
    run_sweep(load_experiment(path), out, workers=1, progress=False, compact=False)
    next((out / "results").glob("part-*.parquet")).unlink()  # as if the sweep had been stopped
    result = CliRunner().invoke(cli, ["report", str(out)])
    assert result.exit_code == 0
    assert result.output.startswith("warning: incomplete sweep: 7 of 8 runs finished")
    assert "incomplete sweep" in (out / "report.md").read_text().split("\n")[2]
