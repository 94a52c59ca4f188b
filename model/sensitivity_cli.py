"""`bop sensitivity`: run a sensitivity file's SALib sample as a sweep, then compute and show the indices."""

from __future__ import annotations

from pathlib import Path

import click

from model.sweep_cli import progress_option, workers_option


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@workers_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: out/<name> beside the file).",
)
@click.option(
    "--resume", is_flag=True, help="Finish a stopped analysis, or recompute the indices of a finished one."
)
@progress_option
def sensitivity(
    file: Path, workers: int | None, out: Path | None, resume: bool, progress: bool | None
) -> None:
    """Morris or Sobol indices of the outcomes over the parameter bounds in FILE (docs/experiments.md)."""
    from model.experiment import ExperimentError
    from model.results import load_sweep
    from model.sensitivity import COLUMNS, load_sensitivity, write_indices
    from model.sweep import SweepError, run_sweep

    try:
        sens = load_sensitivity(file)
    except ExperimentError as err:
        raise click.UsageError(f"{file}: {err}") from None
    experiment = sens.experiment
    out = out if out is not None else file.parent / "out" / experiment.name
    try:
        result = run_sweep(
            experiment, out, text=file.read_text(), workers=workers, resume=resume, progress=progress
        )
        table, written = write_indices(sens, load_sweep(out), out)
    except (SweepError, ValueError) as err:
        raise click.ClickException(str(err)) from None
    click.echo(
        f"{experiment.name}: {sens.method}, {len(experiment.points)} sample points x "
        f"{experiment.replications} replications; ran {result.ran} runs in {result.seconds:.1f} s "
        f"({result.skipped} already done)"
    )
    shown = table.pivot(index="parameter", columns="output", values=COLUMNS[sens.method][0])
    shown = shown.loc[list(sens.bounds), sens.outputs]
    click.echo(f"{COLUMNS[sens.method][0]} by parameter (rows) and output (columns):")
    click.echo(shown.to_string(float_format=lambda v: f"{v:.3g}"))
    click.echo("written: " + ", ".join(map(str, written)))
