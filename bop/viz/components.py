"""The views as Solara components; each reads `update_counter` so SolaraViz redraws it every step."""

from __future__ import annotations

import contextlib
import html
import io
import time
from collections import Counter
from typing import Any

import ipywidgets
import matplotlib
import solara
from matplotlib.figure import Figure
from mesa.visualization.utils import update_counter

from bop.viz.data import bloc_leaders, latest_events
from bop.viz.figures import VERDICT_COLORS, EquilibriumPainter, MapPainter, SharesPainter
from model.model import BalanceOfPowerModel

EVENT_LIMIT = 12


def reading(model: BalanceOfPowerModel) -> Any:
    """Hold the model still while a view reads it (a LiveModel may be stepping in another thread)."""
    lock = getattr(model, "lock", None)
    return lock if lock is not None else contextlib.nullcontext()


def _build(make, model: BalanceOfPowerModel) -> Any:
    """`make(model)`, with the model held still."""
    with reading(model):
        return make(model)


def svg(figure: Figure) -> bytes:
    """The figure as SVG with text left as text: a third cheaper to make than a PNG, and sharp."""
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg")
    return buffer.getvalue()


def _draw(painter: Any, model: BalanceOfPowerModel) -> bytes:
    """The painter's figure for the model now, as SVG; the time it took goes to the model's pacer."""
    start = time.perf_counter()
    image = svg(_build(painter.draw, model))
    pacer = getattr(model, "pacer", None)
    if pacer is not None:
        pacer.drew(model.steps, time.perf_counter() - start)
    return image


def _figure(painter_class: type, model: BalanceOfPowerModel) -> None:
    """Keep one painter per model; draw once per step, however often the page re-renders."""
    painter = solara.use_memo(lambda: _build(painter_class, model), dependencies=[model])
    image = solara.use_memo(lambda: _draw(painter, model), dependencies=[model, model.steps])
    ipywidgets.Image.element(value=image, format="svg+xml")


@solara.component
def WorldMap(model: BalanceOfPowerModel) -> None:
    """States at their positions, sized by power, coloured by bloc, wars in red."""
    update_counter.get()
    _figure(MapPainter, model)


@solara.component
def PowerShares(model: BalanceOfPowerModel) -> None:
    """Each bloc's share of all power over time."""
    update_counter.get()
    _figure(SharesPainter, model)


@solara.component
def EquilibriumIndicators(model: BalanceOfPowerModel) -> None:
    """CON, b_max, N_eff and polarity over time, with the hegemony line."""
    update_counter.get()
    _figure(EquilibriumPainter, model)


def verdict(model: BalanceOfPowerModel) -> str:
    """The detector's current label, and since when it holds."""
    tracker = model.tracker
    since = f" since year {tracker.reached_at}" if tracker.reached_at is not None else ""
    return tracker.label.replace("_", " ") + since


def status_rows(model: BalanceOfPowerModel) -> list[tuple[str, str]]:
    """The status card's lines as (what, value) pairs."""
    s = model.summary()
    leaders = bloc_leaders(model)
    blocs = ", ".join(
        f"A{aid}: {model.names[lead]} +{len(model.alignments.alliances[aid].members) - 1}"
        for aid, lead in leaders.items()
    )
    mix = Counter(str(x) for x, alive in zip(model.strategy, model.alive, strict=True) if alive)
    return [
        ("Year", str(s["steps"])),
        ("Equilibrium", verdict(model)),
        ("States alive", f"{s['states_alive']} of {s['states_initial']}"),
        ("Essential actors", f"{s['essential_alive']} (at start {s['essential_initial']})"),
        ("Alliances", f"{s['alliances']}" + (f" ({blocs})" if blocs else "")),
        ("Largest bloc b_max", f"{s['b_max']:.3f}"),
        ("CON / N_eff / polarity", f"{s['con']:.3f} / {s['n_eff']:.2f} / {s['polarity']}"),
        ("Wars", str(s["wars"])),
        ("Strategies", ", ".join(f"{rule} {k}" for rule, k in sorted(mix.items()))),
        ("Parameters", _key_parameters(model.params)),
    ]


def _key_parameters(p: dict[str, Any]) -> str:
    """The run's main switches and thresholds in one line."""
    war = ("war on" + (", restraint" if p["restraint"] else ", no restraint")) if p["war"] else "war off"
    return (
        f"threat entry {p['threat_entry']:g}, exit {p['threat_exit']:g}, hedge {p['hedge_threshold']:g}, "
        f"defection {p['defection_rate']:g}, {war}"
    )


def _table(rows: list[tuple[str, str]], css_class: str, verdict_color: str = "") -> str:
    """Rows as an HTML table; with a colour, the Equilibrium row's value is a coloured badge."""

    def cell(what: str, value: str) -> str:
        if what == "Equilibrium" and verdict_color:
            return f'<span class="bop-verdict" style="background:{verdict_color}">{html.escape(value)}</span>'
        return html.escape(value)

    body = "".join(f"<tr><th>{html.escape(a)}</th><td>{cell(a, b)}</td></tr>" for a, b in rows)
    return f'<table class="{css_class}">{body}</table>'


STYLE = """
.bop-status, .bop-events { border-collapse: collapse; font-size: 13px; width: 100%; }
.bop-status th, .bop-events th { text-align: left; padding: 2px 10px 2px 0; white-space: nowrap;
  vertical-align: top; font-weight: 600; }
.bop-status td, .bop-events td { padding: 2px 0; }
.vue-grid-item img { max-width: 100%; height: auto; }
.bop-verdict { display: inline-block; padding: 0 10px; border-radius: 10px; color: white;
  font-weight: 600; }
"""


@solara.component
def StatusCard(model: BalanceOfPowerModel) -> None:
    """Equilibrium type, year, states and essential actors alive, alliances."""
    update_counter.get()
    solara.Style(STYLE)
    with solara.Card("Status"):
        error = getattr(model, "param_error", None)
        if error:
            solara.Error(f"{error}. Showing the default world instead.")
        with reading(model):
            color = VERDICT_COLORS.get(model.tracker.label, "#888888")
            rows = status_rows(model)
        solara.HTML(tag="div", unsafe_innerHTML=_table(rows, "bop-status", color))


@solara.component
def EventLog(model: BalanceOfPowerModel) -> None:
    """The latest alliance (and war) events, newest first."""
    update_counter.get()
    solara.Style(STYLE)
    rows = _build(lambda m: latest_events(m, EVENT_LIMIT), model)
    with solara.Card("Latest events"):
        if not rows:
            solara.Text("No alliance or war events yet.")
        else:
            lines = [(f"year {r['step']}", ("⚔ " if r["kind"] == "war" else "") + r["text"]) for r in rows]
            solara.HTML(tag="div", unsafe_innerHTML=_table(lines, "bop-events"))
