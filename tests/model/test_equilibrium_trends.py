"""The trend-testing convergence detector (docs/ODD.md §7.8) on hand-made synthetic sequences.

Unless a test says otherwise the detector runs with the defaults of the parameter table
(W = convergence_window, trend_tolerance, trend_alpha, dynamic_band, hegemony_share).
"""

import numpy as np
import pytest

from model import metrics
from model.equilibrium import ConvergenceTracker, ols_slope, trend_test
from model.params import PARAMS
from tests.worlds import model, world

W = PARAMS["convergence_window"].default
TOLERANCE = PARAMS["trend_tolerance"].default
THRESHOLDS = {
    name: PARAMS[name].default
    for name in ("hegemony_share", "trend_tolerance", "trend_alpha", "dynamic_band")
}


def labels(con, shares=None, events=None):
    """The label known at each step, and its onset, for a CON series (b_max 0.3, five states alive)."""
    tracker = ConvergenceTracker(W, **THRESHOLDS)
    found, onsets = [], []
    for t, c in enumerate(con):
        share = shares[t] if shares is not None else [0.2] * 5
        found.append(tracker.update(t, c, 0.3, share, 0 if events is None else events[t], 0, 5))
        onsets.append(tracker.reached_at)
    return found, onsets


def ar1(rng, steps, phi, sd, mean=0.3):
    """A stationary AR(1) around `mean` with stationary sd `sd`, started from its stationary law."""
    x = np.empty(steps)
    x[0] = rng.normal(0, sd)
    innovation = sd * np.sqrt(1 - phi**2)
    for t in range(1, steps):
        x[t] = phi * x[t - 1] + rng.normal(0, innovation)
    return mean + x


def test_ols_slope_and_its_standard_error_by_hand():
    # y = 1, 2, 4 at t = -1, 0, 1: slope (−1 + 4) / 2 = 1.5; fit 7/3 ∓ 1.5 leaves residuals 1/6, −1/3, 1/6,
    # Σe² = 1/6, se = sqrt(1/6 / (3 − 2) / 2) = 0.2887
    slope, se = ols_slope(np.array([[1.0], [2.0], [4.0]]))
    assert slope[0] == pytest.approx(1.5) and se[0] == pytest.approx(np.sqrt(1 / 12))


def test_trend_test_shows_a_clean_trend_and_cannot_tell_a_noisy_flat_one():
    # 0, 0.003, 0.006: slope 0.003, se 0: shown beyond a tolerance of 0.001, not within it
    within, beyond = trend_test(np.array([[0.0], [0.003], [0.006]]), 0.001, 0.05)
    assert not within[0] and beyond[0]
    # 0, 0.001, 0: slope 0, residuals −1/3, 2/3, −1/3 (× 0.001), se = sqrt(6.67e-7 / 1 / 2) = 5.77e-4,
    # margin t(0.95, 1) · se = 6.314 · 5.77e-4 = 0.00365 > 0.001: neither within nor beyond
    within, beyond = trend_test(np.array([[0.0], [0.001], [0.0]]), 0.001, 0.05)
    assert not within[0] and not beyond[0]
    # the same wobble, 100 times smaller: margin 3.65e-5 <= 0.001, shown within
    within, _ = trend_test(np.array([[0.0], [0.00001], [0.0]]), 0.001, 0.05)
    assert within[0]


def test_a_trend_at_the_tolerance_passes_a_window_with_probability_alpha():
    # a ramp exactly at the tolerance plus independent noise: (b − tol) / se is Student t with W − 2
    # degrees of freedom, so b + t·se <= tol happens with probability α = 0.05; 4000 windows give a
    # share within 0.05 ± 3 · sqrt(0.05 · 0.95 / 4000) = 0.05 ± 0.010
    rng = np.random.default_rng(1)
    y = TOLERANCE * np.arange(W)[:, None] + rng.normal(0, 0.01, (W, 4000))
    within, _ = trend_test(y, TOLERANCE, 0.05)
    assert abs(within.mean() - 0.05) < 0.010


def test_a_slow_linear_ramp_is_never_static_or_dynamic():
    # CON rising 0.003 a year for 400 years: every window's slope is 0.003 > the tolerance 0.001
    ramp = 0.1 + 0.003 * np.arange(400)
    assert set(labels(ramp)[0]) == {"not_converged"}
    # the same ramp under persistent noise (AR(1), φ = 0.5, sd 0.005), 20 seeds: the noise moves a
    # window's slope by about 0.0002, never down to the tolerance
    rng = np.random.default_rng(2)
    for _ in range(20):
        assert set(labels(ramp + ar1(rng, 400, 0.5, 0.005, mean=0.0))[0]) == {"not_converged"}


def test_one_state_rising_slowly_is_never_static_or_dynamic():
    # state 0 gains 0.003 a year from the others (5 states, 0.2 each at the start), nothing else moves:
    # its share is a ramp, and so is CON, computed from the shares (slope about 0.0037 a year)
    t = np.arange(200)[:, None]
    shares = np.hstack([0.2 + 0.003 * t, np.repeat(0.2 - 0.003 * t / 4, 4, axis=1)])
    con = [metrics.con(s) for s in shares]
    assert set(labels(con, shares)[0]) == {"not_converged"}


def test_a_stationary_ar1_within_its_band_is_dynamic():
    # CON an AR(1) around 0.3 (φ = 0.5, stationary sd 0.003: range well inside the band 0.1), with an
    # alliance event every other year (so not static): a window's slope has sd about
    # 0.003 · sqrt(12 / (W (W² − 1))) · sqrt((1 + φ)/(1 − φ)) = 1.1e-4, so the upper bound stays below
    # 0.001 and the label is entered as soon as it can be, at step 2W − 1, dated from step 0
    rng = np.random.default_rng(3)
    events = np.arange(300) % 2
    for _ in range(20):
        found, onsets = labels(ar1(rng, 300, 0.5, 0.003), events=events)
        assert found[: 2 * W - 1] == ["not_converged"] * (2 * W - 1)
        assert set(found[2 * W - 1 :]) == {"dynamic"} and set(onsets[2 * W - 1 :]) == {0}


def test_a_frozen_world_is_static_only_after_the_confirming_window():
    frozen, onsets = labels([0.3] * 100)
    # the first window [0, W − 1] is frozen at step W − 1; the label is known only once the
    # confirming window [W, 2W − 1] (and every window between) is frozen too, at step 2W − 1
    assert frozen[: 2 * W - 1] == ["not_converged"] * (2 * W - 1)
    assert set(frozen[2 * W - 1 :]) == {"static"}
    assert set(onsets[2 * W - 1 :]) == {0}  # the onset: the first step of the first window


def test_a_trend_that_starts_after_the_label_ends_it_within_two_windows():
    # flat for 100 years (dynamic from step 2W − 1), then a ramp of 0.003 a year from step 100: the
    # label is left once W + 1 windows in a row showed the trend, later than W steps and no later than 2W
    con = np.r_[np.full(100, 0.3), 0.3 + 0.003 * np.arange(1, 101)]
    found, _ = labels(con, events=np.ones(200, int))
    last = max(t for t, label in enumerate(found) if label == "dynamic")
    assert 100 + W <= last < 100 + 2 * W
    assert set(found[last + 1 :]) == {"not_converged"}


def test_one_alliance_event_turns_static_into_dynamic_with_the_dynamic_onset():
    events = np.zeros(200, int)
    events[100] = 1  # one alliance event in a frozen world
    found, onsets = labels([0.3] * 200, events=events)
    # the event breaks static at once; dynamic has held all along, since step 0
    assert (found[99], onsets[99]) == ("static", 0) and (found[100], onsets[100]) == ("dynamic", 0)
    # static is entered again after a new confirming stretch: windows starting at step 100 or later
    # (the event is their starting state) hold no change; the first ends at 100 + W − 1
    assert found[100 + 2 * W - 2] == "dynamic"
    assert (found[100 + 2 * W - 1], onsets[100 + 2 * W - 1]) == ("static", 100)


def test_hegemony_is_confirmed_over_two_windows_and_dated_from_its_first_step():
    tracker = ConvergenceTracker(W, **THRESHOLDS)
    found = [tracker.update(t, 0.6, 0.4 if t < 10 else 0.6, [0.6, 0.4], 0, 0, 2) for t in range(100)]
    # b_max above 0.5 from step 10: the first such window ends at 10 + W − 1, confirmed W steps later
    assert found.index("hegemony") == 10 + 2 * W - 1 and tracker.reached_at == 10


def test_a_frozen_model_reports_onset_and_label_consistently():
    # three balancers that never align (greatest threat 0.221 < threat_entry 0.3, worked out in
    # test_system_measures) and do not grow: nothing moves, so the run is static
    w = world([2, 3, 2], [(0, 0), (1, 0), (3, 0)], ["balance"] * 3)
    m = model(w, convergence_window=5)
    for _ in range(20):
        m.step()
    frame = m.model_frame()
    # known from step 2W − 1 = 9, dated from step 0, in the per-step columns and the summary alike
    assert list(frame["equilibrium"][:9]) == ["not_converged"] * 9 and set(frame["equilibrium"][9:]) == {
        "static"
    }
    assert frame["equilibrium_since"][:9].isna().all() and set(frame["equilibrium_since"][9:]) == {0}
    assert m.summary()["converged_at"] == frame["equilibrium_since"].iloc[-1] == 0
