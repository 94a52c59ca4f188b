"""The views as Solara components. Each draws one year of the run, `shown` (the present, or a past
year from the year slider), and builds its chart once per (model, year shown, step): the page
re-renders every step, the charts only when what they show changed."""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable
from typing import Any

import numpy as np
import solara
import solara.widgets

from agents.alliances import UNALIGNED
from bop.viz import charts
from bop.viz.atlas import capital_countries
from bop.viz.charts import VERDICT_COLORS
from bop.viz.data import (
    Year,
    bloc_bands,
    bloc_name,
    bloc_of,
    history,
    largest_bloc,
    latest_events,
    series,
    since,
    strategy_mix,
    wars_at,
    wars_of,
    year_of,
)
from bop.viz.layout import network_layout
from model.model import BalanceOfPowerModel

EVENT_LIMIT = 12
MEASURES = ("b_max", "s_max", "con", "n_eff", "polarity", "equilibrium", "equilibrium_since")


def reading(model: BalanceOfPowerModel) -> Any:
    """Hold the model still while a view reads it (a LiveModel may be stepping in another thread)."""
    lock = getattr(model, "lock", None)
    return lock if lock is not None else contextlib.nullcontext()


def build(make: Callable[[BalanceOfPowerModel], Any], model: BalanceOfPowerModel) -> Any:
    """`make(model)` with the model held still."""
    with reading(model):
        return make(model)


def use_spec(make: Callable[[BalanceOfPowerModel], Any], model: BalanceOfPowerModel, *keys: Any) -> Any:
    """What `make` builds, once per model and `keys` (the run's year among them), however often the
    page re-renders."""
    return solara.use_memo(lambda: build(make, model), dependencies=[model, *keys])


def geographic(model: BalanceOfPowerModel) -> bool:
    """Whether positions are (lat, lon) of real capitals rather than points in a plane."""
    return getattr(model, "units", "plane") == "km"


def focus_index(model: BalanceOfPowerModel, focus: str | None) -> int | None:
    return model.names.index(focus) if focus in model.names else None


def Chart(spec: dict, on_click: Callable[[Any], None] | None = None) -> Any:
    """A Vega-Lite chart (the widget behind solara.FigureAltair, given the spec itself: no Altair
    round trip, so no schema validation on every step)."""
    return solara.widgets.VegaLite.element(spec=spec, on_click=on_click, listen_to_click=on_click is not None)


def _clicked_state(on_focus: Callable[[str], None]) -> Callable[[Any], None]:
    """A click on a state (dot or outline) makes it the focus state."""

    def clicked(datum: Any) -> None:
        if isinstance(datum, dict) and datum.get("state"):
            on_focus(str(datum["state"]))

    return clicked


@solara.component
def WorldMap(
    model: BalanceOfPowerModel, steps: int, shown: int, focus: str | None, on_focus: Callable[[str], None]
) -> None:
    """Country outlines for real scenarios (the plane for a random world), dots, wars, the focus state."""

    def make(m: BalanceOfPowerModel) -> dict:
        year = year_of(m, shown)
        geo = geographic(m)
        country = capital_countries(tuple(map(tuple, m.position[:, ::-1]))) if geo else ()
        return charts.world_map(
            m.names, m.strategy, year, m.position, geo, wars_at(m, shown), focus_index(m, focus), country
        )

    Chart(use_spec(make, model, steps, shown, focus), on_click=_clicked_state(on_focus))


@solara.component
def Network(
    model: BalanceOfPowerModel, steps: int, shown: int, focus: str | None, on_focus: Callable[[str], None]
) -> None:
    """The alliance network of the year shown."""

    def make(m: BalanceOfPowerModel) -> dict:
        year = year_of(m, shown)
        where = m.position[:, ::-1] if geographic(m) else m.position
        layout = network_layout(where, year.membership, year.alive, year.leaders, year.ties)
        return charts.network(m.names, m.strategy, year, layout, wars_at(m, shown), focus_index(m, focus))

    Chart(use_spec(make, model, steps, shown, focus), on_click=_clicked_state(on_focus))


@solara.component
def PowerShares(model: BalanceOfPowerModel, steps: int, shown: int) -> None:
    """Each bloc's share of all power over the run."""

    def make(m: BalanceOfPowerModel) -> dict:
        return charts.share_bands(bloc_bands(m, shown), shown, m.steps, m.params["hegemony_share"])

    Chart(use_spec(make, model, steps, shown))


@solara.component
def EquilibriumIndicators(model: BalanceOfPowerModel, steps: int, shown: int) -> None:
    """CON, b_max, s_max, N_eff and polarity over the run, with the hegemony line and the verdicts."""

    def make(m: BalanceOfPowerModel) -> dict:
        frame = {name: series(m, name) for name in MEASURES}
        return charts.indicators(frame, shown, m.params["hegemony_share"])

    Chart(use_spec(make, model, steps, shown))


# --- the status card ------------------------------------------------------------------------------
def verdict(model: BalanceOfPowerModel, shown: int) -> str:
    """The detector's label in the year shown, and since when it held."""
    label = str(series(model, "equilibrium")[shown])
    reached = since(model, shown) if label != "not_converged" else None
    return label.replace("_", " ") + (f" since year {reached}" if reached is not None else "")


def status_rows(
    model: BalanceOfPowerModel, shown: int | None = None, steps: int | None = None
) -> list[tuple[str, str]]:
    """The status card's lines for the year shown (default: now) of a run at year `steps` (default:
    now) as (what, value) pairs, all read from the recorded history: that year's measures, its blocs
    and who leads them."""
    steps = model.steps if steps is None else steps
    shown = steps if shown is None else shown
    year = year_of(model, shown)
    m = {
        name: series(model, name)[shown]
        for name in ("states_alive", "essential_alive", "con", "n_eff", "polarity")
    }
    blocs = sorted(year.leaders, key=lambda a: -year.share[year.members(a)].sum())
    wars = int(series(model, "wars")[1 : shown + 1].sum())
    seed = getattr(model, "seed", None)
    rows = [
        ("Year", str(shown)),
        ("Equilibrium", verdict(model, shown)),
        ("Largest bloc", largest_bloc(model.names, year, model.params["hegemony_share"])),
        ("States alive", f"{m['states_alive']} of {model.states_initial}"),
        ("Essential actors", f"{m['essential_alive']} (at start {model.essential_initial})"),
        (
            "Alliances",
            f"{len(blocs)}"
            + (f" ({', '.join(bloc_name(model.names, year, a) for a in blocs)})" if blocs else ""),
        ),
        ("CON / N_eff / polarity", f"{m['con']:.3f} / {m['n_eff']:.2f} / {m['polarity']}"),
        ("Wars", f"{wars}" + (f" ({int(series(model, 'wars')[shown])} this year)" if shown else "")),
        ("Strategies", strategy_mix(model, year)),
        ("Parameters", _key_parameters(model.params)),
    ]
    if shown != steps:
        rows.insert(1, ("Run at", f"year {steps} (Step and Play go on from there)"))
    if seed is not None:
        rows.append(("Seed", str(seed)))
    return rows


def _key_parameters(p: dict[str, Any]) -> str:
    """The run's main switches and thresholds in one line."""
    war = ("war on" + (", restraint" if p["restraint"] else ", no restraint")) if p["war"] else "war off"
    return (
        f"threat entry {p['threat_entry']:g}, exit {p['threat_exit']:g}, hedge {p['hedge_threshold']:g}, "
        f"defection {p['defection_rate']:g}, {war}"
    )


def table(rows: list[tuple[str, str]], css_class: str, verdict_color: str = "") -> str:
    """Rows as an HTML table; with a colour, the Equilibrium row's value is a coloured badge."""

    def cell(what: str, value: str) -> str:
        if what == "Equilibrium" and verdict_color:
            return f'<span class="bop-verdict" style="background:{verdict_color}">{html.escape(value)}</span>'
        return html.escape(value)

    body = "".join(f"<tr><th>{html.escape(a)}</th><td>{cell(a, b)}</td></tr>" for a, b in rows)
    return f'<table class="{css_class}">{body}</table>'


STYLE = """
.bop-status, .bop-events, .bop-focus { border-collapse: collapse; font-size: 13px; width: 100%; }
.bop-status th, .bop-events th, .bop-focus th { text-align: left; padding: 2px 10px 2px 0;
  white-space: nowrap; vertical-align: top; font-weight: 600; }
.bop-status td, .bop-events td, .bop-focus td { padding: 2px 0; }
.bop-verdict { display: inline-block; padding: 0 10px; border-radius: 10px; color: white; font-weight: 600; }
.bop-command textarea, .bop-command input { font-family: monospace; font-size: 12px; }
.bop-value { min-width: 3.5em; text-align: right; font-variant-numeric: tabular-nums; font-size: 13px; }
"""


@solara.component
def StatusCard(model: BalanceOfPowerModel, steps: int, shown: int) -> None:
    """Year, equilibrium type, who holds the most power, states and essential actors, alliances, wars."""
    solara.Style(STYLE)
    with solara.Card("Status"):
        error = getattr(model, "param_error", None)
        if error:
            solara.Error(f"{error}. Showing the default world instead.")
        color, rows = use_spec(
            lambda m: (
                VERDICT_COLORS.get(str(series(m, "equilibrium")[shown]), "#888888"),
                status_rows(m, shown, steps),
            ),
            model,
            steps,
            shown,
        )
        solara.HTML(tag="div", unsafe_innerHTML=table(rows, "bop-status", color))


@solara.component
def EventLog(model: BalanceOfPowerModel, steps: int, shown: int) -> None:
    """The latest alliance (and war) events up to the year shown, newest first."""
    solara.Style(STYLE)
    rows = use_spec(lambda m: latest_events(m, EVENT_LIMIT, upto=shown), model, steps, shown)
    with solara.Card("Latest events" + (f" up to year {shown}" if shown != steps else "")):
        if not rows:
            solara.Text("No alliance or war events yet.")
        else:
            lines = [(f"year {r['step']}", ("⚔ " if r["kind"] == "war" else "") + r["text"]) for r in rows]
            solara.HTML(tag="div", unsafe_innerHTML=table(lines, "bop-events"))


# --- the focus state ------------------------------------------------------------------------------
def default_focus(model: BalanceOfPowerModel) -> str:
    """Kazakhstan where it is a state of the world (the question this model was built for), else the
    strongest state at the start."""
    if "Kazakhstan" in model.names:
        return "Kazakhstan"
    return model.names[int(np.argmax(model.state_history[0][0]))]


def focus_rows(model: BalanceOfPowerModel, year: Year, i: int) -> list[tuple[str, str]]:
    """What the focus panel says about state i in that year: its bloc, share, felt threat, ties, wars."""
    names = model.names
    rows = [
        ("Strategy", str(model.strategy[i])),
        ("Stands", bloc_of(names, year, i)),
        ("Share of power", f"{year.share[i]:.3f}"),
    ]
    aid = int(year.membership[i])
    if aid != UNALIGNED and year.alive[i]:
        partners = [names[k] for k in year.members(aid) if k != i]
        rows.append(("Allies", ", ".join(partners)))
    if year.felt is not None and year.source is not None:
        source = names[year.source[i]] if year.source[i] >= 0 else "nobody"
        rows.append(("Felt threat", f"{year.felt[i]:.3f}, most from {source}'s bloc"))
    if year.ties is not None:
        strength = np.asarray(year.ties[i], dtype=float)
        strongest = [k for k in np.argsort(-strength) if strength[k] > 0 and k != i][:4]
        rows.append(("Hedging ties", ", ".join(f"{names[k]} {strength[k]:.2f}" for k in strongest) or "none"))
    wars = wars_of(model, i, upto=year.step)
    listed = ", ".join(f"year {w.step} ({w.outcome.replace('_', ' ')})" for w in wars[-5:])
    rows.append(("Wars fought", f"{len(wars)}" + (f": {listed}" if wars else "")))
    return rows


def membership_segments(model: BalanceOfPowerModel, i: int, shown: int) -> list[dict]:
    """Runs of years in which state i stood in one bloc (alliance id or alone), for the focus strip;
    each named after the bloc's leader in the year shown (or the run's last year in it)."""
    _, membership, alive = history(model)
    column = np.where(alive[:, i], membership[:, i], -2)
    segments, start = [], 0
    for k in range(1, len(column) + 1):
        if k == len(column) or column[k] != column[start]:
            aid = int(column[start])
            t = min(max(shown, start), k - 1)
            year = year_of(model, t)
            if aid == -2:
                text, color = "eliminated", charts.DEAD_COLOR
            elif aid == UNALIGNED:
                text, color = "unaligned", charts.UNALIGNED_COLOR
            else:
                text, color = ("in " + bloc_name(model.names, year, aid)), charts.bloc_color(aid)
            segments.append({"from": start, "to": k, "bloc": text, "color": color})
            start = k
    return segments


@solara.component
def FocusPanel(
    model: BalanceOfPowerModel, steps: int, shown: int, focus: str | None, on_focus: Callable[[str], None]
) -> None:
    """One state's fortunes: its bloc and allies, felt threat over time, ties and wars."""
    solara.Style(STYLE)
    name = focus if focus in model.names else default_focus(model)
    i = model.names.index(name)

    def make(m: BalanceOfPowerModel) -> tuple[list, dict | None]:
        year = year_of(m, shown)
        rows = focus_rows(m, year, i)
        recorded = getattr(m, "felt_history", None)
        if not recorded:
            return rows, None
        felt = np.array([r.felt[i] for r in recorded])
        source = [m.names[r.source[i]] if r.source[i] >= 0 else "nobody" for r in recorded]
        spec = charts.focus_threat(
            name,
            felt,
            source,
            membership_segments(m, i, shown),
            shown,
            m.params["threat_entry"],
            m.params["threat_exit"],
        )
        return rows, spec

    rows, spec = use_spec(make, model, steps, shown, name)
    with solara.Card(f"Focus: {name}"):
        solara.Select("Focus state", value=name, values=list(model.names), on_value=on_focus)
        solara.HTML(tag="div", unsafe_innerHTML=table(rows, "bop-focus"))
        if spec is not None:
            Chart(spec)
