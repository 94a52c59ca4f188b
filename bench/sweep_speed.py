"""Sweep throughput, files and memory: runs per second of the baseline design with 1 and 2 workers; the
files a 10,000-run sweep of tiny runs writes before compaction and how fast it loads; the parent's peak
memory as the number of runs grows.

Run: `python bench/sweep_speed.py [--replications N] [--tiny-runs N]` (part of `make bench`). Targets
(issue 19): the baseline at least 40 runs/s with 2 workers on a quiet machine, 2 workers at least 1.8x
one; 10,000 runs of 10 states x 20 steps write at most 200 files before compaction and load in at most
0.5 s; the sweep's peak memory flat in the number of runs (results stream to disk). The machine is
shared, so the load average is printed with each figure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from bop.experiments import store
from bop.experiments.experiment import parse_experiment
from bop.experiments.results import load_sweep
from bop.experiments.sweep import run_sweep

BASELINE = Path(__file__).resolve().parent.parent / "runs" / "baseline.toml"

# A child process runs one sweep of many tiny runs and reports its own peak memory.
MEMORY_PROBE = """
import json, resource, sys, tracemalloc
from pathlib import Path
from bop.experiments.experiment import parse_experiment
from bop.experiments.sweep import run_sweep
runs, out = int(sys.argv[1]), Path(sys.argv[2])
experiment = parse_experiment({"steps": 20, "replications": runs // 2, "grid": {"n_states": [6, 8]},
                               "record": {"model": True}})
tracemalloc.start()
run_sweep(experiment, out, workers=2, progress=False)
print(json.dumps({"traced_peak": tracemalloc.get_traced_memory()[1],
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def throughput(replications: int) -> dict[int, float]:
    """Runs per second of the baseline design (with fewer replications) for 1 and 2 workers."""
    raw = tomllib.loads(BASELINE.read_text()) | {"replications": replications}
    experiment = parse_experiment(raw, BASELINE.stem, BASELINE.parent)
    rates = {}
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as folder:
            before, cpu = load(), os.times()
            result = run_sweep(experiment, Path(folder) / "out", workers=workers, progress=False)
            parent = (os.times().user - cpu.user + os.times().system - cpu.system) / result.ran
            runs = load_sweep(Path(folder) / "out")
            rates[workers] = result.ran / result.seconds
            # CPU time vs wall time of a run shows how much it waited for a core others were using
            print(
                f"{workers} worker{'s' if workers > 1 else ' '}: {result.ran} runs in {result.seconds:6.1f} s"
                f" = {rates[workers]:5.2f} runs/s; a run took {runs['cpu_seconds'].mean():.3f} s CPU,"
                f" {runs['seconds'].mean():.3f} s wall; the sweeping process {parent:.3f} s CPU per run"
                f"   ({before} before, {load()} after)"
            )
    return rates


def tiny_sweep(runs: int) -> None:
    """Files written before compaction by a sweep of `runs` 10-state, 20-step runs (per-step measures
    recorded) on 2 workers, and the time to load its results before and after compaction."""
    experiment = parse_experiment(
        {"steps": 20, "replications": runs, "grid": {"n_states": [10]}, "record": {"model": True}}
    )
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        before = load()
        result = run_sweep(experiment, out, workers=2, progress=False, compact=False)
        files = sum(1 for path in out.rglob("*") if path.is_file() and path.name != "_lock")
        timings = {}
        for stage in ("parts", "compacted"):
            if stage == "compacted":
                store.compact(out)
            start = time.perf_counter()
            frame = load_sweep(out)
            timings[stage] = time.perf_counter() - start
            assert len(frame) == runs
        met = "meets" if files <= 200 and timings["parts"] <= 0.5 else "MISSES"
        print(
            f"{runs} tiny runs (10 states x 20 steps, 2 workers, batches of {result.batch}): "
            f"{result.ran / result.seconds:.0f} runs/s; {files} files before compaction; load_sweep "
            f"{timings['parts']:.3f} s from the parts, {timings['compacted']:.3f} s compacted ({met} the "
            f"200-file, 0.5 s target)   ({before} before, {load()} after)"
        )


def memory(sizes: tuple[int, ...]) -> None:
    """Peak memory of the sweeping process (workers excluded) for sweeps of growing size."""
    print(f"{'runs':>6} {'parent max RSS':>15} {'traced Python peak':>19}")
    for runs in sizes:
        with tempfile.TemporaryDirectory() as folder:
            done = subprocess.run(
                [sys.executable, "-c", MEMORY_PROBE, str(runs), str(Path(folder) / "out")],
                capture_output=True,
                text=True,
                check=True,
            )
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{runs:>6} {figures['maxrss_kb'] / 1024:>12.1f} MB {figures['traced_peak'] / 1024:>15.0f} KB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=10, help="replications of the baseline grid")
    parser.add_argument("--tiny-runs", type=int, default=10_000, help="runs of the tiny sweep")
    args = parser.parse_args()
    print(f"baseline design ({BASELINE.name}) with {args.replications} replications per point, {load()}")
    rates = throughput(args.replications)
    speedup = rates[2] / rates[1]
    verdict = "meets" if speedup >= 1.8 else "MISSES"
    print(f"speed-up with 2 workers: {speedup:.2f}x ({verdict} the 1.8x target)")
    verdict = "meets" if rates[2] >= 40 else "MISSES"
    print(f"2 workers: {rates[2]:.1f} runs/s ({verdict} the 40 runs/s target)")
    tiny_sweep(args.tiny_runs)
    memory((50, 400, 1600))


if __name__ == "__main__":
    main()
