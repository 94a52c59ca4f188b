"""Figures of outcome tables for the notebooks: intervals, phase diagrams, equilibrium types, curves.

Matplotlib `Figure`s (never pyplot), so they work in notebooks and on servers alike.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

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
