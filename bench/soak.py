"""Soak run: a 100-state world with war for 20,000 steps, invariants checked every 100 steps.

Prints elapsed time, resident memory at checkpoints (it must not grow beyond the recorded per-step
data), and whether any invariant broke. Run: `python bench/soak.py [steps]`.
"""

from __future__ import annotations

import resource
import sys
import time

from model import BalanceOfPowerModel
from model.invariants import check


def rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(steps: int = 20_000) -> None:
    model = BalanceOfPowerModel(rng=2026, n_states=100, war=True, record_states=False)
    start = time.perf_counter()
    checkpoints = {steps // 4 * k for k in range(1, 5)}
    print(f"{'step':>7} {'seconds':>8} {'peak RSS MiB':>13} {'alive':>6} {'alliances':>9} {'wars':>6}")
    for _ in range(steps):
        if not model.running:
            print(f"run ended at step {model.steps}: {model.summary()['equilibrium']}")
            break
        model.step()
        if model.steps % 100 == 0:
            check(model)  # raises InvariantError with step, state and rule
        if model.steps in checkpoints:
            s = model.summary()
            print(
                f"{model.steps:>7} {time.perf_counter() - start:>8.1f} {rss_mib():>13.1f}"
                f" {s['states_alive']:>6} {s['alliances']:>9} {s['wars']:>6}"
            )
    recorded = model.model_frame().memory_usage(deep=True).sum() / 2**20
    print(f"per-step data recorded: {recorded:.1f} MiB; no invariant broke in {model.steps} steps")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
