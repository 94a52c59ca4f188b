"""Sweeps killed and stopped: no process of a sweep outlives it, SIGTERM and Ctrl-C stop it cleanly, and a
sweep killed at random moments and resumed ends with the tables of one never interrupted.

psutil (a dev dependency) lists a sweep's processes: the fork server, the pool's workers, the
resource tracker.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
import pytest

from bop.experiments import store
from bop.experiments.experiment import load_experiment
from bop.experiments.results import load_manifest, load_steps, load_sweep
from bop.experiments.runner import TIMING
from bop.experiments.sweep import run_sweep
from tests.bop.hostile.tools import write

BOP = str(Path(sys.executable).with_name("bop"))
# ~0.1 s a run: 48 runs take a few seconds on two workers, so a signal lands mid-way
STEADY = "steps = 50\nreplications = 16\nseed = 3\n[grid]\nn_states = [12, 14, 16]\n"
# 120 runs, ~12 s on two workers; all five tables: war on, per-step measures, the alliance log,
# the war log and per-state history
FIVE = """
steps = 60
replications = 40
seed = 11
[params]
war = true
[grid]
n_states = [8, 12, 16]
[record]
model = true
every = 3
logs = ["events", "wars", "states"]
"""
TABLES = ("model", "events", "wars", "states")


def start(path: Path, out: Path, *extra: str) -> subprocess.Popen:
    args = [BOP, "sweep", str(path), "--workers", "2", "--no-progress", "--out", str(out), *extra]
    return subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def wait_for_parts(proc: subprocess.Popen, out: Path, parts: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while len(store.finished_runs(out)) < parts:
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "the sweep made no progress"
        time.sleep(0.02)


def family(proc: subprocess.Popen) -> list[psutil.Process]:
    """The sweep process and every process it started (pool workers are the fork server's children)."""
    parent = psutil.Process(proc.pid)
    return [parent, *parent.children(recursive=True)]


def survivors(processes: list[psutil.Process], within: float = 5.0) -> list[psutil.Process]:
    """The processes still alive (not zombies) `within` seconds from now (polled, so usually sooner)."""
    deadline = time.monotonic() + within
    while True:
        alive = [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.05)


def kill_all(processes: list[psutil.Process]) -> None:
    for p in processes:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass


def results(out: Path) -> pd.DataFrame:
    return load_sweep(out).drop(columns=list(TIMING))


@pytest.fixture(scope="module")
def steady(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("steady")
    path = write(folder, "steady.toml", STEADY)
    run_sweep(load_experiment(path), folder / "whole", workers=1, progress=False)
    return path, folder / "whole"


@pytest.mark.slow
def test_sigkill_leaves_no_process_of_the_sweep_and_no_pipe_held(steady, tmp_path):
    path, whole = steady
    out = tmp_path / "out"
    proc = start(path, out)
    wait_for_parts(proc, out, 4)
    processes = family(proc)
    assert len(processes) >= 4  # the sweep, the fork server, two workers (and the resource tracker)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    left = survivors(processes[1:])
    kill_all(left)
    assert not left, [(p.pid, p.name()) for p in left]
    assert proc.stderr is not None
    proc.stderr.close()  # it returned: nobody held the caller's pipe any longer
    assert load_manifest(out)["status"] == "running"  # it never got to say otherwise
    resumed = subprocess.run(
        [BOP, "sweep", str(path), "--workers", "2", "--out", str(out), "--resume"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "took over the lock" in resumed.stderr
    pd.testing.assert_frame_equal(results(out), results(whole))


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_sigterm_and_ctrl_c_stop_the_sweep_cleanly(steady, tmp_path, signum, code):
    path, whole = steady
    out = tmp_path / "out"
    proc = start(path, out)
    wait_for_parts(proc, out, 4)
    processes = family(proc)
    started = time.monotonic()
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=30)
    assert time.monotonic() - started < 5, "stopping must not wait for the runs in flight"
    assert proc.returncode == code, stderr
    lines = stderr.strip().splitlines()
    name = signal.Signals(signum).name
    assert lines == [
        f"bop: error: stopped by {name}: the finished runs are saved; finish the sweep with --resume"
    ]
    left = survivors(processes[1:])
    kill_all(left)
    assert not left, [(p.pid, p.name()) for p in left]
    manifest = load_manifest(out)
    assert manifest["status"] == "interrupted"
    assert manifest["sessions"][-1]["stopped_by"] == signal.Signals(signum).name
    assert manifest["counts"]["finished"] == len(store.finished_runs(out)) < 48
    assert not (out / store.LOCK).exists()  # a clean stop lets go of the folder
    resumed = subprocess.run(
        [BOP, "sweep", str(path), "--workers", "2", "--out", str(out), "--resume"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert resumed.returncode == 0 and "took over" not in resumed.stderr, resumed.stderr
    pd.testing.assert_frame_equal(results(out), results(whole))


@pytest.mark.slow
def test_killed_at_five_random_moments_and_resumed_all_five_tables_equal_an_uninterrupted_sweep(tmp_path):
    path = write(tmp_path, "five.toml", FIVE)
    whole = tmp_path / "whole"
    run_sweep(load_experiment(path), whole, workers=2, progress=False)
    out = tmp_path / "killed"
    rng = np.random.default_rng(20)  # the moments are drawn, but the same on every run of the test
    # Odd kills land within two seconds of the start (while it imports, locks the folder, checks the
    # parts or starts the pool); even ones after the session's first finished run, so the sweep advances.
    moments = rng.uniform(0.0, 2.0, size=5)
    finished: list[int] = []
    for k, moment in enumerate(moments):
        before = len(store.finished_runs(out))
        proc = start(path, out, *(["--resume"] if k else []))
        if k % 2 == 0:
            wait_for_parts(proc, out, before + 1)
        time.sleep(moment)
        processes = family(proc) if proc.poll() is None else []
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        left = survivors(processes[1:])
        kill_all(left)
        assert not left, (k, [(p.pid, p.name()) for p in left])
        finished.append(len(store.finished_runs(out)))
    assert finished == sorted(finished) and 0 < finished[-1] < 120, finished  # progress, yet unfinished
    resumed = subprocess.run(
        [BOP, "sweep", str(path), "--workers", "2", "--out", str(out), "--resume"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert resumed.returncode == 0, resumed.stderr
    killed = results(out)
    assert list(killed["run"]) == list(range(120))  # none missing, none twice
    pd.testing.assert_frame_equal(killed, results(whole))
    for table in TABLES:
        pd.testing.assert_frame_equal(load_steps(out, table), load_steps(whole, table))
    assert len(load_steps(whole, "wars")) > 0  # the war log is not trivially equal
