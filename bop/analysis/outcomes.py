"""Every per-run outcome, defined once; the report, the notebooks and the sensitivity analysis read them here.

An outcome is computed from a run's results row (its summary fields and parameters) and is a *share*
(a yes/no per run, summarised by a proportion with a Wilson interval), a *mean* (a number per run,
Student t interval) or a *duration* (a time that unfinished runs only bound from below: the value is the
time if the event happened, else the time at which the run is censored, with `observed` saying which;
summarised by a Kaplan-Meier median and survival curve, `bop.analysis.durations`, never by a mean over
finished runs).
The focus measures (one state's fortunes, the Kazakhstan question for any state) need a run's
per-state logs: the run computes them (`focus_measures`, `focus_*` columns with `[record] focus`), and
`bop report --focus` computes them afterwards from the logs a sweep recorded (`focus_table`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from agents.alliances import UNALIGNED
from model.conflict import WAR_OUTCOMES
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


def _column(name: str) -> Column:
    """A column the runs carry as it is (the focus_* columns)."""
    return lambda runs: runs[name]


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
END_STRUCTURES = ("multipolar", "bipolar", "unipolar", "hegemonic")  # of `end_structure`


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


def end_structure(b_max: float, polarity: int, hegemony_share: float = 0.5) -> str:
    """The world's structure at the end of a run: hegemonic (a bloc above the hegemony line), else by the
    number of poles (blocs holding at least polarity_threshold of all power). An outcome, not the
    scenario parameter `structure` a world starts from (docs/scenarios.md)."""
    if b_max > hegemony_share:
        return "hegemonic"
    return {0: "unipolar", 1: "unipolar", 2: "bipolar"}.get(int(polarity), "multipolar")


def balancer_share(mix: str) -> float:
    """Share of balancers in a strategy mix ('balance:0.7,bandwagon:0.3' -> 0.7): a factor, not an outcome."""
    return parse_mix(mix).get("balance", 0.0)


def outcomes(runs: pd.DataFrame) -> pd.DataFrame:
    """The successful runs with every outcome in `OUTCOMES` as a column (a duration also gets
    `<name>_observed`), the `end_structure`, and `balancer_share` when the runs have a strategy mix."""
    ok = runs[runs["status"] == "ok"].reset_index(drop=True)
    derived = {}
    for name, outcome in OUTCOMES.items():
        derived[name] = outcome.compute(ok)
        if outcome.observed is not None:
            derived[f"{name}_observed"] = outcome.observed(ok)
    frame = pd.concat([ok.drop(columns=[c for c in derived if c in ok]), pd.DataFrame(derived)], axis=1)
    frame["end_structure"] = [
        end_structure(b, p, h)
        for b, p, h in zip(frame["b_max"], frame["polarity"], frame["hegemony_share"], strict=True)
    ]
    if "strategy_mix" in frame:
        frame["balancer_share"] = [
            1.0 if s == "balance" else 0.0 if isinstance(s, str) else balancer_share(m)
            for s, m in zip(frame["strategy"], frame["strategy_mix"], strict=True)
        ]
    return frame


# --- the focus state's fortunes (the Kazakhstan question, for any state) -------------------------
# One definition, on the per-state logs of any number of runs (column `run`): the states log
# (`states_frame()`), the ties log (`ties_frame()`) and the war log (`wars_frame()`). The run computes
# them on its own logs (`focus_measures`, the focus_* columns of `[record] focus`); `bop report
# --focus` on the logs a sweep recorded (docs/experiments.md). Over the run's years 1..T (step 0 is the
# world as built; a run of 0 steps reads step 0), for the state called `name`:
# - survived: alive at the last step;
# - security: the mean of its greatest felt threat τ (docs/ODD.md §7.2, §7.7) over the years it was
#   alive; higher means less secure;
# - outside_blocs: the share of the years it was alive in which it belonged to no alliance;
# - tie_spread: the mean over the years it was alive of 1 − Σ_k (w_k / Σ_j w_j)², the Herfindahl
#   complement of its partnership ties w_k (docs/ODD.md §7.4) to that year's poles, the other living
#   states holding at least essential_share of all power (Kaplan's essential actors): 0 in a year it
#   holds no tie to a pole (in a bloc, or a strategy without ties), 1 − 1/n for equal ties to n poles;
# - wars: the crises it fought in as attacker or defender that became wars (model.conflict.WAR_OUTCOMES);
# - share: its share of all power at the last step (0 if dead).

FOCUS_LOGS = ("states", "ties", "wars")  # the per-state logs from which any state's fortunes follow
FOCUS_OUTCOMES: dict[str, Outcome] = {
    o.name: o
    for o in [
        Outcome("focus_survived", "share", "the focus state is alive at the end", _column("focus_survived")),
        Outcome(
            "focus_security",
            "mean",
            "its greatest felt threat, mean over its years (higher: less secure)",
            _column("focus_security"),
        ),
        Outcome(
            "focus_outside_blocs",
            "mean",
            "share of its years outside alliances",
            _column("focus_outside_blocs"),
        ),
        Outcome(
            "focus_tie_spread",
            "mean",
            "spread of its ties over the poles (1 − HHI), mean over its years",
            _column("focus_tie_spread"),
        ),
        Outcome("focus_wars", "mean", "wars it fought in", _column("focus_wars")),
        Outcome("focus_share", "mean", "its share of all power at the end", _column("focus_share")),
    ]
}
ALL_OUTCOMES: dict[str, Outcome] = {**OUTCOMES, **FOCUS_OUTCOMES}  # what a table may report


def focus_table(
    states: pd.DataFrame,
    ties: pd.DataFrame,
    wars: pd.DataFrame,
    name: str,
    essential_share: float | pd.Series,
) -> pd.DataFrame:
    """The focus measures of state `name`, one row per run (indexed by `run`, columns `FOCUS_OUTCOMES`
    without the `focus_` prefix), from the runs' states, ties and war logs. `essential_share` is the
    runs' pole line: one number, or a Series by run."""
    if not (states["state"] == name).any():
        raise ValueError(f"no state called {name!r}; states: {', '.join(pd.unique(states['state']))}")
    last = states.groupby("run")["step"].max()
    first = (last > 0).astype(int)  # the run's years 1..T; step 0 alone for a run of 0 steps
    states = states[states["step"] >= states["run"].map(first)]
    own = states[states["state"] == name].set_index(["run", "step"]).sort_index()
    alive = own["alive"].astype(bool)
    years = alive.groupby(level="run").sum().astype(float)
    end = own.groupby(level="run").tail(1).reset_index(level="step", drop=True)
    lived = own[alive]
    line = essential_share if np.isscalar(essential_share) else states["run"].map(essential_share)
    poles = states[(states["state"] != name) & states["alive"].astype(bool) & (states["share"] >= line)]
    held = ties[ties["state"] == name].merge(
        poles[["run", "step", "state"]].rename(columns={"state": "partner"}), on=["run", "step", "partner"]
    )
    spread = pd.Series(0.0, index=last.index)
    if len(held):
        total = held.groupby(["run", "step"])["tie"].transform("sum")
        hhi = ((held["tie"] / total) ** 2).groupby([held["run"], held["step"]]).sum()
        spread = (1.0 - hhi).groupby(level="run").sum().reindex(last.index, fill_value=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        frame = pd.DataFrame(
            {
                "survived": end["alive"].astype(bool),
                "security": lived["felt_threat"].groupby(level="run").mean().reindex(last.index),
                "outside_blocs": (lived["alliance"] == UNALIGNED).groupby(level="run").sum() / years,
                "tie_spread": spread / years,
                "wars": wars_by_run(wars, name).reindex(last.index, fill_value=0),
                "share": end["share"].astype(float),
            }
        )
    return frame.rename_axis("run")


def wars_by_run(wars: pd.DataFrame, name: str) -> pd.Series:
    """Per run, the wars `name` fought in: war-log rows that became wars (WAR_OUTCOMES) with it among
    the attackers or defenders."""
    if wars.empty:
        return pd.Series(dtype="int64")
    party = np.array(
        [
            name in list(a) or name in list(d)
            for a, d in zip(wars["attackers"], wars["defenders"], strict=True)
        ]
    )
    fought = wars["outcome"].isin(WAR_OUTCOMES) & party
    return fought.groupby(wars["run"]).sum().astype("int64")


def model_logs(model: Any) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A model's states, ties and war logs as one run (run 0) of `focus_table`."""
    if not model.state_history:
        raise ValueError("states were not recorded: run with record_states=true")
    states, ties, wars = model.states_frame(), model.ties_frame(), model.wars_frame()
    return states.assign(run=0), ties.assign(run=0), wars.assign(run=0)


def focus_measures(model: Any, name: str = "Kazakhstan") -> dict[str, Any]:
    """The focus measures of the state called `name` over the run so far (see above)."""
    if name not in model.names:
        raise ValueError(f"no state called {name!r}; states: {', '.join(model.names)}")
    row = focus_table(*model_logs(model), name, model.params["essential_share"]).iloc[0]
    return {
        "state": name,
        "survived": bool(row["survived"]),
        "security": float(row["security"]),
        "outside_blocs": float(row["outside_blocs"]),
        "tie_spread": float(row["tie_spread"]),
        "wars": int(row["wars"]),
        "share": float(row["share"]),
    }


def wars_fought(model: Any, name: str) -> int:
    """Wars `name` fought in according to the model's war log (0 with war off: the log is empty)."""
    return int(wars_by_run(model.wars_frame().assign(run=0), name).sum())
