"""Buck-passing (Mearsheimer; Christensen & Snyder; agents/rules/buckpass.py, common.py, sides.py;
docs/ODD.md §7.4, §7.6) on hand-built worlds.

Threats as in tests.worlds.HAND (T_iB = Σ_{j∈B} p_j·e^(−d_ij) / (P_O(i) + P_B)); threat_entry 0.5.
A (10) at (0, 0) hedges (critical threat 0.9: it never moves). B (8, balance) at (0.3, 0) is nearer to A
than the buck-passer C (1) at (0, 0.5); D (1, balance) at (0, -0.5); E (3, balance) at (3, 3), far away.
  C: T_CA = 10·e^-0.5 / 11 = 0.551 ≥ 0.5, it would balance.      D: T_DA = 0.551 too.
  B alone: T_BA = 10·e^-0.3 / 18 = 0.412 < 0.5: B does not balance A, it only bears the label.
"""

import numpy as np

from tests.worlds import ally_of, model, world

NAMES = ["A", "B", "C", "D", "E"]
POSITION = [(0, 0), (0.3, 0), (0, 0.5), (0, -0.5), (3, 3)]
STRATEGY = ["hedge", "balance", "buckpass", "balance", "balance"]


def hand(alliances=None, **params):
    w = world([10.0, 8.0, 1.0, 1.0, 3.0], POSITION, STRATEGY, names=NAMES, alliances=alliances)
    return model(w, threat_entry=0.5, hedge_threshold=0.9, **params)


def test_a_buckpasser_balances_when_the_nearer_state_is_not_standing_against_the_threat():
    # B is nearer to A and stronger than C, and labelled a balancer, but it is in no alliance against A:
    # it catches no buck, so C balances. Neither C + B (9) nor C + D (2) matches A, so C ranks the stronger
    # B first; B, unthreatened enough (0.412 < 0.5), refuses; D consents (0.551): {C, D}. (The old rule
    # had C abstain for ever behind B.)
    m = hand()
    m.step()
    assert ally_of(m, "C") == {"C", "D"}


def test_a_buckpasser_abstains_while_a_nearer_state_stands_against_the_threat_and_can_hold_it():
    # B allied with E: A is B's main threat (net of its bloc of 11: 10·e^-0.3 / 21 = 0.353), and B's bloc
    # holds A (11 ≥ (1 + 0)·10). B is nearer to A (0.3 < 0.5): C passes the buck and stays out. D balances
    # and joins B's bloc, the smallest sufficient (11 + 1 ≥ 10; D + C = 2 is not).
    m = hand(alliances=[[1, 4]])
    m.step()
    assert ally_of(m, "C") == set()
    assert m.events_frame().query("state == 'C'").empty  # no offer either
    assert ally_of(m, "D") == {"B", "D", "E"}


def test_under_offence_dominance_a_catcher_must_be_stronger_so_the_buckpasser_balances():
    # offence_defence 0.5: B's bloc must hold 1.5 · 10 = 15 > 11. C no longer defers and joins B's bloc,
    # now the smallest sufficient coalition (with C: 12 ≥ 10), as does D.
    m = hand(alliances=[[1, 4]], offence_defence=0.5)
    m.step()
    assert ally_of(m, "C") == {"B", "C", "D", "E"}


def test_under_defence_dominance_a_weaker_catcher_suffices():
    # B allied with a weak G (0.5) far away at (0.3, 6): A is still B's main threat (10·e^-0.3 / 18.5 =
    # 0.40), but B's bloc holds only 8.5 < 10: not enough at o = 0, so C balances (it joins B's bloc,
    # the strongest match, B consenting as a threatened leader: 0.412 ≥ threat_exit); enough at
    # o = -0.5 (8.5 ≥ 0.5 · 10), so C passes the buck.
    names = [*NAMES, "G"]
    w = world([10.0, 8.0, 1.0, 1.0, 3.0, 0.5], [*POSITION, (0.3, 6)], [*STRATEGY, "balance"], names=names)
    w.alliances = [[1, 5]]
    neutral = model(w, threat_entry=0.5, hedge_threshold=0.9)
    neutral.step()
    assert ally_of(neutral, "C") != set()
    defensive = model(w, threat_entry=0.5, hedge_threshold=0.9, offence_defence=-0.5)
    s = defensive.perceive(np.array([2]))
    assert defensive.names[s.leader[s.main[0]]] == "A"
    defensive.step()
    assert ally_of(defensive, "C") == set()
