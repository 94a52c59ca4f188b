"""hedge (multi-vector): graded partnership ties to several poles at once, chosen to lower its threat;
an exclusive bloc only under a critical threat; dominant leaders shunned (docs/ODD.md §7.4, §7.6)."""

from __future__ import annotations

import numpy as np

from agents.rules.common import counterweight
from agents.situation import Situation
from agents.strategy import LEAVE, OUT, Decision, Strategy, WarView, accept_when_threatened, register


def align(s: Situation) -> Decision:
    """Stay unaligned (holding ties) unless the felt threat is critical; leave an exclusive bloc once the
    threat it would face alone is no longer critical, or when the bloc's leader dominates."""
    decision = Decision.stay(len(s.rows))
    tolerable = s.power[s.leader] / s.total_power <= s.params["hedge_dominance"]
    decision.set(s.aligned & (s.tau_alone < s.params["hedge_threshold"]), LEAVE, "not_critical")
    decision.set(s.aligned & ~tolerable[s.own], LEAVE, "hedge_dominance")
    seek = ~s.aligned & (s.tau >= s.params["hedge_threshold"])
    decision.choose(seek, counterweight(s, extra_ok=tolerable), "hedge")
    return decision


def side(w: WarView, rows: np.ndarray) -> np.ndarray:
    """Stay out unless the stronger side's threat is critical (≥ hedge_threshold); then balance."""
    return np.where(w.concern[rows] >= w.params["hedge_threshold"], w.weaker, OUT)


def accept(s: Situation, applicant: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Enter an exclusive alliance only under a critical threat (≥ hedge_threshold), as when it seeks one."""
    return accept_when_threatened(s, applicant, entry="hedge_threshold")


def tie_benefit(s: Situation) -> np.ndarray:
    """(R, N) b_ik: how much a tie of strength 1 to state k would lower i's total threat Σ_B T_iB, at no
    ties (a = 1 marginals): the trust it puts in k, θ·p_k·reach_ik / (side_iB + P_B) for k's bloc B, plus
    k's expected aid against every other bloc, p_k · Σ_{B ∌ k} T_iB / (side_iB + P_B). Zero for itself,
    its own bloc and the dead."""
    rows = np.arange(len(s.rows))
    denom = s.side + s.bloc_power[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        gradient = np.where(s.bloc_power[None, :] > 0, s.weighted / denom**2, 0.0)  # −∂T_iB/∂side
        trust_share = np.where(denom[:, s.labels] > 0, 1.0 / denom[:, s.labels], 0.0)
    gradient[rows, s.own] = 0.0
    trust = s.params["tie_trust"] * s.power[None, :] * s.reach[s.rows] * trust_share
    aid = s.power[None, :] * (gradient.sum(axis=1)[:, None] - gradient[:, s.labels])
    benefit = trust + aid
    benefit[s.labels[None, :] == s.own[:, None]] = 0.0
    benefit[:, s.power <= 0] = 0.0
    return np.maximum(benefit, 0.0)


def fill(benefit: np.ndarray, cost: float, budget: float) -> np.ndarray:
    """Per row, argmin over w of −Σ_k b_k·w_k + cost·Σ_k w_k² on 0 ≤ w_k ≤ 1, Σ_k w_k ≤ budget: the
    water-filling w_k = clip((b_k − ν) / (2·cost), 0, 1) with the least ν ≥ 0 that keeps the budget
    (bisection to machine precision: it stops once no bound moves). The quadratic term is the penalty
    on exclusive alignment: the cheaper concentration is, the more the ties pile onto the single best
    partner."""

    def ties_at(rows: np.ndarray, nu: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        out = np.subtract(rows, nu[:, None], out=out)
        np.divide(out, 2.0 * cost, out=out)
        return np.minimum(np.maximum(out, 0.0, out=out), 1.0, out=out)  # clip to [0, 1]

    ties = ties_at(benefit, np.zeros(len(benefit)))
    over = ties.sum(axis=1) > budget
    if over.any():
        rows = benefit[over]
        low, high = np.zeros(len(rows)), rows.max(axis=1, initial=0.0)
        work = np.empty_like(rows)
        for halving in range(100):
            if halving % 4 == 0:  # a fixed point is checked for every fourth halving (the rest repeat it)
                before = np.concatenate([low, high])
            mid = (low + high) / 2
            too_much = ties_at(rows, mid, work).sum(axis=1) > budget
            np.copyto(low, mid, where=too_much)
            np.copyto(high, mid, where=~too_much)
            if halving % 4 == 0 and np.array_equal(before, np.concatenate([low, high])):
                break  # a fixed point: every further halving would repeat this one
        ties[over] = ties_at(rows, high)
    return ties


def choose_ties(s: Situation) -> np.ndarray:
    """(R, N) the partnership ties of each (unaligned) deciding hedger: minimise its total threat,
    linearised at no ties, plus tie_cost·Σ w² (a penalty on exclusive alignment), within the bounds
    0 ≤ w_ik ≤ 1 and Σ_k w_ik ≤ tie_budget (docs/ODD.md §7.4)."""
    p = s.params
    return fill(tie_benefit(s), p["tie_cost"], p["tie_budget"])


register(Strategy("hedge", align, side, accept, ties=choose_ties))
