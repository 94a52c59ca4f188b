"""Tables of outcomes per group of runs with 95% intervals (Wilson for shares, Student t for means),
and paired differences between design points that share their seeds.

The notebooks and `bop.analysis.figures` read these; the outcome columns come from `bop.analysis.outcomes`:

    runs = outcomes(load_sweep(ensure_sweep("../runs/nb_equilibrium.toml")))
    table = share_table(runs, ["n_states", "balancer_share"], "hegemony")
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from bop.analysis.durations import duration_columns, kaplan_meier_median
from bop.analysis.intervals import mean_interval, paired_difference, wilson
from bop.analysis.outcomes import ALL_OUTCOMES, numeric
from model.equilibrium import TYPES


def estimate(runs: pd.DataFrame, name: str) -> tuple[float, float, float]:
    """One outcome over a group of successful runs, by the outcome's kind: (estimate, lo, hi) of a
    share (Wilson), a mean (Student t) or a duration's Kaplan-Meier median (inf: not reached)."""
    outcome = ALL_OUTCOMES[name]
    if outcome.kind == "duration":
        durations, observed = duration_columns(runs, name)
        return kaplan_meier_median(durations, observed)
    column = outcome.compute(runs) if len(runs) else pd.Series(dtype=float)
    if outcome.kind == "share":
        k, n = int(column.sum()), len(column)
        return (k / n if n else math.nan, *wilson(k, n))
    return mean_interval(column.dropna().to_numpy(float))


def share_table(runs: pd.DataFrame, by: str | Sequence[str], column: str) -> pd.DataFrame:
    """Per group: runs `n`, successes `k`, `share` of runs where `column` is true, Wilson `lo`, `hi`."""
    rows = []
    keys = [by] if isinstance(by, str) else list(by)
    for key, group in runs.groupby(keys, sort=True):
        values = group[column].astype(bool)
        k, n = int(values.sum()), len(values)
        lo, hi = wilson(k, n)
        rows.append(
            {**dict(zip(keys, _tuple(key), strict=True)), "n": n, "k": k, "share": k / n, "lo": lo, "hi": hi}
        )
    return pd.DataFrame(rows)


def mean_table(runs: pd.DataFrame, by: str | Sequence[str], column: str) -> pd.DataFrame:
    """Per group: non-missing values `n`, `mean` of `column` and its 95% interval `lo`, `hi`."""
    rows = []
    keys = [by] if isinstance(by, str) else list(by)
    for key, group in runs.groupby(keys, sort=True):
        values = group[column].dropna().astype(float).to_numpy()
        mean, lo, hi = mean_interval(values)
        rows.append(
            {**dict(zip(keys, _tuple(key), strict=True)), "n": len(values), "mean": mean, "lo": lo, "hi": hi}
        )
    return pd.DataFrame(rows)


def type_table(runs: pd.DataFrame, by: str | Sequence[str]) -> pd.DataFrame:
    """Per group and equilibrium type: the share of runs ending in it, with Wilson intervals (long form)."""
    parts = []
    for kind in TYPES:
        table = share_table(runs, by, f"share_{kind}")
        table.insert(0, "equilibrium", kind)
        parts.append(table)
    return pd.concat(parts, ignore_index=True)


def paired_table(
    runs: pd.DataFrame,
    factor: str,
    outcome: str,
    by: str | Sequence[str] = (),
    reference: object | None = None,
) -> pd.DataFrame:
    """Paired differences of `outcome` between each level of `factor` and its `reference` level
    (default: the first level), within each group of `by`.

    Runs are paired by replication: replication r has the same seed at every design point (common
    random numbers), so y(level, r) − y(reference, r) removes the run-to-run noise both share. A share
    counts as 0/1 and a duration at its censored value (`bop.analysis.outcomes.numeric`). Columns: the
    `by` keys, `factor`, `reference`, `n` pairs, `diff` and its Student t 95% interval `lo`, `hi`.
    Every other varied parameter must be in `by` (or fixed), else two runs would share a pair's slot.
    """
    keys = [by] if isinstance(by, str) else list(by)
    frame = runs.assign(_y=numeric(runs, outcome))
    levels = list(dict.fromkeys(sorted(frame[factor].unique(), key=sort_key)))
    base = levels[0] if reference is None else reference
    if base not in levels:
        raise ValueError(f"reference level {base!r} of {factor} is not in the runs; levels: {levels}")
    slot = [*keys, factor, "replication"]
    if frame.duplicated(slot).any():
        raise ValueError(
            f"several runs share one replication at a level of {factor}: "
            "add the other varied parameters to `by`"
        )
    rows = []
    for key, group in frame.groupby(keys, sort=True) if keys else [((), frame)]:
        y = group.pivot(index="replication", columns=factor, values="_y")
        for level in levels:
            if level == base or level not in y or base not in y:
                continue
            diff, lo, hi, n = paired_difference(y[level].to_numpy(float), y[base].to_numpy(float))
            labels = dict(zip(keys, _tuple(key), strict=True))
            rows.append(
                {**labels, factor: level, "reference": base, "n": n, "diff": diff, "lo": lo, "hi": hi}
            )
    return pd.DataFrame(rows)


def sort_key(value: object) -> tuple[int, float | str]:
    """Sort key that puts numbers in numeric order and anything else after, by its text."""
    if isinstance(value, (bool, np.bool_)):
        return (0, int(value))
    if isinstance(value, (int, float, np.integer, np.floating)):
        return (0, float(value))
    return (1, str(value))


def _tuple(key: object) -> tuple:
    return key if isinstance(key, tuple) else (key,)
