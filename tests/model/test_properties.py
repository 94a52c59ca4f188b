"""Property-based tests: any valid parameters keep the invariants; any invalid one is named."""

import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import BalanceOfPowerModel
from model.params import PARAMS, STRATEGIES, Param, ParameterError

SKIP = {"scenario", "record_states", "check_invariants", "strategy_mix", "n_states", "convergence_window"}


def value_of(spec: Param) -> st.SearchStrategy:
    """Any valid value of one parameter, across its whole range."""
    values: st.SearchStrategy[Any]
    if spec.choices is not None:
        values = st.sampled_from(list(spec.choices))
    elif spec.kind is bool:
        values = st.booleans()
    elif spec.kind is int:
        assert spec.low is not None and spec.high is not None
        values = st.integers(int(spec.low), int(spec.high))
    else:
        values = st.floats(spec.low, spec.high, allow_nan=False)
    return st.one_of(st.none(), values) if spec.optional else values


mixes = st.dictionaries(st.sampled_from(STRATEGIES), st.floats(0.01, 5), min_size=1).map(
    lambda d: ",".join(f"{k}:{v}" for k, v in d.items())
)
valid_params = st.fixed_dictionaries(
    {name: value_of(spec) for name, spec in PARAMS.items() if name not in SKIP}
    | {
        "strategy_mix": mixes,
        "n_states": st.integers(2, 60),
        "convergence_window": st.integers(3, 50),  # a slope and its error need 3 points
    }
).filter(lambda p: p["threat_exit"] <= min(p["threat_entry"], p["hedge_threshold"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=valid_params, seed=st.integers(0, 2**32 - 1))
def test_any_valid_parameters_keep_every_invariant(params, seed):
    m = BalanceOfPowerModel(rng=seed, check_invariants=True, **params)
    for _ in range(25):
        if not m.running:
            break
        m.step()  # raises InvariantError on any broken invariant
    frame = m.model_frame()
    assert len(frame) == m.steps + 1
    assert (frame["b_max"] >= frame["s_max"] - 1e-12).all()  # a bloc holds at least its largest member


def out_of_range(spec: Param) -> st.SearchStrategy:
    """Values the parameter must refuse."""
    if spec.choices is not None:
        choices = list(spec.choices)
        return st.text(min_size=1).filter(lambda t: t not in choices and t.lower() not in ("none", "null"))
    if spec.kind is bool:
        return st.sampled_from(["maybe", 2, 0.5])
    bad = [st.just(math.nan)] if spec.kind is float else [st.just(1.5)]
    if spec.low is not None:
        bad.append(st.floats(-1e12, spec.low, exclude_max=True, allow_nan=False))
    if spec.high is not None:
        bad.append(st.floats(spec.high, 1e12, exclude_min=True, allow_nan=False))
    return st.one_of(bad)


numeric = [n for n, s in PARAMS.items() if s.kind in (int, float, bool) or s.choices]


@settings(max_examples=80, deadline=None)
@given(data=st.data(), name=st.sampled_from(numeric))
def test_any_invalid_value_is_refused_naming_the_parameter(data, name):
    value = data.draw(out_of_range(PARAMS[name]))
    try:
        BalanceOfPowerModel(rng=0, **{name: value})
    except ParameterError as err:
        assert f"'{name}'" in str(err)
    else:
        raise AssertionError(f"{name}={value!r} was accepted")
