"""The `bop validate` suite: each check's sweep, its evaluation, the table, the files (docs/validation.md).

    <out>/<check>/          the check's sweep (an ordinary sweep folder: resumable, any executor)
    <out>/<check>.png       its figure
    <out>/validation.md     the table, then each check: source, data, world, finding, figure
    <out>/validation.csv    the table, one row per statistic

`--docs PATH` also writes the table as printed, with the commit it was made on, between the markers
of that file's generated block.
"""

from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from bop.experiments import store
from bop.experiments.sweep import SweepError, git_commit, run_sweep
from bop.validation.check import REGISTRY, Check, Evaluation, interval

BEGIN, END = "<!-- validation:begin -->", "<!-- validation:end -->"
COLUMNS = ("check", "statistic", "data", "model [95%]", "target", "verdict")


@dataclass
class Outcome:
    """One check's result in a suite run."""

    check: Check
    evaluation: Evaluation
    ran: int  # runs made in this call (0 when the sweep was already complete)
    commits: list[str]  # the commits the sweep's runs were made on
    sweep_seconds: float  # wall time of all the sessions that made the sweep's runs
    executor: str  # where the first session ran


@dataclass
class Suite:
    """A suite run: every check's outcome, how long it took, where."""

    outcomes: list[Outcome]
    seconds: float
    quick: bool
    command: str


def missing_requirements(names: Sequence[str]) -> list[str]:
    """Modules the chosen checks need that are not installed."""
    needed = dict.fromkeys(m for n in names for m in REGISTRY[n].requires)
    return [m for m in needed if importlib.util.find_spec(m) is None]


def run_suite(
    names: Sequence[str],
    out: Path,
    *,
    quick: bool,
    command: str,
    workers: int | None = None,
    scheduler: str | None = None,
    local_cluster: bool = False,
    resume: bool = False,
    progress: bool | None = None,
    echo: Callable[[str], None] = print,
) -> Suite:
    """Run (or resume) each chosen check's sweep into out/<check>/ and evaluate it."""
    missing = missing_requirements(names)
    if missing:
        raise SweepError(f"the checks need {', '.join(missing)}: pip install 'balance-of-power[validate]'")
    start = time.perf_counter()
    outcomes = []
    for name in names:
        check = REGISTRY[name]
        experiment = check.experiment(quick)
        folder = out / name
        echo(f"{name}: {experiment.total} runs of {experiment.steps} steps -> {folder}/")
        result = run_sweep(
            experiment,
            folder,
            text=json.dumps(check.design(quick), indent=2),
            workers=workers,
            scheduler=scheduler,
            local_cluster=local_cluster,
            resume=resume,
            progress=progress,
        )
        manifest = store.read_manifest(folder)
        assert manifest is not None  # run_sweep wrote it
        if manifest["counts"].get("failed"):
            raise SweepError(f"{name}: runs failed in {folder} (see the error column of its results)")
        # the sessions that made runs (a resume with nothing left to do made none)
        sessions = [s for s in manifest["sessions"] if s.get("ran", 1)] or manifest["sessions"]
        commits = list(dict.fromkeys(s["commit"] for s in sessions if s.get("commit")))
        seconds = sum(
            (datetime.fromisoformat(s["finished"]) - datetime.fromisoformat(s["started"])).total_seconds()
            for s in sessions
            if s.get("finished")
        )
        where = sessions[0].get("executor", "unknown") if sessions else "unknown"
        outcomes.append(Outcome(check, check.evaluate(folder), result.ran, commits, seconds, where))
    return Suite(outcomes, time.perf_counter() - start, quick, command)


def table_frame(suite: Suite) -> pd.DataFrame:
    """The table, one row per statistic (validation.csv)."""
    rows = []
    for outcome in suite.outcomes:
        for row in outcome.evaluation.rows:
            rows.append(
                {
                    "check": outcome.check.name,
                    "fact": outcome.check.fact,
                    "statistic": row.statistic,
                    "data": row.data,
                    "model": row.model,
                    "lo": row.lo,
                    "hi": row.hi,
                    "target": row.target,
                    "verdict": row.verdict,
                    "check_verdict": outcome.evaluation.verdict,
                }
            )
    return pd.DataFrame(rows)


def table_text(suite: Suite) -> str:
    """The table as the command prints it: fixed-width columns, a check's name on its first row."""
    lines = []
    for outcome in suite.outcomes:
        for k, row in enumerate(outcome.evaluation.rows):
            name = f"{outcome.check.name} ({outcome.evaluation.verdict})" if k == 0 else ""
            lines.append(
                (name, row.statistic, row.data, interval(row.model, row.lo, row.hi), row.target, row.verdict)
            )
    widths = [max(len(c), *(len(line[i]) for line in lines)) for i, c in enumerate(COLUMNS)]

    def fmt(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([fmt(COLUMNS), fmt(["-" * w for w in widths]), *(fmt(line) for line in lines)])


def provenance(suite: Suite) -> str:
    """Which commit(s) the runs were made on, how long this call took, the command."""
    commits = list(dict.fromkeys(c for o in suite.outcomes for c in o.commits))
    now = git_commit()
    dirty = " (with uncommitted changes)" if now["dirty"] else ""
    made = ", ".join(c[:12] for c in commits) or "unknown"
    size = "quick" if suite.quick else "full"
    ran = sum(o.ran for o in suite.outcomes)
    sweeps = sum(o.sweep_seconds for o in suite.outcomes)
    executors = ", ".join(dict.fromkeys(o.executor for o in suite.outcomes))
    return (
        f"`{suite.command}` ({size} suite): runs made on commit {made} ({executors}), their sweeps "
        f"{sweeps:.0f} s; evaluated on {(now['commit'] or 'unknown')[:12]}{dirty}, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {ran} runs made in this call, {suite.seconds:.0f} s in all."
    )


def markdown(suite: Suite, figures: bool = True) -> str:
    """validation.md: provenance, the printed table, then each check in full."""
    parts = [
        "# Validation: the model against the field's stylized facts and the historical record",
        "",
        provenance(suite),
        "",
        "```",
        table_text(suite),
        "```",
    ]
    for outcome in suite.outcomes:
        check, ev = outcome.check, outcome.evaluation
        parts += [
            "",
            f"## {check.name}: {check.fact} — {ev.verdict}",
            "",
            f"- **Source.** {check.source}",
            f"- **Data.** {check.data}",
            f"- **World.** {check.world}",
            "",
            ev.text,
        ]
        if ev.details:
            parts += ["", ev.details]
        if figures:
            parts += ["", f"![{check.name}]({check.name}.png)"]
    return "\n".join(parts) + "\n"


def write_outputs(suite: Suite, out: Path) -> list[Path]:
    """validation.md, validation.csv and one figure per check into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for outcome in suite.outcomes:
        fig = Figure(figsize=(11, 4), layout="constrained")
        outcome.check.draw(outcome.evaluation, fig)
        fig.suptitle(f"{outcome.check.name}: {outcome.check.fact}", fontsize=10)
        path = out / f"{outcome.check.name}.png"
        fig.savefig(path, dpi=100)
        written.append(path)
    table_frame(suite).to_csv(out / "validation.csv", index=False)
    (out / "validation.md").write_text(markdown(suite))
    return [out / "validation.md", out / "validation.csv", *written]


def write_docs(suite: Suite, path: Path) -> None:
    """Replace the generated block of a docs page (between BEGIN and END) with this run's table and
    each check's finding; the rest of the page is left as it is."""
    text = path.read_text()
    if BEGIN not in text or END not in text:
        raise SweepError(f"{path} has no generated block: add the lines {BEGIN} and {END}")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    body = markdown(suite, figures=False).split("\n", 2)[2]  # without the page title
    body = body.replace("\n## ", "\n### ")
    path.write_text(f"{head}{BEGIN}\n{body}{END}{tail}")
