"""The invariant check catches each kind of impossible state, naming step, state and rule."""

import numpy as np
import pytest

from model import BalanceOfPowerModel
from model.invariants import InvariantError, check


@pytest.fixture
def allied():
    """A seeded 20-state model after a few steps, with at least two alliances."""
    m = BalanceOfPowerModel(rng=11, n_states=20, check_invariants=True, defection_rate=0.0)
    for _ in range(5):
        m.step()
    assert len(m.alignments.alliances) >= 2
    return m


def first_two(m):
    a, b = list(m.alignments.alliances.values())[:2]
    return a, b


def test_a_healthy_run_passes(allied):
    check(allied)  # does not raise
    for _ in range(50):
        allied.step()  # checked every step


def test_negative_power_is_caught(allied):
    allied.power[3] = -1.0
    with pytest.raises(InvariantError, match=r"step 5, state S03: living state needs finite power"):
        check(allied)


def test_nan_power_is_caught(allied):
    allied.power[0] = np.nan
    with pytest.raises(InvariantError, match="finite power"):
        check(allied)


def test_state_in_two_alliances_is_caught(allied):
    a, b = first_two(allied)
    b.members.append(a.members[0])
    with pytest.raises(InvariantError, match=r"membership names its alliance|at most one alliance"):
        check(allied)


def test_one_member_alliance_is_caught(allied):
    a, _ = first_two(allied)
    for i in a.members[1:]:
        allied.alignments.membership[i] = -1
    del a.members[1:]
    with pytest.raises(InvariantError, match="at least two living members"):
        check(allied)


def test_event_log_that_disagrees_with_memberships_is_caught(allied):
    a, _ = first_two(allied)
    i = a.members[-1]
    allied.alignments.events.append(
        {
            "step": 5,
            "event": "left",
            "state": allied.names[i],
            "state_index": i,
            "alliance": a.id,
            "reason": "x",
        }
    )
    with pytest.raises(InvariantError, match=f"state {allied.names[i]}: event log replays"):
        check(allied)


def test_reused_alliance_id_is_caught(allied):
    a, _ = first_two(allied)
    allied.alignments.events.append(
        {"step": 9, "event": "formed", "state": "x", "state_index": 0, "alliance": a.id, "reason": "x"}
    )
    with pytest.raises(InvariantError, match="alliance id reused"):
        check(allied)


def test_dead_state_in_an_alliance_is_caught(allied):
    a, _ = first_two(allied)
    allied.alive[a.members[0]] = False
    with pytest.raises(InvariantError, match=r"at least two living members|dead states"):
        check(allied)


def test_shares_and_measures_are_checked(allied):
    allied.metrics["con"] = float("inf")
    with pytest.raises(InvariantError, match="measures are finite"):
        check(allied)


def test_power_created_from_nothing_is_caught(allied):
    allied.power[2] *= 1.001  # as if a state gained power outside growth and war
    with pytest.raises(InvariantError, match="power = before \\+ growth - war costs"):
        check(allied)


def test_power_accounting_holds_through_wars():
    m = BalanceOfPowerModel(rng=3, n_states=25, war=True, war_rate=0.5, check_invariants=True)
    for _ in range(80):
        m.step()  # each step checks total power = before · growth − war costs
    assert m.wars_total > 0 and m.summary()["eliminated"] > 0  # wars did move and destroy power


def test_a_dead_state_in_a_war_is_caught():
    m = BalanceOfPowerModel(rng=3, n_states=25, war=True, war_rate=0.5, check_invariants=True)
    while m.wars_total == 0:
        m.step()
    wars = m.datacollector.tables["wars"]
    fighter = wars["attackers"][-1][0]
    wars["step"][-1] = m.steps  # the last crisis is this step's, as far as the check knows
    m.alive[m.names.index(fighter)] = False  # ...and its attacker was dead before it
    m.alignments.leave(m.names.index(fighter), m.steps, "eliminated")  # keep the other checks quiet
    with pytest.raises(InvariantError, match=f"state {fighter}: dead states take no part in wars"):
        check(m)


def test_a_dead_state_whose_agent_lingers_is_caught(allied):
    lone = next(i for i in range(allied.n) if allied.alignments.membership[i] == -1)
    allied.alive[lone] = False  # marked dead, but its agent was never removed
    allied.power[lone] = 0.0
    allied.power_at_start = None  # (this test is about agents, not the power accounting)
    with pytest.raises(InvariantError, match="agents are exactly the living states"):
        check(allied)
