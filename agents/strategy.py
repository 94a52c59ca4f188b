"""What a strategy is: a peacetime alignment rule and a wartime side-taking rule, registered by name.

A strategy's `align` reads a `Situation` and returns a `Decision` for every deciding state at once
(numpy over rows): stay, leave its alliance, or align with a bloc. Its `side` reads a `WarView` and
returns the side each of its third parties takes in a crisis. The flags tell the rest of the model what
it needs to know about the strategy without matching its name. A new strategy is one file in
`agents/rules/` calling `register(Strategy(...))`, plus its import line in `agents/rules/__init__.py`
(docs/ODD.md §7.4).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from agents.situation import Situation

STAY = -1
LEAVE = -2
OUT, ATTACK, DEFEND = 0, 1, 2  # the sides of a crisis


@dataclass(frozen=True)
class Decision:
    """Per deciding state: STAY, LEAVE, or the bloc to align with; and why."""

    target: np.ndarray
    reason: np.ndarray

    @classmethod
    def stay(cls, n: int) -> Decision:
        """Everyone keeps its alignment."""
        return cls(np.full(n, STAY, dtype=np.int64), np.full(n, "", dtype=object))

    def set(self, mask: np.ndarray, target: np.ndarray | int, reason: str) -> None:
        """Record a decision for the rows in `mask` (a target of STAY leaves them as they are)."""
        target = np.broadcast_to(target, self.target.shape)
        chosen = mask & (target != STAY)
        self.target[chosen] = target[chosen]
        self.reason[chosen] = reason


@dataclass(frozen=True)
class WarView:
    """A crisis as the third parties see it when they choose a side (built by `agents.sides`).

        Arrays are (N,) over all states. `stronger` and `weaker` are ATTACK or DEFEND, judged on the sides
        as the called allies make them; `concern` is each state's threat from the stronger side taken as one
    bloc (`agents.situation.side_threat`: net of the state's own bloc, predominance included).
        `choice` holds the sides taken so far (OUT for most), for strategies that decide late.
    """

    attack: np.ndarray  # called attackers (the initiator and its free allies)
    defend: np.ndarray  # called defenders
    stronger: int
    weaker: int
    concern: np.ndarray
    choice: np.ndarray
    power: np.ndarray
    revisionism: np.ndarray
    distance: np.ndarray
    params: dict[str, Any]

    @property
    def stronger_side(self) -> np.ndarray:
        """(N,) the called members of the stronger side."""
        return self.attack if self.stronger == ATTACK else self.defend

    @property
    def on_weaker(self) -> np.ndarray:
        """(N,) states on the weaker side now: called there, or chosen it so far."""
        return (self.choice == self.weaker) | (self.defend if self.weaker == DEFEND else self.attack)


AlignRule = Callable[[Situation], Decision]
SideRule = Callable[[WarView, np.ndarray], np.ndarray]  # (view, rows) -> OUT/ATTACK/DEFEND per row


@dataclass(frozen=True)
class Strategy:
    """A named decision rule for peace (`align`) and war (`side`), with what others need to know of it."""

    name: str
    align: AlignRule
    side: SideRule
    joins_threat: bool = False  # it aligns with the threat (bandwagoning): its alliances are not against it
    faces_threat: bool = False  # it stands against a threat (buck-passers may leave the burden to it)
    decides_late: bool = False  # in a crisis it chooses after the others have chosen (buck-passing)


REGISTRY: dict[str, Strategy] = {}


def register(strategy: Strategy) -> Strategy:
    """Make a strategy available under its name (to `--set strategy=`, mixes, scenarios, war)."""
    REGISTRY[strategy.name] = strategy
    return strategy


def facing_names() -> tuple[str, ...]:
    """The strategies that stand against a threat."""
    return tuple(name for name, s in REGISTRY.items() if s.faces_threat)
