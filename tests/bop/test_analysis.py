"""The notebooks' outcomes, tables and figures (bop/analysis/), on small hand-made runs."""

import pandas as pd
import pytest

from bop.analysis.durations import km_curves, km_table
from bop.analysis.figures import curve_plot, interval_plot, panels, phase_diagram, type_plot
from bop.analysis.outcomes import balancer_share, end_structure, outcomes
from bop.analysis.tables import mean_table, paired_table, share_table, type_table
from bop.experiments.results import load_manifest, load_sweep
from bop.experiments.sweep import ensure_sweep


def hand_runs() -> pd.DataFrame:
    """Six runs at two sizes; one failed run that every table must leave out."""
    return pd.DataFrame(
        {
            "status": ["ok"] * 6 + ["failed"],
            "n_states": [5, 5, 5, 10, 10, 10, 10],
            "strategy": [None] * 7,
            "strategy_mix": ["balance:1"] * 3 + ["balance:0.25,bandwagon:0.75"] * 3 + [None],
            "equilibrium": [
                "hegemony",
                "static",
                "static",
                "not_converged",
                "dynamic",
                "universal_empire",
                None,
            ],
            "converged_at": [10, 20, 40, None, 5, 30, None],
            "steps": [50] * 7,
            "convergence_window": [10] * 7,
            "b_max": [0.8, 0.3, 0.4, 0.45, 0.2, 1.0, None],
            "s_max": [0.6, 0.3, 0.2, 0.4, 0.2, 1.0, None],
            "polarity": [1, 2, 3, 2, 4, 1, None],
            "hegemony_share": [0.5] * 7,
            "essential_alive": [2, 3, 3, 4, 5, 1, None],
            "essential_initial": [3, 3, 3, 5, 5, 5, None],
            "essential_survivors": [3, 2, 3, 5, 5, 1, None],
            "wars": [1, 0, 2, 3, 0, 6, None],
        }
    )


def test_outcomes_per_run_by_hand():
    runs = outcomes(hand_runs())
    assert len(runs) == 6  # the failed run is dropped
    assert runs["hegemony"].tolist() == [True, False, False, False, False, True]  # b_max > 0.5
    assert runs["essential_preserved"].tolist() == [False, True, True, False, True, False]
    # all original essential actors alive: run 1 lost one (2 of 3) though it ended with 3 essential
    # (a newcomer crossed the line); run 0 ended with 2 essential, yet all 3 originals are alive
    assert runs["essential_survived"].tolist() == [True, False, True, True, True, False]
    # survival: no universal empire (run 5) and every original essential actor alive
    assert runs["survival"].tolist() == [True, False, True, True, True, False]
    assert runs["converged"].tolist() == [True, True, True, False, True, True]
    assert runs["end_structure"].tolist() == [
        "hegemonic",
        "bipolar",
        "multipolar",
        "bipolar",
        "multipolar",
        "hegemonic",
    ]
    assert runs["balancer_share"].tolist() == [1.0, 1.0, 1.0, 0.25, 0.25, 0.25]
    # a duration: the run that never converged is censored where an onset could still be confirmed,
    # 50 - 2·10 + 1 = 31 (a label needs two windows of 10 steps)
    assert runs["time_to_equilibrium"].tolist() == [10, 20, 40, 31, 5, 30]
    assert runs["time_to_equilibrium_observed"].tolist() == [True, True, True, False, True, True]
    # both hegemonic runs have one state above the line (s_max 0.6, and 1.0 for the universal empire)
    assert runs["hegemony_single"].tolist() == [True, False, False, False, False, True]
    assert not runs["hegemony_coalition"].any()


def test_balancer_share_and_end_structure():
    assert balancer_share("balance:0.7,bandwagon:0.3") == pytest.approx(0.7)
    assert balancer_share("balance:1,hedge:3") == pytest.approx(0.25)
    assert balancer_share("bandwagon:1") == 0.0
    assert end_structure(0.51, 1) == "hegemonic" and end_structure(0.5, 1) == "unipolar"
    assert end_structure(0.4, 2) == "bipolar" and end_structure(0.3, 3) == "multipolar"
    assert end_structure(0.6, 3, hegemony_share=0.7) == "multipolar"


def test_share_table_counts_and_wilson_intervals():
    table = share_table(outcomes(hand_runs()), "n_states", "hegemony").set_index("n_states")
    # n=5: 1 of 3 hegemonic; Wilson (z=1.96) for 1/3: centre (1/3 + 0.6403)/2.2805 = 0.42694,
    # half 1.96·sqrt(2/27 + 3.8416/36)/2.2805 = 0.36545 -> [0.0615, 0.7924]
    assert (table.loc[5, "n"], table.loc[5, "k"]) == (3, 1)
    assert table.loc[5, "share"] == pytest.approx(1 / 3)
    assert table.loc[5, "lo"] == pytest.approx(0.0615, abs=1e-4)
    assert table.loc[5, "hi"] == pytest.approx(0.7924, abs=1e-4)
    by_two = share_table(outcomes(hand_runs()), ["n_states", "balancer_share"], "survival")
    assert by_two[["n_states", "balancer_share", "k", "n"]].values.tolist() == [
        [5, 1.0, 2, 3],
        [10, 0.25, 2, 3],
    ]


def test_mean_table_skips_missing_values():
    runs = outcomes(hand_runs())
    runs.loc[0, "wars"] = None
    table = mean_table(runs, "n_states", "wars").set_index("n_states")
    # n=5: wars 0, 2 (run 0 missing): mean 1, sd 1.41421, t(0.975, 1) = 12.7062, half 12.7062
    assert table.loc[5, "n"] == 2 and table.loc[5, "mean"] == 1.0
    assert table.loc[5, "hi"] == pytest.approx(13.7062, abs=1e-4)


def test_kaplan_meier_table_and_curves_by_hand():
    runs = outcomes(hand_runs())
    table = km_table(runs, "n_states").set_index("n_states")
    # n=5 settled at 10, 20, 40: S = 2/3, 1/3 (at 20): median 20. n=10: 5 and 30 settled, one censored
    # at 31: S = 2/3, 1/3 (at 30): median 30.
    assert (table.loc[5, "events"], table.loc[5, "median"]) == (3, 20.0)
    assert (table.loc[10, "events"], table.loc[10, "median"]) == (2, 30.0)
    curves = km_curves(runs, "n_states", steps=50).set_index(["n_states", "step"])
    assert curves.loc[(5, 9), "settled"] == 0.0 and curves.loc[(5, 10), "settled"] == pytest.approx(1 / 3)
    assert curves.loc[(5, 39), "settled"] == pytest.approx(2 / 3) and curves.loc[(5, 40), "settled"] == 1.0
    assert curves.loc[(10, 50), "settled"] == pytest.approx(2 / 3)  # the censored run never settles
    assert (curves["lo"] <= curves["settled"] + 1e-12).all() and (
        curves["settled"] <= curves["hi"] + 1e-12
    ).all()


def test_paired_table_pairs_runs_by_replication():
    # level True minus the reference False, replication by replication: d = 2, 1, 0, 3 (see
    # test_paired_difference_by_hand): 1.5 [-0.554, 3.554]
    runs = pd.DataFrame(
        {"war": [False] * 4 + [True] * 4, "replication": [0, 1, 2, 3] * 2, "wars": [1, 4, 4, 3, 3, 5, 4, 6]}
    )
    row = paired_table(runs, "war", "wars").iloc[0]
    assert (row["war"], row["reference"], row["n"]) == (True, False, 4)
    assert (row["diff"], row["lo"], row["hi"]) == pytest.approx((1.5, -0.554260, 3.554260), abs=1e-6)
    with pytest.raises(ValueError, match="add the other varied parameters"):
        paired_table(pd.concat([runs, runs]), "war", "wars")


def test_type_table_shares_sum_to_one_per_group():
    table = type_table(outcomes(hand_runs()), "n_states")
    assert table.groupby("n_states")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    five = table[table["n_states"] == 5].set_index("equilibrium")["share"]
    assert five["static"] == pytest.approx(2 / 3) and five["hegemony"] == pytest.approx(1 / 3)


def test_figures_show_the_tables_values():
    runs = outcomes(hand_runs())
    table = share_table(runs, ["n_states", "balancer_share"], "hegemony")
    fig = phase_diagram(table, "balancer_share", "n_states")
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == ["0.33\n[0.06, 0.79]", "0.33\n[0.06, 0.79]"]
    fig = interval_plot(share_table(runs, "n_states", "hegemony"), "n_states")
    line = fig.axes[0].lines[0]
    assert line.get_xdata().tolist() == [5, 10] and line.get_ydata().tolist() == pytest.approx([1 / 3, 1 / 3])
    fig, axes = panels(2)
    curve_plot(km_curves(runs, "n_states", steps=40), "n_states", ax=axes[1])
    assert fig.axes[1].lines[0].get_ydata()[-1] == 1.0  # n=5: all three settled by step 40
    fig = type_plot(runs, "n_states")
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert sum(heights) == pytest.approx(2.0)  # two stacked bars, each summing to one


def test_a_level_keeps_its_colour_and_panels_come_in_rows():
    runs = outcomes(hand_runs())
    table = mean_table(runs, ["n_states", "balancer_share"], "wars")
    fig = interval_plot(
        table, "n_states", value="mean", hue="balancer_share", colors={0.25: "red", 1.0: "blue"}
    )
    assert [bars.lines[0].get_color() for bars in fig.axes[0].containers] == ["red", "blue"]  # 0.25, 1.0
    fig, axes = panels(3, rows=2)
    assert len(axes) == 6 and len(fig.axes) == 6


def test_ensure_sweep_runs_once_then_reuses_the_folder(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text("steps = 5\nreplications = 2\n[grid]\nn_states = [3, 4]\n")
    folder = ensure_sweep(path, workers=1)
    assert folder == tmp_path / "out" / "tiny" and len(load_sweep(folder)) == 4
    started = load_manifest(folder)["sessions"]
    assert ensure_sweep(path, workers=1) == folder
    assert load_manifest(folder)["sessions"] == started  # complete: nothing was run again
