"""The `random` scenario: N states with lognormal powers at random points in the unit square."""

from __future__ import annotations

from typing import Any

import numpy as np

from model.params import parse_mix
from model.scenarios.world import World, plane_distance


def assign_strategies(n: int, params: dict[str, Any], rng: np.random.Generator) -> list[str]:
    """One rule for all, or the mix's exact proportions (largest remainder), shuffled."""
    if params["strategy"] is not None:
        return [params["strategy"]] * n
    mix = parse_mix(params["strategy_mix"])
    quotas = {rule: w * n for rule, w in mix.items()}
    counts = {rule: int(q) for rule, q in quotas.items()}
    by_remainder = sorted(quotas, key=lambda r: (-(quotas[r] - counts[r]), list(mix).index(r)))
    for rule in by_remainder[: n - sum(counts.values())]:
        counts[rule] += 1
    strategies = [rule for rule, c in counts.items() for _ in range(c)]
    return [strategies[k] for k in rng.permutation(n)]


def build(params: dict[str, Any], rng: np.random.Generator) -> World:
    """Draw a random world from the seed. The fixed growth rates are drawn under either process, so a
    seed builds the same world under both; under ou every state has the mean drift (states are alike:
    who grows is decided over the run, not at t = 0; docs/ODD.md §5)."""
    n = params["n_states"]
    position = rng.random((n, 2))
    power = rng.lognormal(0.0, params["power_sigma"], n)
    rates = rng.normal(params["growth_mean"], params["growth_sd"], n)
    return World(
        names=[f"S{i:03d}" if n > 99 else f"S{i:02d}" for i in range(n)],
        power=power,
        growth=rates if params["growth_process"] == "fixed" else np.full(n, params["growth_mean"]),
        position=position,
        revisionism=rng.random(n),
        strategy=assign_strategies(n, params, rng),
        distance=plane_distance(position),
        distance_scale=0.25,
    )
