"""The drawn views as Vega-Lite 5 specifications (plain dicts: the browser draws them with vega-embed).

- `world_map`: real scenarios on Natural Earth country outlines (each state's country filled in its
  bloc's colour, the focus state outlined), a random world on its plane; dots sized by power, this
  year's wars as red lines, the eliminated as grey crosses.
- `network`: the alliance network: a seeded spring layout, members joined to their bloc's leader
  (marked ★), hedging ties by strength when the model has them, this year's wars drawn apart in red.
- `share_bands`: each bloc's share of all power over time, stacked, with the hegemony line.
- `indicators`: b_max, s_max and CON against the hegemony line, N_eff and polarity, verdicts shaded.
- `focus_threat`: one state's felt threat over time against the entry and exit thresholds, and the
  bloc it stood in each year.
- `compare_lines`, `compare_bands`: two runs on shared axes.

Hover shows a tooltip (state, share, bloc, strategy, felt threat); the time charts and the plane and
network views zoom and pan (wheel, drag); each chart's "…" menu saves it as SVG or PNG. Time series
travel as columns (one list per field, flattened in the browser), which keeps the spec small and cheap
to build every step; a line marks the year shown on the year slider.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from agents.alliances import UNALIGNED
from bop.viz.atlas import ATLAS_URL
from bop.viz.data import Bands, War, Year, bloc_of, verdict_spans
from bop.viz.layout import Frame, fit_frame, place_labels

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
# Bloc colours by alliance id (cycled); greys are kept for states alone, the unaligned and the dead.
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf",
    "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173",
)  # fmt: skip
LONE_COLORS = ("#525252", "#737373", "#969696", "#3b3b3b", "#858585")
UNALIGNED_COLOR = "#d9d9d9"  # the "other unaligned" band
ALONE_COLOR = "#a3a3a3"  # an unaligned state's dot and outline: grey as its band, but not hidden
DEAD_COLOR = "#b0b0b0"
WAR_COLOR = "#e6001a"
EDGE = "#333333"
LAND = "#f1f1ee"
VERDICT_COLORS = {
    "static": "#2ca02c",
    "dynamic": "#1f77b4",
    "hegemony": "#d62728",
    "universal_empire": "#7b4173",
}
MIN_YEARS = 10  # time axes span at least this many years, so the first steps are not stretched
MAP_SIZE = (620, 340)
PLANE_SIZE = (430, 380)
NETWORK_SIZE = (430, 380)
TIME_WIDTH = 440
CONFIG = {
    "view": {"stroke": None},
    "axis": {"labelFontSize": 11, "titleFontSize": 11, "titleFontWeight": "normal"},
    "legend": {"labelFontSize": 11, "titleFontSize": 11, "symbolSize": 80},
    "title": {"fontSize": 13, "anchor": "start", "fontWeight": 600},
}
# vega-embed's options: draw as SVG (sharp, and its text is text); the "…" menu saves as SVG or PNG,
# with no source views and no link to the online editor.
EMBED = {
    "embedOptions": {
        "renderer": "svg",
        "actions": {"export": True, "source": False, "compiled": False, "editor": False},
    }
}


def bloc_color(alliance_id: int) -> str:
    """The colour of an alliance, the same on every view and every step; grey for a state alone."""
    return ALONE_COLOR if alliance_id == UNALIGNED else PALETTE[(alliance_id - 1) % len(PALETTE)]


def chart(**parts: Any) -> dict[str, Any]:
    """A top-level Vega-Lite spec with the shared config and export menu."""
    return {"$schema": SCHEMA, "config": CONFIG, "usermeta": EMBED, **parts}


def dot_size(share: np.ndarray) -> np.ndarray:
    """Dot areas (px²) by share of power: small states stay visible, the largest is about 44 px wide."""
    return 30 + 1500 * share


def dot_radius(share: np.ndarray) -> np.ndarray:
    return np.sqrt(dot_size(share) / math.pi)


def state_rows(names: list[str], strategy: Any, year: Year, xy: np.ndarray, country: list) -> list[dict]:
    """One row per living state: where, how big, its bloc and colour, rule, felt threat and its source."""
    rows = []
    for i in np.flatnonzero(year.alive):
        aid = int(year.membership[i])
        row = {
            "state": names[i],
            "x": round(float(xy[i, 0]), 4),
            "y": round(float(xy[i, 1]), 4),
            "size": round(float(dot_size(year.share[i])), 1),
            "share": round(float(year.share[i]), 4),
            "bloc": bloc_of(names, year, int(i)),
            "strategy": str(strategy[i]),
            "color": bloc_color(aid),
            "leader": bool(aid != UNALIGNED and year.leaders[aid] == i),
        }
        if year.felt is not None and year.source is not None:
            row["felt threat"] = round(float(year.felt[i]), 4)
            row["feared"] = names[year.source[i]] if year.source[i] >= 0 else "nobody"
        if country:
            row["id"] = country[i]
        rows.append(row)
    return rows


def tooltip(rows: list[dict]) -> list[dict[str, Any]]:
    """The tooltip fields: state, share, bloc, strategy and, when recorded, felt threat and its source."""
    fields = [
        {"field": "state", "type": "nominal"},
        {"field": "share", "type": "quantitative", "format": ".3f", "title": "share of power"},
        {"field": "bloc", "type": "nominal"},
        {"field": "strategy", "type": "nominal"},
    ]
    if rows and "felt threat" in rows[0]:
        fields += [
            {"field": "felt threat", "type": "quantitative", "format": ".3f"},
            {"field": "feared", "type": "nominal", "title": "threatened most by"},
        ]
    return fields


def label_order(year: Year, focus: int | None) -> list[int]:
    """Whose names go on first: the focus state, bloc leaders, then the rest by share of power."""
    living = np.flatnonzero(year.alive)
    by_share = [int(i) for i in living[np.argsort(-year.share[living], kind="stable")]]
    first = ([focus] if focus is not None and year.alive[focus] else []) + sorted(
        year.leaders.values(), key=lambda i: -year.share[i]
    )
    return list(dict.fromkeys(first + by_share))


def label_layers(
    names: list[str], year: Year, xy: np.ndarray, frame: Frame, focus: int | None, x: str, y: str
) -> list[dict]:
    """Text layers for the names that fit (see layout.place_labels); ★ marks a bloc's leader."""
    px = frame.to_px(xy)
    text = [("★ " if i in year.leaders.values() else "") + name for i, name in enumerate(names)]
    anchors = place_labels(
        px, dot_radius(year.share), text, label_order(year, focus), frame.width, frame.height
    )
    layers = []
    for align, bold in itertools.product(("left", "right"), (False, True)):
        chosen = [a for a in anchors if a[3] == align and (a[0] == focus) == bold]
        if not chosen:
            continue
        at = frame.to_data(np.array([[a[1], a[2]] for a in chosen]))
        values = [
            {x: round(float(p[0]), 4), y: round(float(p[1]), 4), "label": text[a[0]]}
            for a, p in zip(chosen, at, strict=True)
        ]
        mark = {"type": "text", "align": align, "baseline": "middle", "fontSize": 11}
        layers.append(
            {
                "data": {"values": values},
                "mark": {**mark, "fontWeight": "bold" if bold else "normal"},
                "encoding": {
                    **_position(x, y, None if x == "longitude" else frame),
                    "text": {"field": "label"},
                },
            }
        )
    return layers


def _position(x: str, y: str, frame: Frame | None = None) -> dict[str, Any]:
    """Encodings of a point: longitude/latitude on a map; x/y on a plane, with the scales fixed to the
    frame (so labels placed on the server land where they were placed) and no axes."""
    if x == "longitude":
        return {
            "longitude": {"field": x, "type": "quantitative"},
            "latitude": {"field": y, "type": "quantitative"},
        }
    if frame is None:
        return {"x": {"field": x, "type": "quantitative"}, "y": {"field": y, "type": "quantitative"}}
    return {
        "x": {
            "field": x,
            "type": "quantitative",
            "scale": {"domain": frame.x_domain, "nice": False, "zero": False},
            "axis": None,
        },
        "y": {
            "field": y,
            "type": "quantitative",
            "scale": {"domain": frame.y_domain, "nice": False, "zero": False},
            "axis": None,
        },
    }


def war_segments(wars: list[War], xy: np.ndarray) -> list[dict]:
    """This year's wars as segments: initiator to target thick, each ally to its side's leader thin."""
    rows = []
    for war in wars:
        pairs = [(war.initiator, war.target, 3.0)]
        for side, lead in ((war.attackers, war.initiator), (war.defenders, war.target)):
            pairs += [(k, lead, 1.2) for k in side if k != lead]
        for a, b, width in pairs:
            rows.append(
                {
                    "x": float(xy[a, 0]),
                    "y": float(xy[a, 1]),
                    "x2": float(xy[b, 0]),
                    "y2": float(xy[b, 1]),
                    "w": width,
                }
            )
    return rows


def _segment_layer(rows: list[dict], color: str, frame: Frame | None, dash: list[int] | None = None) -> dict:
    """A layer of straight segments (wars, alliance ties) between two points each; no frame: on a map."""
    encoding: dict[str, Any]
    if frame is None:
        encoding = {
            "longitude": {"field": "x", "type": "quantitative"},
            "latitude": {"field": "y", "type": "quantitative"},
            "longitude2": {"field": "x2"},
            "latitude2": {"field": "y2"},
        }
    else:
        encoding = {**_position("x", "y", frame), "x2": {"field": "x2"}, "y2": {"field": "y2"}}
    mark: dict[str, Any] = {"type": "rule", "color": color}
    if dash:
        mark["strokeDash"] = dash
    encoding["strokeWidth"] = {"field": "w", "type": "quantitative", "scale": None}
    if rows and "o" in rows[0]:
        encoding["opacity"] = {"field": "o", "type": "quantitative", "scale": None}
    return {"data": {"values": rows}, "mark": mark, "encoding": encoding}


def _dots(rows: list[dict], x: str, y: str, frame: Frame | None = None) -> dict:
    """The states as dots sized by power and filled with their bloc's colour; leaders ringed thick."""
    return {
        "data": {"values": rows},
        "mark": {"type": "circle", "opacity": 1, "stroke": EDGE},
        "encoding": {
            **_position(x, y, frame),
            "size": {"field": "size", "type": "quantitative", "scale": None},
            "color": {"field": "color", "type": "nominal", "scale": None},
            "strokeWidth": {"condition": {"test": "datum.leader", "value": 2.5}, "value": 0.8},
            "tooltip": tooltip(rows),
        },
    }


def _dead(
    names: list[str], year: Year, xy: np.ndarray, x: str, y: str, frame: Frame | None = None
) -> dict | None:
    dead = np.flatnonzero(~year.alive)
    if not len(dead):
        return None
    values = [{x: float(xy[i, 0]), y: float(xy[i, 1]), "state": names[i], "bloc": "eliminated"} for i in dead]
    return {
        "data": {"values": values},
        "mark": {"type": "point", "shape": "cross", "color": DEAD_COLOR, "filled": True, "size": 60},
        "encoding": {**_position(x, y, frame), "tooltip": [{"field": "state"}, {"field": "bloc"}]},
    }


def _legend_note(names: list[str], year: Year) -> str:
    """The subtitle: the blocs by leader and size, in the colours the chart uses (named in words)."""
    blocs = sorted(year.leaders, key=lambda a: -year.share[year.members(a)].sum())
    words = [f"{names[year.leaders[a]]} +{len(year.members(a)) - 1}" for a in blocs]
    return f"{len(blocs)} alliances" + (f": {', '.join(words)}" if words else "") + " · ★ leads its bloc"


def world_map(
    names: list[str],
    strategy: Any,
    year: Year,
    position: np.ndarray,
    geographic: bool,
    wars: list[War],
    focus: int | None,
    country: tuple | list = (),
) -> dict[str, Any]:
    """The map of one year (see the module docstring); `country` holds each state's outline id."""
    title = {"text": f"World in year {year.step}", "subtitle": _legend_note(names, year)}
    if not geographic:
        return _plane_map(names, strategy, year, position, wars, focus, title)
    width, height = MAP_SIZE
    lonlat = position[:, ::-1]  # positions of real worlds are (lat, lon)
    frame = fit_frame(lonlat, width, height, pad=8.0)
    centre = [frame.x0 + width / 2 / frame.kx, frame.y0 + height / 2 / frame.ky]
    projection = {
        "type": "equirectangular",
        "center": [round(centre[0], 4), round(centre[1], 4)],
        "scale": frame.kx * 180 / math.pi,  # d3's scale is pixels per radian
        "translate": [width / 2, height / 2],
    }
    rows = state_rows(names, strategy, year, lonlat, list(country))
    for row in rows:
        row["longitude"], row["latitude"] = row.pop("x"), row.pop("y")
    layers: list[dict] = []
    if country:
        fields = [
            "state",
            "share",
            "bloc",
            "strategy",
            "color",
            *(["felt threat", "feared"] if year.felt is not None else []),
        ]
        outlines = {"url": ATLAS_URL, "format": {"type": "topojson", "feature": "countries"}}
        looked_up = [
            {
                "lookup": "id",
                "from": {"data": {"values": [r for r in rows if r["id"]]}, "key": "id", "fields": fields},
            }
        ]
        layers.append(
            {
                "data": outlines,
                "mark": {
                    "type": "geoshape",
                    "fill": LAND,
                    "stroke": "#c8c8c8",
                    "strokeWidth": 0.5,
                    "clip": True,
                },
            }
        )
        layers.append(
            {
                "data": outlines,
                "transform": [*looked_up, {"filter": "isValid(datum.state)"}],
                "mark": {
                    "type": "geoshape",
                    "stroke": "#ffffff",
                    "strokeWidth": 0.6,
                    "clip": True,
                    "fillOpacity": 0.55,
                },
                "encoding": {
                    "color": {"field": "color", "type": "nominal", "scale": None},
                    "tooltip": tooltip(rows),
                },
            }
        )
        if focus is not None and country[focus]:
            layers.append(
                {
                    "data": outlines,
                    "transform": [{"filter": f"datum.id == '{country[focus]}'"}],
                    "mark": {
                        "type": "geoshape",
                        "fill": None,
                        "stroke": "#000000",
                        "strokeWidth": 2.2,
                        "clip": True,
                    },
                }
            )
    segments = war_segments(wars, lonlat)
    if segments:
        layers.append(_segment_layer(segments, WAR_COLOR, None))
    layers.append(_dots(rows, "longitude", "latitude"))
    dead = _dead(names, year, lonlat, "longitude", "latitude")
    if dead:
        layers.append(dead)
    layers += label_layers(names, year, lonlat, frame, focus, "longitude", "latitude")
    return chart(title=title, width=width, height=height, projection=projection, layer=layers)


def _plane_map(names, strategy, year, position, wars, focus, title) -> dict[str, Any]:
    width, height = PLANE_SIZE
    frame = fit_frame(position, width, height, pad=0.05)
    rows = state_rows(names, strategy, year, position, [])
    layers: list[dict] = []
    segments = war_segments(wars, position)
    if segments:
        layers.append(_segment_layer(segments, WAR_COLOR, frame))
    dots = _dots(rows, "x", "y", frame)
    dots["params"] = [_zoom("map_zoom")]
    layers.append(dots)
    dead = _dead(names, year, position, "x", "y", frame)
    if dead:
        layers.append(dead)
    layers += label_layers(names, year, position, frame, focus, "x", "y")
    return chart(title=title, width=width, height=height, layer=layers)


def _zoom(name: str, encodings: tuple[str, ...] = ("x", "y")) -> dict[str, Any]:
    """Zoom with the mouse wheel and pan by dragging; double-click resets."""
    return {"name": name, "select": {"type": "interval", "encodings": list(encodings)}, "bind": "scales"}


def network(
    names: list[str],
    strategy: Any,
    year: Year,
    layout: np.ndarray,
    wars: list[War],
    focus: int | None,
) -> dict[str, Any]:
    """The alliance network of one year (see the module docstring)."""
    width, height = NETWORK_SIZE
    frame = fit_frame(layout[year.alive] if year.alive.any() else layout, width, height, pad=0.12)
    rows = state_rows(names, strategy, year, layout, [])
    ties = []
    for aid, lead in year.leaders.items():
        for i in year.members(aid):
            if i != lead:
                ties.append(
                    {
                        "x": float(layout[i, 0]),
                        "y": float(layout[i, 1]),
                        "x2": float(layout[lead, 0]),
                        "y2": float(layout[lead, 1]),
                        "w": 1.6,
                        "color": bloc_color(aid),
                    }
                )
    layers: list[dict] = []
    if ties:
        layer = _segment_layer(ties, EDGE, frame)
        layer["encoding"]["color"] = {"field": "color", "type": "nominal", "scale": None}
        layer["mark"]["opacity"] = 0.7
        layers.append(layer)
    hedges = _hedge_segments(year, layout)
    if hedges:
        layers.append(_segment_layer(hedges, "#6b6b6b", frame, dash=[4, 3]))
    segments = war_segments(wars, layout)
    if segments:
        layers.append(_segment_layer(segments, WAR_COLOR, frame))
    dots = _dots(rows, "x", "y", frame)
    dots["params"] = [_zoom("network_zoom")]
    layers.append(dots)
    layers += label_layers(names, year, layout, frame, focus, "x", "y")
    note = "lines: member to its bloc's leader" + (", dashed: hedging ties" if hedges else "")
    note += ", red: this year's wars" if segments else ""
    title = {"text": f"Alliance network in year {year.step}", "subtitle": note}
    return chart(title=title, width=width, height=height, layer=layers)


def _hedge_segments(year: Year, layout: np.ndarray) -> list[dict]:
    """Hedging ties between living states, width and opacity by strength (the strongest tie = 1)."""
    if year.ties is None:
        return []
    ties = np.triu(np.asarray(year.ties, dtype=float), 1)
    ties[~year.alive, :] = 0
    ties[:, ~year.alive] = 0
    strongest = ties.max()
    if not strongest > 0:
        return []
    rows = []
    for i, j in zip(*np.nonzero(ties > 0), strict=True):
        s = float(ties[i, j] / strongest)
        rows.append(
            {
                "x": float(layout[i, 0]),
                "y": float(layout[i, 1]),
                "x2": float(layout[j, 0]),
                "y2": float(layout[j, 1]),
                "w": round(0.5 + 2.5 * s, 2),
                "o": round(0.25 + 0.6 * s, 2),
            }
        )
    return rows


# --- over time ------------------------------------------------------------------------------------
def _year_rule(shown: int) -> dict[str, Any]:
    """A vertical line at the year the other views show."""
    return {
        "data": {"values": [{"year": shown}]},
        "mark": {"type": "rule", "color": "#000000", "strokeDash": [2, 2], "strokeWidth": 1.2},
        "encoding": {"x": {"field": "year", "type": "quantitative"}},
    }


def _hegemony_rule(hegemony: float) -> list[dict[str, Any]]:
    return [
        {
            "data": {"values": [{"y": hegemony}]},
            "mark": {"type": "rule", "color": "#222222", "strokeDash": [6, 4]},
            "encoding": {"y": {"field": "y", "type": "quantitative"}},
        },
        {
            "data": {"values": [{"y": hegemony, "text": "hegemony line"}]},
            "mark": {
                "type": "text",
                "align": "left",
                "baseline": "bottom",
                "dx": 4,
                "dy": -2,
                "fontSize": 10,
            },
            "encoding": {
                "y": {"field": "y", "type": "quantitative"},
                "x": {"value": 0},
                "text": {"field": "text"},
            },
        },
    ]


def _x_years(last: int) -> dict[str, Any]:
    return {
        "field": "year",
        "type": "quantitative",
        "title": "year",
        "scale": {"domain": [0, max(last, MIN_YEARS)], "nice": False},
        "axis": {"tickMinStep": 1, "format": "d"},
    }


def band_colors(bands: Bands) -> list[str]:
    """Each band's colour: its alliance's, a grey per lone state, light grey for the other unaligned."""
    colors = []
    for k, key in enumerate(bands.keys):
        if key.startswith("A"):
            colors.append(bloc_color(int(key[1:])))
        elif key.startswith("S"):
            colors.append(LONE_COLORS[(k - sum(c.startswith("A") for c in bands.keys)) % len(LONE_COLORS)])
        else:
            colors.append(UNALIGNED_COLOR)
    return colors


def _band_layer(bands: Bands, last: int, run: str | None = None) -> dict[str, Any]:
    """Stacked areas of the bands (missing years imputed as 0 in the browser)."""
    values = {
        "year": bands.year.tolist(),
        "share": np.round(bands.share, 5).tolist(),
        "bloc": [bands.names[b] for b in bands.band],
        "order": bands.band.tolist(),
    }
    if run is not None:
        values["run"] = [run] * len(bands.year)
    return {
        "data": {"values": [values]},
        "transform": [
            {"flatten": list(values)},
            {
                "impute": "share",
                "key": "year",
                "groupby": ["bloc", "order", *(["run"] if run else [])],
                "value": 0,
            },
        ],
        "mark": {"type": "area", "interpolate": "step-after", "line": False},
        "encoding": {
            "x": _x_years(last),
            "y": {
                "field": "share",
                "type": "quantitative",
                "stack": "zero",
                "title": "share of all power",
                "scale": {"domain": [0, 1]},
            },
            "color": {
                "field": "bloc",
                "type": "nominal",
                "scale": {"domain": bands.names, "range": band_colors(bands)},
                "legend": {"title": None, "orient": "bottom", "columns": 4, "labelLimit": 140},
            },
            "order": {"field": "order", "type": "quantitative"},
            "tooltip": [
                {"field": "bloc", "type": "nominal"},
                {"field": "year", "type": "quantitative"},
                {"field": "share", "type": "quantitative", "format": ".3f"},
            ],
        },
    }


def share_bands(bands: Bands, shown: int, last: int, hegemony: float) -> dict[str, Any]:
    """Power shares by bloc over the run, the shown year marked."""
    layer = _band_layer(bands, last)
    layer["params"] = [_zoom("shares_zoom", ("x",))]
    title = {
        "text": "Power shares by bloc",
        "subtitle": "blocs named after their leaders; grey: states alone",
    }
    return chart(
        title=title, width=TIME_WIDTH, height=220, layer=[layer, *_hegemony_rule(hegemony), _year_rule(shown)]
    )


def indicators(frame: dict[str, np.ndarray], shown: int, hegemony: float) -> dict[str, Any]:
    """CON, b_max and s_max against the hegemony line (top), N_eff and polarity (bottom), verdicts shaded."""
    years = np.arange(len(frame["con"]))
    last = int(years[-1])
    spans = [
        {"from": a, "to": max(b, a + 0.5), "verdict": label.replace("_", " "), "color": VERDICT_COLORS[label]}
        for a, b, label in verdict_spans(frame["equilibrium"], frame.get("equilibrium_since"))
        if label in VERDICT_COLORS
    ]
    shade = {
        "data": {"values": spans},
        "mark": {"type": "rect", "opacity": 0.13},
        "encoding": {
            "x": {"field": "from", "type": "quantitative"},
            "x2": {"field": "to"},
            "color": {"field": "color", "type": "nominal", "scale": None},
            "tooltip": [
                {"field": "verdict"},
                {"field": "from", "title": "from year"},
                {"field": "to", "title": "to year"},
            ],
        },
    }

    def lines(
        names: dict[str, str], y_title: str, domain: list[float] | None, height: int, zoom: str
    ) -> dict[str, Any]:
        values = {"year": years.tolist(), **{k: np.round(frame[k], 5).tolist() for k in names}}
        y: dict[str, Any] = {"field": "value", "type": "quantitative", "title": y_title}
        if domain:
            y["scale"] = {"domain": domain}
        line = {
            "data": {"values": [values]},
            "transform": [{"flatten": list(values)}, {"fold": list(names), "as": ["measure", "value"]}],
            "mark": {"type": "line", "point": len(years) == 1, "interpolate": "linear"},
            "encoding": {
                "x": _x_years(last),
                "y": y,
                "color": {
                    "field": "measure",
                    "type": "nominal",
                    "scale": {"domain": list(names), "range": list(names.values())},
                    "legend": {"title": None, "orient": "bottom", "columns": 3},
                },
                "tooltip": [
                    {"field": "measure", "type": "nominal"},
                    {"field": "year", "type": "quantitative"},
                    {"field": "value", "type": "quantitative", "format": ".3f"},
                ],
            },
            "params": [_zoom(zoom, ("x",))],
        }
        return {"width": TIME_WIDTH, "height": height, "layer": [shade, line, _year_rule(shown)]}

    top = lines(
        {"b_max": "#d62728", "s_max": "#ff9896", "con": "#1f77b4"},
        "share / concentration",
        [0, 1],
        170,
        "top_zoom",
    )
    top["layer"][2:2] = _hegemony_rule(hegemony)
    bottom = lines({"n_eff": "#2ca02c", "polarity": "#9467bd"}, "poles", None, 110, "bottom_zoom")
    label = str(frame["equilibrium"][min(shown, last)]).replace("_", " ")
    title = {
        "text": f"Equilibrium indicators (year {shown}: {label})",
        "subtitle": "shaded: the detector's verdicts",
    }
    return chart(title=title, vconcat=[top, bottom], resolve={"scale": {"color": "independent"}})


def focus_threat(
    name: str,
    felt: np.ndarray,
    source: list[str],
    segments: list[dict],
    shown: int,
    entry: float,
    exit_: float,
) -> dict[str, Any]:
    """One state's felt threat over the run (with who posed it) against the thresholds, and below it the
    bloc it stood in each year."""
    years = list(range(len(felt)))
    values = {"year": years, "felt threat": np.round(felt, 5).tolist(), "threatened most by": source}
    line = {
        "data": {"values": [values]},
        "transform": [{"flatten": list(values)}],
        "mark": {"type": "line", "color": "#333333", "point": len(years) == 1},
        "encoding": {
            "x": _x_years(years[-1]),
            "y": {"field": "felt threat", "type": "quantitative", "title": "felt threat"},
            "tooltip": [
                {"field": "year"},
                {"field": "felt threat", "format": ".3f"},
                {"field": "threatened most by"},
            ],
        },
        "params": [_zoom("focus_zoom", ("x",))],
    }
    rules = {
        "data": {"values": [{"y": entry, "t": "threat entry"}, {"y": exit_, "t": "threat exit"}]},
        "mark": {"type": "rule", "strokeDash": [5, 3], "color": "#d62728"},
        "encoding": {
            "y": {"field": "y", "type": "quantitative"},
            "tooltip": [{"field": "t"}, {"field": "y"}],
        },
    }
    strip = {
        "width": 330,
        "height": 16,
        "data": {"values": segments},
        "mark": {"type": "rect"},
        "encoding": {
            "x": {**_x_years(years[-1]), "field": "from", "axis": None},
            "x2": {"field": "to"},
            "color": {"field": "color", "type": "nominal", "scale": None},
            "tooltip": [
                {"field": "bloc"},
                {"field": "from", "title": "from year"},
                {"field": "to", "title": "to year"},
            ],
        },
    }
    top = {"width": 330, "height": 120, "layer": [line, rules, _year_rule(shown)]}
    title = {"text": f"{name}: felt threat", "subtitle": "dashed red: threat entry and exit; strip: its bloc"}
    return chart(title=title, vconcat=[top, strip], spacing=4)


def compare_lines(frames: dict[str, dict[str, np.ndarray]], measures: list[str]) -> dict[str, Any]:
    """The chosen measures of two (or more) runs over time, one panel per measure, runs on shared axes."""
    columns: dict[str, list] = {"year": [], "run": [], **{m: [] for m in measures}}
    for run, frame in frames.items():
        n = len(frame[measures[0]])
        columns["year"] += list(range(n))
        columns["run"] += [run] * n
        for m in measures:
            columns[m] += np.round(np.asarray(frame[m], dtype=float), 5).tolist()
    last = max(len(f[measures[0]]) for f in frames.values()) - 1
    return chart(
        title={"text": "Two runs on shared axes", "subtitle": "one panel per measure; colour: run"},
        data={"values": [columns]},
        transform=[{"flatten": list(columns)}, {"fold": measures, "as": ["measure", "value"]}],
        facet={"row": {"field": "measure", "type": "nominal", "sort": measures, "title": None}},
        spec={
            "width": TIME_WIDTH,
            "height": 110,
            "mark": {"type": "line"},
            "encoding": {
                "x": _x_years(last),
                "y": {"field": "value", "type": "quantitative", "title": None},
                "color": {"field": "run", "type": "nominal", "scale": {"range": ["#1f77b4", "#d62728"]}},
                "tooltip": [{"field": "run"}, {"field": "year"}, {"field": "value", "format": ".3f"}],
            },
            "params": [_zoom("compare_zoom", ("x",))],
        },
        resolve={"scale": {"y": "independent"}},
    )


def compare_bands(bands: dict[str, Bands], last: int) -> dict[str, Any]:
    """Power shares by bloc of two runs side by side, on the same year and share axes."""
    panels = []
    for run, b in bands.items():
        panels.append({"title": run, "width": 330, "height": 180, "layer": [_band_layer(b, last)]})
    return chart(
        title="Power shares by bloc, side by side",
        hconcat=panels,
        resolve={"scale": {"color": "independent"}, "legend": {"color": "independent"}},
    )
