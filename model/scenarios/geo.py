"""Capitals and great-circle distances for real worlds.

A COW state's capital comes from `capitals.csv`, joined by the state's COW name, unless
`cow_capitals.csv` says otherwise for that year: a different name in capitals.csv (COW's "United
States of America" is capitals.csv's "United States"), or explicit coordinates for historic states
and capitals that moved (Saint Petersburg until 1918, Almaty until 1997).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from model.params import ParameterError
from model.scenarios.nmc import state_names

EARTH_RADIUS_KM = 6371.0


def haversine(position: np.ndarray) -> np.ndarray:
    """(N, N) great-circle distances in km between (lat, lon) points in degrees (R = 6371 km)."""
    lat, lon = np.radians(np.asarray(position, dtype=float)).T
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _read(name: str) -> pd.DataFrame:
    with resources.files("model.scenarios.data").joinpath(name).open() as f:
        return pd.read_csv(f, keep_default_na=False, na_values=[""])


@cache
def _capitals() -> dict[str, tuple[str, float, float]]:
    frame = _read("capitals.csv")
    return {
        str(name): (str(capital), float(lat), float(lon))
        for name, capital, lat, lon in zip(
            frame["CountryName"],
            frame["CapitalName"],
            frame["CapitalLatitude"],
            frame["CapitalLongitude"],
            strict=True,
        )
    }


@cache
def _overrides() -> pd.DataFrame:
    return _read("cow_capitals.csv")


@cache
def capital(ccode: int, year: int) -> tuple[str, float, float]:
    """(capital name, latitude, longitude) of COW state `ccode` in `year`."""
    rows = _overrides()
    hit = rows[(rows["ccode"] == ccode) & (rows["from_year"] <= year) & (rows["to_year"] >= year)]
    country = state_names().get(ccode)
    if len(hit):
        row = hit.iloc[0]
        if pd.isna(row["capitals_name"]):
            return str(row["capital"]), float(row["latitude"]), float(row["longitude"])
        country = row["capitals_name"]
    if country not in _capitals():
        raise ParameterError(
            f"no capital known for COW code {ccode} in {year}: give lat and lon for this state"
        )
    return _capitals()[country]
