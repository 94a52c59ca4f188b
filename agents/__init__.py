"""States and their decision rules."""

from agents.rules import RULES, Decision, rule
from agents.state import State

__all__ = ["RULES", "Decision", "State", "rule"]
