"""Alliances by consent (agents/state.py, agents/strategy.py; docs/ODD.md §7.3) on hand-built worlds.

Threats as in tests.worlds.HAND: the threat of lone j to lone i is p_j/(p_i + p_j)·e^(−d_ij).
A (10) at (0, 0), B (2) at (1, 0), C (1) at (0, 0.5): T_CA = 10/11·e^-0.5 = 0.551, T_BA = 10/12·e^-1 = 0.307.
"""

import math

import numpy as np
import pytest

from agents.strategy import accept_when_threatened
from tests.worlds import ally_of, model, world

POWER = [10.0, 2.0, 1.0]
POSITION = [(0.0, 0.0), (1.0, 0.0), (0.0, 0.5)]


def test_a_refused_offer_leaves_memberships_unchanged_and_is_logged():
    # With threat_entry 0.31, C (T_CA = 0.551) seeks an ally and offers itself to B, but B, a balancer
    # that feels only T_BA = 0.307 < 0.31, does not want one: it refuses, every year.
    m = model(world(POWER, POSITION, ["hedge", "balance", "balance"]), threat_entry=0.31, hedge_threshold=0.9)
    for _ in range(3):
        m.step()
    assert np.all(m.alignments.membership == -1) and m.alignments.alliances == {}
    log = m.events_frame()
    assert list(log["event"]) == ["refused"] * 3
    assert list(log["step"]) == [1, 2, 3]
    assert set(zip(log["state"], log["partner"], log["reason"], log["alliance"], strict=True)) == {
        ("C", "B", "not_threatened", -1)
    }
    assert m.metrics["alliance_events"] == 0  # a refusal changes no membership
    assert m.summary()["alliance_events"] == 0


def test_a_refused_state_offers_itself_to_its_next_choice():
    # B1 (2) at (1, 0) hedges with a critical threat of 0.9 (T_B1,A = 0.307): it refuses everyone.
    # B2 (1.5) at (-1, 0) balances: T_B2,A = 10/11.5·e^-1 = 0.320 ≥ 0.3, so it consents (and seeks).
    # C and B2 both rank the stronger B1 first (neither pairing matches A's 10, so the stronger side is
    # the better match), are refused by it, and then ally with each other: {B2, C}, whoever moves first.
    w = world(
        [10.0, 2.0, 1.5, 1.0],
        [(0, 0), (1, 0), (-1, 0), (0, 0.5)],
        ["hedge", "hedge", "balance", "balance"],
        names=["A", "B1", "B2", "C"],
    )
    m = model(w, hedge_threshold=0.9)
    m.step()
    assert ally_of(m, "C") == {"B2", "C"}
    refused = m.events_frame().query("event == 'refused'")
    assert list(refused["partner"]) == ["B1"] and list(refused["reason"]) == ["not_threatened"]
    joined = m.events_frame().query("event == 'formed'")
    assert set(joined["partner"]) == {"B2", "C"}  # each founder's row names the other


def test_a_leader_refuses_an_applicant_that_would_make_its_partners_predominant():
    # L (3) leads an alliance with M (2), far from everyone; O (2.5) sits 0.1 from L; X (2.5) is far.
    # Total 10. L alone would feel O at 2.5·e^-0.1/(3 + 2.5) = 0.411 ≥ threat_exit 0.15: threatened.
    # Now (net of its bloc of 5): 2.5·e^-0.1/7.5 + π(0.25) = 0.302 + 0.007 = 0.308; its partner M: π(0.2).
    # Admitting X, its partners M + X would hold 0.45 of all power: π(0.45) = 1/(1 + e^(-0.05/0.03)) =
    # 0.841 > 0.308, riskier than now, so L refuses. Without the predominance term it consents.
    w = world(
        [3.0, 2.0, 2.5, 2.5],
        [(0, 0), (0, 40), (0.1, 0), (40, 40)],
        ["balance"] * 4,
        names=["L", "M", "O", "X"],
        alliances=[[0, 1]],
    )
    on = model(w, predominance_weight=1.0)
    s = on.perceive(np.array([0]))
    assert s.felt[0] == s.tau[0]
    assert s.tau[0] == pytest.approx(2.5 * math.exp(-0.1) / 7.5 + 1 / (1 + math.exp(0.15 / 0.03)))
    after = s.felt_after_admitting(np.array([3]))[0]
    assert after == pytest.approx(1 / (1 + math.exp(-0.05 / 0.03)), rel=1e-4)
    consents, reason = accept_when_threatened(s, np.array([3]))
    assert not consents[0] and reason[0] == "riskier"
    consents, _ = accept_when_threatened(model(w).perceive(np.array([0])), np.array([3]))
    assert consents[0]


def test_an_unthreatened_partner_refuses_but_a_bandwagon_leader_takes_a_weaker_follower():
    # A (10) feels only T_AB = 2/12·e^-1 = 0.061 < 0.3. Asked by C (1), a balancer A refuses
    # (not_threatened); a bandwagoner A takes the weaker follower, whose accession leaves its felt
    # threat no higher: outside B net of A + C, 2·e^-1/13 = 0.057, and C as a partner 1·e^-0.5/11 = 0.055,
    # both ≤ 0.061.
    for rule, expected in (("balance", False), ("bandwagon", True)):
        m = model(world(POWER, POSITION, [rule, "hedge", "bandwagon"]), hedge_threshold=0.9)
        consents, why = m.states[2].asks(0)
        assert consents is expected, rule
        assert why == ("" if expected else "not_threatened")
