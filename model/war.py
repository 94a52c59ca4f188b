"""The formulas of crises and wars (docs/ODD.md §7.6, Kaplan's rules 1–3), as pure functions.

`model/conflict.py` strings them together each year; each one here can be checked by hand.
Notation: P_A, P_D the summed power of the attacking and defending sides, ρ = P_A / P_D; in the
crisis hazard, ρ_ij = P_B(i) / P_B(j), state i's bloc over state j's, and ρ̇_ij the trend of ln ρ_ij.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import expit

MAX_TRANSFER = 0.9  # reparations, tribute and a punitive peace take at most this share of a state's power

# The hazard's presets (docs/ODD.md §7.6): the weights of f's three terms each war_hazard sets; a weight the
# user sets (hazard_gain, hazard_parity, hazard_trend) overrides its preset's.
HAZARD_PRESETS: dict[str, dict[str, float]] = {
    # Bueno de Mesquita: the chance of a worthwhile victory drives initiation; no parity, no trend
    "expected_gain": {"hazard_gain": 1.0, "hazard_parity": 0.0, "hazard_trend": 0.0},
    # Organski & Kugler: parity, and a challenger rising through it; no superiority required
    "power_transition": {"hazard_gain": 0.0, "hazard_parity": 50.0, "hazard_trend": 25.0},
}
CONCESSION_RULES = ("expected_loss", "never", "always")


@dataclass(frozen=True)
class HazardShape:
    """The parameters of f(ρ, ρ̇) = G(ρ)^α · U(ρ)^β · T(ρ̇) (docs/ODD.md §7.6)."""

    gain: float  # α, weight of the gain term G
    superiority: float  # s, the ratio at which G = 1/2
    gain_width: float  # τ, G's width in ln ρ
    parity: float  # β, weight of the parity term U
    trend: float  # γ, the trend term's slope (> 0: the rising side opens crises; < 0: the declining side)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> HazardShape:
        """The shape a parameter set gives: its war_hazard preset, with any weight set by the user."""
        preset = HAZARD_PRESETS[params["war_hazard"]]

        def weight(name: str) -> float:
            return float(preset[name] if params[name] is None else params[name])

        return cls(
            gain=weight("hazard_gain"),
            superiority=float(params["superiority"]),
            gain_width=float(params["hazard_gain_width"]),
            parity=weight("hazard_parity"),
            trend=weight("hazard_trend"),
        )


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


def gain_term(ratio: np.ndarray | float, superiority: float, width: float) -> Any:
    """G(ρ) = 1 / (1 + (s/ρ)^(1/τ)): the smooth superiority an initiator wants, logistic in ln(ρ/s) with
    width τ; 1/2 at ρ = s, towards 1 above it and 0 below, never exactly 0 (Bueno de Mesquita 1981)."""
    with np.errstate(over="ignore", divide="ignore"):  # a hopeless ratio: (s/ρ)^(1/τ) = inf gives G = 0
        return 1.0 / (1.0 + np.power(superiority / np.asarray(ratio, dtype=float), 1.0 / width))


def parity_term(ratio: np.ndarray | float) -> Any:
    """U(ρ) = 4ρ / (1 + ρ)² = 4x(1 − x), x = ρ/(1 + ρ): 1 at parity, symmetric in ln ρ, falling as either
    side comes to dominate (the same 4x(1 − x) as the war's costs; Organski & Kugler 1980)."""
    ratio = np.asarray(ratio, dtype=float)
    return 4.0 * ratio / (1.0 + ratio) ** 2


def trend_term(trend: np.ndarray | float, weight: float) -> Any:
    """T(ρ̇) = 2 / (1 + exp(−γ ρ̇)): 1 for a steady ratio, up to 2 as the ratio moves in the direction γ
    favours (γ > 0: the rising side; γ < 0: the declining side), towards 0 against it."""
    return 2.0 * expit(weight * np.asarray(trend, dtype=float))


def hazard_shape(ratio: np.ndarray | float, trend: np.ndarray | float, shape: HazardShape) -> Any:
    """f(ρ, ρ̇) = G(ρ)^α · U(ρ)^β · T(ρ̇), in (0, 2]: expected gain (α), parity (β) and overtaking (γ) as
    weights of one function (docs/ODD.md §7.6); a weight of 0 removes its term."""
    f = np.ones(np.broadcast(np.asarray(ratio), np.asarray(trend)).shape)
    if shape.gain:  # a weight of 0 is a term of 1: skip its work (N² powers a year)
        f = f * np.power(gain_term(ratio, shape.superiority, shape.gain_width), shape.gain)
    if shape.parity:
        f = f * np.power(parity_term(ratio), shape.parity)
    if shape.trend:
        f = f * trend_term(trend, shape.trend)
    return f if f.ndim else float(f)


def attention(reach: np.ndarray, at_risk: np.ndarray) -> np.ndarray:
    """a_ij = reach_ij / max(1, Σ_k reach_ik) over i's dyads at risk (0 elsewhere): an isolated state has
    fewer opportunities, one among many neighbours spreads its crises over them (Most & Starr 1989)."""
    weighted = np.where(at_risk, reach, 0.0)
    return weighted / np.maximum(1.0, weighted.sum(axis=1, keepdims=True))


def crisis_hazard(f: np.ndarray, revisionism: np.ndarray, attention: np.ndarray, rate: float) -> np.ndarray:
    """q_ij = war_rate · r_i · f_ij · a_ij, each row scaled down to sum at most 1: the yearly probability
    that i opens a crisis against j (docs/ODD.md §7.6)."""
    q = rate * revisionism[:, None] * f * attention
    return q / np.maximum(1.0, q.sum(axis=1, keepdims=True))


def draw_targets(q: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Each state's target this year, or -1: with u_i uniform on [0, 1), i opens a crisis against the first
    j whose cumulative hazard Σ_{k ≤ j} q_ik exceeds u_i, so against j with probability q_ij exactly, and
    against no one with probability 1 − Σ_j q_ij (one draw per state: at most one crisis it opens)."""
    cumulative = np.cumsum(q, axis=1)
    target = (cumulative <= u[:, None]).sum(axis=1)
    return np.where(u < cumulative[:, -1], target, -1)


def persistence(ratio_sides: float, ratio_expected: float, shape: HazardShape) -> float:
    """Probability that an initiator goes on once the sides have formed: min(1, (G(ρ_sides) / G(ρ_ij))^α).
    Third parties that join the target lower its odds and may deter it; a side that grew never does."""
    expected = float(gain_term(ratio_expected, shape.superiority, shape.gain_width))
    sides = float(gain_term(ratio_sides, shape.superiority, shape.gain_width))
    if sides >= expected or shape.gain == 0:
        return 1.0
    return float((sides / expected) ** shape.gain)


def log_trend(series: np.ndarray) -> np.ndarray:
    """Least-squares slope per column of ln(series) against time (rows one year apart, oldest first);
    0 for a column with fewer than two rows or any non-positive value."""
    years = series.shape[0]
    if years < 2:
        return np.zeros(series.shape[1])
    valid = (series > 0).all(axis=0)
    logs = np.log(np.where(valid, series, 1.0))
    t = np.arange(years) - (years - 1) / 2.0
    return np.where(valid, t @ (logs - logs.mean(axis=0)) / (t @ t), 0.0)


def ratio_trend(history: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(N, N) ρ̇_ij: the trend of ln(P_B(i) / P_B(j)) over the years of `history` (rows: each state's power,
    oldest first), the blocs as they are now, so = slope(ln P_B(i)) − slope(ln P_B(j)). Realignment
    moves the ratio at once; the trend measures how the present coalitions' power has been moving."""
    onehot = labels[:, None] == np.arange(labels.max() + 1)[None, :]
    slope = log_trend(history @ onehot)[labels]
    return slope[:, None] - slope[None, :]


def concedes(
    perceived_ratio: float, war_cost: float, reparations: float, tribute: float, chance: float
) -> bool:
    """Whether the target pays tribute rather than fight (Kaplan 1: negotiate rather than fight; rule
    `concession=expected_loss`).

    With ρ̃ the attackers' power over the defenders' as the target sees it and x = ρ̃/(1+ρ̃), fighting
    costs the target, in shares of its own power, its attrition 2·war_cost·x plus the expected
    reparations (1 − π_D)·reparations, π_D = π(1/ρ̃) (`reparations`: the share a defeated target would
    pay, `expected_transfer`). It concedes when the tribute demanded is smaller:
    tribute < 2·war_cost·x + (1 − π_D)·reparations.
    """
    x = perceived_ratio / (1.0 + perceived_ratio)
    loss = 2.0 * war_cost * x + (1.0 - win_probability(1.0 / perceived_ratio, chance)) * reparations
    return bool(tribute < loss)


def expected_transfer(
    perceived_ratio: float, war_cost: float, reparations: float, punitive: bool, floor: float, reach: float
) -> float:
    """The share of its power after the war's costs that a target expects to pay if defeated: `reparations`,
    or under a punitive peace what `punitive_transfers` would take from a lone loser of power 1 facing a
    side of power ρ̃ at reach r: all it holds above the survival line, at most MAX_TRANSFER."""
    if not punitive:
        return reparations
    cost = attrition(perceived_ratio, 1.0, war_cost)
    left = 1.0 - cost
    projected = (perceived_ratio - cost) * reach
    paid = punitive_transfers(
        np.array([left]),
        np.array([projected]),
        np.array([reach]),
        floor,
        0.0,
        np.array([MAX_TRANSFER * left]),
    )
    return float(paid[0] / left)


def punitive_transfers(
    power: np.ndarray, projected: np.ndarray, reach: np.ndarray, floor: float, fixed: float, cap: np.ndarray
) -> np.ndarray:
    """A punitive peace: what each unprotected loser k pays, all it holds above the survival line.

    `power` p_k after the war's costs, `projected` W_k = Σ_w p_w · reach_wk (the winners after costs),
    `reach` c̄_k = Σ_w c_w · reach_wk (c_w each winner's share of the spoils), `fixed` what protected
    losers pay, `cap` the most each may pay. With X all that the winners receive, loser k keeps exactly
    floor · (W_k + c̄_k · X) (to a relative 1e-9 to spare, the line `settle` then tests):

        t_k(X) = clip(p_k − floor · (W_k + c̄_k X) · (1 + 1e-9), 0, cap_k),    X = fixed + Σ_k t_k(X).

    Σ_k t_k is piecewise linear and non-increasing in X, so the root is unique; it is found exactly on
    the linear piece where fixed + Σ_k t_k(X) − X changes sign. A loser below the line even paying
    nothing pays nothing (and is absorbed by `settle`).
    """
    line = floor * (1.0 + 1e-9)

    def paid(x: np.ndarray) -> np.ndarray:  # (len(x), losers)
        return np.clip(power[None, :] - line * (projected[None, :] + reach[None, :] * x[:, None]), 0.0, cap)

    low, high = fixed, fixed + float(cap.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        breaks = np.concatenate(
            [(power - line * projected - cap) / (line * reach), (power - line * projected) / (line * reach)]
        )
    xs = np.unique(
        np.concatenate([[low, high], breaks[np.isfinite(breaks) & (breaks > low) & (breaks < high)]])
    )
    gap = fixed + paid(xs).sum(axis=1) - xs  # decreasing: ≥ 0 at low, ≤ 0 at high
    k = int(np.argmax(gap <= 0))
    if k == 0 or gap[k] == 0:
        x = xs[k]
    else:
        x = xs[k - 1] + gap[k - 1] * (xs[k] - xs[k - 1]) / (gap[k - 1] - gap[k])
    return paid(np.array([x]))[0]


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
    punitive: bool = False,
) -> Settlement:
    """Apply a war's costs, reparations and absorptions (index arrays `winners`, `losers`).

    1. Costs: each side loses K = attrition(P_W, P_L), shared in proportion to its members' power.
    2. Reparations: each loser pays `reparations` of its remaining power; the winners share the sum
       in proportion to their contribution (their power before the war). Under a punitive peace
       (`punitive`, statesim's Versailles rule) each pays instead all it holds above the survival line
       (`punitive_transfers`), at most MAX_TRANSFER of it.
    3. Elimination: a loser k left with less than `floor` times the winners' power projected to it,
       Σ_w p_w · reach[w, k] (reach = exp(-d/λ), the threat's distance decay), is absorbed, its
       remaining power shared among the winners the same way, unless `protected` (restraint). Far-off
       losers keep their sovereignty: conquest needs power at the loser's borders. A loser left with
       under MIN_SHARE of all power is absorbed whatever the floor (no state lives on at zero).
    Restraint also caps a protected loser's reparations so that it keeps at least `keep_share` of
    all power after the war: the war stops before it would cease to be an essential actor (under a
    punitive peace it pays everything above that line, at most MAX_TRANSFER).
    Total power afterwards = before − 2K, exactly: transfers only move power.
    """
    p = power.copy()
    p_win, p_lose = p[winners].sum(), p[losers].sum()
    k = attrition(p_win, p_lose, war_cost)
    contribution = p[winners] / p_win
    p[winners] *= 1.0 - k / p_win
    p[losers] *= 1.0 - k / p_lose
    guarded = protected[losers]
    keep = np.where(guarded, keep_share * p.sum(), 0.0)  # p is already net of costs
    above = np.maximum(p[losers] - keep, 0.0)
    if punitive:
        paid = np.minimum(MAX_TRANSFER * p[losers], above)
        free = ~guarded
        if free.any():
            paid[free] = punitive_transfers(
                p[losers][free],
                p[winners] @ reach[np.ix_(winners, losers[free])],
                contribution @ reach[np.ix_(winners, losers[free])],
                floor,
                float(paid[guarded].sum()),
                MAX_TRANSFER * p[losers][free],
            )
    else:
        paid = np.minimum(reparations * p[losers], above)
    p[losers] -= paid
    p[winners] += paid.sum() * contribution
    projected = p[winners] @ reach[np.ix_(winners, losers)]
    too_weak = (p[losers] < floor * projected) | (p[losers] < MIN_SHARE * p.sum())
    doomed = losers[too_weak & ~guarded]
    absorbed = p[doomed].sum()
    p[winners] += absorbed * contribution
    p[doomed] = 0.0
    return Settlement(p, doomed, 2.0 * k, float(paid.sum() + absorbed))
