"""Export and share a run of the visual server: its frames as files, and the command that re-runs it.

The download holds the same frames `bop run --out` writes (`model.model_frame()`, `states_frame()`,
`events_frame()`, `wars_frame()`, through `bop.experiments.output.write_run`, with its summary.json),
as Parquet or as CSV (list columns of the war log joined with ";"), and command.txt. The command
names only what differs from the defaults, so it reads as the experiment it is.
"""

from __future__ import annotations

import io
import math
import shlex
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from bop.experiments.output import write_run
from model.model import BalanceOfPowerModel
from model.params import PARAMS
from model.scenarios import get_scenario

# Parameters that change what is recorded, not what happens (`bop run` records states anyway).
NOT_IN_COMMAND = ("scenario", "record_states")
FRAMES = ("model", "states", "events", "wars", "ties")


def set_value(value: Any) -> str:
    """A parameter value as `--set` reads it back (model.params.parse_text): exact for floats."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    return str(value)


def changed_params(model: BalanceOfPowerModel) -> dict[str, Any]:
    """The run's parameters that differ from their defaults, leaving out those its scenario ignores."""
    scenario = get_scenario(model.params["scenario"])
    specs = {**PARAMS, **scenario.params}
    return {
        name: value
        for name, value in model.params.items()
        if name not in NOT_IN_COMMAND and name not in scenario.ignores and value != specs[name].default
    }


def command(model: BalanceOfPowerModel, seed: int | None, steps: int | None = None) -> str:
    """`bop run ...` that reproduces the run to year `steps` (default: now); the seed must be known."""
    if seed is None:
        raise ValueError("this run has no known seed, so no command reproduces it")
    parts = ["bop", "run"]
    if model.params["scenario"] != PARAMS["scenario"].default:
        parts += ["--scenario", model.params["scenario"]]
    for name, value in changed_params(model).items():
        parts += ["--set", f"{name}={set_value(value)}"]
    parts += ["--seed", str(seed), "--steps", str(model.steps if steps is None else steps)]
    return shlex.join(parts)


def frames(model: BalanceOfPowerModel) -> dict[str, pd.DataFrame]:
    """The run's frames, by name (the names of FRAMES)."""
    return {name: getattr(model, f"{name}_frame")() for name in FRAMES}


def csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """List cells (the war log's sides and eliminated) as text joined with ";", for R and Excel."""
    out = frame.copy()
    for column in out.columns:
        if out[column].map(lambda v: isinstance(v, list | tuple)).any():
            out[column] = out[column].map(lambda v: ";".join(map(str, v)))
    return out


def run_archive(model: BalanceOfPowerModel, seed: int | None, kind: str) -> bytes:
    """A zip of the run: model, states, events, wars and ties as `kind` ("parquet" or "csv"),
    summary.json and command.txt."""
    if kind not in ("parquet", "csv"):
        raise ValueError(f"kind must be parquet or csv, got {kind!r}")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, tempfile.TemporaryDirectory() as tmp:
        for path in write_run(model, Path(tmp)):  # the Parquet files and summary.json of `bop run --out`
            if kind == "parquet" or path.suffix == ".json":
                archive.write(path, path.name)
        if kind == "csv":
            for name, frame in frames(model).items():
                archive.writestr(f"{name}.csv", csv_ready(frame).to_csv(index=False))
        if seed is not None:
            archive.writestr("command.txt", command(model, seed) + "\n")
    return buffer.getvalue()
