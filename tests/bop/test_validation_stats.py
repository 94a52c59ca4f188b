"""The validation checks' statistics on hand-made data (bop/validation/stats.py)."""

import math

import numpy as np
import pytest

from bop.validation.stats import (
    dispersion_index,
    event_times,
    exponential_ks,
    inside_interval,
    power_law,
    power_law_interval,
    rank_correlation,
)


def test_dispersion_index_is_sample_variance_over_mean():
    # counts 1, 2, 3, 2: mean 2; squared deviations 1, 0, 1, 0 sum to 2, over n - 1 = 3: 2/3;
    # D = (2/3) / 2 = 1/3
    assert dispersion_index(np.array([1, 2, 3, 2])) == pytest.approx(1 / 3)
    # 0, 0, 4, 0: mean 1; deviations 1, 1, 9, 1 sum to 12, / 3 = 4; D = 4 (clustered)
    assert dispersion_index(np.array([0, 0, 4, 0])) == pytest.approx(4.0)


def test_dispersion_index_is_undefined_without_events():
    assert math.isnan(dispersion_index(np.zeros(10)))
    assert math.isnan(dispersion_index(np.array([3])))


def test_a_poisson_sample_has_dispersion_near_one():
    counts = np.random.default_rng(0).poisson(0.5, 20_000)
    # sd of D for Poisson counts is about sqrt(2 / n) = 0.01
    assert dispersion_index(counts) == pytest.approx(1.0, abs=0.04)


def test_event_times_fall_inside_their_recorded_year_and_are_sorted():
    times = event_times(np.array([5, 3, 3]), np.random.default_rng(1))
    assert np.all(np.diff(times) >= 0)
    assert 2 < times[0] <= 3 and 2 < times[1] <= 3 and 4 < times[2] <= 5


def test_ks_keeps_a_known_exponential_sample():
    gaps = np.random.default_rng(2).exponential(3.0, 200)
    result = exponential_ks(gaps, np.random.default_rng(3), samples=499)
    assert result.n == 200
    assert result.pvalue > 0.05


def test_ks_rejects_evenly_spaced_events_with_the_hand_distance():
    # 50 equal gaps of 1: the fitted scale is their mean, 1, so F = 1 - e^-1 = 0.632 at every point;
    # the empirical CDF jumps from 0 to 1 there, so D = max(0.632, 1 - 0.632) = 0.632
    result = exponential_ks(np.ones(50), np.random.default_rng(4), samples=499)
    assert result.statistic == pytest.approx(1 - math.exp(-1))
    assert result.pvalue < 0.01


def test_ks_needs_three_gaps():
    assert math.isnan(exponential_ks(np.array([1.0, 2.0]), np.random.default_rng(0)).pvalue)


def test_power_law_fit_of_two_points_by_hand():
    # x = 1, e with min_tail 2: only x_min = 1 is a candidate. Σ ln(x / 1) = 0 + 1 = 1, so
    # alpha = 1 + 2/1 = 3 and the CCDF slope is 1 - 3 = -2. F_fit(1) = 0, F_fit(e) = 1 - e^-2 = 0.865;
    # the empirical CDF is 0.5 and 1 at the points (0 and 0.5 just below them): D = |0.5 - 0| = 0.5
    fit = power_law(np.array([1.0, math.e]), min_tail=2)
    assert (fit.alpha, fit.xmin, fit.n_tail) == (pytest.approx(3.0), 1.0, 2)
    assert fit.slope == pytest.approx(-2.0)
    assert fit.ks == pytest.approx(0.5)


def test_power_law_recovers_the_exponent_of_a_pareto_sample():
    # Pareto with CCDF (x / 2)^-1.5: density exponent alpha = 2.5, CCDF slope -1.5; the MLE's
    # standard error is (alpha - 1) / sqrt(n) = 1.5 / sqrt(4000) = 0.024
    rng = np.random.default_rng(5)
    x = 2.0 * (1 - rng.random(4000)) ** (-1 / 1.5)
    fit = power_law(x)
    assert fit.slope == pytest.approx(-1.5, abs=0.1)


def test_power_law_finds_the_cut_off_above_a_non_power_law_body():
    # a uniform body on [0, 1] below a Pareto tail from 10 with slope -1: the cut-off is in the tail
    rng = np.random.default_rng(6)
    x = np.concatenate([rng.random(2000), 10.0 / (1 - rng.random(2000))])
    fit = power_law(x)
    assert fit.xmin >= 10.0
    assert fit.slope == pytest.approx(-1.0, abs=0.1)


def test_power_law_needs_enough_positive_values():
    with pytest.raises(ValueError, match="at least 10"):
        power_law(np.array([1.0, 2.0, 0.0, -1.0]))


def test_power_law_interval_covers_the_true_slope():
    rng = np.random.default_rng(7)
    groups = [(1 - rng.random(20)) ** (-1 / 0.5) for _ in range(30)]  # slope -0.5, 600 values
    lo, hi = power_law_interval(groups, np.random.default_rng(8), replicates=100)
    assert lo < -0.5 < hi
    assert hi - lo < 0.4


def test_inside_interval_uses_the_central_quantiles():
    # runs 0..99 of one quantity take the values 0..99: numpy's 5% and 95% quantiles are at positions
    # 99 * 0.05 = 4.95 and 99 * 0.95 = 94.05, so 5 and 94 are inside, 4 and 95 outside
    draws = np.tile(np.arange(100.0)[:, None], (1, 4))
    inside = inside_interval(draws, np.array([5.0, 4.0, 94.0, 95.0]), level=0.9)
    assert inside.tolist() == [True, False, True, False]
    assert inside.sum() == 2


def test_rank_correlation_by_hand():
    # ranks 1,2,3,4 vs 1,3,2,4: d = 0,-1,1,0, Σd² = 2, rho = 1 - 6·2 / (4·(16 - 1)) = 0.8
    assert rank_correlation(np.array([10, 20, 30, 40]), np.array([1, 3, 2, 4])) == pytest.approx(0.8)
    assert rank_correlation(np.array([1, 2, 3]), np.array([3, 2, 1])) == pytest.approx(-1.0)
