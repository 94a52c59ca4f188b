"""Landscape theory (Axelrod & Bennett 1993; agents/rules/landscape.py, docs/ODD.md §7.4, §7.6).

F_i(X) = Σ_{j≠i} s_j·p_ij·d_ij(X), s_j the share of power, d_ij 0 when j is on i's side X and 1 otherwise;
p_ij = min(T_iM, T_jM) − T_ij (M i's main threat, T_xM its threat to x alone; T_ij the threat of j alone
to i alone). Threats as in tests.worlds.HAND: T_ij = p_j·e^(−d_ij) / (p_i + p_j).
"""

import math

import numpy as np
import pytest

from agents.rules import landscape
from agents.sides import take_sides
from agents.strategy import STAY
from model import BalanceOfPowerModel
from tests.worlds import ally_of, model, world


def test_propensities_and_the_choice_by_hand():
    # A (4) at (0, 0), B (2) at (1, 0), C (1) at (0, 0.5), total 7.
    # C: T_CA = 4·e^-0.5/5 = 0.485 (main threat), T_CB = 2·e^-1.118/3 = 0.218; A threatens B alone at
    # T_BA = 4·e^-1/6 = 0.245. p_CB = min(0.485, 0.245) − 0.218 = 0.027; p_CA = 0 − 0.485 (A is M).
    # F_C alone = (4/7)(−0.485) + (2/7)(0.027) = −0.269; with B (d_CB = 0): −0.277; with A: +0.008.
    # Least frustration: with B. B consents: its main threat is A too (0.245 > T_BC = e^-1.118/3 = 0.109),
    # p_BC = min(0.245, 0.485) − 0.109 = 0.136 > 0.
    m = model(world([4.0, 2.0, 1.0], [(0, 0), (1, 0), (0, 0.5)], ["landscape"] * 3))
    s = m.perceive(np.array([2]))
    p = landscape.propensity(s)[0]
    t_ca, t_cb, t_ba = 4 * math.exp(-0.5) / 5, 2 * math.exp(-math.hypot(1, 0.5)) / 3, 4 * math.exp(-1) / 6
    assert p[0] == pytest.approx(-t_ca) and p[1] == pytest.approx(min(t_ca, t_ba) - t_cb) and p[2] == 0
    assert m.names[s.leader[landscape.align(s).ranking(0)[0]]] == "B"
    m.step()
    assert ally_of(m, "C") == {"B", "C"}


def frustration(share, prop_row, i, members):
    """F_i with i on the side of `members` (a brute-force sum over every other state)."""
    return sum(share[j] * prop_row[j] * (j not in members) for j in range(len(share)) if j != i)


@pytest.mark.parametrize(("seed", "years"), [(1, 0), (2, 0), (1, 1), (2, 1)])
def test_a_landscape_states_choice_equals_the_brute_force_minimum_of_its_frustration(seed, years):
    # Random worlds of 8 landscape states with perception noise, at the start (all unaligned, all move) and
    # after a year (all allied, a few still move): for every state, the option its rule takes (stay, stand
    # alone, or the bloc it ranks first) has the least frustration among staying, standing alone and
    # joining each other bloc, summed state by state.
    m = BalanceOfPowerModel(rng=seed, n_states=8, strategy="landscape", perception_noise=0.3)
    for _ in range(years):
        m.step()
    rows = np.flatnonzero(m.alive)
    s = m.perceive(rows)
    prop = landscape.propensity(s)
    share = s.power / s.total_power
    moves = 0
    for r, i in enumerate(rows):
        blocs = {
            b: set(np.flatnonzero(s.labels == b)) for b in range(len(s.bloc_power)) if s.bloc_power[b] > 0
        }
        options = {"alone": frustration(share, prop[r], i, set())}
        options["stay"] = frustration(share, prop[r], i, blocs[s.own[r]] - {i})
        for b, members in blocs.items():
            if b != s.own[r]:
                options[b] = frustration(share, prop[r], i, members)
        decision = landscape.align(s.only(np.arange(len(rows)) == r))
        target = int(decision.target[0])
        chosen = "stay" if target == STAY else "alone" if target < 0 else decision.ranking(0)[0]
        assert options[chosen] == pytest.approx(min(options.values()), abs=1e-12), (i, chosen, options)
        moves += chosen != "stay"
    assert moves > 0  # not only states content where they are


def test_in_war_a_landscape_state_takes_the_side_of_least_frustration():
    # A (10, revisionist) at (0, 0) attacks B (4) at (0.5, 0); E (1, landscape) at (0, -0.6).
    # E's concern (A's threat): 10·e^-0.6/11 = 0.499; B's: 10·e^-0.5/14 = 0.433. p_EA = −0.499;
    # p_EB = min(0.499, 0.433) − 4·e^-0.781/5 = 0.433 − 0.366 = 0.067 > 0: E defends B.
    w = world(
        [10.0, 4.0, 1.0],
        [(0, 0), (0.5, 0), (0, -0.6)],
        ["hedge", "hedge", "landscape"],
        revisionism=[1, 0, 0],
    )
    m = model(w, war=True, hedge_threshold=0.9)
    attack, defend = take_sides(
        0,
        1,
        power=m.power,
        free=m.alive.copy(),
        membership=m.alignments.membership,
        reach=m.reach,
        revisionism=m.revisionism,
        strategy=m.strategy,
        distance=m.distance,
        params=m.params,
    )
    assert list(np.flatnonzero(defend)) == [1, 2] and list(np.flatnonzero(attack)) == [0]
