"""The war formulas (model/war.py), each checked against arithmetic done by hand."""

import math

import numpy as np
import pytest

from model.params import validate
from model.war import (
    MAX_TRANSFER,
    HazardShape,
    attention,
    attrition,
    concedes,
    crisis_hazard,
    draw_targets,
    expected_transfer,
    hazard_shape,
    log_trend,
    persistence,
    punitive_transfers,
    ratio_trend,
    settle,
    survives_tribute,
    win_probability,
)

# The two presets as HazardShape.from_params gives them with the default superiority 1.5 and width 0.12.
GAIN = HazardShape(gain=1.0, superiority=1.5, gain_width=0.12, parity=0.0, trend=0.0)
TRANSITION = HazardShape(gain=0.0, superiority=1.5, gain_width=0.12, parity=50.0, trend=25.0)


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


def test_the_presets_set_the_weights_and_a_weight_set_by_hand_overrides_its_preset():
    assert HazardShape.from_params(validate({})) == GAIN
    assert HazardShape.from_params(validate({"war_hazard": "power_transition"})) == TRANSITION
    # expected gain with a parity term of its own: only that weight changes
    mixed = HazardShape.from_params(validate({"hazard_parity": 10.0, "superiority": 2.0}))
    assert mixed == HazardShape(gain=1.0, superiority=2.0, gain_width=0.12, parity=10.0, trend=0.0)


def test_expected_gain_rises_smoothly_through_the_superiority_ratio():
    # f = G(ρ) = 1 / (1 + (1.5/ρ)^(1/0.12)), (1/0.12 = 8.333); no trend or parity term.
    # ρ = 3: (0.5)^8.333 = 0.0031004 → f = 1/1.0031004 = 0.996909. ρ = 1.5: f = 1/2.
    # ρ = 1 (parity): 1.5^8.333 = 29.3378 → f = 1/30.3378 = 0.032962: small, not zero.
    # ρ = 0.9: (1.5/0.9)^8.333 = 70.5894 → f = 0.013969. The trend does not matter (γ = 0).
    assert hazard_shape(3.0, 0.0, GAIN) == pytest.approx(0.996909, abs=1e-6)
    assert hazard_shape(1.5, 0.0, GAIN) == pytest.approx(0.5)
    assert hazard_shape(1.0, 0.0, GAIN) == pytest.approx(0.032962, abs=1e-6)
    assert hazard_shape(0.9, 0.0, GAIN) == pytest.approx(0.013969, abs=1e-6)
    assert hazard_shape(1.0, 0.04, GAIN) == hazard_shape(1.0, -0.04, GAIN) == hazard_shape(1.0, 0.0, GAIN)


def test_power_transition_peaks_at_parity_and_rises_with_overtaking():
    # f = U(ρ)^50 · 2/(1 + e^(−25 ρ̇)), U = 4ρ/(1+ρ)²; no gain term.
    # ρ = 1, steady: 1 · 1 = 1. ρ = 1.2: U = 4.8/4.84 = 0.991736, ^50 = e^(50 · −0.0082988) = 0.660380.
    # ρ = 2: U = 8/9, ^50 = e^(50 · −0.117783) = 0.0027693, and ρ = 1/2 the same (symmetric in ln ρ).
    # ρ = 3: U = 0.75, ^50 = 5.6632e-7: far from parity, small but not zero.
    # Rising at 0.04 a year through parity: 2/(1 + e^-1) = 1.462117; falling: 2/(1 + e^1) = 0.537883.
    assert hazard_shape(1.0, 0.0, TRANSITION) == pytest.approx(1.0)
    assert hazard_shape(1.2, 0.0, TRANSITION) == pytest.approx(0.660380, abs=1e-6)
    assert hazard_shape(2.0, 0.0, TRANSITION) == pytest.approx(0.0027693, rel=1e-4)
    assert hazard_shape(0.5, 0.0, TRANSITION) == pytest.approx(hazard_shape(2.0, 0.0, TRANSITION))
    assert 0 < hazard_shape(3.0, 0.0, TRANSITION) == pytest.approx(5.6632e-7, rel=1e-4)
    assert hazard_shape(1.0, 0.04, TRANSITION) == pytest.approx(1.462117, abs=1e-6)
    assert hazard_shape(1.0, -0.04, TRANSITION) == pytest.approx(0.537883, abs=1e-6)
    # both at once: 0.660380 · 1.462117 = 0.965553
    assert hazard_shape(1.2, 0.04, TRANSITION) == pytest.approx(0.965553, abs=1e-6)


def test_a_dyads_hazard_is_rate_revisionism_shape_and_its_share_of_reach():
    # Row 0: reach 0.5 and 0.8 to states 1 and 2, both at risk: Σ = 1.3 > 1, so a = 0.5/1.3 = 0.384615 and
    # 0.8/1.3 = 0.615385. Row 1: only state 2 at risk, reach 0.4 < 1, so a = 0.4 (isolation lowers it).
    reach = np.array([[1.0, 0.5, 0.8], [0.5, 1.0, 0.4], [0.8, 0.4, 1.0]])
    at_risk = np.array([[False, True, True], [False, False, True], [False, False, False]])
    a = attention(reach, at_risk)
    assert a == pytest.approx(np.array([[0, 0.384615, 0.615385], [0, 0, 0.4], [0, 0, 0]]), abs=1e-6)
    # q = 0.1 · r_i · f · a with r = (0.5, 1, 0) and f = (·, 1, 0.5 | ·, ·, 2):
    # q_01 = 0.05 · 1 · 0.384615 = 0.019231; q_02 = 0.05 · 0.5 · 0.615385 = 0.015385;
    # q_12 = 0.1 · 2 · 0.4 = 0.08
    f = np.array([[1.0, 1.0, 0.5], [1.0, 1.0, 2.0], [1.0, 1.0, 1.0]])
    q = crisis_hazard(f, np.array([0.5, 1.0, 0.0]), a, 0.1)
    assert q == pytest.approx(np.array([[0, 0.019231, 0.015385], [0, 0, 0.08], [0, 0, 0]]), abs=1e-6)
    # a rate of 1 and f = 2 everywhere would give row 0 a total of 2: it is scaled down to sum 1
    assert crisis_hazard(2 * np.ones((3, 3)), np.ones(3), a, 1.0)[0].sum() == pytest.approx(1.0)


def test_one_uniform_draw_picks_the_target_with_probability_equal_to_its_hazard():
    # q = (0.2, 0, 0.3): cumulative (0.2, 0.2, 0.5). u = 0.1 → state 0; u = 0.2 or 0.25 → state 2 (state 1
    # has no hazard and is never drawn); u = 0.6 ≥ 0.5 → nobody.
    q = np.array([[0.2, 0.0, 0.3]] * 4)
    assert draw_targets(q, np.array([0.1, 0.2, 0.25, 0.6])).tolist() == [0, 2, 2, -1]
    rng = np.random.default_rng(0)
    drawn = draw_targets(np.repeat(q[:1], 20000, axis=0), rng.random(20000))
    shares = [(drawn == k).mean() for k in (0, 1, 2, -1)]
    assert shares == pytest.approx([0.2, 0.0, 0.3, 0.5], abs=0.011)  # 3.3 sd of a share near 0.5: 0.0117


def test_the_trend_is_the_slope_of_the_log_ratio_of_the_blocs_as_they_are():
    # A and B allied (label 0), C alone (label 1). Bloc AB: 2, 2.2, 2.42 (10% a year: slope ln 1.1 =
    # 0.0953102); C: 1, 1, 1 (slope 0). ρ̇_AC = 0.0953102 = −ρ̇_CA; within the bloc 0.
    history = np.array([[1.0, 1.0, 1.0], [1.1, 1.1, 1.0], [1.21, 1.21, 1.0]])
    trend = ratio_trend(history, np.array([0, 0, 1]))
    assert trend[0, 2] == pytest.approx(math.log(1.1)) and trend[1, 2] == pytest.approx(math.log(1.1))
    assert trend[2, 0] == pytest.approx(-math.log(1.1)) and trend[0, 1] == 0.0
    assert log_trend(np.exp(np.array([[0.0], [1.0], [2.0]]))) == pytest.approx([1.0])
    assert log_trend(np.ones((1, 3))).tolist() == [0, 0, 0]  # one year: no trend yet


def test_an_initiator_backs_down_as_far_as_the_sides_worsen_its_odds():
    # It expected ρ = 3 (G = 0.996909); the sides give 1.5 (G = 0.5): it goes on with 0.5/0.996909 = 0.501550.
    assert persistence(1.5, 3.0, GAIN) == pytest.approx(0.501550, abs=1e-6)
    assert persistence(4.0, 3.0, GAIN) == 1.0  # its side grew: it goes on
    assert persistence(0.5, 3.0, TRANSITION) == 1.0  # no gain term (power transition): never deterred


def test_a_punitive_peace_takes_all_the_loser_holds_above_the_survival_line():
    # A (3) beats B (1), war_cost 0.1, reach 1: after costs A 2.85, B 0.85. Floor 0.25: B must keep
    # 0.25 · (2.85 + t), so t = (0.85 − 0.25 · 2.85) / 1.25 = 0.11: B keeps 0.74 = 0.25 · 2.96, exactly on
    # the line (reparations 0.2 would have taken 0.17 and absorbed it). Floor 0.1: t = (0.85 − 0.285)/1.1
    # = 0.513636, B keeps 0.336364 = 0.1 · 3.363636.
    power = np.array([3.0, 1.0])
    kw = {"war_cost": 0.1, "reparations": 0.2, "protected": np.zeros(2, bool), "reach": np.ones((2, 2))}
    s = settle(power, np.array([0]), np.array([1]), floor=0.25, punitive=True, **kw)
    assert s.power == pytest.approx([2.96, 0.74]) and len(s.eliminated) == 0
    assert s.transfer == pytest.approx(0.11)
    s = settle(power, np.array([0]), np.array([1]), floor=0.1, punitive=True, **kw)
    assert s.power == pytest.approx([3.363636, 0.336364], abs=1e-6) and len(s.eliminated) == 0
    assert s.power[1] == pytest.approx(0.1 * s.power[0], rel=1e-8)  # on the line: any more and it falls
    # no floor: the most any transfer takes, MAX_TRANSFER = 0.9 of the 0.85 left: 0.765
    s = settle(power, np.array([0]), np.array([1]), floor=0.0, punitive=True, **kw)
    assert s.transfer == pytest.approx(MAX_TRANSFER * 0.85) and s.power[1] == pytest.approx(0.085)
    # an essential loser under restraint pays down to the essential line: keep 0.2 · 3.7 = 0.74, pays 0.11
    guarded = {**kw, "protected": np.array([False, True])}
    s = settle(power, np.array([0]), np.array([1]), floor=0.25, keep_share=0.2, punitive=True, **guarded)
    assert s.power == pytest.approx([2.96, 0.74]) and s.transfer == pytest.approx(0.11)


def test_a_punitive_peace_keeps_every_loser_on_its_line_when_several_lose():
    # A (4) beats B (1) and C (1): K = 0.1·2·4·2/6 = 0.266667 a side, A 3.733333, B = C = 0.866667.
    # Reach A→B 1, A→C 0.5, floor 0.1. With X the total transfer, B keeps 0.1 (3.733333 + X) and C
    # 0.05 (3.733333 + X): X = 2·0.866667 − 0.15 (3.733333 + X) → X = (1.733333 − 0.56)/1.15 = 1.020290;
    # A 4.753623, B 0.475362, C 0.237681.
    reach = np.array([[1.0, 1.0, 0.5], [1.0, 1.0, 1.0], [0.5, 1.0, 1.0]])
    s = settle(
        np.array([4.0, 1.0, 1.0]),
        np.array([0]),
        np.array([1, 2]),
        war_cost=0.1,
        reparations=0.2,
        floor=0.1,
        protected=np.zeros(3, bool),
        reach=reach,
        punitive=True,
    )
    assert s.power == pytest.approx([4.753623, 0.475362, 0.237681], abs=1e-6)
    assert len(s.eliminated) == 0 and s.transfer == pytest.approx(1.020290, abs=1e-6)
    # the solver alone: a loser already below its line pays nothing (and settle then absorbs it)
    paid = punitive_transfers(np.array([0.5, 0.1]), np.array([1.0, 2.0]), np.ones(2), 0.1, 0.0, np.ones(2))
    # B: 0.5 − 0.1 (1 + X); C: 0.1 < 0.1 · 2 pays 0 → X = 0.4 − 0.1 X → X = 0.363636
    assert paid == pytest.approx([0.363636, 0.0], abs=1e-6)


def test_a_target_fearing_a_punitive_peace_expects_to_lose_what_it_holds_above_the_line():
    # Lone target (1) against a side of 2 at reach 1, war_cost 0.1: costs 0.1·2·2/3 = 0.133333 each; it keeps
    # 0.866667 against 1.866667; punitive t = (0.866667 − 0.1 · 1.866667)/1.1 = 0.618182, a share 0.713287 of
    # what the war left it. Without a punitive peace it expects the reparations share.
    assert expected_transfer(2.0, 0.1, 0.2, True, 0.1, 1.0) == pytest.approx(0.713287, abs=1e-6)
    assert expected_transfer(2.0, 0.1, 0.2, False, 0.1, 1.0) == 0.2
    # so it concedes a tribute of 0.3 it would fight under reparations 0.2 (test above: 0.2667 < 0.3):
    # loss = 0.133333 + 2/3 · 0.713287 = 0.608858 > 0.3
    assert concedes(2.0, 0.1, 0.713287, 0.3, 1.0) and not concedes(2.0, 0.1, 0.2, 0.3, 1.0)
