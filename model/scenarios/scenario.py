"""A scenario: a named way to build the world a run starts from, with any parameters of its own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.params import Param
from model.scenarios.world import World


@dataclass(frozen=True)
class Scenario:
    """A named world builder, with any parameters of its own."""

    name: str
    description: str
    build: Callable[[dict[str, Any], np.random.Generator], World]
    params: dict[str, Param] = field(default_factory=dict)
