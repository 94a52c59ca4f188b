"""What the views show, read straight from the model's arrays (no DataFrames on the per-step path).

Building `model_frame()` or `states_frame()` every step costs more than drawing; these readers take
the DataCollector's lists and the per-state history as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from agents.alliances import UNALIGNED
from model.conflict import WAR_OUTCOMES
from model.model import BalanceOfPowerModel


def series(model: BalanceOfPowerModel, name: str) -> np.ndarray:
    """One per-step measure (step 0 first), from the DataCollector's list."""
    return np.asarray(model.datacollector.model_vars[name])


def alive_shares(model: BalanceOfPowerModel) -> np.ndarray:
    """Each state's share of living states' power now (0 for the eliminated)."""
    power = np.where(model.alive, model.power, 0.0)
    return power / power.sum()


def bloc_leaders(model: BalanceOfPowerModel) -> dict[int, int]:
    """The strongest member of each alliance now, by alliance id."""
    return {
        aid: max(alliance.members, key=lambda i: model.power[i])
        for aid, alliance in sorted(model.alignments.alliances.items())
    }


@dataclass(frozen=True)
class BlocHistory:
    """Share of all power held by each alliance (columns, by id) and by unaligned states, per step."""

    steps: np.ndarray  # (T,)
    ids: np.ndarray  # (K,) alliance ids, oldest first
    shares: np.ndarray  # (T, K)
    unaligned: np.ndarray  # (T,)


def bloc_history(model: BalanceOfPowerModel) -> BlocHistory:
    """Bloc shares over the recorded steps (alliance ids are never reused, so a column is one bloc)."""
    power, membership, alive = (np.stack(a) for a in zip(*model.state_history, strict=True))
    power = np.where(alive, power, 0.0)
    share = power / power.sum(axis=1, keepdims=True)
    aligned = membership != UNALIGNED
    ids = np.unique(membership[aligned])
    blocs = np.zeros((len(share), len(ids)))
    rows = np.nonzero(aligned)[0]
    np.add.at(blocs, (rows, np.searchsorted(ids, membership[aligned])), share[aligned])
    unaligned = np.where(aligned, 0.0, share).sum(axis=1)
    return BlocHistory(np.arange(len(share)), ids, blocs, unaligned)


@dataclass(frozen=True)
class War:
    """A crisis of the war log: who stood on each side (state indices) and how it ended."""

    step: int
    initiator: int
    target: int
    attackers: list[int]
    defenders: list[int]
    outcome: str
    eliminated: list[str]

    @property
    def fought(self) -> bool:
        """True for a war; False for a crisis that ended in tribute or a climb-down."""
        return self.outcome in WAR_OUTCOMES


def _indices(model: BalanceOfPowerModel, names: Iterable[str]) -> list[int]:
    return [model.names.index(name) for name in names if name in model.names]


def war_log(model: BalanceOfPowerModel, last: int | None = None) -> list[War]:
    """The last `last` crises of the model's war log (all with None), read from the DataCollector's
    table without building a DataFrame; [] for a model without war."""
    table = model.datacollector.tables.get("wars")
    if not table or not table["step"]:
        return []
    n = len(table["step"])
    return [
        War(
            int(table["step"][k]),
            model.names.index(table["initiator"][k]),
            model.names.index(table["target"][k]),
            _indices(model, table["attackers"][k]),
            _indices(model, table["defenders"][k]),
            str(table["outcome"][k]),
            list(table["eliminated"][k]),
        )
        for k in range(0 if last is None else max(n - last, 0), n)
    ]


def wars_at(model: BalanceOfPowerModel, step: int) -> list[War]:
    """The wars fought at `step` (a state is in at most one crisis a year, so n rows suffice)."""
    return [w for w in war_log(model, last=model.n) if w.step == step and w.fought]


def latest_events(model: BalanceOfPowerModel, limit: int = 12) -> list[dict[str, Any]]:
    """The most recent alliance and war events as rows (step, kind, text): newest year first, wars
    before alliance changes within a year, later log entries first."""
    rows = []
    for seq, event in enumerate(model.alignments.events[-limit:]):
        reason = event["reason"].replace("_", " ")
        if event["event"] == "refused":
            text = f"{event['partner']} refused {event['state']} ({reason})"
        else:
            text = f"{event['state']} {event['event']} A{event['alliance']} ({reason})"
        rows.append((event["step"], 1, seq, "alliance", text))
    for seq, war in enumerate(war_log(model, last=limit)):
        sides = (", ".join(model.names[i] for i in side) for side in (war.attackers, war.defenders))
        kind = "war" if war.fought else "crisis"
        text = "{}: {} vs {}".format(kind, *sides) + f" ({war.outcome.replace('_', ' ')})"
        if war.eliminated:
            text += f"; eliminated {', '.join(war.eliminated)}"
        rows.append((war.step, 0, seq, kind, text))
    rows.sort(key=lambda r: (-r[0], r[1], -r[2]))
    return [{"step": step, "kind": kind, "text": text} for step, _, _, kind, text in rows[:limit]]
