"""`bop validate`: the checks' parts on hand-made data, and the quick suite end to end."""

import math

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from bop.analysis.outcomes import stayed_out_of_hegemony, values
from bop.cli import cli
from bop.validation import CHECKS, ORDER
from bop.validation.check import Evaluation, Row, interval, number, state_arrays
from bop.validation.kaplan_wagner import side
from bop.validation.suite import BEGIN, END, Outcome, Suite, table_text, write_docs
from model.scenarios.calibration import reproduces


def row(verdict, model=0.5):
    return Row("a statistic", "data", model, model - 0.1, model + 0.1, "target", verdict)


def test_every_issue_check_is_registered_in_the_table_order():
    assert list(CHECKS)[: len(ORDER)] == list(ORDER)
    assert len(ORDER) == 6


def test_a_row_refuses_an_unknown_verdict():
    with pytest.raises(ValueError, match="verdict must be one of"):
        row("maybe")


def test_a_check_fails_if_any_row_fails_and_is_a_finding_only_if_no_row_has_a_target():
    assert Evaluation([row("pass"), row("fail")], "").verdict == "fail"
    assert Evaluation([row("pass"), row("finding")], "").verdict == "pass"
    assert Evaluation([row("finding")], "").verdict == "finding"


def test_numbers_show_as_the_table_prints_them():
    assert number(6.0) == "6"
    assert number(0.41234) == "0.412"
    assert number(5295.5) == "5296"
    assert number(math.nan) == "—"
    assert interval(0.5, 0.25, 0.75) == "0.500 [0.250, 0.750]"
    assert interval(0.5, math.nan, math.nan) == "0.500"


def test_calibration_rule_judges_levels_within_30_percent_and_correlations_by_the_data_interval():
    # sd20: data 0.388, so 0.271-0.504 passes (0.3 · 0.388 = 0.116)
    assert reproduces("sd20", 0.50, 0.388, None)
    assert not reproduces("sd20", 0.51, 0.388, None)
    # r20 is judged by the data's interval, whatever its distance from the point
    assert reproduces("r20", -0.10, 0.093, (-0.132, 0.221))
    assert not reproduces("r20", -0.20, 0.093, (-0.132, 0.221))
    with pytest.raises(ValueError, match="has none"):
        reproduces("r20", 0.0, 0.093, None)


def test_state_arrays_reshape_a_runs_history_and_blank_the_dead():
    # run 7: two states over two steps; B dies at step 1
    frame = pd.DataFrame(
        {
            "run": [7, 7, 7, 7],
            "step": [0, 0, 1, 1],
            "state": ["A", "B", "A", "B"],
            "power": [1.0, 2.0, 3.0, 0.0],
            "alive": [True, True, True, False],
        }
    )
    names, power = state_arrays(frame, "power")[7]
    assert names == ["A", "B"]
    np.testing.assert_array_equal(power, [[1.0, 2.0], [3.0, np.nan]])


def test_a_run_stays_out_of_hegemony_only_if_no_recorded_step_passes_the_line():
    steps = pd.DataFrame({"run": [0, 0, 1, 1], "b_max": [0.4, 0.5, 0.4, 0.51]})
    runs = pd.DataFrame({"run": [0, 1], "hegemony_share": [0.5, 0.5]})
    # run 0 touches the line (0.5 is not above 0.5); run 1 passes it
    assert stayed_out_of_hegemony(steps, runs).to_dict() == {0: True, 1: False}


def test_stable_means_no_essential_actor_lost_and_no_hegemony():
    runs = pd.DataFrame(
        {
            "essential_survivors": [3, 2, 3],
            "essential_initial": [3, 3, 3],
            "b_max": [0.4, 0.4, 0.6],
            "hegemony_share": [0.5, 0.5, 0.5],
        }
    )
    # run 0 keeps all three and has no bloc above 0.5; run 1 lost one; run 2 has a hegemon
    assert values(runs, "stable").tolist() == [True, False, False]


def shares(*values):
    return pd.DataFrame(
        {
            "n_states": [3, 4, 5, 7, 10],
            "share": values,
            "lo": [v - 0.1 for v in values],
            "hi": [v + 0.1 for v in values],
        }
    )


def diffs(rows):
    return pd.DataFrame(rows, columns=["n_states", "diff", "lo", "hi"])


def test_the_kaplan_wagner_text_is_generated_from_the_numbers():
    kaplan = side(
        shares(0.3, 0.5, 0.8, 0.9, 0.85),
        diffs([(4, 0.2, 0.05, 0.35), (5, 0.5, 0.3, 0.7), (7, 0.6, 0.4, 0.8), (10, 0.55, 0.3, 0.8)]),
    )
    assert "highest at N = 7" in kaplan and "sides with Kaplan" in kaplan
    wagner = side(
        shares(0.9, 0.6, 0.5, 0.4, 0.3),
        diffs([(4, -0.3, -0.5, -0.1), (5, -0.4, -0.6, -0.2), (7, -0.5, -0.7, -0.3), (10, -0.6, -0.8, -0.4)]),
    )
    assert "highest at N = 3" in wagner and "sides with Wagner" in wagner
    neither = side(
        shares(0.5, 0.5, 0.55, 0.5, 0.5),
        diffs([(4, 0.0, -0.2, 0.2), (5, 0.05, -0.15, 0.25), (7, 0.0, -0.2, 0.2), (10, 0.0, -0.2, 0.2)]),
    )
    assert "sides with neither" in neither


def test_the_docs_block_is_replaced_and_the_rest_of_the_page_kept(tmp_path):
    check = CHECKS["kaplan-wagner"]
    suite = Suite(
        [Outcome(check, Evaluation([row("finding")], "found it"), 0, ["abc"], 1.0, "this process")],
        1.0,
        True,
        "bop x",
    )
    page = tmp_path / "page.md"
    page.write_text(f"intro\n{BEGIN}\nold table\n{END}\nafter\n")
    write_docs(suite, page)
    text = page.read_text()
    assert text.startswith("intro\n") and text.endswith(f"{END}\nafter\n")
    assert "old table" not in text and table_text(suite) in text and "found it" in text
    page.write_text("no markers")
    with pytest.raises(RuntimeError, match="no generated block"):
        write_docs(suite, page)


def test_validate_refuses_an_unknown_check_and_two_executors():
    runner = CliRunner()
    done = runner.invoke(cli, ["validate", "--only", "nonsense"])
    assert done.exit_code == 2 and "no check called 'nonsense'" in done.output
    done = runner.invoke(cli, ["validate", "--scheduler", "tcp://x:1", "--local-cluster"])
    assert done.exit_code == 2 and "exclude each other" in done.output


@pytest.mark.slow
def test_the_quick_suite_gives_every_check_a_value_an_interval_and_a_verdict(tmp_path):
    out = tmp_path / "v"
    done = CliRunner().invoke(cli, ["validate", "--quick", "--out", str(out), "--workers", "2"])
    assert done.exit_code == 0, done.output
    table = pd.read_csv(out / "validation.csv")
    assert list(dict.fromkeys(table["check"])) == list(CHECKS)
    assert table["verdict"].isin(["pass", "fail", "finding"]).all()
    assert np.isfinite(table[["model", "lo", "hi"]].to_numpy()).all()
    assert (table["lo"] <= table["model"] + 1e-12).all() and (table["model"] <= table["hi"] + 1e-12).all()
    for name in CHECKS:
        assert (out / f"{name}.png").stat().st_size > 0
        assert (out / name / "_manifest.json").exists()
    report = (out / "validation.md").read_text()
    printed = done.output.split("check ", 1)[1].split("\n6 checks")[0]
    assert ("check " + printed) in report  # the file holds the table exactly as printed
    # the sweeps are durable: a second call needs --resume and then makes no new run
    again = CliRunner().invoke(cli, ["validate", "--quick", "--out", str(out), "--only", "hindcast"])
    assert again.exit_code == 1 and "--resume" in again.output
    again = CliRunner().invoke(
        cli, ["validate", "--quick", "--out", str(out), "--only", "hindcast", "--resume", "--workers", "1"]
    )
    assert again.exit_code == 0 and "0 runs made in this call" in (out / "validation.md").read_text()


@pytest.mark.slow
def test_a_check_runs_on_a_dask_local_cluster_with_the_same_results(tmp_path):
    args = ["validate", "--quick", "--only", "hindcast", "--workers", "2"]
    pool = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "pool")])
    dask = CliRunner().invoke(cli, [*args, "--local-cluster", "--out", str(tmp_path / "dask")])
    assert pool.exit_code == 0 and dask.exit_code == 0, dask.output
    manifest = (tmp_path / "dask" / "hindcast" / "_manifest.json").read_text()
    assert "LocalCluster" in manifest
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "pool" / "validation.csv"), pd.read_csv(tmp_path / "dask" / "validation.csv")
    )
