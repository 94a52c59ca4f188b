"""Scenarios: named ways to build the world a run starts from.

Built-ins are `random`, `nmc` (any year of the COW data) and the TOML files shipped in
`model/scenarios/builtin/`, loaded through the same validated loader as a user's own file; a file
may declare counterfactual world structures (`structure`: great powers' capability among poles).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from model.params import ParameterError, nearest, shown
from model.scenarios import nmc_world, random_world
from model.scenarios.from_file import scenario_from_file
from model.scenarios.scenario import Scenario
from model.scenarios.world import World


def _builtin_files() -> list[Scenario]:
    folder = resources.files("model.scenarios.builtin")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    scenarios = []
    for f in files:
        with resources.as_file(f) as path:
            scenarios.append(scenario_from_file(path))
    return scenarios


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in [
        Scenario(
            "random",
            "N states with lognormal powers at random points in the unit square (n_states, power_sigma).",
            random_world.build,
        ),
        Scenario(
            "nmc",
            "The strongest states of any year 1816–2016 from COW NMC data, at their capitals "
            "(nmc_year, nmc_top_k or nmc_states, power_index).",
            nmc_world.build,
            nmc_world.PARAMS,
            frozenset({"n_states", "power_sigma", "growth_mean", "growth_sd", *nmc_world.FITTED}),
        ),
        *_builtin_files(),
    ]
}


def get_scenario(name: str) -> Scenario:
    """The scenario called `name`, or one read from a TOML file at that path; else a ParameterError
    listing those that exist."""
    allowed = f"one of {', '.join(SCENARIOS)} or a path to a .toml file"
    if not isinstance(name, str):
        raise ParameterError(f"parameter 'scenario' must be {allowed}, got {shown(name)}")
    if name in SCENARIOS:
        return SCENARIOS[name]
    if name.endswith(".toml") or _is_file(name):
        return scenario_from_file(name)
    hint = f" (did you mean {close}?)" if (close := nearest(name, SCENARIOS)) else ""
    raise ParameterError(f"parameter 'scenario' must be {allowed}, got {shown(name)}{hint}")


def _is_file(name: str) -> bool:
    """Whether `name` is a file; a name no file can have (too long, a null character) is not one."""
    try:
        return Path(name).is_file()
    except (OSError, ValueError):
        return False


__all__ = ["SCENARIOS", "Scenario", "World", "get_scenario"]
