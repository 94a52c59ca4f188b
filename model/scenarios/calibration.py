"""Calibration of the growth process on the COW record (docs/calibration.md, docs/ODD.md §7.1).

Data: CINC (or another NMC power index) of each year's K strongest states, 1816-2016 by default.
The same moment functions are applied to the data and to simulated closed worlds of K states.

Estimator (classical minimum distance on closed forms): with y the log power of a top-K state
relative to that year's top-K mean, the process predicts
    V  = E y²                 = σ²(1 − 1/K) / (κ(2 − κ))
    D_k = E (y_{t+k} − y_t)²  = 2 V (1 − (1 − κ)^k),   k = 10, 20, 50,
and (κ, σ) minimise Σ (log model − log data)² over these four moments (σ² in closed form given κ).
Intervals: a parametric bootstrap (closed K-state worlds of the data's length simulated from the
estimate, re-estimated; Efron's bias-corrected percentiles); a bootstrap over states (clusters) is
reported beside it as a check on misspecification. Real scenarios call `hindcast`, which fits the
same estimator on the years before their start year only.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
from scipy import optimize, stats

from model import power

FIRST_YEAR, LAST_YEAR, TOP_K = 1816, 2016, 8
HORIZONS = (10, 20, 50)  # years of the estimator's change moments and of the reported sd's
PERSISTENCE = (10, 20)  # window lengths of the persistence correlation
CATCH_UP = (10, 20, 50)
TREND_YEARS = 20  # a state's trend for a real scenario's drift: its last 20 years
MIN_YEARS = 2 * min(HORIZONS)  # fewest years of history that identify (κ, σ)
REPLICATES = 500
KAPPA_BOUNDS = (1e-5, 0.5)
CINC = dict.fromkeys(("milex", "milper", "irst", "pec", "tpop", "upop"), 1.0)  # nmc.COMPONENTS, equal weights


@dataclass(frozen=True)
class Panel:
    """Log power of states (columns) by year (rows), NaN where a state is absent; top K each year."""

    years: np.ndarray  # (T,)
    codes: np.ndarray  # (S,) COW codes (or any labels)
    log_power: np.ndarray  # (T, S)
    top_k: int

    @property
    def top(self) -> np.ndarray:
        """(T, S) whether each state is among that year's top K (by log power, ties by column)."""
        x = np.where(np.isfinite(self.log_power), self.log_power, -np.inf)
        rank = np.argsort(np.argsort(-x, axis=1, kind="stable"), axis=1, kind="stable")
        return (rank < self.top_k) & np.isfinite(self.log_power)

    @property
    def log_share(self) -> np.ndarray:
        """Log of each state's share of the power of that year's top K (defined for every state)."""
        total = np.where(self.top, np.exp(self.log_power), 0.0).sum(1)
        return self.log_power - np.log(total)[:, None]

    @property
    def relative(self) -> np.ndarray:
        """Log power relative to that year's top-K mean, y_it."""
        top = self.top
        mean = np.where(top, self.log_power, 0.0).sum(1) / top.sum(1)
        return self.log_power - mean[:, None]


def nmc_panel(
    first: int = FIRST_YEAR,
    last: int = LAST_YEAR,
    top_k: int = TOP_K,
    weights: dict[str, float] | None = None,
) -> Panel:
    """Log NMC power index of every state, first..last (CINC unless component `weights` are given)."""
    return _panel(first, last, top_k, tuple(sorted((weights or CINC).items())))


@cache
def _panel(first: int, last: int, top_k: int, weights: tuple[tuple[str, float], ...]) -> Panel:
    # imported here, not at the top: model.scenarios builds its worlds with `hindcast` from this module
    from model.scenarios import nmc

    years = np.arange(first, last + 1)
    series = [nmc.power_index(int(y), dict(weights)) for y in years]
    codes = np.array(sorted(set().union(*(s.index for s in series))))
    values = np.full((len(years), len(codes)), np.nan)
    for t, s in enumerate(series):
        ok = s.to_numpy() > 0
        values[t, np.searchsorted(codes, s.index[ok])] = np.log(s.to_numpy()[ok])
    return Panel(years, codes, values, top_k)


# --- moments -------------------------------------------------------------------------------------
def _changes(x: np.ndarray, k: int, start: np.ndarray) -> np.ndarray:
    """(T − k, S) k-year changes of x, NaN unless the state is selected at the window's start."""
    d = x[k:] - x[:-k]
    return np.where(start[:-k] & np.isfinite(d), d, np.nan)


def state_sums(panel: Panel, horizons: Sequence[int] = HORIZONS) -> dict[str, np.ndarray]:
    """Per-state sums from which every moment is a ratio: a state's history is one bootstrap unit.

    Changes from t to t+k count when the state is in the top K at t (selection at the window's
    start, so a state's later fall is counted, not dropped)."""
    top, y, ls = panel.top, panel.relative, panel.log_share
    sums: dict[str, np.ndarray] = {"n": top.sum(0).astype(float), "y2": np.where(top, y**2, 0.0).sum(0)}
    for k in sorted(set(horizons) | set(CATCH_UP)):
        if k >= len(panel.years):
            continue
        dy, d, level = _changes(y, k, top), _changes(ls, k, top), np.where(top, ls, np.nan)[:-k]
        ok = np.isfinite(d)
        sums[f"n{k}"] = ok.sum(0).astype(float)
        sums[f"dy2_{k}"] = np.nansum(dy**2, 0)
        sums[f"d_{k}"], sums[f"d2_{k}"] = np.nansum(d, 0), np.nansum(d**2, 0)
        sums[f"x_{k}"], sums[f"x2_{k}"] = (
            np.nansum(np.where(ok, level, 0), 0),
            np.nansum(np.where(ok, level**2, 0), 0),
        )
        sums[f"xd_{k}"] = np.nansum(np.where(ok, level * d, 0), 0)
    for k in PERSISTENCE:
        if 2 * k >= len(panel.years):
            continue
        back = ls[k:-k] - ls[: -2 * k]
        ahead = ls[2 * k :] - ls[k:-k]
        ok = top[: -2 * k] & np.isfinite(back) & np.isfinite(ahead)
        b, f = np.where(ok, back, 0.0), np.where(ok, ahead, 0.0)
        sums[f"pn{k}"] = ok.sum(0).astype(float)
        for name, v in (("b", b), ("f", f), ("bb", b * b), ("ff", f * f), ("bf", b * f)):
            sums[f"p{name}{k}"] = v.sum(0)
    return sums


def totals(sums: dict[str, np.ndarray], weights: np.ndarray | None) -> dict[str, np.ndarray]:
    """Sums over states, weighted by bootstrap counts (weights (B, S)) or not (one row)."""
    if weights is None:
        return {k: np.atleast_1d(v.sum()) for k, v in sums.items()}
    return {k: weights @ v for k, v in sums.items()}


def estimator_moments(t: dict[str, np.ndarray], horizons: Sequence[int]) -> np.ndarray:
    """(B, 1 + H) moments of the estimator: V, then D_k for each horizon."""
    cols = [t["y2"] / t["n"]] + [t[f"dy2_{k}"] / t[f"n{k}"] for k in horizons]
    return np.stack(cols, axis=1)


def reported_moments(t: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The moments of the issue: sd of k-year log-share changes, persistence r_k, catch-up β_k."""
    out: dict[str, np.ndarray] = {}
    for k in HORIZONS:
        if f"n{k}" in t:
            n, s, s2 = t[f"n{k}"], t[f"d_{k}"], t[f"d2_{k}"]
            out[f"sd{k}"] = np.sqrt((s2 - s * s / n) / (n - 1))
    for k in PERSISTENCE:
        if f"pn{k}" in t:
            n = t[f"pn{k}"]
            cov = t[f"pbf{k}"] - t[f"pb{k}"] * t[f"pf{k}"] / n
            vb, vf = t[f"pbb{k}"] - t[f"pb{k}"] ** 2 / n, t[f"pff{k}"] - t[f"pf{k}"] ** 2 / n
            out[f"r{k}"] = cov / np.sqrt(vb * vf)
    for k in CATCH_UP:
        if f"n{k}" in t:
            n, x, x2, d, xd = (t[f"{a}{k}"] for a in ("n", "x_", "x2_", "d_", "xd_"))
            out[f"beta{k}"] = (xd - x * d / n) / (x2 - x * x / n)
    return out


def concentration(panel: Panel) -> dict[str, float]:
    """Largest top-K share over all years, and the range (min, max) of the top-K HHI."""
    share = np.where(panel.top, np.exp(panel.log_share), 0.0)
    hhi = (share**2).sum(1)
    return {"s_max": float(share.max()), "hhi_min": float(hhi.min()), "hhi_max": float(hhi.max())}


# --- the estimator -------------------------------------------------------------------------------
def model_moments(reversion: float, n: int, horizons: Sequence[int]) -> np.ndarray:
    """V and D_k of the OU process per unit σ² (closed forms, ODD §7.1)."""
    v = power.stationary_sd(reversion, 1.0, n) ** 2
    return np.array([v] + [2 * v * (1 - (1 - reversion) ** k) for k in horizons])


def fit(moments: np.ndarray, n: int, horizons: Sequence[int]) -> tuple[float, float]:
    """(κ, σ) minimising the squared log distance of the closed-form moments to `moments`."""
    target = np.log(moments)

    def residual(log_kappa: float) -> np.ndarray:
        r = target - np.log(model_moments(float(np.exp(log_kappa)), n, horizons))
        return r - r.mean()  # log σ² = mean residual, profiled out

    lo, hi = np.log(KAPPA_BOUNDS)
    best = optimize.minimize_scalar(
        lambda z: float((residual(z) ** 2).sum()), bounds=(lo, hi), method="bounded", options={"xatol": 1e-7}
    )
    kappa = float(np.exp(best.x))
    log_s2 = float((target - np.log(model_moments(kappa, n, horizons))).mean())
    return kappa, float(np.exp(log_s2 / 2))


def usable_horizons(years: int) -> tuple[int, ...]:
    """Horizons with at least as many start years as the horizon is long (all three from 100 years)."""
    return tuple(k for k in HORIZONS if years >= 2 * k)


def estimate(panel: Panel) -> tuple[float, float]:
    """Point estimate (κ, σ) of the growth process on a panel."""
    horizons = usable_horizons(len(panel.years))
    if not horizons:
        raise ValueError(f"a panel of {len(panel.years)} years is too short; the estimator needs {MIN_YEARS}")
    moments = estimator_moments(totals(state_sums(panel, horizons), None), horizons)[0]
    return fit(moments, panel.top_k, horizons)


def simulated_panels(
    reversion: float, volatility: float, k: int, years: int, replicates: int, rng: np.random.Generator
) -> np.ndarray:
    """(replicates, years, k) log powers of closed k-state worlds started in the stationary law."""
    sd = volatility / np.sqrt(reversion * (2 - reversion))  # each state's own stationary sd
    start = sd * rng.standard_normal((replicates, k))
    return np.moveaxis(power.simulate(start, years, reversion, volatility, rng), 0, 1)


# --- the calibration and its report --------------------------------------------------------------
@dataclass(frozen=True)
class Calibration:
    """Estimates with intervals, and the moments of the data and of the fitted model side by side."""

    first: int
    last: int
    top_k: int
    index: str
    replicates: int
    seed: int
    reversion: float
    volatility: float
    intervals: dict[str, tuple[float, float]]  # parametric bootstrap
    cluster_intervals: dict[str, tuple[float, float]]  # bootstrap over states
    data: dict[str, float]
    data_intervals: dict[str, tuple[float, float]]
    model: dict[str, float]  # mean over simulated worlds
    model_ranges: dict[str, tuple[float, float]]  # 2.5-97.5 % of simulated worlds
    shrinkage: float  # drift shrinkage factor of real scenarios over these years
    curves: dict[str, Any] = field(default_factory=dict)  # moment curves by horizon, for the figure

    @property
    def defaults(self) -> dict[str, float]:
        """The estimates as the parameter table holds them (κ to 4 decimals, σ to 3)."""
        return {"growth_reversion": round(self.reversion, 4), "growth_volatility": round(self.volatility, 3)}


LEVEL_MOMENTS = ("sd10", "sd20", "sd50", "s_max", "hhi_min", "hhi_max")  # judged within 30 %
NEAR_ZERO_MOMENTS = ("r10", "r20", "beta10", "beta20", "beta50")  # judged by the data's interval


def calibrate(
    first: int = FIRST_YEAR,
    last: int = LAST_YEAR,
    top_k: int = TOP_K,
    weights: dict[str, float] | None = None,
    replicates: int = REPLICATES,
    seed: int = 0,
    curves: bool = False,
) -> Calibration:
    """Estimate (κ, σ) on the NMC years first..last and compare the fitted model's moments."""
    label = "cinc" if weights is None else ",".join(f"{c}:{w:g}" for c, w in weights.items())
    return calibrate_panel(nmc_panel(first, last, top_k, weights), label, replicates, seed, curves)


def calibrate_panel(
    panel: Panel, label: str = "cinc", replicates: int = REPLICATES, seed: int = 0, curves: bool = False
) -> Calibration:
    """Estimate (κ, σ) on any panel, with both bootstraps, and simulate the fitted model's moments."""
    top_k, years = panel.top_k, len(panel.years)
    rng = np.random.default_rng(seed)
    estimates = reversion, volatility = estimate(panel)
    cluster, boot = state_bootstrap(panel, replicates, rng)
    data = {k: float(v[0]) for k, v in reported_moments(totals(state_sums(panel), None)).items()}
    data |= concentration(panel)
    refit, sims = parametric_bootstrap(reversion, volatility, top_k, years, replicates, rng)
    rows = []
    for path in sims:
        sim = Panel(panel.years, np.arange(top_k), path, top_k)
        t = totals(state_sums(sim), None)
        rows.append({k: float(v[0]) for k, v in reported_moments(t).items()} | concentration(sim))
    names = ("growth_reversion", "growth_volatility")
    return Calibration(
        first=int(panel.years[0]),
        last=int(panel.years[-1]),
        top_k=top_k,
        index=label,
        replicates=replicates,
        seed=seed,
        reversion=reversion,
        volatility=volatility,
        intervals={
            n: bias_corrected(v, refit[:, j]) for j, (n, v) in enumerate(zip(names, estimates, strict=True))
        },
        cluster_intervals={n: _pct(cluster[:, j]) for j, n in enumerate(names)},
        data=data,
        data_intervals={k: _pct(v) for k, v in reported_moments(boot).items()},
        model={k: float(np.mean([r[k] for r in rows])) for k in rows[0]},
        model_ranges={k: _pct(np.array([r[k] for r in rows])) for k in rows[0]},
        shrinkage=shrinkage_factor(panel),
        curves=moment_curves(panel, sims) if curves else {},
    )


def state_bootstrap(
    panel: Panel, replicates: int, rng: np.random.Generator
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(replicates, 2) estimates on the panel's states resampled with replacement (a state's whole
    history is the unit), and the resampled sums behind them (for the data moments' intervals)."""
    horizons = usable_horizons(len(panel.years))
    sums = state_sums(panel)
    keep = sums["n"] > 0
    states = int(keep.sum())
    counts = rng.multinomial(states, np.full(states, 1 / states), size=replicates).astype(float)
    boot = totals({k: v[keep] for k, v in sums.items()}, counts)
    fits = np.array([fit(m, panel.top_k, horizons) for m in estimator_moments(boot, horizons)])
    return fits, boot


def parametric_bootstrap(
    reversion: float, volatility: float, top_k: int, years: int, replicates: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(replicates, 2) re-estimates on closed worlds simulated from the estimate, and their paths."""
    sims = simulated_panels(reversion, volatility, top_k, years, replicates, rng)
    refits = np.array([estimate(Panel(np.arange(years), np.arange(top_k), path, top_k)) for path in sims])
    return refits, sims


def bias_corrected(value: float, replicates: np.ndarray) -> tuple[float, float]:
    """Efron's (1981) bias-corrected percentile 95 % interval: the percentiles Φ(2 z0 ± 1.96), with
    z0 = Φ⁻¹(share of replicates below the estimate), correct for the estimator's bias."""
    below = np.clip(
        np.mean(replicates < value), 1 / (len(replicates) + 1), len(replicates) / (len(replicates) + 1)
    )
    z0 = stats.norm.ppf(below)
    lo, hi = stats.norm.cdf(2 * z0 + np.array([-1.959964, 1.959964]))
    return float(np.percentile(replicates, 100 * lo)), float(np.percentile(replicates, 100 * hi))


def _pct(values: np.ndarray) -> tuple[float, float]:
    lo, hi = np.nanpercentile(values, [2.5, 97.5])
    return float(lo), float(hi)


def reproduces(key: str, model: float, data: float, data_interval: tuple[float, float] | None) -> bool:
    """Whether a model moment reproduces the data's: a level moment within 30 % of the data, a
    near-zero moment (a correlation, a slope) inside the data's 95 % interval."""
    if key in LEVEL_MOMENTS:
        return abs(model - data) <= 0.3 * abs(data)
    if data_interval is None:
        raise ValueError(f"moment {key!r} is judged by the data's interval, and it has none")
    return data_interval[0] <= model <= data_interval[1]


def judged(cal: Calibration) -> dict[str, bool]:
    """Whether the model reproduces each moment (`reproduces`)."""
    keys = [*LEVEL_MOMENTS, *(k for k in NEAR_ZERO_MOMENTS if k in cal.data_intervals)]
    return {k: reproduces(k, cal.model[k], cal.data[k], cal.data_intervals.get(k)) for k in keys}


MOMENT_NAMES = {
    "sd10": "sd of 10-year log-share change",
    "sd20": "sd of 20-year log-share change",
    "sd50": "sd of 50-year log-share change",
    "r10": "persistence r, 10-year windows",
    "r20": "persistence r, 20-year windows",
    "beta10": "catch-up beta, 10 years",
    "beta20": "catch-up beta, 20 years",
    "beta50": "catch-up beta, 50 years",
    "s_max": "largest top-K share (max over years)",
    "hhi_min": "top-K HHI, lowest year",
    "hhi_max": "top-K HHI, highest year",
}


def format_report(cal: Calibration) -> str:
    """The calibration as text: estimates with intervals, then data vs model moment by moment."""
    ok = judged(cal)
    horizons = ", ".join(map(str, usable_horizons(cal.last - cal.first + 1)))
    lines = [
        f"Growth process (ou) calibrated on NMC {cal.index} shares within each year's top {cal.top_k}, "
        f"{cal.first}-{cal.last}",
        f"(estimator: minimum distance on V and D_k, k = {horizons}; "
        f"{cal.replicates} bootstrap replicates, seed {cal.seed})",
        "",
        f"{'parameter':<20}{'estimate':>10}{'rounded':>10}   {'95% parametric':<20}{'95% over states':<20}",
    ]
    for name, value in (("growth_reversion", cal.reversion), ("growth_volatility", cal.volatility)):
        lo, hi = cal.intervals[name]
        clo, chi = cal.cluster_intervals[name]
        interval = f"[{lo:.4f}, {hi:.4f}]{'':<4}[{clo:.4f}, {chi:.4f}]"
        lines.append(f"{name:<20}{value:>10.4f}{cal.defaults[name]:>10}   {interval}")
    lines += [
        f"{'drift shrinkage B':<20}{cal.shrinkage:>10.3f}   (real scenarios: slope of the next "
        f"{TREND_YEARS}-year share growth on the last {TREND_YEARS} years)",
        "",
        f"{'moment':<40}{'data':>8}  {'95% (states)':<18}{'model':>8}  {'95% of worlds':<18} reproduced",
    ]
    for key, label in MOMENT_NAMES.items():
        if key not in cal.data:
            continue
        d_int = cal.data_intervals.get(key)
        d_text = f"[{d_int[0]:.3f}, {d_int[1]:.3f}]" if d_int else ""
        m_lo, m_hi = cal.model_ranges[key]
        verdict = "yes" if ok.get(key) else "NO"
        lines.append(
            f"{label:<40}{cal.data[key]:>8.3f}  {d_text:<18}{cal.model[key]:>8.3f}  "
            f"[{m_lo:.3f}, {m_hi:.3f}]{'':<2} {verdict}"
        )
    lines += [
        "",
        "reproduced: level moments, model mean within 30% of the data; r and beta, model mean inside the",
        "data's interval. The parameter table's defaults are the rounded estimates for 1816-2016.",
    ]
    return "\n".join(lines)


# --- moment curves and the figure ----------------------------------------------------------------
CURVE_LAGS = tuple(range(1, 61))
PERSIST_LAGS = tuple(range(2, 41, 2))


def moment_curves(panel: Panel, sims: np.ndarray) -> dict[str, Any]:
    """sd of k-year log-share change, persistence r_k and catch-up β_k by horizon, data and model."""

    def curves(p: Panel) -> dict[str, np.ndarray]:
        top, ls = p.top, p.log_share
        sd, beta, r = [], [], []
        for k in CURVE_LAGS:
            d = _changes(ls, k, top)
            ok = np.isfinite(d)
            sd.append(np.std(d[ok], ddof=1))
            x = ls[:-k][ok]
            beta.append(np.polyfit(x, d[ok], 1)[0])
        for k in PERSIST_LAGS:
            back, ahead = ls[k:-k] - ls[: -2 * k], ls[2 * k :] - ls[k:-k]
            ok = top[: -2 * k] & np.isfinite(back) & np.isfinite(ahead)
            r.append(np.corrcoef(back[ok], ahead[ok])[0, 1])
        return {"sd": np.array(sd), "beta": np.array(beta), "r": np.array(r)}

    data = curves(panel)
    model = [curves(Panel(panel.years, np.arange(panel.top_k), path, panel.top_k)) for path in sims[:200]]
    out: dict[str, Any] = {"lags": np.array(CURVE_LAGS), "persist_lags": np.array(PERSIST_LAGS), "data": data}
    for key in data:
        stack = np.stack([m[key] for m in model])
        out[key] = (stack.mean(0), *np.percentile(stack, [2.5, 97.5], axis=0))
    return out


def figure(cal: Calibration, path: str) -> None:
    """Data vs simulated moment curves by horizon (needs `calibrate(..., curves=True)`)."""
    from matplotlib.figure import Figure

    c = cal.curves
    fig = Figure(figsize=(13, 4), layout="constrained")
    axes = fig.subplots(1, 3)
    panels: list[tuple[str, str, str, Callable[[np.ndarray], np.ndarray]]] = [
        (
            "sd",
            "lags",
            "sd of k-year log-share change",
            lambda k: power.change_sd(cal.reversion, cal.volatility, cal.top_k, k),
        ),
        (
            "r",
            "persist_lags",
            "persistence r: k-year change vs next k years",
            lambda k: power.change_correlation(cal.reversion, k),
        ),
        (
            "beta",
            "lags",
            "catch-up β: k-year change on log share",
            lambda k: power.catch_up(cal.reversion, k),
        ),
    ]
    for ax, (key, lags, title, closed) in zip(axes, panels, strict=True):
        k = c[lags]
        mean, lo, hi = c[key]
        ax.fill_between(k, lo, hi, color="tab:blue", alpha=0.2, label="model, 95% of worlds")
        ax.plot(k, mean, color="tab:blue", label="model, mean")
        ax.plot(k, closed(k), color="tab:blue", ls=":", label="closed form (relative log power)")
        ax.plot(k, c["data"][key], "o", ms=3, color="black", label=f"NMC {cal.first}-{cal.last}")
        ax.axhline(0, color="grey", lw=0.5)
        ax.set_xlabel("horizon k (years)")
        ax.set_title(title, fontsize=10)
    axes[0].legend(fontsize=8)
    fig.suptitle(
        f"Growth process: κ = {cal.reversion:.4f}, σ = {cal.volatility:.3f}; top {cal.top_k} by {cal.index}",
        fontsize=11,
    )
    fig.savefig(path, dpi=110)


# --- real scenarios: the process from the years before the start ---------------------------------
@dataclass(frozen=True)
class Hindcast:
    """The growth process of a real scenario, fitted on the years before its start only."""

    reversion: float | None  # None: too little history; the parameter table's value applies
    volatility: float | None
    shrinkage: float
    drift: np.ndarray  # per requested state
    history: tuple[int, int] | None  # years used (first, last), or None


def shrinkage_factor(panel: Panel, years: int = TREND_YEARS) -> float:
    """Linear empirical-Bayes shrinkage of trends: the slope of a top-K state's next `years`-year
    log-share change on its last `years`-year change (selected at the start), clipped to [0, 1];
    0 when the panel is shorter than 2·years + 1."""
    ls, top = panel.log_share, panel.top
    if len(panel.years) <= 2 * years:
        return 0.0
    back, ahead = ls[years:-years] - ls[: -2 * years], ls[2 * years :] - ls[years:-years]
    ok = top[: -2 * years] & np.isfinite(back) & np.isfinite(ahead)
    b, f = back[ok], ahead[ok]
    slope = float(np.sum((b - b.mean()) * (f - f.mean())) / np.sum((b - b.mean()) ** 2))
    return float(np.clip(slope, 0.0, 1.0))


def hindcast(year: int, ccodes: Sequence[int], weights: dict[str, float] | None = None) -> Hindcast:
    """κ and σ fitted on the NMC years before `year`, and each state's drift: its trend over the last
    TREND_YEARS years before `year` shrunk toward the group's mean trend by the shrinkage factor.
    With fewer than MIN_YEARS years of history, κ and σ are None and every drift is 0."""
    if year - FIRST_YEAR < MIN_YEARS:
        return Hindcast(None, None, 0.0, np.zeros(len(ccodes)), None)
    key = tuple(sorted((weights or CINC).items()))
    reversion, volatility, shrink = _prior(year, key)
    panel = _panel(FIRST_YEAR, year - 1, TOP_K, key)
    trend = np.full(len(ccodes), np.nan)
    if len(panel.years) > TREND_YEARS:
        ls = panel.log_share
        change = (ls[-1] - ls[-1 - TREND_YEARS]) / TREND_YEARS
        where = np.searchsorted(panel.codes, ccodes).clip(0, len(panel.codes) - 1)
        found = panel.codes[where] == np.asarray(ccodes)
        trend[found] = change[where[found]]
    known = np.isfinite(trend)
    mean = float(trend[known].mean()) if known.any() else 0.0
    drift = np.where(known, mean + shrink * (trend - mean), mean)
    return Hindcast(reversion, volatility, shrink, drift, (FIRST_YEAR, year - 1))


@cache
def _prior(year: int, weights: tuple[tuple[str, float], ...]) -> tuple[float, float, float]:
    """(κ, σ, shrinkage) on the top-K panel of FIRST_YEAR..year − 1, cached per start year."""
    panel = _panel(FIRST_YEAR, year - 1, TOP_K, weights)
    reversion, volatility = estimate(panel)
    return reversion, volatility, shrinkage_factor(panel)


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m model.scenarios.calibration [--from Y --to Y --top K] [--figure PATH]`: print the report."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--from", dest="first", type=int, default=FIRST_YEAR)
    parser.add_argument("--to", dest="last", type=int, default=LAST_YEAR)
    parser.add_argument("--top", type=int, default=TOP_K)
    parser.add_argument("--replicates", type=int, default=REPLICATES)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--figure", help="write the moment-curve figure here (PNG)")
    args = parser.parse_args(argv)
    cal = calibrate(
        args.first, args.last, args.top, replicates=args.replicates, seed=args.seed, curves=bool(args.figure)
    )
    print(format_report(cal))
    if args.figure:
        figure(cal, args.figure)
        print(f"\nfigure: {args.figure}")


if __name__ == "__main__":
    main()
