"""Check `balancing`: worlds of balancers end in hegemony less often than worlds of bandwagoners.

Realist theory holds that balancing, not bandwagoning, keeps any state or coalition from
predominance (Waltz 1979; Walt 1987). The check runs all-balance and all-bandwagon random worlds with
the same seeds (common random numbers: the same initial world and shocks), war off and on, N = 10 and
40, and gives the paired difference of the hegemony share (a bloc above the hegemony line at the
end, `bop.analysis.outcomes`) with its Student t interval, and the split of each world's hegemonies
into one state and a coalition.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from bop.analysis.outcomes import outcomes
from bop.analysis.tables import paired_table, share_table
from bop.experiments.results import load_sweep
from bop.validation.check import Check, Evaluation, Row, interval, register

STRATEGIES = ("balance", "bandwagon")
SIZES = (10, 40)
SPLIT = ("hegemony", "hegemony_single", "hegemony_coalition")


def design(quick: bool) -> dict[str, Any]:
    """All-balance vs all-bandwagon random worlds, war off/on, N = 10, 40; 200 years."""
    return {
        "name": "balancing",
        "description": "validation: hegemony under balancing vs bandwagoning (Waltz 1979, Walt 1987)",
        "scenario": "random",
        "steps": 200,
        "replications": 12 if quick else 100,
        "seed": 1605,
        "grid": {"strategy": list(STRATEGIES), "war": [False, True], "n_states": list(SIZES)},
    }


def cell_name(war: bool, n: int) -> str:
    return f"war {'on' if war else 'off'}, N = {n}"


def evaluate(folder: Path) -> Evaluation:
    runs = outcomes(load_sweep(folder))
    diffs = paired_table(runs, "strategy", "hegemony", by=["war", "n_states"], reference="bandwagon")
    shares = {o: share_table(runs, ["war", "n_states", "strategy"], o) for o in SPLIT}
    rows, lines = [], []
    # a difference of two shares lies in [-1, 1]; the t interval of a few pairs can pass its ends
    diffs[["lo", "hi"]] = diffs[["lo", "hi"]].clip(-1.0, 1.0)
    for d in diffs.to_dict("records"):
        below = d["hi"] < 0
        cell = cell_name(d["war"], d["n_states"])
        rows.append(
            Row(
                f"P(hegemony) balance - bandwagon, {cell}",
                "< 0 (balancing prevents predominance)",
                d["diff"],
                d["lo"],
                d["hi"],
                "< 0, interval below 0",
                "pass" if below else "fail",
            )
        )
        if not below:
            lines.append(f"{cell}: {interval(d['diff'], d['lo'], d['hi'])}")
    n = int(diffs["n"].min())
    text = f"{n} seeds a cell, paired. "
    if lines:
        text += (
            "Balancing does not lower the hegemony share below bandwagoning's in: " + "; ".join(lines) + ". "
        )
    else:
        text += "In every cell balancing lowers the hegemony share below bandwagoning's. "
    single = shares["hegemony_single"]
    text += (
        f"Runs ending in single-state hegemony: {share_range(single)} across the cells; in coalition "
        f"hegemony: {share_range(shares['hegemony_coalition'])} (per cell below)."
    )
    details = split_table(shares)
    return Evaluation(rows, text, details, plot={"shares": shares})


def share_range(table: Any) -> str:
    """'from x to y' (or 'x') over the rows of a share table."""
    lo, hi = table["share"].min(), table["share"].max()
    return f"{lo:.2f}" if np.isclose(lo, hi) else f"from {lo:.2f} to {hi:.2f}"


def split_table(shares: dict[str, Any]) -> str:
    """Markdown: per cell and strategy, hegemony and its split, each with its Wilson interval."""
    lines = [
        "| world | strategy | hegemony | one state | coalition |",
        "|---|---|---|---|---|",
    ]
    base = shares["hegemony"]
    for k in range(len(base)):
        row = base.iloc[k]
        cells = [
            interval(shares[o].iloc[k]["share"], shares[o].iloc[k]["lo"], shares[o].iloc[k]["hi"])
            for o in SPLIT
        ]
        lines.append(
            f"| {cell_name(row['war'], row['n_states'])} | {row['strategy']} | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines)


def draw(evaluation: Evaluation, fig: Figure) -> None:
    """Per cell: the hegemony share of each strategy, split into one state (dark) and a coalition
    (light), with the Wilson interval of the whole."""
    shares = evaluation.plot["shares"]
    ax = fig.subplots(1, 1)
    whole, single = shares["hegemony"], shares["hegemony_single"]
    x = np.arange(len(whole))
    colors = ["tab:green" if s == "balance" else "tab:red" for s in whole["strategy"]]
    ax.bar(x, single["share"], color=colors, alpha=0.9, label="one state")
    ax.bar(
        x,
        whole["share"] - single["share"],
        bottom=single["share"],
        color=colors,
        alpha=0.35,
        label="coalition",
    )
    spread = np.clip([whole["share"] - whole["lo"], whole["hi"] - whole["share"]], 0, None)
    ax.errorbar(x, whole["share"], yerr=spread, fmt="none", color="k")
    labels = [
        f"{s}\n{cell_name(w, n)}"
        for s, w, n in zip(whole["strategy"], whole["war"], whole["n_states"], strict=True)
    ]
    ax.set_xticks(x, labels, fontsize=7)
    ax.set_ylabel("share of runs with hegemony at the end")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7)


register(
    Check(
        name="balancing",
        fact="all-balance worlds end in hegemony less often than all-bandwagon worlds",
        source=(
            "Waltz, Kenneth N. (1979), Theory of International Politics, Addison-Wesley; Walt, Stephen M. "
            "(1987), The Origins of Alliances, Cornell University Press; the hegemony line: Niou, Emerson "
            "M. S., Peter C. Ordeshook and Gregory F. Rose (1989), The Balance of Power, Cambridge "
            "University Press."
        ),
        data="a proposition of theory, not a data set: the sign of the difference is the target.",
        world=(
            "random worlds, one strategy for every state (balance, or bandwagon), war off and on, N = 10 "
            "and 40, 200 years, the same seeds in every cell. No rule caps a bloc at the hegemony line "
            "(docs/ODD.md §7.4: balancers join the smallest sufficient coalition), so the sign is the "
            "model's finding, not its input."
        ),
        design=design,
        evaluate=evaluate,
        draw=draw,
    )
)
