"""The state: a Mesa agent whose attributes live in the model's numpy arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from agents.rules import REGISTRY
from agents.strategy import LEAVE, STAY

if TYPE_CHECKING:
    from agents.alliances import Alliance
    from model.model import BalanceOfPowerModel


class State(mesa.Agent):
    """A sovereign state. Its power, growth, position and the rest are views of model arrays,
    so the hot path stays vectorised while each state still decides for itself."""

    model: BalanceOfPowerModel

    def __init__(self, model: BalanceOfPowerModel, index: int, name: str) -> None:
        super().__init__(model)
        self.index = index
        self.name = name

    @property
    def power(self) -> float:
        """Current power (capabilities)."""
        return float(self.model.power[self.index])

    @property
    def share(self) -> float:
        """Share of all living states' power."""
        m = self.model
        return float(m.power[self.index] / m.power[m.alive].sum()) if self.alive else 0.0

    @property
    def growth(self) -> float:
        """Yearly growth rate of power."""
        return float(self.model.growth[self.index])

    @property
    def position(self) -> tuple[float, float]:
        """Capital position (x, y), or (lat, lon) in real scenarios."""
        x, y = self.model.position[self.index]
        return float(x), float(y)

    @property
    def revisionism(self) -> float:
        """0 for a status-quo state, 1 for a revisionist."""
        return float(self.model.revisionism[self.index])

    @property
    def strategy(self) -> str:
        """Name of the decision rule the state follows."""
        return str(self.model.strategy[self.index])

    @property
    def alive(self) -> bool:
        """False once the state has been eliminated."""
        return bool(self.model.alive[self.index])

    @property
    def alliance(self) -> Alliance | None:
        """The alliance the state belongs to, if any."""
        return self.model.alignments.alliance_of(self.index)

    @property
    def alliance_id(self) -> int:
        """Id of its alliance, or -1 when unaligned (for data collection)."""
        return int(self.model.alignments.membership[self.index])

    def reconsider(self) -> None:
        """Re-decide alignment by its rule on the world as it is now, and act on the decision: leave, or
        offer itself to the blocs it would align with, best first, until one consents (docs/ODD.md §7.3).
        Each refusal is logged; memberships change only on consent."""
        m = self.model
        situation = m.perceive(np.array([self.index]))
        strategy = REGISTRY[self.strategy]
        decision = strategy.align(situation)
        target, reason = int(decision.target[0]), str(decision.reason[0])
        if target == STAY:
            return
        if target == LEAVE:
            m.alignments.leave(self.index, m.steps, reason)
            return
        main = int(situation.main[0])
        opposes = main >= 0 and not strategy.joins_threat  # bandwagoners join the threat
        against = m.names[int(situation.leader[main])] if opposes else ""
        for bloc in decision.ranking(0):
            partner = int(situation.leader[bloc])
            consents, why = self.asks(partner)
            if consents:
                m.alignments.align_with(self.index, partner, m.steps, reason, against)
                return
            m.alignments.refuse(self.index, partner, m.steps, why)

    def asks(self, partner: int) -> tuple[bool, str]:
        """Whether `partner` (a lone state, or the leader of an alliance, who decides for it) consents to
        this state's offer by its own rule, on the world as it sees it now; and why not."""
        m = self.model
        view = m.perceive(np.array([partner]))
        consents, reason = REGISTRY[str(m.strategy[partner])].accept(view, np.array([self.index]))
        return bool(consents[0]), str(reason[0])
