"""Censored durations, such as the time to equilibrium: Kaplan-Meier medians and curves (lifelines).

A run that has not settled by its horizon tells only that its time is longer; dropping it (a mean over
converged runs) or counting it at the horizon (a mean of censored values) makes the answer depend on
the horizon. The Kaplan-Meier estimator uses it as what it is, a right-censored observation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.utils import median_survival_times

from bop.analysis.intervals import LEVEL
from bop.analysis.outcomes import OUTCOMES


def _fit(durations: np.ndarray, observed: np.ndarray, level: float = LEVEL) -> KaplanMeierFitter:
    return KaplanMeierFitter(alpha=1 - level).fit(durations, event_observed=observed)


def kaplan_meier_median(
    durations: np.ndarray, observed: np.ndarray, level: float = LEVEL
) -> tuple[float, float, float]:
    """Kaplan-Meier median and its confidence interval (Brookmeyer-Crowley, from the pointwise
    log(-log) band lifelines gives); inf where the curve never falls to one half."""
    if len(durations) == 0:
        return math.nan, math.nan, math.nan
    fitter = _fit(np.asarray(durations, float), np.asarray(observed, bool), level)
    band = median_survival_times(fitter.confidence_interval_survival_function_)
    lo, hi = (float(v) for v in np.asarray(band, float).ravel()[:2])
    return float(fitter.median_survival_time_), lo, hi


def duration_columns(runs: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(durations, observed) of a duration outcome over successful runs."""
    outcome = OUTCOMES[name]
    if outcome.kind != "duration" or outcome.observed is None:
        raise ValueError(f"{name} is not a duration outcome")
    return outcome.compute(runs).to_numpy(float), outcome.observed(runs).to_numpy(bool)


def km_table(runs: pd.DataFrame, by: str | Sequence[str], name: str = "time_to_equilibrium") -> pd.DataFrame:
    """Per group: runs `n`, `events` (e.g. runs that converged), the Kaplan-Meier `median` and its
    95% interval `lo`, `hi` (inf: not reached within the horizon)."""
    keys = [by] if isinstance(by, str) else list(by)
    rows = []
    for key, group in runs.groupby(keys, sort=True):
        durations, observed = duration_columns(group, name)
        median, lo, hi = kaplan_meier_median(durations, observed)
        labels = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        rows.append(
            {**labels, "n": len(group), "events": int(observed.sum()), "median": median, "lo": lo, "hi": hi}
        )
    return pd.DataFrame(rows)


def km_curves(
    runs: pd.DataFrame, by: str | Sequence[str], steps: int, name: str = "time_to_equilibrium"
) -> pd.DataFrame:
    """Per group and step t = 0..steps: the share of runs settled by t, 1 − S(t), with its 95% band."""
    keys = [by] if isinstance(by, str) else list(by)
    grid = np.arange(steps + 1, dtype=float)
    parts = []
    for key, group in runs.groupby(keys, sort=True):
        durations, observed = duration_columns(group, name)
        fitter = _fit(durations, observed)
        survival = fitter.survival_function_at_times(grid).to_numpy(float)
        band = fitter.confidence_interval_survival_function_
        band = band.reindex(band.index.union(grid)).ffill().loc[grid].to_numpy(float)
        labels = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        parts.append(
            pd.DataFrame(
                {
                    **labels,
                    "step": grid.astype(int),
                    "settled": 1 - survival,
                    "lo": 1 - band[:, 1],
                    "hi": 1 - band[:, 0],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)
