"""Small hand-built worlds whose right answers can be worked out by hand."""

from __future__ import annotations

from typing import Any

import numpy as np

from model import BalanceOfPowerModel
from model.scenarios.world import World, plane_distance

# Parameters that make hand calculation easy: the threat of a lone j to a lone i is
# T_ij = p_j / (p_i + p_j) · exp(-d_ij), no noise, no growth (fixed zero rates, no arming), no
# defection, no predominance term (tests
# of Kaplan 4 switch it on with predominance_weight) and no partnership ties (hedgers with a critical
# threat out of reach are then inert; tests of hedging give them a tie_budget).
HAND = {
    "growth_process": "fixed",
    "arming": False,
    "distance_scale": 1.0,
    "predominance_weight": 0.0,
    "tie_budget": 0.0,
    "revisionism_weight": 0.0,
    "defection_rate": 0.0,
    "threat_entry": 0.3,
    "threat_exit": 0.15,
}


def world(
    power: list[float],
    position: list[tuple[float, float]],
    strategy: list[str],
    *,
    names: list[str] | None = None,
    revisionism: list[float] | None = None,
    alliances: list[list[int]] | None = None,
) -> World:
    """A world of len(power) states in a plane, with zero growth."""
    n = len(power)
    position_array = np.array(position, dtype=float)
    return World(
        names=names or [chr(ord("A") + i) for i in range(n)],
        power=np.array(power, dtype=float),
        growth=np.zeros(n),
        position=position_array,
        revisionism=np.array(revisionism if revisionism is not None else [0.0] * n),
        strategy=strategy,
        distance=plane_distance(position_array),
        distance_scale=1.0,
        alliances=alliances or [],
    )


def model(w: World, **params: Any) -> BalanceOfPowerModel:
    """A model of a hand-built world with the hand-calculation parameters (overridable)."""
    return BalanceOfPowerModel(rng=0, world=w, **{**HAND, **params})


def ally_of(m: BalanceOfPowerModel, name: str) -> set[str]:
    """Names of the states in `name`'s alliance (empty if unaligned)."""
    alliance = m.states[m.names.index(name)].alliance
    return {m.names[i] for i in alliance.members} if alliance else set()
