"""Convergence detection: what kind of equilibrium the last W steps show (docs/ODD.md §7.8).

Labels, checked in this order:
- `universal_empire`: one state is left.
- `hegemony`: one bloc held more than the hegemony share at every step of the window.
- `static`: no alliance event, no war, no state or essential actor lost, and |ΔCON| below the
  tolerance at every step.
- `dynamic`: no state or essential actor lost, and CON stayed within a band (alliances may change).
- `not_converged`: anything else, and every step before a full window exists.
Hegemony comes before static and dynamic: a frozen world with a predominant bloc is not a balance.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

import numpy as np

TYPES = ("static", "dynamic", "hegemony", "universal_empire", "not_converged")


def classify(
    con: Sequence[float],
    b_max: Sequence[float],
    events: Sequence[int],
    wars: Sequence[int],
    states_alive: Sequence[int],
    essential_alive: Sequence[int],
    *,
    hegemony_share: float = 0.5,
    static_tolerance: float = 0.005,
    dynamic_band: float = 0.05,
) -> str:
    """Label one window of per-step measures (all sequences of the same length W >= 2)."""
    con_, b_max_ = np.asarray(con, float), np.asarray(b_max, float)
    alive, essential = np.asarray(states_alive), np.asarray(essential_alive)
    if alive[-1] == 1:
        return "universal_empire"
    if np.all(b_max_ > hegemony_share):
        return "hegemony"
    no_loss = np.all(alive == alive[0]) and np.all(essential >= essential[0])
    # The first entry is the state the window starts from: changes are counted after it.
    quiet = not np.any(np.asarray(events)[1:]) and not np.any(np.asarray(wars)[1:])
    if no_loss and quiet and np.all(np.abs(np.diff(con_)) < static_tolerance):
        return "static"
    if no_loss and np.ptp(con_) <= dynamic_band:
        return "dynamic"
    return "not_converged"


class ConvergenceTracker:
    """Keeps the last W steps, labels each new window, and remembers when the current label began.

    `reached_at` is the first step of the earliest window of the current unbroken run of one label,
    i.e. the step from which the system has been in that equilibrium.
    """

    def __init__(self, window: int, **thresholds: float) -> None:
        self.window = window
        self.thresholds = thresholds
        self.history: deque[tuple[float, float, int, int, int, int]] = deque(maxlen=window)
        self.label = "not_converged"
        self.reached_at: int | None = None

    def update(
        self,
        step: int,
        con: float,
        b_max: float,
        events: int,
        wars: int,
        states_alive: int,
        essential_alive: int,
    ) -> str:
        """Add one step's measures and return the label of the window ending at it."""
        self.history.append((con, b_max, events, wars, states_alive, essential_alive))
        if states_alive == 1:
            label = "universal_empire"
        elif len(self.history) < self.window:
            label = "not_converged"
        else:
            cons, b_maxes, events_, wars_, alive, essential = zip(*self.history, strict=True)
            label = classify(cons, b_maxes, events_, wars_, alive, essential, **self.thresholds)
        if label != self.label:
            self.label = label
            start = step if label == "universal_empire" else step - self.window + 1
            self.reached_at = None if label == "not_converged" else start
        return label
