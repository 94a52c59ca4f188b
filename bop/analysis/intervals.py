"""Interval estimates over replications: Wilson score for shares, Student t for means, and paired
differences between design points that share their replication seeds (common random numbers)."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

LEVEL = 0.95
Z = float(stats.norm.ppf(0.5 + LEVEL / 2))  # 1.959964: the Wilson interval's normal quantile


def wilson(successes: int, n: int, z: float = Z) -> tuple[float, float]:
    """Wilson score interval of a proportion; (nan, nan) without observations."""
    if n == 0:
        return math.nan, math.nan
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def t_half_width(values: np.ndarray, level: float = LEVEL) -> float:
    """Half-width of the Student t interval of the mean of `values` (n − 1 degrees of freedom)."""
    n = len(values)
    return float(stats.t.ppf(0.5 + level / 2, n - 1)) * float(np.std(values, ddof=1)) / math.sqrt(n)


def mean_interval(values: np.ndarray, level: float = LEVEL) -> tuple[float, float, float]:
    """Mean and its Student t interval (clipped at 0 for non-negative values); the interval is nan
    for fewer than 2 values. With 6 replications t is 2.57, not the normal 1.96."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    if len(values) < 2:
        return mean, math.nan, math.nan
    half = t_half_width(values, level)
    low = mean - half
    if values.min() >= 0:  # counts and durations: the interval stays where the quantity can be
        low = max(low, 0.0)
    return mean, low, mean + half


def paired_difference(a: np.ndarray, b: np.ndarray, level: float = LEVEL) -> tuple[float, float, float, int]:
    """Mean of the paired differences a_r − b_r (replication r run with the same seed in both),
    its Student t interval, and the number of pairs. Pairs with a missing value are dropped."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    keep = np.isfinite(a) & np.isfinite(b)
    d = a[keep] - b[keep]
    if len(d) == 0:
        return math.nan, math.nan, math.nan, 0
    mean = float(d.mean())
    if len(d) < 2:
        return mean, math.nan, math.nan, len(d)
    half = t_half_width(d, level)
    return mean, mean - half, mean + half, len(d)
