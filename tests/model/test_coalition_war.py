"""Kaplan 4 by force (coalition_war; model/conflict.py `oppose_predominance`, docs/ODD.md §7.6).

A (power a) at the origin; balancers B (2) at (0.5, 0), C (2) at (-0.5, 0), D (1.5) at (0, 0.5); everyone
status quo (revisionism 0), so no ordinary crisis ever opens: any crisis is a coalition war. The war
phase is run on the initial world, where nobody is allied yet (in a full year the three would first
ally in peace against A, and their coalition, 5.5 of 10.5, would itself be the bloc nearest
predominance).
"""

import pytest

from model import BalanceOfPowerModel
from tests.worlds import HAND, world

POSITION = [(0, 0), (0.5, 0), (-0.5, 0), (0, 0.5)]
SETTINGS = {"war": True, "war_rate": 1.0, "war_noise": 0.0, "predominance_weight": 1.0, "coalition_war": True}


def hand(seed=0, a=5.0, **params):
    w = world([a, 2.0, 2.0, 1.5], POSITION, ["balance"] * 4)
    return BalanceOfPowerModel(rng=seed, world=w, **{**HAND, **SETTINGS, **params})


def test_balancers_open_and_join_a_coalition_war_against_a_bloc_nearing_predominance():
    # A holds 5/10.5 = 0.476 of all power: the yearly hazard is war_rate · 1/(1 + e^(-(0.476 - 0.4)/0.03))
    # = 0.927. The strongest balancer feeling A as its main threat (B, first of the two of power 2)
    # challenges A; C and D join it (A's threat to each carries π(0.476) = 0.927 ≥ threat_entry 0.3).
    # Their 5.5 at least match A's 5, so nobody backs down; A would lose 2·0.1·0.524 + 0.524·0.2 = 0.21
    # < tribute 0.3 by fighting, so it fights.
    years = [hand(seed).conflict.step() for seed in range(20)]
    fought = [y.records[0] for y in years if y.records]
    assert 12 <= len(fought) <= 20  # 0.927 a year: 18.5 of 20 expected, 12 is below the 0.001 tail
    for war in fought:
        assert war["cause"] == "predominance" and war["target"] == "A" and war["initiator"] == "B"
        assert set(war["attackers"]) == {"B", "C", "D"} and war["defenders"] == ["A"]
        assert war["attack_power"] == pytest.approx(5.5) and war["defence_power"] == pytest.approx(5.0)
        assert war["outcome"] in ("initiator_won", "target_won")


def test_a_coalition_that_cannot_match_the_predominant_bloc_backs_down():
    # A at 8 of 13.5 (0.593; hazard 1/(1 + e^(-(0.593 - 0.4)/0.03)) = 0.998): the coalition's 5.5 < 8,
    # ratio 0.69 < 1, so the challenger backs down and nothing changes.
    m = hand(a=8.0)
    year = m.conflict.step()
    assert [(r["outcome"], r["cause"]) for r in year.records] == [("backed_down", "predominance")]
    assert m.power[0] == 8.0


def test_without_the_switch_no_coalition_war_is_drawn():
    # Status quo states open no ordinary crisis, so with the switch off nothing happens, and no random
    # number is drawn for the mechanism: the year draws only the ordinary initiation draw.
    off = hand(coalition_war=False)
    before = off.rng.bit_generator.state
    assert off.conflict.step().records == []
    after = off.rng.bit_generator.state
    off.rng.bit_generator.state = before
    off.rng.random(off.n)
    assert off.rng.bit_generator.state == after
