"""collective (collective security): a balancer in peace; in war it defends the attacked, always
(docs/ODD.md §7.4, §7.6)."""

from __future__ import annotations

import numpy as np

from agents.rules import balance
from agents.strategy import DEFEND, Strategy, WarView, register


def side(w: WarView, rows: np.ndarray) -> np.ndarray:
    """Defend the target of every crisis, whoever it is."""
    return np.full(len(rows), DEFEND)


register(Strategy("collective", balance.align, side, faces_threat=True))
