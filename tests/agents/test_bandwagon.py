"""Bandwagoning (Walt, Schweller; agents/rules/bandwagon.py, docs/ODD.md §7.4) on hand-built worlds.

Threats as in tests.worlds.HAND: T_iB = Σ_{j∈B} p_j·e^(−d_ij) / (P_O(i) + P_B), no predominance term.
L1 (5) at (0, 0) leads an alliance with the bandwagoner F (1, a revisionist) at (0.5, 0); L2 (power x), a
bandwagoner, sits at (1, 0).
"""

import math

import numpy as np
import pytest

from tests.worlds import ally_of, model, world


def overtaking(x=4.0):
    w = world(
        [5.0, 1.0, x],
        [(0, 0), (0.5, 0), (1.0, 0)],
        ["balance", "bandwagon", "bandwagon"],
        names=["L1", "F", "L2"],
        revisionism=[0.0, 1.0, 0.0],
        alliances=[[0, 1]],
    )
    return model(w)


def test_a_bandwagoner_stays_while_its_bloc_is_the_strongest_or_its_threat():
    # F's partner L1, as if F stood alone: 5·e^-0.5 / 6 = 0.505; L2 (4) from outside: 4·e^-0.5 / 5 = 0.485.
    # Its bloc (6) is the strongest and its greatest threat: it stays (year after year).
    m = overtaking()
    s = m.perceive(np.array([1]))
    assert s.partner_threat[0] == pytest.approx(5 * math.exp(-0.5) / 6)
    assert s.tau_alone[0] == pytest.approx(4 * math.exp(-0.5) / 5)
    for _ in range(3):
        m.step()
    assert ally_of(m, "F") == {"L1", "F"}


def test_a_bandwagoner_leaves_when_its_bloc_is_overtaken():
    # L2 rises to 7 after year 1: now 7 > 6, and its threat to F, 7·e^-0.5 / 8 = 0.531, exceeds F's
    # partners' 0.505. Its bloc is neither the strongest nor its threat: F leaves (overtaken). The next
    # year F, threatened by L2 (0.531 ≥ 0.3, and weaker), bandwagons with it; L2 takes the weaker
    # follower. L1 stays put: a balancer, its partner F (1·e^-0.5 / 6 = 0.10) is no threat to it, and the
    # alliance, with one member left, dissolves.
    m = overtaking()
    m.step()
    m.economy[2] = m.power[2] = 7.0  # power = economy · (1 + effort), and HAND has no arming
    m.step()
    left = m.events_frame().query("step == 2 and event == 'left'")
    assert list(left["state"]) == ["F"] and list(left["reason"]) == ["overtaken"]
    assert ally_of(m, "F") == set()
    m.step()
    assert ally_of(m, "F") == {"F", "L2"}
    assert m.events_frame().query("step == 3 and event == 'formed'")["reason"].tolist() == ["bandwagon"] * 2


def test_a_bandwagoner_does_not_join_a_threat_weaker_than_itself():
    # B (2) is threatened by the weaker A (1) sitting on top of it: T_BA = 1·e^-0.1 / 3 = 0.302 ≥ 0.3.
    # Bandwagoning is for the weak: B does not join A (nor could a weaker bloc protect it).
    m = model(world([1.0, 2.0], [(0, 0), (0.1, 0)], ["hedge", "bandwagon"]), hedge_threshold=0.9)
    assert m.perceive(np.array([1])).tau[0] == pytest.approx(math.exp(-0.1) / 3)
    m.step()
    assert m.events_frame().empty


def test_a_bandwagoner_forms_no_counter_coalition_it_would_leave_at_once():
    # B (2, bandwagon) and C (1) near A (10): C offers itself to B; with C, B's bloc holds 3 < 10, not the
    # strongest, so B refuses (not_leading): it would leave such a bloc the next year as overtaken. A
    # bandwagoner A (10) leads with or without C, and takes it.
    w = world([10.0, 2.0, 1.0], [(0, 0), (1, 0), (0, 0.5)], ["bandwagon", "bandwagon", "balance"])
    m = model(w)
    assert m.states[2].asks(1) == (False, "not_leading")
    assert m.states[2].asks(0) == (True, "")
