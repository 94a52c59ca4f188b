"""One run of a sweep, as a worker executes it: a module-level function so any executor can ship it.

The result depends only on the RunSpec (parameters, seed, steps), never on the worker or the order.
A run that raises is returned as a failed row carrying the error, so the sweep goes on.
"""

from __future__ import annotations

import os
import select
import signal
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from bop.analysis.outcomes import focus_measures
from bop.experiments.experiment import PER_STEP, RunSpec
from model.model import BalanceOfPowerModel

TIMING = ("seconds", "cpu_seconds")  # columns that vary between identical runs


@dataclass
class RunOutput:
    """A run's results row and its per-step frames and logs (keyed by dataset name)."""

    row: dict[str, Any]
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)


def worker_init(sweep: int) -> None:
    """Pool worker initializer: Ctrl-C is the sweep's to handle (it saves the manifest and stops), and
    the worker ends as soon as the sweep process `sweep` ends, however it ends (even by SIGKILL)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_end_with, args=(sweep,), name="bop-watchdog", daemon=True).start()


def _end_with(pid: int) -> None:
    """Wait until process `pid` has ended, then end this process.

    A watchdog rather than a parent-death signal: forkserver workers are children of the fork server,
    which outlives a killed sweep because every worker holds its 'alive' pipe open. Linux tells the end
    of a process through a pidfd; elsewhere the pid is polled.
    """
    try:
        if hasattr(os, "pidfd_open"):
            select.select([os.pidfd_open(pid)], [], [])
        else:
            while True:
                os.kill(pid, 0)
                time.sleep(0.5)
    except OSError:  # ProcessLookupError: it had ended already
        pass
    os._exit(1)


def run_one(spec: RunSpec) -> RunOutput:
    """Build the model from the spec's parameters and seed, run it, and collect what is recorded."""
    start, cpu = time.perf_counter(), time.process_time()
    row: dict[str, Any] = {
        "run": spec.run,
        "point": spec.point,
        "replication": spec.replication,
        "seed": spec.seed,
        "status": "ok",
        "error": None,
    }
    frames: dict[str, pd.DataFrame] = {}
    summary: dict[str, Any] = {}
    try:
        model = BalanceOfPowerModel(rng=spec.seed, **spec.params)
        for _ in range(spec.steps):  # the same loop as `bop run`, so a row can be reproduced there
            if not model.running:
                break
            model.step()
        summary = model.summary()
        if spec.record.focus is not None:  # the focus state's fortunes (docs/experiments.md)
            measures = focus_measures(model, spec.record.focus)
            summary.update({f"focus_{k}": v for k, v in measures.items() if k != "state"})
        frames = collect_frames(model, spec)
    except Exception as err:  # a failing run is data: record it and let the sweep go on
        row["status"] = "failed"
        row["error"] = "".join(traceback.format_exception_only(err)).strip()
        summary = {}
    row["seconds"] = time.perf_counter() - start
    row["cpu_seconds"] = time.process_time() - cpu
    row.update(spec.params)
    row.update(summary)
    return RunOutput(row, frames)


def collect_frames(model: BalanceOfPowerModel, spec: RunSpec) -> dict[str, pd.DataFrame]:
    """The recorded frames of a finished run, each tagged with the run; per-step ones thinned."""
    names = (["model"] if spec.record.model else []) + list(spec.record.logs)
    frames = {}
    for name in names:
        frame = getattr(model, f"{name}_frame")()
        if name in PER_STEP and spec.record.every > 1:
            last = frame["step"].max()
            frame = frame[(frame["step"] % spec.record.every == 0) | (frame["step"] == last)]
        frame = frame.reset_index(drop=True)
        frame.insert(0, "replication", spec.replication)
        frame.insert(0, "point", spec.point)
        frame.insert(0, "run", spec.run)
        frames[name] = frame
    return frames
