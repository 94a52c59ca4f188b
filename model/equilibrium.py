"""Convergence detection: which equilibrium the system is in, judged by tests for trends (docs/ODD.md §7.8).

Each step, the window of the last W steps is judged for what it shows:
- `hegemony`: one bloc held more than the hegemony share at every step of the window;
- `dynamic`: not hegemony, no state lost, CON within a band, and CON shown to have no trend;
- `static`: dynamic, and no alliance event, no war, and every state's share shown to have no trend.
"No trend" is an equivalence test on the OLS slope (`trend_test`): the slope's upper confidence
bound must lie within the tolerance, so noise cannot hide a trend. A label is entered once every
window over 2W steps showed it (a first window and a confirming second one); its onset is the first
step of the first window. It is left at once on a break (for hegemony, a window that is not; for
dynamic, hegemony, a lost state or CON out of its band; for static also an alliance event or a
war), or once a trend beyond the tolerance has been shown for as long (W + 1 windows in a row), so
that fluctuation the test cannot resolve neither makes nor breaks a label. `universal_empire` (one
state left) is reported at once; anything else is `not_converged`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

TYPES = ("static", "dynamic", "hegemony", "universal_empire", "not_converged")
HELD = ("hegemony", "static", "dynamic")  # labels entered and kept by evidence, most specific first


def ols_slope(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """OLS slope of each column of `y` (W steps × K series) on the step, and its standard error
    sqrt(Σe² / (W − 2) / Σ(t − t̄)²) from the residuals e (W >= 3)."""
    y = np.asarray(y, dtype=float)
    w = len(y)
    t = np.arange(w) - (w - 1) / 2
    stt = float(t @ t)  # = W (W² − 1) / 12
    slope = (t @ y) / stt
    resid = y - y.mean(axis=0) - np.multiply.outer(t, slope)
    return slope, np.sqrt((resid**2).sum(axis=0) / (w - 2) / stt)


@cache
def _t_quantile(p: float, df: int) -> float:
    return float(stats.t.ppf(p, df))


def trend_test(y: np.ndarray, tolerance: float, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """For each column of `y`: (within, beyond) — its trend is shown to lie within ±tolerance per
    step, |b| + t·se <= tolerance, or shown to exceed it, |b| − t·se > tolerance, t = t(1−α, W−2).

    `within` is the two one-sided tests of equivalence (Schuirmann 1987): a trend of at least the
    tolerance passes with probability at most α (independent residuals); `beyond` is its mirror.
    Both are false when the window cannot tell.
    """
    slope, se = ols_slope(y)
    margin = _t_quantile(1 - alpha, len(y) - 2) * se
    return np.abs(slope) + margin <= tolerance, np.abs(slope) - margin > tolerance


@dataclass(frozen=True)
class Evidence:
    """What one window shows for, and against, each label."""

    hegemony: bool  # a bloc above the hegemony share at every step
    dynamic: bool  # shown dynamic (so not hegemony)
    static: bool  # shown static (so dynamic too)
    breaks_dynamic: bool  # hegemony, a state lost, or CON out of its band
    breaks_static: bool  # breaks dynamic, or an alliance event or a war
    trend_dynamic: bool  # CON shown to trend beyond the tolerance
    trend_static: bool  # CON or some state's share shown to trend beyond the tolerance


def judge(
    con: ArrayLike,
    b_max: ArrayLike,
    shares: np.ndarray,
    events: ArrayLike,
    wars: ArrayLike,
    *,
    hegemony_share: float,
    trend_tolerance: float,
    trend_alpha: float,
    dynamic_band: float,
    essential_share: float = 0.0,
) -> Evidence:
    """Judge one window of per-step measures (W >= 3 steps; `shares` is W × N, 0 for the dead).

    The first entry of `events` and `wars` is the step the window starts from: changes count after it.
    """
    concentration = np.asarray(con, float)
    hegemony = bool(np.all(np.asarray(b_max, float) > hegemony_share))
    # an essential actor lost: a state alive at the window's start, essential at some step of it
    # (share >= essential_share), and eliminated by its end; the absorption of a minor state is not
    # a loss of the balance-of-power system (Kaplan), and under stochastic power states cross the
    # essential line both ways, so the test is on identity over the window, not on a count
    held = np.asarray(shares, float)
    loss = bool(np.any((held[0] > 0) & (held[-1] <= 0) & (held.max(axis=0) >= essential_share)))
    out_of_band = bool(np.ptp(concentration) > dynamic_band)
    # one regression for CON (column 0) and every state's share
    series = np.column_stack([concentration, np.asarray(shares, float)])
    within, beyond = trend_test(series, trend_tolerance, trend_alpha)
    breaks_dynamic = hegemony or loss or out_of_band
    dynamic = not breaks_dynamic and bool(within[0])
    moved = bool(np.any(np.asarray(events)[1:]) or np.any(np.asarray(wars)[1:]))
    return Evidence(
        hegemony=hegemony,
        dynamic=dynamic,
        static=dynamic and not moved and bool(np.all(within)),
        breaks_dynamic=breaks_dynamic,
        breaks_static=breaks_dynamic or moved,
        trend_dynamic=bool(beyond[0]),
        trend_static=bool(np.any(beyond)),
    )


def classify(
    con: Sequence[float],
    b_max: Sequence[float],
    shares: np.ndarray,
    events: Sequence[int],
    wars: Sequence[int],
    states_alive: Sequence[int],
    **thresholds: float,
) -> str:
    """The most specific label one window shows on its own, before any confirmation (arguments as
    `judge`): universal_empire, hegemony, static, dynamic or not_converged."""
    if states_alive[-1] == 1:
        return "universal_empire"
    shown = judge(con, b_max, shares, events, wars, **thresholds)
    return next((name for name in HELD if getattr(shown, name)), "not_converged")


class ConvergenceTracker:
    """Judges each window of the last W steps and reports the label known at each step.

    A label (hegemony, static or dynamic) is entered once W + 1 consecutive windows showed it, i.e.
    it held over the 2W steps [t − 2W + 1, t]; a static window also shows dynamic. It is left on a
    break, or once W + 1 consecutive windows showed a trend beyond the tolerance. `label` is the most
    specific label held; `reached_at` its onset, the first step of the earliest window of the run of
    windows that entered it (None while not converged). Universal empire is reported from the step
    one state is left.
    """

    def __init__(self, window: int, **thresholds: float) -> None:
        if window < 3:
            raise ValueError(f"convergence window must be at least 3 steps, got {window}")
        self.window = window
        self.thresholds = thresholds
        self.steps_seen = 0
        # the last W steps, oldest first: CON, b_max, events, wars, states alive; shares W × N
        self.measures = np.zeros((5, window))
        self.shares: np.ndarray | None = None
        self.shown = dict.fromkeys(HELD, 0)  # consecutive windows, ending now, that showed each label
        self.trended = dict.fromkeys(HELD, 0)  # consecutive windows that showed a trend against it
        self.onset: dict[str, int | None] = dict.fromkeys(HELD)  # onset of each label held, else None
        self.label = "not_converged"
        self.reached_at: int | None = None

    def update(
        self,
        step: int,
        con: float,
        b_max: float,
        shares: np.ndarray,
        events: int,
        wars: int,
        states_alive: int,
    ) -> str:
        """Add one step's measures (`shares`: every state's share, 0 for the dead) and return the
        label known at this step."""
        if self.shares is None:
            self.shares = np.zeros((self.window, len(shares)))
        self.measures[:, :-1] = self.measures[:, 1:]
        self.measures[:, -1] = (con, b_max, events, wars, states_alive)
        self.shares[:-1] = self.shares[1:]
        self.shares[-1] = shares
        self.steps_seen += 1
        if states_alive == 1:
            if self.label != "universal_empire":
                self.label, self.reached_at = "universal_empire", step
            return self.label
        if self.steps_seen >= self.window:
            con_w, b_max_w, events_w, wars_w, _ = self.measures
            e = judge(con_w, b_max_w, self.shares, events_w, wars_w, **self.thresholds)
            shown = {"hegemony": e.hegemony, "static": e.static, "dynamic": e.dynamic}
            broken = {"hegemony": not e.hegemony, "static": e.breaks_static, "dynamic": e.breaks_dynamic}
            trend = {"hegemony": False, "static": e.trend_static, "dynamic": e.trend_dynamic}
            for name in HELD:
                self.shown[name] = self.shown[name] + 1 if shown[name] else 0
                self.trended[name] = self.trended[name] + 1 if trend[name] else 0
                if broken[name] or self.trended[name] > self.window:
                    self.onset[name] = None
                elif self.onset[name] is None and self.shown[name] > self.window:
                    self.onset[name] = step - self.shown[name] - self.window + 2
        held = [name for name in HELD if self.onset[name] is not None]
        self.label = held[0] if held else "not_converged"
        self.reached_at = self.onset[held[0]] if held else None
        return self.label
