"""bandwagon (Walt, Schweller): join the threat, or the strongest for profit (docs/ODD.md §7.4, §7.6)."""

from __future__ import annotations

import numpy as np

from agents.situation import Situation
from agents.strategy import OUT, Decision, Strategy, WarView, accept_when_threatened, no_riskier, register


def align(s: Situation) -> Decision:
    """When threatened, join the threat; a revisionist joins the strongest bloc for profit."""
    decision = Decision.stay(len(s.rows))
    threatened = s.tau >= s.params["threat_entry"]
    decision.set(~s.aligned & threatened, s.main, "bandwagon")
    others = np.where(s.bloc_power[None, :] > 0, s.bloc_power[None, :], -np.inf)
    others = np.repeat(others, len(s.rows), axis=0)
    others[np.arange(len(s.rows)), s.own] = -np.inf
    strongest = np.argmax(others, axis=1)
    stronger = s.bloc_power[strongest] > s.power[s.rows]
    greedy = s.revisionism[s.rows] >= s.params["profit_threshold"]
    decision.set(~s.aligned & ~threatened & greedy & stronger, strongest, "profit")
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
