"""Growth of power and internal balancing as pure functions on numpy arrays (docs/ODD.md §7.1).

Each state has an economic base `e_i` and a military effort `a_i ≥ 0`; its power, the capability that
threat, war and every measure read, is `p_i = e_i · (1 + a_i)`. The economy follows the growth process:

    fixed:  Δ log e_i = g_i                                              (v1: one rate per state)
    ou:     Δ log e_i = g_i − κ (log e_i − mean_alive log e − ℓ_i) + σ ε_i,   ε_i ~ N(0, 1)

(Ornstein-Uhlenbeck in discrete time on log relative economy; `ℓ_i` is the state's own long-run
level, 0 in abstract worlds), minus the cost of arming `c · a_i`. A threatened state arms towards
`a*_i = a_max · min(τ_i, 1) · w_i`, where `τ_i` is its felt threat and `w_i` its share of the burden
among allies facing the same threat. The closed forms below are those of the process without
arming, drift differences or anchors (ODD §7.1): they are what the tests and the calibration check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.alliances import UNALIGNED

if TYPE_CHECKING:
    from agents.situation import Situation


# --- the growth process ------------------------------------------------------------------------
def log_increment(
    log_economy: np.ndarray,
    alive: np.ndarray,
    drift: np.ndarray | float,
    reversion: float,
    volatility: float,
    shocks: np.ndarray | None,
    anchor: np.ndarray | float = 0.0,
) -> np.ndarray:
    """One year's Δ log e of the OU process (0 for the dead); arrays may carry leading batch axes,
    the mean over living states is taken over the last axis. `shocks` None means σ = 0 (no draw)."""
    alive = np.broadcast_to(alive, log_economy.shape)
    x = np.where(alive, log_economy, 0.0)
    mean = x.sum(axis=-1, keepdims=True) / alive.sum(axis=-1, keepdims=True)
    step = drift - reversion * (x - mean - anchor)
    if shocks is not None:
        step = step + volatility * shocks
    return np.where(alive, step, 0.0)


def simulate(
    log_economy: np.ndarray,
    years: int,
    reversion: float,
    volatility: float,
    rng: np.random.Generator,
    drift: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Log economies of `years` years (the first is `log_economy`) under the OU process, all states
    alive, no arming: shape (years, *log_economy.shape). One standard-normal draw per state a year."""
    path = np.empty((years, *np.shape(log_economy)))
    path[0] = log_economy
    alive = np.ones(np.shape(log_economy)[-1], dtype=bool)
    for t in range(1, years):
        shocks = rng.standard_normal(np.shape(log_economy)) if volatility > 0 else None
        path[t] = path[t - 1] + log_increment(path[t - 1], alive, drift, reversion, volatility, shocks)
    return path


def stationary_sd(reversion: float, volatility: float, n: int) -> float:
    """Stationary sd of a state's log power relative to the mean of n states (ODD §7.1):
    Var y = σ²(1 − 1/n) / (κ(2 − κ)); infinite without reversion."""
    if reversion <= 0:
        return float("inf")
    return float(np.sqrt(volatility**2 * (1 - 1 / n) / (reversion * (2 - reversion))))


def autocorrelation(reversion: float, lag: int | np.ndarray) -> np.ndarray:
    """Correlation of relative log power `lag` years apart, φ^k with φ = 1 − κ (ODD §7.1)."""
    return np.asarray((1 - reversion) ** np.asarray(lag, dtype=float))


def change_sd(reversion: float, volatility: float, n: int, lag: int | np.ndarray) -> np.ndarray:
    """Stationary sd of the `lag`-year change of relative log power: sqrt(2 Var y (1 − φ^k)); with
    κ = 0 (a random walk) σ sqrt(k (1 − 1/n))."""
    k = np.asarray(lag, dtype=float)
    if reversion <= 0:
        return np.asarray(volatility * np.sqrt(k * (1 - 1 / n)))
    return np.asarray(
        stationary_sd(reversion, volatility, n) * np.sqrt(2 * (1 - autocorrelation(reversion, k)))
    )


def change_correlation(reversion: float, lag: int | np.ndarray) -> np.ndarray:
    """Stationary correlation of a state's `lag`-year change with its next `lag`-year change:
    −(1 − φ^k)/2 (ODD §7.1)."""
    return -(1 - autocorrelation(reversion, lag)) / 2


def catch_up(reversion: float, lag: int | np.ndarray) -> np.ndarray:
    """Stationary slope of the `lag`-year change of relative log power on its level: −(1 − φ^k)."""
    return -(1 - autocorrelation(reversion, lag))


# --- internal balancing --------------------------------------------------------------------------
def felt_threat(situation: Situation) -> np.ndarray:
    """The threat that drives arming: each deciding state's main threat τ_i (ODD §7.1). Arming reads
    threat through this one function, so a change to what a state feels changes what it arms."""
    return situation.tau


def burden_share(economy: np.ndarray, alliance: np.ndarray, main: np.ndarray) -> np.ndarray:
    """w_i = e_i / Σ e_j over i's allies facing the same main threat (i included); 1 when unaligned.

    Arrays are over the same deciding states; `main` labels the main-threat bloc (comparable across
    them, as in one Situation). Allies share the burden in proportion to their economies
    (Olson & Zeckhauser 1966)."""
    share = np.ones(len(economy))
    aligned = np.flatnonzero(alliance != UNALIGNED)
    if len(aligned):
        keys = np.stack([alliance[aligned], main[aligned]], axis=1)
        _, group = np.unique(keys, axis=0, return_inverse=True)
        group = group.ravel()
        total = np.bincount(group, weights=economy[aligned])
        share[aligned] = economy[aligned] / total[group]
    return share


def arming_target(threat: np.ndarray, share: np.ndarray, arming_max: float) -> np.ndarray:
    """The effort a state wants: a*_i = a_max · min(τ_i, 1) · w_i (ODD §7.1)."""
    return arming_max * np.clip(threat, 0.0, 1.0) * share


def arming_update(effort: np.ndarray, target: np.ndarray, rate: float) -> np.ndarray:
    """Effort moves a fraction `rate` of the way to its target each year (capability takes years)."""
    return effort + rate * (target - effort)
