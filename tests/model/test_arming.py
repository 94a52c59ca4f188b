"""Internal balancing (docs/ODD.md §7.1): threatened states arm at a cost to growth, allies share it."""

import numpy as np
import pandas as pd
import pytest

from model import BalanceOfPowerModel, power
from model.invariants import InvariantError, check
from tests.worlds import HAND, world

# Arming on, everything else still hand-checkable: fixed growth at rate 0, so the economy moves only
# by the arming cost. a_max = 0.5, cost 0.01 per unit of effort, effort closes 20 % of its gap a year.
ARMING = {**HAND, "arming": True, "arming_max": 0.5, "arming_cost": 0.01, "arming_rate": 0.2}


def three(alliances, **params):
    """B (4) at the origin between A (1) at (1, 0) and C (1) at (−1, 0); T_ij = p_j/(p_i+p_j)·e^(−d).

    T_AB = T_CB = 4/5·e^(−1) = 0.29430 (below threat_entry 0.3, so no one realigns);
    T_AC = 1/2·e^(−2) = 0.06767; T_BA = T_BC = 1/5·e^(−1) = 0.07358.
    """
    w = world([1.0, 4.0, 1.0], [(1, 0), (0, 0), (-1, 0)], ["balance"] * 3, alliances=alliances)
    return BalanceOfPowerModel(rng=0, world=w, check_invariants=True, **{**ARMING, **params})


def test_burden_share_is_the_economy_share_among_allies_facing_the_same_threat():
    # alliance 0: states 0 and 1 face bloc 7 (economies 3 and 1: shares 3/4, 1/4), state 2 faces bloc 9
    # alone in its alliance (share 1); state 3 is unaligned (share 1, it carries its burden alone)
    share = power.burden_share(
        np.array([3.0, 1.0, 2.0, 5.0]), np.array([0, 0, 0, -1]), np.array([7, 7, 9, 7])
    )
    assert share == pytest.approx([0.75, 0.25, 1.0, 1.0])


def test_the_arming_target_rises_with_felt_threat_up_to_the_maximum():
    # a* = a_max · min(τ, 1) · w: 0.5·0.2·1 = 0.1; 0.5·1·0.5 = 0.25 (τ 1.4 capped at 1); τ < 0 gives 0
    target = power.arming_target(np.array([0.2, 1.4, -0.1]), np.array([1.0, 0.5, 1.0]), 0.5)
    assert target == pytest.approx([0.1, 0.25, 0.0])
    assert power.arming_update(np.array([0.0, 0.3]), np.array([0.1, 0.1]), 0.2) == pytest.approx([0.02, 0.26])


def test_an_isolated_threatened_state_arms_and_grows_slower():
    m = three([])
    a = m.names.index("A")
    # Alone, A feels τ_A = T_AB = 0.29430 and carries all of it: a*_A = 0.5·0.29430 = 0.14715. The
    # start effort is that target, so the economy is p/(1 + a) = 1/1.14715 = 0.87172.
    assert m.arming[a] == pytest.approx(0.14715, abs=1e-5)
    assert m.economy[a] == pytest.approx(0.87172, abs=1e-5)
    m.step()
    # Year 1: the target is unchanged, Δ log e_A = −0.01·0.14715 = −0.0014715, and power
    # 0.87172·e^(−0.0014715)·1.14715 = 0.99853: it fields 15 % more capability than its economy.
    assert m.log_growth[a] == pytest.approx(-0.0014715, abs=1e-7)
    assert m.power[a] == pytest.approx(0.99853, abs=1e-5)
    assert m.power[a] > m.economy[a] * 1.14


def test_the_same_state_in_an_alliance_against_the_threat_arms_less_and_grows_faster():
    alone, allied = three([]), three([[0, 2]])  # A and C allied against B
    a = alone.names.index("A")
    # Allied, A's threat is net of its bloc (ODD §7.2): T_AB = (4/(2+4))·e^(−1) = 0.24525 instead of
    # 4/5·e^(−1) = 0.29430 alone; A and C have equal economies, so each carries half of the burden:
    # a*_A = 0.5·0.24525·1/2 = 0.061313, against 0.14715 alone.
    assert allied.arming[a] == pytest.approx(0.061313, abs=1e-6)
    assert allied.arming[a] < alone.arming[a] / 2
    # B, facing a bloc of two, T = (2/(4+2))·(e^(−1)/2 + e^(−1)/2) = 0.12263 instead of the lone A's
    # 1/5·e^(−1) = 0.07358, arms to 0.5·0.12263 = 0.061313 instead of 0.036788: the alliance provokes
    # the threat to arm (a security dilemma).
    b = alone.names.index("B")
    assert allied.arming[b] == pytest.approx(0.061313, rel=1e-4)
    assert alone.arming[b] == pytest.approx(0.036788, rel=1e-4)
    for _ in range(10):
        alone.step()
        allied.step()
    assert allied.events_frame()["event"].tolist() == ["formed", "formed"]  # the alliance held
    # Δ log e_A = −0.01·0.061313 = −0.00061313 a year instead of −0.0014715: after 10 years its economy
    # is e^(−0.0061313) = 0.99389 of its start instead of e^(−0.014715) = 0.98539.
    assert allied.log_growth[a] == pytest.approx(-0.00061313, abs=1e-7)
    assert allied.economy[a] / (1 / 1.061313) == pytest.approx(0.99389, abs=1e-4)
    assert alone.economy[a] / (1 / 1.147152) == pytest.approx(0.98539, abs=1e-4)


def test_without_burden_sharing_an_ally_arms_by_its_net_threat_alone():
    # Without burden sharing only the net threat lowers A's effort: 0.5·0.24525 = 0.12263, against
    # 0.14715 alone and 0.061313 with the burden shared.
    alone, allied = three([]), three([[0, 2]], burden_sharing=False)
    assert allied.arming[0] == pytest.approx(0.122626, abs=1e-6)
    assert alone.arming[0] == pytest.approx(0.147152, abs=1e-6)


def test_arming_off_is_the_process_without_arming():
    # arming=false and arming with a_max = 0 give the same run: effort 0, power = economy, and no draw
    runs = []
    for params in ({"arming": False}, {"arming": True, "arming_max": 0.0}):
        m = BalanceOfPowerModel(rng=4, n_states=12, war=True, check_invariants=True, **params)
        for _ in range(40):
            m.step()
            assert np.array_equal(m.power[m.alive], m.economy[m.alive])
        runs.append(m.model_frame())
    pd.testing.assert_frame_equal(*runs)


def test_alliances_change_powers_in_peace_when_states_arm():
    # Paired by seed, war off: all-balance and all-bandwagon worlds form different alliances; with
    # arming their powers part, without it (same growth shocks) they are identical.
    def s_max(strategy, arming):
        m = BalanceOfPowerModel(rng=6, n_states=10, strategy=strategy, arming=arming, record_states=False)
        for _ in range(60):
            m.step()
        return m.metrics["s_max"]

    assert s_max("balance", False) == s_max("bandwagon", False)
    assert s_max("balance", True) != s_max("bandwagon", True)


def test_power_that_is_not_economy_times_one_plus_effort_is_caught():
    m = three([])
    m.step()
    m.economy[0] *= 1.001  # as if the economy moved without the capability it supports
    with pytest.raises(InvariantError, match=r"state A: power = economy · \(1 \+ effort\)"):
        check(m)


def test_an_effort_beyond_the_maximum_is_caught():
    m = three([])
    m.step()
    m.arming[2] = 0.6  # a_max is 0.5
    m.economy[2] = m.power[2] / 1.6
    m.economy_at_start = None  # (this test is about effort, not the accounting)
    m.power_at_start = None
    with pytest.raises(InvariantError, match=r"state C: effort in \[0, arming_max\]"):
        check(m)
