"""Running an experiment: every missing run on an executor, in batches, each batch made durable as a
whole before its runs count as done.

The executor is any `concurrent.futures.Executor`: this process (1 worker), a local process pool,
or a Dask cluster (`Client(...).get_executor()`). Each task is a batch of runs (`batch_size`) that
the worker runs and writes itself, one atomic part per dataset (on a remote Dask cluster, whose workers
may not see the folder, the sweep process writes it). Only a bounded number of batches is in flight,
so the sweep's memory stays flat however many runs it has.
The output folder is locked for the sweep's life; Ctrl-C and SIGTERM stop it cleanly; pool workers
end with the sweep however it ends (docs/experiments.md, "Nothing is lost").
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import itertools
import json
import multiprocessing
import os
import platform
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from bop.experiments import store
from bop.experiments.experiment import Experiment, RunSpec, load_experiment
from bop.experiments.progress import meter
from bop.experiments.runner import RunOutput, run_one, worker_init
from model.params import shown

BATCHES_PER_SLOT = 32  # batches a sweep's runs are cut into per parallel slot (durability vs files)
MAX_BATCH = 256  # runs in one batch at most: a kill loses at most this many runs per slot
PACKAGES = ("balance-of-power", "mesa", "numpy", "pandas", "pyarrow", "tqdm", "dask", "distributed")


class SweepError(store.FolderError):
    """The sweep cannot start or go on; the message says why and what to do."""


class Stopped(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped the sweep; its finished runs are saved and the manifest says so."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@dataclass
class SweepResult:
    """What one `run_sweep` call did."""

    total: int
    skipped: int  # already finished before this call (resume)
    ran: int
    failed: int  # failed runs among those this call ran
    seconds: float
    executor: str
    merged: store.Compaction | None = None  # what the final compaction did (None: parts kept)
    batch: int = 1  # runs per batch (one part per dataset each)


def batch_size(runs: int, slots: int) -> int:
    """Runs per batch: about BATCHES_PER_SLOT batches per slot, at most MAX_BATCH runs, at least 1. A
    sweep of a few hundred runs keeps one part per run; 10,000 tiny runs on 2 workers make 64 batches."""
    return max(1, min(MAX_BATCH, -(-runs // (BATCHES_PER_SLOT * slots))))


def run_batch(specs: list[RunSpec], out: str | None) -> tuple[list[RunOutput], str | None]:
    """Run a batch (in a worker) and, given the sweep's folder, write it there, one atomic part per
    dataset; return the outputs (only their rows once written) and the reason a write failed, if one did
    (a full disk: the batch is not done)."""
    outputs = [run_one(spec) for spec in specs]
    if out is None:
        return outputs, None
    try:
        store.write_batch(Path(out), outputs)
    except OSError as err:
        return [], str(err.strerror or err)
    return [RunOutput(o.row) for o in outputs], None


class InlineExecutor(cf.Executor):
    """Runs each task in this process as it is submitted (one worker, easiest to debug)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as err:
            future.set_exception(err)
        return future


class Signals:
    """SIGINT and SIGTERM raise Stopped in the sweep's thread, but never while a part or the manifest is
    being written: a signal that arrives then is held until the write is done."""

    def __init__(self) -> None:
        self.holding = 0
        self.pending: int | None = None

    def _handle(self, signum: int, frame: Any) -> None:
        if self.holding:
            self.pending = self.pending or signum
        else:
            raise Stopped(signum)

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        """Handle both signals for the duration (only the main thread may set handlers)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self._handle) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Hold signals while the block runs; raise Stopped for one that arrived, once it is done."""
        self.holding += 1
        try:
            yield
        finally:
            self.holding -= 1
        if not self.holding and self.pending is not None:
            signum, self.pending = self.pending, None
            raise Stopped(signum)


def note(message: str) -> None:
    """Tell the user something the sweep did on its own (a stale lock taken over, parts quarantined)."""
    print(f"bop: note: {message}", file=sys.stderr, flush=True)


def check_scheduler(address: str) -> None:
    """Refuse an address Dask cannot parse (tcp://host:port) before any connection is tried."""
    from distributed.comm import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        if scheme not in ("tcp", "tls"):
            raise ValueError(f"scheme {scheme}:// (tcp:// or tls:// are the ones a cluster listens on)")
        parse_host_port(location)
    except (ValueError, TypeError) as err:
        raise SweepError(
            f"--scheduler: {shown(address)} is not a Dask scheduler address ({err}); expected tcp://host:port"
        ) from None


@contextlib.contextmanager
def open_executor(
    workers: int, scheduler: str | None = None, local_cluster: bool = False
) -> Iterator[tuple[cf.Executor, int, str]]:
    """Yield (executor, number of parallel slots, description) and shut it down afterwards."""
    if scheduler or local_cluster:
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError:
            raise SweepError("Dask is not installed: pip install 'balance-of-power[dask]'") from None
        with contextlib.ExitStack() as stack:
            if local_cluster:
                # No dashboard: the scheduler's HTTP server cannot be switched off, so it listens on a
                # free port of 127.0.0.1 and serves no route (the default serves cluster details on :8787).
                stack.enter_context(
                    dask.config.set(
                        {"distributed.scheduler.http.routes": [], "distributed.worker.http.routes": []}
                    )
                )
                cluster = stack.enter_context(
                    LocalCluster(
                        n_workers=workers,
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",
                        dashboard_address=None,
                        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                    )
                )
                client = stack.enter_context(Client(cluster))
                where = f"dask LocalCluster ({workers} workers)"
            else:
                assert scheduler is not None
                check_scheduler(scheduler)
                try:
                    client = stack.enter_context(Client(scheduler, timeout="30s"))
                except (OSError, ValueError) as err:
                    raise SweepError(
                        f"--scheduler: cannot reach the Dask scheduler at {scheduler}: {err}"
                    ) from None
                where = f"dask {scheduler}"
            slots = max(1, sum(client.nthreads().values()))
            yield client.get_executor(pure=False), slots, where
    elif workers == 1:
        yield InlineExecutor(), 1, "this process"
    else:
        # forkserver: workers start from a clean process that has imported the model once.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["bop.experiments.runner", "bop.experiments.sweep"])
        with cf.ProcessPoolExecutor(
            workers, mp_context=context, initializer=worker_init, initargs=(os.getpid(),)
        ) as pool:
            try:
                yield pool, workers, f"process pool ({workers} workers)"
            except BaseException:
                # Stopped or failed: do not wait for the runs in flight (they would be thrown away).
                stop_workers(pool)
                raise


def stop_workers(executor: Any) -> None:
    """End a process pool's workers now, before the manifest counts the finished runs: a worker writes
    its own parts, and one still running would add a run after the count. (A part is written to a
    temporary and renamed, so a worker ended mid-write leaves a temporary, never half a part.)"""
    if not isinstance(executor, cf.ProcessPoolExecutor):
        return
    processes = list((executor._processes or {}).values())
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)


def run_sweep(
    experiment: Experiment,
    out: Path,
    *,
    text: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    local_cluster: bool = False,
    resume: bool = False,
    progress: bool | None = None,
    allow_version_change: bool = False,
    force: bool = False,
    compact: bool = True,
    say: Callable[[str], None] = note,
    batch: int | None = None,
) -> SweepResult:
    """Run every run of `experiment` not yet in `out`, holding the folder's lock throughout.

    `text` is the experiment file kept in the manifest (default: the text it was read from). Ctrl-C and
    SIGTERM end the sweep with Stopped once the manifest says so; a folder problem is a SweepError.
    `force` moves a sweep already in `out` aside (to `out.old-<time>`) and starts afresh; `compact`
    merges the parts into one file per dataset at the end (False keeps them, as sweeps before did);
    `batch` sets the runs per batch (default: `batch_size`).
    """
    if force and resume:
        raise SweepError("--force and --resume exclude each other: --force starts the sweep again")
    with holding(out, say, force):
        return _run_locked(
            experiment,
            out,
            experiment.text if text is None else text,
            workers or os.cpu_count() or 1,
            scheduler,
            local_cluster,
            resume,
            progress,
            allow_version_change,
            say,
            compact,
            batch,
        )


@contextlib.contextmanager
def holding(out: Path, say: Callable[[str], None], force: bool = False) -> Iterator[None]:
    """Hold the folder's lock; say so when it takes over one a killed sweep left.

    With `force`, a folder holding a sweep is moved aside once its lock is held (so no running sweep
    loses its folder), and a fresh folder is locked in its place.
    """
    with store.FolderLock(out) as lock:
        if lock.stale:
            say(f"took over the lock of {out} left by a sweep that is gone ({lock.stale})")
        if force and (out / store.MANIFEST).exists():
            aside = store.move_aside(lock)
            say(f"moved the sweep that was in {out} to {aside} (--force)")
        elif force and not store.holds_only_leftovers(out):
            raise SweepError(
                f"{out} is not empty and holds no sweep (_manifest.json): --force moves only a sweep aside; "
                "choose another --out"
            )
        else:
            yield
            return
        with holding(out, say):
            yield


def _run_locked(
    experiment: Experiment,
    out: Path,
    text: str,
    workers: int,
    scheduler: str | None,
    local_cluster: bool,
    resume: bool,
    progress: bool | None,
    allow_version_change: bool,
    say: Callable[[str], None],
    compact: bool = True,
    batch: int | None = None,
) -> SweepResult:
    manifest = prepare(experiment, out, text, resume, allow_version_change, say)
    finished = store.finished_runs(out)
    todo = (spec for spec in experiment.runs() if spec.run not in finished)
    runs_left = experiment.total - len(finished)
    start = time.perf_counter()
    signals = Signals()
    merged: store.Compaction | None = None
    with signals.installed():
        # The executor opens first: a wrong scheduler address leaves no half-started sweep behind.
        with open_executor(workers, scheduler, local_cluster) as (executor, slots, where):
            batch = batch_size(runs_left, slots) if batch is None else batch
            session: dict[str, Any] = {
                "started": _now(),
                "executor": where,
                "commit": git_commit()["commit"],
                "batch": batch,
            }
            if manifest["versions"] != (now := versions()):
                session["versions"] = now  # allowed by --allow-version-change, and recorded
            manifest["sessions"].append(session)
            manifest["status"] = "running"
            with signals.held():
                _save_manifest(out, manifest)
            ran = failed = 0
            status = "interrupted"
            full: SweepError | None = (
                None  # a write that failed (a full disk): raised once the manifest is saved
            )
            try:
                with meter(progress, experiment.name, experiment.total, len(finished)) as bar:
                    # workers write their own batches, unless they may not see the folder (a cluster)
                    writer = None if scheduler else out
                    for chunk, outputs, error in execute(executor, todo, slots, batch, writer):
                        if error is None and writer is None:
                            with signals.held():
                                try:
                                    store.write_batch(out, outputs)
                                except OSError as err:
                                    error = str(err.strerror or err)
                        if error is not None:
                            full = SweepError(
                                f"cannot write run {chunk[0].run} to {out}: {error}; "
                                "the finished runs are saved: make room, then finish with --resume"
                            )
                            break
                        ran += len(outputs)
                        failed += sum(o.row["status"] != "ok" for o in outputs)
                        bar.update(len(outputs))
                status = "complete" if full is None else "interrupted"
            except Stopped as stop:
                session["stopped_by"] = signal.Signals(stop.signum).name
                raise
            finally:
                if status != "complete":
                    stop_workers(executor)
                session.update(finished=_now(), ran=ran, failed=failed)
                manifest.update(
                    status=status, finished=session["finished"], counts=count_runs(out, experiment)
                )
                with signals.held():
                    try:
                        store.write_manifest(out, manifest)
                    except OSError as err:  # the runs are saved; only the record of this session is not
                        if full is None:
                            reason = err.strerror or err
                            say(f"could not update the manifest of {out} ({reason}); runs are saved")
            if full is not None:
                raise full
        if compact:  # every run is done: one file per dataset, once the workers are gone
            merged = merge_parts(out, say)
    seconds = time.perf_counter() - start
    return SweepResult(experiment.total, len(finished), ran, failed, seconds, where, merged, batch)


def merge_parts(out: Path, say: Callable[[str], None] = note) -> store.Compaction | None:
    """Compact the folder's parts (its lock held); a failure keeps the parts, which read as they are."""
    try:
        return store.compact(out)
    except (OSError, store.FolderError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        say(
            f"could not compact the parts of {out} ({reason}); they are kept and read as they are: "
            f"bop merge {out} compacts them later"
        )
        return None


def _save_manifest(out: Path, manifest: dict[str, Any]) -> None:
    try:
        store.write_manifest(out, manifest)
    except OSError as err:
        raise SweepError(f"cannot write to {out}: {err.strerror or err}") from None


def ensure_sweep(
    experiment: str | Path,
    out: str | Path | None = None,
    workers: int | None = None,
    allow_version_change: bool = False,
) -> Path:
    """The sweep folder of an experiment file, running (or finishing) the sweep first if needed.

    `out` defaults to out/<name> beside the experiment file, as for `bop sweep`. A complete sweep is read
    as it is (even from a folder one cannot write to); otherwise the folder's lock is taken before its
    manifest is read again, so two notebooks never run the same sweep at once.
    """
    path = Path(experiment)
    exp = load_experiment(path)
    folder = Path(out) if out is not None else path.parent / "out" / exp.name
    manifest = store.read_manifest(folder)
    if manifest is not None and manifest["status"] == "complete":
        return folder
    with holding(folder, note):
        manifest = store.read_manifest(folder)
        if manifest is None or manifest["status"] != "complete":
            _run_locked(
                exp,
                folder,
                exp.text,
                workers or os.cpu_count() or 1,
                None,
                False,
                manifest is not None,
                None,
                allow_version_change,
                note,
            )
    return folder


def execute(
    executor: cf.Executor, specs: Iterator[RunSpec], slots: int, batch: int = 1, out: Path | None = None
) -> Iterator[tuple[list[RunSpec], list[RunOutput], str | None]]:
    """Yield (specs, outputs, write error) batch by batch as they finish, keeping at most two batches per
    slot in flight; with `out`, the workers have written each batch there before it is yielded."""
    limit = 1 if isinstance(executor, InlineExecutor) else 2 * slots
    queue = iter(specs)
    pending: dict[cf.Future, list[RunSpec]] = {}
    folder = None if out is None else str(out)
    try:
        while True:
            while len(pending) < limit and (chunk := list(itertools.islice(queue, batch))):
                pending[executor.submit(run_batch, chunk, folder)] = chunk
            if not pending:
                return
            done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for future in done:
                chunk = pending.pop(future)
                try:
                    outputs, error = future.result()
                except Exception as err:  # run_one records model errors, so this is the executor's
                    raise SweepError(
                        f"the executor lost a run ({type(err).__name__}: {shown(str(err), 200)}); "
                        "finished runs are saved: rerun with --resume"
                    ) from None
                yield chunk, outputs, error
    finally:
        for future in pending:
            future.cancel()


def _scenario_text(experiment: Experiment) -> str | None:
    """The text of the experiment's scenario file, if it uses one (kept to guard --resume)."""
    if not experiment.scenario.endswith(".toml"):
        return None
    try:
        return Path(experiment.scenario).read_text(encoding="utf-8")
    except (OSError, ValueError) as err:
        raise SweepError(f"scenario file {experiment.scenario} cannot be read ({err})") from None


def prepare(
    experiment: Experiment,
    out: Path,
    text: str,
    resume: bool,
    allow_version_change: bool = False,
    say: Callable[[str], None] = note,
) -> dict[str, Any]:
    """Check `out` (whose lock the caller holds) against the experiment; return the manifest to go on with.

    On resume, every part is checked: unreadable ones are moved to _quarantine/ and their runs run again.
    """
    manifest = store.read_manifest(out)
    parsed = json.loads(json.dumps(experiment.to_dict(), default=str))
    if manifest is not None:
        same = manifest["experiment"] == parsed
        if not resume and same:
            done = len(store.finished_runs(out))
            raise SweepError(
                f"{out} already holds a sweep of this experiment ({done} of {manifest['runs']} runs done): "
                "add --resume to finish it, or --force to move it aside and start again"
            )
        if not resume:
            raise SweepError(
                f"{out} already holds a sweep of another experiment "
                f"({shown(manifest['experiment'].get('name'))}): choose another --out, or --force to "
                "move it aside and start this one"
            )
        if not same:
            raise SweepError(
                f"the experiment differs from the one the sweep in {out} was started with: "
                "start it in another --out, or --force to move that sweep aside"
            )
        if manifest.get("scenario_file") != _scenario_text(experiment):
            raise SweepError(
                f"the scenario file {experiment.scenario} changed since the sweep in {out} was started: "
                "start it in another --out"
            )
        check_versions(manifest, out, allow_version_change, say)
        store.remove_temporaries(out)
        store.remove_orphans(out)  # a batch killed between its parts: its runs run again
        broken = store.unreadable_compacted(out)
        if broken:
            moved = store.quarantine_compacted(out)
            say(
                f"{', '.join(broken)} unreadable: the compacted files ({len(moved)}) were moved to "
                f"{out / store.QUARANTINE}/ and their runs run again"
            )
        bad = store.unreadable_parts(out)
        if bad:
            moved = store.quarantine(out, set(bad))
            shown_runs = ", ".join(map(str, sorted(bad)[:10])) + (", ..." if len(bad) > 10 else "")
            say(
                f"{sum(map(len, bad.values()))} unreadable parts found; the {len(moved)} parts of their "
                f"{len(bad)} runs ({shown_runs}) were moved to {out / store.QUARANTINE}/ and run again"
            )
        return manifest
    if out.exists() and not store.holds_only_leftovers(out):
        raise SweepError(f"{out} is not empty and holds no sweep (_manifest.json): choose another --out")
    store.remove_temporaries(out)  # e.g. a 0-byte manifest a full disk or a kill left at the first write
    return {
        "experiment": parsed,
        "experiment_file": text,
        "scenario_file": _scenario_text(experiment),
        "runs": experiment.total,
        "seeds": list(experiment.seeds),
        "points": [{k: params[k] for k in experiment.varied} for params in experiment.points],
        "versions": versions(),
        "git": git_commit(),
        "started": _now(),
        "finished": None,
        "status": "running",
        "counts": {},
        "sessions": [],
    }


def check_versions(
    manifest: dict[str, Any], out: Path, allow_version_change: bool, say: Callable[[str], None]
) -> None:
    """Refuse to mix results of other package versions into a sweep, unless allowed (then say so)."""
    before, now = manifest["versions"], versions()
    changed = [
        f"{k} {before.get(k)} -> {now.get(k)}"
        for k in sorted(set(before) | set(now))
        if before.get(k) != now.get(k)
    ]
    if not changed:
        return
    if not allow_version_change:
        raise SweepError(
            f"the sweep in {out} was started with other versions ({'; '.join(changed)}): its results would "
            "mix them; finish it with those versions, or pass --allow-version-change"
        )
    say(
        f"resuming with other versions than the sweep started with ({'; '.join(changed)}); "
        "the manifest records them"
    )


def count_runs(out: Path, experiment: Experiment) -> dict[str, int]:
    """How many runs are finished, ok and failed, read part by part from the results."""
    statuses: dict[int, str] = {}
    compacted = store.compacted_path(out, store.RESULTS)
    paths = [compacted] if os.path.exists(compacted) else []
    for path in paths + [p for _, p in sorted(store.iter_parts(out, store.RESULTS))]:
        table = pq.read_table(path, columns=["run", "status"])
        for run, status in zip(
            table.column("run").to_pylist(), table.column("status").to_pylist(), strict=True
        ):
            statuses.setdefault(run, status)  # a run both compacted and in a part counts once
    ok = sum(status == "ok" for status in statuses.values())
    return {"total": experiment.total, "finished": len(statuses), "ok": ok, "failed": len(statuses) - ok}


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
