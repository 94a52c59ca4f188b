"""Check `alliance-timing`: alliances form as a Poisson process (McGowan & Rood 1975).

McGowan and Rood found that the 55 alliances among the five European great powers of 1814-1914
formed at random in time: yearly counts fit a Poisson law and the intervals between alliances an
exponential one, as Kaplan's balance-of-power system predicts. The check runs 8-state worlds with
war for a century after a burn-in and, in the runs that never pass the hegemony line in that
century, takes each run's yearly counts of new alliances (the event log's `formed`, one per
alliance, not per founder): their dispersion index (variance / mean, 1 for a Poisson process) and
a KS test of the exponential law on the inter-arrival times (events placed uniformly within their
year, rate estimated; the null distribution simulated, Lilliefors).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from bop.analysis.durations import kaplan_meier_median
from bop.analysis.intervals import mean_interval, wilson
from bop.analysis.outcomes import stayed_out_of_hegemony
from bop.experiments.results import load_steps, load_sweep
from bop.validation.check import Check, Evaluation, Row, number, register
from bop.validation.stats import dispersion_index, event_times, exponential_ks

STATES = 8  # the calibration's great powers (5-state worlds almost never stay out of hegemony)
BURN_IN = 50  # years left out: every state starts unaligned, and the first alliances come in a rush
YEARS = 100  # measured years, as in 1814-1914
BAND = (0.8, 1.25)  # dispersion index of a Poisson process, allowing for sampling error
ALPHA = 0.05
HISTORICAL = 55 / (1914 - 1814 + 1)  # alliances a year among the five (McGowan & Rood 1975)


def design(quick: bool) -> dict[str, Any]:
    """8-state random worlds, war on, default strategy mix, burn-in + a century."""
    return {
        "name": "alliance-timing",
        "description": "validation: alliance formation as a Poisson process (McGowan & Rood 1975)",
        "scenario": "random",
        "steps": BURN_IN + YEARS,
        "replications": 40 if quick else 300,
        "seed": 1603,
        "params": {"n_states": STATES, "war": True},
        "record": {"model": True, "logs": ["events"]},
    }


def formation_years(events: Any, run: int) -> np.ndarray:
    """Years (steps) in the measured window in which run `run` formed each of its new alliances."""
    mine = events[(events["run"] == run) & (events["event"] == "formed")]
    mine = mine.drop_duplicates(["step", "alliance"])
    steps = mine["step"].to_numpy(int)
    return steps[(steps > BURN_IN) & (steps <= BURN_IN + YEARS)]


def run_statistics(events: pd.DataFrame, run: int) -> dict[str, Any]:
    """One run's measured century: yearly counts, dispersion index, rate, KS p-value and the
    inter-arrival times in units of the run's mean gap."""
    years = formation_years(events, run)
    yearly = np.bincount(years - BURN_IN - 1, minlength=YEARS)
    rng = np.random.default_rng(run)
    between = np.diff(event_times(years, rng))
    return {
        "counts": yearly,
        "index": dispersion_index(yearly),
        "rate": len(years) / YEARS,
        "p": exponential_ks(between, rng).pvalue,
        "gaps": between * len(years) / YEARS,
    }


def gap_shape(cv: float) -> str:
    """What a coefficient of variation of the intervals between alliances says, in words."""
    if cv > 1.2:
        return "; above it, alliances come in bursts separated by long quiet spells"
    if cv < 0.8:
        return "; below it, alliances come more evenly spaced than at random"
    return ""


def formation_rate(events: pd.DataFrame, after: int, until: int) -> float:
    """New alliances a year, summed over the runs, in years after+1..until."""
    formed = events[events["event"] == "formed"].drop_duplicates(["run", "step", "alliance"])
    return float(((formed["step"] > after) & (formed["step"] <= until)).sum() / (until - after))


def lifetime(events: pd.DataFrame, horizon: int) -> tuple[float, float, float]:
    """Kaplan-Meier median lifetime of the alliances formed in the runs (from formation to
    dissolution; alliances still in force at the horizon are censored there)."""
    formed = events[events["event"] == "formed"].groupby(["run", "alliance"])["step"].min()
    ended = events[events["event"] == "dissolved"].groupby(["run", "alliance"])["step"].min()
    end = ended.reindex(formed.index)
    observed = end.notna().to_numpy()
    return kaplan_meier_median(end.fillna(horizon).to_numpy(float) - formed.to_numpy(float), observed)


def evaluate(folder: Path) -> Evaluation:
    runs = load_sweep(folder)
    steps = load_steps(folder, "model")
    # McGowan & Rood's Europe had no predominant power; in a two-bloc world the larger bloc is above
    # half by arithmetic, so the runs kept are those in which no single state was predominant
    calm = stayed_out_of_hegemony(steps[steps["step"] > BURN_IN], runs, single=True)
    events = load_steps(folder, "events")
    every = {int(run): run_statistics(events, int(run)) for run in runs["run"]}
    kept = [every[int(r)] for r in calm.index[calm.to_numpy(bool)]]

    def defined(key: str, chosen: list[dict[str, Any]]) -> np.ndarray:
        values = np.array([r[key] for r in chosen], dtype=float)
        return values[np.isfinite(values)]

    index_a, tested = defined("index", kept), defined("p", kept)
    d_mean, d_lo, d_hi = mean_interval(index_a)
    # a century with fewer than four formations cannot be tested for its intervals, and at the
    # record's rate (55 a century) it has probability below 1e-18: it counts as not matching the record
    passed = int(np.sum(tested > ALPHA))
    k_lo, k_hi = wilson(passed, len(kept))
    rate = mean_interval(defined("rate", kept))
    d_all = mean_interval(defined("index", list(every.values())))
    rate_all = mean_interval(defined("rate", list(every.values())))
    counts = [r["counts"] for r in kept]
    gaps = [r["gaps"] for r in kept]
    rows = [
        Row(
            "dispersion index of yearly formations (mean over runs)",
            "1 (Poisson)",
            d_mean,
            d_lo,
            d_hi,
            f"{BAND[0]}-{BAND[1]}",
            "pass" if BAND[0] <= d_mean <= BAND[1] else "fail",
        ),
        Row(
            "runs whose inter-arrival times pass KS for exponential",
            f"Poisson: {1 - ALPHA:.2f} of histories",
            passed / len(kept) if kept else float("nan"),
            k_lo,
            k_hi,
            f"interval reaches {1 - ALPHA:.2f}",
            "pass" if k_hi >= 1 - ALPHA else "fail",
        ),
        Row(
            "dispersion index, every run (hegemony or not)",
            "1 (Poisson)",
            d_all[0],
            d_all[1],
            d_all[2],
            "finding",
            "finding",
        ),
        Row(
            "new alliances a year",
            f"{number(HISTORICAL)} (55 in 1814-1914)",
            rate[0],
            rate[1],
            rate[2],
            "finding",
            "finding",
        ),
    ]
    text = (
        f"{len(kept)} of {len(runs)} runs had no single state above the hegemony line in any measured "
        "year (the record's Europe had no predominant power; in a two-bloc world the larger bloc is "
        "above half by arithmetic, so bloc hegemony does not exclude a run); "
        f"{len(index_a)} of them formed alliances in years {BURN_IN + 1}-"
        f"{BURN_IN + YEARS} (the dispersion index needs one), {len(tested)} at least four (the KS "
        f"test needs three intervals; a run with fewer counts as not matching the record, whose rate "
        "makes so few formations in a century all but impossible). "
    )
    if d_mean > BAND[1]:
        text += (
            f"Formations cluster (dispersion {number(d_mean)} > 1): alliances form in bursts, several "
            "in some years and none for long spells, not one at a time at a steady rate. "
        )
    elif d_mean < BAND[0]:
        text += (
            f"Formations are more regular than chance (dispersion {number(d_mean)} < 1): the model "
            "spaces them out more evenly than a Poisson process would. "
        )
    else:
        text += f"Yearly counts are as dispersed as a Poisson process's ({number(d_mean)}). "
    share = passed / len(kept) if kept else float("nan")
    tested_gaps = [r["gaps"] for r in kept if np.isfinite(r["p"])]
    spread = (
        float(np.std(np.concatenate(tested_gaps)) / np.mean(np.concatenate(tested_gaps)))
        if tested_gaps
        else float("nan")
    )
    text += (
        f"The exponential law of inter-arrival times holds in {number(share)} of the kept runs "
        f"[{number(k_lo)}, {number(k_hi)}] (under a Poisson process, {1 - ALPHA:.2f}); the intervals' "
        f"coefficient of variation is {number(spread)} (exponential: 1{gap_shape(spread)}). "
        f"The model forms {number(rate[0])} new alliances a year among {STATES} states in these runs "
        f"({number(rate_all[0])} in every run), the record {number(HISTORICAL)} among five."
    )
    if rate[0] < HISTORICAL / 2:
        first = formation_rate(events, 0, BURN_IN) / len(runs)
        median, lo, hi = lifetime(events, int(runs["steps"].max()))
        text += (
            f" At {number(rate[0] / HISTORICAL)} of the record's rate, only {len(tested)} of {len(kept)} "
            f"centuries hold enough new alliances to test (a run forms {number(first)} a year in years "
            f"1-{BURN_IN}, {number(rate_all[0])} after; median lifetime {number(median)} [{number(lo)}, "
            f"{number(hi)}] years, Kaplan-Meier, those in force at the end censored), where the record's "
            f"five powers made one every {1 / HISTORICAL:.1f} years. What is missing is a steady stream of "
            "new alignments: a state seeks allies only while its felt threat is above threat_entry, so "
            "once threats settle, alliances are made only when they shift."
        )
    pooled = np.concatenate(counts) if counts else np.zeros(0, int)
    plot = {
        "counts": pooled,
        "index": index_a,
        "gaps": np.concatenate(gaps) if gaps else np.zeros(0),
    }
    return Evaluation(rows, text, plot=plot)


def draw(evaluation: Evaluation, fig: Figure) -> None:
    """Yearly counts against the Poisson law of the same mean; the runs' dispersion indices against
    the band; the inter-arrival times (in mean gaps) against the exponential law."""
    counts, index, gaps = (evaluation.plot[k] for k in ("counts", "index", "gaps"))
    a, b, c = fig.subplots(1, 3)
    if len(counts):
        k = np.arange(counts.max() + 1)
        a.bar(k, np.bincount(counts) / len(counts), color="tab:blue", alpha=0.6, label="model")
        a.plot(k, stats.poisson.pmf(k, counts.mean()), "ko-", ms=3, label="Poisson, same mean")
        a.legend(fontsize=7)
    a.set_xlabel("new alliances in a year")
    if len(index):
        b.hist(index, bins=20, color="tab:blue", alpha=0.6)
    b.axvspan(*BAND, color="green", alpha=0.15, label="target band")
    b.axvline(1.0, color="k", lw=0.8)
    b.set_xlabel("dispersion index of a run")
    b.legend(fontsize=7)
    if len(gaps):
        x = np.sort(gaps)
        c.plot(x, np.arange(1, len(x) + 1) / len(x), color="tab:blue", label="model")
        c.plot(x, stats.expon.cdf(x), "k--", label="exponential")
        c.legend(fontsize=7)
    c.set_xlabel("time between alliances (run's mean gaps)")
    c.set_ylabel("cumulative share")


register(
    Check(
        name="alliance-timing",
        fact="alliances form as a Poisson process: yearly counts Poisson, intervals exponential",
        source=(
            "McGowan, Patrick J. and Robert M. Rood (1975), 'Alliance Behavior in Balance of Power "
            "Systems: Applying a Poisson Model to Nineteenth-Century Europe', American Political Science "
            "Review 69(3): 859-870; Kaplan, Morton A. (1957), System and Process in International "
            "Politics, Wiley."
        ),
        data=(
            "the published result: 55 alliances among the five European great powers, 1814-1914, "
            "random in time (no data file is read)."
        ),
        world=(
            f"random worlds of {STATES} states, the calibration's great powers (the study's five would "
            "leave few runs out of hegemony: two allied states of five often hold half of all power), "
            f"war on (the century had its wars), default strategy mix, {BURN_IN} years of burn-in (all "
            f"states start unaligned and the first alliances come in a rush), then {YEARS} measured; "
            "only runs in which no single state passed the hegemony line in any measured year (a balance-"
            "of-power system without a predominant power, the study's premise; a bloc above half is kept, "
            "as in a two-bloc world the larger bloc is above half by arithmetic). Runs with fewer than four "
            "formations in the century cannot be tested for their intervals and count as not matching "
            "the record. The europe-1914 scenario was not used: its alliances and "
            "strategies are those of one year, 1914, not of the century."
        ),
        design=design,
        evaluate=evaluate,
        draw=draw,
    )
)
