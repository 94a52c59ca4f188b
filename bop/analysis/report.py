"""`bop report`: the main outcomes of a sweep per design point, with 95% intervals, one figure per
outcome against the sweep's factors, and paired comparisons between the levels of one factor.

Shares of runs get Wilson score intervals, means Student t intervals, the time to equilibrium a
Kaplan-Meier median (unconverged runs are censored, not dropped). Each figure puts the factors on
their own axes (`bop.analysis.factors`: the one with most levels on x, the next as colour, a third as
facets, numbers on continuous axes, a sampled range binned). `--compare FACTOR` gives paired
differences between each level of FACTOR and a reference level, replication by replication (the
runs share their seeds), with t intervals. `--focus STATE` adds that state's fortunes per design
point (`bop.analysis.outcomes.FOCUS_OUTCOMES`). A sweep that is unfinished or holds failed runs is said so
in the first line. Failed runs are counted, never used.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bop.analysis.factors import ROLES, choose
from bop.analysis.figures import factor_figure
from bop.analysis.outcomes import ALL_OUTCOMES, FOCUS_LOGS, FOCUS_OUTCOMES, OUTCOMES, focus_table, outcomes
from bop.analysis.tables import estimate, paired_table
from bop.experiments.results import load_manifest, load_steps, load_sweep
from bop.experiments.store import check_writable
from model.equilibrium import TYPES
from model.params import nearest, shown

# The outcomes the report shows, from `bop.analysis.outcomes` (where each is defined).
REPORTED = (
    *(f"share_{t}" for t in TYPES),
    "time_to_equilibrium",
    "hegemony",
    "hegemony_single",
    "hegemony_coalition",
    "essential_survivors",
    "essential_survived",
    "wars",
)


FORMATS = ("png", "svg")  # each figure is written in both (SVG for papers and slides)


def outcome_names(names: Sequence[str]) -> list[str]:
    """The outcomes asked for (`--outcome a --outcome b` or `a,b`), each checked against OUTCOMES."""
    chosen = [n.strip() for name in names for n in name.split(",") if n.strip()]
    for name in chosen:
        if name not in OUTCOMES:
            close = nearest(name, OUTCOMES)
            hint = f"did you mean {close}? " if close else ""
            raise ValueError(f"--outcome: no outcome {shown(name)}; {hint}outcomes: {', '.join(OUTCOMES)}")
    return list(dict.fromkeys(chosen))


def outcome_table(runs: pd.DataFrame, varied: list[str], names: Sequence[str] = REPORTED) -> pd.DataFrame:
    """One row per design point: its varied parameters, run counts, and each outcome with lo/hi."""
    rows = []
    for point, group in runs.groupby("point", sort=True):
        row: dict[str, Any] = {"point": point, **{k: group[k].iloc[0] for k in varied}}
        ok = group[group["status"] == "ok"]
        row["runs"], row["failed"] = len(group), len(group) - len(ok)
        for name in names:
            row[name], row[f"{name}_lo"], row[f"{name}_hi"] = estimate(ok, name)
        rows.append(row)
    return pd.DataFrame(rows)


def compare_table(
    runs: pd.DataFrame,
    varied: list[str],
    factor: str,
    reference: Any = None,
    names: Sequence[str] = REPORTED,
) -> pd.DataFrame:
    """Paired differences of every reported outcome between each level of `factor` and `reference`,
    within each combination of the other varied parameters (time to equilibrium: the difference of
    the censored values, i.e. of restricted mean times)."""
    if factor not in varied:
        hint = f"did you mean {close}? " if (close := nearest(factor, varied)) else ""
        raise ValueError(
            f"--compare: '{factor}' is not varied in this sweep; {hint}varied: {', '.join(varied)}"
        )
    ok = outcomes(runs)
    others = [k for k in varied if k != factor]
    if reference is not None:
        reference = _level(ok[factor], reference)
    parts = []
    for name in names:
        table = paired_table(ok, factor, name, by=others, reference=reference)
        table.insert(len(others) + 2, "outcome", name)
        parts.append(table)
    return pd.concat(parts, ignore_index=True)


def _level(column: pd.Series, text: Any) -> Any:
    """The level of a factor named by `text` (typed on the command line), or a ValueError listing them."""
    for level in column.unique():
        if str(level).lower() == str(text).lower() or (
            isinstance(level, bool | np.bool_) and str(text).lower() == ("on" if level else "off")
        ):
            return level
    raise ValueError(f"--reference: no level {text!r}; levels: {', '.join(map(str, column.unique()))}")


def warnings(manifest: dict[str, Any], runs: pd.DataFrame) -> list[str]:
    """What a reader must know before trusting the table: an unfinished sweep, failed runs."""
    found = []
    total, finished = int(manifest.get("runs", len(runs))), len(runs)
    if finished < total or manifest.get("status") != "complete":
        found.append(
            f"warning: incomplete sweep: {finished} of {total} runs finished (status "
            f"{manifest.get('status')}); outcomes cover the finished runs only — finish it with "
            "bop sweep FILE --resume"
        )
    failed = int((runs["status"] != "ok").sum()) if "status" in runs else 0
    if failed:
        found.append(f"warning: {failed} runs failed and are left out (see their status and error columns)")
    return found


def markdown(table: pd.DataFrame, varied: list[str], names: Sequence[str] = REPORTED) -> str:
    """The table as Markdown, each outcome as `estimate [lo, hi]`; a sampled value to 4 digits."""
    header = ["point", *varied, "runs", "failed", *names]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in table.to_dict("records"):  # keeps each column's type (iterrows upcasts ints to float)
        cells = [str(row["point"]), *(_cell(row[k]) for k in varied), str(row["runs"]), str(row["failed"])]
        for name in names:
            digits = _digits(name)
            cells.append(_interval(row[name], row[f"{name}_lo"], row[f"{name}_hi"], digits))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, float | np.floating) else str(value)


def compare_markdown(table: pd.DataFrame, factor: str) -> str:
    """The paired comparison as Markdown: one row per stratum, level and outcome."""
    keys = [c for c in table.columns if c not in ("n", "diff", "lo", "hi")]
    lines = ["| " + " | ".join([*keys, "pairs", "difference [95%]"]) + " |", "|" + "---|" * (len(keys) + 2)]
    for row in table.to_dict("records"):
        digits = _digits(row["outcome"])
        cells = [str(row[k]) for k in keys] + [
            str(row["n"]),
            _interval(row["diff"], row["lo"], row["hi"], digits),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    note = (
        f"\nPaired by replication (same seed at every level of {factor}); Student t intervals. "
        "Shares as 0/1 per run; time to equilibrium as its value censored at the horizon.\n"
    )
    return "\n".join(lines) + "\n" + note


def _digits(name: str) -> int:
    """Decimals shown: 2 for shares, 1 for counts and times, 3 for the focus state's means (threats,
    shares of years, of ties and of power are all fractions)."""
    if ALL_OUTCOMES[name].kind == "share":
        return 2
    return 3 if name in FOCUS_OUTCOMES else 1


def _interval(mean: float, lo: float, hi: float, digits: int) -> str:
    if math.isnan(mean):
        return "–"
    if math.isinf(mean):
        return "not reached"
    if math.isnan(lo):
        return f"{mean:.{digits}f}"
    high = "∞" if math.isinf(hi) else f"{hi:.{digits}f}"
    return f"{mean:.{digits}f} [{lo:.{digits}f}, {high}]"


def figures(
    runs: pd.DataFrame, varied: list[str], names: Sequence[str], chosen: dict[str, str | None], title: str
) -> dict[str, Any]:
    """One figure per outcome of the successful runs, the factors in their roles (`choose`)."""
    roles, pooled = choose(runs, varied, chosen)
    ok = runs[runs["status"] == "ok"].reset_index(drop=True)
    return {name: factor_figure(ok, name, roles, pooled, title) for name in names}


def focus_runs(path: str | Path, runs: pd.DataFrame, name: str) -> pd.DataFrame:
    """The runs with the focus_* columns of state `name`: the sweep's own when it recorded that focus
    (`[record] focus`), else computed from the per-state logs it recorded (states, ties and, if any run
    had war on, wars; unthinned). Otherwise a ValueError in one line saying what to record."""
    record = load_manifest(path)["experiment"]["record"]
    if record.get("focus") == name:
        return runs
    war = "war" in runs and bool(runs["war"].fillna(False).astype(bool).any())
    needed = [log for log in FOCUS_LOGS if log != "wars" or war]
    missing = [log for log in needed if log not in record["logs"]]
    if missing or record["every"] > 1:
        have = f"the focus {record['focus']!r}" if record.get("focus") else "no focus state"
        raise ValueError(
            f"--focus {name}: this sweep recorded {have} and not the whole per-state logs any state's "
            f"fortunes follow from; record them with [record] logs = {list(FOCUS_LOGS)} (every = 1)"
        )
    ok = runs[runs["status"] == "ok"]
    # only the rows the measures read: the focus state's, and those of states above the pole line
    line = float(ok["essential_share"].min()) if len(ok) else 0.0
    states = load_steps(
        path,
        "states",
        columns=["run", "step", "state", "share", "alliance", "alive", "felt_threat"],
        filters=[[("state", "=", name)], [("share", ">=", line)]],
    )
    ties = load_steps(path, "ties", filters=[[("state", "=", name)]])
    wars = load_steps(path, "wars") if war else pd.DataFrame()
    states = states[states["run"].isin(ok["run"])]
    measures = focus_table(states, ties, wars, name, ok.set_index("run")["essential_share"])
    columns = {c: f"focus_{c}" for c in measures.columns}
    runs = runs.drop(columns=[c for c in columns.values() if c in runs])
    return runs.merge(measures.rename(columns=columns), left_on="run", right_index=True, how="left")


def write_report(
    path: str | Path,
    out: str | Path | None = None,
    compare: str | None = None,
    reference: Any = None,
    x: str | None = None,
    color: str | None = None,
    facet: str | None = None,
    outcome: Sequence[str] = (),
    focus: str | None = None,
) -> tuple[str, list[Path]]:
    """Build the report of the sweep in `path`; write report.csv, report.md, figures/<outcome>.png and
    .svg (every reported outcome, or those of `outcome`; the factors in the roles `x`, `color`, `facet`
    or chosen from the design) and, with `compare`, compare.csv and compare.md, to `out`, which is
    checked (made, writable) before the report is computed; with `focus` also focus.csv and focus.md
    (that state's fortunes per design point, and with `compare` their paired differences). Returns the
    text to print and the files."""
    manifest = load_manifest(path)
    folder = Path(out) if out is not None else Path(path)
    check_writable(folder)
    asked = outcome_names(outcome)
    names = list(dict.fromkeys([*REPORTED, *asked]))
    runs = load_sweep(path)
    if runs.empty:
        raise ValueError(f"{path} has no finished runs yet")
    varied = manifest["experiment"]["varied"]
    focused = focus_runs(path, runs, focus) if focus is not None else None
    table = outcome_table(runs, varied, names)
    paired = compare_table(runs, varied, compare, reference, names) if compare else None
    name = manifest["experiment"]["name"]
    drawn = figures(runs, varied, asked or REPORTED, dict(zip(ROLES, (x, color, facet), strict=True)), name)
    notes = warnings(manifest, runs)
    head = "".join(f"{line}\n" for line in notes)
    text = head + markdown(table, varied, names)
    written = [folder / "report.csv", folder / "report.md"]
    table.to_csv(written[0], index=False)
    shown = "\n".join(f"![{n}](figures/{n}.png)" for n in drawn)
    written[1].write_text(
        f"# {name}\n\n"
        + "".join(f"**{line}**\n\n" for line in notes)
        + markdown(table, varied, names)
        + f"\n## Figures\n\n{shown}\n"
    )
    os.makedirs(folder / "figures", exist_ok=True)
    for key, fig in drawn.items():
        for kind in FORMATS:
            written.append(folder / "figures" / f"{key}.{kind}")
            fig.savefig(written[-1], dpi=110)
    if paired is not None and compare is not None:
        text += "\n" + compare_markdown(paired, compare)
        written += [folder / "compare.csv", folder / "compare.md"]
        paired.to_csv(written[-2], index=False)
        written[-1].write_text(
            f"# {name}: paired by {compare}\n\n" + head + compare_markdown(paired, compare)
        )
    if focused is not None and focus is not None:
        text += "\n" + focus_section(focused, varied, focus, compare, reference, written, folder, head)
    return text, written


def focus_section(
    runs: pd.DataFrame,
    varied: list[str],
    focus: str,
    compare: str | None,
    reference: Any,
    written: list[Path],
    folder: Path,
    head: str,
) -> str:
    """The focus state's fortunes per design point (and, with `compare`, paired), written to focus.csv
    and focus.md; returns the Markdown."""
    reported = tuple(FOCUS_OUTCOMES)
    table = outcome_table(runs, varied, reported)
    text = f"## {focus}\n\n" + markdown(table, varied, reported)
    table.to_csv(folder / "focus.csv", index=False)
    written += [folder / "focus.csv", folder / "focus.md"]
    if compare is not None:
        paired = compare_table(runs, varied, compare, reference, reported)
        text += "\n" + compare_markdown(paired, compare)
        paired.to_csv(folder / "focus_compare.csv", index=False)
        written.append(folder / "focus_compare.csv")
    (folder / "focus.md").write_text(head + text)
    return text
