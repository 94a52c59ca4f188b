"""Who fights (agents/sides.py), on hand-built worlds: A (10) attacks B (4), third parties decide.

T_kj = p_j / (p_k + p_j) · exp(-d_kj) (tests.worlds.HAND). The attacking side {A} is the stronger,
so every third party's concern is its threat from A:
  C collective (0.5) at (5, 5):  T_CA ≈ 0.00082       → defends B anyway (collective security)
  D bandwagon (1) at (0, 0.5):   T_DA = 10/11·e^-0.5 = 0.551 ≥ 0.3 → joins the stronger, A
  E balance (1) at (0, -0.6):    T_EA = 10/11·e^-0.6 = 0.499 ≥ 0.3 → joins the weaker, B
  F hedge (1) at (-1, 0):        T_FA = 10/11·e^-1 = 0.334 < 0.6  → stays out
  G buckpass (1) at (0, 1):      T_GA = 0.334 ≥ 0.3, but B (power 4 ≥ 1) is nearer A (0.5 < 1) and
                                 already on the weaker side → stays out
"""

import numpy as np

from agents.sides import take_sides
from tests.worlds import model, world

NAMES = list("ABCDEFG")
POWER = [10.0, 4.0, 0.5, 1.0, 1.0, 1.0, 1.0]
POSITION = [(0, 0), (0.5, 0), (5, 5), (0, 0.5), (0, -0.6), (-1, 0), (0, 1)]
STRATEGY = ["hedge", "hedge", "collective", "bandwagon", "balance", "hedge", "buckpass"]


def sides(m, i=0, j=1, free=None):
    attack, defend = take_sides(
        i,
        j,
        power=m.power,
        free=m.alive.copy() if free is None else free,
        membership=m.alignments.membership,
        reach=m.reach,
        revisionism=m.revisionism,
        strategy=m.strategy,
        distance=m.distance,
        params=m.params,
    )
    assert not (attack & defend).any()
    return {m.names[k] for k in np.flatnonzero(attack)}, {m.names[k] for k in np.flatnonzero(defend)}


def hand(power=POWER, strategy=STRATEGY, alliances=None, **params):
    w = world(power, POSITION, strategy, revisionism=[1.0] + [0.0] * 6, alliances=alliances)
    return model(w, war=True, hedge_threshold=0.6, **params)


def test_third_parties_take_sides_by_their_strategy():
    attack, defend = sides(hand())
    assert attack == {"A", "D"}  # D bandwagons with the stronger side
    assert defend == {"B", "C", "E"}  # C defends the attacked; E balances with the weaker side


def test_a_balancer_joins_the_weaker_side_even_when_that_is_the_attacker():
    # B (4) attacks A (10): the defender is now the stronger side; E, threatened by A, joins B's attack.
    # The collective C still defends the attacked (A); the bandwagoner D still joins A, the stronger.
    attack, defend = sides(hand(), i=1, j=0)
    assert "E" in attack and {"C", "D"} <= defend


def test_a_buckpasser_balances_when_no_nearer_capable_state_does():
    # Make B weak (0.5 < G's 1): E (power 1, 0.6 from A, nearer than G's 1.0) is still a capable
    # balancer on the weaker side, so G stays out. Make E weak too (0.5): nobody capable is nearer, so
    # G balances and joins B.
    stays = hand(power=[10.0, 0.5, 0.5, 1.0, 1.0, 1.0, 1.0])
    assert "G" not in sides(stays)[1]
    joins = hand(power=[10.0, 0.5, 0.5, 1.0, 0.5, 1.0, 1.0])
    # with E at 0.5: T_EA = 10/10.5·e^-0.6 = 0.523 ≥ 0.3, E still balances, but is not capable
    assert {"E", "G"} <= sides(joins)[1]


def test_allies_are_called_and_bring_their_own_alliances_in():
    # A is allied with F, which is called in; D is allied with G. D bandwagons with A and brings G
    # along (chain-ganging), although G alone would pass the buck to B.
    m = hand(alliances=[[0, 5], [3, 6]])
    attack, defend = sides(m)
    assert attack == {"A", "F", "D", "G"} and defend == {"B", "C", "E"}


def test_states_already_at_war_stay_out():
    m = hand()
    free = m.alive.copy()
    free[[2, 4]] = False  # C and E are busy elsewhere this year
    attack, defend = sides(m, free=free)
    assert attack == {"A", "D"} and defend == {"B"}


def test_under_defence_dominance_an_ally_unconcerned_enough_stays_out_of_its_partners_war():
    # D (bandwagon) is allied with G (buckpass, at (0, 1)); threat_entry 0.31. D's concern from A, net of its
    # bloc D + G: 10·e^-0.5 / 12 = 0.505 ≥ 0.31, so D joins A. G's own concern 10·e^-1 / 12 = 0.307 < 0.31:
    # alone it stays out. At o = 0 it follows D anyway (chain-ganging); at o = -1 (defence dominance) an
    # ally follows only when concerned at least 1 · threat_entry, so G stays out.
    chained = sides(hand(alliances=[[3, 6]], threat_entry=0.31))
    assert "G" in chained[0]
    held_back = sides(hand(alliances=[[3, 6]], threat_entry=0.31, offence_defence=-1.0))
    assert "D" in held_back[0] and "G" not in held_back[0] | held_back[1]


def test_under_offence_dominance_a_buckpasser_needs_a_stronger_catcher_in_war():
    # As in the buck-passing test above, E (1, nearer A than G) is on the weaker side and as strong as G:
    # at o = 0 G stays out. At o = 1 a catcher must be (1 + 1) · 1 = 2 strong: E is not, so G joins B.
    power = [10.0, 0.5, 0.5, 1.0, 1.0, 1.0, 1.0]
    assert "G" not in sides(hand(power=power))[1]
    assert "G" in sides(hand(power=power, offence_defence=1.0))[1]
