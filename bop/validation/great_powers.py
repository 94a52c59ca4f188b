"""Check `great-powers`: the calibration moments of great-power shares, data vs the default model.

The moments are computed for the data and for every simulated run by the same functions of
`model.scenarios.calibration` (`Panel`, `state_sums`, `reported_moments`, `concentration`), and judged
by its rule (`reproduces`: level moments within 30 % of the data, persistence inside the data's 95 %
interval over states). The calibration fits a closed Ornstein-Uhlenbeck process; this check asks
whether the whole model (arming, alliances, the random world's initial draw) still shows the data's
dynamics.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from bop.analysis.intervals import mean_interval
from bop.experiments.results import load_steps
from bop.validation.check import Check, Evaluation, Row, interval, number, register, state_arrays
from model.scenarios import calibration

STATES = 8  # the calibration's top K
MOMENTS = {
    "sd10": "sd of 10-year log-share change",
    "sd20": "sd of 20-year log-share change",
    "sd50": "sd of 50-year log-share change",
    "r20": "persistence r of 20-year share change",
    "s_max": "largest top-8 share, max over years",
}
DATA_REPLICATES = 500  # state bootstrap of the data's moments


def design(quick: bool) -> dict[str, Any]:
    """8-state random worlds, defaults otherwise, 200 years (201 recorded years, like 1816-2016)."""
    return {
        "name": "great-powers",
        "description": "validation: great-power share dynamics (COW NMC)",
        "scenario": "random",
        "steps": calibration.LAST_YEAR - calibration.FIRST_YEAR,
        "replications": 20 if quick else 200,
        "seed": 1601,
        "params": {"n_states": STATES},
        "record": {"logs": ["states"]},
    }


def moments_of(panel: calibration.Panel) -> dict[str, float]:
    """The reported moments and concentration of one panel (the calibration's functions)."""
    t = calibration.totals(calibration.state_sums(panel), None)
    found = {k: float(v[0]) for k, v in calibration.reported_moments(t).items()}
    return found | calibration.concentration(panel)


def data_moments() -> tuple[dict[str, float], dict[str, tuple[float, float]]]:
    """NMC 1816-2016, top 8 by CINC: the moments and their 95 % intervals over states."""
    panel = calibration.nmc_panel()
    _, boot = calibration.state_bootstrap(panel, DATA_REPLICATES, np.random.default_rng(0))
    intervals = {
        k: (float(np.nanpercentile(v, 2.5)), float(np.nanpercentile(v, 97.5)))
        for k, v in calibration.reported_moments(boot).items()
    }
    return moments_of(panel), intervals


def evaluate(folder: Path) -> Evaluation:
    """Each moment: the data's value (with its interval over states), the mean over runs (t interval)."""
    data, data_ci = data_moments()
    per_run = []
    for _, power in state_arrays(load_steps(folder, "states"), "power").values():
        panel = calibration.Panel(np.arange(len(power)), np.arange(STATES), np.log(power), STATES)
        per_run.append(moments_of(panel))
    rows, plot, missed = [], {}, []
    for key, label in MOMENTS.items():
        values = np.array([m[key] for m in per_run])
        mean, lo, hi = mean_interval(values)
        ci = data_ci.get(key)
        ok = calibration.reproduces(key, mean, data[key], ci)
        if key in calibration.LEVEL_MOMENTS:
            target = f"within 30% of the data: {number(0.7 * data[key])}-{number(1.3 * data[key])}"
            shown = f"{number(data[key])} [{number(ci[0])}, {number(ci[1])}]" if ci else number(data[key])
        else:
            assert ci is not None
            target = f"inside the data's 95% interval [{number(ci[0])}, {number(ci[1])}]"
            shown = interval(data[key], *ci)
        rows.append(Row(label, shown, mean, lo, hi, target, "pass" if ok else "fail"))
        plot[key] = {
            "data": data[key],
            "data_ci": ci,
            "mean": mean,
            "ci": (lo, hi),
            "runs": np.percentile(values, [2.5, 97.5]),
        }
        if not ok:
            missed.append(f"{label}: {number(mean)} against {number(data[key])}")
    text = (
        f"{len(per_run)} runs of {STATES}-state random worlds, 201 recorded years each, against NMC "
        f"{calibration.FIRST_YEAR}-{calibration.LAST_YEAR}. "
    )
    if missed:
        text += (
            "The model misses " + "; ".join(missed) + ". The moments were fitted on a closed "
            "Ornstein-Uhlenbeck process; what the whole model adds (the random world's initial spread of "
            "power, power_sigma, and arming that moves power with threat) is what moves them off the data."
        )
    else:
        text += "Every moment is reproduced: the whole model keeps the calibrated process's dynamics."
    return Evaluation(rows, text, plot={"moments": plot})


def draw(evaluation: Evaluation, fig: Figure) -> None:
    """Each moment: the data (black, interval over states) and the model (blue: mean with its
    interval; light: the central 95 % of runs)."""
    moments = evaluation.plot["moments"]
    axes = fig.subplots(1, len(moments))
    for ax, (key, m) in zip(axes, moments.items(), strict=True):
        ax.bar([1], [m["runs"][1] - m["runs"][0]], bottom=[m["runs"][0]], color="tab:blue", alpha=0.2)
        ax.errorbar([1], [m["mean"]], yerr=[[m["mean"] - m["ci"][0]], [m["ci"][1] - m["mean"]]], fmt="o")
        if m["data_ci"] is not None:
            lo, hi = m["data_ci"]
            ax.errorbar([0], [m["data"]], yerr=[[m["data"] - lo], [hi - m["data"]]], fmt="ks")
        else:
            ax.plot([0], [m["data"]], "ks")
        ax.set_xticks([0, 1], ["NMC", "model"])
        ax.set_xlim(-0.6, 1.6)
        ax.set_title(MOMENTS[key], fontsize=8)


register(
    Check(
        name="great-powers",
        fact="great-power shares move as in the COW record (calibration moments)",
        source=(
            "Singer, J. David, Stuart Bremer and John Stuckey (1972), 'Capability Distribution, "
            "Uncertainty, and Major Power War, 1820-1965', in B. Russett (ed.), Peace, War, and Numbers, "
            "Sage, 19-48; National Material Capabilities v6.0 (Correlates of War Project, 2021); the "
            "moments as defined in docs/calibration.md."
        ),
        data=(
            "model/scenarios/data/NMC-60-abridged.csv (shipped; provenance in its README): CINC of each "
            "year's 8 strongest states, 1816-2016; intervals from a bootstrap over states."
        ),
        world=(
            f"the default random world of {STATES} states (the calibration's top 8), war off, default "
            "strategy mix, 200 years: the world the process was calibrated for, with everything else on."
        ),
        design=design,
        evaluate=evaluate,
        draw=draw,
    )
)
