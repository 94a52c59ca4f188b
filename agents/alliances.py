"""Alliances as first-class objects, the membership of every state, and the alliance event log.

Every change of membership goes through `Alignments`, which writes one event row per state affected,
so replaying the log from the initial memberships gives the current ones. Offers a partner refused are
logged too (event `refused`), but change no membership.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

UNALIGNED = -1
CHANGES = ("formed", "joined", "left", "dissolved")  # the events that change a membership
EVENT_COLUMNS = ("step", "event", "state", "state_index", "alliance", "reason", "partner")


def bloc_labels(membership: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Number the blocs (each unaligned state alone, and each alliance) 0..K-1.

    Returns (is_alliance per bloc, bloc label per state). The unaligned states come first, the highest
    index first, then the alliances by id (the order of sorted keys −1−i and ids; O(N + largest id),
    without a sort).
    """
    aligned = membership != UNALIGNED
    lone = np.flatnonzero(~aligned)
    labels = np.empty(len(membership), dtype=np.intp)
    labels[lone] = np.arange(len(lone) - 1, -1, -1)
    ids = membership[aligned]
    alliances = 0
    if len(ids):
        present = np.zeros(int(ids.max()) + 1, dtype=bool)
        present[ids] = True
        labels[aligned] = len(lone) + np.cumsum(present)[ids] - 1
        alliances = int(np.count_nonzero(present))
    is_alliance = np.zeros(len(lone) + alliances, dtype=bool)
    is_alliance[len(lone) :] = True
    return is_alliance, labels


@dataclass
class Alliance:
    """A coalition of states with a stable id (never reused) and the threat it was formed against."""

    id: int
    members: list[int]  # state indices, in order of joining
    formed_at: int
    against: str  # name of the state leading the bloc the alliance answered when formed


@dataclass
class Alignments:
    """Who belongs to which alliance; the only place memberships change."""

    n: int
    names: list[str]
    membership: np.ndarray = field(init=False)  # alliance id per state, UNALIGNED if none
    alliances: dict[int, Alliance] = field(default_factory=dict, init=False)
    events: list[dict] = field(default_factory=list, init=False)
    changes: int = field(default=0, init=False)  # events that changed a membership (not refusals)
    next_id: int = field(default=1, init=False)

    def __post_init__(self) -> None:
        self.membership = np.full(self.n, UNALIGNED, dtype=np.int64)

    def alliance_of(self, i: int) -> Alliance | None:
        """The alliance state i belongs to, or None."""
        aid = int(self.membership[i])
        return self.alliances.get(aid) if aid != UNALIGNED else None

    def form(self, founders: list[int], step: int, reason: str, against: str = "") -> Alliance:
        """Create a new alliance from unaligned states (a pair logs each founder as the other's partner)."""
        assert len(founders) >= 2 and all(self.membership[i] == UNALIGNED for i in founders)
        alliance = Alliance(self.next_id, list(founders), step, against)
        self.next_id += 1
        self.alliances[alliance.id] = alliance
        for k, i in enumerate(founders):
            self.membership[i] = alliance.id
            partner = self.names[founders[1 - k]] if len(founders) == 2 else ""
            self._log(step, "formed", i, alliance.id, reason, partner)
        return alliance

    def join(self, i: int, alliance_id: int, step: int, reason: str, partner: str = "") -> None:
        """Add unaligned state i to an existing alliance (`partner`: the leader who admitted it)."""
        assert self.membership[i] == UNALIGNED
        self.alliances[alliance_id].members.append(i)
        self.membership[i] = alliance_id
        self._log(step, "joined", i, alliance_id, reason, partner)

    def refuse(self, i: int, partner: int, step: int, reason: str) -> None:
        """Log that `partner` (a lone state, or an alliance's leader) refused state i's offer."""
        self._log(step, "refused", i, int(self.membership[partner]), reason, self.names[partner])

    def leave(self, i: int, step: int, reason: str) -> None:
        """Take state i out of its alliance; an alliance left with one member dissolves."""
        alliance = self.alliance_of(i)
        if alliance is None:
            return
        alliance.members.remove(i)
        self.membership[i] = UNALIGNED
        self._log(step, "left", i, alliance.id, reason)
        if len(alliance.members) < 2:
            self.dissolve(alliance.id, step, "too_few_members")

    def dissolve(self, alliance_id: int, step: int, reason: str) -> None:
        """End an alliance; each remaining member gets a 'dissolved' event."""
        alliance = self.alliances.pop(alliance_id)
        for i in alliance.members:
            self.membership[i] = UNALIGNED
            self._log(step, "dissolved", i, alliance_id, reason)

    def align_with(self, i: int, j: int, step: int, reason: str, against: str = "") -> None:
        """Put state i on state j's side: join j's alliance, or form a new one with unaligned j."""
        target = self.alliance_of(j)
        if target is not None and target.id == self.membership[i]:
            return
        self.leave(i, step, "switch")
        target = self.alliance_of(j)  # j's alliance may have dissolved when i left
        if target is None:
            self.form([j, i], step, reason, against)
        else:
            self.join(i, target.id, step, reason, self.names[j])

    def _log(self, step: int, event: str, i: int, alliance_id: int, reason: str, partner: str = "") -> None:
        self.changes += event in CHANGES
        self.events.append(
            {
                "step": step,
                "event": event,
                "state": self.names[i],
                "state_index": i,
                "alliance": alliance_id,
                "reason": reason,
                "partner": partner,
            }
        )
