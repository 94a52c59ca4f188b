"""Degenerate worlds run cleanly and give the answers they must."""

import numpy as np
import pytest

from model import BalanceOfPowerModel
from tests.worlds import model, world


def run(m, steps=60):
    for _ in range(steps):
        m.step()
    return m


def test_two_states():
    # A (power 3) and B (power 1) half a unit apart: T_BA = 3/4 · e^-0.5 = 0.455, above entry 0.3.
    # A balancer B has no counterweight (the only other bloc is the threat itself) and stays alone;
    # a bandwagoner B offers itself to A. A balancer A, unthreatened (T_AB = 1/4 · e^-0.5 = 0.152 <
    # 0.3), refuses it; a bandwagoner A welcomes the weaker follower (its felt threat stays 0.152), and
    # the one bloc holds all the power: hegemony.
    pos = [(0.0, 0.0), (0.5, 0.0)]
    alone = run(model(world([3, 1], pos, ["balance", "balance"]), check_invariants=True), 30)
    assert alone.alignments.alliances == {} and alone.metrics["b_max"] == pytest.approx(0.75)
    refused = run(model(world([3, 1], pos, ["balance", "bandwagon"]), check_invariants=True), 3)
    assert refused.alignments.alliances == {}
    assert set(refused.events_frame()["event"]) == {"refused"}
    joined = run(
        model(world([3, 1], pos, ["bandwagon", "bandwagon"]), check_invariants=True, convergence_window=5), 30
    )
    assert len(joined.alignments.alliances) == 1 and joined.metrics["b_max"] == pytest.approx(1.0)
    assert joined.summary()["equilibrium"] == "hegemony"
    random_pair = run(BalanceOfPowerModel(rng=1, n_states=2, check_invariants=True))
    assert random_pair.summary()["states_alive"] == 2


def test_identical_states_have_zero_concentration():
    n = 6
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    ring = [(np.cos(a), np.sin(a)) for a in angles]
    m = run(model(world([1.0] * n, ring, ["balance"] * n), check_invariants=True), 30)
    assert m.metrics["con"] == pytest.approx(0.0, abs=1e-6)
    assert m.metrics["n_eff"] == pytest.approx(n)
    assert m.metrics["s_max"] == pytest.approx(1 / n)


def test_one_state_with_99_percent_is_hegemony():
    power = [99.0, 0.25, 0.25, 0.25, 0.25]
    pos = [(0, 0), (5, 0), (0, 5), (-5, 0), (0, -5)]
    m = run(model(world(power, pos, ["balance"] * 5), check_invariants=True, convergence_window=10), 30)
    assert m.metrics["s_max"] == pytest.approx(0.99)
    assert m.summary()["equilibrium"] == "hegemony"
    assert m.summary()["converged_at"] == 0


@pytest.mark.parametrize("rule", ["balance", "bandwagon", "buckpass", "hedge", "collective"])
def test_every_state_the_same_strategy(rule):
    m = run(BalanceOfPowerModel(rng=3, n_states=15, strategy=rule, check_invariants=True))
    assert set(m.strategy) == {rule}
    assert m.summary()["states_alive"] == 15


def test_zero_growth_keeps_powers_fixed():
    m = BalanceOfPowerModel(
        rng=4,
        n_states=10,
        growth_process="fixed",
        arming=False,
        growth_mean=0.0,
        growth_sd=0.0,
        check_invariants=True,
    )
    p0 = m.power.copy()
    run(m, 40)
    assert np.array_equal(m.power, p0)


def test_long_strong_growth_never_overflows():
    # growth up to 0.2 + 3·0.2 a year would pass 1e308 within ~900 years without rescaling
    m = BalanceOfPowerModel(
        rng=6, n_states=5, growth_process="fixed", growth_mean=0.2, growth_sd=0.2, check_invariants=True
    )
    run(m, 1500)
    assert np.isfinite(m.power).all() and m.power.sum() < 1e100
    assert np.isfinite(m.model_frame()[["s_max", "b_max", "con", "hhi"]].to_numpy()).all()
