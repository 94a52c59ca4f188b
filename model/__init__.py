"""balance-of-power: the Mesa model, its measures and scenarios."""

from model.model import BalanceOfPowerModel

__all__ = ["BalanceOfPowerModel"]
