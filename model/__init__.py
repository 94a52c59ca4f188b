"""balance-of-power: the Mesa model, its measures and scenarios."""

from __future__ import annotations

from typing import Any

__all__ = ["BalanceOfPowerModel"]


def __getattr__(name: str) -> Any:
    """Import the model lazily, so `agents` can be imported first without a circular import."""
    if name == "BalanceOfPowerModel":
        from model.model import BalanceOfPowerModel

        return BalanceOfPowerModel
    raise AttributeError(f"module 'model' has no attribute {name!r}")
