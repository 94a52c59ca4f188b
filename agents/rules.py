"""The decision rules a state can follow, as a registry keyed by name.

A rule reads a `Situation` and returns a `Decision` for every deciding state at once (numpy over
rows): stay, leave its alliance, or align with a bloc. The model runs each rule once over all
states to find who wants to move, then lets those states re-decide one by one, in random order,
on the world as it has become (see `BalanceOfPowerModel.realign`). A new rule is one function
decorated with `@rule("name")`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from agents.situation import Situation

STAY = -1
LEAVE = -2


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


Rule = Callable[[Situation], Decision]
RULES: dict[str, Rule] = {}


def rule(name: str) -> Callable[[Rule], Rule]:
    """Register a decision rule under `name`."""

    def register(fn: Rule) -> Rule:
        RULES[name] = fn
        return fn

    return register


def counterweight(s: Situation, extra_ok: np.ndarray | None = None) -> np.ndarray:
    """For each deciding state, the bloc to balance with, or STAY if there is none.

    Candidates are blocs other than its own and its main threat, less threatening to it than the
    main threat, and not made predominant by its joining (Kaplan 4). It picks the strongest: the
    best counterweight to the threat.
    """
    total = s.total_power
    p = s.power[s.rows]
    cand = (s.bloc_threat < s.tau[:, None]) & (s.bloc_power[None, :] > 0)
    cand &= (s.bloc_power[None, :] + p[:, None]) / total <= s.params["hegemony_share"]
    rows = np.arange(len(s.rows))
    cand[rows, s.own] = False
    cand[rows[s.main >= 0], s.main[s.main >= 0]] = False
    if extra_ok is not None:
        cand &= extra_ok[None, :]
    best = np.argmax(np.where(cand, s.bloc_power[None, :], -np.inf), axis=1)
    return np.where(cand.any(axis=1), best, STAY)


def leave_when_unsafe(s: Situation, decision: Decision) -> None:
    """Leave a bloc that tends to predominance (Kaplan 4; its leader stays), or one whose member
    has become the main threat (and a threat worth allying against, at least `threat_entry`)."""
    share = s.bloc_power[s.own] / s.total_power
    follower = s.leader[s.own] != s.rows  # the predominant actor itself does not walk out
    decision.set(s.aligned & follower & (share > s.params["hegemony_share"]), LEAVE, "predominance")
    partner_is_main = (s.partner_threat > s.tau) & (s.partner_threat >= s.params["threat_entry"])
    decision.set(s.aligned & partner_is_main, LEAVE, "partner_threat")


@rule("balance")
def balance(s: Situation) -> Decision:
    """Walt/Waltz: when threatened, side with the strongest bloc opposing the main threat."""
    decision = Decision.stay(len(s.rows))
    leave_when_unsafe(s, decision)
    seek = ~s.aligned & (s.tau >= s.params["threat_entry"])
    decision.set(seek, counterweight(s), "balance")
    return decision


@rule("collective")
def collective(s: Situation) -> Decision:
    """Collective security: a balancer in peace; in war it defends the attacked (agents/sides.py)."""
    return balance(s)


@rule("bandwagon")
def bandwagon(s: Situation) -> Decision:
    """Walt/Schweller: when threatened, join the threat; a revisionist joins the strongest for profit."""
    decision = Decision.stay(len(s.rows))
    threatened = s.tau >= s.params["threat_entry"]
    decision.set(~s.aligned & threatened, s.main, "bandwagon")
    others = np.where(s.bloc_power[None, :] > 0, s.bloc_power[None, :], -np.inf)
    others = np.repeat(others, len(s.rows), axis=0)
    others[np.arange(len(s.rows)), s.own] = -np.inf
    strongest = np.argmax(others, axis=1)
    stronger = s.bloc_power[strongest] > s.power[s.rows]
    greedy = s.revisionism[s.rows] >= s.params["profit_threshold"]
    decision.set(~s.aligned & ~threatened & greedy & stronger, strongest, "profit")
    return decision


def nearer_capable_balancer(s: Situation) -> np.ndarray:
    """(R,) whether someone nearer to the main threat, at least as strong, already faces it.

    "Faces it" means follows balance or collective security, or sits in another alliance. Distance
    to a bloc is the distance to its nearest member.
    """
    facing = (np.isin(s.strategy, ("balance", "collective")) | s.is_alliance[s.labels]) & (s.power > 0)
    result = np.zeros(len(s.rows), dtype=bool)
    for m in np.unique(s.main[s.main >= 0]):
        q = np.flatnonzero(s.main == m)
        in_m = s.labels == m
        reach = s.distance[:, in_m].min(axis=1)  # every state's distance to the threat bloc
        i = s.rows[q]
        nearer = (reach[None, :] < reach[i][:, None]) & (s.power[None, :] >= s.power[i][:, None])
        nearer &= (facing & ~in_m)[None, :]
        nearer[np.arange(len(q)), i] = False
        result[q] = nearer.any(axis=1)
    return result


@rule("buckpass")
def buckpass(s: Situation) -> Decision:
    """Mearsheimer: abstain while a nearer capable state faces the threat; else balance."""
    decision = Decision.stay(len(s.rows))
    leave_when_unsafe(s, decision)
    seek = ~s.aligned & (s.tau >= s.params["threat_entry"])
    if seek.any():
        seek[seek] = ~nearer_capable_balancer(s.only(seek))
    decision.set(seek, counterweight(s), "balance")
    return decision


@rule("hedge")
def hedge(s: Situation) -> Decision:
    """Multi-vector: stay unaligned unless the threat is critical; shun blocs with a dominant leader."""
    decision = Decision.stay(len(s.rows))
    total = s.total_power
    tolerable = s.power[s.leader] / total <= s.params["hedge_dominance"]
    decision.set(s.aligned & ~tolerable[s.own], LEAVE, "hedge_dominance")
    decision.set(s.aligned & (s.tau < s.params["threat_exit"]), LEAVE, "threat_receded")
    seek = ~s.aligned & (s.tau >= s.params["hedge_threshold"])
    decision.set(seek, counterweight(s, extra_ok=tolerable), "hedge")
    return decision
