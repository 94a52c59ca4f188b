"""`bop sweep` and `bop report`: run an experiment file, and summarise its results."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from model.experiment import Experiment


# Options shared by the commands that run sweeps (sweep, sensitivity).
workers_option = click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Parallel runs (default: the number of cores; 1 runs in this process).",
)
progress_option = click.option(
    "--progress/--no-progress", default=None, help="Progress bar (default: on a terminal, not in CI)."
)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@workers_option
@click.option("--scheduler", metavar="ADDRESS", help="Run on an existing Dask cluster (tcp://host:port).")
@click.option("--local-cluster", is_flag=True, help="Start a Dask LocalCluster on 127.0.0.1 for the sweep.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: out/<name> beside the experiment file).",
)
@click.option("--resume", is_flag=True, help="Finish a sweep that was stopped: run only the missing runs.")
@click.option("--dry-run", is_flag=True, help="Check the file and show the plan; run nothing.")
@progress_option
def sweep(
    file: Path,
    workers: int | None,
    scheduler: str | None,
    local_cluster: bool,
    out: Path | None,
    resume: bool,
    dry_run: bool,
    progress: bool | None,
) -> None:
    """Run the experiment in FILE (TOML; see docs/experiments.md): every grid point × replication."""
    from model.experiment import ExperimentError, load_experiment
    from model.store import finished_runs, read_manifest
    from model.sweep import SweepError, run_sweep

    if scheduler and local_cluster:
        raise click.UsageError("--scheduler and --local-cluster exclude each other")
    try:
        experiment = load_experiment(file)
    except ExperimentError as err:
        raise click.UsageError(f"{file}: {err}") from None
    out = out if out is not None else file.parent / "out" / experiment.name
    if dry_run:
        done = len(finished_runs(out)) if read_manifest(out) is not None else 0
        click.echo(plan(experiment, out, done))
        return
    try:
        result = run_sweep(
            experiment,
            out,
            text=file.read_text(),
            workers=workers,
            scheduler=scheduler,
            local_cluster=local_cluster,
            resume=resume,
            progress=progress,
        )
    except SweepError as err:
        raise click.ClickException(str(err)) from None
    rate = result.ran / result.seconds if result.seconds > 0 else 0.0
    click.echo(
        f"{experiment.name}: ran {result.ran} runs in {result.seconds:.1f} s ({rate:.2f} runs/s) on "
        f"{result.executor}; {result.skipped} were already done; results in {out}/"
    )
    if result.failed:
        click.echo(f"bop: warning: {result.failed} runs failed (see the status and error columns)", err=True)


def plan(experiment: Experiment, out: Path, done: int) -> str:
    """What a sweep would do, in words."""
    lines = [
        f"experiment   {experiment.name} (scenario {experiment.scenario})",
        f"design       {len(experiment.points)} points x {experiment.replications} replications "
        f"= {experiment.total} runs of {experiment.steps} steps",
    ]
    for key, values in experiment.grid.items():
        lines.append(f"grid         {key} = {values}")
    if experiment.sample:
        for key, bounds in experiment.sample["ranges"].items():
            lines.append(
                f"sample       {key} in {bounds} ({experiment.sample['points']} points, "
                f"{experiment.sample['method']})"
            )
    if experiment.fixed:
        lines.append("fixed        " + ", ".join(f"{k}={v}" for k, v in experiment.fixed.items()))
    shown = ", ".join(map(str, experiment.seeds[:3])) + (", ..." if len(experiment.seeds) > 3 else "")
    lines.append(f"seeds        {shown} (one per replication, shared by all points)")
    record = experiment.record
    thinned = f" (every {record.every} steps)" if record.every > 1 else ""
    kept = ([f"per-step measures{thinned}"] if record.model else []) + list(record.logs)
    kept += [f"focus on {record.focus}"] if record.focus else []
    lines.append("record       " + " + ".join(["summary", *kept]))
    lines.append(f"output       {out}/ ({done} of {experiment.total} runs already done)")
    return "\n".join(lines)


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Write the report here.")
def report(directory: Path, out: Path | None) -> None:
    """Summarise the sweep in DIRECTORY: outcomes per grid point (CSV, Markdown) and a PNG figure."""
    from model.report import write_report

    try:
        text, written = write_report(directory, out)
    except (FileNotFoundError, ValueError) as err:
        raise click.ClickException(str(err)) from None
    click.echo(text, nl=False)
    click.echo("report written to " + ", ".join(map(str, written)))
