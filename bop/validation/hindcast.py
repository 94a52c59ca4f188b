"""Check `hindcast`: from the great powers of 1871, does the model's spread of 1913 include the record?

The `nmc` scenario started in 1871 with the 8 states of highest CINC fits its growth process on
1816-1870 only (`model.scenarios.calibration.hindcast`: κ, σ and each state's drift, its last 20-year
trend shrunk toward the group mean), so nothing after 1870 enters the forecast. Over seeded runs
the model gives a predictive distribution of each state's 1913 share of the eight; the check counts
the states whose NMC 1913 share falls inside its central 90 % interval, and gives the Spearman rank
correlation of the simulated 1913 order with the record's. A second, shorter hindcast (1841 → 1870,
fitted on 1816-1840) is reported beside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from bop.analysis.intervals import mean_interval
from bop.experiments.results import load_steps, load_sweep
from bop.validation.check import Check, Evaluation, Row, number, register, state_arrays
from bop.validation.stats import inside_interval, rank_correlation
from model.scenarios import nmc

STATES = 8
LEVEL = 0.9  # the predictive interval
NEEDED = 6  # of 8 inside it
HINDCASTS = ((1871, 1913), (1841, 1870))  # (start, end); the first is the check's target
BOOTSTRAP = 1000  # resamples of runs for the count's interval
CINC = nmc.index_weights("cinc")


def design(quick: bool) -> dict[str, Any]:
    """The nmc scenario's top 8 at each start year, defaults otherwise (war off), to the longest end."""
    return {
        "name": "hindcast",
        "description": "validation: hindcast of great-power shares from 1871 (and 1841)",
        "scenario": "nmc",
        "steps": max(end - start for start, end in HINDCASTS),
        "replications": 60 if quick else 500,
        "seed": 1602,
        "params": {"nmc_top_k": STATES},
        "grid": {"nmc_year": [start for start, _ in HINDCASTS]},
        "record": {"logs": ["states"]},
    }


def forecast(
    start: int, end: int, runs: pd.DataFrame, arrays: dict[int, tuple[list[str], np.ndarray]]
) -> dict[str, Any]:
    """One hindcast: the states, their NMC shares (of the eight) at start and end, the simulated end
    shares (runs × states), which fall inside the interval, and the rank correlations."""
    codes = nmc.top_k(start, STATES, CINC)
    names = [nmc.state_names()[c] for c in codes]
    chosen = runs.loc[runs["nmc_year"] == start, "run"]
    draws = []
    for run in chosen:
        run_names, share = arrays[int(run)]
        if run_names != names:
            raise ValueError(f"run {run} holds {run_names}, not the top {STATES} of {start}: {names}")
        draws.append(share[end - start])
    simulated = np.array(draws)
    observed = nmc.powers(end, codes, CINC)
    inside = inside_interval(simulated, observed, LEVEL)
    rng = np.random.default_rng(start)
    counts = [
        inside_interval(simulated[rng.integers(0, len(simulated), len(simulated))], observed, LEVEL).sum()
        for _ in range(BOOTSTRAP)
    ]
    rho = np.array([rank_correlation(s, observed) for s in simulated])
    lo, hi = np.quantile(simulated, [(1 - LEVEL) / 2, (1 + LEVEL) / 2], axis=0)
    return {
        "start": start,
        "end": end,
        "names": names,
        "first": nmc.powers(start, codes, CINC),
        "observed": observed,
        "median": np.median(simulated, axis=0),
        "lo": lo,
        "hi": hi,
        "inside": inside,
        "count": int(inside.sum()),
        "count_ci": tuple(float(v) for v in np.percentile(counts, [2.5, 97.5])),
        "rho": mean_interval(rho),
        "rho_median": rank_correlation(np.median(simulated, axis=0), observed),
        "rho_persistence": rank_correlation(nmc.powers(start, codes, CINC), observed),
        "runs": len(simulated),
    }


def coverage_row(c: dict[str, Any], target: str, verdict: str) -> Row:
    """The row of one hindcast's count of states inside the interval (bootstrap interval over runs)."""
    return Row(
        f"{c['start']} -> {c['end']}: shares inside the model's 90% interval (of {STATES})",
        f"the {STATES} strongest states of {c['start']}",
        c["count"],
        c["count_ci"][0],
        c["count_ci"][1],
        target,
        verdict,
    )


def evaluate(folder: Path) -> Evaluation:
    runs = load_sweep(folder)
    arrays = state_arrays(load_steps(folder, "states"), "share")
    casts = [forecast(start, end, runs, arrays) for start, end in HINDCASTS]
    main, extra = casts
    rows = [
        coverage_row(main, f">= {NEEDED} of {STATES}", "pass" if main["count"] >= NEEDED else "fail"),
        Row(
            f"Spearman rho of the {main['end']} order (mean over runs)",
            f"no-change forecast {number(main['rho_persistence'])}",
            main["rho"][0],
            main["rho"][1],
            main["rho"][2],
            "finding",
            "finding",
        ),
        coverage_row(extra, f"finding (same bar: >= {NEEDED})", "finding"),
    ]
    text = " ".join(describe(c) for c in casts)
    details = "\n\n".join(detail_table(c) for c in casts)
    return Evaluation(rows, text, details, plot={"casts": casts})


def describe(c: dict[str, Any]) -> str:
    """What one hindcast found, in words generated from its numbers."""
    outside: list[str] = []
    reversed_: list[str] = []
    further: list[str] = []
    for k, name in enumerate(c["names"]):
        if c["inside"][k]:
            continue
        obs, first, median = c["observed"][k], c["first"][k], c["median"][k]
        outside.append(
            f"{name} ({'above' if obs > c['hi'][k] else 'below'}: {number(obs)} against "
            f"[{number(c['lo'][k])}, {number(c['hi'][k])}], from {number(first)} in {c['start']})"
        )
        (reversed_ if (median - first) * (obs - first) < 0 else further).append(name)
    text = (
        f"**{c['start']} -> {c['end']}** (process fitted on 1816-{c['start'] - 1}, {c['runs']} runs): "
        f"{c['count']} of {STATES} shares inside the model's 90% interval"
        f"{' (bar met)' if c['count'] >= NEEDED else ' (bar not met)'}"
    )
    text += "; outside: " + "; ".join(outside) + "." if outside else "."
    rho, lo, hi = c["rho"]
    text += (
        f" The simulated {c['end']} order correlates with the record's by rho = {number(rho)} "
        f"[{number(lo)}, {number(hi)}] on average over runs ({number(c['rho_median'])} for the median "
        f"forecast), against {number(c['rho_persistence'])} for the forecast that nothing changes."
    )
    if reversed_:
        text += (
            f" {' and '.join(reversed_)}: the model carried the trend of the 20 years before "
            f"{c['start']} forward (its drift, shrunk toward the group's mean, docs/calibration.md) and "
            "the record turned the other way."
        )
    if further:
        text += (
            f" {' and '.join(further)}: the record moved the same way as the model's median, but further "
            "than the process's spread allows."
        )
    if outside:
        text += " A drift fixed at the start is what fails here: the process has no turns of fortune."
    return text


def detail_table(c: dict[str, Any]) -> str:
    """Markdown table: per state, its share at the start and the end, the model's median and interval."""
    lines = [
        f"| state | NMC {c['start']} | NMC {c['end']} | model median | model 90% | inside |",
        "|---|---|---|---|---|---|",
    ]
    for k, name in enumerate(c["names"]):
        lines.append(
            f"| {name} | {number(c['first'][k])} | {number(c['observed'][k])} | {number(c['median'][k])} "
            f"| [{number(c['lo'][k])}, {number(c['hi'][k])}] | {'yes' if c['inside'][k] else 'no'} |"
        )
    return "\n".join(lines)


def draw(evaluation: Evaluation, fig: Figure) -> None:
    """Per state: the model's 90 % interval (bar) and median (blue), the record at the start (grey)
    and at the end (black)."""
    casts = evaluation.plot["casts"]
    axes = fig.subplots(1, len(casts))
    for ax, c in zip(axes, casts, strict=True):
        x = np.arange(STATES)
        ax.bar(x, c["hi"] - c["lo"], bottom=c["lo"], color="tab:blue", alpha=0.25, label="model 90%")
        ax.plot(x, c["median"], "o", color="tab:blue", label="model median")
        ax.plot(x, c["first"], "o", mfc="none", color="grey", label=f"NMC {c['start']}")
        ax.plot(x, c["observed"], "ks", label=f"NMC {c['end']}")
        ax.set_xticks(x, [n[:10] for n in c["names"]], rotation=45, ha="right", fontsize=7)
        ax.set_ylabel("share of the eight")
        ax.set_title(f"{c['start']} -> {c['end']}: {c['count']} of {STATES} inside", fontsize=9)
    axes[0].legend(fontsize=7)


register(
    Check(
        name="hindcast",
        fact="the 1913 shares of the 1871 great powers fall inside the model's 90% interval (>= 6 of 8)",
        source=(
            "National Material Capabilities v6.0 (Correlates of War Project, 2021; Singer, Bremer & "
            "Stuckey 1972); the hindcast design of docs/calibration.md (process fitted only on the years "
            "before the start)."
        ),
        data=(
            "model/scenarios/data/NMC-60-abridged.csv: CINC of 1816-1913, renormalised over the eight "
            "states; the states are the 8 of highest CINC in 1871 (the six COW major powers of 1871, "
            "UK, France, Germany, Austria-Hungary, Russia, Italy, and the USA and China), and in 1841."
        ),
        world=(
            "the nmc scenario (nmc_year 1871, nmc_top_k 8; and 1841), defaults otherwise: war off, so "
            "the forecast is the growth process with arming and alliances, not the wars of 1871-1913."
        ),
        design=design,
        evaluate=evaluate,
        draw=draw,
    )
)
