"""Each decision rule on a three- or four-state world worked out by hand.

A (power 10) sits at the origin; C (power 1) at (0, 0.5); B (power 2) at (1, 0). With
T_ij = p_j/(p_i+p_j) · exp(-d_ij):
  T_CA = 10/11 · e^-0.5   = 0.551   (A is C's main threat, above the entry threshold 0.3)
  T_CB = 2/3 · e^-1.118   = 0.218   (B is less threatening: a possible counterweight)
  T_BA = 10/12 · e^-1     = 0.307,  T_AB = 2/12 · e^-1 = 0.061,  T_AC = 1/11 · e^-0.5 = 0.055
Alliances form only by consent (docs/ODD.md §7.3): A hedges (critical threat 0.9: it neither moves nor
enters an alliance); B balances, so it consents to an ally against A (T_BA = 0.307 ≥ threat_entry 0.3),
and seeks one too (its counterweight is C: T_BC = 1/3 · e^-1.118 = 0.109 < 0.307).
"""

import math

import numpy as np
import pytest

from tests.worlds import ally_of, model, world

POWER = [10.0, 2.0, 1.0]
POSITION = [(0.0, 0.0), (1.0, 0.0), (0.0, 0.5)]


def three(c_strategy: str, a: str = "hedge", b: str = "balance", **params):
    return model(world(POWER, POSITION, [a, b, c_strategy]), hedge_threshold=0.9, **params)


def test_hand_threats_match_the_formula():
    m = three("balance")
    s = m.perceive(np.array([2, 1]))  # C's and B's view; each state is its own bloc
    a, b = s.labels[0], s.labels[1]
    assert s.bloc_threat[0, a] == pytest.approx(10 / 11 * math.exp(-0.5))
    assert s.bloc_threat[0, b] == pytest.approx(2 / 3 * math.exp(-math.hypot(1, 0.5)))
    assert s.bloc_threat[1, a] == pytest.approx(10 / 12 * math.exp(-1))
    assert list(s.main) == [a, a] and s.tau[0] == pytest.approx(10 / 11 * math.exp(-0.5))
    assert np.all(np.diag(m.reach) == 0)


def test_balancer_aligns_with_the_weaker_side_against_the_threat():
    m = three("balance")
    m.step()
    assert ally_of(m, "C") == {"B", "C"}
    assert ally_of(m, "A") == set()
    formed = m.events_frame().query("event == 'formed'")
    assert set(formed["state"]) == {"B", "C"} and set(formed["reason"]) == {"balance"}


def test_bandwagoner_aligns_with_the_threat():
    # A, now a bandwagoner, welcomes C as a weaker follower: admitting C leaves A's felt threat no higher
    # (outside B net of A + C: 2·e^-1/13 = 0.057 ≤ T_AB = 0.061; C as a partner: 1·e^-0.5/11 = 0.055).
    # B hedges and stays out.
    m = three("bandwagon", a="bandwagon", b="hedge")
    m.step()
    assert ally_of(m, "C") == {"A", "C"}
    assert ally_of(m, "B") == set()


def test_unthreatened_states_stay_unaligned():
    # With an entry threshold above T_CA = 0.551 nobody feels threatened enough to ally.
    for rule in ("balance", "bandwagon", "buckpass"):
        m = three(rule, threat_entry=0.6)
        m.step()
        assert ally_of(m, "C") == set()


def test_buckpasser_balances_when_no_nearer_balancer_exists():
    # Move B out to (2, 0): it is now farther from A than C, so C must balance itself. A threatens
    # B only at T_BA = 10/18 · e^-2 = 0.075 < threat_exit 0.15, so B is no partner against A; D (1) at
    # (1, 1) is (T_DA = 10/11 · e^-1.414 = 0.221 ≥ 0.15). C offers itself to D, which, a hedger with a
    # critical threat of 0.9, refuses: the offer is logged.
    positions = [(0.0, 0.0), (2.0, 0.0), (0.0, 0.5), (1.0, 1.0)]
    strategies = ["hedge", "balance", "buckpass", "hedge"]
    m = model(world([10, 8, 1, 1], positions, strategies), threat_entry=0.5, hedge_threshold=0.9)
    m.step()
    offers = m.events_frame().query("event == 'refused'")
    assert list(offers["state"]) == ["C"] and list(offers["partner"]) == ["D"]
    assert ally_of(m, "C") == set()


def test_hedger_stays_unaligned_under_a_moderate_threat():
    # T_CA = 0.551 is above the entry threshold (a balancer would ally) but below the hedger's
    # critical threat 0.7: the hedger C neither seeks an ally nor consents to B, which seeks one.
    m = model(world(POWER, POSITION, ["hedge", "balance", "hedge"]), hedge_threshold=0.7)
    m.step()
    assert ally_of(m, "C") == set()
    refused = m.events_frame().query("event == 'refused'")
    offers = zip(refused["state"], refused["partner"], refused["reason"], strict=True)
    assert set(offers) == {("B", "C", "not_threatened")}
    balancer = model(world(POWER, POSITION, ["hedge", "balance", "balance"]), hedge_threshold=0.7)
    balancer.step()
    assert ally_of(balancer, "C") == {"B", "C"}


def test_hedger_joins_a_bloc_above_its_critical_threat():
    # hedge_threshold 0.5 < T_CA = 0.551: C seeks B, which, a balancer threatened by A (0.307 ≥ 0.3),
    # consents.
    m = model(world(POWER, POSITION, ["hedge", "balance", "hedge"]), hedge_threshold=0.5)
    m.step()
    assert ally_of(m, "C") == {"B", "C"}


def test_hedger_shuns_a_bloc_whose_leader_dominates():
    # B's share is 2/13 = 0.154: with hedge_dominance 0.1 C will not join B's bloc.
    m = model(world(POWER, POSITION, ["hedge", "hedge", "hedge"]), hedge_threshold=0.5, hedge_dominance=0.1)
    m.step()
    assert ally_of(m, "C") == set()


def test_alliance_dissolves_when_its_threat_recedes_and_the_log_says_so():
    # B and C start allied but everyone is far apart: the greatest threat to a member is
    # T_BA = 10/12 · e^-10 ≈ 4e-5, far below the exit threshold 0.15.
    positions = [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0)]
    m = model(world(POWER, positions, ["balance"] * 3, alliances=[[1, 2]]), hedge_threshold=0.9)
    assert ally_of(m, "B") == {"B", "C"}
    m.step()
    assert m.alignments.alliances == {}
    log = m.events_frame()
    dissolved = log.query("event == 'dissolved'")
    assert set(dissolved["state"]) == {"B", "C"}
    assert set(dissolved["reason"]) == {"threat_receded"}
    assert set(dissolved["step"]) == {1}
    assert m.metrics["alliance_events"] == 2


def test_alliance_holds_while_the_threat_lasts():
    m = three("balance")
    for _ in range(10):
        m.step()
    assert ally_of(m, "C") == {"B", "C"}
    assert m.tracker.label in ("static", "not_converged")


def test_defection_breaks_alliances_at_the_given_rate():
    w = world(POWER, POSITION, ["hedge", "balance", "balance"])
    m = model(w, hedge_threshold=0.9, defection_rate=1.0)
    m.step()
    # B and C ally during realignment, then both defect in upkeep: the alliance is gone.
    events = list(m.events_frame()["event"])
    assert events[:2] == ["formed", "formed"]
    assert "left" in events and "dissolved" in events
    assert m.alignments.alliances == {}
