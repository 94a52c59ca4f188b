"""Coverage of the calibration's 95% intervals on synthetic panels with known κ and σ (docs/calibration.md).

    python runs/measure/calibration_coverage.py [--panels 1000] [--replicates 200]

Each panel is a closed world of 8 states over 201 years (the data's shape) simulated from the
calibrated process; the estimator and both bootstraps of `model.scenarios.calibration` run on it as on the NMC
data. Prints the share of panels whose interval holds the truth (Wilson 95% intervals) for the
parametric bootstrap (bias-corrected percentiles, the reported interval; plain percentiles beside it)
and the bootstrap over states, and the estimator's bias (Student t).
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy import stats

from model.params import PARAMS
from model.scenarios import calibration
from model.scenarios.calibration import Panel

NAMES = ("growth_reversion", "growth_volatility")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--panels", type=int, default=1000)
    parser.add_argument("--replicates", type=int, default=200)
    args = parser.parse_args()
    truth = np.array([PARAMS[name].default for name in NAMES])
    rng = np.random.default_rng(2024)
    kinds = ("parametric, bias-corrected", "parametric, percentile", "over states, percentile")
    hits = np.zeros((len(kinds), 2))
    estimates = []
    for _ in range(args.panels):
        path = calibration.simulated_panels(truth[0], truth[1], 8, 201, 1, rng)[0]
        panel = Panel(np.arange(1816, 2017), np.arange(8), path, 8)
        value = np.array(calibration.estimate(panel))
        estimates.append(value)
        refits, _ = calibration.parametric_bootstrap(value[0], value[1], 8, 201, args.replicates, rng)
        cluster, _ = calibration.state_bootstrap(panel, args.replicates, rng)
        for j in range(2):
            intervals = (
                calibration.bias_corrected(value[j], refits[:, j]),
                np.percentile(refits[:, j], [2.5, 97.5]),
                np.percentile(cluster[:, j], [2.5, 97.5]),
            )
            for i, (lo, hi) in enumerate(intervals):
                hits[i, j] += lo <= truth[j] <= hi
    print(
        f"{args.panels} synthetic panels (8 states, 201 years), truth κ = {truth[0]}, σ = {truth[1]}; "
        f"{args.replicates} bootstrap replicates each\n"
    )
    for i, kind in enumerate(kinds):
        for j, name in enumerate(NAMES):
            ci = stats.binomtest(int(hits[i, j]), args.panels).proportion_ci(0.95, method="wilson")
            print(
                f"coverage of the 95% interval ({kind:27}) for {name:17}: {hits[i, j] / args.panels:.3f} "
                f"[{ci.low:.3f}, {ci.high:.3f}]"
            )
    est = np.array(estimates)
    for j, name in enumerate(NAMES):
        mean, se = est[:, j].mean(), est[:, j].std(ddof=1) / np.sqrt(len(est))
        h = stats.t.ppf(0.975, len(est) - 1) * se
        print(
            f"mean estimate of {name:17}: {mean:.4f} [{mean - h:.4f}, {mean + h:.4f}] "
            f"(median {np.median(est[:, j]):.4f}; truth {truth[j]})"
        )


if __name__ == "__main__":
    main()
