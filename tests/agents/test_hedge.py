"""Hedging with partnership ties (agents/rules/hedge.py, model/model.py `update_ties`; docs/ODD.md §7.4).

Threats as in tests.worlds.HAND (T_iB = Σ_{j∈B} p_j·e^(−d_ij) / (side_i(B) + P_B)), with ties allowed:
tie_budget 1, tie_trust θ = 0.5, tie_cost μ = 0.25. The hedger K (1) sits at the origin between two poles,
R (6) at (0.5, 0) and C (5) at (−0.5, 0), both bandwagoners (they stay put, and take a weaker follower).
"""

import math

import numpy as np
import pytest
from scipy.optimize import minimize

from agents.rules.hedge import fill
from tests.worlds import ally_of, model, world

TIES = {"tie_budget": 1.0, "tie_trust": 0.5, "tie_cost": 0.25}
E = math.exp(-0.5)


def poles(**params):
    w = world(
        [1.0, 6.0, 5.0],
        [(0, 0), (0.5, 0), (-0.5, 0)],
        ["hedge", "bandwagon", "bandwagon"],
        names=["K", "R", "C"],
    )
    return model(w, **{**TIES, **params})


def test_ties_solve_the_penalised_problem_exactly():
    # fill is the minimiser of −b·w + μ·Σw² on 0 ≤ w ≤ 1, Σw ≤ budget: compare with a numerical optimiser.
    rng = np.random.default_rng(3)
    for budget, cost in ((1.0, 0.25), (0.5, 0.05), (3.0, 1.0)):
        b = rng.random((1, 6))
        w = fill(b, cost, budget)[0]
        best = minimize(
            lambda x, b=b[0], cost=cost: -b @ x + cost * x @ x,
            np.full(6, budget / 12),
            bounds=[(0, 1)] * 6,
            constraints=[{"type": "ineq", "fun": lambda x, budget=budget: budget - x.sum()}],
            method="SLSQP",
            options={"ftol": 1e-12},
        )
        assert w == pytest.approx(best.x, abs=1e-5)
        assert w.sum() <= budget + 1e-9 and np.all((w >= 0) & (w <= 1))


def test_a_hedger_holds_ties_to_two_poles_that_lower_its_felt_threat():
    # K alone: T_KR = 6·e^-0.5 / 7 = 0.520 (its main threat), T_KC = 5·e^-0.5 / 6 = 0.505 — below the
    # critical threat 0.6, so it stays out of blocs and ties itself to both poles instead.
    # Benefit of a tie to R: trust θ·6·e^-0.5/7 = 0.260, plus R's aid against C, 6 · (5·e^-0.5/6²) = 0.505:
    # b_R = 0.765; to C: 0.5·5·e^-0.5/6 = 0.253 plus 5 · (6·e^-0.5/7²) = 0.371: b_C = 0.624.
    # w = 2·(b − ν) with Σw = 1: ν = (b_R + b_C − 0.5)/2 = 0.445, w_R = 0.641, w_C = 0.359.
    m = poles(hedge_threshold=0.6)
    m.step()
    b_r = 0.5 * 6 * E / 7 + 6 * 5 * E / 36
    b_c = 0.5 * 5 * E / 6 + 5 * 6 * E / 49
    nu = (b_r + b_c - 0.5) / 2
    assert m.ties[0, 1] == pytest.approx(2 * (b_r - nu)) and m.ties[0, 2] == pytest.approx(2 * (b_c - nu))
    assert m.ties[0].sum() == pytest.approx(1.0) and not m.ties[1:].any()
    # Next year K trusts R by (1 − 0.5·w_R) and counts C's expected aid 5·w_C on its side against R:
    # T_KR = 6·e^-0.5·(1 − 0.5·w_R) / (1 + 5·w_C + 6), below the 0.520 it felt with no ties.
    w_r, w_c = m.ties[0, 1], m.ties[0, 2]
    m.step()
    s = m.perceive(np.array([0]))
    felt_r = s.bloc_threat[0, s.labels[1]]
    assert felt_r == pytest.approx(6 * E * (1 - 0.5 * w_r) / (1 + 5 * w_c + 6), rel=1e-6)
    assert s.tau[0] < 6 * E / 7
    assert ally_of(m, "K") == set()
    frame = m.ties_frame()
    assert (
        set(frame["step"]) == {1, 2} and set(frame["partner"]) == {"R", "C"} and set(frame["state"]) == {"K"}
    )


def test_a_hedger_joins_an_exclusive_bloc_only_above_its_critical_threat_and_then_holds_no_ties():
    # With the critical threat at 0.5 < T_KR = 0.520 (year 1, before any tie), K seeks a counterweight to R:
    # C, less threatening (0.505) and threatened by R too (6·e^-1/11 = 0.201 ≥ threat_exit); C, a
    # bandwagoner, takes the weaker follower (C's share 5/12 = 0.417 is within hedge_dominance 0.5). In the
    # bloc K holds no ties. At 0.6 it never offers itself.
    joined = poles(hedge_threshold=0.5, hedge_dominance=0.5)
    joined.step()
    assert ally_of(joined, "K") == {"K", "C"} and not joined.ties.any()
    unaligned = poles(hedge_threshold=0.6)
    for _ in range(3):
        unaligned.step()
    assert ally_of(unaligned, "K") == set() and unaligned.events_frame().empty


def test_tied_partners_come_to_the_hedgers_aid_in_proportion_to_the_tie():
    # A (3, a full revisionist) attacks K (1) every year; P (2), a hedger far away, would never join by its
    # own rule (critical threat 10). K holds a tie to P: with tie 1 P always defends K; with tie 0.3 in
    # about 30% of 400 crises (binomial 99.9% band 0.3 ± 0.075); with no tie never.
    def aided(tie, seed):
        w = world(
            [3.0, 1.0, 2.0],
            [(0, 0), (0.5, 0), (5, 5)],
            ["hedge"] * 3,
            names=["A", "K", "P"],
            revisionism=[1.0, 0, 0],
        )
        m = model(
            w,
            war=True,
            war_rate=1.0,
            hazard_gain=0.0,  # A's hazard against K: e^-0.5 = 0.61 a year (f = 1, a = reach)
            war_noise=0.0,
            hedge_threshold=10.0,
            threat_entry=10.0,
            threat_exit=5.0,
            tribute=0.9,
        )
        m.reset_rng(seed)
        m.ties[1, 2] = tie
        year = m.conflict.step()
        while not year.records:  # a quiet year changes nothing: wait for the first crisis
            year = m.conflict.step()
        return "P" in year.records[0]["defenders"]

    assert all(aided(1.0, seed) for seed in range(20))
    assert not any(aided(0.0, seed) for seed in range(20))
    share = np.mean([aided(0.3, seed) for seed in range(400)])
    assert abs(share - 0.3) < 0.075
