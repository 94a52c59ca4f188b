"""Equilibrium measures (docs/ODD.md §7.7) as pure functions of arrays, so each can be checked by hand."""

from __future__ import annotations

import numpy as np

from agents.alliances import UNALIGNED, bloc_labels


def shares(power: np.ndarray) -> np.ndarray:
    """Each state's share of total power."""
    return power / power.sum()


def bloc_shares(share: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """Share of each bloc: every alliance, and every unaligned state on its own."""
    _, labels = bloc_labels(membership)
    return np.bincount(labels, weights=share)


def essential(share: np.ndarray, essential_share: float) -> np.ndarray:
    """Which states are essential actors. Transfers capped by restraint leave a state exactly on the
    line, so the test allows for rounding (a relative 1e-9)."""
    return share >= essential_share * (1 - 1e-9)


def hhi(share: np.ndarray) -> float:
    """Herfindahl-Hirschman index: the sum of squared shares."""
    return float(np.sum(share**2))


def n_eff(share: np.ndarray) -> float:
    """Effective number of poles, 1 / HHI: over states given state shares, over blocs given bloc shares."""
    return 1.0 / hhi(share)


def con(share: np.ndarray, n: int | None = None) -> float:
    """Ray-Singer concentration sqrt((HHI - 1/N) / (1 - 1/N)) with N = len(share), or with the `n`
    given (the initial number of states, so that losing states reads as concentration); 1 when
    N <= 1."""
    n = len(share) if n is None else n
    if n <= 1:
        return 1.0
    return float(np.sqrt(max(hhi(share) - 1.0 / n, 0.0) / (1.0 - 1.0 / n)))


def hegemony(share: np.ndarray, bloc_share: np.ndarray, line: float) -> tuple[bool, bool]:
    """(single, coalition): one state holds more than `line` of all power; or a bloc does while no
    single state does (a coalition hegemony). At most one is true."""
    single = bool(share.max() > line)
    return single, not single and bool(bloc_share.max() > line)


def mean_of_time_means(total: np.ndarray, steps_alive: np.ndarray) -> float:
    """Mean over states of each state's time-mean (its `total` over the `steps_alive` it lived)."""
    return float(np.mean(total / steps_alive))


def polarity(bloc_share: np.ndarray, threshold: float) -> int:
    """Number of blocs holding at least `threshold` of all power."""
    return int(np.sum(bloc_share >= threshold))


def _pair_count(sizes: np.ndarray) -> int:
    return int(np.sum(sizes * (sizes - 1) // 2))


def churn(before: np.ndarray, after: np.ndarray) -> float:
    """Jaccard distance between the sets of allied pairs of two membership vectors.

    A pair is allied when both states carry the same alliance label (not UNALIGNED). Counted through
    the contingency table of labels (group sizes by bincount and one sort), so it costs O(N log N)
    rather than O(N^2) pairs. 0 when both are empty.
    """
    both = (before != UNALIGNED) & (after != UNALIGNED)
    pairs_before = _pair_count(np.bincount(before[before != UNALIGNED]))
    pairs_after = _pair_count(np.bincount(after[after != UNALIGNED]))
    shared = 0
    if both.any():
        key = np.sort(before[both] * (int(after.max()) + 1) + after[both])  # one key per (before, after)
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        shared = _pair_count(np.diff(np.r_[starts, len(key)]))
    union = pairs_before + pairs_after - shared
    return 0.0 if union == 0 else 1.0 - shared / union
