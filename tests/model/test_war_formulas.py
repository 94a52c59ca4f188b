"""The war formulas (model/war.py), each checked against arithmetic done by hand."""

import math

import numpy as np
import pytest

from model.war import (
    attrition,
    choose_target,
    concedes,
    initiation_hazard,
    parity_challengers,
    settle,
    survives_tribute,
    win_probability,
)


def test_win_probability_is_logistic_in_the_log_ratio():
    # w = 1: π = ρ / (1 + ρ): 2 / 3 at ρ = 2. w = 0.5: π = ρ² / (1 + ρ²) = 4 / 5.
    assert win_probability(2.0, 1.0) == pytest.approx(2 / 3)
    assert win_probability(2.0, 0.5) == pytest.approx(0.8)
    assert win_probability(1.0, 3.0) == pytest.approx(0.5)
    assert win_probability(3.0, 2.0) + win_probability(1 / 3, 2.0) == pytest.approx(1.0)
    # the logistic form: 1 / (1 + exp(-ln ρ / w))
    assert win_probability(5.0, 2.0) == pytest.approx(1 / (1 + math.exp(-math.log(5) / 2)))


def test_attrition_is_highest_between_equals():
    # K = 0.1 · 2 · 3 · 1 / 4 = 0.15 for 3 vs 1; 2K / 4 = 0.075 of the power engaged.
    assert attrition(3.0, 1.0, 0.1) == pytest.approx(0.15)
    # between equals 2K / (P_A + P_D) = war_cost: 2 · 0.1 · 2·2/4 / 4 = 0.1
    assert 2 * attrition(2.0, 2.0, 0.1) / 4.0 == pytest.approx(0.1)
    assert 2 * attrition(3.0, 1.0, 0.1) / 4.0 < 0.1


def test_settlement_by_hand_two_states():
    # A (3) beats B (1): K = 0.15; A 2.85, B 0.85; B pays 0.2 · 0.85 = 0.17: A 3.02, B 0.68.
    power = np.array([3.0, 1.0])
    none = np.zeros(2, dtype=bool)
    kw = {"war_cost": 0.1, "reparations": 0.2, "protected": none, "reach": np.ones((2, 2))}
    s = settle(power, np.array([0]), np.array([1]), floor=0.1, **kw)
    assert s.power == pytest.approx([3.02, 0.68])
    assert s.costs == pytest.approx(0.3) and s.transfer == pytest.approx(0.17)
    assert len(s.eliminated) == 0 and power.tolist() == [3.0, 1.0]  # input untouched
    # floor 0.25: 0.68 < 0.25 · 3.02 = 0.755, so B is absorbed: A ends with 4 − 0.3 = 3.70.
    s = settle(power, np.array([0]), np.array([1]), floor=0.25, **kw)
    assert s.power == pytest.approx([3.70, 0.0]) and s.eliminated.tolist() == [1]
    assert s.transfer == pytest.approx(0.85)
    # restraint protects B: it keeps its 0.68
    s = settle(power, np.array([0]), np.array([1]), floor=0.25, **{**kw, "protected": np.array([0, 1], bool)})
    assert s.power == pytest.approx([3.02, 0.68]) and len(s.eliminated) == 0
    # restraint with keep_share 0.3: after costs the total is 3.7, so B must keep 0.3 · 3.7 = 1.11;
    # it has 0.85, already below that line, so it pays nothing (A 2.85, B 0.85)
    protect = {**kw, "protected": np.array([0, 1], bool)}
    s = settle(power, np.array([0]), np.array([1]), floor=0.25, keep_share=0.3, **protect)
    assert s.power == pytest.approx([2.85, 0.85]) and s.transfer == 0.0
    # keep_share 0.2: B must keep 0.74 of its 0.85, so it pays 0.11 instead of 0.17
    s = settle(power, np.array([0]), np.array([1]), floor=0.25, keep_share=0.2, **protect)
    assert s.power == pytest.approx([2.96, 0.74]) and s.transfer == pytest.approx(0.11)
    # far away (reach e^-2 = 0.135): 0.68 > 0.25 · 3.02 · 0.135 = 0.102, so B keeps its sovereignty
    far = np.exp(-2.0) * np.ones((2, 2))
    s = settle(power, np.array([0]), np.array([1]), floor=0.25, **{**kw, "reach": far})
    assert s.power == pytest.approx([3.02, 0.68]) and len(s.eliminated) == 0


def test_settlement_splits_reparations_by_contribution():
    # Winners A (2) and B (1) beat C (1): K = 0.1·2·3·1/4 = 0.15. Winners lose 0.15/3 = 5%: 1.9, 0.95.
    # C: 0.85, pays 0.17, split 2:1 → A 1.9 + 0.11333, B 0.95 + 0.05667; C 0.68. Total 4 − 0.3.
    power = np.array([2.0, 1.0, 1.0])
    s = settle(
        power,
        np.array([0, 1]),
        np.array([2]),
        war_cost=0.1,
        reparations=0.2,
        floor=0.1,
        protected=np.zeros(3, bool),
        reach=np.ones((3, 3)),
    )
    assert s.power == pytest.approx([1.9 + 0.17 * 2 / 3, 0.95 + 0.17 / 3, 0.68])
    assert s.power.sum() == pytest.approx(power.sum() - s.costs, rel=1e-12)


def test_target_concedes_when_tribute_is_cheaper_than_war():
    # loss = 2·war_cost·x + (1 − π_D)·reparations with x = ρ/(1+ρ), π_D = 1/(1+ρ) at w = 1.
    # ρ = 4: x = 0.8, loss = 0.16 + 0.8·0.2 = 0.32 > tribute 0.3 → concede.
    # ρ = 2: x = 2/3, loss = 0.1333 + 0.1333 = 0.2667 < 0.3 → fight.
    assert concedes(4.0, 0.1, 0.2, 0.3, 1.0)
    assert not concedes(2.0, 0.1, 0.2, 0.3, 1.0)
    assert concedes(2.0, 0.1, 0.2, 0.25, 1.0)


def test_a_target_survives_a_tribute_only_above_the_floor():
    # B (1) pays 0.3 to A (10): 0.7 left against 0.1 · 10.3 · reach. Adjacent (reach 1): 1.03 > 0.7,
    # B would be absorbed; at reach 0.5: 0.515 ≤ 0.7, it survives.
    assert not survives_tribute(1.0, 10.0, 0.3, 0.1, 1.0, 11.0)
    assert survives_tribute(1.0, 10.0, 0.3, 0.1, 0.5, 11.0)
    # with no floor at all, a target left with under 1e-9 of all power still cannot survive paying
    assert survives_tribute(1e-6, 10.0, 0.9, 0.0, 1.0, 11.0)
    assert not survives_tribute(1e-9, 10.0, 0.9, 0.0, 1.0, 11.0)


def test_a_loser_left_with_almost_nothing_is_absorbed_even_without_a_floor():
    # A (10) beats B (1e-8): costs K = 0.1 · 2 · 10 · 1e-8 / 10.00000001 ≈ 2e-9 each; B keeps
    # ≈ 8e-9 · 0.1 after reparations 0.9: ≈ 8e-10 < 1e-9 · 10, so it is absorbed with floor 0.
    power = np.array([10.0, 1e-8])
    s = settle(
        power,
        np.array([0]),
        np.array([1]),
        war_cost=0.1,
        reparations=0.9,
        floor=0.0,
        protected=np.zeros(2, bool),
        reach=np.ones((2, 2)),
    )
    assert s.eliminated.tolist() == [1] and s.power[1] == 0.0


def test_initiation_hazard_rises_with_revisionism_and_power():
    # q = 0.1 · r · p / p_max: [0.1·1·1, 0.1·0.5·0.5, 0] ; a dead state never initiates.
    q = initiation_hazard(
        np.array([4.0, 2.0, 1.0, 9.0]), np.array([True, True, True, False]), np.array([1, 0.5, 0, 1]), 0.1
    )
    assert q == pytest.approx([0.1, 0.025, 0.0, 0.0])


def test_parity_challengers_face_their_leading_rival():
    # powers 10, 9, 5, 11.5: leaders 3, 3, 3, 0. Ratios 0.87 (in), 0.78 (out), 0.43 (out), 1.15 (in).
    q, leader = parity_challengers(
        np.array([10.0, 9.0, 5.0, 11.5]), np.ones(4, bool), np.array([1.0, 1.0, 1.0, 0.5]), 0.2, 0.8, 1.2
    )
    assert leader.tolist() == [3, 3, 3, 0]
    assert q == pytest.approx([0.2, 0.0, 0.0, 0.1])


def test_target_is_the_best_expected_gain_above_superiority():
    # Own bloc 6. Candidates 1, 2, 3 with bloc powers 2, 3, 5: ratios 3, 2, 1.2 (3 is below 1.5).
    # gain = π · p · decay: state 1: 0.75 · 2 · 0.2 = 0.3; state 2: 2/3 · 3 · 0.5 = 1.0 → state 2.
    bloc = np.array([6.0, 2.0, 3.0, 5.0])
    state = np.array([6.0, 2.0, 3.0, 5.0])
    decay = np.array([1.0, 0.2, 0.5, 1.0])
    candidates = np.array([False, True, True, True])
    assert choose_target(6.0, bloc, state, decay, candidates, np.ones(4), 1.5, 1.0) == 2
    # noise that makes state 3 look weak (ratio 1.2 · 2 = 2.4) and near: gain 0.706 · 5 · 1 wins
    assert choose_target(6.0, bloc, state, decay, candidates, np.array([1, 1, 1, 2.0]), 1.5, 1.0) == 3
    assert choose_target(6.0, bloc, state, decay, candidates, np.ones(4), 3.5, 1.0) == -1
