"""The unoptimised bloc numbering and churn, kept verbatim as the reference the lean kernels must match."""

from __future__ import annotations

import numpy as np

from agents.alliances import UNALIGNED


def bloc_labels(membership: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Reference: number the blocs with np.unique (unaligned states, by descending index, then alliances)."""
    n = len(membership)
    keys = np.where(membership != UNALIGNED, membership, -1 - np.arange(n))
    bloc_keys, labels = np.unique(keys, return_inverse=True)
    return bloc_keys >= 0, labels


def _pair_count(sizes: np.ndarray) -> int:
    return int(np.sum(sizes * (sizes - 1) // 2))


def churn(before: np.ndarray, after: np.ndarray) -> float:
    """Reference: Jaccard distance between the allied pairs of two memberships, through np.unique."""
    both = (before != UNALIGNED) & (after != UNALIGNED)
    pairs_before = _pair_count(np.unique(before[before != UNALIGNED], return_counts=True)[1])
    pairs_after = _pair_count(np.unique(after[after != UNALIGNED], return_counts=True)[1])
    joint = np.stack([before[both], after[both]], axis=1)
    shared = _pair_count(np.unique(joint, axis=0, return_counts=True)[1]) if both.any() else 0
    union = pairs_before + pairs_after - shared
    return 0.0 if union == 0 else 1.0 - shared / union


def fill(benefit: np.ndarray, cost: float, budget: float) -> np.ndarray:
    """Reference: hedging's water-filling by 100 halvings over every row (as before issue 19)."""

    def ties_at(nu: np.ndarray) -> np.ndarray:
        return np.clip((benefit - nu[:, None]) / (2.0 * cost), 0.0, 1.0)

    low = np.zeros(len(benefit))
    over = ties_at(low).sum(axis=1) > budget
    if over.any():
        high = np.where(over, benefit.max(axis=1, initial=0.0), 0.0)
        for _ in range(100):
            mid = (low + high) / 2
            too_much = ties_at(mid).sum(axis=1) > budget
            low = np.where(over & too_much, mid, low)
            high = np.where(over & ~too_much, mid, high)
        low = np.where(over, high, low)
    return ties_at(low)
