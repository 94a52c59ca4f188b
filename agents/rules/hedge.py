"""hedge (multi-vector): stay out of blocs unless the threat is critical; shun dominant leaders
(docs/ODD.md §7.4, §7.6)."""

from __future__ import annotations

import numpy as np

from agents.rules.common import counterweight
from agents.situation import Situation
from agents.strategy import LEAVE, OUT, Decision, Strategy, WarView, accept_when_threatened, register


def align(s: Situation) -> Decision:
    """Stay unaligned unless the threat is critical; leave or shun a bloc with a dominant leader."""
    decision = Decision.stay(len(s.rows))
    total = s.total_power
    tolerable = s.power[s.leader] / total <= s.params["hedge_dominance"]
    decision.set(s.aligned & ~tolerable[s.own], LEAVE, "hedge_dominance")
    decision.set(s.aligned & (s.tau_alone < s.params["threat_exit"]), LEAVE, "threat_receded")
    seek = ~s.aligned & (s.tau >= s.params["hedge_threshold"])
    decision.choose(seek, counterweight(s, extra_ok=tolerable), "hedge")
    return decision


def side(w: WarView, rows: np.ndarray) -> np.ndarray:
    """Stay out unless the stronger side's threat is critical (≥ hedge_threshold); then balance."""
    return np.where(w.concern[rows] >= w.params["hedge_threshold"], w.weaker, OUT)


def accept(s: Situation, applicant: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Enter an exclusive alliance only under a critical threat (≥ hedge_threshold), as when it seeks one."""
    return accept_when_threatened(s, applicant, entry="hedge_threshold")


register(Strategy("hedge", align, side, accept))
