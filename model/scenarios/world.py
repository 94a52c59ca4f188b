"""A world: the states a model starts from, as plain arrays (what every scenario builds)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class World:
    """Initial states of one run. Index i in every array is the same state."""

    names: list[str]
    power: np.ndarray  # > 0
    growth: np.ndarray  # yearly rate (fixed) or drift g_i (ou), docs/ODD.md §7.1
    position: np.ndarray  # (N, 2): x, y in a plane, or lat, lon for real worlds
    revisionism: np.ndarray  # in [0, 1]
    strategy: list[str]
    distance: np.ndarray  # (N, N) between capitals, in the world's units
    distance_scale: float  # default λ of the threat's distance decay, same units
    alliances: list[list[int]] = field(default_factory=list)  # initial alliances, by index
    units: str = "plane"
    # growth process (ou) of a real world, fitted on the years before its start; None: the parameters'
    reversion: float | None = None
    volatility: float | None = None
    anchored: bool = False  # each state reverts to its own start level, not to the common mean

    def __post_init__(self) -> None:
        n = len(self.names)
        self.power = np.asarray(self.power, dtype=float)
        self.growth = np.asarray(self.growth, dtype=float)
        self.position = np.asarray(self.position, dtype=float).reshape(n, 2)
        self.revisionism = np.asarray(self.revisionism, dtype=float)
        self.distance = np.asarray(self.distance, dtype=float)
        shapes = [len(self.power), len(self.growth), len(self.revisionism), len(self.strategy)]
        if any(k != n for k in shapes) or self.distance.shape != (n, n):
            raise ValueError(f"world arrays disagree on the number of states ({n})")
        if not np.all(self.power > 0):
            raise ValueError("every state needs power > 0")


def plane_distance(position: np.ndarray) -> np.ndarray:
    """Euclidean distances between points in a plane."""
    diff = position[:, None, :] - position[None, :, :]
    return np.sqrt((diff**2).sum(axis=-1))
