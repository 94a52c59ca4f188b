"""The threat a bloc poses (agents/situation.py, model/threat.py; docs/ODD.md §7.2) on hand-built worlds.

tests.worlds.HAND: distance scale 1, no revisionism weight (intent 1), no noise, no predominance term,
so with a = 1 the threat of bloc B to state i in bloc O is  T_iB = Σ_{j∈B} p_j·e^(−d_ij) / (P_O + P_B).
"""

import math

import numpy as np
import pytest

from agents.situation import predominance
from tests.worlds import model, world


def felt(m, name):
    """The state's situation: its felt (net) threat, main threat's leader, threat as if alone."""
    s = m.perceive(np.array([m.names.index(name)]))
    return s.tau[0], m.names[s.leader[s.main[0]]], s.tau_alone[0]


def test_joining_a_bloc_lowers_felt_threat():
    # A (4) at (0, 0) threatens both its neighbours, B (3) at (0.5, 0) and C (1) at (-0.5, 0):
    #   C alone: T_CA = 4·e^-0.5 / (1 + 4) = 0.485 (main), T_CB = 3·e^-1 / (1 + 3) = 0.276
    #   B alone: T_BA = 4·e^-0.5 / (3 + 4) = 0.347 ≥ 0.3, T_BC = 1·e^-1 / (3 + 1) = 0.092
    # Both balance against A and ally with each other; in the bloc {B, C} of power 4 each feels
    #   T_CA = T_BA = 4·e^-0.5 / (4 + 4) = 0.303, less than before.
    w = world([4.0, 3.0, 1.0], [(0, 0), (0.5, 0), (-0.5, 0)], ["balance"] * 3)
    m = model(w)
    before = {name: felt(m, name) for name in "BC"}
    assert before["C"][0] == pytest.approx(4 * math.exp(-0.5) / 5)
    assert before["B"][0] == pytest.approx(4 * math.exp(-0.5) / 7)
    m.step()
    assert m.states[2].alliance is not None and set(m.states[2].alliance.members) == {1, 2}
    for name in "BC":
        tau, main, alone = felt(m, name)
        assert main == "A"
        assert tau == pytest.approx(4 * math.exp(-0.5) / 8)
        assert tau < before[name][0]
        assert alone == pytest.approx(before[name][0])  # the threat it answers is still there


@pytest.mark.parametrize("exponent", [1.0, 2.0])
@pytest.mark.parametrize("weight", [0.0, 1.0])
def test_a_bloc_of_equal_parts_at_one_place_threatens_exactly_as_one_state(exponent, weight):
    # One state of power 6 at the origin, or three allied states of power 2 each there: to C (1) at
    # (0, 0.5) both threaten (6/7)^a · e^-0.5 (+ π(6/7) with the predominance term on), since power
    # is aggregated before proximity: Σ_j (p_j / P_B)·e^-d = e^-0.5 for both. Same for D (1) at (1, 1).
    params = {"power_exponent": exponent, "predominance_weight": weight}
    one = model(world([6.0, 1.0, 1.0], [(0, 0), (0, 0.5), (1, 1)], ["hedge"] * 3), **params)
    parts = model(
        world(
            [2.0, 2.0, 2.0, 1.0, 1.0],
            [(0, 0), (0, 0), (0, 0), (0, 0.5), (1, 1)],
            ["hedge"] * 5,
            alliances=[[0, 1, 2]],
        ),
        **params,
    )
    t_one = one.perceive(np.array([1, 2])).tau
    t_parts = parts.perceive(np.array([3, 4])).tau
    assert t_parts == pytest.approx(t_one, rel=1e-12)
    expected = (6 / 7) ** exponent * math.exp(-0.5) + weight * predominance(np.array(6 / 8), 1.0, 0.4, 0.03)
    assert t_one[0] == pytest.approx(expected)


def test_a_distant_many_member_bloc_no_longer_out_threatens_a_near_great_power_by_its_count():
    # K (1) at the origin; R (3) at distance 1; six allied states of power 1 each at distance 1.5.
    # Summed over members, as before, the bloc threatened 6 · 1/2 · e^-1.5 = 0.669 > R's 3/4 · e^-1 =
    # 0.276. Aggregated first: 6·e^-1.5 / (1 + 6) = 0.191 < 0.276, so R is K's main threat.
    far = [(1.5 * math.cos(a), 1.5 * math.sin(a)) for a in np.linspace(2, 4, 6)]
    w = world(
        [1.0, 3.0] + [1.0] * 6,
        [(0, 0), (1, 0), *far],
        ["hedge"] * 8,
        alliances=[list(range(2, 8))],
    )
    m = model(w)
    s = m.perceive(np.array([0]))
    bloc = s.labels[2]
    assert s.bloc_threat[0, bloc] == pytest.approx(6 * math.exp(-1.5) / 7)
    assert s.bloc_threat[0, s.labels[1]] == pytest.approx(0.75 * math.exp(-1))
    assert m.names[s.leader[s.main[0]]] == "B"
    assert 6 * 0.5 * math.exp(-1.5) > 0.75 * math.exp(-1)  # what the old member sum would have said


def test_the_predominance_term_has_a_smooth_onset_with_half_its_weight_at_the_onset():
    share = np.array([0.1, 0.3, 0.4, 0.5, 0.9])
    pi = predominance(share, 2.0, 0.4, 0.03)
    assert pi[2] == pytest.approx(1.0)  # ω/2 at s₀
    assert pi[1] == pytest.approx(2.0 / (1 + math.exp(0.1 / 0.03)))  # 0.069: small below the onset
    assert pi[3] == pytest.approx(2.0 / (1 + math.exp(-0.1 / 0.03)))  # 1.93: near ω above it
    assert np.all(np.diff(pi) > 0)  # rising, never a step


def test_a_bloc_approaching_predominance_threatens_every_state_however_far():
    # A (8) sits 50 units away from B and C (1 each): its reach is e^-50 ≈ 0, but its share 0.8 gives
    # π(0.8) = 1/(1 + e^(-0.4/0.03)) ≈ 1 to both. Without the term the threat is nil.
    w = world([8.0, 1.0, 1.0], [(50, 0), (0, 0), (0, 0.1)], ["hedge"] * 3)
    on = model(w, predominance_weight=1.0)
    off = model(w)
    for name in "BC":
        tau, main, _ = felt(on, name)
        assert main == "A" and tau == pytest.approx(1 / (1 + math.exp(-0.4 / 0.03)), abs=1e-6)
    # off: B's main threat is C, 0.1 away: T_BC = 1·e^-0.1 / 2 = 0.452, and A's e^-50 is nothing
    assert felt(off, "B")[1] == "C"


def test_a_partner_approaching_predominance_threatens_its_own_allies():
    # A (6) allied with B (1) and C (1), all at one place; D (2) far away. B's partners A and C hold
    # (6 + 1)/10 = 0.7 of all power: as if B stood alone they threaten it with
    # 7·e^0 / (1 + 7) + π(0.7) = 0.875 + 1.0 (π(0.7) = 1/(1 + e^-10) ≈ 0.99995).
    w = world([6.0, 1.0, 1.0, 2.0], [(0, 0), (0, 0), (0, 0), (60, 0)], ["hedge"] * 4, alliances=[[0, 1, 2]])
    m = model(w, predominance_weight=1.0)
    s = m.perceive(np.array([1]))
    assert s.partner_threat[0] == pytest.approx(7 / 8 + 1 / (1 + math.exp(-0.3 / 0.03)))


def test_perception_noise_is_mean_preserving_and_drawn_every_step():
    # reach_ij = e^-d_ij · ν_ij with ν lognormal of mean 1 (σ = 0.5): over 20 states and 30 steps the mean
    # of ν is 1 within sampling error (sd of ν = sqrt(e^0.25 − 1) = 0.53, n = 11,400: se 0.005).
    n = 20
    rng = np.random.default_rng(0)
    w = world([1.0] * n, [tuple(x) for x in rng.random((n, 2))], ["balance"] * n)
    m = model(w, perception_noise=0.5, hedge_threshold=10.0, threat_entry=10.0, threat_exit=5.0)
    base = np.exp(-m.distance)
    off = ~np.eye(n, dtype=bool)
    ratios = []
    for _ in range(30):
        m.step()
        ratios.append((m.reach / base)[off])
    ratios = np.array(ratios)
    assert abs(ratios.mean() - 1) < 0.02
    assert not np.allclose(ratios[0], ratios[1])  # fresh draws every step
