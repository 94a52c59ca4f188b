"""Sweeps: same results on any executor, nothing lost when killed, failures recorded, output guarded."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from textwrap import dedent

import pandas as pd
import pytest
from click.testing import CliRunner
from distributed import LocalCluster

from bop.analysis.wars import rate_table
from bop.cli import cli
from bop.experiments import store
from bop.experiments.experiment import load_experiment
from bop.experiments.results import load_manifest, load_steps, load_sweep
from bop.experiments.runner import TIMING
from bop.experiments.store import part_path
from bop.experiments.sweep import SweepError, run_sweep
from model.conflict import WAR_OUTCOMES
from model.model import BalanceOfPowerModel
from model.params import PARAMS
from model.scenarios import SCENARIOS, Scenario, random_world

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
    logs = ["events"]
"""


def write(tmp_path: Path, text: str, name: str = "tiny") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(dedent(text))
    return path


def sweep(path: Path, out: Path, **options):
    return run_sweep(load_experiment(path), out, text=path.read_text(), progress=False, **options)


def results(out: Path) -> pd.DataFrame:
    return load_sweep(out).drop(columns=list(TIMING))


@pytest.fixture(scope="module")
def tiny_sweep(tmp_path_factory):
    """The tiny sweep run once in this process: (experiment file, output folder)."""
    folder = tmp_path_factory.mktemp("tiny")
    path = write(folder, TINY)
    sweep(path, folder / "one", workers=1)
    return path, folder / "one"


def test_one_row_per_run_with_params_seed_and_summary(tiny_sweep):
    path, out = tiny_sweep
    table = load_sweep(out)
    assert list(table["run"]) == list(range(12))
    assert (table["status"] == "ok").all() and table["error"].isna().all()
    assert set(PARAMS) <= set(table.columns)
    summary_keys = set(BalanceOfPowerModel(rng=0, n_states=3).summary())
    assert summary_keys <= set(table.columns)
    assert not summary_keys & set(PARAMS)  # a summary field must never shadow a parameter column
    assert list(table.groupby("point")["n_states"].first()) == [6, 6, 9, 9]
    manifest = load_manifest(out)
    assert manifest["counts"] == {"total": 12, "finished": 12, "ok": 12, "failed": 0}
    assert manifest["experiment_file"] == path.read_text() and manifest["status"] == "complete"
    assert manifest["versions"]["mesa"].startswith("3.5") and len(manifest["seeds"]) == 3


def test_a_row_is_reproduced_by_bop_run_with_its_seed_and_params(tiny_sweep):
    _, out = tiny_sweep
    row = load_sweep(out).iloc[7]
    args = ["run", "--seed", str(row["seed"]), "--steps", "12", "--json"]
    args += ["--set", f"n_states={row['n_states']}", "--set", f"strategy_mix={row['strategy_mix']}"]
    summary = json.loads(CliRunner().invoke(cli, args).output)
    assert summary == {k: (None if pd.isna(row[k]) else row[k]) for k in summary}


def test_recorded_steps_are_thinned_and_logs_kept_whole(tiny_sweep):
    _, out = tiny_sweep
    steps = load_steps(out, "model")
    # steps 0..12, every 5th and the last: 0, 5, 10, 12
    assert steps.groupby("run")["step"].apply(list).tolist() == [[0, 5, 10, 12]] * 12
    events = load_steps(out, "events")
    assert set(events["run"]) <= set(range(12)) and len(events) > 0
    assert list(events.columns[:3]) == ["run", "point", "replication"]
    with pytest.raises(FileNotFoundError, match="states"):
        load_steps(out, "states")


@pytest.mark.slow
def test_one_worker_two_workers_and_dask_agree(tiny_sweep, tmp_path):
    path, one = tiny_sweep
    sweep(path, tmp_path / "two", workers=2)
    sweep(path, tmp_path / "dask", workers=2, local_cluster=True)
    assert load_manifest(tmp_path / "dask")["sessions"][0]["executor"].startswith("dask LocalCluster")
    # --scheduler: a cluster that was already running, reached by its address
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster:
        sweep(path, tmp_path / "scheduler", scheduler=cluster.scheduler_address)
    assert load_manifest(tmp_path / "scheduler")["sessions"][0]["executor"].startswith(
        "dask tcp://127.0.0.1:"
    )
    for other in ("two", "dask", "scheduler"):
        pd.testing.assert_frame_equal(results(one), results(tmp_path / other))
        for dataset in ("model", "events"):
            pd.testing.assert_frame_equal(load_steps(one, dataset), load_steps(tmp_path / other, dataset))


def test_a_failing_grid_point_is_recorded_and_the_others_complete(tmp_path, monkeypatch):
    def fragile(params, rng):
        if params["n_states"] == 7:
            raise RuntimeError("seven states cannot be placed")
        return random_world.build(params, rng)

    monkeypatch.setitem(SCENARIOS, "fragile", Scenario("fragile", "fails at 7 states", fragile))
    path = write(tmp_path, 'scenario = "fragile"\nsteps = 5\nreplications = 2\n[grid]\nn_states = [6, 7, 8]')
    result = sweep(path, tmp_path / "out", workers=1)
    table = load_sweep(tmp_path / "out")
    assert result.ran == 6 and result.failed == 2
    failed = table[table["status"] == "failed"]
    assert list(failed["n_states"]) == [7, 7]
    assert (failed["error"] == "RuntimeError: seven states cannot be placed").all()
    assert failed["equilibrium"].isna().all()
    ok = table[table["status"] == "ok"]
    assert list(ok["n_states"]) == [6, 6, 8, 8] and ok["steps"].eq(5).all()
    assert load_manifest(tmp_path / "out")["counts"]["failed"] == 2


def test_resume_runs_only_what_is_missing(tiny_sweep, tmp_path):
    path, complete = tiny_sweep
    out = tmp_path / "out"
    sweep(path, out, workers=1, compact=False)  # a killed sweep never gets to compact its parts
    # as if killed: run 4 never finished (its results part is missing, a model part remains),
    # run 9 was being written, and the loader must not show run 4's orphan steps
    os.remove(part_path(out, "results", 4))
    (out / "results" / "_tmp-123-part-000009.parquet").write_bytes(b"half a part")
    os.remove(part_path(out, "results", 9))
    assert 4 not in set(load_steps(out, "model")["run"])
    result = sweep(path, out, workers=1, resume=True)
    assert (result.skipped, result.ran) == (10, 2)
    assert not list((out / "results").glob("_tmp-*"))
    pd.testing.assert_frame_equal(results(out), results(complete))
    pd.testing.assert_frame_equal(load_steps(out, "model"), load_steps(complete, "model"))
    assert len(load_manifest(out)["sessions"]) == 2


def test_batches_write_one_part_per_dataset_and_read_back_as_one_part_per_run(tiny_sweep, tmp_path):
    path, one = tiny_sweep
    out = tmp_path / "batched"
    result = sweep(path, out, workers=2, batch=5, compact=False)
    assert result.batch == 5 and load_manifest(out)["sessions"][0]["batch"] == 5
    # 12 runs in batches of 5 (two workers each take the next five): 5 + 5 + 2
    names = sorted(p.name for p in (out / "results").glob("part-*"))
    assert names == ["part-000000-n5.parquet", "part-000005-n5.parquet", "part-000010-n2.parquet"]
    assert sorted(p.name for p in (out / "model").glob("part-*")) == names
    assert store.finished_runs(out) == set(range(12))
    pd.testing.assert_frame_equal(results(out), results(one))
    for dataset in ("model", "events"):
        pd.testing.assert_frame_equal(load_steps(out, dataset), load_steps(one, dataset))
    merged = store.compact(out)
    assert merged.runs == 12 and not (out / "results").exists()
    pd.testing.assert_frame_equal(results(out), results(one))


def test_a_batch_killed_between_its_parts_runs_again_without_its_orphan_rows(tiny_sweep, tmp_path):
    path, one = tiny_sweep
    out = tmp_path / "out"
    sweep(path, out, workers=1, batch=4, compact=False)
    # as if killed after the batch of runs 4-7 wrote its steps but before its results part: the runs are
    # not finished, and their orphan steps are neither read nor kept
    os.remove(part_path(out, "results", 4, 4))
    assert store.finished_runs(out) == set(range(12)) - {4, 5, 6, 7}
    assert not {4, 5, 6, 7} & set(load_steps(out, "model")["run"])
    result = sweep(path, out, workers=1, batch=3, resume=True)
    assert (result.skipped, result.ran) == (8, 4)
    assert not os.path.exists(part_path(out, "model", 4, 4))  # the orphan was removed, not merged
    pd.testing.assert_frame_equal(results(out), results(one))
    for dataset in ("model", "events"):
        pd.testing.assert_frame_equal(load_steps(out, dataset), load_steps(one, dataset))


def test_the_batch_size_keeps_small_sweeps_one_part_per_run_and_caps_large_ones():
    from bop.experiments.sweep import MAX_BATCH, batch_size

    assert batch_size(48, 2) == 1  # 48 runs <= 32 batches x 2 slots: one part per run
    assert batch_size(120, 2) == 2
    assert batch_size(10_000, 2) == 157  # ceil(10,000 / 64): 64 batches
    assert batch_size(10_000_000, 1) == MAX_BATCH
    assert batch_size(0, 4) == 1


def test_an_existing_sweep_needs_resume_and_the_same_experiment(tiny_sweep, tmp_path):
    path, out = tiny_sweep
    with pytest.raises(SweepError, match="--resume"):
        sweep(path, out, workers=1)
    changed = write(tmp_path, TINY.replace("steps = 12", "steps = 13"))
    with pytest.raises(SweepError, match="differs"):
        sweep(changed, out, workers=1, resume=True)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(SweepError, match="not empty"):
        sweep(path, tmp_path / "other", workers=1)
    # resuming a complete sweep runs nothing
    assert sweep(path, out, workers=1, resume=True).ran == 0


def test_dry_run_shows_the_plan_and_writes_nothing(tmp_path):
    path = write(tmp_path, TINY)
    result = CliRunner().invoke(cli, ["sweep", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "4 points x 3 replications = 12 runs of 12 steps" in result.output
    assert "out/tiny" in result.output and not (tmp_path / "out").exists()


@pytest.mark.slow
@pytest.mark.parametrize("batch", [1, 3])
def test_sigkill_mid_sweep_then_resume_equals_an_uninterrupted_sweep(tmp_path, batch):
    # big enough that the kill lands mid-way: 48 runs of ~0.1 s on two workers
    path = write(tmp_path, "steps = 50\nreplications = 16\nseed = 3\n[grid]\nn_states = [12, 14, 16]", "kill")
    out = tmp_path / "killed"
    bop = str(Path(sys.executable).with_name("bop"))
    args = [bop, "sweep", str(path), "--workers", "2", "--out", str(out), "--batch", str(batch)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(list((out / "results").glob("part-*"))) * batch < 8:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the pool's workers, if they outlived the parent
        except ProcessLookupError:
            pass
        proc.stderr.close()
    finished = len(store.finished_runs(out))
    assert 8 <= finished < 48, "the kill must land mid-way"
    assert load_manifest(out)["status"] == "running"  # it never got to say otherwise

    resumed = subprocess.run([*args, "--resume"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert load_manifest(out)["sessions"][-1]["ran"] == 48 - finished
    sweep(path, tmp_path / "whole", workers=2)
    killed, whole = results(out), results(tmp_path / "whole")
    assert list(killed["run"]) == list(range(48))  # none missing, no duplicates
    pd.testing.assert_frame_equal(killed, whole)


def test_the_war_log_is_recorded_and_agrees_with_the_war_counts(tmp_path):
    path = write(
        tmp_path,
        "steps = 80\nreplications = 3\n[params]\nwar = true\nn_states = 10\n[record]\nlogs = ['wars']",
    )
    sweep(path, tmp_path / "out", workers=2)
    runs, wars = load_sweep(tmp_path / "out"), load_steps(tmp_path / "out", "wars")
    assert runs["wars"].sum() > 0
    fought = wars[wars["outcome"].isin(WAR_OUTCOMES)].groupby("run").size()
    assert fought.reindex(runs["run"], fill_value=0).tolist() == runs["wars"].tolist()
    assert all(isinstance(side, list) and side for side in wars["attackers"])  # lists survive Parquet
    # run 1's log read back equals the log of the same model run here
    row = runs.iloc[1]
    model = BalanceOfPowerModel(rng=int(row["seed"]), war=True, n_states=10, record_states=False)
    while model.running and model.steps < 80:
        model.step()
    mine = wars[wars["run"] == 1].drop(columns=["run", "point", "replication"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, model.wars_frame(), check_dtype=False)


def test_resume_refuses_a_changed_scenario_file(tmp_path):
    scenario = tmp_path / "w.toml"
    world = (
        '[[states]]\nname = "A"\npower = {p}\nlat = 0.0\nlon = 0.0\n\n'
        '[[states]]\nname = "B"\npower = 1\nlat = 0.0\nlon = 5.0\n'
    )
    scenario.write_text(world.format(p=3))
    path = write(tmp_path, 'scenario = "w.toml"\nsteps = 3\nreplications = 2\n')
    out = tmp_path / "out"
    sweep(path, out)
    scenario.write_text(world.format(p=300))
    with pytest.raises(SweepError, match=r"scenario file .* changed"):
        sweep(path, out, resume=True)


def test_a_recorded_log_with_no_rows_loads_as_empty(tmp_path):
    # war is off, so the war log is recorded but empty: it loads as an empty frame, not an error
    path = write(tmp_path, 'steps = 3\nreplications = 2\n[params]\nn_states = 4\n[record]\nlogs = ["wars"]\n')
    out = tmp_path / "out"
    sweep(path, out)
    assert load_steps(out, "wars").empty
    with pytest.raises(FileNotFoundError, match="'events' data: was it recorded"):
        load_steps(out, "events")


def test_the_dyads_log_is_recorded_on_request_and_gives_war_rates_per_ratio(tmp_path):
    path = write(
        tmp_path,
        "steps = 40\nreplications = 2\n[params]\nwar = true\nwar_rate = 0.5\nn_states = 8\n"
        "[record]\nlogs = ['dyads', 'wars']",
    )
    experiment = load_experiment(path)
    assert all(point["record_dyads"] for point in experiment.points)  # switched on by the log
    sweep(path, tmp_path / "out", workers=1)
    dyads, wars = load_steps(tmp_path / "out", "dyads"), load_steps(tmp_path / "out", "wars")
    fought = wars["outcome"].isin(WAR_OUTCOMES)
    assert dyads["war"].sum() == fought.sum() > 0  # every ordinary war is one dyad-year of the log
    table = rate_table(dyads, "ratio")
    assert table["dyad_years"].sum() == len(dyads) and table["events"].sum() == fought.sum()
