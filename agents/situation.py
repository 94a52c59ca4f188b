"""What deciding states see: blocs, their power, and the threat each bloc poses to each of them.

A bloc is an alliance or an unaligned state. Blocs are numbered 0..K-1 afresh each time a
situation is built, so one numpy row per deciding state holds its threat from every bloc.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from agents.alliances import bloc_labels


@dataclass(frozen=True)
class Situation:
    """The world as seen by the states in `rows` (indices into the model's state arrays)."""

    rows: np.ndarray  # deciding states
    power: np.ndarray  # (N,) power, 0 for the dead
    revisionism: np.ndarray  # (N,)
    strategy: np.ndarray  # (N,) rule names
    distance: np.ndarray  # (N, N)
    threat: np.ndarray  # (N, N) T[i, j] = threat of j to i
    labels: np.ndarray  # (N,) bloc of each state
    bloc_power: np.ndarray  # (K,)
    leader: np.ndarray  # (K,) strongest member of each bloc
    is_alliance: np.ndarray  # (K,) bloc is an alliance rather than a lone state
    bloc_threat: np.ndarray  # (R, K) threat of each bloc to each deciding state
    own: np.ndarray  # (R,) the deciding state's own bloc
    main: np.ndarray  # (R,) its most threatening other bloc (-1 if none)
    tau: np.ndarray  # (R,) the threat of that bloc (0 if none)
    partner_threat: np.ndarray  # (R,) greatest threat from a fellow member of its alliance
    params: dict[str, Any]

    @property
    def total_power(self) -> float:
        """Power of all living states."""
        return float(self.bloc_power.sum())

    @property
    def aligned(self) -> np.ndarray:
        """(R,) whether each deciding state is in an alliance."""
        return self.is_alliance[self.own]

    def only(self, mask: np.ndarray) -> Situation:
        """The same world, seen only by the deciding states selected by `mask`."""
        return replace(
            self,
            rows=self.rows[mask],
            bloc_threat=self.bloc_threat[mask],
            own=self.own[mask],
            main=self.main[mask],
            tau=self.tau[mask],
            partner_threat=self.partner_threat[mask],
        )


def perceive(
    rows: np.ndarray,
    *,
    power: np.ndarray,
    alive: np.ndarray,
    membership: np.ndarray,
    threat: np.ndarray,
    revisionism: np.ndarray,
    strategy: np.ndarray,
    distance: np.ndarray,
    params: dict[str, Any],
) -> Situation:
    """Build the situation of the states in `rows` from the model's arrays (O(N·R) numpy work)."""
    p = np.where(alive, power, 0.0)
    is_alliance, labels = bloc_labels(membership)
    k = len(is_alliance)
    bloc_power = np.bincount(labels, weights=p, minlength=k)
    by_bloc = np.lexsort((-p, labels))  # blocs in turn, strongest member first
    first = np.r_[True, labels[by_bloc][1:] != labels[by_bloc][:-1]]
    leader = np.empty(k, dtype=np.int64)
    leader[labels[by_bloc][first]] = by_bloc[first]
    starts = np.flatnonzero(first)
    seen = threat[np.ix_(rows, by_bloc)]  # threat to each deciding state, members grouped by bloc
    bloc_threat = np.add.reduceat(seen, starts, axis=1)
    bloc_max = np.maximum.reduceat(seen, starts, axis=1)

    r = np.arange(len(rows))
    own = labels[rows]
    outside = bloc_threat.copy()
    outside[r, own] = -np.inf
    outside[:, bloc_power <= 0] = -np.inf
    main = np.argmax(outside, axis=1)
    tau = outside[r, main]
    none = ~np.isfinite(tau)
    main[none], tau[none] = -1, 0.0
    partner_threat = bloc_max[r, own]  # T[i, i] = 0, so a lone state's is 0
    return Situation(
        rows=rows,
        power=p,
        revisionism=revisionism,
        strategy=strategy,
        distance=distance,
        threat=threat,
        labels=labels,
        bloc_power=bloc_power,
        leader=leader,
        is_alliance=is_alliance,
        bloc_threat=bloc_threat,
        own=own,
        main=main,
        tau=tau,
        partner_threat=partner_threat,
        params=params,
    )
