"""Who fights: the sides of a crisis, from alliance ties and each third party's strategy.

The initiator's and the target's allies are called first. Every other living state that is not
already engaged this year then takes the side its strategy's `side` rule chooses (`agents/rules/`),
all at once per strategy; strategies that decide late (buck-passing) choose after the others.
"Stronger" and "weaker" are judged on the sides as the called allies make them. A third party that
joins brings its alliance (chain-ganging: every ally at offence dominance or balance, under defence
dominance only allies concerned at least |offence_defence|·threat_entry); when members of one alliance
disagree, the side chosen by the greater power among them wins (docs/ODD.md §7.6).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from agents.alliances import UNALIGNED, bloc_labels
from agents.rules import REGISTRY
from agents.situation import side_threat
from agents.strategy import ATTACK, DEFEND, OUT, WarView


def called_allies(membership: np.ndarray, state: int, free: np.ndarray) -> np.ndarray:
    """(N,) mask: `state` and the free members of its alliance."""
    aid = membership[state]
    mask = (membership == aid) & free if aid != UNALIGNED else np.zeros(len(free), dtype=bool)
    mask[state] = True
    return mask


def take_sides(
    initiator: int,
    target: int,
    *,
    power: np.ndarray,
    free: np.ndarray,
    membership: np.ndarray,
    reach: np.ndarray,
    revisionism: np.ndarray,
    strategy: np.ndarray,
    distance: np.ndarray,
    params: dict[str, Any],
    aid: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(attackers, defenders) as (N,) masks. `free` marks living states not yet engaged this year;
    `aid` the target's tied partners that come to its aid this time (they defend, bringing their
    alliances like any joining third party)."""
    attack = called_allies(membership, initiator, free)
    defend = called_allies(membership, target, free) & ~attack
    third = free & ~attack & ~defend
    helpers = third & aid if aid is not None else np.zeros(len(power), dtype=bool)
    attack_stronger = power[attack].sum() >= power[defend].sum()
    stronger, weaker = (ATTACK, DEFEND) if attack_stronger else (DEFEND, ATTACK)
    _, labels = bloc_labels(membership)
    own_power = np.bincount(labels, weights=power)[labels]  # each state's bloc
    view = WarView(
        attack=attack,
        defend=defend,
        stronger=stronger,
        weaker=weaker,
        concern=side_threat(reach, power, attack if attack_stronger else defend, own_power, params),
        choice=np.where(helpers, DEFEND, OUT),
        power=power,
        revisionism=revisionism,
        distance=distance,
        reach=reach,
        params=params,
    )
    for late in (False, True):
        for name, rule in REGISTRY.items():
            if rule.decides_late == late:
                rows = np.flatnonzero(third & ~helpers & (strategy == name))
                if len(rows):
                    view.choice[rows] = rule.side(view, rows)
    follows = view.concern >= max(0.0, -params["offence_defence"]) * params["threat_entry"]
    chain_gang(view.choice, membership, power, third, follows)
    return attack | (view.choice == ATTACK), defend | (view.choice == DEFEND)


def chain_gang(
    choice: np.ndarray, membership: np.ndarray, power: np.ndarray, third: np.ndarray, follows: np.ndarray
) -> None:
    """Bring each joining third party's free allies in with it (in place), by power-weighted vote: those
    that chose a side, and those that `follows` (Christensen & Snyder: under offence dominance every ally
    follows, chain-ganging; under defence dominance only an ally concerned enough, the rest pass the buck)."""
    joining = (choice != OUT) & (membership != UNALIGNED)
    for aid in np.unique(membership[joining]):
        members = third & (membership == aid)
        votes = [power[members & (choice == side)].sum() for side in (ATTACK, DEFEND)]
        choice[members & ((choice != OUT) | follows)] = ATTACK if votes[0] > votes[1] else DEFEND
