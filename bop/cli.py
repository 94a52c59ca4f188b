"""The `bop` command: run one simulation, list scenarios, run sweeps and sensitivity analyses, report.

Every bad input ends as one line on stderr (`bop: error: ...`, exit 2), never a traceback; so does a
problem met on the way (a full disk, a locked folder: exit 1) and a sweep stopped by Ctrl-C or
SIGTERM (exit 130 or 143, the finished runs saved).
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import signal
import socket
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bop.experiments.experiment import MAX_RUNS, MAX_STEPS
from bop.experiments.store import FolderError, OutError, check_writable
from model.params import Param, ParameterError, nearest, parse_text, shown
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
    """A command group whose errors are one line on stderr, never a usage dump or a traceback.

    An exception no command expected is a bug: it too is one line, saying so (BOP_DEBUG=1 re-raises it
    to show the traceback).
    """

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as err:  # `bop` alone: its help, as `bop -h` gives it
            click.echo(err.ctx.get_help())
            sys.exit(0)
        except click.ClickException as err:
            click.echo(f"bop: error: {' '.join(err.format_message().split())}", err=True)
            sys.exit(err.exit_code)
        except click.Abort:
            click.echo("bop: aborted", err=True)
            sys.exit(130)
        except MemoryError:
            click.echo(
                "bop: error: out of memory (is the world or the design too large for this machine?)", err=True
            )
            sys.exit(1)
        except Exception as err:
            if os.environ.get("BOP_DEBUG"):
                raise
            click.echo(
                f"bop: error: internal error ({type(err).__name__}: {shown(str(err), 200)}); this is a bug, "
                "please report it (BOP_DEBUG=1 shows the traceback)",
                err=True,
            )
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


class Interrupted(click.ClickException):
    """A sweep stopped by Ctrl-C (SIGINT): exit 130, as a shell reports it."""

    exit_code = 128 + signal.SIGINT


class Terminated(click.ClickException):
    """A sweep stopped by SIGTERM: exit 143, as a shell reports it."""

    exit_code = 128 + signal.SIGTERM


def stopped(signum: int) -> click.ClickException:
    """The one-line error of a sweep stopped by a signal."""
    kind = Terminated if signum == signal.SIGTERM else Interrupted
    name = signal.Signals(signum).name
    return kind(f"stopped by {name}: the finished runs are saved; finish the sweep with --resume")


def out_folder(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    """--out: a folder name (an empty one would mean the current folder)."""
    if value is None:
        return None
    if not value.strip():
        raise click.BadParameter("give a folder name (an empty one would write into the current folder)")
    return Path(value)


def out_option(help: str) -> Any:
    """The --out option of each command that writes."""
    return click.option("--out", callback=out_folder, metavar="FOLDER", help=help)


def writable(out: Path) -> None:
    """Check --out before any work: made if missing, writable, not a file."""
    try:
        check_writable(out)
    except OutError as err:
        raise click.UsageError(str(err)) from None


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="balance-of-power")
def cli() -> None:
    """balance-of-power: alliances, balancing and equilibrium among states (Mesa 3)."""


@cli.command()
@click.option("--scenario", default=None, help="World to build (default: random).")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE", help="Set a parameter.")
@click.option(
    "--steps", default=200, show_default=True, type=click.IntRange(0, MAX_STEPS), help="Years to run."
)
@click.option("--seed", default=42, show_default=True, type=click.IntRange(min=0))
@out_option("Write results here.")
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
    if out is not None:
        writable(out)  # before the simulation, not after it
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


def odd_default(spec: Param) -> str:
    """A default as docs/ODD.md's parameter table writes it: unset, true/false, the value."""
    if spec.default is None:
        return "unset"
    return str(spec.default).lower() if isinstance(spec.default, bool) else str(spec.default)


def odd_range(spec: Param) -> str:
    """The allowed values as docs/ODD.md's parameter table writes them: choices, true/false, low – high."""
    if spec.choices:
        return ", ".join(spec.choices)
    if spec.kind is bool:
        return "true, false"
    if spec.low is not None or spec.high is not None:
        return f"{spec.low:g} – {spec.high:g}"
    return "text"


def param_rows(scenario: str | None) -> tuple[list[tuple[str, str, str, str, str]], list[str]]:
    """(name, default, range, ODD section, meaning) of every parameter a run of `scenario` uses (all
    model parameters without one; then the scenario's own, documented in ODD §5 and
    docs/scenarios.md), and the model parameters the scenario ignores."""
    from model.params import PARAMS

    world = get_scenario(scenario) if scenario is not None else None
    ignored = sorted(world.ignores) if world is not None else []
    specs = [p for p in PARAMS.values() if p.name not in ignored]
    specs += list(world.params.values()) if world is not None else []
    rows = [
        (p.name, odd_default(p), odd_range(p), f"§{p.odd or '5'}", " ".join(p.doc.split())) for p in specs
    ]
    return rows, ignored


@cli.command()
@click.option("--scenario", default=None, help="Also its own parameters; leave out those it ignores.")
@click.option("--markdown", is_flag=True, help="A Markdown table (docs/ODD.md's, with the section).")
def params(scenario: str | None, markdown: bool) -> None:
    """Every parameter: default, allowed range, ODD section and meaning (--set NAME=VALUE sets one)."""
    try:
        rows, ignored = param_rows(scenario)
    except ParameterError as err:
        raise click.BadParameter(str(err), param_hint="'--scenario'") from None
    if markdown:
        header = ("parameter", "default", "range", "ODD", "meaning")
        click.echo("| " + " | ".join(header) + " |\n" + "|---" * len(header) + "|")
        for name, *cells in rows:
            click.echo("| " + " | ".join([f"`{name}`", *cells]) + " |")
    else:
        for name, default, allowed, section, meaning in rows:
            click.echo(f"{name} = {default}   ({allowed})   ODD {section}")
            click.echo(textwrap.fill(meaning, 100, initial_indent="    ", subsequent_indent="    "))
    if ignored:
        click.echo(f"\nnot used by scenario {scenario} (refused by --set): {', '.join(ignored)}")
    elif scenario is None and not markdown:
        click.echo(
            "\nbop params --scenario NAME adds a scenario's own parameters (bop scenarios lists them)."
        )


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
# More workers than four per core only add memory (each holds a model): a typo must not start thousands.
MAX_WORKERS = 4 * (os.cpu_count() or 1)
workers_option = click.option(
    "--workers",
    type=click.IntRange(1, MAX_WORKERS),
    default=None,
    help=f"Parallel runs (default: the number of cores; 1 runs in this process; at most {MAX_WORKERS}).",
)
progress_option = click.option(
    "--progress/--no-progress", default=None, help="Progress bar (default: on a terminal, not in CI)."
)
max_runs_option = click.option(
    "--max-runs",
    type=click.IntRange(min=1),
    default=MAX_RUNS,
    show_default=True,
    help="Refuse a plan of more runs than this (a typo in a grid must not fill the disk).",
)
allow_versions_option = click.option(
    "--allow-version-change",
    is_flag=True,
    help="Let --resume go on with other package versions than the sweep started with.",
)


def scheduler_address(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--scheduler: an address Dask can parse, checked before anything else."""
    from bop.experiments.sweep import SweepError, check_scheduler

    if value is not None:
        try:
            check_scheduler(value)
        except SweepError as err:
            raise click.BadParameter(str(err).removeprefix("--scheduler: ")) from None
    return value


scheduler_option = click.option(
    "--scheduler",
    metavar="ADDRESS",
    callback=scheduler_address,
    help="Run on an existing Dask cluster (tcp://host:port).",
)
local_cluster_option = click.option(
    "--local-cluster", is_flag=True, help="Start a Dask LocalCluster on 127.0.0.1 for the sweep."
)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@workers_option
@scheduler_option
@local_cluster_option
@out_option("Output folder (default: out/<name> beside the experiment file).")
@click.option("--resume", is_flag=True, help="Finish a sweep that was stopped: run only the missing runs.")
@click.option(
    "--force",
    is_flag=True,
    help="Start again in a folder that holds a sweep: the old folder is moved aside to FOLDER.old-<time> "
    "(nothing is deleted), once no sweep is running in it.",
)
@click.option("--dry-run", is_flag=True, help="Check the file and show the plan; run nothing.")
@click.option(
    "--batch",
    type=click.IntRange(1, 10_000),
    default=None,
    help="Runs per batch, written as one part per dataset (default: about 32 batches per worker, "
    "at most 256 runs; a kill loses at most the batches in flight).",
)
@max_runs_option
@allow_versions_option
@progress_option
def sweep(
    file: Path,
    workers: int | None,
    scheduler: str | None,
    local_cluster: bool,
    out: Path | None,
    resume: bool,
    force: bool,
    dry_run: bool,
    batch: int | None,
    max_runs: int,
    allow_version_change: bool,
    progress: bool | None,
) -> None:
    """Run the experiment in FILE (TOML; see docs/experiments.md): every grid point × replication.

    The runs are written to FOLDER as they finish; at the end they are merged into one file per dataset
    (results.parquet, model.parquet, ...) and results.csv.
    """
    from bop.experiments.experiment import ExperimentError, load_experiment
    from bop.experiments.store import finished_runs, read_manifest

    if scheduler and local_cluster:
        raise click.UsageError("--scheduler and --local-cluster exclude each other")
    if force and resume:
        raise click.UsageError("--force and --resume exclude each other (--force starts the sweep again)")
    try:
        experiment = load_experiment(file, max_runs)
    except ExperimentError as err:
        raise click.UsageError(f"{file}: {err}") from None
    out = out if out is not None else file.parent / "out" / experiment.name
    if dry_run:
        try:
            done = len(finished_runs(out)) if read_manifest(out) is not None else 0
        except FolderError as err:
            raise click.ClickException(str(err)) from None
        click.echo(plan(experiment, out, done))
        return
    result = _sweep(
        experiment,
        out,
        workers=workers,
        scheduler=scheduler,
        local_cluster=local_cluster,
        resume=resume,
        progress=progress,
        allow_version_change=allow_version_change,
        force=force,
        batch=batch,
    )
    rate = result.ran / result.seconds if result.seconds > 0 else 0.0
    written = merged_files(result.merged) if result.merged else []
    files = f" (merged into {', '.join(written)})" if written else ""
    click.echo(
        f"{experiment.name}: ran {result.ran} runs in {result.seconds:.1f} s ({rate:.2f} runs/s) on "
        f"{result.executor}; {result.skipped} were already done; results in {out}/{files}"
    )
    if result.failed:
        click.echo(f"bop: warning: {result.failed} runs failed (see the status and error columns)", err=True)


def _sweep(experiment: Experiment, out: Path, **options: Any) -> Any:
    """run_sweep with its errors as one line: bad --out exit 2, folder problem 1, signal 128 + number."""
    from bop.experiments.sweep import Stopped, run_sweep

    try:
        return run_sweep(experiment, out, **options)
    except OutError as err:
        raise click.UsageError(str(err)) from None
    except FolderError as err:
        raise click.ClickException(str(err)) from None
    except Stopped as stop:
        raise stopped(stop.signum) from None


def merged_files(merged: Any) -> list[str]:
    """The files a compaction wrote (store.Compaction), results first: ['results.parquet', ...]."""
    names = sorted(merged.written, key=lambda d: (d != "results", d))
    return [f"{name}.parquet" for name in names] + (["results.csv"] if merged.csv else [])


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def merge(directory: Path) -> None:
    """Merge the parts of the sweep in DIRECTORY into one file per dataset and results.csv.

    A sweep does this itself when it ends; this is for a sweep made before, or one that was stopped
    (its finished runs are merged, and --resume still runs the rest). Waits for no one: a folder in use
    by a running sweep is refused.
    """
    from bop.experiments.store import FolderLock, compact, read_manifest

    try:
        with FolderLock(directory):
            manifest = read_manifest(directory)
            if manifest is None:
                raise click.ClickException(f"{directory} is not a sweep folder (no _manifest.json)")
            merged = compact(directory)
    except OutError as err:
        raise click.ClickException(str(err).removeprefix("--out: ")) from None
    except FolderError as err:
        raise click.ClickException(str(err)) from None
    except OSError as err:
        raise click.ClickException(
            f"cannot merge {directory}: {err.strerror or err}; the parts are kept as they were"
        ) from None
    files = merged_files(merged)
    what = f"wrote {', '.join(files)}" if files else "nothing to merge"
    click.echo(f"{directory}: {what}; {merged.runs} runs in results.parquet, {merged.removed} parts removed")
    if merged.runs < manifest["runs"]:
        click.echo(
            f"bop: note: {merged.runs} of {manifest['runs']} runs are finished and merged; "
            f"bop sweep FILE --out {directory} --resume runs the rest",
            err=True,
        )
    if merged.left:
        shown_runs = ", ".join(map(str, merged.left[:10])) + (", ..." if len(merged.left) > 10 else "")
        click.echo(
            f"bop: note: runs {shown_runs} have unreadable parts and were left as they are; "
            "bop sweep FILE --resume runs them again",
            err=True,
        )


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
@out_option("Write the report here (default: DIRECTORY).")
@click.option("--x", "x", metavar="FACTOR", help="The varied parameter on the x axis (default: most levels).")
@click.option("--color", metavar="FACTOR", help="The one drawn in colours (default: the next most levels).")
@click.option("--facet", metavar="FACTOR", help="The one that splits the panels (default: a third).")
@click.option(
    "--outcome",
    "outcomes",
    multiple=True,
    metavar="NAME",
    help="Draw this outcome (repeat, or NAME,NAME; default: the table's; names: bop/analysis/outcomes.py).",
)
@click.option(
    "--compare",
    metavar="FACTOR",
    help="Also give paired differences (same seeds) between each level of this varied parameter and "
    "a reference level.",
)
@click.option(
    "--reference", metavar="LEVEL", help="The level --compare measures against (default: the first)."
)
@click.option(
    "--focus",
    metavar="STATE",
    help="Also report this state's fortunes (survival, security, autonomy, wars, share) per design "
    "point: from the sweep's [record] focus, or from its per-state logs (docs/experiments.md).",
)
def report(
    directory: Path,
    out: Path | None,
    x: str | None,
    color: str | None,
    facet: str | None,
    outcomes: tuple[str, ...],
    compare: str | None,
    reference: str | None,
    focus: str | None,
) -> None:
    """Summarise the sweep in DIRECTORY: outcomes per design point (CSV, Markdown) with 95% intervals,
    and one figure per outcome against the factors (figures/NAME.png and .svg)."""
    from bop.analysis.report import outcome_names, write_report

    if reference is not None and compare is None:
        raise click.UsageError("--reference needs --compare FACTOR")
    try:
        outcome_names(outcomes)
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    try:
        text, written = write_report(directory, out, compare, reference, x, color, facet, outcomes, focus)
    except OutError as err:
        raise click.UsageError(str(err)) from None
    except (FileNotFoundError, ValueError, FolderError) as err:
        raise click.ClickException(str(err)) from None
    except OSError as err:
        raise click.ClickException(f"cannot write the report: {err.strerror or err}") from None
    click.echo(text, nl=False)
    figures = [p for p in written if p.parent.name == "figures"]
    shown = [str(p) for p in written if p not in figures]
    if figures:
        shown.append(f"{len(figures)} figures in {figures[0].parent}/")
    click.echo("report written to " + ", ".join(shown))


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@workers_option
@out_option("Output folder (default: out/<name> beside the file).")
@click.option(
    "--resume", is_flag=True, help="Finish a stopped analysis, or recompute the indices of a finished one."
)
@max_runs_option
@allow_versions_option
@progress_option
def sensitivity(
    file: Path,
    workers: int | None,
    out: Path | None,
    resume: bool,
    max_runs: int,
    allow_version_change: bool,
    progress: bool | None,
) -> None:
    """Morris or Sobol indices of the outcomes over the parameter bounds in FILE (docs/experiments.md)."""
    from bop.analysis.sensitivity import COLUMNS, load_sensitivity, write_indices
    from bop.experiments.experiment import ExperimentError
    from bop.experiments.results import load_sweep

    try:
        sens = load_sensitivity(file, max_runs)
    except ExperimentError as err:
        raise click.UsageError(f"{file}: {err}") from None
    experiment = sens.experiment
    out = out if out is not None else file.parent / "out" / experiment.name
    result = _sweep(
        experiment,
        out,
        workers=workers,
        resume=resume,
        progress=progress,
        allow_version_change=allow_version_change,
    )
    try:
        table, written = write_indices(sens, load_sweep(out), out)
    except (ValueError, FolderError) as err:
        raise click.ClickException(str(err)) from None
    except OSError as err:
        raise click.ClickException(f"cannot write the indices to {out}: {err.strerror or err}") from None
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
        hint = f"did you mean {close}? " if (close := nearest(unknown[0], CHECKS)) else ""
        raise click.BadParameter(
            f"no check called {unknown[0]!r}; {hint}checks: {', '.join(CHECKS)}", param_hint="'--only'"
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
