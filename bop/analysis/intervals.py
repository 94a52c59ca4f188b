"""Interval estimates for outcomes over replications: Wilson score for shares, normal for means."""

from __future__ import annotations

import math

import numpy as np

Z = 1.959964  # two-sided 95% normal quantile


def wilson(successes: int, n: int, z: float = Z) -> tuple[float, float]:
    """Wilson score interval of a proportion; (nan, nan) without observations."""
    if n == 0:
        return math.nan, math.nan
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_interval(values: np.ndarray, z: float = Z) -> tuple[float, float, float]:
    """Mean and its normal-approximation interval (clipped at 0 for non-negative values); the
    interval is nan for fewer than 2 values."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    if len(values) < 2:
        return mean, math.nan, math.nan
    half = z * float(values.std(ddof=1)) / math.sqrt(len(values))
    low = mean - half
    if values.min() >= 0:  # counts and durations: the interval stays where the quantity can be
        low = max(low, 0.0)
    return mean, low, mean + half
