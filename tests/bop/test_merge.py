"""A sweep ends with one file per dataset and a CSV; `bop merge` does it for older or stopped sweeps;
the loaders read parts, compacted files, and both at once, each run once."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bop.experiments import results, store
from bop.experiments.experiment import load_experiment
from bop.experiments.results import load_manifest, load_steps, load_sweep
from bop.experiments.runner import TIMING
from bop.experiments.sweep import run_sweep
from tests.bop.hostile.tools import assert_one_line_error, bop, write

TINY = """
steps = 12
replications = 3
seed = 7
[grid]
n_states = [6, 9]
strategy_mix = ["balance:1", "balance:0.5,bandwagon:0.5"]
[record]
model = true
every = 5
logs = ["events", "wars"]
"""
RUNS = 12
DATASETS = ("model", "events")  # wars is recorded but war is off: no run has a row


def sweep(path: Path, out: Path, **options) -> None:
    run_sweep(load_experiment(path), out, workers=1, progress=False, **options)


def same_tables(one: Path, other: Path) -> None:
    pd.testing.assert_frame_equal(
        load_sweep(one).drop(columns=list(TIMING)), load_sweep(other).drop(columns=list(TIMING))
    )
    for dataset in DATASETS:
        pd.testing.assert_frame_equal(load_steps(one, dataset), load_steps(other, dataset))


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory) -> tuple[Path, Path, Path]:
    """(experiment file, the sweep as it ends, compacted; the same sweep with its parts kept)."""
    folder = tmp_path_factory.mktemp("merge")
    path = write(folder, "tiny.toml", TINY)
    sweep(path, folder / "compacted")
    sweep(path, folder / "parts", compact=False)
    return path, folder / "compacted", folder / "parts"


def copy(folder: Path, tmp_path: Path) -> Path:
    shutil.copytree(folder, tmp_path / "out")
    return tmp_path / "out"


def test_a_sweep_ends_with_one_file_per_dataset_a_csv_and_no_parts(sweeps):
    _, compacted, parts = sweeps
    names = sorted(p.name for p in compacted.iterdir())
    assert names == ["_manifest.json", "events.parquet", "model.parquet", "results.csv", "results.parquet"]
    same_tables(compacted, parts)  # the same tables as the parts they were merged from
    # each file read alone, as DuckDB or polars would read it: sorted by run, one row per run
    results = pq.read_table(compacted / "results.parquet")
    assert results["run"].to_pylist() == list(range(RUNS)) and "n_states" in results.column_names
    steps = pq.read_table(compacted / "model.parquet")
    assert steps["run"].to_pylist() == sorted(steps["run"].to_pylist()) and len(steps) == RUNS * 4
    manifest = load_manifest(compacted)
    assert manifest["counts"] == {"total": RUNS, "finished": RUNS, "ok": RUNS, "failed": 0}


def test_the_csv_has_the_results_rows_with_missing_values_as_empty_cells(sweeps):
    _, compacted, _ = sweeps
    text = (compacted / "results.csv").read_text(encoding="utf-8")
    csv = pd.read_csv(compacted / "results.csv")
    runs = load_sweep(compacted)
    assert list(csv.columns) == list(runs.columns) and list(csv["run"]) == list(range(RUNS))
    assert list(csv["seed"]) == list(runs["seed"]) and list(csv["equilibrium"]) == list(runs["equilibrium"])
    assert csv["b_max"].to_numpy() == pytest.approx(runs["b_max"].to_numpy(), rel=1e-15)
    # error is None for every ok run: an empty cell, as R's read.csv and spreadsheets read a missing value
    assert text.splitlines()[1].split(",")[5] == "" and csv["error"].isna().all()


def test_polars_reads_the_compacted_files_as_they_are(sweeps):
    import polars as pl  # a dev dependency: missing, the test fails rather than skips

    _, compacted, _ = sweeps
    assert pl.read_parquet(compacted / "results.parquet")["run"].to_list() == list(range(RUNS))


def test_duckdb_reads_the_compacted_files_as_they_are(sweeps):
    import duckdb  # a dev dependency

    _, compacted, _ = sweeps
    count = duckdb.sql(f"select count(distinct run) from '{compacted / 'model.parquet'}'").fetchall()
    assert count == [(RUNS,)]


def test_bop_merge_compacts_an_older_sweep_and_a_second_merge_has_nothing_to_do(sweeps, tmp_path):
    _, compacted, parts = sweeps
    out = copy(parts, tmp_path)
    count = len(list(out.glob("*/part-*.parquet")))  # a results and a model part per run, events when any
    outcome = bop("merge", str(out))
    assert outcome.code == 0, outcome.stderr
    assert "wrote results.parquet, events.parquet, model.parquet, results.csv" in outcome.stdout
    assert f"{RUNS} runs in results.parquet, {count} parts removed" in outcome.stdout
    assert not any(p.is_dir() for p in out.iterdir()) and not (out / store.LOCK).exists()
    same_tables(out, compacted)
    again = bop("merge", str(out))
    assert again.code == 0 and "nothing to merge; 12 runs in results.parquet, 0 parts removed" in again.stdout


def test_merge_of_a_stopped_sweep_then_resume_runs_only_the_rest_and_merges_in_run_order(sweeps, tmp_path):
    path, compacted, parts = sweeps
    out = copy(parts, tmp_path)
    # as if killed: runs 4 and 9 never finished; run 4 left an orphan per-step part
    for run in (4, 9):
        os.remove(store.part_path(out, "results", run))
    os.remove(store.part_path(out, "model", 9))
    outcome = bop("merge", str(out))
    assert outcome.code == 0, outcome.stderr
    assert "10 runs in results.parquet" in outcome.stdout
    assert "10 of 12 runs are finished and merged" in outcome.stderr
    assert list(store.part_runs(out, "model")) == [4]  # the orphan stays a part: run 4 is not finished
    assert 4 not in set(load_steps(out, "model")["run"])
    assert store.finished_runs(out) == set(range(RUNS)) - {4, 9}
    result = run_sweep(load_experiment(path), out, workers=1, progress=False, resume=True)
    assert (result.skipped, result.ran) == (10, 2)
    assert result.merged is not None and set(result.merged.written) == {"results", "model", "events"}
    assert pq.read_table(out / "results.parquet")["run"].to_pylist() == list(range(RUNS))
    model = pq.read_table(out / "model.parquet")["run"].to_pylist()
    assert model == sorted(model) and set(model) == set(range(RUNS))
    same_tables(out, compacted)
    assert load_manifest(out)["counts"]["finished"] == RUNS


def test_parts_left_beside_their_compacted_file_are_counted_once_and_removed_by_merge(sweeps, tmp_path):
    # a kill after the compacted file was renamed into place, before its parts were removed
    _, compacted, parts = sweeps
    out = copy(compacted, tmp_path)
    for dataset in ("results", *DATASETS):
        shutil.copytree(parts / dataset, out / dataset)
    count = len(list(out.glob("*/part-*.parquet")))
    same_tables(out, compacted)
    assert store.finished_runs(out) == set(range(RUNS))
    written = (out / "results.parquet").stat().st_mtime_ns
    merged = store.compact(out)
    assert merged.written == {} and merged.removed == count and not merged.csv
    assert (out / "results.parquet").stat().st_mtime_ns == written  # nothing new: not rewritten
    same_tables(out, compacted)


def test_a_temporary_left_by_a_killed_compaction_is_ignored_then_removed(sweeps, tmp_path):
    _, compacted, parts = sweeps
    out = copy(parts, tmp_path)
    (out / "_tmp-4242-model.parquet").write_bytes(b"PAR1 half a file")
    same_tables(out, compacted)
    assert bop("merge", str(out)).code == 0
    assert not list(out.glob("_tmp-*"))
    same_tables(out, compacted)


def test_compaction_takes_the_runs_of_a_part_from_its_rows_whatever_it_holds(sweeps, tmp_path):
    # parts of several runs (as batched workers would write them), merged in chunks smaller than a part
    _, compacted, parts = sweeps
    out = copy(parts, tmp_path)
    for dataset in ("results", *DATASETS):
        tables = [pq.read_table(p) for _, p in sorted(store.iter_parts(out, dataset))]
        shutil.rmtree(out / dataset)
        (out / dataset).mkdir()
        for first in (0, 5):  # runs 0-4 in one part, 5-11 in another
            batch = [t for t in tables if first <= t["run"][0].as_py() < (5 if first == 0 else RUNS)]
            pq.write_table(
                pa.concat_tables(batch, promote_options="permissive"), store.part_path(out, dataset, first)
            )
    merged = store.compact(out, chunk_rows=7)
    assert merged.runs == RUNS and merged.removed == 6
    assert pq.ParquetFile(out / "model.parquet").metadata.num_row_groups == 12  # 4 rows a run, 7 a chunk
    same_tables(out, compacted)


def test_a_damaged_compacted_file_is_one_line_and_resume_runs_its_runs_again(sweeps, tmp_path):
    path, compacted, _ = sweeps
    out = copy(compacted, tmp_path)
    results = out / "results.parquet"
    results.write_bytes(results.read_bytes()[:-50])  # the footer is gone
    assert_one_line_error(bop("report", str(out)), "results.parquet is unreadable", "--resume", code=1)
    assert_one_line_error(bop("merge", str(out)), "results.parquet is unreadable", "--resume", code=1)
    outcome = bop("sweep", str(path), "--workers", "1", "--no-progress", "--out", str(out), "--resume")
    assert outcome.code == 0, outcome.stderr
    assert "results.parquet unreadable: the compacted files (4) were moved to" in outcome.stderr
    assert f"ran {RUNS} runs" in outcome.stdout
    assert sorted(p.name for p in (out / store.QUARANTINE).iterdir()) == [
        "events.parquet",
        "model.parquet",
        "results.csv",
        "results.parquet",
    ]
    same_tables(out, compacted)


def test_a_compaction_that_fails_keeps_the_parts_and_says_how_to_merge_later(sweeps, tmp_path, monkeypatch):
    path, compacted, _ = sweeps
    out = tmp_path / "out"

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store, "_write_compacted", full)
    outcome = bop("sweep", str(path), "--workers", "1", "--no-progress", "--out", str(out))
    assert outcome.code == 0, outcome.stderr
    assert "could not compact the parts" in outcome.stderr and f"bop merge {out}" in outcome.stderr
    assert len(store.part_runs(out, "results")) == RUNS and not (out / "results.parquet").exists()
    same_tables(out, compacted)
    monkeypatch.undo()
    assert bop("merge", str(out)).code == 0
    same_tables(out, compacted)


def test_merge_refuses_a_folder_in_use_and_one_without_a_sweep(tmp_path):
    assert_one_line_error(bop("merge", str(tmp_path)), "not a sweep folder", code=1)
    assert not (tmp_path / store.LOCK).exists()
    with store.FolderLock(tmp_path / "busy"):
        assert_one_line_error(bop("merge", str(tmp_path / "busy")), "in use by another sweep", code=1)


def test_merge_leaves_a_damaged_part_for_resume_to_quarantine(sweeps, tmp_path):
    path, compacted, parts = sweeps
    out = copy(parts, tmp_path)
    empty = pq.read_table(store.part_path(out, "results", 3)).slice(0, 0)  # a sound footer, no row
    pq.write_table(empty, store.part_path(out, "results", 3))
    Path(store.part_path(out, "model", 5)).write_bytes(b"PAR1 garbage")  # run 5's steps are unreadable
    outcome = bop("merge", str(out))
    assert outcome.code == 0, outcome.stderr
    assert "runs 5 have unreadable parts and were left as they are" in outcome.stderr
    assert "10 of 12 runs are finished and merged" in outcome.stderr  # run 3 has no row: not finished either
    assert sorted(store.part_runs(out, "results")) == [3, 5] and store.compacted_runs(out) == set(
        range(12)
    ) - {3, 5}
    resumed = bop("sweep", str(path), "--workers", "1", "--no-progress", "--out", str(out), "--resume")
    assert resumed.code == 0, resumed.stderr
    assert "ran 2 runs" in resumed.stdout and "runs (3, 5)" in resumed.stderr
    same_tables(out, compacted)


def test_a_sweep_compacted_while_it_is_read_is_read_whole(sweeps, tmp_path, monkeypatch):
    # the loader has listed the parts; a compaction then merges them and removes them before it reads one
    _, _, parts = sweeps
    out = copy(parts, tmp_path)
    real = results.read_table
    compactions = []

    def compacting_first(path, columns=None):
        if "part-" in path and not compactions:
            compactions.append(store.compact(out))
        return real(path, columns)

    expected = load_sweep(parts)  # the same runs, timings included: out is a copy of it
    monkeypatch.setattr(results, "read_table", compacting_first)
    pd.testing.assert_frame_equal(load_sweep(out), expected)
    assert compactions and not (out / "results").exists()  # it happened mid-read, and the read went on
