"""The `nmc` scenario: the strongest states of any year 1816–2016 from the COW NMC data."""

from __future__ import annotations

from typing import Any

import numpy as np

from model.params import Param, ParameterError
from model.scenarios import calibration, geo, nmc
from model.scenarios.random_world import assign_strategies
from model.scenarios.spec import DEFAULT_DISTANCE_SCALE_KM, GROWTH_CAP
from model.scenarios.world import World

PARAMS = {
    p.name: p
    for p in [
        Param(
            "nmc_year",
            int,
            2016,
            "Year of the NMC data the world is built from.",
            nmc.FIRST_YEAR,
            nmc.LAST_YEAR,
        ),
        Param("nmc_top_k", int, 20, "Number of states: the strongest by the power index.", 2, 250),
        Param(
            "nmc_states",
            str,
            None,
            "Comma-separated COW abbreviations or codes (e.g. 'USA,RUS,CHN,KZK'); overrides nmc_top_k.",
            optional=True,
        ),
        Param(
            "power_index",
            str,
            "cinc",
            "Power index: cinc, milex (expenditure share) or mix (power_weights).",
            choices=nmc.POWER_INDICES,
        ),
        Param(
            "power_weights", str, "milex:1", "Component weights for power_index=mix, e.g. 'milex:1,tpop:1'."
        ),
        GROWTH_CAP,
        Param("nmc_revisionism", float, 0.3, "Revisionism of every state (no data source for it).", 0.0, 1.0),
    ]
}


def chosen_states(params: dict[str, Any], weights: dict[str, float]) -> list[int]:
    """COW codes from nmc_states (abbreviations or codes), else the top nmc_top_k of the year."""
    year = params["nmc_year"]
    if params["nmc_states"] is None:
        return nmc.top_k(year, params["nmc_top_k"], weights)
    rows = nmc.table()[nmc.table()["year"] == year]
    by_abb = dict(zip(rows["stateabb"], rows["ccode"], strict=True))
    codes = []
    for item in (t.strip() for t in params["nmc_states"].split(",")):
        code = int(item) if item.isdigit() else by_abb.get(item.upper())
        if code is None or code not in set(rows["ccode"]) or code in codes:
            raise ParameterError(
                f"parameter 'nmc_states': {item!r} is not a state of {year} (or is repeated); "
                f"states of {year}: {', '.join(rows['stateabb'])}"
            )
        codes.append(code)
    if len(codes) < 2:
        raise ParameterError("parameter 'nmc_states' must name at least two states")
    return codes


FITTED = ("growth_reversion", "growth_volatility")  # a real world fits these on its own past (ou)


def growth_from_data(
    year: int, codes: list[int], weights: dict[str, float], params: dict[str, Any]
) -> tuple[np.ndarray, dict[str, Any]]:
    """Each state's growth and the World's process fields: fixed, the capped 10-year trend (v1);
    ou, the hindcast of the years before `year` (drifts shrunk toward the group mean, κ and σ
    fitted; each state reverts to its own start level). docs/ODD.md §5, §7.1."""
    cap = params["nmc_growth_cap"]
    if params["growth_process"] == "fixed":
        return np.clip(nmc.growth_trend(year, codes, weights), -cap, cap), {}
    past = calibration.hindcast(year, codes, weights)
    process = {"reversion": past.reversion, "volatility": past.volatility, "anchored": True}
    return np.clip(past.drift, -cap, cap), process


def build(params: dict[str, Any], rng: np.random.Generator) -> World:
    """The chosen states of nmc_year: renormalised index powers, growth from the data, capitals."""
    year = params["nmc_year"]
    weights = nmc.index_weights(params["power_index"], params["power_weights"])
    codes = chosen_states(params, weights)
    names = nmc.state_names()
    position = np.array([geo.capital(c, year)[1:] for c in codes])
    growth, process = growth_from_data(year, codes, weights, params)
    return World(
        names=[names[c] for c in codes],
        power=nmc.powers(year, codes, weights),
        growth=growth,
        position=position,
        revisionism=np.full(len(codes), params["nmc_revisionism"]),
        strategy=assign_strategies(len(codes), params, rng),
        distance=geo.haversine(position),
        distance_scale=DEFAULT_DISTANCE_SCALE_KM,
        units="km",
        **process,
    )
