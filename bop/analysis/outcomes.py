"""Every per-run outcome, defined once; the report, the notebooks and the sensitivity analysis read them here.

An outcome is computed from a run's results row (its summary fields and parameters) and is a *share*
(a yes/no per run, summarised by a proportion with a Wilson interval), a *mean* (a number per run,
Student t interval) or a *duration* (a time that unfinished runs only bound from below: the value is the
time if the event happened, else the time at which the run is censored, with `observed` saying which;
summarised by a Kaplan-Meier median and survival curve, `bop.analysis.durations`, never by a mean over
finished runs).
The focus measures (one state's fortunes, the Kazakhstan question for any state) need the model itself
and are computed in the run (`focus_measures`); they arrive as `focus_*` columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from agents.alliances import UNALIGNED
from model.equilibrium import TYPES
from model.params import parse_mix

Column = Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class Outcome:
    """One per-run outcome: its kind (share, mean or duration), a label, and how to compute it.

    For a duration, `compute` gives the time, or the horizon when the event did not happen, and
    `observed` whether it happened (the rest are right-censored at their horizon).
    """

    name: str
    kind: str  # "share", "mean" or "duration"
    label: str
    compute: Column
    observed: Column | None = None


def _is(label: str) -> Column:
    """The indicator of runs that ended in equilibrium `label`."""
    return lambda runs: runs["equilibrium"] == label


def _converged(runs: pd.DataFrame) -> pd.Series:
    return runs["equilibrium"] != "not_converged"


def _censored_at(runs: pd.DataFrame) -> pd.Series:
    """When an unconverged run is censored: a label is confirmed only after two windows, so a run
    without one at step T can still have settled from T − 2W + 1 on (docs/ODD.md §7.8)."""
    return (runs["steps"] - 2 * runs["convergence_window"] + 1).clip(lower=0)


def _hegemony(runs: pd.DataFrame) -> pd.Series:
    return runs["b_max"] > runs["hegemony_share"]


def _single(runs: pd.DataFrame) -> pd.Series:
    return runs["s_max"] > runs["hegemony_share"]


def _essential_survived(runs: pd.DataFrame) -> pd.Series:
    return runs["essential_survivors"] >= runs["essential_initial"]


OUTCOMES: dict[str, Outcome] = {
    o.name: o
    for o in [
        *(Outcome(f"share_{t}", "share", t.replace("_", " "), _is(t)) for t in TYPES),
        Outcome("converged", "share", "an equilibrium was reached", _converged),
        Outcome(
            "time_to_equilibrium",
            "duration",
            "years to the final equilibrium (unconverged runs censored)",
            lambda r: r["converged_at"].where(_converged(r), _censored_at(r)).astype(float),
            _converged,
        ),
        Outcome("hegemony", "share", "hegemony at the end (a bloc above hegemony_share)", _hegemony),
        Outcome("hegemony_single", "share", "one state above hegemony_share at the end", _single),
        Outcome(
            "hegemony_coalition",
            "share",
            "a coalition above hegemony_share at the end, no single state above it",
            lambda r: _hegemony(r) & ~_single(r),
        ),
        Outcome(
            "essential_survivors",
            "mean",
            "original essential actors alive at the end (Kaplan's quantity)",
            lambda r: r["essential_survivors"].astype(float),
        ),
        Outcome(
            "essential_survived",
            "share",
            "every original essential actor alive at the end",
            _essential_survived,
        ),
        Outcome(
            "essential_preserved",
            "share",
            "as many essential actors at the end as at the start (a riser can mask a loss)",
            lambda r: r["essential_alive"] >= r["essential_initial"],
        ),
        Outcome(
            "survival",
            "share",
            "the system survives (no universal empire, every original essential actor alive)",
            lambda r: (r["equilibrium"] != "universal_empire") & _essential_survived(r),
        ),
        Outcome(
            "stable",
            "share",
            "stability (Kaplan, Wagner): every original essential actor alive and no hegemony at the end",
            lambda r: _essential_survived(r) & ~_hegemony(r),
        ),
        Outcome("wars", "mean", "wars per run", lambda r: r["wars"].astype(float)),
    ]
}
STRUCTURES = ("multipolar", "bipolar", "unipolar", "hegemonic")


def values(runs: pd.DataFrame, name: str) -> pd.Series:
    """One outcome per run (the runs should be successful ones): bools for shares, floats otherwise
    (for a duration, the time or the horizon)."""
    return OUTCOMES[name].compute(runs)


def numeric(runs: pd.DataFrame, name: str) -> pd.Series:
    """An outcome as one number per run, for paired differences and sensitivity indices: a share as
    0/1, a mean as it is, a duration as its value censored at the horizon (its mean is the restricted
    mean time, a standard summary of censored durations); any other name is a numeric summary column."""
    if name in OUTCOMES:
        return OUTCOMES[name].compute(runs).astype(float)
    return runs[name].astype(float)


def stayed_out_of_hegemony(steps: pd.DataFrame, runs: pd.DataFrame, single: bool = False) -> pd.Series:
    """Per run (indexed by run id): no recorded step with a bloc (with `single`, a state) above the
    run's hegemony_share.

    Reads the per-step `model` frame (record model = true; thinned frames see only their steps), so it
    is not among the summary-row OUTCOMES; `runs` gives each run's hegemony_share."""
    line = runs.set_index("run")["hegemony_share"]
    highest = steps.groupby("run")["s_max" if single else "b_max"].max()
    return (highest <= line.reindex(highest.index)).rename("stayed_out_of_hegemony")


def structure(b_max: float, polarity: int, hegemony_share: float = 0.5) -> str:
    """The world's structure at the end of a run: hegemonic (a bloc above the hegemony line), else by the
    number of poles (blocs holding at least polarity_threshold of all power)."""
    if b_max > hegemony_share:
        return "hegemonic"
    return {0: "unipolar", 1: "unipolar", 2: "bipolar"}.get(int(polarity), "multipolar")


def balancer_share(mix: str) -> float:
    """Share of balancers in a strategy mix ('balance:0.7,bandwagon:0.3' -> 0.7): a factor, not an outcome."""
    return parse_mix(mix).get("balance", 0.0)


def outcomes(runs: pd.DataFrame) -> pd.DataFrame:
    """The successful runs with every outcome in `OUTCOMES` as a column (a duration also gets
    `<name>_observed`), the end `structure`, and `balancer_share` when the runs have a strategy mix."""
    ok = runs[runs["status"] == "ok"].reset_index(drop=True)
    derived = {}
    for name, outcome in OUTCOMES.items():
        derived[name] = outcome.compute(ok)
        if outcome.observed is not None:
            derived[f"{name}_observed"] = outcome.observed(ok)
    frame = pd.concat([ok.drop(columns=[c for c in derived if c in ok]), pd.DataFrame(derived)], axis=1)
    frame["structure"] = [
        structure(b, p, h)
        for b, p, h in zip(frame["b_max"], frame["polarity"], frame["hegemony_share"], strict=True)
    ]
    if "strategy_mix" in frame:
        frame["balancer_share"] = [
            1.0 if s == "balance" else 0.0 if isinstance(s, str) else balancer_share(m)
            for s, m in zip(frame["strategy"], frame["strategy_mix"], strict=True)
        ]
    return frame


# --- the focus state's fortunes (computed in the run, from the model) -----------------------------
# - survived: alive at the end of the run;
# - autonomy: share of the run's steps (1..T) in which the state was alive and either unaligned, the
#   strongest member of its bloc, or in a bloc whose strongest member holds under half the bloc's power;
# - wars: wars the state fought in, from the model's war log (rows whose attackers or defenders include
#   it, outcomes other than a concession or a backing down); 0 when the model has no war log.

NOT_FOUGHT = ("conceded", "backed_down")  # crisis outcomes of the war log that are not wars


def autonomous(power: np.ndarray, membership: np.ndarray, alive: np.ndarray, i: int) -> bool:
    """Whether state i is autonomous in one recorded step (see the list above)."""
    if not alive[i]:
        return False
    if membership[i] == UNALIGNED:
        return True
    bloc = np.flatnonzero((membership == membership[i]) & alive)
    leader_power = power[bloc].max()
    return bool(power[i] >= leader_power or leader_power < 0.5 * power[bloc].sum())


def wars_fought(model: Any, name: str) -> int:
    """Wars `name` fought in according to the model's war log; 0 if the model keeps none."""
    if not hasattr(model, "wars_frame"):
        return 0
    wars = model.wars_frame()
    if wars.empty:
        return 0
    sides = wars["attackers"].map(list) + wars["defenders"].map(list)
    fought = sides.map(lambda names: name in names)
    if "outcome" in wars:
        fought &= ~wars["outcome"].isin(NOT_FOUGHT)
    return int(fought.sum())


def focus_measures(model: Any, name: str = "Kazakhstan") -> dict[str, Any]:
    """Survival, autonomy and wars of the state called `name` over the run so far."""
    if name not in model.names:
        raise ValueError(f"no state called {name!r}; states: {', '.join(model.names)}")
    if not model.state_history:
        raise ValueError("states were not recorded: run with record_states=true")
    i = model.names.index(name)
    history = model.state_history[1:] or model.state_history  # the run's steps, or the start if none
    autonomy = np.mean([autonomous(p, m, a, i) for p, m, a in history])
    return {
        "state": name,
        "survived": bool(model.alive[i]),
        "autonomy": float(autonomy),
        "wars": wars_fought(model, name),
    }
