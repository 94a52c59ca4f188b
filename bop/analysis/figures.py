"""Figures of outcome tables for the notebooks and `bop report`: intervals, phase diagrams, equilibrium
types, curves, and one outcome against a sweep's factors (`factor_figure`).

Matplotlib `Figure`s (never pyplot), so they work in notebooks and on servers alike.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bop.analysis.factors import Factor, Grouping, Level, summary
from bop.analysis.factors import group as group_runs
from bop.analysis.outcomes import OUTCOMES
from bop.analysis.tables import type_table
from model.equilibrium import TYPES


def interval_plot(
    table: pd.DataFrame,
    x: str,
    value: str = "share",
    hue: str | None = None,
    ax: Axes | None = None,
    ylabel: str | None = None,
    title: str | None = None,
    colors: dict[Any, str] | None = None,
) -> Figure:
    """`value` against `x` with its 95% interval (columns lo, hi), one line per `hue` level (in
    `colors[level]` when given, so a level keeps its colour across figures that lack some levels)."""
    fig, ax = _axes(ax)
    groups: list[tuple[Any, pd.DataFrame]] = list(table.groupby(hue, sort=True)) if hue else [(None, table)]
    categorical = not pd.api.types.is_numeric_dtype(table[x]) or pd.api.types.is_bool_dtype(table[x])
    levels: list[Any] = list(dict.fromkeys(table[x])) if categorical else []
    count = len(groups)
    steps = np.diff(np.unique(table[x].to_numpy(float))) if not categorical else np.array([])
    spacing = float(steps.min()) if len(steps) else 1.0
    for index, (level, group) in enumerate(groups):
        group = group.sort_values(x) if not categorical else group
        where = group[x].to_numpy(float) if not categorical else np.array([levels.index(v) for v in group[x]])
        if count > 1:  # side by side, so the intervals of different lines do not hide each other
            where = where + 0.2 * spacing * (index / (count - 1) - 0.5)
        # a median that is never reached (inf) is not drawn; an open upper bound is drawn to the point
        mean = np.where(np.isfinite(group[value].to_numpy(float)), group[value].to_numpy(float), np.nan)
        high = group["hi"].to_numpy(float)
        high = np.where(np.isfinite(high), high, mean)
        err = np.abs(np.vstack([mean - group["lo"].to_numpy(float), high - mean]))
        ax.errorbar(
            where,
            mean,
            yerr=np.nan_to_num(err),
            fmt="o-" if not categorical else "o",
            capsize=3,
            label=f"{hue} = {_label(level)}" if hue else None,
            color=colors.get(level) if colors else None,
        )
    if categorical:
        ax.set_xticks(range(len(levels)), [_label(v) for v in levels])
        ax.set_xlim(-0.5, len(levels) - 0.5)
    ax.set_xlabel(x)
    ax.set_ylabel(ylabel or value)
    if value == "share":
        ax.set_ylim(-0.03, 1.03)
    if value == "diff":  # a paired difference (bop.analysis.tables.paired_table): 0 is no effect
        ax.axhline(0.0, color="0.5", lw=0.8, zorder=0)
    if hue:
        ax.legend(fontsize="small")
    if title:
        ax.set_title(title, fontsize="medium")
    return fig


def phase_diagram(
    table: pd.DataFrame,
    x: str,
    y: str,
    value: str = "share",
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """A heat map of `value` over the (x, y) grid, each cell labelled 'value [lo, hi]'."""
    fig, ax = _axes(ax)
    grid = table.pivot(index=y, columns=x, values=value).sort_index()
    values = grid.to_numpy(float)
    lo = table.pivot(index=y, columns=x, values="lo").loc[grid.index, grid.columns].to_numpy(float)
    hi = table.pivot(index=y, columns=x, values="hi").loc[grid.index, grid.columns].to_numpy(float)
    image = ax.imshow(values, origin="lower", cmap="viridis", vmin=0, vmax=1, aspect="auto")
    for r in range(values.shape[0]):
        for c in range(values.shape[1]):
            v = values[r, c]
            if np.isfinite(v):
                ax.text(
                    c,
                    r,
                    f"{v:.2f}\n[{lo[r, c]:.2f}, {hi[r, c]:.2f}]",
                    ha="center",
                    va="center",
                    fontsize="x-small",
                    color="white" if v < 0.6 else "black",
                )
    ax.set_xticks(range(grid.shape[1]), [_label(v) for v in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [_label(v) for v in grid.index])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    fig.colorbar(image, ax=ax, label=value)
    if title:
        ax.set_title(title, fontsize="medium")
    return fig


def type_plot(runs: pd.DataFrame, by: str, ax: Axes | None = None, title: str | None = None) -> Figure:
    """Stacked shares of the equilibrium types per level of `by`."""
    fig, ax = _axes(ax)
    table = type_table(runs, by)
    levels = sorted(table[by].unique())
    bottom = np.zeros(len(levels))
    for kind in TYPES:
        share = table[table["equilibrium"] == kind].set_index(by).loc[levels, "share"].to_numpy(float)
        ax.bar(range(len(levels)), share, bottom=bottom, label=kind.replace("_", " "))
        bottom += share
    ax.set_xticks(range(len(levels)), [_label(v) for v in levels])
    ax.set_xlabel(by)
    ax.set_ylabel("share of runs")
    ax.legend(fontsize="x-small", loc="upper left", bbox_to_anchor=(1, 1))
    if title:
        ax.set_title(title, fontsize="medium")
    return fig


def curve_plot(curves: pd.DataFrame, hue: str, ax: Axes | None = None, title: str | None = None) -> Figure:
    """Kaplan-Meier curves (from `bop.analysis.durations.km_curves`): the share of runs settled by each
    step, 1 − S(t), with its 95% band, one line per `hue` level."""
    fig, ax = _axes(ax)
    for level, group in curves.groupby(hue, sort=True):
        (line,) = ax.step(group["step"], group["settled"], where="post", label=f"{hue} = {_label(level)}")
        ax.fill_between(
            group["step"], group["lo"], group["hi"], step="post", alpha=0.2, color=line.get_color()
        )
    ax.set_xlabel("step (year)")
    ax.set_ylabel("share of runs in their final equilibrium")
    ax.set_ylim(-0.03, 1.03)
    ax.legend(fontsize="small")
    if title:
        ax.set_title(title, fontsize="medium")
    return fig


KIND = {
    "share": "share of runs, Wilson 95% interval",
    "mean": "mean per run, Student t 95% interval",
    "duration": "Kaplan-Meier median, 95% interval (▲: not reached)",
}


def factor_figure(
    runs: pd.DataFrame,
    outcome: str,
    roles: dict[str, Factor],
    pooled: Sequence[str] = (),
    title: str | None = None,
) -> Figure:
    """One outcome of successful `runs` against the factors in `roles` (x, color, facet: from
    `bop.analysis.factors.choose`): an estimate and its 95% interval per group, numeric factors on a
    continuous axis; a factor with many values on x is binned, each bin's runs pooled (a line and a
    band), with each design point's own estimate as a faint dot. `pooled` names the varied factors
    the groups pool over."""
    groupings = {role: group_runs(runs, factor, role) for role, factor in roles.items()}
    table = summary(runs, outcome, groupings)
    xs = groupings.get("x")
    facets: list[Level | None] = list(groupings["facet"].levels) if "facet" in groupings else [None]
    colors: list[Level | None] = list(groupings["color"].levels) if "color" in groupings else [None]
    columns = min(4, len(facets))
    rows = math.ceil(len(facets) / columns)
    fig = Figure(figsize=(1.2 + 4.4 * columns, 1.2 + 3.4 * rows), layout="constrained")
    axes = list(fig.subplots(rows, columns, squeeze=False, sharex=True, sharey=True).ravel())
    low, ceiling = _value_range(runs, outcome, table)
    points = (
        summary(runs, outcome, {**groupings, "x": _by_value(runs, xs.factor)}) if xs and xs.binned else None
    )
    palette = _palette(groupings.get("color"), len(colors))
    for ax, facet in zip(axes, facets, strict=False):
        for index, color in enumerate(colors):
            keys = {"facet": facet, "color": color}
            mine = _select(table, keys)
            if mine.empty:
                continue
            where, mine = _positions(mine, xs, index, len(colors))
            label = None if color is None else color.label
            _draw(ax, where, mine, ceiling, palette[index], label, xs)
            if points is not None:  # each design point's own estimate, faint
                dots = _select(points, keys)
                dots = dots[np.isfinite(dots["estimate"].to_numpy(float))]
                ax.plot(
                    dots["x"], dots["estimate"], ".", color=palette[index], alpha=0.35, markersize=4, zorder=1
                )
        if facet is not None:
            ax.set_title(f"{roles['facet'].name} = {facet.label}", fontsize="medium")
        _x_axis(ax, xs)
    for ax in axes[len(facets) :]:
        ax.set_visible(False)
    pad = 0.04 * (ceiling - low)
    axes[0].set_ylim(low - pad, ceiling + pad)
    for ax in axes[: len(facets)]:
        if xs is not None and ax.get_subplotspec().is_last_row():
            ax.set_xlabel(xs.factor.name + (" (binned: the line pools each bin's runs)" if xs.binned else ""))
        if ax.get_subplotspec().is_first_col():
            ax.set_ylabel(textwrap.fill(OUTCOMES[outcome].label, 40), fontsize="small")
    if "color" in groupings:
        _legend(fig, axes[: len(facets)], colors, roles["color"].name)
    notes = [KIND[OUTCOMES[outcome].kind]] + ([f"pooled over {', '.join(pooled)}"] if pooled else [])
    fig.suptitle(f"{title + ': ' if title else ''}{outcome}\n" + "; ".join(notes), fontsize="medium")
    return fig


def _value_range(runs: pd.DataFrame, outcome: str, table: pd.DataFrame) -> tuple[float, float]:
    """The y range: shares 0-1; a duration up to its longest time (where 'not reached' is drawn);
    a mean from 0 (or below) to its highest upper bound."""
    kind = OUTCOMES[outcome].kind
    values = table[["estimate", "lo", "hi"]].to_numpy(float)
    values = values[np.isfinite(values)]
    if kind == "share":
        return 0.0, 1.0
    low = min(0.0, float(values.min())) if values.size else 0.0
    if kind == "duration":
        high = float(OUTCOMES[outcome].compute(runs).max()) if len(runs) else 1.0
    else:
        high = float(values.max()) if values.size else 1.0
    return low, high if high > low else low + 1.0


def _select(table: pd.DataFrame, keys: dict[str, Level | None]) -> pd.DataFrame:
    """The rows of one facet and one colour (a role that is not used selects everything)."""
    for role, level in keys.items():
        if level is not None:
            table = table[table[role] == level.key]
    return table


def _positions(
    rows: pd.DataFrame, xs: Grouping | None, index: int, count: int
) -> tuple[np.ndarray, pd.DataFrame]:
    """Where one colour's estimates go on the x axis, in the axis's order, side by side with the other
    colours' so that equal estimates and intervals do not hide each other."""
    shift = (index / (count - 1) - 0.5) if count > 1 else 0.0
    if xs is None:
        return np.array([0.4 * shift]), rows
    order = {lv.key: i for i, lv in enumerate(xs.levels)}
    rows = rows.assign(_order=rows["x"].map(order)).sort_values("_order")
    where = rows["x"].map({lv.key: lv.position for lv in xs.levels}).to_numpy(float)
    return where + 0.3 * _spacing(xs) * shift, rows


def _x_axis(ax: Axes, xs: Grouping | None) -> None:
    """Ticks: each category (slanted when long), each of a few numbers at its place, or a bounded
    number of ticks along a binned range."""
    if xs is None:
        ax.set_xticks([0.0], ["all runs"])
        ax.set_xlim(-1, 1)
    elif xs.binned:
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6))
    else:
        ax.set_xticks([lv.position for lv in xs.levels], [lv.label for lv in xs.levels])
        if not xs.continuous:
            ax.set_xlim(-0.5, len(xs.levels) - 0.5)
            if max(len(lv.label) for lv in xs.levels) * len(xs.levels) > 40:
                ax.tick_params(axis="x", labelrotation=30)
                for tick in ax.get_xticklabels():
                    tick.set_horizontalalignment("right")


def _legend(fig: Figure, axes: list[Axes], colors: list[Level | None], title: str) -> None:
    """One legend for the figure: each colour level once, in the factor's order."""
    handles: dict[str, Any] = {}
    for ax in axes:
        for handle, name in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(name, handle)
    order = [lv.label for lv in colors if lv is not None and lv.label in handles]
    fig.legend([handles[n] for n in order], order, title=title, loc="outside right upper", fontsize="small")


def _by_value(runs: pd.DataFrame, factor: Factor) -> Grouping:
    """A numeric factor grouped by its own values (each design point), whatever their number."""
    levels = tuple(Level(v, f"{v:g}", float(v)) for v in factor.values)
    return Grouping(factor, runs[factor.name], levels, binned=False)


def _spacing(xs: Grouping | None) -> float:
    """The smallest gap between two levels on the x axis (1 for categories)."""
    if xs is None or not xs.continuous:
        return 1.0
    gaps = np.diff(sorted(lv.position for lv in xs.levels))
    return float(gaps.min()) if len(gaps) else 1.0


def _palette(grouping: Grouping | None, count: int) -> list[Any]:
    """Colours of the colour factor's levels: a sequential map for a number, distinct ones for categories."""
    if grouping is not None and grouping.factor.numeric:
        return [colormaps["viridis"](v) for v in np.linspace(0.0, 0.85, count)]
    cycle = colormaps["tab10"]
    return [cycle(i % 10) for i in range(count)]


def _draw(
    ax: Axes,
    where: np.ndarray,
    rows: pd.DataFrame,
    ceiling: float,
    color: Any,
    label: str | None,
    xs: Grouping | None,
) -> None:
    """Estimates with their intervals: points and bars (joined along a numeric axis), or, binned, a line
    and a band; an estimate not reached (inf) as a hollow triangle at the ceiling, an open upper end
    drawn to it."""
    value = rows["estimate"].to_numpy(float)
    lo, hi = rows["lo"].to_numpy(float), rows["hi"].to_numpy(float)
    hi = np.where(np.isinf(hi), ceiling, hi)
    reached = np.isfinite(value)
    shown = np.where(reached, value, np.nan)
    if xs is not None and xs.binned:
        lower, upper = np.where(np.isnan(lo), shown, lo), np.where(np.isnan(hi), shown, hi)
        ax.fill_between(where, lower, upper, color=color, alpha=0.2, linewidth=0)
        ax.plot(where, shown, "o-", color=color, label=label, markersize=4)
    else:
        joined = xs is not None and xs.continuous and len(where) > 1
        err = np.abs(np.vstack([shown - lo, hi - shown]))
        ax.errorbar(
            where,
            shown,
            yerr=np.nan_to_num(err),
            fmt="o-" if joined else "o",
            capsize=3,
            color=color,
            label=label,
        )
    if (~reached).any():
        ax.plot(
            where[~reached],
            np.full((~reached).sum(), ceiling),
            "^",
            color=color,
            markerfacecolor="none",
            markersize=8,
        )


def panels(count: int, width: float = 5.0, height: float = 4.0, rows: int = 1) -> tuple[Figure, list[Axes]]:
    """A figure with `count` side-by-side panels (in each of `rows` rows; the axes row by row), for
    several plots sharing a caption."""
    fig = Figure(figsize=(width * count, height * rows), layout="constrained")
    axes = fig.subplots(rows, count, squeeze=False)
    return fig, list(axes.ravel())


def _axes(ax: Axes | None) -> tuple[Figure, Axes]:
    if ax is not None:
        figure = ax.get_figure(root=True)
        assert isinstance(figure, Figure)
        return figure, ax
    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    return fig, fig.subplots()


def _label(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
