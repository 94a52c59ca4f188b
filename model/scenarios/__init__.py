"""Scenarios: named ways to build the world a run starts from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.params import Param, ParameterError
from model.scenarios import random_world
from model.scenarios.world import World


@dataclass(frozen=True)
class Scenario:
    """A named world builder, with any parameters of its own."""

    name: str
    description: str
    build: Callable[[dict[str, Any], np.random.Generator], World]
    params: dict[str, Param] = field(default_factory=dict)


SCENARIOS: dict[str, Scenario] = {
    "random": Scenario(
        "random",
        "N states with lognormal powers at random points in the unit square (n_states, power_sigma).",
        random_world.build,
    ),
}


def get_scenario(name: str) -> Scenario:
    """The scenario called `name`, or a ParameterError listing those that exist."""
    try:
        return SCENARIOS[name]
    except KeyError:
        raise ParameterError(
            f"parameter 'scenario' must be one of {', '.join(SCENARIOS)}, got {name!r}"
        ) from None


__all__ = ["SCENARIOS", "Scenario", "World", "get_scenario"]
