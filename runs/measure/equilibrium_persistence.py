"""Do equilibrium verdicts hold up? Of the runs labelled static or dynamic at year 200, the share that
still carry that label at year 400 (target >= 90%), for the trend-testing detector and, on the same
runs, the detector it replaced (docs/ODD.md §7.8).

Random worlds of 20 states, the default strategy mix, war off and on, 40 seeds each; the same seeds
with war off and on (common random numbers). Shares get Wilson 95% intervals (scipy).

    python runs/measure/equilibrium_persistence.py [--seeds 40] [--workers 2] [--set KEY=VALUE ...]

`--set` changes any model parameter (for instance a new power process, or the detector's own
convergence_window, trend_tolerance, trend_alpha, dynamic_band); the old detector always runs with
its own parameters (a 20-step window, |ΔCON| < 0.005 a step for static, CON range <= 0.05 for dynamic).

`--ou-stand-in KAPPA SIGMA` replaces fixed growth by a mean-reverting process on log power,
Δlog p_i = growth_mean − κ (log p_i − mean log p) + σ ε_i (ε standard normal, from the model's rng):
a stand-in for the stochastic power process of issue 12, to see the detector on shares that fluctuate
around a stationary distribution before that process exists. Drop it once the model has its own.
"""

from __future__ import annotations

import argparse
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from model import BalanceOfPowerModel
from model.params import parse_text

EQUILIBRIA = ("static", "dynamic")
OLD_WINDOW, OLD_STATIC_TOLERANCE, OLD_DYNAMIC_BAND = 20, 0.005, 0.05


def old_labels(frame: pd.DataFrame, hegemony_share: float) -> list[str]:
    """The detector before the trend tests, step by step: each step's label is that of the 20-step
    window ending at it (no confirmation), as in model/equilibrium.py up to commit c2a2504."""
    con, b_max = frame["con"].to_numpy(), frame["b_max"].to_numpy()
    events, wars = frame["alliance_events"].to_numpy(), frame["wars"].to_numpy()
    alive, essential = frame["states_alive"].to_numpy(), frame["essential_alive"].to_numpy()
    labels = []
    for t in range(len(frame)):
        w = slice(max(0, t - OLD_WINDOW + 1), t + 1)
        if alive[t] == 1:
            labels.append("universal_empire")
        elif t < OLD_WINDOW - 1:
            labels.append("not_converged")
        elif np.all(b_max[w] > hegemony_share):
            labels.append("hegemony")
        else:
            no_loss = np.all(alive[w] == alive[w][0]) and np.all(essential[w] >= essential[w][0])
            quiet = not events[w][1:].any() and not wars[w][1:].any()
            if no_loss and quiet and np.all(np.abs(np.diff(con[w])) < OLD_STATIC_TOLERANCE):
                labels.append("static")
            elif no_loss and np.ptp(con[w]) <= OLD_DYNAMIC_BAND:
                labels.append("dynamic")
            else:
                labels.append("not_converged")
    return labels


class OUStandIn(BalanceOfPowerModel):
    """The model with mean-reverting log power instead of fixed growth rates (see --ou-stand-in)."""

    kappa = 0.0
    sigma = 0.0

    def grow(self) -> None:
        """Δlog p_i = growth_mean − κ (log p_i − mean log p) + σ ε_i over the living states."""
        log_p = np.log(self.power[self.alive])
        shock = self.rng.standard_normal(len(log_p))
        log_p += self.params["growth_mean"] - self.kappa * (log_p - log_p.mean()) + self.sigma * shock
        self.power[self.alive] = np.exp(log_p - log_p.max())  # only ratios matter; keeps powers <= 1
        self.power_at_start *= np.exp(-log_p.max())  # the accounting invariant compares in these units


def run(task: tuple[int, bool, dict[str, Any], int, int, tuple[float, float] | None]) -> dict[str, Any]:
    """One run: the label each detector knows at year `at` and at year `end` (a run that stopped
    early, at universal empire, keeps its last label)."""
    seed, war, params, at, end, stand_in = task
    kind: type[BalanceOfPowerModel] = BalanceOfPowerModel
    if stand_in is not None:
        kind = type("OU", (OUStandIn,), {"kappa": stand_in[0], "sigma": stand_in[1]})
    model = kind(rng=seed, **{"n_states": 20, "record_states": False, **params, "war": war})
    for _ in range(end):
        if not model.running:
            break
        model.step()
    frame = model.model_frame()
    new, old = list(frame["equilibrium"]), old_labels(frame, model.params["hegemony_share"])
    last = len(frame) - 1
    return {
        "seed": seed,
        "war": war,
        "new_at": new[min(at, last)],
        "new_end": new[min(end, last)],
        "old_at": old[min(at, last)],
        "old_end": old[min(end, last)],
    }


def share(k: int, n: int) -> str:
    """k of n with the share and its Wilson 95% interval."""
    if n == 0:
        return "0 of 0"
    ci = binomtest(k, n).proportion_ci(0.95, method="wilson")
    return f"{k} of {n} = {k / n:.2f} [{ci.low:.2f}, {ci.high:.2f}]"


def report(runs: pd.DataFrame, detector: str, at: int, end: int) -> None:
    """Print one detector's persistence figures, pooled and by war."""
    for title, part in [
        ("war off and on", runs),
        ("war off", runs[~runs["war"]]),
        ("war on", runs[runs["war"]]),
    ]:
        first, then = part[f"{detector}_at"], part[f"{detector}_end"]
        labelled = first.isin(EQUILIBRIA)
        kept = int((labelled & (first == then)).sum())
        still = int((labelled & then.isin(EQUILIBRIA)).sum())
        hegemonic = int((labelled & (then == "hegemony")).sum())
        n = int(labelled.sum())
        print(f"  {title}:")
        print(f"    labelled static or dynamic at year {at}: {share(n, len(part))}")
        print(f"    ... keeping that label at year {end}:     {share(kept, n)}")
        print(f"    ... static or dynamic at year {end}:      {share(still, n)}")
        print(f"    ... hegemony at year {end}:               {share(hegemonic, n)}")
    for when, column in ((at, f"{detector}_at"), (end, f"{detector}_end")):
        counts = Counter(runs[column])
        print(
            f"  labels at year {when} (all {len(runs)} runs): "
            + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        )
    transitions = Counter(zip(runs[f"{detector}_at"], runs[f"{detector}_end"], strict=True))
    print(
        f"  year {at} -> year {end}: "
        + ", ".join(f"{a} -> {b}: {v}" for (a, b), v in sorted(transitions.items()))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=40, help="seeds per war setting (default 40)")
    parser.add_argument(
        "--seed", type=int, default=20260414, help="root of the SeedSequence (default 20260414)"
    )
    parser.add_argument("--at", type=int, default=200, help="year of the first verdict (default 200)")
    parser.add_argument("--end", type=int, default=400, help="year of the second verdict (default 400)")
    parser.add_argument("--workers", type=int, default=1, help="processes (default 1)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a model parameter")
    parser.add_argument(
        "--ou-stand-in", nargs=2, type=float, metavar=("KAPPA", "SIGMA"), help="mean-reverting log power"
    )
    args = parser.parse_args()
    params = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--set needs KEY=VALUE, got {item!r}")
        params[key.strip()] = parse_text(value)
    BalanceOfPowerModel(rng=0, **{"n_states": 20, **params})  # a bad parameter fails here, in one line
    seeds = [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(args.seed).spawn(args.seeds)]
    stand_in = tuple(args.ou_stand_in) if args.ou_stand_in else None
    tasks = [(seed, war, params, args.at, args.end, stand_in) for war in (False, True) for seed in seeds]
    with ProcessPoolExecutor(args.workers) as pool:
        runs = pd.DataFrame(list(pool.map(run, tasks)))

    model = BalanceOfPowerModel(rng=0, **{"n_states": 20, **params})
    detector = {
        k: model.params[k] for k in ("convergence_window", "trend_tolerance", "trend_alpha", "dynamic_band")
    }
    print(f"{len(runs)} runs: 20 states, default mix unless set, war off and on, {args.seeds} seeds each")
    print(f"parameters set: {params or 'none'}")
    if stand_in is not None:
        print(f"power: OU stand-in, kappa {stand_in[0]}, sigma {stand_in[1]} (not fixed growth rates)")
    print(f"\ntrend-testing detector ({', '.join(f'{k} {v}' for k, v in detector.items())}):")
    report(runs, "new", args.at, args.end)
    old = f"window {OLD_WINDOW}, |dCON| < {OLD_STATIC_TOLERANCE} a step, CON range <= {OLD_DYNAMIC_BAND}"
    print(f"\nold detector ({old}):")
    report(runs, "old", args.at, args.end)


if __name__ == "__main__":
    main()
