"""`bop report`: the main outcomes of a sweep per design point, with 95% intervals, and a figure.

Shares of runs (equilibrium types, hegemony, essential actors preserved) get Wilson score intervals;
means (time to equilibrium, wars) get mean ± 1.96 standard errors. Failed runs are counted, not used.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from bop.analysis.intervals import mean_interval, wilson
from bop.analysis.outcomes import OUTCOMES
from bop.experiments.results import load_manifest, load_sweep
from bop.experiments.store import check_writable
from model.equilibrium import TYPES
from model.params import parse_mix

# The outcomes the report shows, from `bop.analysis.outcomes` (where each is defined).
REPORTED = (
    *(f"share_{t}" for t in TYPES),
    "time_to_equilibrium_converged",
    "hegemony",
    "essential_preserved",
    "wars",
)


def outcome_table(runs: pd.DataFrame, varied: list[str]) -> pd.DataFrame:
    """One row per design point: its varied parameters, run counts, and each outcome with lo/hi."""
    rows = []
    for point, group in runs.groupby("point", sort=True):
        row = {"point": point, **{k: group[k].iloc[0] for k in varied}}
        ok = group[group["status"] == "ok"]
        row["runs"], row["failed"] = len(group), len(group) - len(ok)
        for name in REPORTED:
            outcome = OUTCOMES[name]
            column = outcome.compute(ok) if len(ok) else pd.Series(dtype=float)
            if outcome.kind == "share":
                k, n = int(column.sum()), len(column)
                row[name] = k / n if n else math.nan
                row[f"{name}_lo"], row[f"{name}_hi"] = wilson(k, n)
            else:
                interval = mean_interval(column.dropna().to_numpy(float))
                row[name], row[f"{name}_lo"], row[f"{name}_hi"] = interval
        rows.append(row)
    return pd.DataFrame(rows)


def markdown(table: pd.DataFrame, varied: list[str]) -> str:
    """The table as Markdown, each outcome as `mean [lo, hi]`."""
    header = ["point", *varied, "runs", "failed", *REPORTED]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in table.to_dict("records"):  # keeps each column's type (iterrows upcasts ints to float)
        cells = [str(row["point"]), *(str(row[k]) for k in varied), str(row["runs"]), str(row["failed"])]
        for name in REPORTED:
            digits = 2 if OUTCOMES[name].kind == "share" else 1
            cells.append(_interval(row[name], row[f"{name}_lo"], row[f"{name}_hi"], digits))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _interval(mean: float, lo: float, hi: float, digits: int) -> str:
    if math.isnan(mean):
        return "–"
    if math.isnan(lo):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


def figure(table: pd.DataFrame, varied: list[str], title: str) -> Figure:
    """Equilibrium types (stacked shares) and three outcomes with 95% intervals, per design point."""
    fig = Figure(figsize=(max(8.0, 0.6 * len(table) + 4), 8.5), layout="constrained")
    axes = fig.subplots(2, 2, sharex=True)
    x = np.arange(len(table))
    bottom = np.zeros(len(table))
    for t in TYPES:
        share = table[f"share_{t}"].fillna(0).to_numpy()
        axes[0, 0].bar(x, share, bottom=bottom, label=t.replace("_", " "))
        bottom += share
    axes[0, 0].set_ylabel("share of runs")
    axes[0, 0].set_title("equilibrium type")
    fig.legend(loc="outside lower center", ncol=len(TYPES), fontsize="small")
    for ax, name in zip(
        (axes[0, 1], axes[1, 0], axes[1, 1]),
        ("hegemony", "essential_preserved", "time_to_equilibrium_converged"),
        strict=True,
    ):
        mean = table[name].to_numpy(float)
        err = np.abs(np.vstack([mean - table[f"{name}_lo"], table[f"{name}_hi"] - mean]))
        ax.errorbar(x, mean, yerr=np.nan_to_num(err), fmt="o", capsize=3)
        ax.set_title(OUTCOMES[name].label, fontsize="medium")
        if OUTCOMES[name].kind == "share":
            ax.set_ylim(-0.03, 1.03)
    labels = [
        "\n".join(_short(k, row[k]) for k in varied) or str(row["point"]) for _, row in table.iterrows()
    ]
    for ax in axes[1]:
        ax.set_xticks(x, labels, fontsize="x-small")
        ax.set_xlabel(" / ".join(varied) or "design point")
    fig.suptitle(f"{title}: mean and 95% interval per design point")
    return fig


def _short(name: str, value: object) -> str:
    """A tick label: a switch as on/off; a strategy mix like 'balance:0.7,bandwagon:0.3' as 'bal .7' over
    'ban .3'."""
    if isinstance(value, bool | np.bool_):
        return "on" if value else "off"
    if name != "strategy_mix":
        return str(value)
    return "\n".join(f"{rule[:3]} {w:.2g}".replace(" 0.", " .") for rule, w in parse_mix(str(value)).items())


def write_report(path: str | Path, out: str | Path | None = None) -> tuple[str, list[Path]]:
    """Build the report of the sweep in `path`; write report.csv, report.md, report.png to `out`.

    `out` is checked (made, writable) before the report is computed."""
    manifest = load_manifest(path)
    folder = Path(out) if out is not None else Path(path)
    check_writable(folder)
    runs = load_sweep(path)
    if runs.empty:
        raise ValueError(f"{path} has no finished runs yet")
    varied = manifest["experiment"]["varied"]
    table = outcome_table(runs, varied)
    text = markdown(table, varied)
    written = [folder / "report.csv", folder / "report.md", folder / "report.png"]
    table.to_csv(written[0], index=False)
    written[1].write_text(f"# {manifest['experiment']['name']}\n\n{text}")
    figure(table, varied, manifest["experiment"]["name"]).savefig(written[2], dpi=110)
    return text, written
