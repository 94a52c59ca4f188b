"""How many replications the Kazakhstan study needs: a pilot of its design, and the sd of the paired
differences vs hedging it shows (runs/kazakhstan-full.toml, issue 17).

The pilot is runs/kazakhstan-full.toml with 10 replications (run into runs/out/kazakhstan-pilot, or read
from there). For each focus outcome it prints the sd of the paired differences (each strategy minus
hedging, replication by replication) over the cells (structure x war x strategy) where the sd is not 0,
and the 95% half-width t(0.975, R − 1)·sd/√R those sd's give with the full file's R replications, and
the R at which the median half-width falls to the smallest difference worth telling apart.

    python runs/measure/kazakhstan_design.py [--pilot 10] [--workers 2]
"""

from __future__ import annotations

import argparse
import math
import tomllib
from pathlib import Path

import numpy as np
from scipy import stats

from bop.analysis.outcomes import FOCUS_OUTCOMES, outcomes
from bop.experiments.experiment import parse_experiment
from bop.experiments.results import load_sweep
from bop.experiments.store import read_manifest
from bop.experiments.sweep import run_sweep

RUNS = Path(__file__).parents[1]
FULL = RUNS / "kazakhstan-full.toml"
# the smallest difference worth telling apart, per outcome (in its own units)
WORTH = {
    "focus_survived": 0.1,
    "focus_security": 0.05,
    "focus_outside_blocs": 0.1,
    "focus_tie_spread": 0.01,
    "focus_wars": 0.25,
    "focus_share": 0.001,
}


def pilot_runs(replications: int, workers: int):
    """The pilot's runs: the full design with `replications` replications (run once, then read)."""
    raw = tomllib.loads(FULL.read_text())
    raw.update(name="kazakhstan-pilot", replications=replications)
    raw["record"] = {"focus": raw["record"]["focus"]}  # the focus columns are all the pilot needs
    out = RUNS / "out" / "kazakhstan-pilot"
    manifest = read_manifest(out)
    if manifest is None or manifest["status"] != "complete":
        run_sweep(parse_experiment(raw, "kazakhstan-pilot", RUNS), out, workers=workers, progress=False)
    return outcomes(load_sweep(out)), tomllib.loads(FULL.read_text())["replications"]


def paired_sds(runs, outcome: str) -> np.ndarray:
    """The sd of each cell's paired differences vs hedging (structure x war x strategy)."""
    sds = []
    for _, cell in runs.groupby(["structure", "war"]):
        y = cell.pivot(index="replication", columns="kazakhstan_strategy", values=outcome).astype(float)
        for strategy in y.columns.drop("hedge"):
            sds.append(float((y[strategy] - y["hedge"]).dropna().std(ddof=1)))
    return np.array(sds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pilot", type=int, default=10, help="replications of the pilot")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    runs, full = pilot_runs(args.pilot, args.workers)
    t_full = stats.t.ppf(0.975, full - 1) / math.sqrt(full)
    print(f"pilot: {len(runs)} runs ({args.pilot} replications per point); the full design has {full}")
    head = ("cells", "sd median", "sd max", "half-width at R", "worth", "R for it")
    print(f"{'outcome':22s} " + " ".join(f"{h:>{max(len(h), 5)}s}" for h in head))
    for name in FOCUS_OUTCOMES:
        sd = paired_sds(runs, name)
        nonzero = sd[sd > 0]
        if not len(nonzero):
            print(f"{name:22s} {0:5d}  (no variation in the pilot)")
            continue
        median = float(np.median(nonzero))
        needed = math.ceil((1.98 * median / WORTH[name]) ** 2)
        print(
            f"{name:22s} {len(nonzero):5d} {median:9.4f} {nonzero.max():6.4f} {t_full * median:15.4f} "
            f"{WORTH[name]:5.3f} {needed:8d}"
        )


if __name__ == "__main__":
    main()
