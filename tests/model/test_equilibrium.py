"""The convergence detector on synthetic sequences."""

import numpy as np

from model.equilibrium import ConvergenceTracker, classify

W = 10


def window(con=None, b_max=None, events=None, wars=None, alive=None, essential=None):
    return classify(
        con if con is not None else [0.3] * W,
        b_max if b_max is not None else [0.3] * W,
        events if events is not None else [0] * W,
        wars if wars is not None else [0] * W,
        alive if alive is not None else [8] * W,
        essential if essential is not None else [5] * W,
    )


def test_frozen_world_is_static():
    assert window() == "static"
    # slow drift below the tolerance is still static
    assert window(con=list(0.3 + 0.001 * np.arange(W))) == "static"


def test_one_bloc_above_half_is_hegemony_even_when_frozen():
    assert window(b_max=[0.6] * W) == "hegemony"
    # one step below the line breaks it
    assert window(b_max=[0.6] * (W - 1) + [0.45]) != "hegemony"


def test_alliance_changes_within_a_band_are_dynamic():
    events = [0, 2, 0, 1, 0, 0, 3, 0, 0, 1]
    con = [0.30, 0.31, 0.30, 0.32, 0.31, 0.30, 0.31, 0.32, 0.31, 0.30]
    assert window(con=con, events=events) == "dynamic"


def test_oscillating_world_has_not_converged():
    con = [0.1, 0.5] * (W // 2)
    assert window(con=con, events=[1] * W) == "not_converged"


def test_losing_an_actor_or_a_war_breaks_static():
    assert window(alive=[8] * 5 + [7] * 5) == "not_converged"
    assert window(wars=[0] * 5 + [1] + [0] * 4) == "dynamic"
    assert window(alive=[8] * (W - 1) + [1]) == "universal_empire"


def test_tracker_reports_the_step_the_equilibrium_was_reached():
    tracker = ConvergenceTracker(3, hegemony_share=0.5, static_tolerance=0.005, dynamic_band=0.05)
    labels = []
    # steps 0-4 churn heavily; from step 5 on the world is frozen
    for step in range(10):
        con = 0.1 if step % 2 else 0.5
        if step >= 5:
            con = 0.3
        labels.append(tracker.update(step, con, 0.3, 1 if step < 5 else 0, 0, 8, 5))
    assert labels[:7] == ["not_converged"] * 7
    assert labels[7:] == ["static"] * 3
    assert tracker.reached_at == 5  # the window [5, 6, 7] is the first frozen one


def test_gaining_an_essential_actor_does_not_break_an_equilibrium():
    # a state growing past the essential line is no loss: the frozen world stays static
    assert window(essential=[3] * 5 + [4] * 5) == "static"
    assert window(essential=[4] * 5 + [3] * 5) == "not_converged"
