"""What the views show, read from the model's recorded history (no DataFrames on the per-step path).

Every view draws one year of the run: the present, or a past year picked on the year slider. A past
year is read back, never re-run: per-state power, alliance and alive flags from `state_history`, the
measures from the DataCollector's lists, the alliance event log and the war log; `LiveModel` adds
each state's felt threat and who poses it (`felt_history`), the detector's `reached_at` and, once the
model has them, the hedging ties.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from agents.alliances import UNALIGNED
from model.conflict import WAR_OUTCOMES
from model.model import BalanceOfPowerModel

LONE_SHARE = 0.1  # an unaligned state that ever held this share gets its own band (not "unaligned")
LONE_BANDS = 5  # at most this many such states


def series(model: BalanceOfPowerModel, name: str) -> np.ndarray:
    """One per-step measure (step 0 first), from the DataCollector's list."""
    return np.asarray(model.datacollector.model_vars[name])


def shares_of(power: np.ndarray, alive: np.ndarray) -> np.ndarray:
    """Each state's share of living states' power (0 for the eliminated); rows are steps if 2-D."""
    power = np.where(alive, power, 0.0)
    return power / power.sum(axis=-1, keepdims=True)


def leaders_of(power: np.ndarray, membership: np.ndarray, alive: np.ndarray) -> dict[int, int]:
    """The strongest living member of each alliance, by alliance id (oldest alliance first)."""
    members = np.flatnonzero((membership != UNALIGNED) & alive)
    order = members[np.lexsort((-power[members], membership[members]))]  # by alliance, strongest first
    first = np.r_[True, membership[order][1:] != membership[order][:-1]] if len(order) else order
    return {int(membership[i]): int(i) for i in order[first.astype(bool)]}


@dataclass(frozen=True)
class Felt:
    """What LiveModel records each year beyond the model's own history (one entry per year)."""

    felt: np.ndarray  # (N,) threat of the bloc each state fears most (Situation.tau; 0 if none or dead)
    source: np.ndarray  # (N,) leader of that bloc, -1 if none
    reached_at: int | None  # the detector's reached_at in that year
    ties: np.ndarray | None  # (N, N) float32 copy of `model.ties`, if the model has ties


def felt_now(model: BalanceOfPowerModel) -> Felt:
    """Each living state's felt threat now: the threat of the bloc it fears most (docs/ODD.md, the
    situation's tau) under this year's threat matrix and the alliances as the year left them."""
    rows = np.flatnonzero(model.alive)
    felt = np.zeros(model.n)
    source = np.full(model.n, -1, dtype=np.int64)
    if len(rows):
        situation = model.perceive(rows)
        felt[rows] = situation.tau
        source[rows] = np.where(situation.main >= 0, situation.leader[situation.main], -1)
    ties = getattr(model, "ties", None)
    return Felt(felt, source, model.tracker.reached_at, None if ties is None else np.array(ties, np.float32))


@dataclass(frozen=True)
class Year:
    """The world at one recorded year: what the map, the network, the status card and the focus panel
    draw. `felt`, `source` and `ties` are None for a model that did not record them."""

    step: int
    power: np.ndarray  # (N,)
    share: np.ndarray  # (N,) of living states' power
    membership: np.ndarray  # (N,) alliance id, UNALIGNED if none
    alive: np.ndarray  # (N,)
    leaders: dict[int, int]  # alliance id -> strongest member
    felt: np.ndarray | None  # (N,) threat of the bloc each state fears most
    source: np.ndarray | None  # (N,) leader of that bloc (-1 if none)
    ties: np.ndarray | None  # (N, N) hedging ties by strength, when the model has them

    def members(self, alliance_id: int) -> np.ndarray:
        """The living members of an alliance in this year."""
        return np.flatnonzero((self.membership == alliance_id) & self.alive)


def year_of(model: BalanceOfPowerModel, step: int | None = None) -> Year:
    """The recorded world at `step` (default: now). Needs record_states (the visual server sets it)."""
    step = model.steps if step is None else step
    if not 0 <= step < len(model.state_history):
        raise ValueError(
            f"year {step} was not recorded (the run has years 0..{len(model.state_history) - 1})"
        )
    power, membership, alive = model.state_history[step]
    recorded = getattr(model, "felt_history", None)
    felt = source = ties = None
    if recorded is not None and step < len(recorded):
        felt, source, ties = recorded[step].felt, recorded[step].source, recorded[step].ties
    return Year(
        step,
        power,
        shares_of(power, alive),
        membership,
        alive,
        leaders_of(power, membership, alive),
        felt,
        source,
        ties,
    )


def bloc_name(names: list[str], year: Year, alliance_id: int) -> str:
    """An alliance named after its leader in that year: "USA +6" (the leader and how many others)."""
    leader = year.leaders[alliance_id]
    return f"{names[leader]} +{len(year.members(alliance_id)) - 1}"


def bloc_of(names: list[str], year: Year, i: int) -> str:
    """Where state i stands in that year, in words: "leads USA +6", "in USA +6", "unaligned"."""
    aid = int(year.membership[i])
    if not year.alive[i]:
        return "eliminated"
    if aid == UNALIGNED:
        return "unaligned"
    return ("leads " if year.leaders[aid] == i else "in ") + bloc_name(names, year, aid)


def largest_bloc(names: list[str], year: Year, hegemony_share: float) -> str:
    """Who holds the most power in that year: "China holds 0.860 alone" or "the bloc led by USA holds
    0.620 (7 states)", and whether that is above the hegemony line. The share is the model's b_max."""
    blocs = {aid: year.share[year.members(aid)].sum() for aid in year.leaders}
    lone = np.flatnonzero((year.membership == UNALIGNED) & year.alive)
    best_lone = int(lone[np.argmax(year.share[lone])]) if len(lone) else -1
    best_bloc = max(blocs, key=lambda a: blocs[a], default=None)
    if best_bloc is not None and (best_lone < 0 or blocs[best_bloc] >= year.share[best_lone]):
        share = float(blocs[best_bloc])
        size = len(year.members(best_bloc))
        text = f"the bloc led by {names[year.leaders[best_bloc]]} holds {share:.3f} ({size} states)"
    else:
        share = float(year.share[best_lone])
        text = f"{names[best_lone]} holds {share:.3f} alone"
    return text + (", above the hegemony line" if share > hegemony_share else "")


def strategy_mix(model: BalanceOfPowerModel, year: Year) -> str:
    """The rules of the states alive in that year: "balance 15, hedge 3"."""
    mix = Counter(str(x) for x, alive in zip(model.strategy, year.alive, strict=True) if alive)
    return ", ".join(f"{rule} {k}" for rule, k in sorted(mix.items()))


def since(model: BalanceOfPowerModel, step: int) -> int | None:
    """The detector's `reached_at` as it stood in year `step` (recorded by LiveModel; else now only)."""
    recorded = getattr(model, "felt_history", None)
    if recorded is not None and step < len(recorded):
        return recorded[step].reached_at
    return model.tracker.reached_at if step == model.steps else None


# --- history over time ----------------------------------------------------------------------------
def history(model: BalanceOfPowerModel, upto: int | None = None) -> tuple[np.ndarray, ...]:
    """(power, membership, alive) as (T, N) arrays over years 0..upto (default: all recorded)."""
    records = model.state_history if upto is None else model.state_history[: upto + 1]
    power, membership, alive = (np.stack(a) for a in zip(*records, strict=True))
    return power, membership, alive


@dataclass(frozen=True)
class Bands:
    """Power shares over time as stacked bands, long format (one row per band and year it is > 0).

    A band is an alliance (by id, named after the leader it has in the shown year, or last had) or an
    unaligned state that at some time held `LONE_SHARE` of all power alone (so a predominant state
    that allies with nobody is seen, not hidden among the unaligned); the rest is "other unaligned".
    """

    year: np.ndarray  # (R,)
    band: np.ndarray  # (R,) index into names
    share: np.ndarray  # (R,)
    names: list[str]  # band names, in stacking order (alliances by id, lone states, other unaligned)
    keys: list[str]  # "A<id>", "S<state index>" or "unaligned": what sets each band's colour


def bloc_bands(model: BalanceOfPowerModel, shown: int | None = None) -> Bands:
    """The bands of the whole run, alliances named as of year `shown` (default: now)."""
    power, membership, alive = history(model)
    share = shares_of(power, alive)
    steps = np.arange(len(share))
    aligned = membership != UNALIGNED
    ids = np.unique(membership[aligned])
    columns = [np.where(membership == a, share, 0.0).sum(axis=1) for a in ids]
    lone_share = np.where(~aligned, share, 0.0)
    lone = np.flatnonzero(lone_share.max(axis=0) >= LONE_SHARE)
    lone = lone[np.argsort(-lone_share[:, lone].max(axis=0), kind="stable")][:LONE_BANDS]
    columns += [lone_share[:, i] for i in lone]
    columns.append(lone_share.sum(axis=1) - lone_share[:, lone].sum(axis=1))
    shown = len(share) - 1 if shown is None else min(shown, len(share) - 1)
    names = [_alliance_name(model, power, membership, alive, int(a), shown) for a in ids]
    names = _unique(names + [f"{model.names[i]} alone" for i in lone] + ["other unaligned"])
    keys = [f"A{a}" for a in ids] + [f"S{i}" for i in lone] + ["unaligned"]
    table = np.stack(columns, axis=1)
    rows, cols = np.nonzero(table > 1e-12)
    return Bands(steps[rows], cols, table[rows, cols], names, keys)


def _alliance_name(
    model: BalanceOfPowerModel,
    power: np.ndarray,
    membership: np.ndarray,
    alive: np.ndarray,
    alliance_id: int,
    shown: int,
) -> str:
    """The alliance named after its leader in year `shown`, or in the last year it existed before it."""
    years = np.flatnonzero((membership[: shown + 1] == alliance_id).any(axis=1))
    if not len(years):  # formed after the shown year
        years = np.flatnonzero((membership == alliance_id).any(axis=1))[:1]
    t = int(years[-1])
    members = np.flatnonzero((membership[t] == alliance_id) & alive[t])
    members = members if len(members) else np.flatnonzero(membership[t] == alliance_id)
    leader = int(members[np.argmax(power[t, members])])
    return f"{model.names[leader]} bloc"


def _unique(names: list[str]) -> list[str]:
    """Names made unique by numbering repeats ("USA bloc", "USA bloc 2"): one legend entry each."""
    seen: Counter[str] = Counter()
    out = []
    for name in names:
        seen[name] += 1
        out.append(name if seen[name] == 1 else f"{name} {seen[name]}")
    return out


def verdict_spans(labels: np.ndarray, since: np.ndarray | None = None) -> list[tuple[int, int, str]]:
    """Runs of years with one equilibrium label: (first year, last year, label).

    `labels` is the label known at each step; with `since` (the per-step `equilibrium_since`, −1 while
    not converged) a span starts at its label's onset, the first step of its first window, as the
    status card says — not where it became known, 2W − 1 steps later (docs/ODD.md §7.8).
    """
    spans, start = [], 0
    for k in range(1, len(labels) + 1):
        if k == len(labels) or labels[k] != labels[start]:
            onset = int(since[start]) if since is not None and since[start] >= 0 else start
            spans.append((min(onset, start), k - 1, str(labels[start])))
            start = k
    return spans


# --- wars and events ------------------------------------------------------------------------------
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


def war_log(model: BalanceOfPowerModel, last: int | None = None, upto: int | None = None) -> list[War]:
    """The crises of the model's war log up to year `upto` (default: all), the last `last` of them
    (all with None), read from the DataCollector's table without a DataFrame; [] without war."""
    table = model.datacollector.tables.get("wars")
    if not table or not table["step"]:
        return []
    steps = table["step"]
    n = len(steps) if upto is None else int(np.searchsorted(np.asarray(steps), upto, side="right"))
    return [
        War(
            int(steps[k]),
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
    return [w for w in war_log(model, last=model.n, upto=step) if w.step == step and w.fought]


def wars_of(model: BalanceOfPowerModel, i: int, upto: int | None = None) -> list[War]:
    """The wars state i fought in, up to year `upto`."""
    return [w for w in war_log(model, upto=upto) if w.fought and (i in w.attackers or i in w.defenders)]


def latest_events(
    model: BalanceOfPowerModel, limit: int = 12, upto: int | None = None
) -> list[dict[str, Any]]:
    """The most recent alliance and war events up to year `upto` (default: all) as rows (step, kind,
    text): newest year first, wars before alliance changes within a year, later log entries first."""
    events = model.alignments.events
    if upto is not None:
        events = events[: _count_upto([e["step"] for e in events], upto)]
    rows = []
    for seq, event in enumerate(events[-limit:]):
        reason = event["reason"].replace("_", " ")
        if event["event"] == "refused":
            text = f"{event['partner']} refused {event['state']} ({reason})"
        else:
            text = f"{event['state']} {event['event']} A{event['alliance']} ({reason})"
        rows.append((event["step"], 1, seq, "alliance", text))
    for seq, war in enumerate(war_log(model, last=limit, upto=upto)):
        sides = (", ".join(model.names[i] for i in side) for side in (war.attackers, war.defenders))
        kind = "war" if war.fought else "crisis"
        text = "{}: {} vs {}".format(kind, *sides) + f" ({war.outcome.replace('_', ' ')})"
        if war.eliminated:
            text += f"; eliminated {', '.join(war.eliminated)}"
        rows.append((war.step, 0, seq, kind, text))
    rows.sort(key=lambda r: (-r[0], r[1], -r[2]))
    return [{"step": step, "kind": kind, "text": text} for step, _, _, kind, text in rows[:limit]]


def _count_upto(steps: list[int], upto: int) -> int:
    """How many entries of a log (in year order) belong to years up to `upto`."""
    return int(np.searchsorted(np.asarray(steps, dtype=np.int64), upto, side="right"))
