"""World structures: counterfactual redistributions of the great powers' capability (docs/scenarios.md).

A scenario file may name its great powers and a few structures, each a set of poles and the share
of the great powers' combined capability G the poles hold together (`[structures]`). A structure
changes the great powers' start capabilities only, and keeps G, so every other state's share of all
capability is the data's:

    p_k = π·G / |P|                      for each pole k ∈ P,
    p_k = (1 − π)·G · d_k / Σ_{j∈N} d_j  for each other great power k ∈ N (its data proportions),

with `d` the data's capabilities. The growth process, positions, revisionism, strategies and alliances
are untouched; under `growth_process=ou` each state reverts to its own start level, so the structure
is the world's long-run one (docs/ODD.md §5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DATA = "data"  # the structure of the data itself: no redistribution


@dataclass(frozen=True)
class Structure:
    """One counterfactual structure: its poles (state names) and their combined share π of G."""

    name: str
    poles: tuple[str, ...]
    share: float


def restructure(power: np.ndarray, great: Sequence[int], poles: Sequence[int], share: float) -> np.ndarray:
    """The capabilities with the great powers' total G redistributed: the `poles` hold `share`·G in
    equal parts, the other great powers (1 − `share`)·G in their own proportions; everyone else keeps
    their capability. `poles` ⊆ `great`; with share 1 every great power is a pole."""
    out = np.asarray(power, dtype=float).copy()
    great_idx = np.asarray(great, dtype=int)
    pole_idx = np.asarray(poles, dtype=int)
    rest = np.setdiff1d(great_idx, pole_idx)
    total = out[great_idx].sum()
    rest_total = out[rest].sum()
    out[pole_idx] = share * total / len(pole_idx)
    if len(rest):
        out[rest] = (1.0 - share) * total * out[rest] / rest_total
    return out
