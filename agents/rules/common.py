"""Pieces several strategies share: the counterweight to a threat, leaving an unsafe bloc, and whether
someone nearer already stands against the threat (docs/ODD.md §7.3-7.4)."""

from __future__ import annotations

import numpy as np

from agents.situation import Situation
from agents.strategy import LEAVE, Decision

CATCHER_CHUNK = 32  # candidate catchers whose main threat is found at once, nearest first


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


def buck_catcher(s: Situation) -> np.ndarray:
    """(R,) whether someone else already stands against the deciding state's main threat M and can hold
    it, nearer to it (Mearsheimer: pass the buck only to a state that catches it).

    The catcher k is not in M, is nearer to M (distance to a bloc = to its nearest member), actually
    stands against M — it is in an alliance and M is its own main threat — and its bloc can hold M at the
    offence-defence balance o: P_bloc(k) ≥ (1 + o)·P_M (o > 0, offence dominance: a catcher needs more;
    o < 0, defence dominance: less). A state merely labelled a balancer catches nothing.
    """
    o = s.params["offence_defence"]
    result = np.zeros(len(s.rows), dtype=bool)
    standing = s.is_alliance[s.labels] & (s.power > 0)
    for m in np.unique(s.main[s.main >= 0]):
        q = np.flatnonzero(s.main == m)
        in_m = s.labels == m
        holds = s.bloc_power[s.labels] >= (1 + o) * s.bloc_power[m]
        k = np.flatnonzero(standing & ~in_m & holds)
        if len(k) == 0:
            continue
        reach = s.distance[:, in_m].min(axis=1)  # every state's distance to the threat bloc
        i = s.rows[q]
        # Someone nearer than i catches the buck iff the nearest catcher is nearer than i (strictly, so
        # never i itself): look for it among the candidates nearest first, asking each one's own main
        # threat (O(N) each, kept per bloc structure) only until one stands against M.
        k = k[reach[k] < reach[i].max()]
        k = k[np.argsort(reach[k], kind="stable")]
        nearest = np.inf
        for start in range(0, len(k), CATCHER_CHUNK):
            chunk = k[start : start + CATCHER_CHUNK]
            catchers = chunk[s.stands_against(chunk) == m]
            if len(catchers):
                nearest = reach[catchers[0]]
                break
        result[q] = reach[i] > nearest
    return result
