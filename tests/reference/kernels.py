"""The unoptimised bloc numbering and churn, kept verbatim as the reference the lean kernels must match."""

from __future__ import annotations

import numpy as np

from agents.alliances import UNALIGNED
from agents.situation import Situation


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


def buck_catcher(s: Situation) -> np.ndarray:
    """Reference: buck-passing's catcher test, finding the standing states' main threats anew for each
    threat (as before issue 19)."""
    o = s.params["offence_defence"]
    result = np.zeros(len(s.rows), dtype=bool)
    standing = s.is_alliance[s.labels] & (s.power > 0)
    for m in np.unique(s.main[s.main >= 0]):
        q = np.flatnonzero(s.main == m)
        in_m = s.labels == m
        holds = s.bloc_power[s.labels] >= (1 + o) * s.bloc_power[m]
        k = np.flatnonzero(standing & ~in_m & holds)
        k = k[s.main_of(k) == m]
        if len(k) == 0:
            continue
        reach = s.distance[:, in_m].min(axis=1)  # every state's distance to the threat bloc
        i = s.rows[q]
        nearer = (reach[k][None, :] < reach[i][:, None]) & (k[None, :] != i[:, None])
        result[q] = nearer.any(axis=1)
    return result
