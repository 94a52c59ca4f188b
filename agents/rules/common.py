"""Pieces several strategies share: the counterweight to a threat, leaving an unsafe bloc, and whether
someone nearer already faces the threat (docs/ODD.md §7.3-7.4)."""

from __future__ import annotations

import numpy as np

from agents.situation import Situation
from agents.strategy import LEAVE, Decision, facing_names


def counterweight(s: Situation, extra_ok: np.ndarray | None = None) -> np.ndarray:
    """For each deciding state, its preference (R, K) over the blocs to balance with (−inf: none).

    Candidates are blocs other than its own and its main threat, less threatening to it than the
    main threat, and not made predominant by its joining (Kaplan 4). It prefers the strongest: the
    best counterweight to the threat.
    """
    total = s.total_power
    p = s.power[s.rows]
    cand = (s.alone_threat < s.tau_alone[:, None]) & (s.bloc_power[None, :] > 0)
    cand &= (s.bloc_power[None, :] + p[:, None]) / total <= s.params["hegemony_share"]
    rows = np.arange(len(s.rows))
    cand[rows, s.own] = False
    cand[rows[s.main >= 0], s.main[s.main >= 0]] = False
    if extra_ok is not None:
        cand &= extra_ok[None, :]
    return np.where(cand, s.bloc_power[None, :], -np.inf)


def leave_when_unsafe(s: Situation, decision: Decision) -> None:
    """Leave a bloc that tends to predominance (Kaplan 4; its leader stays), or one whose member
    has become the main threat (and a threat worth allying against, at least `threat_entry`)."""
    share = s.bloc_power[s.own] / s.total_power
    follower = s.leader[s.own] != s.rows  # the predominant actor itself does not walk out
    decision.set(s.aligned & follower & (share > s.params["hegemony_share"]), LEAVE, "predominance")
    partner_is_main = (s.partner_threat > s.tau_alone) & (s.partner_threat >= s.params["threat_entry"])
    decision.set(s.aligned & partner_is_main, LEAVE, "partner_threat")


def nearer_capable_balancer(s: Situation) -> np.ndarray:
    """(R,) whether someone nearer to the main threat, at least as strong, already faces it.

    "Faces it" means follows a strategy that stands against threats (`Strategy.faces_threat`), or
    sits in another alliance. Distance to a bloc is the distance to its nearest member.
    """
    facing = (np.isin(s.strategy, facing_names()) | s.is_alliance[s.labels]) & (s.power > 0)
    result = np.zeros(len(s.rows), dtype=bool)
    for m in np.unique(s.main[s.main >= 0]):
        q = np.flatnonzero(s.main == m)
        in_m = s.labels == m
        reach = s.distance[:, in_m].min(axis=1)  # every state's distance to the threat bloc
        i = s.rows[q]
        nearer = (reach[None, :] < reach[i][:, None]) & (s.power[None, :] >= s.power[i][:, None])
        nearer &= (facing & ~in_m)[None, :]
        nearer[np.arange(len(q)), i] = False
        result[q] = nearer.any(axis=1)
    return result
