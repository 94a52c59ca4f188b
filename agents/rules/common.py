"""Pieces several strategies share: the counterweight to a threat, leaving an unsafe bloc, and whether
someone nearer already faces the threat (docs/ODD.md §7.3-7.4)."""

from __future__ import annotations

import numpy as np

from agents.situation import Situation
from agents.strategy import LEAVE, Decision, facing_names


def counterweight(s: Situation, extra_ok: np.ndarray | None = None) -> np.ndarray:
    """For each deciding state, its preference (R, K) over the blocs to balance with (−inf: none).

    Candidates (Walt, Waltz) are blocs other than its own and its main threat M that M also threatens
    (M's threat to the bloc's leader, net of the bloc, at least threat_exit) and that are less
    threatening to it than M. It prefers the coalition whose joining best matches the threat: the
    smallest sufficient one (its power with the state's at least M's), else, none sufficing, the
    strongest (docs/ODD.md §7.3). No share of all power caps the choice.
    """
    rows = np.arange(len(s.rows))
    main, has = s.main, s.main >= 0
    cand = (s.bloc_power[None, :] > 0) & has[:, None]
    cand &= s.alone_threat < s.alone_threat[rows, np.maximum(main, 0)][:, None]
    cand[rows, s.own] = False
    cand[rows[has], main[has]] = False
    for m in np.unique(main[has]):
        cand[main == m] &= (s.threat_to_blocs(int(m)) >= s.params["threat_exit"])[None, :]
    if extra_ok is not None:
        cand &= extra_ok[None, :]
    side = s.bloc_power[None, :] + s.power[s.rows][:, None]
    sufficient = side >= s.bloc_power[np.maximum(main, 0)][:, None]
    score = np.where(sufficient, 2.0 - side / s.total_power, side / s.total_power)
    return np.where(cand, score, -np.inf)


def leave_when_unsafe(s: Situation, decision: Decision) -> None:
    """Leave an alliance whose other members, taken together as if it stood alone, have become its
    greatest threat (and one worth allying against, at least threat_entry). Through the predominance
    term this is also how a member leaves a bloc tending to predominance (Kaplan 4): no cap decides it."""
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
