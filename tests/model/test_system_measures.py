"""The per-step system measures of docs/ODD.md §7.7 against hand computations, and how the model
records them (per step, per state, in the summary)."""

import numpy as np
import pytest

from model import BalanceOfPowerModel, metrics
from tests.worlds import model, world

# A, B, C on a line at x = 0, 1, 3 with powers 2, 3, 2 (hand parameters: T_ij = p_j/(p_i+p_j) · e^−d):
#   T_AB = 3/5 · e^−1 = 0.220728   T_AC = 2/4 · e^−3 = 0.024894
#   T_BA = 2/5 · e^−1 = 0.147152   T_BC = 2/5 · e^−2 = 0.054134
#   T_CB = 3/5 · e^−2 = 0.081201   T_CA = 2/4 · e^−3 = 0.024894
# All below threat_entry 0.3: balancers stay unaligned.
LINE = ([2, 3, 2], [(0, 0), (1, 0), (3, 0)])


def test_n_eff_over_blocs_beside_n_eff_over_states():
    share = np.array([0.3, 0.2, 0.3, 0.1, 0.1])
    membership = np.array([0, 0, -1, 1, 1])  # alliance 0: 0.3 + 0.2, alliance 1: 0.1 + 0.1, one alone
    # states: HHI = 0.09 + 0.04 + 0.09 + 0.01 + 0.01 = 0.24, N_eff = 1 / 0.24 = 4.1667
    assert metrics.n_eff(share) == pytest.approx(1 / 0.24)
    # blocs 0.5, 0.2, 0.3: HHI = 0.25 + 0.04 + 0.09 = 0.38, N_eff = 2.6316: two alliances read as fewer poles
    assert metrics.n_eff(metrics.bloc_shares(share, membership)) == pytest.approx(1 / 0.38)


def test_con_with_the_initial_number_of_states_counts_the_lost_ones():
    share = np.array([0.4, 0.3, 0.2, 0.1])  # 4 of 10 states left; HHI = 0.16 + 0.09 + 0.04 + 0.01 = 0.30
    # current N = 4: sqrt((0.30 − 0.25) / 0.75) = 0.2582
    assert metrics.con(share) == pytest.approx(np.sqrt(0.05 / 0.75))
    # initial N = 10: sqrt((0.30 − 0.1) / 0.9) = 0.4714
    assert metrics.con(share, 10) == pytest.approx(np.sqrt(0.2 / 0.9))
    assert metrics.con(np.array([1.0]), 10) == 1.0  # universal empire: sqrt((1 − 0.1)/(1 − 0.1))


def test_hegemony_is_split_into_one_state_and_a_coalition():
    alone = np.array([0.55, 0.25, 0.2])
    assert metrics.hegemony(alone, alone, 0.5) == (True, False)
    share = np.array([0.3, 0.25, 0.45])
    blocs = metrics.bloc_shares(share, np.array([0, 0, -1]))  # 0.55 allied, 0.45 alone
    assert metrics.hegemony(share, blocs, 0.5) == (False, True)
    # exactly on the line is not above it
    assert metrics.hegemony(np.array([0.5, 0.5]), np.array([0.5, 0.5]), 0.5) == (False, False)


def test_mean_of_time_means():
    # state 0 felt 3 in total over 3 steps (mean 1), state 1 felt 1 over 2 steps (mean 0.5): (1 + 0.5)/2
    assert metrics.mean_of_time_means(np.array([3.0, 1.0]), np.array([3, 2])) == pytest.approx(0.75)


def test_felt_threat_is_each_states_greatest_threat_and_security_its_time_mean():
    m = model(world(*LINE, ["balance"] * 3))
    # τ_A = max(T_AB, T_AC) = 0.220728, τ_B = max(T_BA, T_BC) = 0.147152, τ_C = max(T_CB, T_CA) = 0.081201
    expected = [0.6 * np.exp(-1), 0.4 * np.exp(-1), 0.6 * np.exp(-2)]
    assert m.felt_threat() == pytest.approx(expected)
    # mean over the three: 0.449081 / 3 = 0.149694
    assert m.metrics["felt_threat"] == pytest.approx(np.mean(expected))
    for _ in range(5):
        m.step()  # no growth, no alliance: the same every year
    frame = m.states_frame()
    assert frame.loc[frame["state"] == "A", "felt_threat"].to_numpy() == pytest.approx([expected[0]] * 6)
    assert m.summary()["security"] == pytest.approx(np.mean(expected))


def test_felt_threat_is_the_threat_of_a_whole_bloc():
    m = model(world(*LINE, ["balance"] * 3, alliances=[[0, 2]]))  # A and C allied at the start
    # Net threat (ODD §7.2): B faces the bloc {A, C} (4 against its 3): τ_B = (4/7)·(2/4·e^−1 + 2/4·e^−2)
    # = 0.571429 · 0.251607 = 0.143776; A and C face B with their bloc behind them: (3/7)·e^−1 = 0.157663
    # and (3/7)·e^−2 = 0.058001, below the 0.220728 and 0.081201 each felt alone
    assert m.felt_threat() == pytest.approx(
        [3 / 7 * np.exp(-1), 4 / 7 * (np.exp(-1) + np.exp(-2)) / 2, 3 / 7 * np.exp(-2)]
    )
    # the bloc {A, C} holds 4/7 = 0.571 > 0.5 though no state does (B, the largest, 3/7): a coalition
    assert (m.metrics["hegemony_single"], m.metrics["hegemony_coalition"]) == (False, True)
    # blocs 4/7, 3/7: N_eff = 49 / 25 = 1.96; states 2/7, 3/7, 2/7: N_eff = 49 / 17 = 2.882
    assert m.metrics["n_eff_blocs"] == pytest.approx(49 / 25) and m.metrics["n_eff"] == pytest.approx(49 / 17)


def test_security_averages_each_states_time_mean_over_the_years_it_lived():
    m = BalanceOfPowerModel(rng=11, n_states=12, war=True, war_rate=0.5, restraint=False)
    for _ in range(80):
        m.step()
    frame = m.states_frame()
    assert not frame.groupby("state")["alive"].all().all()  # some state died: the test means something
    lived = frame[frame["alive"]]
    assert (frame.loc[~frame["alive"], "felt_threat"] == 0).all()
    assert m.summary()["security"] == pytest.approx(lived.groupby("state")["felt_threat"].mean().mean())
    # the per-step measure is the mean over the states alive that year
    per_step = lived.groupby("step")["felt_threat"].mean().to_numpy()
    assert m.model_frame()["felt_threat"].to_numpy() == pytest.approx(per_step)


def test_summary_reports_the_new_measures_of_the_last_step():
    m = BalanceOfPowerModel(rng=3, n_states=20)
    for _ in range(40):
        m.step()
    summary, last = m.summary(), m.model_frame().iloc[-1]
    for key in ("n_eff_blocs", "con_initial", "hegemony_single", "hegemony_coalition"):
        assert summary[key] == pytest.approx(last[key])
    assert summary["con_initial"] == pytest.approx(summary["con"])  # no state lost: the same N
