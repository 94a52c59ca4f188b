"""A new strategy is one registration: the parameter table, mixes, the command line and the war phase
all take it from the registry, with nothing else to edit."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from agents.situation import Situation
from agents.strategy import ATTACK, REGISTRY, STAY, Decision, Strategy, WarView
from bop.cli import cli
from model import BalanceOfPowerModel
from model.params import parse_mix
from tests.worlds import ally_of, model, world


def join_the_weakest(s: Situation) -> Decision:
    """Peace: a threatened unaligned state aligns with the weakest bloc other than its own."""
    decision = Decision.stay(len(s.rows))
    power = np.where(s.bloc_power > 0, s.bloc_power, np.inf)[None, :].repeat(len(s.rows), axis=0)
    power[np.arange(len(s.rows)), s.own] = np.inf
    weakest = np.argmin(power, axis=1)
    seek = ~s.aligned & (s.tau >= s.params["threat_entry"]) & np.isfinite(power.min(axis=1))
    decision.set(seek, np.where(seek, weakest, STAY), "opportunist")
    return decision


def always_attack(w: WarView, rows: np.ndarray) -> np.ndarray:
    """War: join the initiator's side, whatever the odds."""
    return np.full(len(rows), ATTACK)


@pytest.fixture
def opportunist(monkeypatch):
    """Register a throwaway strategy for one test (the registry is restored afterwards)."""
    strategy = Strategy("opportunist", join_the_weakest, always_attack)
    monkeypatch.setitem(REGISTRY, "opportunist", strategy)
    return strategy


def test_a_registered_strategy_is_accepted_by_the_parameter_table_and_mixes(opportunist):
    m = BalanceOfPowerModel(rng=1, n_states=6, strategy="opportunist")
    assert set(m.strategy) == {"opportunist"}
    assert parse_mix("balance:1,opportunist:3") == {"balance": 0.25, "opportunist": 0.75}


def test_its_peace_rule_moves_states(opportunist):
    # A (10) at the origin, B (2) at (1, 0), C (1) at (0, 0.5): T_CA = 10/11·e^-0.5 = 0.551 ≥ 0.3, so
    # C seeks a partner; the weakest other bloc is B (2 < 10). A and B feel T_BA = 0.307 and
    # T_AB = 0.061: B is threatened too and its weakest other bloc is C (1): B and C ally either way.
    m = model(world([10.0, 2.0, 1.0], [(0, 0), (1, 0), (0, 0.5)], ["hedge", "opportunist", "opportunist"]))
    m.step()
    assert ally_of(m, "C") == {"B", "C"}
    assert set(m.events_frame()["reason"]) == {"opportunist"}


def test_its_war_rule_decides_the_side_it_fights_on(opportunist):
    # With every state an opportunist that never allies in peace (threat_entry above any threat) and
    # always joins the initiator, the first crisis pits everyone alive against the target alone.
    m = BalanceOfPowerModel(
        rng=3, n_states=8, strategy="opportunist", war=True, war_rate=1.0, threat_entry=10
    )
    while m.wars_frame().empty:
        alive = {m.names[i] for i in np.flatnonzero(m.alive)}
        m.step()
    first = m.wars_frame().iloc[0]
    assert list(first["defenders"]) == [first["target"]]
    assert set(first["attackers"]) == alive - {first["target"]}


def test_the_command_line_runs_it_with_war_on(opportunist):
    result = CliRunner().invoke(
        cli, ["run", "--set", "strategy=opportunist", "--set", "war=true", "--steps", "20", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["steps"] == 20
