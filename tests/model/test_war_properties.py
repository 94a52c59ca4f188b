"""Property-based: with war on, any valid war parameters keep every invariant and conserve power."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import BalanceOfPowerModel
from model.params import PARAMS
from tests.model.test_properties import value_of

WAR_PARAMS = (
    "restraint",
    "war_hazard",
    "war_rate",
    "superiority",
    "hazard_gain",
    "hazard_gain_width",
    "hazard_parity",
    "hazard_trend",
    "hazard_trend_years",
    "concession",
    "punitive_peace",
    "essential_hysteresis",
    "record_dyads",
    "war_noise",
    "war_chance",
    "war_cost",
    "reparations",
    "tribute",
    "elimination_floor",
    "hostility_decay",
    "hostility_weight",
    "essential_share",
    "strategy",
)
war_params = st.fixed_dictionaries({name: value_of(PARAMS[name]) for name in WAR_PARAMS})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=war_params, n=st.integers(2, 30), seed=st.integers(0, 2**32 - 1))
def test_any_war_parameters_keep_invariants_and_conserve_power(params, n, seed):
    m = BalanceOfPowerModel(
        rng=seed,
        n_states=n,
        war=True,
        growth_mean=0.0,
        growth_sd=0.0,
        check_invariants=True,
        growth_process="fixed",
        arming=False,  # no growth: total power moves only through war
        **params,
    )
    for _ in range(30):
        if not m.running:
            break
        before = m.power.sum()
        m.step()  # raises InvariantError on any broken invariant
        assert m.power.sum() == pytest.approx(before - m.war_year.costs, rel=1e-9, abs=0)
        assert len(m.agents) == m.alive.sum() and (m.power[~m.alive] == 0).all()
    assert m.summary()["eliminated"] == n - m.alive.sum()
