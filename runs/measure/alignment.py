"""Alignment figures (threat, consent, balancing, bandwagoning, buck-passing, hedging), with intervals.

    .venv/bin/python runs/measure/alignment.py [--seeds 40] [--steps 200] [--kz-steps 100]

Prints, for the model as it is on this checkout (it tolerates features the code does not have yet, so
the same script gives BEFORE and AFTER figures; docs/ODD.md §7.2-7.6 define what is measured):

1. all-balance worlds (20 states, no cap in the rules): the share of steps whose largest bloc holds at
   most `hegemony_share` (0.5) of all power, war off and on (target >= 90%);
2. willing partners: of the alliances formed or joined, the share whose partner (the other founder, or
   the joined alliance's leader) itself felt a threat worth allying against at that moment (its greatest
   threat as if it stood alone >= threat_entry, or >= threat_exit for a leader already in an alliance);
3. median alliance lifetime (Kaplan-Meier over membership spells, open spells censored) by strategy, in
   one-rule worlds, war off; hedger tie lifetimes when the model has ties;
4. hegemony by rule (balance, bandwagon, buckpass, hedge, landscape, collective), war off and on (and on
   with coalition wars when the model has them): share of runs ending with b_max > 0.5 (Wilson), mean
   share of steps above it (t), paired difference in that share vs balance (paired by seed);
5. Kazakhstan in eurasia-2016 under hedge, balance, bandwagon (and landscape): share of years in an
   exclusive bloc, mean felt threat, survival, wars fought, war off and on; paired differences vs hedge;
   and the share of seeds whose hedge and balance runs give Kazakhstan the same alliance history.

Intervals are 95%: Wilson for shares of runs or events, Student t for means over runs, paired t for
differences between rules on the same seeds (common random numbers), a bootstrap over runs for medians.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from agents.alliances import UNALIGNED, Alignments
from agents.rules import REGISTRY
from model import BalanceOfPowerModel

RULES = ("balance", "bandwagon", "buckpass", "hedge", "landscape", "collective")
KZ_RULES = ("hedge", "balance", "bandwagon", "landscape")
LINE = 0.5


# --- statistics ---------------------------------------------------------------------------------
def wilson(k: int, n: int) -> tuple[float, float, float]:
    """Share k/n and its 95% Wilson interval."""
    if n == 0:
        return math.nan, math.nan, math.nan
    z = 1.959964
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return p, max(0.0, centre - half), min(1.0, centre + half)


def t_interval(x: Iterable[float]) -> tuple[float, float, float]:
    """Mean of x and its 95% Student t interval."""
    a = np.asarray(list(x), dtype=float)
    a = a[np.isfinite(a)]
    if len(a) == 0:
        return math.nan, math.nan, math.nan
    if len(a) == 1 or np.all(a == a[0]):
        return float(a.mean()), float(a.mean()), float(a.mean())
    half = stats.t.ppf(0.975, len(a) - 1) * a.std(ddof=1) / math.sqrt(len(a))
    return float(a.mean()), float(a.mean() - half), float(a.mean() + half)


def km_median(durations: np.ndarray, observed: np.ndarray) -> float:
    """Kaplan-Meier median of durations with right censoring (scipy.stats.ecdf)."""
    if len(durations) == 0:
        return math.nan
    if observed.all():
        data: Any = durations
    else:
        data = stats.CensoredData(uncensored=durations[observed], right=durations[~observed])
    sf = stats.ecdf(data).sf
    below = np.flatnonzero(sf.probabilities <= 0.5)
    return float(sf.quantiles[below[0]]) if len(below) else math.inf


def median_interval(spells: list[tuple[np.ndarray, np.ndarray]], seed: int = 0) -> tuple[float, float, float]:
    """KM median of pooled spells, and a 95% bootstrap interval resampling runs (spells of one run
    are not independent)."""
    spells = [s for s in spells if len(s[0])]
    if not spells:
        return math.nan, math.nan, math.nan
    d = np.concatenate([s[0] for s in spells])
    o = np.concatenate([s[1] for s in spells])
    point = km_median(d, o)
    rng = np.random.default_rng(seed)
    boots = []
    for _ in range(200):
        pick = rng.integers(0, len(spells), len(spells))
        d_boot = np.concatenate([spells[k][0] for k in pick])
        boots.append(km_median(d_boot, np.concatenate([spells[k][1] for k in pick])))
    ordered = np.sort(boots)  # order statistics: medians may be inf (under half the spells ended)
    return point, float(ordered[int(0.025 * len(ordered))]), float(ordered[int(0.975 * len(ordered)) - 1])


def fmt(triple: tuple[float, float, float], digits: int = 3) -> str:
    m, lo, hi = triple
    if not math.isfinite(m):
        return "n/a" if math.isnan(m) else f"{m}"
    return f"{m:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


# --- runs ---------------------------------------------------------------------------------------
def known(params: dict[str, Any]) -> bool:
    """Whether this checkout knows every parameter and strategy named in params."""
    from model.params import PARAMS
    from model.scenarios import get_scenario

    extra = get_scenario(params.get("scenario", "random")).params
    for key, value in params.items():
        if key not in PARAMS and key not in extra:
            return False
        if key in ("strategy", "kazakhstan_strategy") and value not in REGISTRY:
            return False
    return True


def run(seed: int, steps: int, observe: Callable[[BalanceOfPowerModel], None] | None = None, **params: Any):
    """One run; `observe` is called after every step."""
    m = BalanceOfPowerModel(rng=seed, **params)
    for _ in range(steps):
        m.step()
        if observe is not None:
            observe(m)
        if not m.running:
            break
    return m


def b_max_series(m: BalanceOfPowerModel) -> np.ndarray:
    """b_max at steps 1..T."""
    return m.model_frame()["b_max"].to_numpy()[1:]


def spells(m: BalanceOfPowerModel, rule: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Membership spells (duration, ended) of states following `rule` (all if None), from the log."""
    events = m.events_frame()
    if events.empty:
        return np.array([]), np.array([], dtype=bool)
    start: dict[int, int] = {}
    dur, ended = [], []
    for row in events.itertuples():
        i = int(row.state_index)
        if rule is not None and m.strategy[i] != rule:
            continue
        if row.event in ("formed", "joined"):
            start[i] = int(row.step)
        elif row.event in ("left", "dissolved") and i in start:
            dur.append(int(row.step) - start.pop(i))
            ended.append(True)
    for s in start.values():
        dur.append(m.steps - s)
        ended.append(False)
    return np.array(dur, dtype=float), np.array(ended, dtype=bool)


def tie_spells(m: BalanceOfPowerModel) -> tuple[np.ndarray, np.ndarray] | None:
    """Hedgers' tie spells (a tie > 0 from its start to its end), or None if the model has no ties."""
    if not hasattr(m, "ties_frame"):
        return None
    ties = m.ties_frame()
    if ties.empty:
        return np.array([]), np.array([], dtype=bool)
    dur, ended = [], []
    for _, g in ties.sort_values("step").groupby(["state", "partner"]):
        on = g.set_index("step")["tie"].reindex(range(1, m.steps + 1)).ffill().fillna(0.0).to_numpy() > 0
        edges = np.diff(np.r_[0, on.astype(int), 0])
        starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        for a, b in zip(starts, stops, strict=True):
            dur.append(b - a)
            ended.append(b < len(on))
    return np.array(dur, dtype=float), np.array(ended, dtype=bool)


class Willingness:
    """Hooks Alignments.form/join to judge, at each new alliance or accession, whether the partner
    itself felt a threat worth allying against (see the module docstring)."""

    def __init__(self) -> None:
        self.willing = 0
        self.total = 0
        self.model: BalanceOfPowerModel | None = None
        self._form = Alignments.form
        self._join = Alignments.join

    def judge(self, partner: int) -> None:
        m = self.model
        if m is None or m.steps == 0:
            return
        s = m.perceive(np.array([partner]))
        felt = float(getattr(s, "tau_alone", s.tau)[0])
        felt = max(felt, float(s.partner_threat[0]))
        aligned = m.alignments.membership[partner] != UNALIGNED
        level = m.params["threat_exit"] if aligned else m.params["threat_entry"]
        self.total += 1
        self.willing += felt >= level

    def __enter__(self) -> Willingness:
        hook = self

        def form(al: Alignments, founders: list[int], step: int, reason: str, against: str = "") -> Any:
            if reason != "initial":
                hook.judge(int(founders[0]))
            return hook._form(al, founders, step, reason, against)

        def join(al: Alignments, i: int, alliance_id: int, step: int, reason: str, *rest: Any) -> None:
            members = al.alliances[alliance_id].members
            m = hook.model
            if m is not None:
                hook.judge(int(max(members, key=lambda k: m.power[k])))
            hook._join(al, i, alliance_id, step, reason, *rest)

        Alignments.form = form  # type: ignore[method-assign]
        Alignments.join = join  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        Alignments.form = self._form  # type: ignore[method-assign]
        Alignments.join = self._join  # type: ignore[method-assign]

    def run(self, seed: int, steps: int, **params: Any) -> BalanceOfPowerModel:
        original = BalanceOfPowerModel.__init__
        hook = self

        def init(model: BalanceOfPowerModel, *a: Any, **k: Any) -> None:
            hook.model = model
            original(model, *a, **k)

        BalanceOfPowerModel.__init__ = init  # type: ignore[method-assign]
        try:
            return run(seed, steps, **params)
        finally:
            BalanceOfPowerModel.__init__ = original  # type: ignore[method-assign]


# --- sections -----------------------------------------------------------------------------------
def above_the_line(m: BalanceOfPowerModel) -> tuple[int, int, int]:
    """Steps 1..T with the largest bloc above the line: (a single state above it; a coalition above it
    facing a second bloc of at least 0.4 — a bipolar standoff, where one of two near-equal blocs must be
    above 0.5 —; any other coalition above it)."""
    single = standoff = other = 0
    for power, membership, alive in m.state_history[1:]:
        p = np.where(alive, power, 0.0)
        share = p / p.sum()
        keys = np.where(membership != UNALIGNED, membership, -1 - np.arange(len(p)))
        _, labels = np.unique(keys, return_inverse=True)
        bloc_share = np.sort(np.bincount(labels, weights=share))[::-1]
        if bloc_share[0] <= LINE:
            continue
        if share.max() > LINE:
            single += 1
        elif len(bloc_share) > 1 and bloc_share[1] >= 0.4:
            standoff += 1
        else:
            other += 1
    return single, standoff, other


def section_balance(seeds: list[int], steps: int, worlds: dict) -> None:
    print("\n## 1. All-balance: share of steps with the largest bloc at or below 0.5 (target >= 0.90)")
    for war, coalition in ((False, False), (True, False), (True, True)):
        runs = worlds.get(("balance", war, coalition))
        if runs is None:
            continue
        below = [float(np.mean(b_max_series(m) <= LINE)) for m in runs]
        pooled = sum(int(np.sum(b_max_series(m) <= LINE)) for m in runs)
        n = sum(len(b_max_series(m)) for m in runs)
        tag = "off" if not war else ("on, coalition_war" if coalition else "on")
        print(
            f"war={tag}: mean over runs {fmt(t_interval(below))}; "
            f"runs with >= 90% of steps {fmt(wilson(sum(b >= 0.9 for b in below), len(below)))}; "
            f"pooled steps {fmt(wilson(pooled, n))} ({len(runs)} runs x {steps} steps)"
        )
        if runs[0].state_history:
            single, standoff, other = (sum(x) for x in zip(*(above_the_line(m) for m in runs), strict=True))
            print(
                f"   steps above the line: one state above it {single / n:.3f}; the larger of two blocs "
                f"(second >= 0.4) {standoff / n:.3f}; another coalition {other / n:.3f}"
            )


def section_willing(seeds: list[int], steps: int) -> None:
    print("\n## 2. Willing partners in new alliances (partner's own threat >= its entry level at the offer)")
    mixes = {
        "default mix": {},
        "all balance": {"strategy": "balance"},
    }
    for label, params in mixes.items():
        for war in (False, True):
            with Willingness() as w:
                refused = 0
                for seed in seeds:
                    m = w.run(seed, steps, war=war, record_states=False, **params)
                    events = m.events_frame()
                    refused += int((events["event"] == "refused").sum()) if len(events) else 0
            print(
                f"{label:12s} war={'on ' if war else 'off'}: willing {fmt(wilson(w.willing, w.total))} "
                f"of {w.total} offers accepted; refused offers logged: {refused}"
            )


def section_lifetimes(worlds: dict) -> None:
    print("\n## 3. Median alliance lifetime (years, Kaplan-Meier, open spells censored) in one-rule worlds")
    for rule in RULES:
        runs = worlds.get((rule, False, False))
        if runs is None:
            print(f"{rule:10s}: n/a (no such strategy on this checkout)")
            continue
        sp = [spells(m) for m in runs]
        n = sum(len(s[0]) for s in sp)
        print(f"{rule:10s} war=off: median {fmt(median_interval(sp), 1)} over {n} spells")
    runs = worlds.get(("hedge", False, False))
    ties = [tie_spells(m) for m in runs] if runs else [None]
    if ties[0] is None:
        print("hedger ties: n/a (the model has no ties on this checkout)")
    else:
        good = [t for t in ties if t is not None]
        n = sum(len(t[0]) for t in good)
        median = fmt(median_interval(good), 1)
        print(f"hedger ties (all-hedge world) war=off: median tie lifetime {median} over {n} ties")
    mixed = worlds.get(("mix", False, False))
    if mixed:
        for rule in sorted(set(mixed[0].strategy)):
            sp = [spells(m, rule) for m in mixed]
            n = sum(len(s[0]) for s in sp)
            print(f"default mix, {rule:10s} war=off: median {fmt(median_interval(sp), 1)} over {n} spells")
        ties = [tie_spells(m) for m in mixed]
        if ties[0] is not None:
            good = [t for t in ties if t is not None]
            n = sum(len(t[0]) for t in good)
            print(f"default mix, hedger ties war=off: median {fmt(median_interval(good), 1)} over {n} ties")


def section_hegemony(worlds: dict) -> None:
    print("\n## 4. Hegemony by rule: runs ending with b_max > 0.5; steps above it; paired diff vs balance")
    for war, coalition in ((False, False), (True, False), (True, True)):
        base = worlds.get(("balance", war, coalition))
        if base is None:
            continue
        tag = "war=off" if not war else ("war=on, coalition_war" if coalition else "war=on")
        print(f"-- {tag}")
        base_share = np.array([np.mean(b_max_series(m) > LINE) for m in base])
        for rule in RULES:
            runs = worlds.get((rule, war, coalition))
            if runs is None:
                continue
            end = sum(m.metrics["b_max"] > LINE for m in runs)
            share = np.array([np.mean(b_max_series(m) > LINE) for m in runs])
            diff = fmt(t_interval(share - base_share)) if rule != "balance" else "-"
            print(
                f"{rule:10s}: at end {fmt(wilson(int(end), len(runs)))};"
                f" steps above {fmt(t_interval(share))}; diff vs balance {diff}"
            )


def section_kazakhstan(seeds: list[int], steps: int) -> None:
    print("\n## 5. Kazakhstan in eurasia-2016 (defaults; war off and on)")
    from bop.analysis.outcomes import wars_fought

    for war in (False, True):
        print(f"-- war={'on' if war else 'off'}, {len(seeds)} seeds x {steps} years")
        results: dict[str, dict[str, np.ndarray]] = {}
        histories: dict[str, list[np.ndarray]] = {}
        for rule in KZ_RULES:
            params = {"scenario": "eurasia-2016", "kazakhstan_strategy": rule, "war": war}
            if not known(params):
                continue
            bloc, threat, alive, wars, hist = [], [], [], [], []
            for seed in seeds:
                felt: list[float] = []
                member: list[int] = []

                def observe(m: Any, felt: list[float] = felt, member: list[int] = member) -> None:
                    k = m.names.index("Kazakhstan")
                    if m.alive[k]:
                        felt.append(float(m.perceive(np.array([k])).tau[0]))
                    member.append(int(m.alignments.membership[k]))

                m = run(seed, steps, observe, **params)
                k = m.names.index("Kazakhstan")
                bloc.append(np.mean(np.array(member) != UNALIGNED))
                threat.append(np.mean(felt) if felt else math.nan)
                alive.append(bool(m.alive[k]))
                wars.append(wars_fought(m, "Kazakhstan"))
                hist.append(np.array(member) != UNALIGNED)
            results[rule] = {
                "bloc": np.array(bloc),
                "threat": np.array(threat),
                "alive": np.array(alive),
                "wars": np.array(wars, dtype=float),
            }
            histories[rule] = hist
        for rule, r in results.items():
            line = (
                f"{rule:10s}: in a bloc {fmt(t_interval(r['bloc']))};"
                f" felt threat {fmt(t_interval(r['threat']))};"
                f" survived {fmt(wilson(int(r['alive'].sum()), len(r['alive'])))};"
                f" wars {fmt(t_interval(r['wars']), 2)}"
            )
            if rule != "hedge" and "hedge" in results:
                h = results["hedge"]
                line += (
                    f"\n{'':10s}  minus hedge: in a bloc {fmt(t_interval(r['bloc'] - h['bloc']))};"
                    f" felt threat {fmt(t_interval(r['threat'] - h['threat']))};"
                    f" wars {fmt(t_interval(r['wars'] - h['wars']), 2)}"
                )
            print(line)
        if "hedge" in histories and "balance" in histories:
            same = sum(
                np.array_equal(a, b) for a, b in zip(histories["hedge"], histories["balance"], strict=True)
            )
            print(f"hedge and balance give Kazakhstan the same bloc history: {fmt(wilson(same, len(seeds)))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=40)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--kz-steps", type=int, default=100)
    parser.add_argument("--only", default="12345", help="which sections to run, e.g. 14")
    args = parser.parse_args()
    seeds = list(range(1, args.seeds + 1))
    worlds: dict[tuple[str, bool, bool], list[BalanceOfPowerModel]] = {}
    if set(args.only) & set("134"):
        for rule in (*RULES, "mix") if set(args.only) & set("34") else ("balance",):
            for war, coalition in ((False, False), (True, False), (True, True)):
                params: dict[str, Any] = {"war": war, "record_states": rule == "balance"}
                if rule != "mix":
                    params["strategy"] = rule
                if coalition:
                    params["coalition_war"] = True
                if not known(params) or (rule == "mix" and war):
                    continue
                worlds[(rule, war, coalition)] = [run(s, args.steps, **params) for s in seeds]
    print(f"# alignment figures: {args.seeds} seeds, {args.steps} steps, 20 states (model defaults)")
    if "1" in args.only:
        section_balance(seeds, args.steps, worlds)
    if "2" in args.only:
        section_willing(seeds, args.steps)
    if "3" in args.only:
        section_lifetimes(worlds)
    if "4" in args.only:
        section_hegemony(worlds)
    if "5" in args.only:
        section_kazakhstan(seeds, args.kz_steps)


if __name__ == "__main__":
    main()
