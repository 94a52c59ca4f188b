"""One state's fortunes over a run (the Kazakhstan question, for any state), worked out by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from agents.alliances import UNALIGNED
from bop.analysis.outcomes import focus_measures, focus_table
from tests.worlds import model, world


def two_poles_world():
    """K (1, hedge) halfway between two equal poles A and B (4 each), 1 away from each.

    HAND parameters: the threat of a lone j to a lone i is p_j/(p_i+p_j)·e^(−d). A to K alone:
    4/5·e^-1 = 0.2943 < hedge_threshold 0.6, so K stays out of blocs; A sees B 4/8·e^-2 = 0.068 and K
    1/5·e^-1 = 0.074, both under threat_entry 0.3, so nobody aligns. By symmetry K's tie benefits to A
    and B are equal, b = 0.5·4·e^-1/5 (trust) + 4·(4·e^-1/25) (aid against the other) = 0.383: at
    tie_cost 0.25 each tie would be (0.383 − 0)/0.5 = 0.77, over the budget 1 together, so the budget
    binds and the ties are 0.5 and 0.5.
    """
    w = world(
        [1.0, 4.0, 4.0],
        [(0.0, 0.0), (1.0, 0.0), (-1.0, 0.0)],
        ["hedge", "balance", "balance"],
        names=["K", "A", "B"],
    )
    return model(w, tie_budget=1.0)


def test_a_hedger_between_two_equal_poles_ties_to_both_and_its_measures_are_the_hand_values():
    m = two_poles_world()
    for _ in range(3):
        m.step()
    ties = m.ties_frame()
    assert ties["tie"].tolist() == pytest.approx([0.5] * 6) and set(ties["partner"]) == {"A", "B"}
    got = focus_measures(m, "K")
    # ties 0.5 and 0.5 to the two poles (A and B hold 4/9 each ≥ essential_share 0.05):
    # 1 − (0.5² + 0.5²) = 0.5 in each of the 3 years
    assert got["tie_spread"] == pytest.approx(0.5)
    assert got["outside_blocs"] == 1.0 and got["survived"] and got["wars"] == 0
    assert got["share"] == pytest.approx(1 / 9)
    # Felt threat, the greater of A's and B's (equal). Year 1: the ties, chosen after realignment, add
    # the other pole's expected aid 0.5·4 = 2 to K's side: 4·e^-1/(1 + 2 + 4) = 0.21022. From year 2 the
    # perceived reach of each partner is also lowered by trust, e^-1·(1 − 0.5·0.5):
    # 0.75·4·e^-1/7 = 0.15766. Mean over years 1-3: (0.21022 + 2·0.15766)/3 = 0.17518
    e = math.exp(-1)
    assert got["security"] == pytest.approx((4 * e / 7 + 2 * 0.75 * 4 * e / 7) / 3)


def hand_logs():
    """Two runs of 3 years of K among poles A, B (share ≥ 0.05) and the minor state C (0.02).

    Run 0: year 1 K is unaligned with ties A 0.6, B 0.2, C 0.2; year 2 it is in alliance 7 (no
    ties); year 3 unaligned with a tie to A alone. Run 1: K dies in year 2.
    """
    rows = []
    for run in (0, 1):
        for step in range(4):
            alive_k = not (run == 1 and step >= 2)
            alliance = 7 if (run == 0 and step == 2) else UNALIGNED
            felt = [0.9, 0.3, 0.4, 0.5][step]
            share_k = [0.1, 0.1, 0.1, 0.05][step] if alive_k else 0.0
            rows += [
                (
                    run,
                    step,
                    "K",
                    share_k,
                    alliance if alive_k else UNALIGNED,
                    alive_k,
                    felt if alive_k else 0.0,
                ),
                (run, step, "A", 0.5, UNALIGNED, True, 0.1),
                (run, step, "B", 0.38, UNALIGNED, True, 0.1),
                (run, step, "C", 0.02, UNALIGNED, True, 0.1),
            ]
    states = pd.DataFrame(rows, columns=["run", "step", "state", "share", "alliance", "alive", "felt_threat"])
    ties = pd.DataFrame(
        [
            *[(0, 1, "K", "A", 0.6), (0, 1, "K", "B", 0.2), (0, 1, "K", "C", 0.2), (0, 3, "K", "A", 0.5)],
            *[(1, 1, "K", "A", 0.3), (1, 1, "K", "B", 0.3)],
        ],
        columns=["run", "step", "state", "partner", "tie"],
    )
    wars = pd.DataFrame(
        {
            "run": [0, 0, 0, 1],
            "attackers": [["A"], ["K", "B"], ["A"], ["B"]],
            "defenders": [["K"], ["A"], ["B", "K"], ["K"]],
            "outcome": ["initiator_won", "backed_down", "target_won", "initiator_won"],
        }
    )
    return states, ties, wars


def test_the_focus_measures_of_hand_written_logs_are_the_hand_values():
    table = focus_table(*hand_logs(), "K", 0.05)
    run0, run1 = table.loc[0], table.loc[1]
    # ties to the poles in year 1: A 0.6, B 0.2 (C, at 0.02 of all power, is no pole), normalised
    # 0.75 and 0.25: 1 − (0.5625 + 0.0625) = 0.375; year 2 in a bloc: 0; year 3 one pole: 1 − 1 = 0.
    # Mean over its 3 years: 0.375/3 = 0.125
    assert run0["tie_spread"] == pytest.approx(0.125)
    assert run0["outside_blocs"] == pytest.approx(2 / 3)  # years 1 and 3 of 1-3
    assert run0["security"] == pytest.approx((0.3 + 0.4 + 0.5) / 3)  # step 0 (0.9) is not a year of the run
    assert run0["wars"] == 2  # attacked, then defending B; the crisis it backed down from was no war
    assert bool(run0["survived"]) and run0["share"] == pytest.approx(0.05)
    # run 1: alive in year 1 only (ties A 0.3, B 0.3: spread 0.5), dead at the end with no share
    assert run1["tie_spread"] == pytest.approx(0.5) and run1["outside_blocs"] == 1.0
    assert run1["security"] == pytest.approx(0.3) and run1["wars"] == 1
    assert not bool(run1["survived"]) and run1["share"] == 0.0


def test_the_pole_line_is_essential_share_per_run():
    # with the line at 0.4, B (0.38) is no pole either: year 1's pole ties are A alone, spread 0
    table = focus_table(*hand_logs(), "K", pd.Series({0: 0.4, 1: 0.05}))
    assert table.loc[0, "tie_spread"] == 0.0 and table.loc[1, "tie_spread"] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="no state called 'Atlantis'"):
        focus_table(*hand_logs(), "Atlantis", 0.05)


def allied_with_big_neighbour(k_strategy: str):
    """B (10) and K (1) allied at distance 0.5; F (8) 0.5 beyond K, 1 from B.

    Threats (HAND parameters; a lone j to a lone i: p_j/(p_i+p_j)·exp(-d_ij)): K's partner B, as if K
    stood alone, 10/11·e^-0.5 = 0.551, F to K alone 8/9·e^-0.5 = 0.539; so B's bloc (11 > 8) is both the
    strongest and K's greatest threat, and a bandwagoner K stays. B's partner K is 1/11·e^-0.5 = 0.055,
    below F's 8/18·e^-1 = 0.163 (no partner threat); the threat to K (0.539 alone) keeps the alliance
    above threat_exit 0.15; F sees (10·e^-1 + 1·e^-0.5)/(8 + 11) = 0.226 < threat_entry 0.3 and stays alone.
    """
    w = world(
        [10.0, 1.0, 8.0],
        [(0.0, 0.0), (0.5, 0.0), (1.0, 0.0)],
        ["balance", k_strategy, "balance"],
        names=["B", "K", "F"],
        alliances=[[0, 1]],
    )
    return model(w)


def test_a_bandwagoner_kept_by_its_big_neighbour_is_never_outside_a_bloc():
    m = allied_with_big_neighbour("bandwagon")
    for _ in range(4):
        m.step()
    assert m.alignments.alliance_of(1) is not None
    got = focus_measures(m, "K")
    assert got["outside_blocs"] == 0.0 and got["tie_spread"] == 0.0  # a bandwagoner holds no ties
    # in B's bloc the threat is F's: 8·e^-0.5/(11 + 8) = 0.2554 every year
    assert got["security"] == pytest.approx(8 * np.exp(-0.5) / 19)


def test_a_hedger_leaves_the_dominant_leader_and_stays_outside_blocs():
    # B holds 10/19 = 0.53 of all power > hedge_dominance 0.4: the hedger K leaves at step 1 and,
    # its greatest bloc threat 0.551 being under hedge_threshold 0.6, stays unaligned in steps 1..4
    m = allied_with_big_neighbour("hedge")
    for _ in range(4):
        m.step()
    assert m.events_frame().query("state == 'K'")["reason"].tolist() == ["initial", "hedge_dominance"]
    assert focus_measures(m, "K")["outside_blocs"] == 1.0


def test_wars_come_from_the_war_log_when_there_is_one():
    w = world([1.0, 1.0], [(0.0, 0.0), (1.0, 0.0)], ["balance", "balance"], names=["K", "X"])
    m = model(w)
    m.wars_frame = lambda: pd.DataFrame(
        {
            "attackers": [["X"], ["X"], ["K"]],
            "defenders": [["K"], ["Y"], ["X"]],
            "outcome": ["initiator_won", "target_won", "backed_down"],
        }
    )
    assert focus_measures(m, "K")["wars"] == 1  # the second is not K's, the third was no war
    with pytest.raises(ValueError, match="no state called"):
        focus_measures(m, "Atlantis")
