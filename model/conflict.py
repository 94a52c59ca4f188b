"""The war phase of a year: crises, wars, eliminations, hostility, and the war log.

Order within the phase (after upkeep, before the measures):
1. Hostility from past wars decays: H ← H · (1 − hostility_decay).
2. With coalition_war=true (Kaplan 4 by force, `oppose_predominance`): the balancers may open a
   coalition war against the bloc nearest predominance.
3. Initiators are drawn, each with its hazard (`model.war`: `initiation_hazard`, or
   `parity_challengers` under war_hazard=power_transition), and act in random order.
4. An initiator picks a target (best expected gain among blocs it feels superior to, or its leading
   rival under power transition); third parties take sides (`agents.sides`).
5. Crisis: under expected_gain the initiator backs down if the full sides no longer give it the
   superiority it needs (deterrence); the target concedes a tribute if that is cheaper than war.
6. War: the outcome is drawn with the logistic win probability; costs, reparations and
   eliminations follow `model.war.settle`; the two sides become hostile (H = 1 between them).
A state takes part in at most one crisis or war a year. Hostility raises perceived reach, hence threat,
reach_ij · (1 + hostility_weight · H_ij), so former enemies are balanced against until it fades and
they become acceptable partners again (Kaplan 6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from agents.alliances import bloc_labels
from agents.sides import take_sides
from agents.situation import predominance
from agents.strategy import facing_names
from model.metrics import essential
from model.war import (
    choose_target,
    concedes,
    initiation_hazard,
    parity_challengers,
    settle,
    survives_tribute,
    win_probability,
)

if TYPE_CHECKING:
    from model.model import BalanceOfPowerModel

# The war log's columns and their kinds (int, float, str, or list of state names).
WAR_COLUMNS = {
    "step": "int",
    "initiator": "str",
    "target": "str",
    "outcome": "str",  # initiator_won, target_won, conceded (tribute paid), backed_down (deterred)
    "attackers": "list",
    "defenders": "list",
    "attack_power": "float",
    "defence_power": "float",
    "p_initiator": "float",  # probability that the initiator's side wins
    "costs": "float",  # power destroyed (both sides)
    "transfer": "float",  # power moved: reparations and absorptions, or the tribute
    "eliminated": "list",
    "cause": "str",  # why: the war_hazard (expected_gain, power_transition), or predominance (Kaplan 4)
}
WAR_OUTCOMES = ("initiator_won", "target_won")  # the outcomes of crises that became wars


@dataclass
class WarYear:
    """What one year's war phase did: its war-log rows and the tally the model records."""

    records: list[dict[str, Any]] = field(default_factory=list)  # one row per crisis (WAR_COLUMNS)
    wars: int = 0  # crises that became wars
    war_power: float = 0.0  # share of all power engaged in the year's wars
    eliminated: int = 0
    costs: float = 0.0  # power destroyed


class Conflict:
    """Crises and wars among the model's states; one instance per model with war=true."""

    def __init__(self, model: BalanceOfPowerModel) -> None:
        self.model = model
        self.hostility = np.zeros((model.n, model.n))

    def embitter(self, reach: np.ndarray) -> np.ndarray:
        """Perceived reach, hence threat, raised by hostility: reach_ij · (1 + hostility_weight · H_ij)."""
        return reach * (1.0 + self.model.params["hostility_weight"] * self.hostility)

    def step(self) -> WarYear:
        """This year's crises and wars, returned as the year's records and tally."""
        m, p = self.model, self.model.params
        year = WarYear()
        self.hostility *= 1.0 - p["hostility_decay"]
        total = m.power[m.alive].sum()
        free = m.alive.copy()
        if p["coalition_war"]:
            self.oppose_predominance(free, total, year)
        if p["war_hazard"] == "power_transition":
            hazard, leader = parity_challengers(
                m.power, m.alive, m.revisionism, p["war_rate"], p["parity_low"], p["parity_high"]
            )
        else:
            hazard, leader = initiation_hazard(m.power, m.alive, m.revisionism, p["war_rate"]), None
        initiators = np.flatnonzero(m.alive & (m.rng.random(m.n) < hazard))
        if len(initiators) == 0:
            return year
        for i in m.rng.permutation(initiators):
            if free[i]:
                self.crisis(int(i), free, leader, total, year)
        return year

    def _noise(self, size: int | None = None) -> Any:
        """Lognormal perception error exp(σ·ε) (σ = war_noise); 1, and no draw, when σ is 0."""
        sigma = self.model.params["war_noise"]
        if sigma == 0:
            return np.ones(size) if size is not None else 1.0
        return np.exp(sigma * self.model.rng.standard_normal(size))

    def crisis(
        self, i: int, free: np.ndarray, leader: np.ndarray | None, total: float, year: WarYear
    ) -> None:
        """Initiator i picks a target and the crisis runs its course (tribute, retreat or war)."""
        m, p = self.model, self.model.params
        membership = m.alignments.membership
        power = np.where(m.alive, m.power, 0.0)
        _, labels = bloc_labels(membership)
        bloc = np.bincount(labels, weights=power)[labels]  # power of each state's bloc
        if leader is None:
            noise = self._noise(m.n)
            candidates = free & (labels != labels[i])
            j = choose_target(
                bloc[i], bloc, power, m.decay[i], candidates, noise, p["superiority"], p["war_chance"]
            )
            if j < 0:
                return
        else:
            j = int(leader[i])
            if not free[j] or labels[j] == labels[i]:
                return
            noise = None
        deterrence = None if noise is None else (float(noise[j]), p["superiority"])
        self.confront(i, j, free, total, year, p["war_hazard"], deterrence)

    def oppose_predominance(self, free: np.ndarray, total: float, year: WarYear) -> None:
        """Kaplan's rule 4 by force: the balancers open a coalition war against the bloc nearest
        predominance (docs/ODD.md §7.6, coalition_war).

        One uniform draw a year: with probability war_rate · σ((s − s₀)/δ), s the largest bloc's share
        and σ the predominance term's smooth onset (weight 1), the strongest free state that stands
        against threats (`Strategy.faces_threat`) and feels that bloc as its main threat challenges its
        leader. Third parties take sides as in any crisis. The challenger backs down unless its side,
        as it perceives it, at least matches the bloc (ratio ≥ 1: Kaplan's balancers oppose, they do
        not commit suicide); the leader may concede a tribute; otherwise they fight."""
        m, p = self.model, self.model.params
        membership = m.alignments.membership
        power = np.where(m.alive, m.power, 0.0)
        _, labels = bloc_labels(membership)
        bloc_power = np.bincount(labels, weights=power)
        b = int(np.argmax(bloc_power))
        onset = predominance(
            np.array(bloc_power[b] / total), 1.0, p["predominance_onset"], p["predominance_width"]
        )
        if m.rng.random() >= p["war_rate"] * float(onset):
            return
        members = np.flatnonzero(labels == b)
        leader = int(members[np.argmax(power[members])])
        rows = np.flatnonzero(free & (labels != b) & np.isin(m.strategy, facing_names()))
        if len(rows) == 0 or not free[leader]:
            return
        situation = m.perceive(rows)
        opposed = rows[situation.main == b]
        if len(opposed) == 0:
            return
        i = int(opposed[np.argmax(power[opposed])])
        self.confront(i, leader, free, total, year, "predominance", (float(self._noise()), 1.0))

    def confront(
        self,
        i: int,
        j: int,
        free: np.ndarray,
        total: float,
        year: WarYear,
        cause: str,
        deterrence: tuple[float, float] | None,
    ) -> None:
        """i challenges j: sides form, then the initiator backs down (when `deterrence` = (its perception
        error, the ratio it needs) says its side falls short), the target concedes, or they fight."""
        m, p = self.model, self.model.params
        membership = m.alignments.membership
        power = np.where(m.alive, m.power, 0.0)
        attack, defend = take_sides(
            i,
            j,
            power=power,
            free=free,
            membership=membership,
            reach=m.reach,
            revisionism=m.revisionism,
            strategy=m.strategy,
            distance=m.distance,
            params=p,
            aid=self.tie_aid(j, free),
        )
        p_attack, p_defence = power[attack].sum(), power[defend].sum()
        ratio = p_attack / p_defence
        record = {
            "step": m.steps,
            "initiator": m.names[i],
            "target": m.names[j],
            "attackers": [m.names[k] for k in np.flatnonzero(attack)],
            "defenders": [m.names[k] for k in np.flatnonzero(defend)],
            "attack_power": float(p_attack),
            "defence_power": float(p_defence),
            "p_initiator": float(win_probability(ratio, p["war_chance"])),
            "costs": 0.0,
            "transfer": 0.0,
            "eliminated": [],
            "cause": cause,
        }
        free[attack | defend] = False  # a side's members are engaged for the year, war or not
        if deterrence is not None and ratio * deterrence[0] < deterrence[1]:
            record["outcome"] = "backed_down"
        elif self.yields(i, j, ratio):
            paid = p["tribute"] * m.power[j]
            if p["restraint"] and self.essential(j):  # it pays no more than keeps it essential
                paid = min(paid, max(m.power[j] - p["essential_share"] * m.power[m.alive].sum(), 0.0))
            m.power[j] -= paid
            m.power[i] += paid
            record.update(outcome="conceded", transfer=float(paid))
        else:
            self.war(attack, defend, record, total, year)
        year.records.append(record)

    def tie_aid(self, j: int, free: np.ndarray) -> np.ndarray | None:
        """Which of the target's free tied partners come to its aid: each with probability equal to its
        tie, one uniform draw per such partner (none, and no draw, when the target holds no ties)."""
        m = self.model
        partners = np.flatnonzero((m.ties[j] > 0) & free)
        if len(partners) == 0:
            return None
        aid = np.zeros(m.n, dtype=bool)
        aid[partners] = m.rng.random(len(partners)) < m.ties[j, partners]
        return aid

    def essential(self, k: int | None = None) -> Any:
        """Whether state k (or every state) is an essential actor now."""
        m = self.model
        share = essential(m.power / m.power[m.alive].sum(), m.params["essential_share"])
        return share if k is None else share[k]

    def yields(self, i: int, j: int, ratio: float) -> bool:
        """Whether target j concedes: tribute cheaper than war as it sees the odds, and it would
        survive paying (or is protected by restraint)."""
        m, p = self.model, self.model.params
        cheaper = concedes(
            ratio * self._noise(), p["war_cost"], p["reparations"], p["tribute"], p["war_chance"]
        )
        if not cheaper:
            return False
        if p["restraint"] and self.essential(j):
            return True
        return survives_tribute(
            m.power[j],
            m.power[i],
            p["tribute"],
            p["elimination_floor"],
            m.decay[i, j],
            m.power[m.alive].sum(),
        )

    def war(
        self, attack: np.ndarray, defend: np.ndarray, record: dict[str, Any], total: float, year: WarYear
    ) -> None:
        """Fight: draw the winner, settle costs and transfers, eliminate, and remember the enmity."""
        m, p = self.model, self.model.params
        won = m.rng.random() < record["p_initiator"]
        winners, losers = (attack, defend) if won else (defend, attack)
        protected = np.full(m.n, p["restraint"]) & self.essential()
        result = settle(
            m.power,
            np.flatnonzero(winners),
            np.flatnonzero(losers),
            war_cost=p["war_cost"],
            reparations=p["reparations"],
            floor=p["elimination_floor"],
            protected=protected,
            reach=m.decay,
            keep_share=p["essential_share"],
        )
        m.power[:] = result.power
        for k in result.eliminated:
            self.eliminate(int(k))
        self.hostility[np.ix_(attack, defend)] = 1.0
        self.hostility[np.ix_(defend, attack)] = 1.0
        year.wars += 1
        year.eliminated += len(result.eliminated)
        year.war_power += (record["attack_power"] + record["defence_power"]) / total
        year.costs += result.costs
        record.update(
            outcome=WAR_OUTCOMES[0] if won else WAR_OUTCOMES[1],
            costs=result.costs,
            transfer=result.transfer,
            eliminated=[m.names[k] for k in result.eliminated],
        )

    def eliminate(self, k: int) -> None:
        """State k is absorbed: out of its alliance, dead, power 0, its agent removed from the model."""
        m = self.model
        m.alignments.leave(k, m.steps, "eliminated")
        m.alive[k] = False
        m.power[k] = 0.0
        m.states[k].remove()
