"""Global sensitivity analysis (SALib): Morris or Sobol indices of the main outcomes over parameter ranges.

A sensitivity file is an experiment file (docs/experiments.md) whose design is a SALib sample instead
of a grid: `[bounds]` gives [low, high] for each numeric parameter, `method` is morris or sobol, `n`
the number of Morris trajectories or Sobol base samples. Each sample point is a design point of an
ordinary sweep (so it runs on any executor, is written as it finishes and can be resumed), replicated
with the same seeds at every point; an output's value at a point is its mean over the replications.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from bop.analysis.outcomes import OUTCOMES, numeric
from bop.experiments.experiment import (
    MAX_RUNS,
    Experiment,
    ExperimentError,
    check_size,
    integer_field,
    parse_experiment,
    read_toml,
)
from model.model import BalanceOfPowerModel
from model.params import PARAMS, ParameterError, shown, suggest, validate
from model.scenarios import get_scenario

KEYS = ("method", "n", "levels", "bounds", "outputs")
METHODS = ("morris", "sobol")
# Outputs: any outcome of `bop.analysis.outcomes` (`numeric`: shares as 0/1, the time to equilibrium at
# its value censored at the horizon, so every sample point has one) or any numeric summary field.
DEFAULT_OUTPUTS = ("b_max", "hegemony", "essential_survivors", "time_to_equilibrium", "wars")
# The columns of `indices`: the index to rank parameters by comes first.
MAX_LEVELS = 1000  # Morris grid levels: far more than screening needs (4 to 10 is usual)
COLUMNS = {"morris": ("mu_star", "mu_star_conf", "mu", "sigma"), "sobol": ("ST", "ST_conf", "S1", "S1_conf")}


@dataclass
class Sensitivity:
    """A checked sensitivity analysis: the sweep that runs it and how to turn its results into indices."""

    experiment: Experiment  # its points are the SALib sample, in sample order
    method: str
    n: int
    levels: int
    bounds: dict[str, list[float]]
    outputs: list[str]
    sample: np.ndarray  # SALib's sample in parameter units (before integers are rounded)

    @property
    def problem(self) -> dict[str, Any]:
        """The SALib problem: names and bounds."""
        return {
            "num_vars": len(self.bounds),
            "names": list(self.bounds),
            "bounds": list(self.bounds.values()),
        }


def load_sensitivity(path: Path, max_runs: int = MAX_RUNS) -> Sensitivity:
    """Read and check a sensitivity file; every problem raises ExperimentError naming its key."""
    text, raw = read_toml(path, "sensitivity")
    sens = parse_sensitivity(raw, Path(path).stem, Path(path).parent, max_runs)
    sens.experiment.text = text
    return sens


def parse_sensitivity(
    raw: Mapping[str, Any],
    default_name: str = "sensitivity",
    folder: Path | None = None,
    max_runs: int = MAX_RUNS,
) -> Sensitivity:
    """Check the file and draw the SALib sample (seeded by the file's seed); at most `max_runs` runs."""
    for key in ("grid", "sample"):
        if key in raw:
            raise ExperimentError(f"{key}: a sensitivity file takes [bounds], not [{key}]")
    base = parse_experiment({k: v for k, v in raw.items() if k not in KEYS}, default_name, folder, max_runs)
    method = raw.get("method", "morris")
    if method not in METHODS:
        raise ExperimentError(f"method: must be one of {', '.join(METHODS)}, got {shown(method)}")
    n = integer_field(raw, "n", 10, low=2)
    if method == "sobol" and n & (n - 1):
        raise ExperimentError(f"n: Sobol' sampling needs a power of 2 (e.g. 8, 16, 64), got {shown(n)}")
    levels = integer_field(raw, "levels", 4, low=2, high=MAX_LEVELS)
    if levels % 2:
        raise ExperimentError(f"levels: Morris levels must be even, got {levels}")
    scenario = get_scenario(base.scenario)
    specs = {**PARAMS, **scenario.params}
    bounds = _bounds(raw.get("bounds"), specs, base.fixed)
    outputs = _outputs(raw.get("outputs", list(DEFAULT_OUTPUTS)))

    # Morris: n trajectories of k + 1 points; Sobol' (no second order): n (k + 2) points
    check_size(n * (len(bounds) + (1 if method == "morris" else 2)), base.replications, max_runs)
    problem = {"num_vars": len(bounds), "names": list(bounds), "bounds": list(bounds.values())}
    sample = _sample(method, problem, n, levels, base.seed)
    points = []
    for index, row in enumerate(sample):
        values = {
            name: round(float(v)) if specs[name].kind is int else float(v)
            for name, v in zip(bounds, row, strict=True)
        }
        try:
            points.append(
                validate({"scenario": base.scenario, **base.fixed, **values}, extra=scenario.params)
            )
        except ParameterError as err:
            raise ExperimentError(f"bounds: sample point {index} ({values}): {err}") from None
    described = {"method": method, "n": n, "levels": levels, "ranges": bounds, "outputs": outputs}
    experiment = dataclasses.replace(base, points=points, varied=list(bounds), sample=described)
    return Sensitivity(experiment, method, n, levels, bounds, outputs, sample)


def point_outputs(sens: Sensitivity, runs: pd.DataFrame) -> pd.DataFrame:
    """Each output's mean over replications at each sample point (rows in sample order)."""
    ok = runs[runs["status"] == "ok"]
    missing = sorted(set(range(len(sens.experiment.points))) - set(ok["point"]))
    if missing:
        raise ValueError(
            f"{len(missing)} sample points have no successful run (first: point {missing[0]}); "
            "indices need every point: finish the sweep with --resume, or look at the failed runs"
        )
    values = pd.DataFrame({name: numeric(ok, name) for name in sens.outputs})
    return values.groupby(ok["point"].to_numpy()).mean().sort_index()


def indices(sens: Sensitivity, runs: pd.DataFrame) -> pd.DataFrame:
    """Sensitivity indices of every output to every parameter, one row per (output, parameter).

    Morris: mu_star (mean absolute elementary effect, in the output's units per full range), its 95%
    bootstrap half-width, mu and sigma. Sobol: total-order ST and first-order S1 with 95% half-widths.
    """
    from SALib.analyze import morris, sobol

    values = point_outputs(sens, runs)
    rows = []
    for name in sens.outputs:
        y = values[name].to_numpy(float)
        if sens.method == "morris":
            result = morris.analyze(
                sens.problem, sens.sample, y, num_levels=sens.levels, seed=sens.experiment.seed
            )
        else:
            result = sobol.analyze(sens.problem, y, calc_second_order=False, seed=sens.experiment.seed)
        for i, parameter in enumerate(sens.bounds):
            row: dict[str, Any] = {"output": name, "parameter": parameter}
            row.update({column: float(np.asarray(result[column])[i]) for column in COLUMNS[sens.method]})
            rows.append(row)
    return pd.DataFrame(rows)


def figure(table: pd.DataFrame, method: str, title: str) -> Figure:
    """One panel per output: the ranking index of each parameter with its 95% half-width."""
    index, conf = COLUMNS[method][:2]
    outputs = list(dict.fromkeys(table["output"]))
    fig = Figure(
        figsize=(4.2 * len(outputs), 0.35 * table["parameter"].nunique() + 1.8), layout="constrained"
    )
    for ax, name in zip(fig.subplots(1, len(outputs), squeeze=False)[0], outputs, strict=True):
        part = table[table["output"] == name]
        y = np.arange(len(part))
        ax.barh(y, part[index], xerr=part[conf].abs().fillna(0), capsize=2)
        ax.set_yticks(y, part["parameter"], fontsize="small")
        ax.invert_yaxis()
        ax.set_title(name, fontsize="medium")
        ax.set_xlabel(index)
    fig.suptitle(f"{title}: {method} indices (95% intervals)")
    return fig


def write_indices(sens: Sensitivity, runs: pd.DataFrame, folder: Path) -> tuple[pd.DataFrame, list[Path]]:
    """Compute the indices and write indices.csv and indices.png into the sweep folder."""
    table = indices(sens, runs)
    written = [folder / "indices.csv", folder / "indices.png"]
    table.to_csv(written[0], index=False)
    figure(table, sens.method, sens.experiment.name).savefig(written[1], dpi=110)
    return table, written


def _sample(method: str, problem: dict[str, Any], n: int, levels: int, seed: int) -> np.ndarray:
    from SALib.sample import morris, sobol

    if method == "morris":
        return morris.sample(problem, n, num_levels=levels, seed=seed)
    return sobol.sample(problem, n, calc_second_order=False, seed=seed)


def _bounds(raw: Any, specs: Mapping[str, Any], fixed: Mapping[str, Any]) -> dict[str, list[float]]:
    if not isinstance(raw, dict) or not raw:
        raise ExperimentError("bounds: missing or empty; give [low, high] for each parameter to vary")
    bounds = {}
    for name, pair in raw.items():
        where = f"bounds.{name}"
        if name not in specs:
            raise ExperimentError(f"{where}: unknown parameter; {suggest(name, specs)}")
        spec = specs[name]
        if spec.kind not in (int, float):
            raise ExperimentError(f"{where}: only numeric parameters can be varied; set it in [params]")
        if name in fixed:
            raise ExperimentError(f"{where}: parameter '{name}' is already set in [params]")
        if not (isinstance(pair, list) and len(pair) == 2):
            raise ExperimentError(f"{where}: must be [low, high], got {shown(pair)}")
        try:
            low, high = (spec.check(v) for v in pair)
        except ParameterError as err:
            raise ExperimentError(f"{where}: {err}") from None
        if not low < high:
            raise ExperimentError(f"{where}: low {low} must be below high {high}")
        bounds[name] = [float(low), float(high)]
    return bounds


def _outputs(raw: Any) -> list[str]:
    known = [*OUTCOMES, *_numeric_summary_fields()]
    if not isinstance(raw, list) or not raw or any(name not in known for name in raw):
        raise ExperimentError(f"outputs: must be a non-empty list of {', '.join(known)}; got {shown(raw)}")
    return list(dict.fromkeys(raw))


def _numeric_summary_fields() -> list[str]:
    """The summary fields that are numbers (read off a two-state model, which costs nothing)."""
    summary = BalanceOfPowerModel(rng=0, n_states=2, record_states=False).summary()
    return [k for k, v in summary.items() if isinstance(v, int | float) and not isinstance(v, bool)]
