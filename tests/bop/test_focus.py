"""One state's survival, autonomy and wars over a run (the Kazakhstan question)."""

import numpy as np
import pandas as pd
import pytest

from agents.alliances import UNALIGNED
from bop.analysis.outcomes import autonomous, focus_measures
from tests.worlds import model, world


def test_autonomy_of_one_step_by_hand():
    power = np.array([6.0, 1.0, 3.0, 2.0])
    alive = np.ones(4, dtype=bool)
    bloc = np.array([1, 1, UNALIGNED, 2])
    assert not autonomous(power, bloc, alive, 1)  # its leader A holds 6 of 7 > half
    assert autonomous(power, bloc, alive, 0)  # A leads its own bloc
    assert autonomous(power, bloc, alive, 2)  # unaligned
    even = np.array([1, 1, 1, UNALIGNED])
    power = np.array([2.0, 1.0, 2.0, 1.0])
    assert autonomous(power, even, alive, 1)  # the leader holds 2 of 5 < half
    assert not autonomous(power, bloc, np.array([True, False, True, True]), 1)  # dead


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


def test_a_bandwagoner_kept_by_its_big_neighbour_has_no_autonomy():
    m = allied_with_big_neighbour("bandwagon")
    for _ in range(4):
        m.step()
    assert m.alignments.alliance_of(1) is not None  # B holds 10 of 11 of the bloc all along
    assert focus_measures(m, "K") == {"state": "K", "survived": True, "autonomy": 0.0, "wars": 0}


def test_a_hedger_leaves_the_dominant_leader_and_is_autonomous():
    # B holds 10/19 = 0.53 of all power > hedge_dominance 0.4: the hedger K leaves at step 1 and,
    # its greatest bloc threat 0.551 being under hedge_threshold 0.6, stays unaligned in steps 1..4
    m = allied_with_big_neighbour("hedge")
    assert not autonomous(*m.state_history[0], 1)
    for _ in range(4):
        m.step()
    assert m.events_frame().query("state == 'K'")["reason"].tolist() == ["initial", "hedge_dominance"]
    assert focus_measures(m, "K")["autonomy"] == 1.0


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
