"""model: the system — the year in ODD order, its parameters, formulas, measures and scenarios.

Depends on `agents` (the states); nothing here depends on `bop`. Modules, bottom-up:
- `params`: the one parameter table (names, types, defaults, ranges, meanings), validation;
- `power`: the growth processes and internal balancing (arming), pure formulas (docs/ODD.md §7.1);
- `threat`, `war`: pure formulas of reach (the world's side of threat, §7.2) and of crises and wars
  (§7.6);
- `metrics`, `equilibrium`: the per-step measures (§7.7) and the convergence detector (§7.8);
- `invariants`: what must hold after every step;
- `scenarios/`: the worlds a run can start from (random, COW data, scenario files), and the calibration
  of the growth process on the COW record that real scenarios' hindcasts use;
- `conflict`: the yearly war phase (§7.6);
- `model`: `BalanceOfPowerModel`, one step = one year (§3).
"""

from model.model import BalanceOfPowerModel

__all__ = ["BalanceOfPowerModel"]
