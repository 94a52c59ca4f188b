"""The lean step (cached blocs, lean kernels; issue 19) gives bit-identical results to the reference
build kept in tests/reference: same seeds, every per-step measure, every event, the final state."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from agents.strategy import defender_names
from model import BalanceOfPowerModel
from tests.reference import kernels
from tests.reference import situation as reference

CONFIGS: list[dict[str, Any]] = [
    {"n_states": 20},
    {"n_states": 60, "perception_noise": 0.3},
    {"n_states": 30, "war": True},
    {"n_states": 25, "power_exponent": 2.0, "defection_rate": 0.05},
    {"n_states": 30, "strategy_mix": "balance:0.4,collective:0.2,hedge:0.2,landscape:0.2", "war": True},
    {"n_states": 24, "strategy_mix": "bandwagon:0.5,buckpass:0.3,hedge:0.2", "tie_budget": 1.5},
]


def reference_perceive(self: BalanceOfPowerModel, rows: np.ndarray, untrusted: bool = False) -> Any:
    """The model's perceive as it was before issue 19: one full build from the arrays per call."""
    return reference.perceive(
        rows,
        power=self.power,
        alive=self.alive,
        membership=self.alignments.membership,
        reach=self.reach_untrusted if untrusted else self.reach,
        revisionism=self.revisionism,
        strategy=self.strategy,
        distance=self.distance,
        params=self.params,
        pact=np.isin(self.strategy, defender_names()),
        ties=None if untrusted or not self.ties.any() else self.ties,
    )


def run(seed: int, steps: int, params: dict[str, Any]) -> BalanceOfPowerModel:
    model = BalanceOfPowerModel(rng=seed, record_states=True, check_invariants=True, **params)
    for _ in range(steps):
        if not model.running:
            break
        model.step()
    return model


def use_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    """Swap every optimised kernel for its reference."""
    import agents.alliances
    import agents.rules.buckpass
    import agents.rules.hedge
    import agents.sides
    import model.conflict
    import model.metrics

    monkeypatch.setattr(BalanceOfPowerModel, "perceive", reference_perceive)
    for module in (agents.alliances, agents.sides, model.conflict, model.metrics):
        monkeypatch.setattr(module, "bloc_labels", kernels.bloc_labels)
    monkeypatch.setattr(model.metrics, "churn", kernels.churn)
    monkeypatch.setattr(agents.rules.hedge, "fill", kernels.fill)
    monkeypatch.setattr(agents.rules.buckpass, "buck_catcher", kernels.buck_catcher)


def assert_same_run(lean: BalanceOfPowerModel, ref: BalanceOfPowerModel) -> None:
    pd.testing.assert_frame_equal(lean.model_frame(), ref.model_frame(), check_exact=True)
    pd.testing.assert_frame_equal(lean.states_frame(), ref.states_frame(), check_exact=True)
    pd.testing.assert_frame_equal(lean.events_frame(), ref.events_frame(), check_exact=True)
    pd.testing.assert_frame_equal(lean.wars_frame(), ref.wars_frame(), check_exact=True)
    pd.testing.assert_frame_equal(lean.ties_frame(), ref.ties_frame(), check_exact=True)
    assert lean.summary() == ref.summary()
    for name in ("power", "economy", "arming", "alive", "ties", "reach"):
        np.testing.assert_array_equal(getattr(lean, name), getattr(ref, name), err_msg=name)
    np.testing.assert_array_equal(lean.alignments.membership, ref.alignments.membership)


@pytest.mark.parametrize("params", CONFIGS, ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()))
@pytest.mark.parametrize("seed", [1, 7])
def test_the_lean_step_gives_the_reference_results_bit_for_bit(
    params: dict[str, Any], seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    lean = run(seed, 40, params)
    with monkeypatch.context() as patch:
        use_reference(patch)
        ref = run(seed, 40, params)
    assert len(ref.alignments.events) > 0  # the comparison covers realignment, not a frozen world
    assert_same_run(lean, ref)


def test_the_reference_switch_reaches_every_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    """The swap really routes the model through the reference (else a run is compared with itself)."""
    calls = []
    original = reference.perceive

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(reference, "perceive", counted)
    use_reference(monkeypatch)
    run(1, 2, {"n_states": 10})
    assert len(calls) > 3


@pytest.mark.parametrize("seed", range(20))
def test_bloc_labels_and_churn_match_the_reference(seed: int) -> None:
    from agents.alliances import bloc_labels
    from model.metrics import churn

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    before = np.where(rng.random(n) < 0.4, -1, rng.integers(1, 12, n))
    after = np.where(rng.random(n) < 0.4, -1, rng.integers(1, 12, n))
    for membership in (before, after, np.full(n, -1)):
        for lean, ref in zip(bloc_labels(membership), kernels.bloc_labels(membership), strict=True):
            np.testing.assert_array_equal(lean, ref)
    assert churn(before, after) == kernels.churn(before, after)


@pytest.mark.parametrize("seed", range(10))
def test_hedging_water_filling_matches_the_reference(seed: int) -> None:
    from agents.rules.hedge import fill

    rng = np.random.default_rng(seed)
    benefit = np.maximum(rng.normal(0.1, 0.2, (int(rng.integers(1, 30)), 40)), 0.0)
    for cost, budget in ((0.05, 1.0), (0.5, 0.3), (0.01, 3.0), (1.0, 100.0)):
        np.testing.assert_array_equal(fill(benefit, cost, budget), kernels.fill(benefit, cost, budget))


def test_a_view_is_rebuilt_when_power_membership_or_ties_change_in_place() -> None:
    """The cached bloc structure and the kept view of all states never outlive what they read."""
    model = BalanceOfPowerModel(rng=3, n_states=12)
    model.step()
    rows = np.flatnonzero(model.alive)
    before = model.perceive(rows[:1]).tau[0]
    assert model.perceive(rows).tau[0] == before  # the kept view and a fresh row agree

    model.power[rows[1]] *= 3.0  # in place, as war and tests do
    fresh = reference_perceive(model, rows[:1]).tau[0]
    assert model.perceive(rows[:1]).tau[0] == fresh != before

    model.alignments.form([int(rows[0]), int(rows[2])], model.steps, "test")
    np.testing.assert_array_equal(model.perceive(rows).tau, reference_perceive(model, rows).tau)

    model.ties[rows[3], rows[4]] = 0.8  # a tie set by hand changes that row's view
    np.testing.assert_array_equal(model.perceive(rows[3:4]).side, reference_perceive(model, rows[3:4]).side)
    np.testing.assert_array_equal(model.perceive(rows).tau, reference_perceive(model, rows).tau)


def test_the_buck_catcher_search_matches_the_reference_on_every_view_of_a_run() -> None:
    from agents.rules.common import buck_catcher

    caught = 0
    for seed in (1, 2, 3):
        model = BalanceOfPowerModel(rng=seed, n_states=60, strategy_mix="balance:0.5,buckpass:0.5")
        for _ in range(15):
            model.step()
            view = model.perceive(np.flatnonzero(model.alive))
            lean = buck_catcher(view)
            np.testing.assert_array_equal(lean, kernels.buck_catcher(view))
            caught += int(lean.sum())
    assert caught > 0  # some states did pass the buck: the comparison is not between two all-False arrays
