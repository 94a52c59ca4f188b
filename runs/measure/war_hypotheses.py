"""War hypotheses measured, not built in (docs/ODD.md §7.6), with intervals.

    .venv/bin/python runs/measure/war_hypotheses.py [--seeds 40] [--steps 200] [--workers 2]

Prints, for the default random world (20 states, default strategy mix) with war on:

1. the war rate per dyad-year at risk by bin of the bloc power ratio ρ_ij (and the crisis rate by bin of
   its trend ρ̇_ij) under three hazard shapes: flat (f = 1: no gain, parity or trend term), the
   expected_gain preset and the power_transition preset. Does the rate peak at parity only when the
   hazard is set to, and do the other settings show a peak the rule did not put there?
2. eliminations per run and the share of runs ending in universal empire against reparations
   (0, 0.2, 0.5, 0.9, and a punitive peace), with concessions on (concession=expected_loss) and off
   (never), restraint off; paired differences against reparations 0 on the same seeds;
3. restraint on against off, paired by seed: essential survivors (states essential at the start alive at
   the end) and eliminations; and restraint's hysteresis (essential_hysteresis 0.2 against 0);
4. large worlds: states alive after 50 years of 200 states (the first version lost most of them).

Intervals are 95%: Wilson for rates and shares (dyad-years treated as independent, which understates the
uncertainty: dyads of one run share its history), Student t for means over runs, paired t for
differences between settings on the same seeds (common random numbers).
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bop.analysis.intervals import mean_interval, paired_difference, wilson
from bop.analysis.wars import RATIO_BINS, rate_table
from model import BalanceOfPowerModel
from model.conflict import WAR_OUTCOMES

FLAT = {"hazard_gain": 0.0, "hazard_parity": 0.0, "hazard_trend": 0.0}
SHAPES = {
    "flat (f = 1)": FLAT,
    "expected_gain": {"war_hazard": "expected_gain"},
    "power_transition": {"war_hazard": "power_transition"},
}
REPARATIONS: dict[str, dict[str, Any]] = {
    "0": {"reparations": 0.0},
    "0.2": {"reparations": 0.2},
    "0.5": {"reparations": 0.5},
    "0.9": {"reparations": 0.9},
    "punitive": {"punitive_peace": True},
}


def run(task: tuple[int, int, dict[str, Any], bool]) -> dict[str, Any]:
    """One run: its summary, crisis counts, and (when asked) its dyads log reduced to what section 1 reads."""
    seed, steps, params, dyads = task
    m = BalanceOfPowerModel(rng=seed, record_states=False, record_dyads=dyads, war=True, **params)
    for _ in range(steps):
        if not m.running:
            break
        m.step()
    out: dict[str, Any] = dict(m.summary())
    wars = m.wars_frame()
    out["conceded"] = int((wars["outcome"] == "conceded").sum())
    out["crises"] = len(wars)
    out["universal_empire"] = out["universal_empire_at"] is not None
    fought = wars[wars["outcome"].isin(WAR_OUTCOMES)]
    out["sides_ratio"] = (fought["attack_power"] / fought["defence_power"]).to_numpy()
    if dyads:
        frame = m.dyads_frame()
        out["dyads"] = frame[["ratio", "trend", "hazard", "crisis", "war"]].astype(
            {"ratio": "float32", "trend": "float32", "hazard": "float32"}
        )
    return out


def runs(pool: ProcessPoolExecutor, seeds: range, steps: int, params: dict[str, Any], dyads: bool = False):
    return list(pool.map(run, [(s, steps, params, dyads) for s in seeds]))


def fmt(value: float, lo: float, hi: float, digits: int = 2) -> str:
    return f"{value:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


def rate(value: float, lo: float, hi: float) -> str:
    return f"{value * 1000:7.3f} [{lo * 1000:6.3f}, {hi * 1000:6.3f}]"


def section_rates(pool: ProcessPoolExecutor, seeds: range, steps: int) -> None:
    print(
        f"1. War rate per 1,000 dyad-years at risk by bloc power ratio ρ_ij (20 states, {steps} years, "
        f"{len(seeds)} seeds)"
    )
    trends = {}
    for label, params in SHAPES.items():
        results = runs(pool, seeds, steps, params, dyads=True)
        dyads = pd.concat([r["dyads"] for r in results], ignore_index=True)
        table = rate_table(dyads, "ratio", RATIO_BINS, event="war")
        print(f"  {label}: {int(table['events'].sum())} wars in {len(dyads):,} dyad-years")
        print(f"    {'ratio bin':14} {'dyad-years':>10} {'wars':>6} {'rate [95% Wilson]':>26} {'hazard':>9}")
        for _, row in table.iterrows():
            if row["dyad_years"]:
                print(
                    f"    {row['bin']:14} {row['dyad_years']:10,d} {row['events']:6d} "
                    f"{rate(row['rate'], row['lo'], row['hi']):>26} {row['hazard'] * 1000:9.3f}"
                )
        parity = table[table["bin"] == "[0.8, 1.25)"].iloc[0]
        rest = table[table["bin"] != "[0.8, 1.25)"]
        k, n = int(rest["events"].sum()), int(rest["dyad_years"].sum())
        lo, hi = wilson(k, n)
        peak = table.loc[table["rate"].idxmax(), "bin"]
        ratios = np.concatenate([r["sides_ratio"] for r in results])
        at_parity = int(((ratios >= 0.8) & (ratios < 1.25)).sum())
        plo, phi = wilson(at_parity, len(ratios))
        at = rate(parity["rate"], parity["lo"], parity["hi"])
        print(
            f"    parity {at} vs elsewhere {rate(k / n, lo, hi)} per 1,000; highest bin {peak}\n"
            f"    wars whose sides (allies and third parties in) stood at parity: {at_parity}/{len(ratios)} "
            f"= {fmt(at_parity / max(len(ratios), 1), plo, phi)}"
        )
        trends[label] = rate_table(dyads, "trend", event="crisis")
    print("  Crisis rate per 1,000 dyad-years by trend ρ̇_ij of ln ρ_ij (yearly, over the last 10 years)")
    for label, table in trends.items():
        cells = [
            f"{row['bin']}: {rate(row['rate'], row['lo'], row['hi']).strip()}"
            for _, row in table.iterrows()
            if row["dyad_years"]
        ]
        print(f"    {label}:\n      " + "\n      ".join(cells))


def section_reparations(pool: ProcessPoolExecutor, seeds: range, steps: int) -> None:
    print(
        f"\n2. Reparations with concessions on and off (20 states, restraint off, {steps} years, "
        f"{len(seeds)} seeds)"
    )
    print(
        f"    {'concession':14} {'reparations':11} {'eliminated':>20} {'universal empire':>24} "
        f"{'wars':>6} {'tributes':>9}  {'eliminated − at reparations 0 (paired)':>38}"
    )
    for concession in ("expected_loss", "never"):
        base = None
        for label, params in REPARATIONS.items():
            results = runs(pool, seeds, steps, {"restraint": False, "concession": concession, **params})
            eliminated = np.array([r["eliminated"] for r in results], dtype=float)
            empire = sum(r["universal_empire"] for r in results)
            lo, hi = wilson(empire, len(results))
            if base is None:
                base, diff = eliminated, ""
            else:
                d, dlo, dhi, _ = paired_difference(eliminated, base)
                diff = fmt(d, dlo, dhi)
            print(
                f"    {concession:14} {label:11} {fmt(*mean_interval(eliminated)):>20} "
                f"{empire:2d}/{len(results)} = {fmt(empire / len(results), lo, hi):>16} "
                f"{np.mean([r['wars'] for r in results]):6.1f} "
                f"{np.mean([r['conceded'] for r in results]):9.1f}  {diff:>38}"
            )


def section_restraint(pool: ProcessPoolExecutor, seeds: range, steps: int) -> None:
    print(f"\n3. Restraint (20 states, {steps} years, {len(seeds)} seeds, paired by seed)")
    on = runs(pool, seeds, steps, {"restraint": True})
    off = runs(pool, seeds, steps, {"restraint": False})
    sharp = runs(pool, seeds, steps, {"restraint": True, "essential_hysteresis": 0.0})
    for key in ("essential_survivors", "eliminated"):
        a, b, c = (np.array([r[key] for r in x], dtype=float) for x in (on, off, sharp))
        print(
            f"    {key:20} on {fmt(*mean_interval(a))}  off {fmt(*mean_interval(b))}  "
            f"on − off {fmt(*paired_difference(a, b)[:3])}"
        )
        print(
            f"    {'':20} hysteresis 0: {fmt(*mean_interval(c))}  0.2 − 0 {fmt(*paired_difference(a, c)[:3])}"
        )
    initial = np.mean([r["essential_initial"] for r in on])
    print(f"    (essential actors at the start: {initial:.2f} per run)")


def section_large(pool: ProcessPoolExecutor, seeds: range) -> None:
    print(f"\n4. Large worlds: 200 states, default parameters, war on, 50 years ({len(seeds)} seeds)")
    for label, params in (("restraint on", {}), ("restraint off", {"restraint": False})):
        alive = np.array(
            [r["states_alive"] for r in runs(pool, seeds, 50, {"n_states": 200, **params})], float
        )
        each = alive.astype(int).tolist()
        print(f"    {label}: states alive {fmt(*mean_interval(alive), digits=1)}  (each seed: {each})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=40)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--large-seeds", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    seeds = range(1, args.seeds + 1)
    with ProcessPoolExecutor(args.workers) as pool:
        section_rates(pool, seeds, args.steps)
        section_reparations(pool, seeds, args.steps)
        section_restraint(pool, seeds, args.steps)
        section_large(pool, range(1, args.large_seeds + 1))


if __name__ == "__main__":
    main()
