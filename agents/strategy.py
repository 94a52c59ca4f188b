"""What a strategy is: a peacetime alignment rule, a consent rule and a wartime side-taking rule,
registered by name.

A strategy's `align` reads a `Situation` and returns a `Decision` for every deciding state at once
(numpy over rows): stay, leave its alliance, or align with a bloc (with its ranking of the blocs, so an
offer refused goes to the next). Its `accept` says whether a state following it, asked by an applicant to
form an alliance with it or to join the alliance it leads, consents. Its `side` reads a `WarView` and
returns the side each of its third parties takes in a crisis. The flags tell the rest of the model what
it needs to know about the strategy without matching its name. A new strategy is one file in
`agents/rules/` calling `register(Strategy(...))`, plus its import line in `agents/rules/__init__.py`
(docs/ODD.md §7.4).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agents.situation import Situation

STAY = -1
LEAVE = -2
OUT, ATTACK, DEFEND = 0, 1, 2  # the sides of a crisis


@dataclass
class Decision:
    """Per deciding state: STAY, LEAVE, or the bloc to align with; and why. `options` (R, K), when a
    rule ranked the blocs, holds its preference (higher first, −inf: not an option)."""

    target: np.ndarray
    reason: np.ndarray
    options: np.ndarray | None = field(default=None)

    @classmethod
    def stay(cls, n: int) -> Decision:
        """Everyone keeps its alignment."""
        return cls(np.full(n, STAY, dtype=np.int64), np.full(n, "", dtype=object))

    def set(self, mask: np.ndarray, target: np.ndarray | int, reason: str) -> None:
        """Record a decision for the rows in `mask` (a target of STAY leaves them as they are)."""
        if np.ndim(target) == 0:  # one target for every row in the mask
            chosen = mask if target != STAY else np.zeros_like(mask)
            self.target[chosen] = target
        else:
            chosen = mask & (target != STAY)
            self.target[chosen] = np.asarray(target)[chosen]
        self.reason[chosen] = reason
        if self.options is not None:
            self.options[chosen] = -np.inf  # a plain choice replaces any ranking

    def choose(self, mask: np.ndarray, scores: np.ndarray, reason: str) -> None:
        """For the rows in `mask` with any finite score (R, K): align with the best-scoring bloc, and keep
        the ranking for offers that are refused."""
        ok = mask & np.isfinite(scores).any(axis=1)
        self.set(ok, np.argmax(np.where(np.isfinite(scores), scores, -np.inf), axis=1), reason)
        if ok.any():
            if self.options is None:
                self.options = np.full(scores.shape, -np.inf)
            self.options[ok] = scores[ok]

    def ranking(self, row: int) -> list[int]:
        """The blocs row `row` would align with, best first (just its target without a ranking)."""
        if self.options is None or not np.isfinite(self.options[row]).any():
            return [int(self.target[row])] if self.target[row] >= 0 else []
        order = np.argsort(-self.options[row], kind="stable")
        return [int(b) for b in order if np.isfinite(self.options[row, b])]


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
    reach: np.ndarray
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
# (the partners' situation, the applicant of each row) -> (consents, reason of each refusal)
AcceptRule = Callable[[Situation, np.ndarray], tuple[np.ndarray, np.ndarray]]
TieRule = Callable[[Situation], np.ndarray]  # situation -> (R, N) partnership ties of each row


def accept_when_threatened(
    s: Situation, applicant: np.ndarray, entry: str = "threat_entry"
) -> tuple[np.ndarray, np.ndarray]:
    """Consent to an ally when threatened and made no less safe by it (Walt: states ally against threats).

    A lone partner consents when the greatest threat it would face alone reaches the level at which it
    would seek allies itself (`entry`, threat_entry by default); an alliance's leader, when that threat is
    still at least threat_exit (the alliance still answers a threat). And only if admitting the applicant
    does not raise the greatest threat it feels (`Situation.felt_after_admitting`: an applicant that would
    itself become the main threat from inside is turned away). Reasons: `not_threatened`, `riskier`.
    """
    p = s.params
    level = np.where(s.aligned, p["threat_exit"], p[entry])
    threatened = s.tau_alone >= level
    safe = no_riskier(s, applicant)
    reason = np.where(~threatened, "not_threatened", np.where(safe, "", "riskier"))
    return threatened & safe, reason.astype(object)


def no_riskier(s: Situation, applicant: np.ndarray) -> np.ndarray:
    """(R,) whether admitting each applicant leaves the partner's felt threat no higher (to rounding)."""
    return s.felt_after_admitting(applicant) <= s.felt * (1 + 1e-12) + 1e-15


@dataclass(frozen=True)
class Strategy:
    """A named decision rule for peace (`align`), consent (`accept`) and war (`side`), with what others
    need to know of it."""

    name: str
    align: AlignRule
    side: SideRule
    accept: AcceptRule = accept_when_threatened
    ties: TieRule | None = None  # graded partnership ties it holds while unaligned (hedging)
    joins_threat: bool = False  # it aligns with the threat (bandwagoning): its alliances are not against it
    faces_threat: bool = False  # it stands against a threat (it may open a coalition war, Kaplan 4)
    defends_all: bool = False  # a standing commitment to defend any attacked state (collective security)
    decides_late: bool = False  # in a crisis it chooses after the others have chosen (buck-passing)


REGISTRY: dict[str, Strategy] = {}


def register(strategy: Strategy) -> Strategy:
    """Make a strategy available under its name (to `--set strategy=`, mixes, scenarios, war)."""
    REGISTRY[strategy.name] = strategy
    return strategy


def facing_names() -> tuple[str, ...]:
    """The strategies that stand against a threat."""
    return tuple(name for name, s in REGISTRY.items() if s.faces_threat)


def tie_names() -> tuple[str, ...]:
    """The strategies that hold partnership ties."""
    return tuple(name for name, s in REGISTRY.items() if s.ties is not None)


def defender_names() -> tuple[str, ...]:
    """The strategies committed to defend any attacked state (the collective pact)."""
    return tuple(name for name, s in REGISTRY.items() if s.defends_all)
