"""buckpass (Mearsheimer): leave the threat to a nearer capable state that faces it; else balance
(docs/ODD.md §7.4, §7.6)."""

from __future__ import annotations

import numpy as np

from agents.rules.common import counterweight, leave_when_unsafe, nearer_capable_balancer
from agents.situation import Situation
from agents.strategy import OUT, Decision, Strategy, WarView, register


def align(s: Situation) -> Decision:
    """Abstain while a nearer capable state faces the threat; else balance."""
    decision = Decision.stay(len(s.rows))
    leave_when_unsafe(s, decision)
    seek = ~s.aligned & (s.tau >= s.params["threat_entry"])
    if seek.any():
        seek[seek] = ~nearer_capable_balancer(s.only(seek))
    decision.choose(seek, counterweight(s), "balance")
    return decision


def side(w: WarView, rows: np.ndarray) -> np.ndarray:
    """Would balance, but stays out while a nearer capable state (nearer to the stronger side, at
    least as strong) is already on the weaker side; it decides after the others for that reason."""
    passers = rows[w.concern[rows] >= w.params["threat_entry"]]
    sides = np.full(len(rows), OUT)
    if len(passers):
        near = w.distance[:, w.stronger_side].min(axis=1)
        k = np.flatnonzero(w.on_weaker)
        nearer = (near[k][None, :] < near[passers][:, None]) & (
            w.power[k][None, :] >= w.power[passers][:, None]
        )
        sides[np.isin(rows, passers[~nearer.any(axis=1)])] = w.weaker
    return sides


register(Strategy("buckpass", align, side, decides_late=True))
