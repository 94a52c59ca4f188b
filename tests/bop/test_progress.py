"""A sweep's progress without a terminal: a line every few seconds whose rate and ETA come from the
recent runs, worked out by hand on a fake clock; `--force` on a folder holding a sweep."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bop.experiments import store
from bop.experiments.progress import ProgressLines, RecentRate, duration, meter
from bop.experiments.results import load_manifest, load_sweep
from bop.experiments.runner import TIMING
from tests.bop.hostile.tools import assert_one_line_error, bop, write


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_rate_is_measured_over_the_recent_window_not_from_the_start():
    rate = RecentRate(window=60)
    rate.add(0, 0)
    assert rate.rate() is None and rate.eta(10) is None  # one sample: no rate yet
    rate.add(100, 10)  # a slow start: 10 runs in the first 100 s (0.1 runs/s)
    assert rate.rate() == pytest.approx(0.1)
    for t in range(101, 161):  # then one run a second for 60 s
        rate.add(t, 10 + (t - 100))
    # the window reaches back to t = 100 (the last sample at or before 160 - 60): 60 runs in 60 s
    assert rate.samples[0] == (100, 10) and rate.rate() == pytest.approx(1.0)
    # from the start it would be 70 runs in 160 s = 0.4375 runs/s, and 300 runs left would take 686 s
    assert rate.eta(300) == pytest.approx(300.0)
    assert rate.eta(0) == 0.0


def test_a_pause_lowers_the_rate_only_while_it_is_in_the_window():
    rate = RecentRate(window=10)
    for t in range(0, 11):
        rate.add(t, 2 * t)  # 2 runs/s
    rate.add(20, 22)  # one run after a 10 s pause: over 10..20, 2 runs in 10 s
    assert rate.rate() == pytest.approx(0.2)
    for t in range(21, 31):
        rate.add(t, 22 + 2 * (t - 20))
    assert rate.rate() == pytest.approx(2.0)  # the pause has left the window (20..30)


def test_durations_are_short_and_readable():
    assert [duration(s) for s in (0, 44.6, 60, 200, 3599, 3600, 7500)] == [
        "0s",
        "45s",
        "1m00s",
        "3m20s",
        "59m59s",
        "1h00m",
        "2h05m",
    ]
    assert duration(None) == "unknown" and duration(float("inf")) == "unknown"


def test_progress_lines_come_every_interval_with_done_total_rate_and_eta():
    clock, lines = Clock(), []
    progress = ProgressLines("baseline", 720, 120, interval=5, window=60, clock=clock, write=lines.append)
    for _ in range(8):  # 2 runs a second: a run every 0.5 s
        clock.now += 0.5
        progress.update()
    assert lines == []  # 4 s: not yet
    for _ in range(2):
        clock.now += 0.5
        progress.update()
    # 5 s, 10 runs this session (the 120 done before the resume add nothing to the rate): 2 runs/s,
    # 590 left -> 295 s
    assert lines == ["baseline: 130/720 runs (18%), 2.00 runs/s, ETA 4m55s"]
    clock.now += 1
    progress.update()
    assert len(lines) == 1  # 1 s since the last line


def test_the_meter_is_silent_on_request_and_lines_without_a_terminal(monkeypatch):
    assert type(meter(False, "x", 10, 0)).__name__ == "Silent"
    monkeypatch.delenv("CI", raising=False)
    assert isinstance(meter(None, "x", 10, 0), ProgressLines)  # pytest's stderr is no terminal
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert type(meter(None, "x", 10, 0)).__name__ == "tqdm"
    monkeypatch.setenv("CI", "true")
    assert isinstance(meter(None, "x", 10, 0), ProgressLines)  # a CI log gets lines, not a bar


TINY = "steps = 5\nreplications = 2\n[grid]\nn_states = [4, 5]\n"


def sweep(path: Path, out: Path, *extra: str):
    return bop("sweep", str(path), "--workers", "1", "--no-progress", "--out", str(out), *extra)


def test_a_folder_holding_a_sweep_suggests_resume_or_force_and_force_moves_it_aside(tmp_path):
    path = write(tmp_path, "tiny.toml", TINY)
    other = write(tmp_path, "other.toml", TINY.replace("steps = 5", "steps = 6"))
    out = tmp_path / "out"
    assert sweep(path, out).code == 0
    first = load_sweep(out)
    line = assert_one_line_error(sweep(path, out), "already holds a sweep of this experiment", code=1)
    assert "(4 of 4 runs done)" in line and "--resume" in line and "--force" in line
    line = assert_one_line_error(sweep(other, out), "already holds a sweep of another experiment", code=1)
    assert "'tiny'" in line and "--force" in line
    assert_one_line_error(sweep(other, out, "--resume"), "differs", "--force", code=1)
    assert_one_line_error(sweep(path, out, "--force", "--resume"), "exclude each other", code=2)
    outcome = sweep(other, out, "--force")
    assert outcome.code == 0, outcome.stderr
    (aside,) = tmp_path.glob("out.old-*")
    assert f"moved the sweep that was in {out} to {aside} (--force)" in outcome.stderr
    assert load_manifest(out)["experiment"]["steps"] == 6 and load_manifest(aside)["experiment"]["steps"] == 5
    pd.testing.assert_frame_equal(load_sweep(aside), first)  # nothing of the old sweep is lost
    assert not (out / store.LOCK).exists() and not (aside / store.LOCK).exists()


def test_force_waits_for_no_running_sweep_and_moves_no_folder_that_is_not_a_sweep(tmp_path):
    path = write(tmp_path, "tiny.toml", TINY)
    out = tmp_path / "out"
    assert sweep(path, out).code == 0
    with store.FolderLock(out):  # as a running sweep holds it
        assert_one_line_error(sweep(path, out, "--force"), "in use by another sweep", code=1)
    assert (out / store.MANIFEST).exists() and not list(tmp_path.glob("out.old-*"))
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    assert_one_line_error(sweep(path, mine, "--force"), "holds no sweep", "moves only a sweep aside", code=1)
    assert (mine / "notes.txt").read_text() == "mine" and not list(tmp_path.glob("mine.old-*"))
    # a fresh folder needs no --force, and --force on it just runs
    assert sweep(path, tmp_path / "fresh", "--force").code == 0
    assert len(load_sweep(tmp_path / "fresh").drop(columns=list(TIMING))) == 4
