"""Who fights: the sides of a war, from alliance ties and each third party's strategy.

The initiator's and the target's allies are called first. Every other living state that is not
already at war this year then decides by its rule, all at once (numpy over states):
- `balance` joins the weaker side when the stronger side threatens it (threat ≥ threat_entry);
- `bandwagon` joins the stronger side when threatened by it, or, when revisionist (≥ profit_threshold),
  as soon as the stronger side concerns it at all (threat ≥ threat_exit) — for spoils;
- `collective` defends the attacked, always;
- `hedge` stays out unless the stronger side's threat is critical (≥ hedge_threshold), then balances;
- `buckpass` would balance, but stays out while a nearer capable state (nearer to the stronger side,
  at least as strong) is already on the weaker side.
"Stronger" and "weaker" are judged on the sides as the called allies make them. A third party that
joins brings its whole alliance (chain-ganging); when members of one alliance disagree, the side
chosen by the greater power among them wins.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from model.alliances import UNALIGNED

OUT, ATTACK, DEFEND = 0, 1, 2


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
    threat: np.ndarray,
    revisionism: np.ndarray,
    strategy: np.ndarray,
    distance: np.ndarray,
    params: dict[str, Any],
) -> tuple[np.ndarray, np.ndarray]:
    """(attackers, defenders) as (N,) masks. `free` marks living states not yet at war this year."""
    attack = called_allies(membership, initiator, free)
    defend = called_allies(membership, target, free) & ~attack
    third = free & ~attack & ~defend
    attack_stronger = power[attack].sum() >= power[defend].sum()
    stronger, weaker = (ATTACK, DEFEND) if attack_stronger else (DEFEND, ATTACK)
    concern = threat[:, attack if attack_stronger else defend].sum(axis=1)

    choice = np.full(len(power), OUT)
    entry, exit_ = params["threat_entry"], params["threat_exit"]
    greedy = revisionism >= params["profit_threshold"]
    choice[third & (strategy == "balance") & (concern >= entry)] = weaker
    choice[third & (strategy == "collective")] = DEFEND
    choice[third & (strategy == "hedge") & (concern >= params["hedge_threshold"])] = weaker
    wagon = (concern >= entry) | (greedy & (concern >= exit_))
    choice[third & (strategy == "bandwagon") & wagon] = stronger

    passers = np.flatnonzero(third & (strategy == "buckpass") & (concern >= entry))
    if len(passers):
        on_weaker = (choice == weaker) | (defend if weaker == DEFEND else attack)
        near = distance[:, attack if attack_stronger else defend].min(axis=1)
        w = np.flatnonzero(on_weaker)
        nearer = (near[w][None, :] < near[passers][:, None]) & (power[w][None, :] >= power[passers][:, None])
        choice[passers[~nearer.any(axis=1)]] = weaker

    chain_gang(choice, membership, power, third)
    return attack | (choice == ATTACK), defend | (choice == DEFEND)


def chain_gang(choice: np.ndarray, membership: np.ndarray, power: np.ndarray, third: np.ndarray) -> None:
    """Bring each joining third party's free allies in with it (in place), by power-weighted vote."""
    joining = (choice != OUT) & (membership != UNALIGNED)
    for aid in np.unique(membership[joining]):
        members = third & (membership == aid)
        votes = [power[members & (choice == side)].sum() for side in (ATTACK, DEFEND)]
        choice[members] = ATTACK if votes[0] > votes[1] else DEFEND
