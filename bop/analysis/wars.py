"""War rates per dyad-year at risk, from the dyads log (`record_dyads`, docs/ODD.md §7.6).

Exposure-normalised: the rate in a bin is the crises (or wars) that started there over the dyad-years at
risk there, so a ratio that is merely common cannot look dangerous. Each rate has a Wilson interval, and
beside it the mean hazard q the model gave those dyad-years (what the rate would be if every drawn crisis
opened). Wilson treats dyad-years as independent draws; dyads of one run share its history, so read the
intervals as a lower bound of the uncertainty and compare settings paired by seed.

    dyads = load_steps("runs/out/my-sweep", "dyads")  # a sweep recording logs = ["dyads"], or m.dyads_frame()
    rate_table(dyads, "ratio")                       # war rate per bin of the bloc power ratio
    rate_table(dyads, "trend", event="crisis")       # crisis rate per bin of its yearly trend
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import cast

import pandas as pd

from bop.analysis.intervals import wilson

# Bins of the ratio ρ_ij, symmetric in ln ρ: [0.8, 1.25) is parity.
RATIO_BINS = (0.0, 0.25, 0.5, 0.8, 1.25, 2.0, 4.0, math.inf)
# Bins of the trend ρ̇_ij (yearly change of ln ρ_ij): falling, steady, rising.
TREND_BINS = (-math.inf, -0.05, -0.02, -0.005, 0.005, 0.02, 0.05, math.inf)
EVENTS = ("crisis", "war")


def rate_table(
    dyads: pd.DataFrame, by: str = "ratio", bins: Sequence[float] | None = None, event: str = "war"
) -> pd.DataFrame:
    """Per bin of `by` (`ratio`, `trend` or any numeric column; left-closed bins): `dyad_years` at risk,
    `events` (dyad-years whose crisis started, or was fought: `event`), `rate` = events / dyad_years, its
    Wilson `lo` and `hi`, and `hazard`, the mean q_ij of those dyad-years. Empty bins are kept (rate nan)."""
    if event not in EVENTS:
        raise ValueError(f"event must be one of {', '.join(EVENTS)}, got {event!r}")
    edges = list(bins if bins is not None else (RATIO_BINS if by == "ratio" else TREND_BINS))
    binned = pd.cut(dyads[by], edges, right=False)
    groups = dyads.groupby(binned, observed=False)
    counts = groups[event].agg(["size", "sum"])
    hazard = groups["hazard"].mean().to_numpy(float)
    rows = []
    for index, (key, (n, k)) in enumerate(counts.iterrows()):
        interval = cast(pd.Interval, key)
        lo, hi = wilson(int(k), int(n))
        rows.append(
            {
                "bin": str(interval),
                "low": interval.left,
                "high": interval.right,
                "dyad_years": int(n),
                "events": int(k),
                "rate": k / n if n else math.nan,
                "lo": lo,
                "hi": hi,
                "hazard": float(hazard[index]) if n else math.nan,
            }
        )
    return pd.DataFrame(rows)
