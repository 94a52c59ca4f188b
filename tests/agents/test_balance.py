"""Balancing (Walt, Waltz; agents/rules/balance.py, common.py; docs/ODD.md §7.3-7.4) on hand-built worlds.

Threats as in tests.worlds.HAND: T_iB = Σ_{j∈B} p_j·e^(−d_ij) / (P_O(i) + P_B), no predominance term
unless a test switches it on.
"""

import math

import numpy as np
import pytest

from agents.rules import balance
from tests.worlds import ally_of, model, world

# M (4) at the origin threatens I (1) at (0, 0.5). Two alliances could take I in:
#   C1 = C1a (2) at (0.6, 0) + C1b (2) at (-0.6, 0), power 4;  C2 = C2a (4) at (0, -0.6) + C2b (4) at
#   (1, -1), power 8.
NAMES = ["M", "I", "C1a", "C1b", "C2a", "C2b"]
POSITION = [(0, 0), (0, 0.5), (0.6, 0), (-0.6, 0), (0, -0.6), (1.0, -1.0)]
STRATEGY = ["hedge"] + ["balance"] * 5


def coalitions(m_power=4.0):
    w = world([m_power, 1.0, 2.0, 2.0, 4.0, 4.0], POSITION, STRATEGY, names=NAMES, alliances=[[2, 3], [4, 5]])
    return model(w, hedge_threshold=0.9)


def test_a_balancer_picks_the_smallest_sufficient_coalition_not_the_strongest():
    # I's main threat: T_IM = 4·e^-0.5 / (1 + 4) = 0.485.
    # Both alliances are less threatening to I (C1: 4·e^-0.781 / 5 = 0.366; C2: (4·e^-1.1 + 4·e^-1.803) / 9
    # = 0.221) and M threatens both (their leaders, net of their bloc: C1a 4·e^-0.6 / 8 = 0.274, C2a
    # 4·e^-0.6 / 12 = 0.183, each ≥ threat_exit 0.15). With I, C1 holds 5 ≥ 4 and C2 holds 9 ≥ 4: both
    # suffice, and the smallest sufficient is C1 (the weaker side), not the stronger C2.
    m = coalitions()
    decision = balance.align(m.perceive(np.array([1])))
    s = m.perceive(np.array([1]))
    assert [NAMES[s.leader[b]] for b in decision.ranking(0)] == ["C1a", "C2a"]
    # C1a consents: alone it would feel M at 4·e^-0.6 / 6 = 0.366 ≥ 0.15, and admitting I lowers what it
    # feels (M net of 5: 0.244 < 0.274). Nobody else moves (M hedges; no member's partners threaten it
    # more than the outside does, or above threat_entry).
    m.step()
    assert ally_of(m, "I") == {"I", "C1a", "C1b"}
    assert list(m.events_frame().query("step == 1")["event"]) == ["joined"]


def test_with_no_sufficient_coalition_a_balancer_picks_the_strongest():
    # M grows to 12: neither C1 + I = 5 nor C2 + I = 9 matches it, so the closest match is the stronger.
    m = coalitions(m_power=12.0)
    decision = balance.align(m.perceive(np.array([1])))
    s = m.perceive(np.array([1]))
    assert [NAMES[s.leader[b]] for b in decision.ranking(0)] == ["C2a", "C1a"]


def test_a_balancer_only_joins_blocs_the_same_threat_also_threatens():
    # Move C2 far from M (centre (0, -6)): M's threat to C2a is 4·e^-6 / 12 ≈ 0.001 < 0.15, so C2 is no
    # partner against M whatever its power; only C1 remains.
    far = [*POSITION[:4], (0, -6.0), (1.0, -6.4)]
    w = world([4.0, 1.0, 2.0, 2.0, 4.0, 4.0], far, STRATEGY, names=NAMES, alliances=[[2, 3], [4, 5]])
    m = model(w, hedge_threshold=0.9)
    s = m.perceive(np.array([1]))
    assert [NAMES[s.leader[b]] for b in balance.align(s).ranking(0)] == ["C1a"]


def test_no_share_cap_stops_a_balancer_from_matching_the_threat():
    # A (2.5) at (0, 0), B (2) at (1, 0), C (1) at (0, 0.5); threat_entry 0.2. C feels T_CA = 2.5·e^-0.5 /
    # 3.5 = 0.433, B feels T_BA = 2.5·e^-1 / 4.5 = 0.204: both seek and consent. B + C = 3 ≥ 2.5 matches
    # A, and they ally although 3/5.5 = 0.545 of all power is above the hegemony line: the old cap
    # (a bloc may not pass hegemony_share) forbade it; the line is now a measure only.
    m = model(
        world([2.5, 2.0, 1.0], [(0, 0), (1, 0), (0, 0.5)], ["hedge", "balance", "balance"]), threat_entry=0.2
    )
    m.step()
    assert ally_of(m, "C") == {"B", "C"}
    assert m.metrics["b_max"] == pytest.approx(3 / 5.5)


def test_a_member_leaves_a_bloc_tending_to_predominance_through_the_threat_calculus():
    # L (6) at (0, 0) and F (1) at (2, 0) are allied; O1 (1.5) at (0, 3) and O2 (1.5) at (3, 3). Total 10.
    # F's partner L, as if F stood alone: 6·e^-2 / 7 = 0.116, plus π(0.6) = 1/(1 + e^(-0.2/0.03)) = 0.9987.
    # From outside F alone feels at most O2's 1.5·e^-3.162 / 2.5 + π(0.15) = 0.026. Its partner is its
    # greatest threat (1.115 > 0.026) and above threat_entry: F walks out. Without the predominance
    # term L is only 0.116 < 0.3 to F, and F never leaves over its partner (the alliance, facing no
    # threat of 0.15, dissolves instead): the cap is gone, the calculus does it.
    w = world(
        [6.0, 1.0, 1.5, 1.5],
        [(0, 0), (2, 0), (0, 3), (3, 3)],
        ["balance"] * 4,
        names=["L", "F", "O1", "O2"],
        alliances=[[0, 1]],
    )
    on = model(w, predominance_weight=1.0)
    s = on.perceive(np.array([1]))
    assert s.partner_threat[0] == pytest.approx(6 * math.exp(-2) / 7 + 1 / (1 + math.exp(-0.2 / 0.03)))
    on.step()
    left = on.events_frame().query("event == 'left'")
    assert list(left["state"]) == ["F"] and list(left["reason"]) == ["partner_threat"]
    assert "L" not in ally_of(on, "F")
    off = model(w)
    off.step()
    assert set(off.events_frame().query("step == 1")["reason"]) == {"threat_receded"}
