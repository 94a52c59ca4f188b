"""Build the World of a scenario file: NMC powers and growth trends, capitals, great-circle distances.

Powers are in NMC index units (a state's share of world capabilities); a number in the file is read
in the same units; all powers are then renormalised to sum to 1 over the scenario's states.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import numpy as np

from model.params import ParameterError
from model.scenarios import geo, nmc
from model.scenarios.nmc_world import FITTED, growth_from_data
from model.scenarios.scenario import Scenario
from model.scenarios.spec import (
    RANDOM_ONLY,
    STRUCTURE,
    ScenarioSpec,
    StateSpec,
    fail,
    load,
    scenario_params,
)
from model.scenarios.structure import DATA, restructure
from model.scenarios.world import World


def apply_knobs(spec: ScenarioSpec, params: dict[str, Any]) -> list[StateSpec]:
    """The states with the scenario parameters (knobs) applied to their fields."""
    states = {s.name: s for s in spec.states}
    for knob in spec.knobs.values():
        value = params[knob.name]
        if knob.field == "growth" and value is None:
            continue
        if knob.field == "alliance":
            value = None if value == "none" else value
        states[knob.state] = replace(states[knob.state], **{knob.field: value})
    return list(states.values())


def build_world(spec: ScenarioSpec, params: dict[str, Any]) -> World:
    """The initial world of a scenario file under validated `params`."""
    states = apply_knobs(spec, params)
    weights = nmc.index_weights(params["power_index"], params["power_weights"])
    power = np.array([s.power if s.power is not None else np.nan for s in states])
    from_nmc = np.isnan(power)
    if from_nmc.any():
        assert spec.year is not None  # the loader refuses "nmc" values without a year
        index = nmc.power_index(spec.year, weights)
        for k in np.flatnonzero(from_nmc):
            value = index.get(states[k].cow, np.nan)
            if not value > 0:
                fail(
                    spec.source,
                    f"state {states[k].name!r}",
                    "power",
                    f'is "nmc" but COW code {states[k].cow} has no positive '
                    f"{params['power_index']} in the NMC data for {spec.year}",
                )
            power[k] = value
    if params.get(STRUCTURE, DATA) != DATA:  # a counterfactual structure (docs/scenarios.md)
        chosen = spec.structures[params[STRUCTURE]]
        where = {s.name: k for k, s in enumerate(states)}
        great = [where[name] for name in spec.great_powers]
        power = restructure(power, great, [where[name] for name in chosen.poles], chosen.share)
    growth = np.array([0.0 if s.growth is None else s.growth for s in states])
    trend = [k for k, s in enumerate(states) if s.growth is None]
    process: dict[str, Any] = {} if params["growth_process"] == "fixed" else {"anchored": True}
    if trend:
        cows = [states[k].cow for k in trend]
        if spec.year is None or None in cows:  # the loader requires both for "nmc" growth
            raise ParameterError(f'scenario {spec.name}: "nmc" growth needs a year and COW codes')
        growth[trend], fitted = growth_from_data(spec.year, cast(list[int], cows), weights, params)
        process.update(fitted)
    position = np.array(
        [(s.lat, s.lon) if s.lat is not None else geo.capital(s.cow, spec.year)[1:] for s in states]
    )
    alliances = []
    if params["initial_alliances"]:
        for name in dict.fromkeys(s.alliance for s in states if s.alliance):
            members = [k for k, s in enumerate(states) if s.alliance == name]
            if len(members) < 2:
                raise ParameterError(f"alliance {name!r} of scenario {spec.name} is left with one member")
            alliances.append(members)
    return World(
        names=[s.name for s in states],
        power=power / power.sum(),
        growth=growth,
        position=position,
        revisionism=np.array([s.revisionism for s in states]),
        # `strategy` set for the run overrides every state's rule (per-state knobs included)
        strategy=[params["strategy"] or s.strategy for s in states],
        distance=geo.haversine(position),
        distance_scale=spec.distance_scale,
        alliances=alliances,
        units="km",
        **process,
    )


def scenario_from_file(path: str | Path) -> Scenario:
    """A Scenario built from a TOML file, validated now (errors name the file, state and field)."""
    spec = load(path)
    description = spec.description or f"Scenario file {spec.source} ({len(spec.states)} states)."
    fitted = FITTED if any(s.growth is None for s in spec.states) else ()
    return Scenario(
        spec.name,
        description,
        lambda params, rng: build_world(spec, params),
        scenario_params(spec),
        frozenset({*RANDOM_ONLY, *fitted}),
    )
