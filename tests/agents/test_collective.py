"""Collective security (agents/rules/collective.py; docs/ODD.md §7.2, §7.4) on hand-built worlds.

Threats as in tests.worlds.HAND, with the pact: T_iB = Σ_{j∈B} p_j·e^(−d_ij) / (side_i(B) + P_B), where
side_i(B) is i's own bloc plus the power of the collective-security states outside it and outside B.
"""

import math

import numpy as np
import pytest

from tests.worlds import ally_of, model, world


def test_the_collective_pact_lowers_every_states_felt_threat():
    # A (4) at (0, 0) threatens C (1) at (0, 0.5); P (2) sits far away at (5, 5). If P hedges, C feels
    # 4·e^-0.5 / (1 + 4) = 0.485; if P is committed to defend any attacked state, its 2 are on C's side:
    # 4·e^-0.5 / (1 + 2 + 4) = 0.347. P itself counts on no one else: its side against A is its own 2.
    for rule, side in (("hedge", 1.0), ("collective", 3.0)):
        m = model(
            world([4.0, 1.0, 2.0], [(0, 0), (0, 0.5), (5, 5)], ["hedge", "hedge", rule]), hedge_threshold=0.9
        )
        s = m.perceive(np.array([1, 2]))
        assert s.tau[0] == pytest.approx(4 * math.exp(-0.5) / (side + 4)), rule
        assert s.bloc_threat[1, s.labels[0]] == pytest.approx(4 * math.exp(-math.hypot(5, 5)) / (2 + 4))


def test_a_collective_state_joins_no_exclusive_alliance_and_refuses_offers():
    # A (10) at (0, 0); B (2, collective) at (1, 0); C (1, balance) at (0, 0.5). C, with B's 2 on its side,
    # still feels 10·e^-0.5 / (1 + 2 + 10) = 0.467 ≥ 0.3 and offers itself to B (A threatens B at
    # 10·e^-1 / 12 = 0.307 ≥ 0.15); B refuses: its commitment is to all. Started allied, B walks out.
    w = world(
        [10.0, 2.0, 1.0], [(0, 0), (1, 0), (0, 0.5)], ["hedge", "collective", "balance"], alliances=[[1, 2]]
    )
    m = model(w, hedge_threshold=0.9)
    m.step()
    log = m.events_frame()
    assert log.query("step == 1 and event == 'left'")["reason"].tolist() == ["collective_security"]
    m.step()
    refused = m.events_frame().query("event == 'refused'")
    assert set(zip(refused["state"], refused["partner"], refused["reason"], strict=True)) == {
        ("C", "B", "collective_security")
    }
    assert ally_of(m, "B") == set()
