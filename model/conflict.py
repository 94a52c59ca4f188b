"""The war phase of a year: crises, wars, eliminations, hostility, and the war log.

Order within the phase (after upkeep, before the measures):
1. Hostility from past wars decays: H ← H · (1 − hostility_decay).
2. With coalition_war=true (Kaplan 4 by force, `oppose_predominance`): the balancers may open a
   coalition war against the bloc nearest predominance.
3. The crisis hazard of every dyad at risk, q_ij = war_rate · r_i · f(ρ_ij, ρ̇_ij) · a_ij (`model.war`,
   the shape f set by war_hazard and the hazard_* weights); each state draws whether, and against whom,
   it opens a crisis (`draw_targets`), and the initiators act in random order.
4. Third parties take sides (`agents.sides`).
5. Crisis: the initiator may back down when the sides give it worse odds than it expected (deterrence);
   the target may concede a tribute (the `concession` rule).
6. War: the outcome is drawn with the logistic win probability; costs, reparations (or a punitive
   peace) and eliminations follow `model.war.settle`; the two sides become hostile (H = 1 between them).
7. The essential status restraint protects is updated for next year, with hysteresis.
A state takes part in at most one crisis or war a year. Hostility raises perceived reach, hence threat,
reach_ij · (1 + hostility_weight · H_ij), so former enemies are balanced against until it fades and
they become acceptable partners again (Kaplan 6). With record_dyads=true every dyad at risk is logged
each year (`DYAD_COLUMNS`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from agents.alliances import bloc_labels
from agents.sides import take_sides
from agents.situation import predominance
from agents.strategy import facing_names
from model.metrics import essential
from model.war import (
    HazardShape,
    attention,
    concedes,
    crisis_hazard,
    draw_targets,
    expected_transfer,
    hazard_shape,
    persistence,
    ratio_trend,
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
# The dyads log (record_dyads=true): one row per ordered dyad at risk per year (docs/ODD.md §7.6).
DYAD_COLUMNS = {
    "step": "int",
    "initiator": "str",  # i, who could open the crisis
    "target": "str",  # j
    "ratio": "float",  # ρ_ij: i's bloc power over j's
    "trend": "float",  # ρ̇_ij: yearly trend of ln ρ_ij over the last hazard_trend_years
    "reach": "float",  # exp(−d_ij / λ)
    "hazard": "float",  # q_ij
    "crisis": "bool",  # i opened a crisis against j this year
    "war": "bool",  # ... and it was fought
    "outcome": "str",  # the crisis's outcome (WAR_COLUMNS), "" without a crisis
}


@dataclass
class WarYear:
    """What one year's war phase did: its war-log rows and the tally the model records."""

    records: list[dict[str, Any]] = field(default_factory=list)  # one row per crisis (WAR_COLUMNS)
    wars: int = 0  # crises that became wars
    war_power: float = 0.0  # share of all power engaged in the year's wars
    eliminated: int = 0
    costs: float = 0.0  # power destroyed


@dataclass(frozen=True)
class Dyads:
    """The year's dyads at risk and their hazard, as the crises are drawn from it (docs/ODD.md §7.6)."""

    at_risk: np.ndarray  # (N, N) bool: living, free, not allied, i revisionist
    ratio: np.ndarray  # (N, N) ρ_ij (1 where not at risk)
    trend: np.ndarray  # (N, N) ρ̇_ij
    hazard: np.ndarray  # (N, N) q_ij (0 where not at risk)


class Conflict:
    """Crises and wars among the model's states; one instance per model with war=true."""

    def __init__(self, model: BalanceOfPowerModel) -> None:
        self.model = model
        p = model.params
        self.hostility = np.zeros((model.n, model.n))
        self.shape = HazardShape.from_params(p)
        # each year's power at the war phase, oldest first (the initial world first): for ρ̇
        self.history: deque[np.ndarray] = deque([model.power.copy()], maxlen=p["hazard_trend_years"] + 1)
        # the essential actors restraint protects this year: fixed at the year's start (docs/ODD.md §7.6)
        self.protected = essential(model.power / model.power.sum(), p["essential_share"])
        self.dyad_log: list[dict[str, np.ndarray]] = []  # one entry per year with record_dyads=true

    def embitter(self, reach: np.ndarray) -> np.ndarray:
        """Perceived reach, hence threat, raised by hostility: reach_ij · (1 + hostility_weight · H_ij)."""
        return reach * (1.0 + self.model.params["hostility_weight"] * self.hostility)

    def step(self) -> WarYear:
        """This year's crises and wars, returned as the year's records and tally."""
        m, p = self.model, self.model.params
        year = WarYear()
        self.hostility *= 1.0 - p["hostility_decay"]
        self.history.append(m.power.copy())
        total = m.power[m.alive].sum()
        free = m.alive.copy()
        if p["coalition_war"]:
            self.oppose_predominance(free, total, year)
        dyads = self.dyads(free)
        target = draw_targets(dyads.hazard, m.rng.random(m.n))
        opened: dict[tuple[int, int], dict[str, Any]] = {}
        initiators = np.flatnonzero(target >= 0)
        if len(initiators):
            for i in m.rng.permutation(initiators):
                j = int(target[i])
                if free[i] and free[j]:  # an earlier crisis this year may have engaged either
                    deterred = partial(self.deterred, ratio_expected=float(dyads.ratio[i, j]))
                    opened[int(i), j] = self.confront(int(i), j, free, total, year, p["war_hazard"], deterred)
        if p["record_dyads"]:
            self.log_dyads(dyads, opened)
        self.update_protection()
        return year

    def dyads(self, free: np.ndarray) -> Dyads:
        """Every dyad at risk this year, its ratio, trend and hazard q_ij (docs/ODD.md §7.6): i and j free
        (living, not engaged in this year's coalition war), in different blocs, i with r_i > 0."""
        m, p = self.model, self.model.params
        power = np.where(m.alive, m.power, 0.0)
        _, labels = bloc_labels(m.alignments.membership)
        bloc = np.bincount(labels, weights=power)[labels]
        at_risk = free[:, None] & free[None, :] & (labels[:, None] != labels[None, :])
        at_risk &= (m.revisionism > 0)[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(at_risk, bloc[:, None] / bloc[None, :], 1.0)
        trend = np.where(at_risk, ratio_trend(np.array(self.history), labels), 0.0)
        f = hazard_shape(ratio, trend, self.shape)
        q = crisis_hazard(f, m.revisionism, attention(m.decay, at_risk), p["war_rate"])
        return Dyads(at_risk, ratio, trend, np.where(at_risk, q, 0.0))

    def deterred(self, ratio_sides: float, ratio_expected: float) -> bool:
        """Whether the initiator backs down once the sides have formed: with probability
        1 − persistence(ρ_sides, ρ_ij) (one uniform draw, only when that is above 0)."""
        go_on = persistence(ratio_sides, ratio_expected, self.shape)
        return go_on < 1.0 and bool(self.model.rng.random() >= go_on)

    def log_dyads(self, dyads: Dyads, opened: dict[tuple[int, int], dict[str, Any]]) -> None:
        """Keep this year's dyads at risk with reach ≥ dyads_min_reach, and what became of them."""
        m = self.model
        keep = dyads.at_risk & (m.decay >= m.params["dyads_min_reach"])
        i, j = np.nonzero(keep)
        outcome = np.full(len(i), "", dtype=object)
        if opened:
            row = {(a, b): k for k, (a, b) in enumerate(zip(i.tolist(), j.tolist(), strict=True))}
            for pair, record in opened.items():
                if pair in row:
                    outcome[row[pair]] = record["outcome"]
        self.dyad_log.append(
            {
                "step": np.full(len(i), m.steps, dtype=np.int64),
                "i": i.astype(np.int32),
                "j": j.astype(np.int32),
                "ratio": dyads.ratio[i, j],
                "trend": dyads.trend[i, j],
                "reach": m.decay[i, j],
                "hazard": dyads.hazard[i, j],
                "outcome": outcome,
            }
        )

    def update_protection(self) -> None:
        """Next year's essential actors for restraint, from this year's closing shares with hysteresis: a
        state becomes essential at a share ≥ essential_share and stays so until its share falls below
        (1 − essential_hysteresis) · essential_share (docs/ODD.md §7.6)."""
        m, p = self.model, self.model.params
        share = np.where(m.alive, m.power, 0.0) / m.power[m.alive].sum()
        line = p["essential_share"]
        stays = self.protected & essential(share, (1.0 - p["essential_hysteresis"]) * line)
        self.protected = m.alive & (essential(share, line) | stays)

    def _noise(self, size: int | None = None) -> Any:
        """Lognormal perception error exp(σ·ε) (σ = war_noise); 1, and no draw, when σ is 0."""
        sigma = self.model.params["war_noise"]
        if sigma == 0:
            return np.ones(size) if size is not None else 1.0
        return np.exp(sigma * self.model.rng.standard_normal(size))

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
        seen = float(self._noise())  # the challenger's perception error
        self.confront(i, leader, free, total, year, "predominance", lambda ratio: ratio * seen < 1.0)

    def confront(
        self,
        i: int,
        j: int,
        free: np.ndarray,
        total: float,
        year: WarYear,
        cause: str,
        deterred: Callable[[float], bool],
    ) -> dict[str, Any]:
        """i challenges j: sides form, then the initiator backs down (`deterred`, given the sides' power
        ratio, says whether it does), the target concedes, or they fight. Returns the war-log row."""
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
        if deterred(ratio):
            record["outcome"] = "backed_down"
        elif self.yields(i, j, ratio):
            paid = p["tribute"] * m.power[j]
            if p["restraint"] and self.protected[j]:  # it pays no more than keeps it essential
                paid = min(paid, max(m.power[j] - p["essential_share"] * m.power[m.alive].sum(), 0.0))
            m.power[j] -= paid
            m.power[i] += paid
            record.update(outcome="conceded", transfer=float(paid))
        else:
            self.war(attack, defend, record, total, year)
        year.records.append(record)
        return record

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

    def yields(self, i: int, j: int, ratio: float) -> bool:
        """Whether target j concedes, by the `concession` rule: never; always; or (expected_loss) when the
        tribute is cheaper than war as it sees the odds (its own perception error, one draw when
        war_noise > 0). Either way only if it would survive paying, or restraint protects it."""
        m, p = self.model, self.model.params
        rule = p["concession"]
        if rule == "never":
            return False
        if rule == "expected_loss":
            seen = ratio * self._noise()
            share = expected_transfer(
                seen,
                p["war_cost"],
                p["reparations"],
                p["punitive_peace"],
                p["elimination_floor"],
                m.decay[i, j],
            )
            if not concedes(seen, p["war_cost"], share, p["tribute"], p["war_chance"]):
                return False
        if p["restraint"] and self.protected[j]:
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
        protected = np.full(m.n, p["restraint"]) & self.protected
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
            punitive=p["punitive_peace"],
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
