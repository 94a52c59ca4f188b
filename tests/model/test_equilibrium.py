"""The convergence detector on synthetic sequences (one window, and the tracker over steps).

Updated for the trend-testing detector (docs/ODD.md §7.8): a window now also takes every state's
share; "no trend" is an equivalence test on the OLS slope against `trend_tolerance` instead of a
per-step |ΔCON| limit; essential-actor counts no longer enter (a state crossing the essential line
is a movement of shares, judged by the trend tests; a lost actor is an eliminated state that was
essential during the window); and the tracker reports a label only after a confirming second window.
"""

import numpy as np

from model.equilibrium import ConvergenceTracker, classify

W = 10
THRESHOLDS = {
    "hegemony_share": 0.5,
    "trend_tolerance": 0.001,
    "trend_alpha": 0.05,
    "dynamic_band": 0.1,
    "essential_share": 0.05,
}
FROZEN_SHARES = np.tile([0.4, 0.35, 0.25], (W, 1))


def window(con=None, b_max=None, shares=None, events=None, wars=None, alive=None):
    return classify(
        con if con is not None else [0.3] * W,
        b_max if b_max is not None else [0.3] * W,
        shares if shares is not None else FROZEN_SHARES,
        events if events is not None else [0] * W,
        wars if wars is not None else [0] * W,
        alive if alive is not None else [8] * W,
        **THRESHOLDS,
    )


def test_frozen_world_is_static():
    assert window() == "static"
    # a drift of 0.0005 a step, half the trend tolerance, with no noise is shown to be within it
    assert window(con=list(0.3 + 0.0005 * np.arange(W))) == "static"


def test_one_bloc_above_half_is_hegemony_even_when_frozen():
    assert window(b_max=[0.6] * W) == "hegemony"
    # one step below the line breaks it
    assert window(b_max=[0.6] * (W - 1) + [0.45]) != "hegemony"


def test_alliance_changes_within_a_band_are_dynamic():
    events = [0, 2, 0, 1, 0, 0, 3, 0, 0, 1]
    # CON wobbles by 0.001-0.002 around 0.30: slope 3.6e-5, se 9.1e-5, bound 3.6e-5 + 1.86 · 9.1e-5
    # = 2.1e-4 <= 0.001 (a ±0.01 wobble over 10 steps could not show a trend below 0.001 a step)
    con = list(0.30 + 0.001 * np.array([0, 1, 0, 2, 1, 0, 1, 2, 1, 0]))
    assert window(con=con, events=events) == "dynamic"


def test_oscillating_world_has_not_converged():
    con = [0.1, 0.5] * (W // 2)  # trendless but out of the band (range 0.4 > 0.1)
    assert window(con=con, events=[1] * W) == "not_converged"


def test_losing_an_essential_actor_breaks_equilibrium_and_a_war_breaks_static():
    # the third state (share 0.25 >= essential_share 0.05) is eliminated at step 5
    lost = FROZEN_SHARES.copy()
    lost[5:] = [0.55, 0.45, 0.0]
    assert window(shares=lost, alive=[3] * 5 + [2] * 5) == "not_converged"
    assert window(wars=[0] * 5 + [1] + [0] * 4) == "dynamic"


def test_absorbing_a_minor_state_is_no_loss_of_an_actor():
    # the third state holds 0.03 < essential_share throughout and is absorbed at step 5: CON (given
    # flat) stays dynamic; the jump in the others' shares is a trend in shares, so not static
    minor = np.tile([0.5, 0.47, 0.03], (W, 1))
    minor[5:] = [0.5, 0.5, 0.0]
    assert window(shares=minor, alive=[3] * 5 + [2] * 5) == "dynamic"
    assert window(alive=[8] * (W - 1) + [1]) == "universal_empire"


def test_tracker_reports_the_step_the_equilibrium_was_reached():
    tracker = ConvergenceTracker(3, **THRESHOLDS)
    labels = []
    # steps 0-4 churn heavily; from step 5 on the world is frozen
    for step in range(13):
        con = 0.1 if step % 2 else 0.5
        if step >= 5:
            con = 0.3
        labels.append(tracker.update(step, con, 0.3, [0.5, 0.5], 1 if step < 5 else 0, 0, 8))
    # the window [5, 6, 7] is the first frozen one; it is confirmed by [8, 9, 10], every window
    # between them frozen too, so the label is known from step 10 and dates from step 5
    assert labels[:10] == ["not_converged"] * 10
    assert labels[10:] == ["static"] * 3
    assert tracker.reached_at == 5
