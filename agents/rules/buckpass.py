"""buckpass (Mearsheimer): leave the threat to a nearer state that stands against it and can hold it;
else balance. The offence-defence balance (Christensen & Snyder) sets how much a catcher needs
(docs/ODD.md §7.4, §7.6)."""

from __future__ import annotations

import numpy as np

from agents.rules.common import buck_catcher, counterweight, leave_when_unsafe
from agents.situation import Situation
from agents.strategy import OUT, Decision, Strategy, WarView, register


def align(s: Situation) -> Decision:
    """Abstain while a nearer state stands against the threat and can hold it; else balance."""
    decision = Decision.stay(len(s.rows))
    leave_when_unsafe(s, decision)
    seek = ~s.aligned & (s.tau >= s.params["threat_entry"])
    if seek.any():
        seek[seek] = ~buck_catcher(s.only(seek))
    decision.choose(seek, counterweight(s), "balance")
    return decision


def side(w: WarView, rows: np.ndarray) -> np.ndarray:
    """Would balance, but stays out while a nearer capable state (nearer to the stronger side, at least
    (1 + offence_defence) times as strong as itself) is already on the weaker side; it decides after
    the others for that reason."""
    passers = rows[w.concern[rows] >= w.params["threat_entry"]]
    sides = np.full(len(rows), OUT)
    if len(passers):
        near = w.distance[:, w.stronger_side].min(axis=1)
        k = np.flatnonzero(w.on_weaker)
        capable = w.power[k][None, :] >= (1 + w.params["offence_defence"]) * w.power[passers][:, None]
        nearer = (near[k][None, :] < near[passers][:, None]) & capable
        sides[np.isin(rows, passers[~nearer.any(axis=1)])] = w.weaker
    return sides


register(Strategy("buckpass", align, side, decides_late=True))
