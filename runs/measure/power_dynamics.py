"""Power dynamics of the model against the targets of the growth-process issue (docs/calibration.md).

    python runs/measure/power_dynamics.py [--seeds 40] [--workers 1]

Prints, with 95% intervals (Wilson for shares, Student t for means, paired by seed for differences):
1. 8-state random worlds, war off, 200 years: sd of 20-year log-share changes (target 0.25-0.55),
   persistence r of 20-year share growth (target < 0.5), runs whose largest share is ≤ 0.5 at year 200
   (target ≥ 95%);
2. 20-state worlds, war on: runs in which extrapolating each state's first 20 years names the year-200
   leader (target ≤ 0.6);
3. war off, all-balance vs all-bandwagon worlds paired by seed: runs in which s_max, survival or the
   essential survivors differ (target: some);
4. hegemony at year 200 (b_max > 0.5; single state s_max > 0.5), balance vs bandwagon, war off/on,
   N = 10 and 40, before (v1: growth_process=fixed, arming off) and after (the defaults).
Each world is the same for a seed before and after (the random world draws the same numbers).
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
from scipy import stats

from model import BalanceOfPowerModel

STEPS = 200
VERSIONS = {"before": {"growth_process": "fixed", "arming": False}, "after": {}}
CONTROL = {"ou, no arming": {"arming": False}}  # part 3 only: which mechanism makes peace matter


def run(task: tuple[str, int, dict[str, Any]]) -> dict[str, Any]:
    """One run; returns its end-of-run outcomes and the per-state log powers at every step."""
    version, seed, params = task
    m = BalanceOfPowerModel(rng=seed, **(VERSIONS | CONTROL)[version], **params)
    for _ in range(STEPS):
        if not m.running:
            break
        m.step()
    power = np.array([p for p, _, _ in m.state_history])
    alive = np.array([a for _, _, a in m.state_history])
    s = m.summary()
    return {
        "version": version,
        "seed": seed,
        **params,
        "log_power": np.log(np.where(alive, power, np.nan)),
        "s_max": s["s_max"],
        "b_max": s["b_max"],
        "states_alive": s["states_alive"],
        "essential_survivors": s["essential_survivors"],
        "equilibrium": s["equilibrium"],
        "arming": float(np.mean(m.arming[m.alive])),
    }


def wilson(hits: int, n: int) -> str:
    ci = stats.binomtest(hits, n).proportion_ci(0.95, method="wilson")
    return f"{hits / n:.2f} [{ci.low:.2f}, {ci.high:.2f}]"


def mean_ci(values: np.ndarray) -> str:
    values = np.asarray(values, dtype=float)
    m, se = values.mean(), values.std(ddof=1) / np.sqrt(len(values))
    h = stats.t.ppf(0.975, len(values) - 1) * se
    return (
        f"{m:+.3f} [{m - h:+.3f}, {m + h:+.3f}]"
        if m < 0 or values.min() < 0
        else f"{m:.3f} [{m - h:.3f}, {m + h:.3f}]"
    )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def share_moments(log_power: np.ndarray, k: int = 20) -> tuple[float, float]:
    """sd of k-year log-share changes and persistence r (next k years on the last k), pooled over the
    run's states and start years; shares over the living states."""
    p = np.exp(log_power)
    ls = np.log(p / np.nansum(p, axis=1, keepdims=True))
    d = (ls[k:] - ls[:-k]).ravel()
    back, ahead = (ls[k:-k] - ls[: -2 * k]).ravel(), (ls[2 * k :] - ls[k:-k]).ravel()
    ok = np.isfinite(back) & np.isfinite(ahead)
    return float(np.nanstd(d, ddof=1)), float(np.corrcoef(back[ok], ahead[ok])[0, 1])


def extrapolation_hits(log_power: np.ndarray, k: int = 20) -> bool:
    """Whether extrapolating each state's first k years' log growth names the final leader."""
    start, early, end = log_power[0], log_power[k], log_power[-1]
    predicted = early + (early - start) * (len(log_power) - 1 - k) / k
    return bool(np.nanargmax(np.where(np.isfinite(predicted), predicted, -np.inf)) == np.nanargmax(end))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, default=40, help="seeds per cell of the hegemony grid (part 4)")
    parser.add_argument("--moment-seeds", type=int, default=100, help="seeds of parts 1 and 2")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    small = [
        (v, s, {"n_states": 8, "strategy_mix": "balance:0.5,bandwagon:0.2,buckpass:0.2,hedge:0.1"})
        for v in VERSIONS
        for s in range(args.moment_seeds)
    ]
    leader = [(v, s, {"n_states": 20, "war": True}) for v in VERSIONS for s in range(args.moment_seeds)]
    grid = [
        (v, s, {"n_states": n, "strategy": strategy, "war": war})
        for v in VERSIONS
        for n in (10, 40)
        for war in (False, True)
        for strategy in ("balance", "bandwagon")
        for s in range(args.seeds)
    ] + [
        (v, s, {"n_states": n, "strategy": strategy, "war": False})
        for v in CONTROL
        for n in (10, 40)
        for strategy in ("balance", "bandwagon")
        for s in range(args.seeds)
    ]
    with ProcessPoolExecutor(args.workers) as pool:
        small_runs = list(pool.map(run, small, chunksize=8))
        leader_runs = list(pool.map(run, leader, chunksize=4))
        grid_runs = list(pool.map(run, grid, chunksize=4))

    print(
        f"Power dynamics, {STEPS} years. before = growth_process=fixed, arming off (v1); after = defaults.\n"
    )
    print(f"1. 8-state random worlds (default strategy mix), war off, {args.moment_seeds} seeds")
    for version in VERSIONS:
        runs = [r for r in small_runs if r["version"] == version]
        moments = np.array([share_moments(r["log_power"]) for r in runs])
        below = sum(r["s_max"] <= 0.5 for r in runs)
        always = sum(
            np.nanmax(np.exp(r["log_power"]) / np.nansum(np.exp(r["log_power"]), 1, keepdims=True)) <= 0.5
            for r in runs
        )
        sd, r = moments.mean(0)
        print(
            f"   {version:6}  sd of 20-year log-share change {mean_ci(moments[:, 0])}"
            f"  target 0.25-0.55: {verdict(0.25 <= sd <= 0.55)}"
        )
        print(f"   {'':6}  persistence r (20 y)           {mean_ci(moments[:, 1])}", end="")
        print(f"  target < 0.5: {verdict(r < 0.5)}")
        print(
            f"   {'':6}  runs with s_max <= 0.5 at year {STEPS}: {wilson(below, len(runs))}"
            f"  target >= 0.95: {verdict(below / len(runs) >= 0.95)}"
            f"   (in every year 0-{STEPS}: {wilson(always, len(runs))})"
        )

    print(
        f"\n2. 20-state worlds, war on, {args.moment_seeds} seeds: "
        f"the first 20 years' extrapolation names the year-{STEPS} leader"
    )
    for version in VERSIONS:
        runs = [r for r in leader_runs if r["version"] == version]
        hits = sum(extrapolation_hits(r["log_power"]) for r in runs)
        print(f"   {version:6}  {wilson(hits, len(runs))}  target <= 0.6: {verdict(hits / len(runs) <= 0.6)}")

    def cell(version: str, n: int, war: bool, strategy: str) -> list[dict[str, Any]]:
        rows = [
            r
            for r in grid_runs
            if (r["version"], r["n_states"], r["war"], r["strategy"]) == (version, n, war, strategy)
        ]
        return sorted(rows, key=lambda r: r["seed"])

    print(
        f"\n3. war off, all-balance vs all-bandwagon paired by seed ({args.seeds} seeds): some power outcome "
        "(s_max, states alive, essential survivors) differs"
    )
    for version in (*VERSIONS, *CONTROL):
        for n in (10, 40):
            pairs = list(
                zip(cell(version, n, False, "balance"), cell(version, n, False, "bandwagon"), strict=True)
            )
            differ = sum(
                abs(a["s_max"] - b["s_max"]) > 1e-12
                or a["states_alive"] != b["states_alive"]
                or a["essential_survivors"] != b["essential_survivors"]
                for a, b in pairs
            )
            gap = np.array([abs(a["s_max"] - b["s_max"]) for a, b in pairs])
            target = f"target > 0: {verdict(differ > 0)}" if version in VERSIONS else "(control)"
            print(
                f"   {version:13}  N = {n:2}: {wilson(differ, args.seeds)}  {target:18}"
                f"  mean |s_max(balance) − s_max(bandwagon)| {mean_ci(gap)}"
            )

    print(
        f"\n4. hegemony at year {STEPS} ({args.seeds} seeds a cell): share of runs, "
        "and balance − bandwagon paired by seed"
    )
    for measure, label in (("b_max", "b_max > 0.5 (state or bloc)"), ("s_max", "s_max > 0.5 (single state)")):
        print(f"   {label}")
        print(f"   {'':6}  {'N':>3} {'war':5} {'balance':<20}{'bandwagon':<20}{'balance − bandwagon':<26}")
        for version in VERSIONS:
            for n in (10, 40):
                for war in (False, True):
                    bal = np.array([r[measure] > 0.5 for r in cell(version, n, war, "balance")])
                    band = np.array([r[measure] > 0.5 for r in cell(version, n, war, "bandwagon")])
                    diff = (
                        mean_ci(bal.astype(float) - band) if (bal != band).any() else "0 (same in every seed)"
                    )
                    shares = f"{wilson(int(bal.sum()), len(bal)):<20}{wilson(int(band.sum()), len(band)):<20}"
                    print(f"   {version:6}  {n:>3} {'on' if war else 'off':5} {shares}{diff}")
        print(f"   after − before, paired by seed and cell ({measure} > 0.5):")
        for strategy in ("balance", "bandwagon"):
            for war in (False, True):
                for n in (10, 40):
                    before = np.array(
                        [r[measure] > 0.5 for r in cell("before", n, war, strategy)], dtype=float
                    )
                    after = np.array([r[measure] > 0.5 for r in cell("after", n, war, strategy)], dtype=float)
                    print(
                        f"   {strategy:9} N = {n:2} war {'on ' if war else 'off'}: {mean_ci(after - before)}"
                    )

    print("\n   equilibrium label at year 200, share 'not_converged' (all grid runs of a version):")
    for version in VERSIONS:
        runs = [r for r in grid_runs if r["version"] == version]
        print(f"   {version:6}  {wilson(sum(r['equilibrium'] == 'not_converged' for r in runs), len(runs))}")
    print("   (the convergence judge's dynamic_band on CON is narrower than the calibrated process's swings)")
    arming = [r["arming"] for r in grid_runs if r["version"] == "after"]
    print(f"   mean military effort a at year 200 (after): {mean_ci(np.array(arming))}")


if __name__ == "__main__":
    main()
