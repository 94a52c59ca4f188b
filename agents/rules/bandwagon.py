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
    no_riskier,
    register,
)


def align(s: Situation) -> Decision:
    """Weak and revisionist states join the threat or the strongest side, and reconsider.

    Aligned: leave once its bloc is neither the strongest bloc nor its greatest threat (its partners,
    as if it stood alone, threaten it less than an outside bloc does): the reason it joined is gone.
    Unaligned and threatened (τ ≥ threat_entry) by a bloc stronger than itself: join that bloc (Walt:
    the weak bandwagon with the threat). Unaligned, unthreatened and revisionist (r ≥ profit_threshold):
    join the strongest bloc stronger than itself (Schweller: for profit), or another that its joining
    would make the strongest; never a side it would leave at once.
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
    # a bloc stronger than itself that, with it, would lead (be the strongest): the side it would stay on
    top2 = -np.sort(-np.c_[others, np.full(len(rows), -np.inf)], axis=1)[:, :2]
    rival = np.where(others == top2[:, :1], top2[:, 1:2], top2[:, :1])  # strongest other bloc but this
    leads = (others > p_i[:, None]) & (others + p_i[:, None] >= rival)
    decision.choose(profit, np.where(leads, others, -np.inf), "profit")
    return decision


def side(w: WarView, rows: np.ndarray) -> np.ndarray:
    """Join the stronger side when threatened by it, or, as a revisionist (≥ profit_threshold), as
    soon as the stronger side concerns it at all (threat ≥ threat_exit): for spoils."""
    concern, p = w.concern[rows], w.params
    greedy = w.revisionism[rows] >= p["profit_threshold"]
    joins = (concern >= p["threat_entry"]) | (greedy & (concern >= p["threat_exit"]))
    return np.where(joins, w.stronger, OUT)


def accept(s: Situation, applicant: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Take a follower weaker than itself when, with it, its bloc is the strongest (power follows power)
    and no riskier; it forms no counter-coalition, which it would leave at once (`overtaken`).
    Reasons: `stronger_applicant`, `not_leading`, `riskier`."""
    rows = np.arange(len(s.rows))
    others = np.where(s.bloc_power[None, :] > 0, s.bloc_power[None, :], -np.inf).repeat(len(rows), axis=0)
    others[rows, s.own] = -np.inf
    others[rows, s.labels[applicant]] = s.bloc_power[s.labels[applicant]] - s.power[applicant]
    leading = s.bloc_power[s.own] + s.power[applicant] >= others.max(axis=1, initial=0.0)
    weaker = s.power[applicant] < s.power[s.rows]
    safe = no_riskier(s, applicant)
    reason = np.where(
        ~weaker, "stronger_applicant", np.where(~leading, "not_leading", np.where(safe, "", "riskier"))
    )
    return weaker & leading & safe, reason.astype(object)


register(Strategy("bandwagon", align, side, accept, joins_threat=True))
