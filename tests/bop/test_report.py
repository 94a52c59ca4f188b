"""`bop report`: outcomes per design point with 95% intervals, worked out by hand."""

import math

import pandas as pd
import pytest
from click.testing import CliRunner

from bop.analysis.intervals import mean_interval, wilson
from bop.analysis.report import outcome_table
from bop.cli import cli


def test_wilson_interval_by_hand():
    # 3 of 4, z = 1.96: centre (0.75 + 3.8416/8) / (1 + 3.8416/4) = 1.2302 / 1.9604 = 0.62753;
    # half 1.96 · sqrt(0.75·0.25/4 + 3.8416/64) / 1.9604 = 1.96 · 0.32696 / 1.9604 = 0.32689
    lo, hi = wilson(3, 4)
    assert lo == pytest.approx(0.30064, abs=1e-4) and hi == pytest.approx(0.95442, abs=1e-4)
    # none of 10: from 0 to z²/(n + z²) = 3.8416 / 13.8416 = 0.27754
    lo, hi = wilson(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.27754, abs=1e-4)
    assert all(math.isnan(v) for v in wilson(0, 0))


def test_mean_interval_by_hand():
    # 1, 2, 3: mean 2, sd 1, half 1.96 / sqrt(3) = 1.1316
    mean, lo, hi = mean_interval([1.0, 2.0, 3.0])
    assert (mean, lo, hi) == pytest.approx((2.0, 0.8684, 3.1316), abs=1e-4)
    mean, lo, hi = mean_interval([5.0])
    assert mean == 5.0 and math.isnan(lo) and math.isnan(hi)
    # 0, 0, 0, 10 (war counts): mean 2.5, sd 5, half 4.9 -> [-2.4, 7.4], clipped at 0 below
    mean, lo, hi = mean_interval([0.0, 0.0, 0.0, 10.0])
    assert (mean, lo, hi) == pytest.approx((2.5, 0.0, 7.4), abs=1e-3)
    assert mean_interval([-1.0, 1.0])[1] < 0  # values that can be negative are not clipped


def hand_runs() -> pd.DataFrame:
    """Point 0: four ok runs (3 static, 1 hegemony) and one failed; point 1: two not converged."""
    return pd.DataFrame(
        {
            "point": [0, 0, 0, 0, 0, 1, 1],
            "n_states": [10] * 5 + [20] * 2,
            "status": ["ok", "ok", "ok", "ok", "failed", "ok", "ok"],
            "equilibrium": ["static", "static", "static", "hegemony", None, "not_converged", "not_converged"],
            "converged_at": [10, 20, 30, 40, None, None, None],
            "b_max": [0.3, 0.4, 0.45, 0.7, None, 0.2, 0.6],
            "hegemony_share": [0.5] * 7,
            "essential_alive": [5, 4, 6, 2, None, 3, 3],
            "essential_initial": [5, 5, 5, 5, None, 3, 3],
            "wars": [0, 2, 0, 2, None, 1, 1],
        }
    )


def test_outcome_table_by_hand():
    table = outcome_table(hand_runs(), ["n_states"]).set_index("point")
    first, second = table.loc[0], table.loc[1]
    assert (first["n_states"], first["runs"], first["failed"]) == (10, 5, 1)
    assert first["share_static"] == 0.75 and first["share_static_lo"] == pytest.approx(0.30064, abs=1e-4)
    assert first["share_hegemony"] == 0.25 and first["share_not_converged"] == 0.0
    # time to equilibrium: mean of 10, 20, 30, 40 = 25, sd 12.91, half 1.96 · 12.91 / 2 = 12.65
    assert first["time_to_equilibrium_converged"] == 25.0
    assert first["time_to_equilibrium_converged_hi"] == pytest.approx(37.65, abs=0.01)
    assert first["hegemony"] == 0.25  # only b_max 0.7 is above 0.5
    assert first["essential_preserved"] == 0.5  # 5 >= 5 and 6 >= 5; 4 and 2 lost actors
    assert first["wars"] == 1.0
    # nothing converged at point 1: no time to equilibrium; one of two ended above the line
    assert second["share_not_converged"] == 1.0 and math.isnan(second["time_to_equilibrium_converged"])
    assert second["hegemony"] == 0.5 and second["essential_preserved"] == 1.0


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
