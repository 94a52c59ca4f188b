"""CPU milliseconds per step for worlds of 20 to 2,000 states (5,000 with --big), how the cost grows
with N, 200 states x 1,000 steps, and the ratio to Mesa's own `alliance_formation` example (it ships
with Mesa, under mesa/examples/advanced/) at 50 and 200 agents, measured side by side in this run.

Run: `make bench` (or `python bench/step_speed.py [--big]`). Targets (issue 19): 200 states x 1,000
steps <= 1.0 s of stepping; 20 states <= 0.25 ms a step; cost growing as N^<=2 from 500 to 5,000; at
least 40x the Mesa example's stepping speed at 200 agents. Times are CPU seconds of this process
(time.process_time), best of interleaved repeats, so a shared machine's other load counts less; the
load average is printed with each figure.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from model import BalanceOfPowerModel


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def ms_per_step(n: int, steps: int, seed: int = 1, repeats: int = 3) -> float:
    """Best of `repeats` CPU timings of `steps` steps (after a short warm-up), in ms per step."""
    best = np.inf
    for rep in range(repeats):
        model = BalanceOfPowerModel(rng=seed + rep, n_states=n)
        for _ in range(3):
            model.step()
        start = time.process_time()
        for _ in range(steps):
            model.step()
        best = min(best, (time.process_time() - start) / steps * 1000)
    return best


def mesa_ms_per_step(n: int, steps: int, seed: int = 1) -> float:
    """CPU ms per step of Mesa's alliance_formation example with `n` agents (its first `steps` steps)."""
    from mesa.examples.advanced.alliance_formation.model import MultiLevelAllianceModel

    model = MultiLevelAllianceModel(n=n, rng=seed)
    start = time.process_time()
    for _ in range(steps):
        model.step()
    return (time.process_time() - start) / steps * 1000


def mesa_ratio(n: int, pairs: int = 3) -> None:
    """The Mesa example's ms/step over ours at n agents/states, in interleaved pairs (median ratio)."""
    ratios, ours, theirs = [], [], []
    for pair in range(pairs):
        mesa_ms = mesa_ms_per_step(n, steps=10, seed=pair + 1)
        our_ms = ms_per_step(n, steps=100, seed=pair + 1, repeats=1)
        ratios.append(mesa_ms / our_ms)
        ours.append(our_ms)
        theirs.append(mesa_ms)
    ratio = float(np.median(ratios))
    verdict = "" if n != 200 else (" (meets the 40x target)" if ratio >= 40 else " (MISSES the 40x target)")
    print(
        f"{n:>4} agents: Mesa alliance_formation {np.median(theirs):7.2f} ms/step, this model "
        f"{np.median(ours):6.2f} ms/step: {ratio:5.1f}x its speed{verdict}   "
        f"(pairs {', '.join(f'{r:.1f}' for r in ratios)}; {load()})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="also 5,000 states (about 2 GB of memory)")
    args = parser.parse_args()
    sizes = (20, 50, 200, 500, 1000, 2000) + ((5000,) if args.big else ())
    print(f"{'states':>7} {'ms/step':>9}   ({load()})")
    timings = {}
    for n in sizes:
        steps = 300 if n <= 200 else 30 if n <= 1000 else 5
        timings[n] = ms_per_step(n, steps=steps, repeats=3 if n <= 1000 else 1)
        print(f"{n:>7} {timings[n]:>9.3f}   ({load()})")
    verdict = "meets" if timings[20] <= 0.25 else "MISSES"
    print(f"20 states: {timings[20]:.3f} ms/step ({verdict} the 0.25 ms target)")
    big = [n for n in sizes if n >= 500]
    exponent = np.polyfit(np.log(big), np.log([timings[n] for n in big]), 1)[0]
    verdict = "meets" if exponent <= 2.0 else "MISSES"
    print(f"cost grows as N^{exponent:.2f} over N = {', '.join(map(str, big))} ({verdict} the N^2 target)")

    model = BalanceOfPowerModel(rng=1, n_states=200)
    start = time.process_time()
    for _ in range(1000):
        model.step()
    elapsed = time.process_time() - start
    verdict = "meets" if elapsed <= 1.0 else "MISSES"
    print(f"200 states x 1,000 steps: {elapsed:.2f} s CPU ({verdict} the 1.0 s target; {load()})")
    for n in (50, 200):
        mesa_ratio(n)


if __name__ == "__main__":
    main()
