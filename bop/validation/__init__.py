"""validation: `bop validate`, the model scored against the field's stylized facts and the historical
record (docs/validation.md). Importing this package registers every check.

Modules, bottom-up:
- `stats`: the checks' statistics as pure functions (dispersion, KS, power law, coverage, ranks);
- `check`: what a check is and returns (`Check`, `Row`, `Evaluation`), and the registry;
- one module per fact: `great_powers`, `hindcast`, `alliance_timing`, `war_severity`, `balancing`,
  `kaplan_wagner`;
- `suite`: running the chosen checks' sweeps, the table, validation.md, validation.csv, the figures.
"""

from bop.validation import (  # noqa: F401  (they register)
    alliance_timing,
    balancing,
    great_powers,
    hindcast,
    kaplan_wagner,
    war_severity,
)
from bop.validation.check import REGISTRY

ORDER = ("great-powers", "hindcast", "alliance-timing", "war-severity", "balancing", "kaplan-wagner")
# name -> Check in the order of the table: ORDER first, any other registered check after it
CHECKS = {name: REGISTRY[name] for name in dict.fromkeys((*ORDER, *REGISTRY))}

__all__ = ["CHECKS", "ORDER", "REGISTRY"]
