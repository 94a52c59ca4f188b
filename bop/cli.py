"""The `bop` command: run one simulation, list scenarios, run sweeps and sensitivity analyses, report.

Every bad input ends as one line on stderr (`bop: error: ...`, exit 2), never a traceback.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from model.params import ParameterError, parse_text
from model.scenarios import get_scenario

if TYPE_CHECKING:
    from bop.experiments.experiment import Experiment


def parse_settings(settings: tuple[str, ...]) -> dict[str, Any]:
    """Turn ('n_states=30', 'war=true') into a parameter dict (validated later by the model)."""
    params: dict[str, Any] = {}
    for item in settings:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint="'--set'")
        params[key.strip()] = parse_text(value)
    return params


def format_summary(summary: dict[str, Any]) -> str:
    """A readable multi-line summary of one run."""
    reached = summary["converged_at"]
    lines = [
        f"equilibrium      {summary['equilibrium']}"
        + (f" (since step {reached})" if reached is not None else ""),
        f"steps            {summary['steps']}",
        f"states alive     {summary['states_alive']} of {summary['states_initial']}",
        f"essential actors {summary['essential_alive']} of {summary['essential_initial']}",
        f"alliances        {summary['alliances']}  ({summary['alliance_events']} alliance events)",
        f"wars             {summary['wars']}  ({summary['eliminated']} states eliminated)",
        f"largest state    {summary['s_max']:.3f} of all power;  largest bloc {summary['b_max']:.3f}",
        f"concentration    CON {summary['con']:.3f}   HHI {summary['hhi']:.3f}"
        f"   N_eff {summary['n_eff']:.2f}   polarity {summary['polarity']}",
    ]
    return "\n".join(lines)


class OneLineErrors(click.Group):
    """A command group whose bad-input errors are one line on stderr, never a usage dump or traceback."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.ClickException as err:
            click.echo(f"bop: error: {err.format_message()}", err=True)
            sys.exit(err.exit_code)
        except click.Abort:
            click.echo("bop: aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=OneLineErrors)
@click.version_option(package_name="balance-of-power")
def cli() -> None:
    """balance-of-power: alliances, balancing and equilibrium among states (Mesa 3)."""


@cli.command()
@click.option("--scenario", default=None, help="World to build (default: random).")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE", help="Set a parameter.")
@click.option("--steps", default=200, show_default=True, type=click.IntRange(min=0))
@click.option("--seed", default=42, show_default=True, type=click.IntRange(min=0))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Write results here.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
def run(
    scenario: str | None,
    settings: tuple[str, ...],
    steps: int,
    seed: int,
    out: Path | None,
    as_json: bool,
) -> None:
    """Run one simulation and print its summary."""
    from bop.experiments.output import write_run
    from model.model import BalanceOfPowerModel

    params = parse_settings(settings)
    if scenario is not None:
        params["scenario"] = scenario
    try:
        get_scenario(params.get("scenario", "random")).check_used(params)
        model = BalanceOfPowerModel(rng=seed, **params)
    except ParameterError as err:
        raise click.UsageError(str(err)) from None
    for _ in range(steps):
        if not model.running:
            break
        model.step()
    summary = model.summary()
    if out is not None:
        try:
            write_run(model, out)
        except OSError as err:
            raise click.ClickException(f"cannot write results to {out}: {err.strerror or err}") from None
    if as_json:
        click.echo(json.dumps(summary))
    else:
        click.echo(format_summary(summary))
        if out is not None:
            click.echo(f"results written to {out}/")


@cli.command()
def scenarios() -> None:
    """List the built-in scenarios and their own parameters."""
    from model.scenarios import SCENARIOS

    for scenario in SCENARIOS.values():
        click.echo(f"{scenario.name:14} {scenario.description}")
        if scenario.params:
            click.echo(f"{'':14} parameters: {', '.join(scenario.params)}")
    click.echo("A path to a scenario file (.toml) works too: bop run --scenario my-world.toml")


@cli.command()
@click.option("--from", "first", default=1816, show_default=True, type=click.IntRange(1816, 2016))
@click.option("--to", "last", default=2016, show_default=True, type=click.IntRange(1816, 2016))
@click.option("--top", default=8, show_default=True, type=click.IntRange(2, 50), help="States a year.")
@click.option("--replicates", default=500, show_default=True, type=click.IntRange(min=10))
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0))
def calibrate(first: int, last: int, top: int, replicates: int, seed: int) -> None:
    """Estimate the growth process from the NMC data; print it beside the data's moments."""
    from model.scenarios import calibration

    if last - first + 1 < calibration.MIN_YEARS:
        raise click.BadParameter(f"needs at least {calibration.MIN_YEARS} years", param_hint="'--from/--to'")
    fitted = calibration.calibrate(first, last, top, replicates=replicates, seed=seed)
    click.echo(calibration.format_report(fitted))


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
scheduler_option = click.option(
    "--scheduler", metavar="ADDRESS", help="Run on an existing Dask cluster (tcp://host:port)."
)
local_cluster_option = click.option(
    "--local-cluster", is_flag=True, help="Start a Dask LocalCluster on 127.0.0.1 for the sweep."
)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@workers_option
@scheduler_option
@local_cluster_option
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
    from bop.experiments.experiment import ExperimentError, load_experiment
    from bop.experiments.store import finished_runs, read_manifest
    from bop.experiments.sweep import SweepError, run_sweep

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


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Write the report here.")
@click.option(
    "--compare",
    metavar="FACTOR",
    help="Also give paired differences (same seeds) between each level of this varied parameter and "
    "a reference level.",
)
@click.option(
    "--reference", metavar="LEVEL", help="The level --compare measures against (default: the first)."
)
def report(directory: Path, out: Path | None, compare: str | None, reference: str | None) -> None:
    """Summarise the sweep in DIRECTORY: outcomes per grid point (CSV, Markdown) and a PNG figure."""
    from bop.analysis.report import write_report

    if reference is not None and compare is None:
        raise click.UsageError("--reference needs --compare FACTOR")
    try:
        text, written = write_report(directory, out, compare, reference)
    except (FileNotFoundError, ValueError) as err:
        raise click.ClickException(str(err)) from None
    click.echo(text, nl=False)
    click.echo("report written to " + ", ".join(map(str, written)))


@cli.command()
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
    from bop.analysis.sensitivity import COLUMNS, load_sensitivity, write_indices
    from bop.experiments.experiment import ExperimentError
    from bop.experiments.results import load_sweep
    from bop.experiments.sweep import SweepError, run_sweep

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


LOOPBACK = "127.0.0.1"


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only (127.0.0.0/8, ::1, localhost)."""
    try:
        return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
    except (OSError, ValueError):
        return False


@cli.command()
@click.option(
    "--port", default=8765, show_default=True, type=click.IntRange(1, 65535), help="Port to serve on."
)
@click.option(
    "--host",
    default=None,
    help="Address to listen on (default 127.0.0.1: this machine only). The page runs models for whoever "
    "reaches it, with no login, so an address other machines can reach (0.0.0.0, a LAN address) is used "
    "only when given here; HOST or SOLARA_HOST in the environment never widens it.",
)
def app(port: int, host: str | None) -> None:
    """Serve the visual server (the page in bop/viz/app.py) on http://HOST:PORT until Ctrl-C.

    The page's front end comes from Solara's asset cache; missing packages are fetched from the npm
    registry first (as `make assets` does), so npm must be installed the first time.
    """
    from bop.viz.assets import cache_dir, fill, missing_specs

    host = host if host is not None else LOOPBACK
    if not is_loopback(host):
        click.echo(f"bop: warning: serving on {host}: anyone who can reach it can run models here", err=True)
    cache = cache_dir(None)
    missing = missing_specs(cache)
    if missing and shutil.which("npm") is None:
        raise click.ClickException(
            f"the page's front end is missing from {cache} ({', '.join(missing)}) and npm is not "
            "installed to fetch it: install npm (apt-get install npm), then run bop app again"
        )
    if missing:
        fill(cache, missing)
    command = [sys.executable, "-m", "solara", "run", "bop.viz.app", "--host", host, "--port", str(port)]
    # Solara replaces this process, so Ctrl-C and a terminating parent reach the server itself.
    os.execv(sys.executable, [*command, "--production", "--no-open"])


@cli.command()
@click.option("--quick", is_flag=True, help="Every check at reduced size (under 2 minutes on 2 cores).")
@click.option("--only", multiple=True, metavar="NAME", help="Run only this check (repeatable).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: runs/out/validation, or runs/out/validation-quick with --quick).",
)
@workers_option
@scheduler_option
@local_cluster_option
@click.option("--resume", is_flag=True, help="Finish, or reuse, the checks' sweeps already in --out.")
@click.option(
    "--docs",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Also write the table into this page's generated block (docs/validation.md).",
)
@progress_option
def validate(
    quick: bool,
    only: tuple[str, ...],
    out: Path | None,
    workers: int | None,
    scheduler: str | None,
    local_cluster: bool,
    resume: bool,
    docs: Path | None,
    progress: bool | None,
) -> None:
    """Score the model against the field's stylized facts and the historical record (docs/validation.md)."""
    from bop.experiments.sweep import SweepError
    from bop.validation import CHECKS
    from bop.validation.suite import run_suite, table_text, write_docs, write_outputs

    if scheduler and local_cluster:
        raise click.UsageError("--scheduler and --local-cluster exclude each other")
    unknown = [name for name in only if name not in CHECKS]
    if unknown:
        raise click.BadParameter(
            f"no check called {unknown[0]!r}; checks: {', '.join(CHECKS)}", param_hint="'--only'"
        )
    names = list(dict.fromkeys(only)) or list(CHECKS)
    out = out if out is not None else Path("runs/out/validation" + ("-quick" if quick else ""))
    command = " ".join(
        ["bop validate", *(["--quick"] if quick else []), *(f"--only {n}" for n in names if only)]
    )
    try:
        suite = run_suite(
            names,
            out,
            quick=quick,
            command=command,
            workers=workers,
            scheduler=scheduler,
            local_cluster=local_cluster,
            resume=resume,
            progress=progress,
            echo=click.echo,
        )
        written = write_outputs(suite, out)
        if docs is not None:
            write_docs(suite, docs)
            written.append(docs)
    except SweepError as err:
        raise click.ClickException(str(err)) from None
    click.echo(table_text(suite))
    verdicts = [o.evaluation.verdict for o in suite.outcomes]
    tally = ", ".join(f"{verdicts.count(v)} {v}" for v in ("pass", "fail", "finding") if v in verdicts)
    click.echo(f"{len(names)} checks ({tally}) in {suite.seconds:.0f} s")
    click.echo("written: " + ", ".join(map(str, written)))


def main() -> None:
    """Entry point of the `bop` console script."""
    cli()
