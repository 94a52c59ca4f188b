"""Where the map and the network put states and their names, decided on the server so it is cheap and
the same for everyone: a seeded network layout, and name labels placed so that none overlaps another
name or a state's dot (a state whose name does not fit is named by its tooltip only).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from agents.alliances import UNALIGNED

LAYOUT_SEED = 7  # the network layout's seed: the same world in the same year is drawn the same way
CHAR_PX = 6.4  # width of one character of an 11 px label, roughly
LINE_PX = 12.0
MAX_LABELS = 14


@dataclass(frozen=True)
class Frame:
    """A linear map between data (x, y) and the chart's pixels (y up in data, down on screen)."""

    x0: float  # data x at the left edge
    y0: float  # data y at the bottom edge
    kx: float  # pixels per data unit
    ky: float
    width: float
    height: float

    def to_px(self, xy: np.ndarray) -> np.ndarray:
        """Data points (k, 2) to pixels."""
        return np.column_stack([(xy[:, 0] - self.x0) * self.kx, self.height - (xy[:, 1] - self.y0) * self.ky])

    def to_data(self, px: np.ndarray) -> np.ndarray:
        """Pixels (k, 2) back to data points."""
        return np.column_stack([px[:, 0] / self.kx + self.x0, (self.height - px[:, 1]) / self.ky + self.y0])

    @property
    def x_domain(self) -> list[float]:
        return [self.x0, self.x0 + self.width / self.kx]

    @property
    def y_domain(self) -> list[float]:
        return [self.y0, self.y0 + self.height / self.ky]


def fit_frame(xy: np.ndarray, width: float, height: float, pad: float, *, equal: bool = True) -> Frame:
    """A frame showing every point with `pad` data units around them; with `equal`, one scale for both
    axes (a map or a layout keeps its proportions) and the spare room shared out on both sides."""
    low, high = xy.min(axis=0) - pad, xy.max(axis=0) + pad
    span = np.maximum(high - low, 1e-9)
    kx, ky = width / span[0], height / span[1]
    if equal:
        kx = ky = min(kx, ky)
    centre = (low + high) / 2
    return Frame(centre[0] - width / 2 / kx, centre[1] - height / 2 / ky, kx, ky, width, height)


def network_layout(
    position: np.ndarray,
    membership: np.ndarray,
    alive: np.ndarray,
    leaders: dict[int, int],
    ties: np.ndarray | None = None,
) -> np.ndarray:
    """(N, 2) positions in [-1, 1]² for the network: a spring layout (networkx, seeded) in which each
    member is tied to its bloc's leader and hedgers to the states they hedge with (by tie strength),
    started from the map positions, so a state stays near where it was when nothing changed."""
    span = np.ptp(position, axis=0)
    start = 2 * (position - position.min(axis=0)) / np.where(span > 0, span, 1.0) - 1
    graph = nx.Graph()
    living = np.flatnonzero(alive)
    graph.add_nodes_from(int(i) for i in living)
    for i in living:
        aid = int(membership[i])
        if aid != UNALIGNED and leaders.get(aid, i) != i:
            graph.add_edge(int(i), leaders[aid], weight=1.0)
    if ties is not None:
        rows, cols = np.nonzero(np.triu(ties, 1) > 0)
        for i, j in zip(rows, cols, strict=True):
            if alive[i] and alive[j] and not graph.has_edge(int(i), int(j)):
                graph.add_edge(int(i), int(j), weight=float(ties[i, j]))
    layout = np.array(start, dtype=float)
    if len(living) > 1:
        found = nx.spring_layout(
            graph, pos={int(i): start[i] for i in living}, seed=LAYOUT_SEED, iterations=60, weight="weight"
        )
        layout[living] = [found[int(i)] for i in living]
    return layout


def place_labels(
    px: np.ndarray,
    radius: np.ndarray,
    text: list[str],
    order: list[int],
    width: float,
    height: float,
    limit: int = MAX_LABELS,
) -> list[tuple[int, float, float, str]]:
    """Greedy label placement: in `order` (most important first), try the spots around each state's dot
    (right, left, then the four diagonals) and keep the first whose box stays inside the chart and
    overlaps no dot and no label already placed. Returns (state, x px, y px, "left" | "right") anchors:
    the text starts (left) or ends (right) there, vertically centred."""
    dots = np.column_stack([px[:, 0] - radius, px[:, 1] - radius, px[:, 0] + radius, px[:, 1] + radius])
    placed: list[np.ndarray] = []
    anchors: list[tuple[int, float, float, str]] = []
    for i in order:
        if len(anchors) >= limit:
            break
        w, h = CHAR_PX * len(text[i]), LINE_PX
        x, y, r = px[i, 0], px[i, 1], radius[i] + 2
        spots = [
            (x + r, y, "left"),
            (x - r, y, "right"),
            (x + 0.7 * r, y - 0.7 * r - h / 2, "left"),
            (x - 0.7 * r, y - 0.7 * r - h / 2, "right"),
            (x + 0.7 * r, y + 0.7 * r + h / 2, "left"),
            (x - 0.7 * r, y + 0.7 * r + h / 2, "right"),
        ]
        others = np.delete(dots, i, axis=0)
        for sx, sy, align in spots:
            box = np.array(
                [sx if align == "left" else sx - w, sy - h / 2, sx + w if align == "left" else sx, sy + h / 2]
            )
            if box[0] < 0 or box[1] < 0 or box[2] > width or box[3] > height:
                continue
            obstacles = np.vstack([others, *placed]) if placed else others
            if not _overlaps(box, obstacles).any():
                placed.append(box[None, :])
                anchors.append((int(i), float(sx), float(sy), align))
                break
    return anchors


def _overlaps(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Which of `boxes` (k, 4: left, top, right, bottom) overlap `box`."""
    return (boxes[:, 0] < box[2]) & (box[0] < boxes[:, 2]) & (boxes[:, 1] < box[3]) & (box[1] < boxes[:, 3])
