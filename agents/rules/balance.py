"""balance (Walt, Waltz): side against the main threat, in peace and in war (docs/ODD.md §7.4, §7.6)."""

from __future__ import annotations

import numpy as np

from agents.rules.common import counterweight, leave_when_unsafe
from agents.situation import Situation
from agents.strategy import OUT, Decision, Strategy, WarView, register


def align(s: Situation) -> Decision:
    """When threatened, side with the strongest bloc opposing the main threat."""
    decision = Decision.stay(len(s.rows))
    leave_when_unsafe(s, decision)
    seek = ~s.aligned & (s.tau >= s.params["threat_entry"])
    decision.choose(seek, counterweight(s), "balance")
    return decision


def side(w: WarView, rows: np.ndarray) -> np.ndarray:
    """Join the weaker side when the stronger side threatens it (threat ≥ threat_entry)."""
    return np.where(w.concern[rows] >= w.params["threat_entry"], w.weaker, OUT)


register(Strategy("balance", align, side, faces_threat=True))
