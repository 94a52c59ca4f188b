"""Milliseconds per step for worlds of 10 to 500 states, and how the cost grows with N.

Run: `make bench` (or `python bench/step_speed.py`). Target: 1,000 steps of a 200-state world in
under 3 s on a 2-core machine, and cost per step growing no faster than about N^2.
"""

from __future__ import annotations

import time

import numpy as np

from model import BalanceOfPowerModel

SIZES = (10, 50, 200, 500)


def ms_per_step(n: int, steps: int, seed: int = 1) -> float:
    """Best of three timings of `steps` steps (after a short warm-up), in ms per step."""
    best = np.inf
    for rep in range(3):
        model = BalanceOfPowerModel(rng=seed + rep, n_states=n)
        for _ in range(5):
            model.step()
        start = time.perf_counter()
        for _ in range(steps):
            model.step()
        best = min(best, (time.perf_counter() - start) / steps * 1000)
    return best


def main() -> None:
    print(f"{'states':>7} {'ms/step':>9}")
    timings = {}
    for n in SIZES:
        timings[n] = ms_per_step(n, steps=300 if n <= 200 else 100)
        print(f"{n:>7} {timings[n]:>9.3f}")
    big = [n for n in SIZES if n >= 50]
    exponent = np.polyfit(np.log(big), np.log([timings[n] for n in big]), 1)[0]
    print(f"cost grows as N^{exponent:.2f} (fit over N = {', '.join(map(str, big))})")

    model = BalanceOfPowerModel(rng=1, n_states=200)
    start = time.perf_counter()
    for _ in range(1000):
        model.step()
    elapsed = time.perf_counter() - start
    verdict = "meets" if elapsed < 3.0 else "MISSES"
    print(f"200 states x 1,000 steps: {elapsed:.2f} s ({verdict} the 3 s target)")


if __name__ == "__main__":
    main()
