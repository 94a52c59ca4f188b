"""The sweep folder under attack: a second sweep, a stale lock, damaged parts and manifests, a full disk,
other package versions. Nothing is lost, nothing is mixed, and every refusal is one line."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from bop.experiments import store
from bop.experiments import sweep as sweep_module
from bop.experiments.experiment import load_experiment
from bop.experiments.results import load_manifest, load_steps, load_sweep
from bop.experiments.runner import TIMING
from bop.experiments.sweep import SweepError, ensure_sweep, run_sweep
from tests.bop.hostile.tools import assert_one_line_error, bop, write

TINY = """
steps = 8
replications = 3
seed = 7
[grid]
n_states = [5, 7]
[record]
model = true
logs = ["events"]
"""
RUNS = 6


def results(out: Path) -> pd.DataFrame:
    return load_sweep(out).drop(columns=list(TIMING))


def same_tables(one: Path, other: Path) -> None:
    pd.testing.assert_frame_equal(results(one), results(other))
    for dataset in ("model", "events"):
        pd.testing.assert_frame_equal(load_steps(one, dataset), load_steps(other, dataset))


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, Path]:
    """(experiment file, a sweep of it run once, uninterrupted, its parts not compacted: the folder a
    sweep leaves just before it compacts, which the tests below damage part by part)."""
    folder = tmp_path_factory.mktemp("reference")
    path = write(folder, "tiny.toml", TINY)
    run_sweep(load_experiment(path), folder / "whole", workers=1, progress=False, compact=False)
    return path, folder / "whole"


def sweep(path: Path, out: Path, *extra: str):
    return bop("sweep", str(path), "--workers", "1", "--no-progress", "--out", str(out), *extra)


HOLD = """
import sys, time
from pathlib import Path
from bop.experiments.store import FolderLock
with FolderLock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


@pytest.fixture
def held(tmp_path):
    """A folder whose lock another process holds (as a running sweep would): (folder, that process)."""
    out = tmp_path / "busy"
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(out)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    yield out, proc
    proc.kill()
    proc.wait()


def test_a_second_sweep_on_a_locked_folder_is_refused_naming_the_holder(reference, held):
    path, _ = reference
    out, holder = held
    (out / "results").mkdir()
    temporary = out / "results" / "_tmp-999-part-000001.parquet"
    temporary.write_bytes(b"being written by the running sweep")
    for extra in ((), ("--resume",)):
        line = assert_one_line_error(sweep(path, out, *extra), "in use by another sweep", code=1)
        assert f"pid {holder.pid}" in line and "started 20" in line
    assert temporary.exists()  # a refused resume deletes nothing of the running sweep's
    assert not (out / store.MANIFEST).exists()


def test_ensure_sweep_and_sensitivity_respect_the_lock(reference, held, tmp_path):
    path, _ = reference
    out, holder = held
    with pytest.raises(store.FolderError, match=f"pid {holder.pid}"):
        ensure_sweep(path, out, workers=1)
    sens = write(tmp_path, "s.toml", "steps = 1\nn = 2\n[bounds]\nwar_rate = [0, 0.1]\n")
    assert_one_line_error(bop("sensitivity", str(sens), "--out", str(out)), "in use", code=1)


def test_the_lock_is_gone_after_a_sweep_and_a_refused_sweep_leaves_no_folder(
    reference, tmp_path, monkeypatch
):
    path, whole = reference
    out = tmp_path / "out"
    assert sweep(path, out).code == 0
    assert not (out / store.LOCK).exists()
    same_tables(out, whole)
    assert_one_line_error(sweep(path, out), "already holds a sweep", code=1)
    assert not (out / store.LOCK).exists()
    # a fresh folder whose executor cannot start (a cluster out of reach) is not left behind

    def unreachable(*args, **kwargs):
        raise SweepError("--scheduler: cannot reach the Dask scheduler")

    monkeypatch.setattr(sweep_module, "open_executor", unreachable)
    with pytest.raises(SweepError, match="cannot reach"):
        run_sweep(load_experiment(path), tmp_path / "new", workers=1, progress=False)
    assert not (tmp_path / "new").exists()


def test_a_stale_lock_left_by_a_killed_sweep_is_taken_over_and_said(reference, tmp_path):
    path, whole = reference
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    holder = {"pid": int(dead.stdout), "host": "here", "started": "2026-01-01T00:00:00+00:00"}
    (out / store.LOCK).write_text(json.dumps(holder))  # the file is there, but no process holds its flock
    outcome = sweep(path, out)
    assert outcome.code == 0, outcome.stderr
    assert f"took over the lock of {out}" in outcome.stderr and f"pid {holder['pid']}" in outcome.stderr
    same_tables(out, whole)


def test_two_sweeps_started_together_one_runs_and_the_other_is_refused(reference, tmp_path):
    path, whole = reference
    out = tmp_path / "out"
    bop_script = str(Path(sys.executable).with_name("bop"))
    args = [bop_script, "sweep", str(path), "--workers", "1", "--out", str(out)]
    procs = [
        subprocess.Popen(args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True) for _ in range(2)
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    outcomes = sorted(zip([p.returncode for p in procs], errors, strict=True))
    (ok, _), (refused, message) = outcomes
    assert ok == 0 and refused == 1, outcomes
    assert "in use by another sweep" in message or "already holds a sweep" in message
    assert len(message.strip().splitlines()) == 1
    same_tables(out, whole)


@pytest.mark.parametrize("resume", [False, True])
def test_a_zero_byte_manifest_temporary_from_the_first_write_is_recovered(reference, tmp_path, resume):
    # disk full or a kill during the first manifest write: a 0-byte temporary, no manifest, no part
    path, whole = reference
    out = tmp_path / "out"
    out.mkdir()
    (out / f"_tmp-4242-{store.MANIFEST}").write_bytes(b"")
    (out / store.LOCK).write_bytes(b"")
    (out / "results").mkdir()
    outcome = sweep(path, out, *(["--resume"] if resume else []))
    assert outcome.code == 0, outcome.stderr
    assert not list(out.glob("_tmp-*"))
    same_tables(out, whole)


def test_a_folder_with_other_things_is_still_refused(reference, tmp_path):
    path, _ = reference
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert_one_line_error(sweep(path, out), "not empty", code=1)
    assert (out / "notes.txt").read_text() == "mine" and not (out / store.LOCK).exists()


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (b"", "it is empty"),
        (b'{"experiment": {', "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[]", "no "),
    ],
)
def test_a_damaged_manifest_is_one_line_for_every_command(reference, tmp_path, damage, problem):
    path, whole = reference
    out = tmp_path / "out"
    shutil.copytree(whole, out)
    (out / store.MANIFEST).write_bytes(damage)
    for outcome in (
        sweep(path, out, "--resume"),
        sweep(path, out),
        bop("sweep", str(path), "--dry-run", "--out", str(out)),
        bop("report", str(out)),
    ):
        assert_one_line_error(outcome, "_manifest.json", problem, code=1)


def test_unreadable_parts_are_quarantined_and_their_runs_run_again(reference, tmp_path):
    path, whole = reference
    out = tmp_path / "out"
    shutil.copytree(whole, out)
    results_part = Path(store.part_path(out, "results", 2))
    results_part.write_bytes(results_part.read_bytes()[:-100])  # truncated: the footer is gone
    model_part = Path(store.part_path(out, "model", 4))  # a per-step part with a sound results row
    model_part.write_bytes(b"PAR1" + b"\0" * 50)
    Path(store.part_path(out, "events", 5)).write_bytes(b"")  # an empty part
    outcome = sweep(path, out, "--resume")
    assert outcome.code == 0, outcome.stderr
    assert "3 unreadable parts" in outcome.stderr and "runs (2, 4, 5)" in outcome.stderr
    assert "ran 3 runs" in outcome.stdout
    quarantined = sorted(
        p.relative_to(out / store.QUARANTINE).as_posix() for p in (out / store.QUARANTINE).rglob("part-*")
    )
    # every part of the three runs is moved aside, the sound ones with the bad
    assert "results/part-000002.parquet" in quarantined and "model/part-000004.parquet" in quarantined
    assert "results/part-000004.parquet" in quarantined and "events/part-000005.parquet" in quarantined
    same_tables(out, whole)
    assert store.unreadable_parts(out) == {}
    # whole again, and merged with the rest when the resume ended
    assert set(pq.read_table(store.compacted_path(out, "model"))["run"].to_pylist()) == set(range(RUNS))
    assert not (out / "model").exists()


def test_a_results_part_with_a_sound_footer_but_no_row_is_not_trusted(reference, tmp_path):
    path, whole = reference
    out = tmp_path / "out"
    shutil.copytree(whole, out)
    empty = pq.read_table(store.part_path(out, "results", 1)).slice(0, 0)
    pq.write_table(empty, store.part_path(out, "results", 1))
    assert set(store.unreadable_parts(out)) == {1}
    assert sweep(path, out, "--resume").code == 0
    same_tables(out, whole)


def test_a_full_disk_mid_sweep_is_one_line_and_the_resume_completes(reference, tmp_path, monkeypatch):
    path, whole = reference
    out = tmp_path / "out"
    real = store.pq.write_table
    writes = []

    def fill_up(table, where, **kwargs):
        writes.append(where)
        if len(writes) > 7:  # the disk fills during the 8th part
            where.write(b"PAR1 half")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(table, where, **kwargs)

    monkeypatch.setattr(store.pq, "write_table", fill_up)
    line = assert_one_line_error(sweep(path, out), "No space left on device", "--resume", code=1)
    assert "cannot write run" in line
    monkeypatch.setattr(store.pq, "write_table", real)
    assert not [p for p in out.rglob("_tmp-*")]  # no half part left behind
    manifest = load_manifest(out)
    assert manifest["status"] == "interrupted" and manifest["counts"]["finished"] < RUNS
    outcome = sweep(path, out, "--resume")
    assert outcome.code == 0, outcome.stderr
    same_tables(out, whole)


def test_a_full_disk_at_the_first_manifest_write_leaves_a_folder_that_starts_again(
    reference, tmp_path, monkeypatch
):
    path, whole = reference
    out = tmp_path / "out"

    def no_space(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store.os, "fsync", no_space)  # the manifest is the first file a sweep writes
    assert_one_line_error(sweep(path, out), "No space left on device", code=1)
    monkeypatch.undo()
    outcome = sweep(path, out)
    assert outcome.code == 0, outcome.stderr
    same_tables(out, whole)


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    command = ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)]
    try:
        return subprocess.run(command, capture_output=True, timeout=10).returncode == 0
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(
    sys.platform != "linux" or os.geteuid() != 0, reason="mounting a tmpfs needs root on Linux"
)
def test_a_real_full_disk_then_more_room_then_resume(reference, tmp_path):
    path, whole = reference
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "128k"):  # room for the manifest and two or so of the six runs (~40 KB each)
        pytest.skip("cannot mount a tmpfs here")
    try:
        out = disk / "out"
        line = assert_one_line_error(sweep(path, out), "No space left on device", code=1)
        assert "--resume" in line
        assert not [p for p in out.rglob("_tmp-*")]
        finished = len(store.finished_runs(out))
        assert 1 <= finished < RUNS
        subprocess.run(["mount", "-o", "remount,size=8m", str(disk)], check=True)
        outcome = sweep(path, out, "--resume")
        assert outcome.code == 0, outcome.stderr
        same_tables(out, whole)
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_resume_refuses_other_package_versions_unless_allowed(reference, tmp_path):
    path, whole = reference
    out = tmp_path / "out"
    shutil.copytree(whole, out)
    os.remove(store.part_path(out, "results", 5))
    manifest = json.loads((out / store.MANIFEST).read_text())
    manifest["versions"]["numpy"] = "1.26.0"  # as if started before an upgrade
    (out / store.MANIFEST).write_text(json.dumps(manifest))
    line = assert_one_line_error(
        sweep(path, out, "--resume"), "numpy 1.26.0 ->", "--allow-version-change", code=1
    )
    assert "mix" in line
    outcome = sweep(path, out, "--resume", "--allow-version-change")
    assert outcome.code == 0, outcome.stderr
    assert "numpy 1.26.0 ->" in outcome.stderr  # said, and recorded
    session = load_manifest(out)["sessions"][-1]
    assert session["versions"]["numpy"] != "1.26.0" and session["ran"] == 1
    same_tables(out, whole)


def test_a_resume_with_the_same_versions_is_not_troubled(reference, tmp_path):
    path, whole = reference
    out = tmp_path / "out"
    shutil.copytree(whole, out)
    os.remove(store.part_path(out, "results", 0))
    started = time.perf_counter()
    outcome = sweep(path, out, "--resume")
    assert outcome.code == 0 and outcome.stderr == "", outcome.stderr
    assert "versions" not in load_manifest(out)["sessions"][-1]
    assert time.perf_counter() - started < 30
    same_tables(out, whole)


def test_a_report_on_an_unreadable_part_is_one_line_pointing_to_resume(reference, tmp_path):
    _, whole = reference
    out = tmp_path / "out"
    shutil.copytree(whole, out)
    Path(store.part_path(out, "results", 3)).write_bytes(b"garbage")
    assert_one_line_error(bop("report", str(out)), "part-000003.parquet is unreadable", "--resume", code=1)
