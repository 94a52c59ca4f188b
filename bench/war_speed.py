"""Milliseconds per step with war on, against war off, for 50 and 200 states; and the war phase alone.

Run: `python bench/war_speed.py`. Wars eliminate states, which makes later steps cheaper, so the
figures are given both for the first 50 steps (all states alive) and for a 300-step run.
"""

from __future__ import annotations

import time

import numpy as np

from model import BalanceOfPowerModel
from model.conflict import WarYear

SIZES = (50, 200)


def timed_run(n: int, steps: int, war: bool, seed: int) -> tuple[float, float, BalanceOfPowerModel]:
    """(ms per step, ms per step spent in the war phase, the model) for one run from step 0."""
    model = BalanceOfPowerModel(rng=seed, n_states=n, war=war, war_rate=0.2)
    in_war = 0.0
    if model.conflict is not None:
        phase = model.conflict.step

        def timed_phase() -> WarYear:
            nonlocal in_war
            start = time.perf_counter()
            year = phase()
            in_war += time.perf_counter() - start
            return year

        model.conflict.step = timed_phase  # type: ignore[method-assign]
    start = time.perf_counter()
    for _ in range(steps):
        model.step()
    elapsed = time.perf_counter() - start
    return elapsed / steps * 1000, in_war / steps * 1000, model


def best_of(n: int, steps: int, war: bool) -> tuple[float, float, BalanceOfPowerModel]:
    """Best of three seeds' timings (the model of the last)."""
    runs = [timed_run(n, steps, war, seed) for seed in (1, 2, 3)]
    return min(r[0] for r in runs), min(r[1] for r in runs), runs[-1][2]


def main() -> None:
    print(
        f"{'states':>7} {'steps':>6} {'war off':>9} {'war on':>9} {'war phase':>10} {'wars':>6} {'alive':>6}"
    )
    for n in SIZES:
        for steps in (50, 300):
            off, _, _ = best_of(n, steps, war=False)
            on, phase, model = best_of(n, steps, war=True)
            alive = int(np.sum(model.alive))
            print(
                f"{n:>7} {steps:>6} {off:>8.2f}ms {on:>8.2f}ms {phase:>9.3f}ms"
                f" {model.wars_total:>6} {alive:>6}"
            )
    print("(ms per step, best of 3 seeds; war_rate 0.2; wars and states alive from the last seed)")


if __name__ == "__main__":
    main()
