"""The formulas of crises and wars (docs/ODD.md §7.6, Kaplan's rules 1–3), as pure functions.

`model/conflict.py` strings them together each year; each one here can be checked by hand.
Notation: P_A, P_D the summed power of the attacking and defending sides, ρ = P_A / P_D.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def win_probability(ratio: float | np.ndarray, chance: float) -> float | np.ndarray:
    """Probability that the side with power ratio ρ to its enemy wins.

    π(ρ) = 1 / (1 + exp(-ln ρ / w)) = ρ^(1/w) / (1 + ρ^(1/w)), logistic in the log power ratio with
    chance weight w: w = 1 gives P_A / (P_A + P_D); w → 0 makes the stronger side sure to win;
    a large w makes the outcome a coin toss.
    """
    with np.errstate(over="ignore"):  # a hopeless side: ρ^(-1/w) = inf gives π = 0
        return 1.0 / (1.0 + np.power(ratio, -1.0 / chance))


def attrition(p_attack: float, p_defence: float, war_cost: float) -> float:
    """Power each side loses in a war: K = war_cost · 2·P_A·P_D / (P_A + P_D).

    Both sides lose the same amount (they destroy each other's forces in equal measure), so the
    weaker side loses the larger fraction of its own power (2·war_cost·P_A/(P_A+P_D) for the
    defender), and the total destroyed relative to the power engaged, 2K/(P_A+P_D) =
    war_cost·4x(1−x) with x = P_A/(P_A+P_D), is highest between equals.
    """
    return war_cost * 2.0 * p_attack * p_defence / (p_attack + p_defence)


def initiation_hazard(
    power: np.ndarray, alive: np.ndarray, revisionism: np.ndarray, rate: float
) -> np.ndarray:
    """Yearly probability that each state opens a crisis (hazard `expected_gain`).

    q_i = war_rate · r_i · p_i / max_j p_j: rising with revisionism and power; the strongest fully
    revisionist state opens a crisis with probability war_rate; status-quo states (r = 0) never do.
    """
    p = np.where(alive, power, 0.0)
    return rate * revisionism * p / p.max()


def parity_challengers(
    power: np.ndarray, alive: np.ndarray, revisionism: np.ndarray, rate: float, low: float, high: float
) -> tuple[np.ndarray, np.ndarray]:
    """Hazard `power_transition` (Organski): (q, leader) per state.

    Each state's leading rival L(i) is the strongest other living state. A state whose power is within
    the parity band of it (low ≤ p_i / p_L(i) ≤ high: just below, or just past, the leader) opens a
    crisis against it with probability war_rate · r_i; every other state has q_i = 0.
    """
    p = np.where(alive, power, 0.0)
    order = np.argsort(-p, kind="stable")
    leader = np.full(len(p), order[0])
    leader[order[0]] = order[1] if len(p) > 1 else order[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = p / p[leader]
    in_band = alive & alive[leader] & (ratio >= low) & (ratio <= high) & (leader != np.arange(len(p)))
    return np.where(in_band, rate * revisionism, 0.0), leader


def choose_target(
    own_bloc: float,
    bloc_power: np.ndarray,
    state_power: np.ndarray,
    decay: np.ndarray,
    candidates: np.ndarray,
    noise: np.ndarray,
    superiority: float,
    chance: float,
) -> int:
    """The target with the best expected gain among those the initiator feels superior to, or -1.

    For each candidate j: perceived ratio ρ̃_j = P_I / P_J(j) · noise_j (own bloc vs the target's
    bloc, lognormal perception noise); candidates need ρ̃_j ≥ superiority. Expected gain
    g_j = π(ρ̃_j) · p_j · exp(-d_ij/λ): the chance of winning times the target's own power, discounted
    by distance (spoils far away are harder to take and hold).
    """
    perceived = own_bloc / np.where(candidates, bloc_power, np.inf) * noise
    ok = candidates & (perceived >= superiority)
    if not ok.any():
        return -1
    gain = np.where(ok, win_probability(np.where(ok, perceived, 1.0), chance) * state_power * decay, -np.inf)
    return int(np.argmax(gain))


def concedes(
    perceived_ratio: float, war_cost: float, reparations: float, tribute: float, chance: float
) -> bool:
    """Whether the target pays tribute rather than fight (Kaplan 1: negotiate rather than fight).

    With ρ̃ the attackers' power over the defenders' as the target sees it and x = ρ̃/(1+ρ̃), fighting
    costs the target, in shares of its own power, its attrition 2·war_cost·x plus the expected
    reparations (1 − π_D)·reparations, π_D = π(1/ρ̃). It concedes when the tribute demanded is
    smaller: tribute < 2·war_cost·x + (1 − π_D)·reparations.
    """
    x = perceived_ratio / (1.0 + perceived_ratio)
    loss = 2.0 * war_cost * x + (1.0 - win_probability(1.0 / perceived_ratio, chance)) * reparations
    return bool(tribute < loss)


MIN_SHARE = 1e-9  # below this share of all power a state cannot stand, whatever elimination_floor


def survives_tribute(
    p_target: float, p_initiator: float, tribute: float, floor: float, reach: float, total: float
) -> bool:
    """Whether the target would still stand after paying: p_j(1 − t) ≥ floor · (p_i + t·p_j) · reach_ij,
    and it keeps at least MIN_SHARE of all power (`total`).

    The same test as elimination after a lost war (`settle`), with the initiator's power after the
    tribute projected to the target. A target that would fall below it has nothing left to save by
    paying, so it fights instead (annexation only by war); nobody is bled to nothing.
    """
    left = p_target * (1.0 - tribute)
    return left >= floor * (p_initiator + tribute * p_target) * reach and left >= MIN_SHARE * total


@dataclass(frozen=True)
class Settlement:
    """What a war did to power: new powers, who was eliminated, the costs and the transfers."""

    power: np.ndarray
    eliminated: np.ndarray  # indices of absorbed losers
    costs: float  # total power destroyed, 2K
    transfer: float  # power moved from losers to winners (reparations and absorption)


def settle(
    power: np.ndarray,
    winners: np.ndarray,
    losers: np.ndarray,
    *,
    war_cost: float,
    reparations: float,
    floor: float,
    protected: np.ndarray,
    reach: np.ndarray,
    keep_share: float = 0.0,
) -> Settlement:
    """Apply a war's costs, reparations and absorptions (index arrays `winners`, `losers`).

    1. Costs: each side loses K = attrition(P_W, P_L), shared in proportion to its members' power.
    2. Reparations: each loser pays `reparations` of its remaining power; the winners share the sum
       in proportion to their contribution (their power before the war).
    3. Elimination: a loser k left with less than `floor` times the winners' power projected to it,
       Σ_w p_w · reach[w, k] (reach = exp(-d/λ), the threat's distance decay), is absorbed, its
       remaining power shared among the winners the same way, unless `protected` (restraint). Far-off
       losers keep their sovereignty: conquest needs power at the loser's borders. A loser left with
       under MIN_SHARE of all power is absorbed whatever the floor (no state lives on at zero).
    Restraint also caps a protected loser's reparations so that it keeps at least `keep_share` of
    all power after the war: the war stops before it would cease to be an essential actor.
    Total power afterwards = before − 2K, exactly: transfers only move power.
    """
    p = power.copy()
    p_win, p_lose = p[winners].sum(), p[losers].sum()
    k = attrition(p_win, p_lose, war_cost)
    contribution = p[winners] / p_win
    p[winners] *= 1.0 - k / p_win
    p[losers] *= 1.0 - k / p_lose
    keep = np.where(protected[losers], keep_share * p.sum(), 0.0)  # p is already net of costs
    paid = np.minimum(reparations * p[losers], np.maximum(p[losers] - keep, 0.0))
    p[losers] -= paid
    p[winners] += paid.sum() * contribution
    projected = p[winners] @ reach[np.ix_(winners, losers)]
    too_weak = (p[losers] < floor * projected) | (p[losers] < MIN_SHARE * p.sum())
    doomed = losers[too_weak & ~protected[losers]]
    absorbed = p[doomed].sum()
    p[winners] += absorbed * contribution
    p[doomed] = 0.0
    return Settlement(p, doomed, 2.0 * k, float(paid.sum() + absorbed))
