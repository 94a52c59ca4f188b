"""What the views show, read straight from the model's arrays (no DataFrames on the per-step path).

Building `model_frame()` or `states_frame()` every step costs more than drawing; these readers take
the DataCollector's lists and the per-state history as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.alliances import UNALIGNED
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
    """A war under way: who fights on each side (state indices)."""

    step: int
    attackers: list[int]
    defenders: list[int]


def _indices(model: BalanceOfPowerModel, value: Any) -> list[int]:
    """State indices from a name, an index, or a list of either."""
    items: Iterable[Any] = value if isinstance(value, list | tuple | np.ndarray) else [value]
    out = []
    for item in items:
        if isinstance(item, str) and item in model.names:
            out.append(model.names.index(item))
        elif isinstance(item, int | np.integer) and 0 <= item < model.n:
            out.append(int(item))
    return out


def war_records(model: BalanceOfPowerModel) -> list[dict[str, Any]]:
    """The model's war log as dicts, or [] for a model without wars (read defensively: the war
    rules record `war_log` and/or `wars_frame()`)."""
    log = getattr(model, "war_log", None)
    if isinstance(log, list):
        return log
    frame = getattr(model, "wars_frame", None)
    return frame().to_dict("records") if callable(frame) else []


def as_war(model: BalanceOfPowerModel, record: dict[str, Any]) -> War | None:
    """A war log record as sides of state indices (each side's members, or initiator and target)."""
    attackers = _indices(model, record.get("attackers", record.get("initiator")))
    defenders = _indices(model, record.get("defenders", record.get("target")))
    if "step" not in record or not attackers or not defenders:
        return None
    return War(int(record["step"]), attackers, defenders)


def wars_at(model: BalanceOfPowerModel, step: int) -> list[War]:
    """Wars recorded at `step`."""
    wars = (as_war(model, r) for r in war_records(model) if r.get("step") == step)
    return [w for w in wars if w is not None]


def latest_events(model: BalanceOfPowerModel, limit: int = 12) -> list[dict[str, Any]]:
    """The most recent alliance and war events as rows (step, kind, text): newest year first, wars
    before alliance changes within a year, later log entries first."""
    rows = []
    for seq, event in enumerate(model.alignments.events[-limit:]):
        text = f"{event['state']} {event['event']} A{event['alliance']} ({event['reason'].replace('_', ' ')})"
        rows.append((event["step"], 1, seq, "alliance", text))
    for seq, record in enumerate(war_records(model)[-limit:]):
        war = as_war(model, record)
        if war is None:
            continue
        sides = (", ".join(model.names[i] for i in side) for side in (war.attackers, war.defenders))
        outcome = record.get("outcome") or ""
        text = "war: {} vs {}".format(*sides) + (f" ({outcome})" if outcome else "")
        rows.append((war.step, 0, seq, "war", text))
    rows.sort(key=lambda r: (-r[0], r[1], -r[2]))
    return [{"step": step, "kind": kind, "text": text} for step, _, _, kind, text in rows[:limit]]
