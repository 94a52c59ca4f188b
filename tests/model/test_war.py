"""Crises and wars in the running model: outcomes, conservation, restraint, elimination, records."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from model import BalanceOfPowerModel
from model.conflict import DYAD_COLUMNS, WAR_COLUMNS, WAR_OUTCOMES
from model.params import ParameterError
from tests.worlds import model, world

# Two states far from anyone else: A (2) is a full revisionist, B (1) status quo. Hedgers with an
# unreachable threshold, so no alliance ever forms and A always faces B alone.
NO_ALLIANCES = {"hedge_threshold": 10.0, "threat_entry": 10.0, "threat_exit": 5.0}
# Wars that leave powers unchanged (no cost, no reparations, no absorption) and targets that never
# concede (a tribute of 0.9 of their power exceeds any loss): every year is the same fight again.
SAME_FIGHT = {"war_cost": 0.0, "reparations": 0.0, "tribute": 0.9, "elimination_floor": 0.0}


# A flat hazard shape: f = 1 for every ratio and trend (no gain, parity or trend term).
FLAT = {"hazard_gain": 0.0, "hazard_parity": 0.0, "hazard_trend": 0.0}
REACH = math.exp(-0.5)  # A and B half a distance scale apart


def duel(**params):
    # A's hazard against B: q = war_rate · r_A · f · a_AB = 1 · 1 · 1 · e^-0.5 = 0.606531 a year (A's only
    # opportunity, reach below 1, so a = reach).
    w = world([2.0, 1.0], [(0, 0), (0.5, 0)], ["hedge", "hedge"], revisionism=[1.0, 0.0])
    settings = {"war": True, "war_rate": 1.0, "war_noise": 0.0, **FLAT, **NO_ALLIANCES}
    return model(w, **{**settings, **params})


def until_crisis(m, years=100):
    """Step until the first crisis (powers do not change in a quiet year of a hand world)."""
    for _ in range(years):
        m.step()
        if m.war_year.records:
            return m.war_year.records[0]
    raise AssertionError("no crisis")


@pytest.mark.parametrize(("chance", "expected"), [(1.0, 2 / 3), (0.5, 0.8)])
def test_win_frequency_matches_the_logistic_within_a_binomial_interval(chance, expected):
    # A opens a crisis against B in 0.606531 of the years; π = 2/(2+1) at w = 1; 4/(4+1) at w = 0.5.
    m = duel(war_chance=chance, **SAME_FIGHT)
    years = 2000
    for _ in range(years):
        m.step()
    wars = m.wars_frame()
    crises = 3.29 * math.sqrt(REACH * (1 - REACH) * years)  # 99.9% normal interval of the count
    assert abs(len(wars) - REACH * years) < crises and set(wars["initiator"]) == {"A"}
    assert wars["p_initiator"].to_numpy() == pytest.approx(expected)
    won = (wars["outcome"] == "initiator_won").mean()
    half_width = 3.29 * math.sqrt(expected * (1 - expected) / len(wars))
    assert abs(won - expected) < half_width


def test_a_war_settles_power_as_worked_out_by_hand():
    # 2 vs 1, war_cost 0.1, reparations 0.2: K = 0.1·2·2·1/3 = 0.1333; each side loses 0.1333.
    # A wins: B 0.8667 pays 0.1733 → A 2.04, B 0.6933. B wins: A 1.8667 pays 0.3733 → A 1.4933, B 1.24.
    m = duel(tribute=0.9, elimination_floor=0.0)
    war = until_crisis(m)
    k = 0.1 * 2 * 2 * 1 / 3
    if war["outcome"] == "initiator_won":
        expected = [2 - k + 0.2 * (1 - k), 0.8 * (1 - k)]
    else:
        expected = [0.8 * (2 - k), 1 - k + 0.2 * (2 - k)]
    assert m.power == pytest.approx(expected)
    assert war["costs"] == pytest.approx(2 * k) and m.war_year.costs == pytest.approx(2 * k)
    assert m.power.sum() == pytest.approx(3 - 2 * k, rel=1e-12)


def test_a_weak_target_concedes_a_tribute_instead_of_fighting():
    # A (2) vs B (1), ρ = 2, x = 2/3: fighting costs B 2·0.1·2/3 + 2/3·0.2 = 0.2667 > tribute 0.2.
    m = duel(tribute=0.2)
    crisis = until_crisis(m)
    assert crisis["outcome"] == "conceded" and crisis["transfer"] == pytest.approx(0.2)
    assert m.power == pytest.approx([2.2, 0.8]) and m.metrics["wars"] == 0


def test_a_target_that_would_not_survive_paying_fights_instead():
    # A (20) vs B (1) at distance 0.5: ρ = 20, x = 0.952, fighting costs B 0.4 · 0.952 = 0.38 > 0.3,
    # so tribute is cheaper, but B would keep 0.7 < 0.1 · 20.3 · e^-0.5 = 1.23: it fights.
    def giant(**params):
        w = world([20.0, 1.0], [(0, 0), (0.5, 0)], ["hedge", "hedge"], revisionism=[1.0, 0.0])
        return model(w, war=True, war_rate=1.0, war_noise=0.0, **FLAT, **NO_ALLIANCES, **params)

    assert until_crisis(giant())["outcome"] in WAR_OUTCOMES
    # B is essential when essential_share is 0.04 (1/21 = 0.048): restraint protects it, so it pays
    assert until_crisis(giant(essential_share=0.04))["outcome"] == "conceded"


def test_total_power_changes_only_by_war_costs():
    m = BalanceOfPowerModel(
        rng=11,
        n_states=25,
        war=True,
        war_rate=0.5,
        growth_mean=0.0,
        growth_sd=0.0,
        restraint=False,
        growth_process="fixed",
        arming=False,  # no growth: total power moves only through war
    )
    total, costs = m.power.sum(), 0.0
    for _ in range(150):
        m.step()
        assert m.power.sum() == pytest.approx(total - m.war_year.costs, rel=1e-9, abs=0)
        costs += m.war_year.costs
        total = m.power.sum()
    wars = m.wars_frame()
    assert (wars["outcome"].isin(WAR_OUTCOMES)).sum() > 5  # real wars were fought
    assert wars["costs"].sum() == pytest.approx(costs)
    assert m.summary()["eliminated"] > 0 and np.all(m.power[~m.alive] == 0)


def run_ten(restraint, seed=1):
    m = BalanceOfPowerModel(
        rng=seed,
        n_states=10,
        war=True,
        war_rate=0.5,
        elimination_floor=0.2,
        growth_sd=0.0,
        growth_process="fixed",  # uniform growth: shares move only through war
        arming=False,
        restraint=restraint,
        check_invariants=True,
    )
    for _ in range(300):
        if not m.running:
            break
        m.step()
    return m


def eliminated_shares(m):
    """Share, at the end of the year before, of every state eliminated in the run."""
    share = m.states_frame().pivot(index="step", columns="state", values="share")
    eliminated = m.wars_frame().explode("eliminated").dropna(subset=["eliminated"])
    pairs = zip(eliminated["step"], eliminated["eliminated"], strict=True)
    return [share.loc[step - 1, name] for step, name in pairs]


def test_restraint_never_eliminates_an_essential_actor():
    seeds = range(1, 7)
    # Growth is uniform (growth_sd 0), so shares move only through crises and wars, and a state's
    # share when its war starts is at least its share at the end of the year before.
    # Seeds 1-6: with restraint no eliminated state was essential; without it, on the same seeds, some
    # essential actor is absorbed, so the check has teeth (which seed does it depends on the threat
    # calculus, hence several seeds rather than one).
    shares = [s for seed in seeds for s in eliminated_shares(run_ten(restraint=True, seed=seed))]
    assert len(shares) > 0  # not vacuous: small states were absorbed
    assert max(shares) < 0.05  # essential_share
    unrestrained = [s for seed in seeds for s in eliminated_shares(run_ten(restraint=False, seed=seed))]
    assert max(unrestrained) >= 0.05


def test_without_restraint_a_dominant_revisionist_absorbs_everyone():
    # A (100) is a full revisionist; B (5) and C (4) are allies (share 5/109 = 0.046 and 0.037,
    # essential with essential_share 0.01). A attacks their bloc (ratio 11.1 ≥ 1.5), wins with
    # π = 100/109, and after K = 0.1·2·100·9/109 = 1.65 and reparations the losers hold less than
    # 0.1 of A's power: both are absorbed, and one state is left (universal empire). The hedgers B and C
    # stay in their exclusive alliance while A's threat to them alone stays critical (B: 100·e^-0.5 / 105
    # = 0.578, C: 100·e^-0.539 / 104 = 0.561, both ≥ hedge_threshold 0.5).
    def dominant(restraint, essential_share=0.01):
        w = world(
            [100.0, 5.0, 4.0],
            [(0, 0), (0.5, 0), (0.5, 0.2)],
            ["hedge"] * 3,
            revisionism=[1.0, 0.0, 0.0],
            alliances=[[1, 2]],
        )
        m = model(
            w,
            war=True,
            war_rate=1.0,
            tribute=0.9,
            essential_share=essential_share,
            restraint=restraint,
            hedge_threshold=0.5,
        )
        for _ in range(50):
            if not m.running:
                break
            m.step()
        return m

    m = dominant(restraint=False)
    assert m.alive.tolist() == [True, False, False] and not m.running
    assert [s.name for s in m.agents] == ["A"] and not m.states[1].alive and m.states[1].share == 0
    summary = m.summary()
    assert summary["eliminated"] == 2 and summary["equilibrium"] == "universal_empire"
    assert summary["universal_empire_at"] == m.steps
    assert m.power[0] == pytest.approx(109 - m.wars_frame()["costs"].sum())
    left = m.events_frame().query("event == 'left'")
    assert left[["state", "reason"]].values.tolist() == [["B", "eliminated"]]
    assert m.alignments.alliances == {}

    # With restraint and every state essential (essential_share 0), A wins wars but absorbs no one.
    kept = dominant(restraint=True, essential_share=0.0)
    assert kept.alive.all() and len(kept.agents) == 3 and kept.summary()["universal_empire_at"] is None
    assert (kept.wars_frame()["outcome"] == "initiator_won").any()


def test_a_dead_state_stays_out_of_everything_afterwards():
    m = run_ten(restraint=False)
    dead = np.flatnonzero(~m.alive)
    assert len(dead) > 0 and len(m.agents) == m.alive.sum()
    states = m.states_frame()
    last = states[states["step"] == m.steps]
    assert (last.loc[~last["alive"], ["power", "share"]] == 0).all().all()
    assert (last.loc[~last["alive"], "alliance"] == -1).all()
    involved = m.wars_frame()
    for k in dead:
        name = m.names[k]
        gone_at = involved[involved["eliminated"].map(lambda e, name=name: name in e)]["step"].iloc[0]
        later = involved[involved["step"] > gone_at]
        assert not later["attackers"].map(lambda a, name=name: name in a).any()
        assert not later["defenders"].map(lambda d, name=name: name in d).any()


def test_records_agree_with_each_other():
    m = run_ten(restraint=False)
    frame, wars = m.model_frame(), m.wars_frame()
    assert list(wars.columns) == list(WAR_COLUMNS)
    fought = wars[wars["outcome"].isin(WAR_OUTCOMES)]
    assert frame["wars"].sum() == len(fought) == m.summary()["wars"]
    assert frame["eliminated"].sum() == fought["eliminated"].map(len).sum() == m.summary()["eliminated"]
    per_step = fought.groupby("step").size().reindex(frame["step"], fill_value=0)
    assert per_step.tolist() == frame["wars"].tolist()
    assert (frame["war_power"] > 0).sum() == fought["step"].nunique()
    assert frame["war_power"].between(0, 1 + 1e-12).all()  # all power engaged: 1 up to rounding
    assert set(frame["equilibrium"]) <= {"static", "dynamic", "hegemony", "universal_empire", "not_converged"}


def test_hostility_raises_threat_and_fades():
    # No wars (war_rate 0). Set H_BA = 1: the next step decays it to 0.9 during the war phase; the step
    # after perceives reach_BA = e^-0.5 · (1 + 0.9), so B's felt threat T_BA = 2/3 · e^-0.5 · 1.9.
    m = duel(war_rate=0.0)
    m.conflict.hostility[1, 0] = 1.0
    m.step()
    assert m.conflict.hostility[1, 0] == pytest.approx(0.9)
    m.step()
    assert m.reach[1, 0] == pytest.approx(math.exp(-0.5) * 1.9)
    felt = m.perceive(np.array([1, 0])).tau
    assert felt[0] == pytest.approx(2 / 3 * math.exp(-0.5) * 1.9)
    assert felt[1] == pytest.approx(1 / 3 * math.exp(-0.5))


def test_enemies_become_hostile_after_a_war():
    m = duel(**SAME_FIGHT)
    m.step()
    assert m.conflict.hostility[0, 1] == 1.0 and m.conflict.hostility[1, 0] == 1.0


@pytest.mark.parametrize(
    ("hazard", "expected"),
    [
        # q = war_rate · r · f · a with war_rate 1, r_B = 1. B's opportunities A (reach e^-0.5 = 0.606531) and
        # C (e^-0.707107 = 0.493069), Σ 1.099600 > 1: a_BA = 0.551592, a_BC = 0.448408. A is status quo.
        # power_transition: f(0.9) = (3.6/3.61)^50 = 0.870492, f(3) = 0.75^50 = 5.6632e-7:
        #   q_BA = 0.480156, q_BC = 2.5394e-7.
        # expected_gain: f(0.9) = 1/(1 + (1.5/0.9)^8.333) = 0.013969, f(3) = 0.996909:
        #   q_BA = 0.0077051 (a war at parity is unlikely, not impossible), q_BC = 0.447022.
        ("power_transition", {("B", "A"): 0.480156, ("B", "C"): 2.5394e-7}),
        ("expected_gain", {("B", "A"): 0.0077051, ("B", "C"): 0.447022}),
    ],
)
def test_each_dyads_hazard_is_the_formula_and_its_crises_come_at_that_rate(hazard, expected):
    # A (10, status quo) leads; B (9, revisionist) is at parity with it (0.9); C (3, revisionist) is not.
    w = world([10.0, 9.0, 3.0], [(0, 0), (0.5, 0), (0, 0.5)], ["hedge"] * 3, revisionism=[0.0, 1.0, 1.0])
    m = model(w, war=True, war_rate=1.0, war_hazard=hazard, record_dyads=True, **NO_ALLIANCES, **SAME_FIGHT)
    years = 500
    for _ in range(years):
        m.step()
    dyads = m.dyads_frame()
    assert list(dyads.columns) == list(DYAD_COLUMNS)
    # at risk each year: B→A, B→C, C→A, C→B (A, status quo, opens nothing), while B and C are free
    assert set(zip(dyads["initiator"], dyads["target"], strict=True)) == {
        ("B", "A"),
        ("B", "C"),
        ("C", "A"),
        ("C", "B"),
    }
    for (i, j), q in expected.items():
        rows = dyads[(dyads["initiator"] == i) & (dyads["target"] == j)]
        assert rows["hazard"].to_numpy() == pytest.approx(q, rel=1e-4)  # powers never change (SAME_FIGHT)
        low, high = stats.binom.interval(0.999, len(rows), q)  # B is free every year but the few C attacks it
        assert low <= rows["crisis"].sum() <= high, (i, j)
    wars = m.wars_frame()
    assert rows["crisis"].sum() == ((wars["initiator"] == i) & (wars["target"] == j)).sum()
    assert (dyads["war"] == dyads["outcome"].isin(WAR_OUTCOMES)).all()


def test_war_off_draws_nothing_and_ignores_war_parameters():
    plain = BalanceOfPowerModel(rng=5, n_states=15)
    other = BalanceOfPowerModel(
        rng=5,
        n_states=15,
        war_rate=0.9,
        restraint=False,
        war_hazard="power_transition",
        war_noise=1.0,
        war_cost=0.4,
        tribute=0.0,
    )
    for _ in range(80):
        plain.step()
        other.step()
    assert plain.conflict is None and other.conflict is None
    pd.testing.assert_frame_equal(plain.model_frame(), other.model_frame())
    pd.testing.assert_frame_equal(plain.events_frame(), other.events_frame())
    assert plain.rng.bit_generator.state == other.rng.bit_generator.state
    frame = plain.model_frame()
    assert (frame[["wars", "war_power", "eliminated"]] == 0).all().all()
    assert plain.wars_frame().empty and plain.summary()["eliminated"] == 0


def test_war_on_changes_the_run():
    plain = BalanceOfPowerModel(rng=5, n_states=15)
    war = BalanceOfPowerModel(rng=5, n_states=15, war=True, war_rate=0.5)
    for _ in range(80):
        plain.step()
        war.step()
    assert war.summary()["wars"] > 0 and not plain.model_frame().equals(war.model_frame())


@pytest.mark.parametrize(
    ("params", "named", "allowed"),
    [
        ({"war_hazard": "greed"}, "war_hazard", "expected_gain, power_transition"),
        ({"war_cost": 0.6}, "war_cost", "0.0 to 0.5"),
        ({"superiority": 0.5}, "superiority", "1.0 to 100.0"),
        ({"war_chance": 0}, "war_chance", "0.01 to 100.0"),
        ({"hazard_parity": -1}, "hazard_parity", "0.0 to 1000.0 (or unset)"),
        ({"concession": "sometimes"}, "concession", "expected_loss, never, always"),
        ({"essential_hysteresis": 2}, "essential_hysteresis", "0.0 to 1.0"),
    ],
)
def test_bad_war_parameters_are_named(params, named, allowed):
    with pytest.raises(ParameterError) as err:
        BalanceOfPowerModel(rng=0, **params)
    assert f"'{named}'" in str(err.value) and allowed in str(err.value)


def test_no_state_is_in_two_crises_in_one_year():
    m = BalanceOfPowerModel(rng=5, n_states=25, war=True, war_rate=0.6, check_invariants=True)
    for _ in range(40):
        m.step()
    wars = m.wars_frame()
    assert len(wars) > 20  # many crises, so the check has something to bite on
    for _, year in wars.groupby("step"):
        parties = [name for _, row in year.iterrows() for name in {*row["attackers"], *row["defenders"]}]
        assert len(parties) == len(set(parties))


def test_a_living_state_is_never_bled_to_nothing():
    # The review's case: no floor, heavy tribute and reparations, two states for 800 years.
    m = BalanceOfPowerModel(
        rng=4,
        n_states=2,
        war=True,
        elimination_floor=0.0,
        tribute=0.9,
        war_cost=0.5,
        reparations=0.9,
        war_rate=1.0,
        restraint=False,
        growth_sd=0.0,
        war_noise=0.0,
        check_invariants=True,
    )
    for _ in range(800):
        if not m.running:
            break
        m.step()
    assert np.isfinite([m.summary()[k] for k in ("s_max", "b_max", "con", "hhi")]).all()
    assert np.all(m.power[m.alive] > 0)


def test_essential_survivors_counts_the_original_essential_actors_still_alive():
    m = BalanceOfPowerModel(
        rng=11,
        n_states=25,
        war=True,
        war_rate=0.5,
        growth_sd=0.0,
        restraint=False,
        essential_share=0.03,
        growth_process="fixed",
        arming=False,  # uniform growth: only war removes essential actors
    )
    start = set(m.essential_at_start)
    for _ in range(150):
        if not m.running:
            break
        m.step()
    survivors = m.summary()["essential_survivors"]
    assert survivors == sum(m.alive[i] for i in start)
    assert survivors < len(start)  # this seed loses original essential actors: the count can fall
