"""Tables of outcomes per group of runs, with 95% intervals (Wilson for shares, normal for means).

The notebooks and `bop.analysis.figures` read these; the outcome columns come from `bop.analysis.outcomes`:

    runs = outcomes(load_sweep(ensure_sweep("../runs/nb_equilibrium.toml")))
    table = share_table(runs, ["n_states", "balancer_share"], "hegemony")
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from bop.analysis.intervals import mean_interval, wilson
from model.equilibrium import TYPES


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


def convergence_curves(runs: pd.DataFrame, by: str | Sequence[str], steps: int) -> pd.DataFrame:
    """Per group, the share of runs whose final equilibrium held from step t or earlier, t = 0..steps."""
    keys = [by] if isinstance(by, str) else list(by)
    grid = np.arange(steps + 1)
    parts = []
    for key, group in runs.groupby(keys, sort=True):
        reached = group["converged_at"].where(group["equilibrium"] != "not_converged").astype(float)
        share = (reached.to_numpy()[None, :] <= grid[:, None]).mean(axis=1)
        parts.append(
            pd.DataFrame({**dict(zip(keys, _tuple(key), strict=True)), "step": grid, "share": share})
        )
    return pd.concat(parts, ignore_index=True)


def _tuple(key: object) -> tuple:
    return key if isinstance(key, tuple) else (key,)
