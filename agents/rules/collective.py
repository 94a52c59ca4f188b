"""collective (collective security; Cusack & Stoll 1990): a standing commitment to defend any attacked
state. In peace it joins no exclusive alliance (it leaves one it is in, and refuses offers); its
commitment is the pact every state reckons with (its power on the side of whoever is threatened,
docs/ODD.md §7.2); in war it defends the attacked, always (§7.4, §7.6)."""

from __future__ import annotations

import numpy as np

from agents.situation import Situation
from agents.strategy import DEFEND, LEAVE, Decision, Strategy, WarView, register


def align(s: Situation) -> Decision:
    """Stay out of exclusive alliances: the pact, not a bloc, is its security."""
    decision = Decision.stay(len(s.rows))
    decision.set(s.aligned, LEAVE, "collective_security")
    return decision


def accept(s: Situation, applicant: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Refuse every exclusive alliance: it is committed to all, against any attacker."""
    return np.zeros(len(s.rows), dtype=bool), np.full(len(s.rows), "collective_security", dtype=object)


def side(w: WarView, rows: np.ndarray) -> np.ndarray:
    """Defend the target of every crisis, whoever it is."""
    return np.full(len(rows), DEFEND)


register(Strategy("collective", align, side, accept, defends_all=True))
