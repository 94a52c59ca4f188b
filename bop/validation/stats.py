"""The validation checks' statistics, as pure functions on numpy arrays (docs/validation.md).

- `dispersion_index`: variance over mean of yearly counts (1 for a Poisson process);
- `event_times`, `exponential_ks`: a count process's event times and a Kolmogorov-Smirnov test that
  its inter-arrival times are exponential with an estimated rate (Lilliefors: Monte Carlo null);
- `power_law`, `power_law_interval`: the Clauset-Shalizi-Newman maximum-likelihood power-law fit with
  its lower cut-off chosen by the KS distance, and a bootstrap interval of its slope;
- `inside_interval`: which observations fall inside a predictive interval of simulated draws;
- `rank_correlation`: Spearman's ρ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

MIN_TAIL = 10  # fewest observations a power-law tail may hold (a cut-off leaving fewer is not tried)


def dispersion_index(counts: np.ndarray) -> float:
    """Sample variance (ddof 1) over the mean of counts; nan when the mean is 0 or there are < 2 counts.

    A Poisson process gives 1 (its variance equals its mean): > 1 is clustering (overdispersion),
    < 1 regularity. (n − 1)·D is the classical χ²_{n−1} dispersion test statistic."""
    counts = np.asarray(counts, dtype=float)
    if len(counts) < 2 or counts.mean() == 0:
        return float("nan")
    return float(counts.var(ddof=1) / counts.mean())


def event_times(years: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Continuous event times from the integer years events were recorded in, sorted.

    Events recorded in year y happened in (y − 1, y]; given a Poisson process's count in a year its
    events are independent and uniform within it, so each is placed at y − 1 + U(0, 1). Without this,
    events of one year would be ties (inter-arrival 0) that no continuous law allows."""
    years = np.asarray(years, dtype=float)
    return np.sort(years - 1 + rng.random(len(years)))


@dataclass(frozen=True)
class KS:
    """A goodness-of-fit test: the KS distance, its p-value and the sample size."""

    statistic: float
    pvalue: float
    n: int


def exponential_ks(gaps: np.ndarray, rng: np.random.Generator, samples: int = 999) -> KS:
    """KS test that `gaps` are exponential with the rate estimated from them (scale = their mean).

    The rate is estimated from the same data, so the textbook KS p-value would be too large; the null
    distribution of the distance is simulated instead (Lilliefors 1969; `scipy.stats.goodness_of_fit`
    with `samples` Monte Carlo samples). nan for fewer than 3 gaps."""
    gaps = np.asarray(gaps, dtype=float)
    if len(gaps) < 3:
        return KS(float("nan"), float("nan"), len(gaps))
    result = stats.goodness_of_fit(
        stats.expon, gaps, known_params={"loc": 0.0}, statistic="ks", n_mc_samples=samples, rng=rng
    )
    return KS(float(result.statistic), float(result.pvalue), len(gaps))


@dataclass(frozen=True)
class PowerLaw:
    """A power-law fit of the tail x ≥ xmin: density ∝ x^(−alpha); `slope` = 1 − alpha is the slope
    of log₁₀ P(S > s) on log₁₀ s (Cederman's figure); `ks` the KS distance of the tail to the fit."""

    alpha: float
    xmin: float
    n_tail: int
    ks: float

    @property
    def slope(self) -> float:
        """Slope of the complementary cumulative distribution on log-log axes: −(alpha − 1)."""
        return 1.0 - self.alpha


def power_law(values: np.ndarray, min_tail: int = MIN_TAIL) -> PowerLaw:
    """Clauset, Shalizi & Newman (2009, SIAM Review 51(4): 661-703, §3) continuous power-law fit.

    For each candidate cut-off x_min (each distinct value leaving at least `min_tail` observations),
    the maximum-likelihood exponent of the tail is alpha = 1 + n / Σ ln(x_i / x_min) (their eq. 3.1),
    and the KS distance D = max |F_emp − F_fit| over the tail, F_fit(x) = 1 − (x / x_min)^(1 − alpha);
    the fit is the cut-off with the smallest D. Non-positive values are left out."""
    x = np.sort(np.asarray(values, dtype=float))
    x = x[x > 0]
    n = len(x)
    if n < min_tail:
        raise ValueError(f"a power-law fit needs at least {min_tail} positive values, got {n}")
    logs = np.log(x)
    above = np.cumsum(logs[::-1])[::-1]  # Σ_{j ≥ i} ln x_j
    first = np.flatnonzero(np.r_[True, x[1:] > x[:-1]])  # the first index of each distinct value
    best: PowerLaw | None = None
    for i in first[n - first >= min_tail]:
        tail = n - i
        spread = above[i] - tail * logs[i]
        if spread <= 0:
            continue
        alpha = 1.0 + tail / spread
        fitted = 1.0 - np.exp((1.0 - alpha) * (logs[i:] - logs[i]))
        ranks = np.arange(1, tail + 1) / tail  # F_emp at each tail point, and one step below it
        distance = float(max(np.max(np.abs(ranks - fitted)), np.max(np.abs(ranks - 1 / tail - fitted))))
        if best is None or distance < best.ks:
            best = PowerLaw(float(alpha), float(x[i]), int(tail), distance)
    if best is None:
        raise ValueError("no cut-off leaves a tail with distinct values to fit")
    return best


def power_law_interval(
    groups: Sequence[np.ndarray], rng: np.random.Generator, replicates: int, min_tail: int = MIN_TAIL
) -> tuple[float, float]:
    """95 % percentile bootstrap interval of the fitted slope, resampling `groups` with replacement
    (one group per independent unit: a war for the data, a run's wars for the model) and refitting,
    the cut-off included (CSN §3.5)."""
    slopes = []
    for _ in range(replicates):
        pick = rng.integers(0, len(groups), len(groups))
        sample = np.concatenate([groups[k] for k in pick])
        if np.sum(sample > 0) >= min_tail:
            slopes.append(power_law(sample, min_tail).slope)
    if not slopes:
        return float("nan"), float("nan")
    lo, hi = np.percentile(slopes, [2.5, 97.5])
    return float(lo), float(hi)


def inside_interval(draws: np.ndarray, observed: np.ndarray, level: float = 0.9) -> np.ndarray:
    """For each column of `draws` (runs × quantities), whether `observed` lies inside the central
    `level` predictive interval of the simulated values (the (1 − level)/2 and (1 + level)/2 quantiles)."""
    lo, hi = np.quantile(np.asarray(draws, dtype=float), [(1 - level) / 2, (1 + level) / 2], axis=0)
    observed = np.asarray(observed, dtype=float)
    return (observed >= lo) & (observed <= hi)


def rank_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's ρ: the Pearson correlation of the ranks (ties get their mean rank)."""
    return float(stats.spearmanr(a, b).statistic)
