"""Running an experiment: every missing run on an executor, each result made durable as it arrives.

The executor is any `concurrent.futures.Executor`: this process (1 worker), a local process pool,
or a Dask cluster (`Client(...).get_executor()`). Only a bounded number of runs is in flight and
each result is written to disk at once, so the sweep's memory stays flat however many runs it has.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from tqdm import tqdm

from bop.experiments import store
from bop.experiments.experiment import Experiment, RunSpec, load_experiment
from bop.experiments.runner import RunOutput, ignore_interrupts, run_one

PACKAGES = ("balance-of-power", "mesa", "numpy", "pandas", "pyarrow", "tqdm", "dask", "distributed")


class SweepError(RuntimeError):
    """The sweep cannot start or go on; the message says why and what to do."""


@dataclass
class SweepResult:
    """What one `run_sweep` call did."""

    total: int
    skipped: int  # already finished before this call (resume)
    ran: int
    failed: int  # failed runs among those this call ran
    seconds: float
    executor: str


class InlineExecutor(cf.Executor):
    """Runs each task in this process as it is submitted (one worker, easiest to debug)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as err:
            future.set_exception(err)
        return future


@contextlib.contextmanager
def open_executor(
    workers: int, scheduler: str | None = None, local_cluster: bool = False
) -> Iterator[tuple[cf.Executor, int, str]]:
    """Yield (executor, number of parallel slots, description) and shut it down afterwards."""
    if scheduler or local_cluster:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise SweepError("Dask is not installed: pip install 'balance-of-power[dask]'") from None
        with contextlib.ExitStack() as stack:
            if local_cluster:
                cluster = stack.enter_context(
                    LocalCluster(
                        n_workers=workers,
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",
                        dashboard_address=None,
                    )
                )
                client = stack.enter_context(Client(cluster))
                where = f"dask LocalCluster ({workers} workers)"
            else:
                try:
                    client = stack.enter_context(Client(scheduler, timeout="30s"))
                except OSError as err:
                    raise SweepError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from None
                where = f"dask {scheduler}"
            slots = max(1, sum(client.nthreads().values()))
            yield client.get_executor(pure=False), slots, where
    elif workers == 1:
        yield InlineExecutor(), 1, "this process"
    else:
        # forkserver: workers start from a clean process that has imported the model once.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["bop.experiments.runner"])
        with cf.ProcessPoolExecutor(workers, mp_context=context, initializer=ignore_interrupts) as pool:
            yield pool, workers, f"process pool ({workers} workers)"


def run_sweep(
    experiment: Experiment,
    out: Path,
    *,
    text: str = "",
    workers: int | None = None,
    scheduler: str | None = None,
    local_cluster: bool = False,
    resume: bool = False,
    progress: bool | None = None,
) -> SweepResult:
    """Run every run of `experiment` not yet in `out`; `text` is the experiment file, kept in the manifest."""
    workers = workers or os.cpu_count() or 1
    manifest = prepare(experiment, out, text, resume)
    finished = store.finished_runs(out)
    todo = (spec for spec in experiment.runs() if spec.run not in finished)
    if progress is None:
        progress = sys.stderr.isatty() and not os.environ.get("CI")
    start = time.perf_counter()
    # The executor opens first: a wrong scheduler address leaves no half-started sweep behind.
    with open_executor(workers, scheduler, local_cluster) as (executor, slots, where):
        session: dict[str, Any] = {"started": _now(), "executor": where, "commit": git_commit()["commit"]}
        manifest["sessions"].append(session)
        manifest["status"] = "running"
        store.write_manifest(out, manifest)
        ran = failed = 0
        status = "interrupted"
        try:
            with tqdm(
                total=experiment.total,
                initial=len(finished),
                unit="run",
                disable=not progress,
                file=sys.stderr,
                dynamic_ncols=True,
            ) as bar:
                for output in execute(executor, todo, slots):
                    store.write_output(out, output)
                    ran += 1
                    failed += output.row["status"] != "ok"
                    bar.update(1)
            status = "complete"
        finally:
            session.update(finished=_now(), ran=ran, failed=failed)
            manifest.update(status=status, finished=session["finished"], counts=count_runs(out, experiment))
            store.write_manifest(out, manifest)
    return SweepResult(experiment.total, len(finished), ran, failed, time.perf_counter() - start, where)


def ensure_sweep(experiment: str | Path, out: str | Path | None = None, workers: int | None = None) -> Path:
    """The sweep folder of an experiment file, running (or finishing) the sweep first if needed.

    `out` defaults to out/<name> beside the experiment file, as for `bop sweep`.
    """
    path = Path(experiment)
    exp = load_experiment(path)
    folder = Path(out) if out is not None else path.parent / "out" / exp.name
    manifest = store.read_manifest(folder)
    if manifest is None or manifest["status"] != "complete":
        run_sweep(exp, folder, text=path.read_text(), workers=workers, resume=manifest is not None)
    return folder


def execute(executor: cf.Executor, specs: Iterator[RunSpec], slots: int) -> Iterator[RunOutput]:
    """Yield run outputs as they finish, keeping at most two tasks per slot in flight."""
    limit = 1 if isinstance(executor, InlineExecutor) else 2 * slots
    queue = iter(specs)
    pending: set[cf.Future] = set()
    try:
        while True:
            while len(pending) < limit and (spec := next(queue, None)) is not None:
                pending.add(executor.submit(run_one, spec))
            if not pending:
                return
            done, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for future in done:
                try:
                    output = future.result()
                except Exception as err:  # run_one records model errors, so this is the executor's
                    raise SweepError(
                        f"the executor lost a run ({type(err).__name__}: {err}); "
                        "finished runs are saved: rerun with --resume"
                    ) from err
                yield output
    finally:
        for future in pending:
            future.cancel()


def _scenario_text(experiment: Experiment) -> str | None:
    """The text of the experiment's scenario file, if it uses one (kept to guard --resume)."""
    return Path(experiment.scenario).read_text() if experiment.scenario.endswith(".toml") else None


def prepare(experiment: Experiment, out: Path, text: str, resume: bool) -> dict[str, Any]:
    """Check `out` against the experiment and return the manifest to continue or start with."""
    manifest = store.read_manifest(out)
    parsed = json.loads(json.dumps(experiment.to_dict(), default=str))
    if manifest is not None:
        if not resume:
            raise SweepError(
                f"{out} already holds a sweep: add --resume to finish it, or choose another --out"
            )
        if manifest["experiment"] != parsed:
            raise SweepError(
                f"the experiment differs from the one the sweep in {out} was started with: "
                "start it in another --out"
            )
        if manifest.get("scenario_file") != _scenario_text(experiment):
            raise SweepError(
                f"the scenario file {experiment.scenario} changed since the sweep in {out} was started: "
                "start it in another --out"
            )
        store.remove_temporaries(out)
        return manifest
    if out.exists() and any(out.iterdir()):
        raise SweepError(f"{out} is not empty and holds no sweep (_manifest.json): choose another --out")
    return {
        "experiment": parsed,
        "experiment_file": text,
        "scenario_file": _scenario_text(experiment),
        "runs": experiment.total,
        "seeds": experiment.seeds,
        "points": [{k: params[k] for k in experiment.varied} for params in experiment.points],
        "versions": versions(),
        "git": git_commit(),
        "started": _now(),
        "finished": None,
        "status": "running",
        "counts": {},
        "sessions": [],
    }


def count_runs(out: Path, experiment: Experiment) -> dict[str, int]:
    """How many runs are finished, ok and failed, read part by part from the results."""
    finished = ok = 0
    for _, path in store.iter_parts(out, store.RESULTS):
        statuses = pq.read_table(path, columns=["status"]).column("status").to_pylist()
        finished += len(statuses)
        ok += statuses.count("ok")
    return {"total": experiment.total, "finished": finished, "ok": ok, "failed": finished - ok}


def versions() -> dict[str, str | None]:
    """Python's and the relevant packages' versions."""
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def git_commit() -> dict[str, Any]:
    """The commit of the code that runs, and whether tracked files were changed since."""
    repo = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    changes = git("status", "--porcelain", "--untracked-files=no") if commit else None
    return {"commit": commit, "dirty": bool(changes) if changes is not None else None}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
