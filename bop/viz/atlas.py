"""Country outlines for the world map: Natural Earth's 1:110m countries as TopoJSON (npm `world-atlas`).

The file comes into Solara's asset cache with the rest of the front end (`bop/viz/assets.py`, `make
assets`), never at run time; the browser loads it from there (`_solara/cdn/...`) and the server reads
the same file to find which outline belongs to which state: the country that contains the state's
capital (so a state is drawn as today's country around its capital: Austria for Austria-Hungary's
Vienna, Turkey for the Ottoman Empire's Constantinople). A capital that falls in no outline at this
resolution (a small island state) takes the nearest outline within `NEAR` degrees, or none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from bop.viz.assets import WORLD_ATLAS, cache_dir

ATLAS_FILE = "countries-110m.json"
ATLAS_URL = f"_solara/cdn/{WORLD_ATLAS}/{ATLAS_FILE}"  # relative to the page, as Solara serves it
NEAR = 1.5  # degrees: how far outside an outline a capital may be and still take it


@dataclass(frozen=True)
class Country:
    """One outline of the atlas: its id (ISO 3166 numeric, as the TopoJSON has it), name and rings."""

    id: str
    name: str
    polygons: list[list[np.ndarray]]  # each polygon: outer ring, then holes; rings as (k, 2) lon, lat


def atlas_path() -> Path:
    """Where the TopoJSON file sits in Solara's asset cache."""
    return cache_dir(None) / WORLD_ATLAS / ATLAS_FILE


def decode_arcs(topology: dict[str, Any]) -> list[np.ndarray]:
    """The topology's arcs as absolute (lon, lat) points: quantised arcs are delta-encoded, then
    scaled and translated by the topology's transform (TopoJSON specification, §2.1.2)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points = np.asarray(arc, dtype=float)
        if transform is not None:
            points = np.cumsum(points, axis=0) * transform["scale"] + transform["translate"]
        arcs.append(points)
    return arcs


def ring(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray:
    """A ring from its arc indices; ~k is arc k reversed, and each next arc repeats the last point."""
    parts = [arcs[k] if k >= 0 else arcs[~k][::-1] for k in indices]
    return np.concatenate([parts[0], *(part[1:] for part in parts[1:])])


def countries(topology: dict[str, Any], layer: str = "countries") -> list[Country]:
    """Every outline of one layer of the topology, with an id (features without one are skipped)."""
    arcs = decode_arcs(topology)
    found = []
    for geometry in topology["objects"][layer]["geometries"]:
        if "id" not in geometry or geometry["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [[ring(arcs, r) for r in polygon] for polygon in polygons]
        found.append(Country(str(geometry["id"]), geometry.get("properties", {}).get("name", ""), rings))
    return found


def inside(point: tuple[float, float], ring_xy: np.ndarray) -> bool:
    """Whether (lon, lat) lies inside a closed ring, by counting the edges a ray to the east crosses."""
    x, y = point
    x0, y0 = ring_xy[:-1, 0], ring_xy[:-1, 1]
    x1, y1 = ring_xy[1:, 0], ring_xy[1:, 1]
    spans = (y0 > y) != (y1 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
    return bool(np.count_nonzero(spans & (x < crossing)) % 2)


def contains(country: Country, point: tuple[float, float]) -> bool:
    """Inside one of the country's polygons and outside that polygon's holes."""
    return any(inside(point, p[0]) and not any(inside(point, h) for h in p[1:]) for p in country.polygons)


def distance(country: Country, point: tuple[float, float]) -> float:
    """Degrees from the point to the country's nearest boundary vertex (a cheap nearness for `NEAR`)."""
    xy = np.concatenate([r for p in country.polygons for r in p])
    return float(np.min(np.hypot(xy[:, 0] - point[0], xy[:, 1] - point[1])))


def locate(atlas: list[Country], points: list[tuple[float, float]]) -> list[str | None]:
    """The id of the country containing each (lon, lat) point, else of the nearest within NEAR, else None."""
    found: list[str | None] = []
    for point in points:
        hit = next((c.id for c in atlas if contains(c, point)), None)
        if hit is None:
            near = min(atlas, key=lambda c: distance(c, point), default=None)
            if near is not None and distance(near, point) <= NEAR:
                hit = near.id
        found.append(hit)
    return found


@cache
def load_atlas(path: Path) -> list[Country]:
    """The atlas file, decoded once per server."""
    return countries(json.loads(path.read_text()))


@cache
def capital_countries(points: tuple[tuple[float, float], ...], path: Path | None = None) -> tuple:
    """`locate` on the shipped atlas, remembered per set of capitals (one per scenario); () when the
    atlas is not in the cache (the map then draws the capitals without outlines)."""
    path = path if path is not None else atlas_path()
    if not path.is_file():
        return ()
    return tuple(locate(load_atlas(path), list(points)))
