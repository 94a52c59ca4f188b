"""Power from the Correlates of War National Material Capabilities (NMC v6.0) data, any year 1816–2016.

A power index is a weighted mean of a state's shares of the system totals of the six components,
over the components it is not missing (COW's rule: a `-9` is left out of the mean, not counted as 0).
Equal weights give CINC; `{"milex": 1}` the military-expenditure share. Shares are of all states in
the system that year; a scenario renormalises them over the states it chooses.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from model.params import ParameterError

COMPONENTS = ("milex", "milper", "irst", "pec", "tpop", "upop")
FIRST_YEAR, LAST_YEAR = 1816, 2016
POWER_INDICES = ("cinc", "milex", "mix")
TREND_YEARS = 10


@cache
def table() -> pd.DataFrame:
    """The NMC file as shipped in `model/scenarios/data`, `-9` read as missing."""
    with resources.files("model.scenarios.data").joinpath("NMC-60-abridged.csv").open() as f:
        frame = pd.read_csv(f)
    frame[list(COMPONENTS)] = frame[list(COMPONENTS)].astype(float).replace(-9.0, np.nan)
    return frame


def parse_weights(text: str, name: str = "power_weights") -> dict[str, float]:
    """Read 'milex:1,tpop:0.5' into component weights; errors name the parameter."""
    allowed = f"'component:weight' pairs, components from {', '.join(COMPONENTS)}"
    weights: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",")):
        comp, sep, value = part.partition(":")
        try:
            w = float(value) if sep else np.nan
        except ValueError:
            w = np.nan
        if comp.strip() not in COMPONENTS or not (w >= 0 and np.isfinite(w)) or comp.strip() in weights:
            raise ParameterError(f"parameter '{name}' must be {allowed}; got {text!r}")
        weights[comp.strip()] = w
    if sum(weights.values()) <= 0:
        raise ParameterError(f"parameter '{name}' needs a positive weight; got {text!r}")
    return weights


def index_weights(power_index: str, mix: str = "") -> dict[str, float]:
    """Component weights of a power index: cinc (all six equally), milex, or a mix like 'milex:1,tpop:1'."""
    if power_index == "cinc":
        return dict.fromkeys(COMPONENTS, 1.0)
    if power_index == "milex":
        return {"milex": 1.0}
    if power_index == "mix":
        return parse_weights(mix)
    raise ParameterError(
        f"parameter 'power_index' must be one of {', '.join(POWER_INDICES)}, got {power_index!r}"
    )


def power_index(year: int, weights: dict[str, float]) -> pd.Series:
    """Every state's index in `year` (by COW code): weighted mean of its component shares of the
    system totals, over its non-missing components; NaN where all weighted components are missing."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ParameterError(f"NMC year must be from {FIRST_YEAR} to {LAST_YEAR}, got {year}")
    return _index(year, tuple(sorted((c, w) for c, w in weights.items() if w > 0))).copy()


@cache
def _index(year: int, weights: tuple[tuple[str, float], ...]) -> pd.Series:
    rows = table()[table()["year"] == year]
    comps = [c for c, _ in weights]
    values = rows[comps].to_numpy()
    shares = values / np.nansum(values, axis=0)
    w = np.array([w for _, w in weights])
    present = ~np.isnan(shares)
    with np.errstate(invalid="ignore"):
        index = np.nansum(shares * w, axis=1) / (present * w).sum(axis=1)
    return pd.Series(index, index=rows["ccode"].to_numpy(), name="power")


def top_k(year: int, k: int, weights: dict[str, float]) -> list[int]:
    """COW codes of the k states with the largest index in `year`, strongest first."""
    index = power_index(year, weights).dropna()
    return list(index.sort_values(ascending=False, kind="stable").index[:k])


def powers(year: int, ccodes: list[int], weights: dict[str, float]) -> np.ndarray:
    """The chosen states' index in `year`, renormalised to sum to 1 over them."""
    index = power_index(year, weights)
    missing = [c for c in ccodes if c not in index.index or not index[c] > 0]
    if missing:
        raise ParameterError(f"COW code {missing[0]} has no positive power index in the NMC data for {year}")
    chosen = index.loc[ccodes].to_numpy()
    return chosen / chosen.sum()


def growth_trend(year: int, ccodes: list[int], weights: dict[str, float]) -> np.ndarray:
    """Yearly growth of each state's index share: the least-squares slope of log index over the
    previous TREND_YEARS years up to `year` (0 where fewer than two years have data)."""
    years = np.arange(max(FIRST_YEAR, year - TREND_YEARS), year + 1)
    history = pd.DataFrame({y: power_index(int(y), weights) for y in years}).reindex(ccodes)
    slopes = np.zeros(len(ccodes))
    for k, row in enumerate(history.to_numpy()):
        ok = row > 0
        if ok.sum() >= 2:
            slopes[k] = np.polyfit(years[ok], np.log(row[ok]), 1)[0]
    return slopes


@cache
def state_names() -> dict[int, str]:
    """COW code → state name from the COW state list."""
    with resources.files("model.scenarios.data").joinpath("cow-states2016.csv").open() as f:
        states = pd.read_csv(f)
    return dict(states.drop_duplicates("ccode").set_index("ccode")["statenme"])
