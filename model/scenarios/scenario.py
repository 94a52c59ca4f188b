"""A scenario: a named way to build the world a run starts from, with any parameters of its own."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.params import Param, ParameterError
from model.scenarios.world import World


@dataclass(frozen=True)
class Scenario:
    """A named world builder, with any parameters of its own."""

    name: str
    description: str
    build: Callable[[dict[str, Any], np.random.Generator], World]
    params: dict[str, Param] = field(default_factory=dict)
    ignores: frozenset[str] = frozenset()  # model parameters that shape only other worlds

    def check_used(self, names: Iterable[str], where: str = "") -> None:
        """Refuse parameters this scenario would silently ignore (e.g. n_states for a real world)."""
        for name in sorted(set(names) & self.ignores):
            raise ParameterError(
                f"{where}parameter '{name}' is not used by scenario {self.name} "
                "(it shapes the random world only)"
            )
