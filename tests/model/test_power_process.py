"""The growth process (model/power.py, docs/ODD.md §7.1): reductions, closed forms, the model's use of it."""

import numpy as np
import pandas as pd
import pytest

from model import BalanceOfPowerModel, power
from model.params import PARAMS
from model.scenarios.world import World, plane_distance

KAPPA, SIGMA = PARAMS["growth_reversion"].default, PARAMS["growth_volatility"].default
Z = 4.0  # |estimate − truth| ≤ 4 standard errors: a false alarm once in ~16,000 assertions


def drifting_world(rates):
    n = len(rates)
    position = np.array([(0.1 * i, 0.2 * (i % 2)) for i in range(n)])
    return World(
        names=[f"S{i}" for i in range(n)],
        power=np.linspace(1.0, 2.0, n),
        growth=np.array(rates),
        position=position,
        revisionism=np.full(n, 0.5),
        strategy=["balance"] * n,
        distance=plane_distance(position),
        distance_scale=0.25,
    )


def test_without_reversion_or_volatility_the_increment_is_the_drift_exactly():
    log_e = np.log([1.0, 3.0, 0.5])
    alive = np.array([True, True, False])
    step = power.log_increment(log_e, alive, np.array([0.01, -0.02, 0.05]), 0.0, 0.0, None)
    assert step.tolist() == [0.01, -0.02, 0.0]  # the dead do not grow


def test_the_increment_pulls_toward_the_mean_of_the_living():
    # log e = (0, ln 4), mean ln 2; κ = 0.1: Δ = 0.02 − 0.1·(∓ln 2) + 0.5·(1, −2)
    log_e = np.log([1.0, 4.0, 100.0])
    alive = np.array([True, True, False])  # the dead state's huge economy does not enter the mean
    step = power.log_increment(log_e, alive, 0.02, 0.1, 0.5, np.array([1.0, -2.0, 7.0]))
    ln2 = np.log(2)
    assert step == pytest.approx([0.02 + 0.1 * ln2 + 0.5, 0.02 - 0.1 * ln2 - 1.0, 0.0])


def test_with_no_reversion_and_no_volatility_ou_reduces_to_fixed_growth():
    rates = [0.01, 0.03, -0.02, 0.0, 0.02]
    runs = {}
    for process in ("fixed", "ou"):
        m = BalanceOfPowerModel(
            rng=3,
            world=drifting_world(rates),
            growth_process=process,
            growth_reversion=0.0,
            growth_volatility=0.0,
            check_invariants=True,
        )
        powers = []
        for _ in range(30):
            m.step()
            powers.append(m.power.copy())
        runs[process] = (np.array(powers), m.model_frame(), m.events_frame())
    np.testing.assert_array_equal(runs["ou"][0], runs["fixed"][0])  # σ = 0 draws nothing: same stream
    pd.testing.assert_frame_equal(runs["ou"][1], runs["fixed"][1])
    pd.testing.assert_frame_equal(runs["ou"][2], runs["fixed"][2])


def stationary_start(kappa, sigma, worlds, n, rng):
    """Log economies drawn from the stationary law: demeaned iid N(0, σ²/(κ(2−κ)))."""
    return rng.standard_normal((worlds, n)) * sigma / np.sqrt(kappa * (2 - kappa))


def within(samples, expected):
    """Mean of independent per-world statistics within Z standard errors of the closed form."""
    mean, se = samples.mean(), samples.std(ddof=1) / np.sqrt(len(samples))
    assert abs(mean - expected) <= Z * se, (mean, expected, se)


@pytest.mark.parametrize(
    ("kappa", "sigma", "n", "burn_in", "from_stationary"),
    [
        (KAPPA, SIGMA, 8, 100, True),  # the calibrated process, started in its stationary law
        (0.1, 0.2, 5, 150, False),  # a fast one from equal powers: φ^300 ≈ 2e-14, the start is forgotten
    ],
)
def test_stationary_variance_and_k_year_moments_match_the_closed_form(
    kappa, sigma, n, burn_in, from_stationary
):
    rng = np.random.default_rng(12)
    worlds = 3000
    start = stationary_start(kappa, sigma, worlds, n, rng) if from_stationary else np.zeros((worlds, n))
    path = power.simulate(start, burn_in + 51, kappa, sigma, rng)
    y = path - path.mean(axis=-1, keepdims=True)  # log power relative to the world's mean
    v = power.stationary_sd(kappa, sigma, n) ** 2
    now = y[burn_in]
    within((now**2).mean(axis=1), v)  # Var y = σ²(1 − 1/n)/(κ(2 − κ))
    for k in (1, 10, 20, 50):
        later = y[burn_in + k]
        within((now * later).mean(axis=1), v * power.autocorrelation(kappa, k))  # Cov = V φ^k
        within(((later - now) ** 2).mean(axis=1), power.change_sd(kappa, sigma, n, k) ** 2)  # 2V(1 − φ^k)


def test_the_closed_forms_agree_with_each_other():
    # κ = 0.02, σ = 0.1, n = 8: V = 0.01·0.875/(0.02·1.98) = 0.22096; φ^20 = 0.98^20 = 0.66761
    v = power.stationary_sd(0.02, 0.1, 8) ** 2
    assert v == pytest.approx(0.01 * 0.875 / (0.02 * 1.98))
    assert power.autocorrelation(0.02, 20) == pytest.approx(0.98**20)
    assert power.change_sd(0.02, 0.1, 8, 20) ** 2 == pytest.approx(2 * v * (1 - 0.98**20))
    assert power.change_correlation(0.02, 20) == pytest.approx(-(1 - 0.98**20) / 2)
    assert power.catch_up(0.02, 20) == pytest.approx(-(1 - 0.98**20))
    assert power.change_sd(0.0, 0.1, 8, 20) == pytest.approx(0.1 * np.sqrt(20 * 0.875))  # random walk


def test_the_models_yearly_shocks_are_iid_normal_with_the_volatility():
    # Δ log e_i − g + κ(log e_i − mean log e) = σ ε_i: the model's residuals must be N(0, σ²), serially
    # uncorrelated, whatever the alliances do (arming off, war off).
    m = BalanceOfPowerModel(rng=5, n_states=200, arming=False, record_states=False)
    residuals = []
    for _ in range(30):
        log_e = np.log(m.economy)
        m.step()
        step = np.log(m.economy) - log_e
        residuals.append(step - m.growth + KAPPA * (log_e - log_e.mean()))
    r = np.array(residuals)
    n = r.size
    assert abs(r.mean()) <= Z * SIGMA / np.sqrt(n)
    # sample variance / σ² ~ χ²(n−1)/(n−1), sd ≈ sqrt(2/n)
    assert abs(r.var(ddof=1) / SIGMA**2 - 1) <= Z * np.sqrt(2 / n)
    lag1 = (r[1:] * r[:-1]).mean() / SIGMA**2  # mean of products of independent N(0,1) pairs
    assert abs(lag1) <= Z / np.sqrt(r[1:].size)


def test_the_same_seed_gives_the_same_stochastic_run_and_another_seed_another():
    def frame(seed):
        m = BalanceOfPowerModel(rng=seed, n_states=12, war=True)
        for _ in range(40):
            m.step()
        return m.model_frame()

    pd.testing.assert_frame_equal(frame(8), frame(8))
    assert not frame(8)["s_max"].equals(frame(9)["s_max"])


def test_a_seed_builds_the_same_random_world_under_both_processes():
    ou = BalanceOfPowerModel(rng=21, n_states=15)
    fixed = BalanceOfPowerModel(rng=21, n_states=15, growth_process="fixed", arming=False)
    np.testing.assert_array_equal(ou.power, fixed.power)  # the drawn powers are the start capabilities
    np.testing.assert_array_equal(ou.position, fixed.position)
    np.testing.assert_array_equal(ou.revisionism, fixed.revisionism)
    assert list(ou.strategy) == list(fixed.strategy)
    assert np.all(ou.growth == PARAMS["growth_mean"].default)  # under ou, alike states: one drift
    assert len(set(fixed.growth)) == 15  # under fixed, the drawn rates
