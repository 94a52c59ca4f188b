"""What a validation check is, what it returns, and the registry the `bop validate` suite reads.

A check (one module in `bop/validation/`) declares a fact from the literature or the historical
record: its source, the data it reads, the world it runs and why, and an experiment (an ordinary
sweep, `bop.experiments`) at two sizes. `evaluate` reads the finished sweep and returns rows: a
statistic, its data value, the model's value with a 95 % interval, the target and a verdict (pass,
fail, or finding when the fact is a question the model answers rather than a target), with a text
generated from the numbers, never written by hand.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from bop.experiments.experiment import Experiment, parse_experiment

VERDICTS = ("pass", "fail", "finding")


@dataclass(frozen=True)
class Row:
    """One statistic of a check: the data's value (as text: a number, an interval, or what theory
    expects), the model's value with its 95 % interval, the target and the verdict."""

    statistic: str
    data: str
    model: float
    lo: float
    hi: float
    target: str
    verdict: str

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, got {self.verdict!r}")


@dataclass
class Evaluation:
    """What a check found: its rows, a text generated from them, Markdown details (sub-tables) and
    whatever its figure needs."""

    rows: list[Row]
    text: str
    details: str = ""
    plot: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        """fail if any row fails; else pass if any row passes; else finding."""
        verdicts = {row.verdict for row in self.rows}
        return "fail" if "fail" in verdicts else "pass" if "pass" in verdicts else "finding"


@dataclass(frozen=True)
class Check:
    """One fact and how the model is scored against it (see the module docstring)."""

    name: str  # the folder under --out and the name --only takes
    fact: str  # the fact, in one line
    source: str  # full citation(s)
    data: str  # what data the check reads, and where it comes from
    world: str  # which worlds it runs, and why those
    design: Callable[[bool], dict[str, Any]]  # quick → the experiment as a TOML-like dict
    evaluate: Callable[[Path], Evaluation]  # the finished sweep's folder → the evaluation
    draw: Callable[[Evaluation, Figure], None]  # the figure of the evaluation
    requires: tuple[str, ...] = ()  # importable modules it needs beyond the package's dependencies

    def experiment(self, quick: bool) -> Experiment:
        """The check's sweep, at reduced size when `quick`."""
        return parse_experiment(self.design(quick), default_name=self.name)


REGISTRY: dict[str, Check] = {}


def register(check: Check) -> Check:
    """Add a check to the suite (in import order, which is the order of the table)."""
    REGISTRY[check.name] = check
    return check


def number(value: float) -> str:
    """A value as the table shows it: integers and values from 100 up without decimals, others to 3
    decimals; nan as '—'."""
    if value is None or not math.isfinite(value):
        return "—"
    if (float(value).is_integer() and abs(value) >= 1) or abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.3f}"


def interval(value: float, lo: float, hi: float) -> str:
    """'value [lo, hi]', or the value alone when the interval is not defined."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return number(value)
    return f"{number(value)} [{number(lo)}, {number(hi)}]"


def state_arrays(states: pd.DataFrame, column: str) -> dict[int, tuple[list[str], np.ndarray]]:
    """Per run, the state names and a (steps, states) array of one column of the per-state history
    (`load_steps(folder, "states")`), NaN where a state is dead. Rows of a run are step-major with
    the states in the model's order, as `states_frame` writes them."""
    arrays = {}
    for run, frame in states.groupby("run", sort=True):
        run = cast(int, run)
        names = list(dict.fromkeys(frame["state"]))
        shape = (len(frame) // len(names), len(names))
        values = frame[column].to_numpy(float).reshape(shape)
        alive = frame["alive"].to_numpy(bool).reshape(shape)
        arrays[int(run)] = (names, np.where(alive, values, np.nan))
    return arrays
