"""Real scenarios use the growth process fitted on the years before their start only (docs/ODD.md §5)."""

import numpy as np
import pytest

from model import BalanceOfPowerModel
from model.params import PARAMS, validate
from model.scenarios import calibration, get_scenario, nmc

TABLE = nmc.table  # the cached reader of the shipped file


def clear_caches():
    for cached in (TABLE, nmc._index, calibration._panel, calibration._prior):
        cached.cache_clear()


@pytest.fixture
def altered_data(monkeypatch):
    """Replace the NMC file by a copy whose chosen years are scrambled (caches cleared around it)."""
    original = TABLE()

    def alter(years, seed=0):
        frame = original.copy()
        rows = frame["year"].isin(years)
        factors = np.random.default_rng(seed).lognormal(0.0, 1.0, (int(rows.sum()), len(nmc.COMPONENTS)))
        frame.loc[rows, list(nmc.COMPONENTS)] *= factors
        clear_caches()
        monkeypatch.setattr(nmc, "table", lambda: frame)

    yield alter
    monkeypatch.undo()
    clear_caches()


def world_of(scenario, **params):
    s = get_scenario(scenario)
    return s.build(validate(params | {"scenario": scenario}, extra=s.params), np.random.default_rng(0))


def process_of(w):
    return {"names": w.names, "power": w.power, "growth": w.growth, "fit": (w.reversion, w.volatility)}


def assert_same(a, b):
    assert a["names"] == b["names"] and a["fit"] == b["fit"]
    np.testing.assert_array_equal(a["power"], b["power"])
    np.testing.assert_array_equal(a["growth"], b["growth"])


@pytest.mark.parametrize(
    ("scenario", "params", "start"),
    [("nmc", {"nmc_year": 1871, "nmc_top_k": 8}, 1871), ("europe-1914", {}, 1914)],
)
def test_changing_the_data_after_the_start_year_changes_nothing(altered_data, scenario, params, start):
    before = process_of(world_of(scenario, **params))
    altered_data(range(start + 1, 2017))
    assert_same(process_of(world_of(scenario, **params)), before)


def test_the_fit_uses_only_years_before_the_start_and_has_teeth(altered_data):
    before = world_of("nmc", nmc_year=1871, nmc_top_k=8)
    altered_data([1871])  # the start year: the world's powers, but not its process
    at_start = world_of("nmc", nmc_year=1871, nmc_top_k=8)
    assert (at_start.reversion, at_start.volatility) == (before.reversion, before.volatility)
    assert not np.array_equal(at_start.power, before.power)
    altered_data(range(1840, 1871), seed=1)  # the years before it: the process changes
    earlier = world_of("nmc", nmc_year=1871, nmc_top_k=8)
    assert earlier.volatility != before.volatility and not np.array_equal(earlier.growth, before.growth)


def test_drifts_are_trends_shrunk_toward_the_group_mean_by_the_fitted_factor():
    w = world_of("nmc", nmc_year=2016, nmc_top_k=10, nmc_growth_cap=0.2)
    codes = nmc.top_k(2016, 10, nmc.index_weights("cinc"))
    # the trend, independently: the 20-year change of log CINC to 2015, demeaned over the ten states
    # (the top-8 total's own change is common to all and cancels)
    weights = nmc.index_weights("cinc")
    trend = (
        np.log(nmc.power_index(2015, weights)[codes]) - np.log(nmc.power_index(1995, weights)[codes])
    ) / 20
    factor = calibration.shrinkage_factor(calibration.nmc_panel(1816, 2015))
    assert 0 < factor < 0.3  # trends barely persist (persistence r ≈ 0.1)
    np.testing.assert_allclose(
        w.growth - w.growth.mean(), factor * (trend - trend.mean()).to_numpy(), atol=1e-12
    )
    assert (w.reversion, w.volatility) == pytest.approx(
        calibration.estimate(calibration.nmc_panel(1816, 2015))
    )


def test_each_state_of_a_real_world_reverts_to_its_own_start_level():
    # Tajikistan is not pulled up toward the great powers: with no shocks, no drift and no arming,
    # every power stays where it started.
    m = BalanceOfPowerModel(
        rng=0, scenario="eurasia-2016", arming=False, nmc_growth_cap=0.0, check_invariants=True
    )
    start = m.power.copy()
    m.volatility = 0.0  # the scenario's own fit replaces the table's value; silence its shocks
    for _ in range(30):
        m.step()
    np.testing.assert_allclose(m.power / m.power.sum(), start / start.sum(), rtol=1e-12)


def test_a_world_with_too_little_history_uses_the_parameter_table():
    w = world_of("nmc", nmc_year=1830)  # 14 years before it: fewer than the estimator needs
    assert (w.reversion, w.volatility) == (None, None)
    m = BalanceOfPowerModel(rng=0, scenario="nmc", nmc_year=1830)
    assert (m.reversion, m.volatility) == (
        PARAMS["growth_reversion"].default,
        PARAMS["growth_volatility"].default,
    )
    assert np.all(m.growth == 0.0)


def test_a_real_scenario_refuses_the_process_parameters_it_fits_itself():
    with pytest.raises(ValueError, match="growth_volatility"):
        get_scenario("eurasia-2016").check_used({"growth_volatility"})
