"""The `bop` command line: run simulations and inspect their results."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from model.params import ParameterError, parse_text
from model.scenarios import get_scenario
from model.sensitivity_cli import sensitivity
from model.sweep_cli import report, sweep


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


cli.add_command(sweep)
cli.add_command(report)
cli.add_command(sensitivity)


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
    from model.model import BalanceOfPowerModel
    from model.output import write_run

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
    from model import calibration

    if last - first + 1 < calibration.MIN_YEARS:
        raise click.BadParameter(f"needs at least {calibration.MIN_YEARS} years", param_hint="'--from/--to'")
    fitted = calibration.calibrate(first, last, top, replicates=replicates, seed=seed)
    click.echo(calibration.format_report(fitted))


def main() -> None:
    """Entry point of the `bop` console script."""
    cli()
