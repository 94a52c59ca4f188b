"""`bop report`: outcomes per design point with 95% intervals, worked out by hand."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from bop.analysis.durations import kaplan_meier_median
from bop.analysis.factors import Factor, choose, group, summary
from bop.analysis.figures import factor_figure
from bop.analysis.intervals import mean_interval, paired_difference, wilson
from bop.analysis.report import REPORTED, outcome_table
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


def test_report_command_writes_table_markdown_and_a_figure_per_outcome(tmp_path):
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
    figures = sorted(p.name for p in (out / "figures").iterdir())
    assert figures == sorted(f"{n}.{k}" for n in REPORTED for k in ("png", "svg"))  # one per outcome
    assert (out / "figures" / "hegemony.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


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


# --- figures: factors on their own axes -----------------------------------------------------------


def made_runs(design: dict[str, list], replications: int, hegemony=lambda row: False) -> pd.DataFrame:
    """A hand-made sweep: every combination of `design` (a full factorial, in order) x replications, each
    run static from step 10, or hegemonic (b_max 0.7) where `hegemony(row)` says so."""
    rows = []
    combos = pd.MultiIndex.from_product(list(design.values()), names=list(design)).to_frame(index=False)
    for point, combo in combos.iterrows():
        for rep in range(replications):
            row = {**combo.to_dict(), "point": point, "replication": rep, "status": "ok"}
            heg = bool(hegemony(row))
            row.update(
                equilibrium="hegemony" if heg else "static",
                converged_at=10,
                steps=100,
                convergence_window=10,
                b_max=0.7 if heg else 0.3,
                s_max=0.3,
                hegemony_share=0.5,
                essential_alive=4,
                essential_initial=4,
                essential_survivors=4,
                wars=rep,
            )
            rows.append(row)
    frame = pd.DataFrame(rows)
    frame.insert(0, "run", range(len(frame)))
    return frame


def test_default_roles_go_by_number_of_levels_and_given_ones_come_first():
    runs = made_runs({"a": [1, 2], "b": [1, 2, 3, 4, 5], "c": ["x", "y", "z"], "d": [True, False]}, 1)
    roles, pooled = choose(runs, ["a", "b", "c", "d"], {"x": None, "color": None, "facet": None})
    # b has 5 levels, c 3, a and d 2 each: a comes first in the file, d is pooled over
    assert {r: f.name for r, f in roles.items()} == {"x": "b", "color": "c", "facet": "a"} and pooled == ["d"]
    roles, pooled = choose(runs, ["a", "b", "c", "d"], {"x": "d", "color": None, "facet": "b"})
    assert {r: f.name for r, f in roles.items()} == {"x": "d", "color": "c", "facet": "b"} and pooled == ["a"]
    roles, pooled = choose(runs, ["c"], {"x": None, "color": None, "facet": None})
    assert list(roles) == ["x"] and pooled == []
    with pytest.raises(ValueError, match=r"--color: 'bb' is not varied in this sweep; did you mean b\?"):
        choose(runs, ["a", "b"], {"x": None, "color": "bb", "facet": None})
    with pytest.raises(ValueError, match="one factor in two roles"):
        choose(runs, ["a", "b"], {"x": "a", "color": "a", "facet": None})


def test_a_sampled_factor_is_cut_into_bins_of_equal_numbers_of_design_points():
    values = [round(0.05 * i + 0.01, 2) for i in range(20)]  # 0.01, 0.06, ..., 0.96
    runs = made_runs({"rate": values}, 2)
    grouping = group(runs, Factor.of(runs, "rate"), "x")
    # 20 distinct values > 12: round(sqrt(20)) = 4 bins of 5 values each
    assert grouping.binned and [lv.label for lv in grouping.levels] == [
        "0.01–0.21",
        "0.26–0.46",
        "0.51–0.71",
        "0.76–0.96",
    ]
    assert grouping.keys.tolist() == [i // 10 for i in range(40)]  # 5 values x 2 replications a bin
    # each bin sits at the mean of its runs' values: (0.01 + 0.06 + 0.11 + 0.16 + 0.21) / 5 = 0.11
    assert [lv.position for lv in grouping.levels] == pytest.approx([0.11, 0.36, 0.61, 0.86])
    few = group(runs.iloc[:12], Factor.of(runs.iloc[:12], "rate"), "x")  # 6 values: each its own level
    assert not few.binned and [lv.position for lv in few.levels] == values[:6]


def test_a_binned_estimate_pools_its_bins_runs_with_the_outcomes_own_interval():
    values = [round(0.05 * i + 0.01, 2) for i in range(20)]
    runs = made_runs({"rate": values}, 2, hegemony=lambda row: row["rate"] > 0.3 and row["replication"] == 0)
    grouping = group(runs, Factor.of(runs, "rate"), "x")
    table = summary(runs, "hegemony", {"x": grouping}).set_index("x")
    # bin 1 holds 0.26, 0.31, 0.36, 0.41, 0.46 x 2 replications: hegemony in replication 0 above 0.3, 4 of 10
    assert table.loc[1, "n"] == 10 and table.loc[1, "estimate"] == 0.4
    assert (table.loc[1, "lo"], table.loc[1, "hi"]) == pytest.approx(wilson(4, 10))
    assert table.loc[0, "estimate"] == 0.0 and table.loc[3, "estimate"] == 0.5  # 0 of 10, 5 of 10
    # wars is the replication number (0 or 1): a mean of 0.5 with its t interval in every bin
    wars = summary(runs, "wars", {"x": grouping})
    assert wars["estimate"].tolist() == [0.5] * 4
    assert wars["hi"].iloc[0] == pytest.approx(mean_interval(np.array([0, 1] * 5, float))[2])


def test_a_sampled_factor_is_drawn_on_a_continuous_axis_with_short_ticks_a_line_and_a_band():
    values = [0.0123456789012345 * (i + 1) for i in range(20)]  # the 16-digit values a sample draws
    runs = made_runs({"rate": values, "war": [False, True]}, 2, hegemony=lambda row: row["war"])
    roles, pooled = choose(runs, ["rate", "war"], {"x": None, "color": None, "facet": None})
    assert (roles["x"].name, roles["color"].name) == ("rate", "war")
    fig = factor_figure(runs, "hegemony", roles, pooled, "made")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels and all(len(t) <= 6 for t in labels), labels  # no 16-digit tick labels
    assert ax.get_xlim()[0] < values[0] and ax.get_xlim()[1] > values[-1]
    lines = [line for line in ax.get_lines() if line.get_linestyle() == "-"]
    assert len(lines) == 2  # one binned line per colour (war off, on)
    assert sorted(round(y, 6) for line in lines for y in line.get_ydata()) == [0.0] * 4 + [1.0] * 4
    assert len(ax.collections) >= 2  # the bands
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["off", "on"]
    assert fig.legends[0].get_title().get_text() == "war"
    assert "share of runs, Wilson 95% interval" in fig.get_suptitle()


def test_categories_get_ticks_facets_get_titles_and_an_unreached_median_a_triangle_at_the_top():
    runs = made_runs(
        {"strategy_mix": ["balance:1", "bandwagon:1"], "war": [False, True], "n_states": [5, 9]}, 3
    )
    runs.loc[runs["war"], "equilibrium"] = "not_converged"  # with war, nothing settles
    roles, pooled = choose(
        runs, ["strategy_mix", "war", "n_states"], {"x": "strategy_mix", "color": None, "facet": "war"}
    )
    fig = factor_figure(runs, "time_to_equilibrium", roles, pooled)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["war = off", "war = on"]
    assert [t.get_text() for t in visible[0].get_xticklabels()] == ["bal 1", "ban 1"]
    # war off: every run settled at step 10, median 10; war on: censored at 100 - 2*10 + 1 = 81, not reached
    off = [line for line in visible[0].get_lines() if line.get_marker() == "o"]
    assert sorted(y for line in off for y in line.get_ydata()) == [10.0] * 4
    triangles = [line for line in visible[1].get_lines() if line.get_marker() == "^"]
    assert sorted(y for line in triangles for y in line.get_ydata()) == [81.0] * 4
    assert "▲: not reached" in fig.get_suptitle()


def sampled_sweep(tmp_path) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(
        "steps = 20\nreplications = 1\n[params]\nn_states = 5\n[grid]\nwar = [false, true]\n"
        "[sample]\npoints = 14\n[sample.ranges]\ndefection_rate = [0.0, 0.1]\n"
    )
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["sweep", str(path), "--workers", "1", "--out", str(out)]).exit_code == 0
    return out


def test_report_draws_one_figure_per_outcome_as_png_and_svg_for_a_sampled_design(tmp_path):
    out = sampled_sweep(tmp_path)
    result = CliRunner().invoke(
        cli, ["report", str(out), "--outcome", "hegemony,wars", "--outcome", "stable"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "figures").iterdir()) == [
        f"{n}.{k}" for n in ("hegemony", "stable", "wars") for k in ("png", "svg")
    ]
    assert (out / "figures" / "wars.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (out / "figures" / "wars.svg").read_bytes()[:500]
    markdown = (out / "report.md").read_text()
    assert "![stable](figures/stable.png)" in markdown and "| stable |" in markdown.replace(
        " stable |", " stable |"
    )
    table = pd.read_csv(out / "report.csv")
    assert "stable_lo" in table.columns and len(table) == 28  # 14 sampled points x 2 grid values
    # the sampled values print to 4 digits in the Markdown table, in full in the CSV
    value = table["defection_rate"].iloc[0]
    assert f"| {value:.4g} |" in markdown and len(repr(value)) > 8
    assert "6 figures in" in result.output


def test_report_options_name_unknown_outcomes_and_factors_with_the_nearest(tmp_path):
    out = sweep_of_two_strategies(tmp_path)
    result = CliRunner().invoke(cli, ["report", str(out), "--outcome", "hegmony"])
    assert (
        result.exit_code == 2 and "--outcome: no outcome 'hegmony'; did you mean hegemony?" in result.stderr
    )
    result = CliRunner().invoke(cli, ["report", str(out), "--x", "strategi"])
    assert (
        result.exit_code == 1
        and "--x: 'strategi' is not varied in this sweep; did you mean strategy?" in result.stderr
    )
    assert not (out / "report.md").exists()  # nothing written before the options are checked
