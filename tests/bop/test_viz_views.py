"""The drawn views without a browser: label placement, the network layout, the atlas and the specs.

Every spec is checked against the Vega-Lite 5 schema the page's vega-lite@5 ships (in Solara's asset
cache, filled by `make assets`; those checks are skipped without it, and `make test` fills it first).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from bop.viz import charts
from bop.viz.assets import cache_dir
from bop.viz.atlas import (
    ATLAS_URL,
    capital_countries,
    countries,
    decode_arcs,
    inside,
    locate,
    ring,
)
from bop.viz.components import MEASURES, membership_segments
from bop.viz.data import bloc_bands, bloc_of, series, wars_at, year_of
from bop.viz.layout import CHAR_PX, LINE_PX, fit_frame, network_layout, place_labels
from bop.viz.live import LiveModel
from tests.worlds import model, world

SCHEMA = cache_dir(None) / "vega-lite@5" / "build" / "vega-lite-schema.json"
# These read Solara's asset cache (the Vega-Lite schema, the world atlas), which `make test` fills before
# it runs them (make assets); they are marked `browser` so `make test-fast`, which fills nothing, leaves
# them out. A missing cache is a failure of setup, never a skip.
needs_assets = pytest.mark.browser


@pytest.fixture(autouse=True)
def asset_cache(request: pytest.FixtureRequest) -> None:
    """Fail, naming the fix, when a test that needs the asset cache finds it empty."""
    if request.node.get_closest_marker("browser") and not SCHEMA.is_file():
        pytest.fail(f"Solara's asset cache is empty ({SCHEMA.parent.parent}): run make assets")


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))


# --- frames and labels ----------------------------------------------------------------------------
def test_a_frame_maps_data_to_pixels_and_back():
    frame = fit_frame(np.array([[0.0, 0.0], [2.0, 1.0]]), 200, 200, pad=0.0)
    # one scale for both axes: min(200 / 2, 200 / 1) = 100 px per unit; the spare height is shared out
    assert frame.kx == frame.ky == 100 and frame.x0 == 0 and frame.y0 == -0.5
    px = frame.to_px(np.array([[0.0, 0.0], [2.0, 1.0]]))
    np.testing.assert_allclose(px, [[0, 150], [200, 50]])  # y grows upwards in data, down on screen
    np.testing.assert_allclose(frame.to_data(px), [[0, 0], [2, 1]])
    assert frame.x_domain == [0, 2] and frame.y_domain == [-0.5, 1.5]


def _box(anchor: tuple[int, float, float, str], text: list[str]) -> tuple[float, float, float, float]:
    i, x, y, align = anchor
    w = CHAR_PX * len(text[i])
    return (
        x if align == "left" else x - w,
        y - LINE_PX / 2,
        x + w if align == "left" else x,
        y + LINE_PX / 2,
    )


def test_labels_go_right_left_or_nowhere_and_never_overlap():
    text = ["Alpha", "Beta", "Gamma", "Delta"]
    # Alpha and Beta far apart; Gamma just right of Alpha's dot, so Alpha's right spot is taken by
    # Gamma's dot... Delta sits on Gamma, so no spot is free for it once the others are placed.
    px = np.array([[100.0, 100.0], [300.0, 100.0], [118.0, 100.0], [119.0, 100.0]])
    radius = np.array([5.0, 5.0, 5.0, 5.0])
    anchors = place_labels(px, radius, text, [0, 1, 2, 3], width=400, height=200)
    placed = {a[0]: a for a in anchors}
    assert placed[1][3] == "left" and placed[1][1] == 300 + 5 + 2  # Beta: to the right of its dot
    assert placed[0][3] == "right"  # Alpha: its right is Gamma's dot
    boxes = [_box(a, text) for a in anchors]
    for k, a in enumerate(boxes):
        for b in boxes[k + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
        for i, (x, y) in enumerate(px):  # no label covers another state's dot
            if i != anchors[k][0]:
                assert not (a[0] < x + 5 and x - 5 < a[2] and a[1] < y + 5 and y - 5 < a[3])
    assert len(anchors) < 4  # someone had no room


def test_labels_stay_inside_the_chart_and_stop_at_the_limit():
    px = np.array([[2.0, 50.0], [60.0, 50.0], [120.0, 50.0]])
    anchors = place_labels(px, np.full(3, 3.0), ["West", "Mid", "East"], [0, 1, 2], 200, 100, limit=2)
    assert len(anchors) == 2
    assert anchors[0][3] == "left"  # West cannot go left of x = 2
    assert all(_box(a, ["West", "Mid", "East"])[2] <= 200 for a in anchors)


def test_the_network_layout_is_seeded_and_pulls_members_to_their_leader():
    position = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, 0.5]])
    membership = np.array([1, 1, 1, -1, -1])
    alive = np.ones(5, dtype=bool)
    first = network_layout(position, membership, alive, {1: 0})
    np.testing.assert_array_equal(first, network_layout(position, membership, alive, {1: 0}))
    assert np.abs(first).max() <= 1 + 1e-9
    to_leader = np.linalg.norm(first[[1, 2]] - first[0], axis=1)
    to_loners = np.linalg.norm(first[[3, 4]] - first[0], axis=1)
    assert to_leader.max() < to_loners.min()
    ties = np.zeros((5, 5))
    ties[3, 4] = ties[4, 3] = 1.0  # a hedging tie pulls two loners together
    tied = network_layout(position, membership, alive, {1: 0}, ties)
    assert np.linalg.norm(tied[3] - tied[4]) < np.linalg.norm(first[3] - first[4])


# --- the atlas ------------------------------------------------------------------------------------
# Two unit squares side by side as a quantised topology: arcs in integer steps of 0.5 degrees from
# (10, 20); square "1" is [10, 11] x [20, 21], square "2" is [11, 12] x [20, 21] with a shared edge.
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
    "arcs": [
        [[2, 0], [0, 2]],  # shared edge, (11, 20) -> (11, 21)
        [[2, 2], [-2, 0], [0, -2], [2, 0]],  # (11, 21) -> (10, 21) -> (10, 20) -> (11, 20)
        [[2, 0], [2, 0], [0, 2], [-2, 0]],  # (11, 20) -> (12, 20) -> (12, 21) -> (11, 21)
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "id": "1", "properties": {"name": "West"}},
                {"type": "MultiPolygon", "arcs": [[[2, ~0]]], "id": "2", "properties": {"name": "East"}},
                {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "no id"}},
            ],
        }
    },
}


def test_topojson_arcs_are_decoded_to_degrees():
    arcs = decode_arcs(TOPOLOGY)
    np.testing.assert_allclose(arcs[0], [[11, 20], [11, 21]])
    np.testing.assert_allclose(ring(arcs, [2, ~0]), [[11, 20], [12, 20], [12, 21], [11, 21], [11, 20]])
    found = countries(TOPOLOGY)
    assert [(c.id, c.name) for c in found] == [("1", "West"), ("2", "East")]  # no id, no outline


def test_a_capital_takes_the_outline_around_it_or_a_near_one():
    west, east = countries(TOPOLOGY)
    square = west.polygons[0][0]
    assert inside((10.5, 20.5), square) and not inside((11.5, 20.5), square)
    points = [(10.5, 20.5), (11.5, 20.9), (12.4, 20.5), (15.0, 20.5)]
    # the third is 0.4 degrees east of East's edge (within NEAR), the fourth 3 degrees off
    assert locate([west, east], points) == ["1", "2", "2", None]


@needs_assets
def test_the_shipped_atlas_finds_the_countries_of_eurasia_2016():
    m = LiveModel(rng=1, scenario_name="eurasia-2016")
    ids = capital_countries(tuple(map(tuple, m.position[:, ::-1])))
    named = dict(zip(m.names, ids, strict=True))
    # ISO 3166 numeric codes: Kazakhstan 398, USA 840, China 156, Russia 643, UK 826
    assert named["Kazakhstan"] == "398" and named["USA"] == "840" and named["China"] == "156"
    assert named["Russia"] == "643" and named["UK"] == "826"
    assert None not in ids
    assert capital_countries(((0.0, 0.0),), Path("/nonexistent/atlas.json")) == ()


# --- specs ----------------------------------------------------------------------------------------
def _eurasia(steps: int = 12) -> LiveModel:
    m = LiveModel(rng=42, scenario_name="eurasia-2016", war=True, war_rate=0.5)
    for _ in range(steps):
        m.step()
    return m


def _layers(spec: dict) -> list[dict]:
    found = []
    for key in ("layer", "vconcat", "hconcat"):
        for part in spec.get(key, []):
            found += [part, *_layers(part)]
    return found


def test_the_map_of_a_real_scenario_fills_each_states_country_and_outlines_the_focus():
    m = _eurasia()
    year = year_of(m, 5)
    k = m.names.index("Kazakhstan")
    country = [str(i) for i in range(m.n)]
    spec = charts.world_map(m.names, m.strategy, year, m.position, True, [], k, country)
    layers = spec["layer"]
    shapes = [layer for layer in layers if layer["mark"]["type"] == "geoshape"]
    assert all(layer["data"]["url"] == ATLAS_URL for layer in shapes) and len(shapes) == 3
    filled = shapes[1]["transform"][0]["from"]["data"]["values"]
    assert [row["id"] for row in filled] == [country[i] for i in np.flatnonzero(year.alive)]
    assert shapes[2]["transform"] == [{"filter": f"datum.id == '{k}'"}]
    dots = next(layer for layer in layers if layer["mark"]["type"] == "circle")
    kaz = next(row for row in dots["data"]["values"] if row["state"] == "Kazakhstan")
    assert kaz["felt threat"] == pytest.approx(year.felt[k], abs=1e-4)
    assert kaz["bloc"] == bloc_of(m.names, year, k)
    assert {"felt threat", "strategy", "share", "bloc", "state"} <= {
        f["field"] for f in dots["encoding"]["tooltip"]
    }
    labels = [
        row["label"] for layer in layers if layer["mark"]["type"] == "text" for row in layer["data"]["values"]
    ]
    assert "Kazakhstan" in labels  # the focus state is always named first
    assert spec["projection"]["type"] == "equirectangular"
    json.dumps(spec)


def test_war_lines_are_drawn_only_for_the_year_shown():
    m = _eurasia(30)
    fought = [s for s in range(m.steps + 1) if wars_at(m, s)]
    assert fought, "seed 42 with war_rate 0.5 has wars in 30 years"
    quiet = next(s for s in range(m.steps + 1) if not wars_at(m, s))
    for step, expect in ((fought[0], True), (quiet, False)):
        year = year_of(m, step)
        spec = charts.network(m.names, m.strategy, year, m.position[:, ::-1], wars_at(m, step), None)
        red = [layer for layer in spec["layer"] if layer["mark"].get("color") == charts.WAR_COLOR]
        assert bool(red) == expect
        if expect:
            war = wars_at(m, step)[0]
            first = red[0]["data"]["values"][0]
            assert (first["x"], first["y"]) == tuple(m.position[war.initiator, ::-1]) and first["w"] == 3.0


def test_the_network_joins_members_to_their_leader_and_draws_ties_only_when_the_model_has_them():
    # B and C balance against A and consent to each other (a hedger would refuse an exclusive bloc)
    m = model(
        world([10.0, 2.0, 1.0], [(0, 0), (1, 0), (0, 0.5)], ["hedge", "balance", "balance"]),
        hedge_threshold=0.9,
    )
    m.step()
    year = year_of(m)
    layout = network_layout(m.position, year.membership, year.alive, year.leaders)
    spec = charts.network(m.names, m.strategy, year, layout, [], None)
    edges = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    assert len(edges) == 1 and len(edges[0]["data"]["values"]) == 1  # C to its leader B
    edge = edges[0]["data"]["values"][0]
    assert (edge["x"], edge["x2"]) == (layout[2, 0], layout[1, 0])
    leaders = [
        row["state"] for row in spec["layer"][-1 - len(_texts(spec))]["data"]["values"] if row["leader"]
    ]
    assert leaders == ["B"]
    tied = replace(year, ties=np.array([[0, 0.2, 0.8], [0.2, 0, 0], [0.8, 0, 0]]))
    dashed = [
        layer
        for layer in charts.network(m.names, m.strategy, tied, layout, [], None)["layer"]
        if "strokeDash" in layer["mark"]
    ]
    widths = sorted(row["w"] for row in dashed[0]["data"]["values"])
    assert widths == [pytest.approx(0.5 + 2.5 * 0.25, abs=0.01), 3.0]  # by strength: 0.2/0.8 and 0.8/0.8


def _texts(spec: dict) -> list[dict]:
    return [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]


@needs_assets
def test_every_spec_is_valid_vega_lite_5(validator):
    m = _eurasia(20)
    plane = LiveModel(rng=3, n_states=12)
    for _ in range(5):
        plane.step()
    k = m.names.index("Kazakhstan")
    year = year_of(m, 10)
    country = capital_countries(tuple(map(tuple, m.position[:, ::-1])))
    layout = network_layout(
        m.position[:, ::-1], year.membership, year.alive, year.leaders, np.full((m.n, m.n), 0.1)
    )
    frames = {
        run: {name: series(r, name) for name in ("b_max", "con")} for run, r in (("A", m), ("B", plane))
    }
    specs = {
        "map": charts.world_map(m.names, m.strategy, year, m.position, True, wars_at(m, 10), k, country),
        "plane": charts.world_map(
            plane.names, plane.strategy, year_of(plane, 2), plane.position, False, [], 0
        ),
        "network": charts.network(m.names, m.strategy, year, layout, wars_at(m, 10), k),
        "shares": charts.share_bands(bloc_bands(m, 10), 10, m.steps, 0.5),
        "indicators": charts.indicators({name: series(m, name) for name in MEASURES}, 10, 0.5),
        "focus": charts.focus_threat(
            "Kazakhstan", np.array([r.felt[k] for r in m.felt_history]), ["China"] * (m.steps + 1),
            membership_segments(m, k, 10), 10, 0.3, 0.15,
        ),
        "compare": charts.compare_lines(frames, ["b_max", "con"]),
        "compare_bands": charts.compare_bands({"A": bloc_bands(m), "B": bloc_bands(plane)}, m.steps),
    }  # fmt: skip
    for name, spec in specs.items():
        errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(spec)]
        assert not errors, (name, errors[:3])
        assert spec["$schema"].endswith("/v5.json")
        json.dumps(spec)
