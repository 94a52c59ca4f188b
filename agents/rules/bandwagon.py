"""bandwagon (Walt, Schweller): join the threat, or the strongest for profit, and reconsider when it is
neither any more (docs/ODD.md §7.4, §7.6)."""

from __future__ import annotations

import numpy as np

from agents.situation import Situation
from agents.strategy import (
    LEAVE,
    OUT,
    Decision,
    Strategy,
    WarView,
    accept_when_threatened,
    no_riskier,
    register,
)


def align(s: Situation) -> Decision:
    """Weak and revisionist states join the threat or the strongest side, and reconsider.

    Aligned: leave once its bloc is neither the strongest bloc nor its greatest threat (its partners,
    as if it stood alone, threaten it less than an outside bloc does): the reason it joined is gone.
    Unaligned and threatened (τ ≥ threat_entry) by a bloc stronger than itself: join that bloc (Walt:
    the weak bandwagon with the threat). Unaligned, unthreatened and revisionist (r ≥ profit_threshold):
    join the strongest bloc stronger than itself, the next strongest if refused (Schweller: for profit).
    """
    rows = np.arange(len(s.rows))
    decision = Decision.stay(len(s.rows))
    others = np.where(s.bloc_power[None, :] > 0, s.bloc_power[None, :], -np.inf).repeat(len(rows), axis=0)
    others[rows, s.own] = -np.inf
    strongest_other = others.max(axis=1, initial=-np.inf)
    overtaken = s.bloc_power[s.own] < strongest_other
    not_the_threat = s.partner_threat < s.tau_alone
    decision.set(s.aligned & overtaken & not_the_threat, LEAVE, "overtaken")
    p_i = s.power[s.rows]
    threatened = s.tau >= s.params["threat_entry"]
    weaker = (s.main >= 0) & (s.bloc_power[np.maximum(s.main, 0)] > p_i)
    decision.set(~s.aligned & threatened & weaker, s.main, "bandwagon")
    greedy = s.revisionism[s.rows] >= s.params["profit_threshold"]
    profit = ~s.aligned & ~threatened & greedy
    decision.choose(profit, np.where(others > p_i[:, None], others, -np.inf), "profit")
    return decision


def side(w: WarView, rows: np.ndarray) -> np.ndarray:
    """Join the stronger side when threatened by it, or, as a revisionist (≥ profit_threshold), as
    soon as the stronger side concerns it at all (threat ≥ threat_exit): for spoils."""
    concern, p = w.concern[rows], w.params
    greedy = w.revisionism[rows] >= p["profit_threshold"]
    joins = (concern >= p["threat_entry"]) | (greedy & (concern >= p["threat_exit"]))
    return np.where(joins, w.stronger, OUT)


def accept(s: Situation, applicant: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Welcome a follower weaker than itself that leaves it no less safe (power follows power), or, like a
    balancer, any ally when threatened."""
    threatened, reason = accept_when_threatened(s, applicant)
    follower = (s.power[applicant] < s.power[s.rows]) & no_riskier(s, applicant)
    reason = np.where(follower, "", np.where(reason == "not_threatened", "stronger_applicant", reason))
    return threatened | follower, reason.astype(object)


register(Strategy("bandwagon", align, side, accept, joins_threat=True))
