"""The three drawn views as matplotlib Figures (never pyplot: figures are per session and per step).

- `MapPainter`: states at their positions, sized by power, coloured by bloc, ties to bloc leaders,
  wars as red lines, the eliminated greyed out.
- `SharesPainter`: each bloc's share of all power over time, stacked, with the hegemony line.
- `EquilibriumPainter`: CON and b_max against the hegemony line, N_eff and polarity, with the
  detector's verdict shaded.

A painter builds its figure once and, every step, updates only what changed: creating axes, ticks
and legends anew costs more than drawing them.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from agents.alliances import UNALIGNED
from bop.viz.data import alive_shares, bloc_history, bloc_leaders, series, wars_at
from model.model import BalanceOfPowerModel

# Bloc colours by alliance id (cycled); grey is kept for the unaligned and the eliminated.
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf",
    "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173",
)  # fmt: skip
UNALIGNED_COLOR = "#ffffff"
UNALIGNED_BAND = "#d9d9d9"
DEAD_COLOR = "#b0b0b0"
WAR_COLOR = "#e6001a"
EDGE = "#333333"
VERDICT_COLORS = {
    "static": "#2ca02c",
    "dynamic": "#1f77b4",
    "hegemony": "#d62728",
    "universal_empire": "#7b4173",
}
DPI = 80
MIN_YEARS = 10  # time axes span at least this many years, so the first steps are not stretched
LEGEND_BLOCS = 8


def bloc_color(alliance_id: int) -> str:
    """The colour of an alliance, the same on every view and every step."""
    return UNALIGNED_COLOR if alliance_id == UNALIGNED else PALETTE[(alliance_id - 1) % len(PALETTE)]


def plot_xy(model: BalanceOfPowerModel) -> tuple[np.ndarray, bool]:
    """Points to draw: (x, y) in a plane, or (lon, lat) when positions are (lat, lon); and which."""
    geographic = getattr(model, "units", "plane") == "km"
    return (model.position[:, ::-1] if geographic else model.position), geographic


class MapPainter:
    """The world now: who is where, how strong, with whom, and at war with whom."""

    def __init__(self, model: BalanceOfPowerModel) -> None:
        self.fig = Figure(figsize=(6.4, 4.4), dpi=DPI)
        self.xy, geographic = plot_xy(model)
        frame = (0.09, 0.1, 0.68, 0.82) if geographic else (0.01, 0.02, 0.76, 0.9)
        ax = self.ax = self.fig.add_axes(frame)
        self.ties = LineCollection([], linewidths=1.4, alpha=0.6, zorder=1)
        self.fronts = LineCollection([], colors=WAR_COLOR, zorder=2)
        ax.add_collection(self.ties)
        ax.add_collection(self.fronts)
        self.states = ax.scatter(self.xy[:, 0], self.xy[:, 1], edgecolors=EDGE, linewidths=0.8, zorder=3)
        self.dead = ax.scatter([], [], s=40, c=DEAD_COLOR, marker="X", zorder=3)
        self.labels = [
            ax.annotate(name, p, xytext=(5, 4), textcoords="offset points", fontsize=8, zorder=4)
            for name, p in zip(model.names, self.xy, strict=True)
        ]
        _frame_map(ax, self.xy, geographic)
        self.title = ax.set_title("", fontsize=11)
        self.legend_key: tuple | None = None
        self.legend: Legend | None = None

    def draw(self, model: BalanceOfPowerModel) -> Figure:
        """Update the figure to the model's current year."""
        xy, alive = self.xy, model.alive
        membership = model.alignments.membership
        leaders = bloc_leaders(model)
        alliances = model.alignments.alliances
        pairs = [(lead, i) for aid, lead in leaders.items() for i in alliances[aid].members if i != lead]
        self.ties.set_segments([(xy[a], xy[b]) for a, b in pairs])
        self.ties.set_color([bloc_color(int(membership[b])) for _, b in pairs])
        wars = wars_at(model, model.steps)
        fronts, widths = [], []
        for war in wars:  # initiator against target, thick; their allies joined to them, thin
            fronts.append((xy[war.initiator], xy[war.target]))
            widths.append(3.0)
            for side, lead in ((war.attackers, war.initiator), (war.defenders, war.target)):
                fronts.extend((xy[k], xy[lead]) for k in side if k != lead)
                widths.extend(1.0 for k in side if k != lead)
        self.fronts.set_segments(fronts)
        self.fronts.set_linewidth(widths or 1.0)

        sizes = np.where(alive, 25 + 2200 * alive_shares(model), 0.0)
        self.states.set_sizes(sizes)
        self.states.set_facecolor([bloc_color(int(m)) for m in membership])
        self.dead.set_offsets(xy[~alive] if (~alive).any() else np.empty((0, 2)))
        for label, is_alive in zip(self.labels, alive, strict=True):
            label.set_color("#222222" if is_alive else DEAD_COLOR)
        self.title.set_text(f"Year {model.steps}: {len(leaders)} alliances")
        self._legend(model, leaders, bool((~alive).any()), bool(wars))
        return self.fig

    def _legend(self, model: BalanceOfPowerModel, leaders: dict[int, int], dead: bool, war: bool) -> None:
        """Rebuild the legend only when the blocs (or the eliminated, or wars) on it change."""
        shown = list(leaders.items())[:LEGEND_BLOCS]
        key = (tuple(shown), dead, war)
        if key == self.legend_key:
            return
        self.legend_key = key
        handles = [_dot(bloc_color(aid), f"A{aid} ({model.names[lead]})") for aid, lead in shown]
        handles.append(_dot(UNALIGNED_COLOR, "unaligned"))
        if dead:
            handles.append(Line2D([], [], marker="X", ls="", color=DEAD_COLOR, label="eliminated"))
        if war:
            handles.append(Line2D([], [], color=WAR_COLOR, lw=2.6, label="war"))
        if self.legend is not None:
            self.legend.remove()
        self.legend = self.fig.legend(handles=handles, loc="upper right", fontsize=8, frameon=False)


def _dot(color: str, label: str) -> Line2D:
    return Line2D([], [], marker="o", ls="", mfc=color, mec=EDGE, label=label)


def _frame_map(ax: Axes, xy: np.ndarray, geographic: bool) -> None:
    """Axes limits with a margin. A plane keeps its proportions; a real map (lon, lat) is stretched to
    fill the frame, since capitals from Washington to Tokyo would otherwise be a thin strip."""
    low, high = xy.min(axis=0), xy.max(axis=0)
    pad = np.maximum((high - low) * 0.08, 2.0 if geographic else 0.05)
    ax.set_xlim(low[0] - pad[0], high[0] + pad[0])
    ax.set_ylim(low[1] - pad[1], high[1] + pad[1])
    if geographic:
        ax.set_aspect("auto")
        ax.tick_params(labelsize=7)
        ax.set_xlabel("longitude (°)", fontsize=8)
        ax.set_ylabel("latitude (°)", fontsize=8)
        ax.grid(True, color="#eeeeee", zorder=0)
    else:
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])


class SharesPainter:
    """Each bloc's share of all power over time, stacked (alliances by colour, unaligned grey on top)."""

    def __init__(self, model: BalanceOfPowerModel) -> None:
        self.fig = Figure(figsize=(6.4, 3.6), dpi=DPI)
        self.fig.subplots_adjust(left=0.1, right=0.97, top=0.9, bottom=0.14)
        ax = self.ax = self.fig.add_subplot()
        hegemony = model.params["hegemony_share"]
        ax.axhline(hegemony, color="#222222", ls="--", lw=1, zorder=3)
        ax.text(0.01, hegemony, " hegemony line", va="bottom", fontsize=8, transform=ax.get_yaxis_transform())
        ax.set_ylim(0, 1)
        ax.set_xlabel("year")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel("share of all power")
        ax.set_title("Power shares by bloc (grey: unaligned states)", fontsize=11)
        self.bands: list = []

    def draw(self, model: BalanceOfPowerModel) -> Figure:
        """Restack the bands up to the model's current year."""
        for band in self.bands:
            band.remove()
        history = bloc_history(model)
        colors = [bloc_color(int(a)) for a in history.ids] + [UNALIGNED_BAND]
        self.bands = self.ax.stackplot(
            history.steps, *history.shares.T, history.unaligned, colors=colors, linewidth=0
        )
        self.ax.set_xlim(0, max(history.steps[-1], MIN_YEARS))
        return self.fig


class EquilibriumPainter:
    """CON and b_max against the hegemony line (top); N_eff and polarity (bottom); verdict shaded."""

    def __init__(self, model: BalanceOfPowerModel) -> None:
        self.fig = Figure(figsize=(6.4, 4.6), dpi=DPI)
        self.fig.subplots_adjust(left=0.08, right=0.97, top=0.93, bottom=0.1, hspace=0.1)
        top, bottom = self.axes = self.fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
        self.lines = {
            "b_max": top.plot([], [], color="#d62728", lw=1.8, label="b_max (largest bloc)")[0],
            "s_max": top.plot([], [], color="#ff9896", lw=1.2, label="s_max (largest state)")[0],
            "con": top.plot([], [], color="#1f77b4", lw=1.8, label="CON (concentration)")[0],
            "n_eff": bottom.plot([], [], color="#2ca02c", lw=1.8, label="N_eff (effective poles)")[0],
            "polarity": bottom.plot([], [], color="#9467bd", lw=1.5, ds="steps-post", label="polarity")[0],
        }
        top.axhline(model.params["hegemony_share"], color="#222222", ls="--", lw=1, label="hegemony line")
        top.set_ylim(0, 1)
        for ax in self.axes:
            ax.legend(fontsize=8, loc="upper left", ncols=2, frameon=False)
        bottom.set_xlabel("year")
        bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
        self.title = top.set_title("", fontsize=11)
        self.spans: list = []

    def draw(self, model: BalanceOfPowerModel) -> Figure:
        """Extend the lines and the shading to the model's current year."""
        values = {name: series(model, name) for name in (*self.lines, "equilibrium")}
        steps = np.arange(len(values["con"]))
        for name, line in self.lines.items():
            line.set_data(steps, values[name])
            line.set_marker("o" if len(steps) == 1 else "")  # year 0 alone is a dot, not nothing
        bottom = self.axes[1]
        bottom.set_xlim(0, max(steps[-1], MIN_YEARS))
        bottom.set_ylim(0, max(values["n_eff"].max(), values["polarity"].max()) * 1.25)
        for span in self.spans:
            span.remove()
        self.spans = [span for ax in self.axes for span in _shade_verdicts(ax, values["equilibrium"])]
        label = model.tracker.label.replace("_", " ")
        since = f" since year {model.tracker.reached_at}" if model.tracker.reached_at is not None else ""
        self.title.set_text(f"Equilibrium: {label}{since}")
        return self.fig


def _shade_verdicts(ax: Axes, labels: np.ndarray) -> list:
    """Shade each run of steps the detector labelled an equilibrium, in that label's colour."""
    spans, start = [], 0
    for k in range(1, len(labels) + 1):
        if k == len(labels) or labels[k] != labels[start]:
            color = VERDICT_COLORS.get(str(labels[start]))
            if color is not None:
                spans.append(ax.axvspan(start, max(k - 1, start + 0.5), color=color, alpha=0.12, lw=0))
            start = k
    return spans


def map_figure(model: BalanceOfPowerModel) -> Figure:
    """The map of the model now, as a new figure."""
    return MapPainter(model).draw(model)


def shares_figure(model: BalanceOfPowerModel) -> Figure:
    """Power shares by bloc up to now, as a new figure."""
    return SharesPainter(model).draw(model)


def equilibrium_figure(model: BalanceOfPowerModel) -> Figure:
    """Equilibrium indicators up to now, as a new figure."""
    return EquilibriumPainter(model).draw(model)
