"""The factors of a sweep (its varied parameters) as the axes of a figure: which goes on x, which is
the colour, which splits the facets, and how each is grouped.

A numeric factor sits on a continuous axis at its own values; one with many distinct values (a sampled
range) is cut into bins of about equal numbers of design points, and each bin's runs are pooled into
one estimate with its 95% interval (a binned smoother, with the same intervals as the table: Wilson,
Student t, Kaplan-Meier). Text and switches are categories. By default the factor with the most
levels goes on x, the next is the colour, a third the facets; any further factor is pooled over.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bop.analysis.tables import estimate, sort_key
from model.params import nearest, parse_mix, shown

ROLES = ("x", "color", "facet")
# More distinct values than this and a numeric factor is binned in that role (the x axis takes more).
BIN_ABOVE = {"x": 12, "color": 6, "facet": 6}
MAX_BINS = {"x": 8, "color": 4, "facet": 4}


@dataclass(frozen=True)
class Factor:
    """One varied parameter: its distinct values in order, and whether it is a number."""

    name: str
    values: tuple[Any, ...]
    numeric: bool

    @classmethod
    def of(cls, runs: pd.DataFrame, name: str) -> Factor:
        """The factor `name` as the runs have it."""
        column = runs[name]
        numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        values = tuple(sorted(column.dropna().unique().tolist(), key=sort_key))
        return cls(name, values, bool(numeric))


@dataclass(frozen=True)
class Level:
    """One group of a factor in a figure: its key, label and place on a numeric axis."""

    key: Any
    label: str
    position: float


@dataclass(frozen=True)
class Grouping:
    """A factor in one role: each run's group key, and the groups in order."""

    factor: Factor
    keys: pd.Series
    levels: tuple[Level, ...]
    binned: bool

    @property
    def continuous(self) -> bool:
        """Whether its levels sit on a continuous axis at their positions."""
        return self.factor.numeric


def group(runs: pd.DataFrame, factor: Factor, role: str) -> Grouping:
    """Group the runs by `factor` in `role`: by value, or, for a numeric factor with more values than the
    role takes, in at most MAX_BINS[role] bins of consecutive values, each holding about as many of the
    distinct values (design points) as the others."""
    column = runs[factor.name]
    if not (factor.numeric and len(factor.values) > BIN_ABOVE[role]):
        levels = tuple(
            Level(v, label(factor.name, v), float(v) if factor.numeric else float(i))
            for i, v in enumerate(factor.values)
        )
        return Grouping(factor, column, levels, binned=False)
    count = min(MAX_BINS[role], max(2, round(math.sqrt(len(factor.values)))))
    bins = np.array_split(np.asarray(factor.values, dtype=float), count)
    edges = [float(b[-1]) for b in bins]
    keys = pd.Series(np.searchsorted(edges, column.to_numpy(float)), index=runs.index)
    levels = tuple(
        Level(i, f"{_number(b[0])}–{_number(b[-1])}", float(column[keys == i].mean()))
        for i, b in enumerate(bins)
    )
    return Grouping(factor, keys, levels, binned=True)


def choose(
    runs: pd.DataFrame, varied: list[str], chosen: dict[str, str | None]
) -> tuple[dict[str, Factor], list[str]]:
    """The factor of each role (x, color, facet), those given first, the rest by most levels (file order
    among equals); and the varied factors left over, which the figure pools over."""
    for role, name in chosen.items():
        if name is not None and name not in varied:
            close = nearest(name, varied)
            hint = f"did you mean {close}? " if close else ""
            listed = ", ".join(varied) or "none"
            raise ValueError(f"--{role}: {shown(name)} is not varied in this sweep; {hint}varied: {listed}")
    given = [n for n in chosen.values() if n is not None]
    if len(set(given)) < len(given):
        raise ValueError(
            f"one factor in two roles: {', '.join(f'--{r} {n}' for r, n in chosen.items() if n)}"
        )
    factors = {name: Factor.of(runs, name) for name in varied}
    free = sorted((n for n in varied if n not in given), key=lambda n: -len(factors[n].values))
    roles: dict[str, Factor] = {}
    for role in ROLES:
        name = chosen.get(role) or (free.pop(0) if free else None)
        if name is not None:
            roles[role] = factors[name]
    return roles, free


def summary(runs: pd.DataFrame, outcome: str, groupings: dict[str, Grouping]) -> pd.DataFrame:
    """One row per combination of the roles' groups that holds runs: the keys (columns `x`, `color`,
    `facet`), runs `n`, `estimate`, `lo`, `hi` of `outcome` over its successful runs."""
    roles = list(groupings)
    frame = runs.assign(**{f"_{r}": groupings[r].keys for r in roles})
    rows = []
    groups = frame.groupby([f"_{r}" for r in roles], sort=False) if roles else [((), frame)]
    for key, part in groups:
        keys = key if isinstance(key, tuple) else (key,)
        value, lo, hi = estimate(part, outcome)
        rows.append(
            {**dict(zip(roles, keys, strict=True)), "n": len(part), "estimate": value, "lo": lo, "hi": hi}
        )
    return pd.DataFrame(rows)


def label(name: str, value: object) -> str:
    """A level as a tick or legend label: a switch as on/off, a number short (0.1, not
    0.10000000000000002), a strategy mix like 'balance:0.7,bandwagon:0.3' as 'bal .7 ban .3'."""
    if isinstance(value, bool | np.bool_):
        return "on" if value else "off"
    if isinstance(value, float | np.floating):
        return _number(float(value))
    if name == "strategy_mix":
        try:
            mix = parse_mix(str(value))
        except ValueError:
            return str(value)
        return " ".join(f"{rule[:3]} {w:.2g}".replace(" 0.", " .") for rule, w in mix.items())
    return str(value)


def _number(value: float) -> str:
    return f"{value:.3g}"
