"""Check `kaplan-wagner`: how many states does a stable balance of power need? (a finding)

Kaplan (1957) held that a balance-of-power system needs at least five essential actors; Wagner (1986)
found that systems of three to five can be stable, three the most. The check runs worlds of 3, 4, 5,
7 and 10 states of equal initial power (`power_sigma = 0`), every state a balancer (a balance-of-power
system in Kaplan's sense), war on, and measures stability: every original essential actor alive and
no hegemony at the end (`stable`, `bop.analysis.outcomes`), with Wilson intervals, and the paired
difference of each size from three states (same seeds). The verdict is generated from those numbers.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from bop.analysis.outcomes import outcomes
from bop.analysis.tables import paired_table, share_table
from bop.experiments.results import load_sweep
from bop.validation.check import Check, Evaluation, Row, interval, register

SIZES = (3, 4, 5, 7, 10)
KAPLAN_MIN = 5  # Kaplan: at least five essential actors
WAGNER_BEST = 3  # Wagner: three the most stable
PARTS = ("stable", "essential_survived", "hegemony", "hegemony_single", "hegemony_coalition")


def design(quick: bool) -> dict[str, Any]:
    """Equal initial powers, all balancers, war on, 200 years, N = 3, 4, 5, 7, 10."""
    return {
        "name": "kaplan-wagner",
        "description": "validation: stability by number of states (Kaplan 1957 vs Wagner 1986)",
        "scenario": "random",
        "steps": 200,
        "replications": 20 if quick else 200,
        "seed": 1606,
        "params": {"power_sigma": 0.0, "war": True, "strategy": "balance"},
        "grid": {"n_states": list(SIZES)},
    }


def side(shares: pd.DataFrame, diffs: pd.DataFrame) -> str:
    """Which theory the numbers side with, and why, from the stability shares and the paired
    differences of each size from three states."""
    best = shares.to_dict("records")[int(np.argmax(shares["share"].to_numpy()))]
    pairs = diffs.to_dict("records")
    larger = [d for d in pairs if d["n_states"] >= KAPLAN_MIN]

    def listed(ds: list[dict[Hashable, Any]]) -> str:
        return ", ".join(f"N = {d['n_states']}: {interval(d['diff'], d['lo'], d['hi'])}" for d in ds)

    top = interval(best["share"], best["lo"], best["hi"])
    head = f"Stability is highest at N = {best['n_states']} ({top}). "
    if all(d["lo"] > 0 for d in larger):
        return head + (
            f"Every system of {KAPLAN_MIN} or more states is more stable than three, paired by seed "
            f"({listed(larger)}): that sides with Kaplan, for whom a balance needs at least {KAPLAN_MIN} "
            "essential actors."
        )
    if all(d["hi"] < 0 for d in pairs):
        return head + (
            f"Every larger system is less stable than three, paired by seed ({listed(pairs)}): that sides "
            "with Wagner, for whom three is the most stable number."
        )
    return head + (
        f"Neither theory's ordering holds throughout: the paired differences from three states are "
        f"{listed(pairs)}, so the model sides with neither Kaplan (five or more needed) nor Wagner "
        "(three the most stable)."
    )


def evaluate(folder: Path) -> Evaluation:
    runs = outcomes(load_sweep(folder))
    tables = {p: share_table(runs, "n_states", p) for p in PARTS}
    stable = tables["stable"]
    diffs = paired_table(runs, "n_states", "stable", reference=WAGNER_BEST)
    rows = [
        Row(
            f"P(stable), N = {r['n_states']}",
            "Kaplan: >= 5 stable; Wagner: 3 most",
            r["share"],
            r["lo"],
            r["hi"],
            "finding",
            "finding",
        )
        for r in stable.to_dict("records")
    ]
    text = f"{int(stable['n'].min())} seeds a size. " + side(stable, diffs)
    lost = tables["essential_survived"]
    text += (
        " What breaks stability: an essential actor lost in "
        + ", ".join(f"{1 - s:.2f}" for s in lost["share"])
        + " of runs and hegemony at the end in "
        + ", ".join(f"{s:.2f}" for s in tables["hegemony"]["share"])
        + f" (N = {', '.join(map(str, SIZES))}), one state above the line in "
        + ", ".join(f"{s:.2f}" for s in tables["hegemony_single"]["share"])
        + " and a coalition in "
        + ", ".join(f"{s:.2f}" for s in tables["hegemony_coalition"]["share"])
        + "."
    )
    return Evaluation(rows, text, plot={"tables": tables})


def draw(evaluation: Evaluation, fig: Figure) -> None:
    """Stability by number of states, with its parts: no essential actor lost, no hegemony."""
    tables = evaluation.plot["tables"]
    ax = fig.subplots(1, 1)
    styles = {
        "stable": ("stable", "k", "o-", False),
        "essential_survived": ("no essential actor lost", "tab:blue", "s--", False),
        "hegemony": ("no hegemony at the end", "tab:red", "^--", True),
    }
    for key, (label, color, style, flip) in styles.items():
        t = tables[key]
        share = 1 - t["share"] if flip else t["share"]
        lo, hi = (1 - t["hi"], 1 - t["lo"]) if flip else (t["lo"], t["hi"])
        ax.plot(t["n_states"], share, style, color=color, label=label)
        ax.fill_between(t["n_states"], lo, hi, color=color, alpha=0.15)
    ax.axvline(KAPLAN_MIN, color="grey", lw=0.6, ls=":")
    ax.set_xticks(list(SIZES))
    ax.set_xlabel("number of states (equal initial power)")
    ax.set_ylabel("share of runs")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8)


register(
    Check(
        name="kaplan-wagner",
        fact="stability by number of states: Kaplan (>= 5 needed) or Wagner (3 most stable)?",
        source=(
            "Kaplan, Morton A. (1957), System and Process in International Politics, Wiley; Wagner, R. "
            "Harrison (1986), 'The Theory of Games and the Balance of Power', World Politics 38(4): "
            "546-576."
        ),
        data="two propositions of theory; the check says which the model's figures side with.",
        world=(
            "random worlds of 3, 4, 5, 7 and 10 states, equal initial powers (power_sigma = 0), every "
            "state a balancer, war on, 200 years, the same seeds at every size."
        ),
        design=design,
        evaluate=evaluate,
        draw=draw,
    )
)
