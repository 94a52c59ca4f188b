"""Invariants the model must hold at every step; a broken one raises, naming step, state and rule.

Switched on for every step with `check_invariants=true`, or called at any time as `check(model)`.
An agent-based model that drifts into an impossible state produces plausible-looking nonsense:
these checks make such drift impossible to miss.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.alliances import UNALIGNED

if TYPE_CHECKING:
    from model.model import BalanceOfPowerModel


class InvariantError(AssertionError):
    """A model invariant is broken."""

    def __init__(self, step: int, rule: str, detail: str, state: str | None = None) -> None:
        who = f", state {state}" if state is not None else ""
        super().__init__(f"invariant broken at step {step}{who}: {rule} ({detail})")
        self.step, self.rule, self.state = step, rule, state


class EventReplay:
    """Memberships rebuilt from the alliance event log alone, advanced incrementally."""

    def __init__(self, n: int) -> None:
        self.membership = np.full(n, UNALIGNED, dtype=np.int64)
        self.seen = 0
        self.ids_formed: dict[int, int] = {}  # alliance id -> step it was formed

    def advance(self, events: list[dict], step: int, names: list[str]) -> None:
        """Apply the events not yet replayed."""
        for event in events[self.seen :]:
            i, aid, kind = event["state_index"], event["alliance"], event["event"]
            if kind == "formed":
                formed = self.ids_formed.setdefault(aid, event["step"])
                if formed != event["step"]:
                    raise InvariantError(step, "alliance id reused", f"id {aid}", names[i])
            if kind in ("formed", "joined"):
                if self.membership[i] != UNALIGNED:
                    raise InvariantError(step, "state in two alliances", f"joins {aid}", names[i])
                self.membership[i] = aid
            elif kind in ("left", "dissolved"):
                if self.membership[i] != aid:
                    raise InvariantError(step, "left an alliance it was not in", f"id {aid}", names[i])
                self.membership[i] = UNALIGNED
        self.seen = len(events)


def check(model: BalanceOfPowerModel) -> None:
    """Raise InvariantError if any invariant is broken now."""
    step, names, alive = model.steps, model.names, model.alive
    power = model.power[alive]
    bad = ~(np.isfinite(model.power) & (model.power > 0)) & alive
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvariantError(step, "living state needs finite power > 0", f"{model.power[i]}", names[i])
    total_share = float((power / power.sum()).sum())
    if abs(total_share - 1.0) > 1e-9:
        raise InvariantError(step, "shares sum to 1", f"sum {total_share!r}")
    for key, value in model.metrics.items():
        if key != "equilibrium" and not np.isfinite(value):
            raise InvariantError(step, "measures are finite", f"{key} = {value}")
    _check_power_accounting(model)
    _check_military(model)
    _check_war_parties(model)
    _check_alliances(model)
    replay = model.event_replay
    replay.advance(model.alignments.events, step, names)
    differs = np.flatnonzero(replay.membership != model.alignments.membership)
    if len(differs):
        i = int(differs[0])
        raise InvariantError(
            step,
            "event log replays to the memberships",
            f"log says {replay.membership[i]}, model says {model.alignments.membership[i]}",
            names[i],
        )


def _check_power_accounting(model: BalanceOfPowerModel) -> None:
    """Total power after a step = Σ economy before · exp(Δ log economy) · (1 + effort), minus the
    step's war costs (to 1e-9 relative; without arming and with fixed growth, before · exp(g))."""
    if getattr(model, "power_at_start", None) is None:  # no step taken yet
        return
    before = model.economy_at_start
    grown = float(np.sum(before * np.exp(model.log_growth) * (1 + model.arming) * (before > 0)))
    expected = grown - model.war_year.costs
    actual = float(model.power.sum())
    if abs(actual - expected) > 1e-9 * max(abs(expected), 1e-300):
        raise InvariantError(
            model.steps, "power = before + growth - war costs", f"{actual!r} vs {expected!r}"
        )


def _check_military(model: BalanceOfPowerModel) -> None:
    """Every living state's power is its economy times (1 + effort), effort in [0, arming_max]."""
    alive = model.alive
    effort = model.arming[alive]
    expected = model.economy[alive] * (1 + effort)
    off = np.abs(model.power[alive] - expected) > 1e-9 * expected
    bad = (effort < 0) | (effort > model.params["arming_max"] * (1 + 1e-12))
    for rule, wrong in (("power = economy · (1 + effort)", off), ("effort in [0, arming_max]", bad)):
        if wrong.any():
            i = int(np.flatnonzero(alive)[np.flatnonzero(wrong)[0]])
            detail = f"power {model.power[i]!r}, economy {model.economy[i]!r}, effort {model.arming[i]!r}"
            raise InvariantError(model.steps, rule, detail, model.names[i])


def _check_war_parties(model: BalanceOfPowerModel) -> None:
    """No state takes part in a crisis or war after it was eliminated (earlier this step or before)."""
    wars = model.datacollector.tables.get("wars")
    if not wars or not wars["step"]:
        return
    first = len(wars["step"])
    while first > 0 and wars["step"][first - 1] == model.steps:
        first -= 1
    rows = range(first, len(wars["step"]))
    absorbed_now = {name for row in rows for name in wars["eliminated"][row]}
    gone = {name for name, alive in zip(model.names, model.alive, strict=True) if not alive} - absorbed_now
    for row in rows:
        for name in {
            wars["initiator"][row],
            wars["target"][row],
            *wars["attackers"][row],
            *wars["defenders"][row],
        }:
            if name in gone:
                raise InvariantError(model.steps, "dead states take no part in wars", "in a war", name)
        gone |= set(wars["eliminated"][row])


def _check_alliances(model: BalanceOfPowerModel) -> None:
    step, names = model.steps, model.names
    membership = model.alignments.membership
    counted = np.zeros(model.n, dtype=np.int64)
    for aid, alliance in model.alignments.alliances.items():
        members = np.array(alliance.members, dtype=np.int64)
        if alliance.id != aid:
            raise InvariantError(step, "alliance filed under its own id", f"{aid} vs {alliance.id}")
        if len(members) < 2 or not model.alive[members].all():
            raise InvariantError(step, "alliance has at least two living members", f"id {aid}")
        wrong = members[membership[members] != aid]
        if len(wrong):
            raise InvariantError(step, "member's membership names its alliance", f"id {aid}", names[wrong[0]])
        counted[members] += 1
    twice = np.flatnonzero(counted > 1)
    if len(twice):
        raise InvariantError(step, "state in at most one alliance", "listed twice", names[twice[0]])
    orphan = np.flatnonzero((membership != UNALIGNED) & (counted == 0))
    if len(orphan):
        raise InvariantError(step, "membership names a live alliance", "no such alliance", names[orphan[0]])
    living_agents = sorted(agent.index for agent in model.agents)
    if living_agents != np.flatnonzero(model.alive).tolist():
        raise InvariantError(
            step, "the model's agents are exactly the living states", f"{len(living_agents)} agents"
        )
    dead_aligned = np.flatnonzero(~model.alive & (membership != UNALIGNED))
    if len(dead_aligned):
        raise InvariantError(step, "dead states are in no alliance", "", names[dead_aligned[0]])
