"""Loading and plotting for the analysis notebooks: tables of outcomes with 95% intervals, and figures.

The notebooks in `notebooks/` call these so no code is copied between them:

    sweep = ensure_sweep("../runs/nb_equilibrium.toml")   # runs the sweep once, then reuses its folder
    runs = outcomes(load_sweep(sweep))                     # one row per successful run, outcome columns
    table = share_table(runs, ["n_states", "balancer_share"], "hegemony")
    phase_diagram(table, "balancer_share", "n_states")

Shares get Wilson score intervals, means mean ± 1.96 SE (the same as `bop report`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from model.equilibrium import TYPES
from model.experiment import load_experiment
from model.params import parse_mix
from model.report import mean_interval, run_outcomes, wilson
from model.store import read_manifest

STRUCTURES = ("multipolar", "bipolar", "unipolar", "hegemonic")


def ensure_sweep(experiment: str | Path, out: str | Path | None = None, workers: int | None = None) -> Path:
    """The sweep folder of an experiment file, running (or finishing) the sweep first if needed.

    `out` defaults to out/<name> beside the experiment file, as for `bop sweep`.
    """
    from model.sweep import run_sweep

    path = Path(experiment)
    exp = load_experiment(path)
    folder = Path(out) if out is not None else path.parent / "out" / exp.name
    manifest = read_manifest(folder)
    if manifest is None or manifest["status"] != "complete":
        run_sweep(exp, folder, text=path.read_text(), workers=workers, resume=manifest is not None)
    return folder


def balancer_share(mix: str) -> float:
    """Share of balancers in a strategy mix ('balance:0.7,bandwagon:0.3' -> 0.7)."""
    return parse_mix(mix).get("balance", 0.0)


def structure(b_max: float, polarity: int, hegemony_share: float = 0.5) -> str:
    """The world's structure at the end of a run: hegemonic (a bloc above the hegemony line), else by the
    number of poles (blocs holding at least polarity_threshold of all power)."""
    if b_max > hegemony_share:
        return "hegemonic"
    return {0: "unipolar", 1: "unipolar", 2: "bipolar"}.get(int(polarity), "multipolar")


def outcomes(runs: pd.DataFrame) -> pd.DataFrame:
    """Successful runs with per-run outcome columns added.

    equilibrium indicators `share_<type>`, `hegemony` (b_max above hegemony_share at the end),
    `essential_preserved` (as many essential actors at the end as at the start, E(T) >= E(0)),
    `essential_survived` (every state essential at the start is alive at the end), `time_to_equilibrium`
    (converged runs, else NaN), `converged`, `survival` (no universal empire and every original
    essential actor alive: Kaplan's system survives), `structure`, and `balancer_share` when the runs
    have a strategy mix.
    """
    ok = runs[runs["status"] == "ok"].reset_index(drop=True)
    derived = run_outcomes(ok).rename(columns={"hegemony_rate": "hegemony"})
    frame = pd.concat([ok.drop(columns=[c for c in derived if c in ok]), derived], axis=1)
    frame["converged"] = frame["equilibrium"] != "not_converged"
    frame["essential_survived"] = frame["essential_survivors"] >= frame["essential_initial"]
    frame["survival"] = (frame["equilibrium"] != "universal_empire") & frame["essential_survived"]
    frame["structure"] = [
        structure(b, p, h)
        for b, p, h in zip(frame["b_max"], frame["polarity"], frame["hegemony_share"], strict=True)
    ]
    if "strategy_mix" in frame:
        frame["balancer_share"] = [
            1.0 if s == "balance" else 0.0 if isinstance(s, str) else balancer_share(m)
            for s, m in zip(frame["strategy"], frame["strategy_mix"], strict=True)
        ]
    return frame


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


def interval_plot(
    table: pd.DataFrame,
    x: str,
    value: str = "share",
    hue: str | None = None,
    ax: Axes | None = None,
    ylabel: str | None = None,
    title: str | None = None,
) -> Figure:
    """`value` against `x` with its 95% interval (columns lo, hi), one line per `hue` level."""
    fig, ax = _axes(ax)
    groups = table.groupby(hue, sort=True) if hue else [(None, table)]
    categorical = not pd.api.types.is_numeric_dtype(table[x]) or pd.api.types.is_bool_dtype(table[x])
    levels = list(dict.fromkeys(table[x])) if categorical else None
    count = len(groups) if hue else 1
    steps = np.diff(np.unique(table[x].to_numpy(float))) if not categorical else []
    spacing = float(min(steps)) if len(steps) else 1.0
    for index, (level, group) in enumerate(groups):
        group = group.sort_values(x) if not categorical else group
        where = group[x].to_numpy(float) if not categorical else np.array([levels.index(v) for v in group[x]])
        if count > 1:  # side by side, so the intervals of different lines do not hide each other
            where = where + 0.2 * spacing * (index / (count - 1) - 0.5)
        mean = group[value].to_numpy(float)
        err = np.abs(np.vstack([mean - group["lo"].to_numpy(float), group["hi"].to_numpy(float) - mean]))
        ax.errorbar(
            where,
            mean,
            yerr=np.nan_to_num(err),
            fmt="o-" if not categorical else "o",
            capsize=3,
            label=f"{hue} = {_label(level)}" if hue else None,
        )
    if categorical:
        ax.set_xticks(range(len(levels)), [_label(v) for v in levels])
        ax.set_xlim(-0.5, len(levels) - 0.5)
    ax.set_xlabel(x)
    ax.set_ylabel(ylabel or value)
    if value == "share":
        ax.set_ylim(-0.03, 1.03)
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
    lo = table.pivot(index=y, columns=x, values="lo").loc[grid.index, grid.columns]
    hi = table.pivot(index=y, columns=x, values="hi").loc[grid.index, grid.columns]
    image = ax.imshow(grid.to_numpy(float), origin="lower", cmap="viridis", vmin=0, vmax=1, aspect="auto")
    for r in range(grid.shape[0]):
        for c in range(grid.shape[1]):
            v = grid.iat[r, c]
            if np.isfinite(v):
                ax.text(
                    c,
                    r,
                    f"{v:.2f}\n[{lo.iat[r, c]:.2f}, {hi.iat[r, c]:.2f}]",
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
    """Convergence curves (from `convergence_curves`): share of runs settled by each step, per `hue`."""
    fig, ax = _axes(ax)
    for level, group in curves.groupby(hue, sort=True):
        ax.step(group["step"], group["share"], where="post", label=f"{hue} = {_label(level)}")
    ax.set_xlabel("step (year)")
    ax.set_ylabel("share of runs in their final equilibrium")
    ax.set_ylim(-0.03, 1.03)
    ax.legend(fontsize="small")
    if title:
        ax.set_title(title, fontsize="medium")
    return fig


def panels(count: int, width: float = 5.0, height: float = 4.0) -> tuple[Figure, list[Axes]]:
    """A figure with `count` side-by-side panels, for several plots sharing a caption."""
    fig = Figure(figsize=(width * count, height), layout="constrained")
    axes = fig.subplots(1, count, squeeze=False)[0]
    return fig, list(axes)


def _axes(ax: Axes | None) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    return fig, fig.subplots()


def _tuple(key: object) -> tuple:
    return key if isinstance(key, tuple) else (key,)


def _label(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
