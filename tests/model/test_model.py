"""The model as a whole: reproducibility, parameters, the random scenario, recorded data."""

import numpy as np
import pandas as pd
import pytest

from model import BalanceOfPowerModel
from model.model import MEASURES
from model.params import PARAMS, ParameterError, parse_mix, validate
from model.scenarios.random_world import assign_strategies


def run(seed, steps=60, **params):
    m = BalanceOfPowerModel(rng=seed, **params)
    for _ in range(steps):
        m.step()
    return m


def test_same_seed_gives_identical_data_and_event_log():
    a, b = run(7), run(7)
    pd.testing.assert_frame_equal(a.model_frame(), b.model_frame())
    pd.testing.assert_frame_equal(a.events_frame(), b.events_frame())
    pd.testing.assert_frame_equal(a.states_frame(), b.states_frame())
    assert len(a.events_frame()) > 0  # the comparison is not between two empty logs


def test_different_seeds_give_different_worlds():
    a, b = run(7), run(8)
    assert not a.model_frame().equals(b.model_frame())
    assert not np.allclose(a.power, b.power)


def test_model_data_has_every_measure_each_step():
    m = run(3, steps=25)
    frame = m.model_frame()
    assert list(frame.columns) == ["step", *MEASURES]
    assert list(frame["step"]) == list(range(26))
    assert frame["states_alive"].eq(20).all()
    assert set(frame["equilibrium"]) <= {"static", "dynamic", "hegemony", "not_converged"}
    # alliance_events counts membership changes; refused offers are logged but change nothing
    events = m.events_frame()
    assert frame["alliance_events"].sum() == (events["event"] != "refused").sum() > 0


def test_summary_matches_the_last_step():
    m = run(3, steps=40)
    summary, last = m.summary(), m.model_frame().iloc[-1]
    for key in ("s_max", "b_max", "hhi", "n_eff", "con", "polarity", "alliances", "states_alive"):
        assert summary[key] == pytest.approx(last[key])
    assert summary["steps"] == 40 and summary["states_initial"] == 20
    assert summary["equilibrium"] == last["equilibrium"]


def test_random_world_follows_its_parameters():
    m = BalanceOfPowerModel(rng=1, n_states=30, strategy_mix="balance:0.7,bandwagon:0.3")
    assert m.n == 30 and len(m.agents) == 30
    assert sorted(m.strategy) == ["balance"] * 21 + ["bandwagon"] * 9
    assert np.all(m.power > 0)
    assert np.all((m.position >= 0) & (m.position <= 1))
    one = BalanceOfPowerModel(rng=1, n_states=12, strategy="hedge")
    assert set(one.strategy) == {"hedge"}


def test_strategy_mix_uses_exact_proportions():
    rng = np.random.default_rng(0)
    params = validate({"strategy_mix": "balance:1,bandwagon:1,hedge:1"})
    counts = pd.Series(assign_strategies(10, params, rng)).value_counts()
    assert sorted(counts) == [3, 3, 4]


def test_growth_compounds_every_step():
    m = BalanceOfPowerModel(
        rng=2, n_states=5, growth_process="fixed", arming=False, growth_mean=0.05, growth_sd=0.0
    )
    p0 = m.power.copy()
    for _ in range(10):
        m.step()
    assert m.power == pytest.approx(p0 * np.exp(0.5))


def test_agents_read_the_model_arrays():
    m = run(4, steps=5)
    shares = [s.share for s in m.states]
    assert sum(shares) == pytest.approx(1.0)
    s = m.states[0]
    assert s.power == m.power[0] and s.strategy == m.strategy[0] and s.alive
    aligned = [s for s in m.states if s.alliance is not None]
    assert all(s.index in s.alliance.members for s in aligned)


@pytest.mark.parametrize(
    ("params", "named", "allowed"),
    [
        ({"n_states": 1}, "n_states", "2 to 5000"),
        ({"n_states": 2.5}, "n_states", "integer"),
        ({"growth_sd": -0.1}, "growth_sd", "0.0 to 0.2"),
        ({"strategy": "chaos"}, "strategy", "balance, bandwagon"),
        ({"strategy_mix": "balance:0.5,conquer:0.5"}, "strategy_mix", "rule:weight"),
        ({"strategy_mix": "balance:-1"}, "strategy_mix", "rule:weight"),
        ({"war": "maybe"}, "war", "true or false"),
        ({"scenario": "mars"}, "scenario", "random"),
        ({"nonsense": 1}, "nonsense", "known parameters"),
        ({"threat_entry": 0.1, "threat_exit": 0.2}, "threat_exit", "at most threat_entry"),
        ({"hedge_threshold": 0.1}, "hedge_threshold", "at least threat_exit"),
        ({"convergence_window": 2}, "convergence_window", "3 to"),  # a slope needs 3 points
    ],
)
def test_bad_parameters_name_the_parameter_and_what_is_allowed(params, named, allowed):
    with pytest.raises(ParameterError) as err:
        BalanceOfPowerModel(rng=0, **params)
    assert f"'{named}'" in str(err.value) and allowed in str(err.value)


def test_every_parameter_default_is_valid_and_text_values_are_coerced():
    assert validate({}) == {name: spec.default for name, spec in PARAMS.items()}
    values = validate({"n_states": "12", "war": "true", "strategy": "none", "growth_mean": "0.01"})
    assert values["n_states"] == 12 and values["war"] is True and values["strategy"] is None
    assert parse_mix("balance:3,hedge:1") == {"balance": 0.75, "hedge": 0.25}


def test_stop_on_convergence_ends_the_run():
    m = BalanceOfPowerModel(rng=5, n_states=3, stop_on_convergence=True, convergence_window=5)
    for _ in range(200):
        if not m.running:
            break
        m.step()
    assert not m.running and m.summary()["equilibrium"] != "not_converged"
    assert m.steps < 200
