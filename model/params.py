"""The model's parameters: one table of names, types, defaults, ranges and meanings.

Everything that takes parameters (the model, the command line, sweeps, the visual server, the docs)
reads this table, so a parameter is declared once and validated the same way everywhere.
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, overload

from agents.rules import REGISTRY
from model.war import CONCESSION_RULES, HAZARD_PRESETS


class ParameterError(ValueError):
    """A parameter is unknown or out of range; the message names it and what is allowed."""


@dataclass(frozen=True)
class Param:
    """One model parameter: its type, default, allowed values and meaning."""

    name: str
    kind: type  # int, float, bool or str
    default: Any
    doc: str
    low: float | None = None
    high: float | None = None
    choices: Sequence[str] | None = None
    optional: bool = False  # None is allowed (means "not set" / "use the scenario's value")
    odd: str = ""  # the docs/ODD.md section that documents it ("7.6"); model parameters: ODD_SECTIONS

    def allowed(self) -> str:
        """Say in words which values are allowed."""
        if self.choices is not None:
            text = "one of " + ", ".join(self.choices)
        elif self.kind is bool:
            text = "true or false"
        elif self.low is not None or self.high is not None:
            noun = "an integer" if self.kind is int else "a number"
            text = f"{noun} from {self.low} to {self.high}"
        else:
            text = f"a {self.kind.__name__}"
        return text + (" (or unset)" if self.optional else "")

    def check(self, value: Any) -> Any:
        """Return the value coerced to this parameter's type, or raise ParameterError."""
        if self.optional and (
            value is None or (isinstance(value, str) and value.strip().lower() in ("none", "null"))
        ):
            return None
        if isinstance(value, str) and self.kind is not str:
            value = parse_text(value)
        try:
            value = self._coerce(value)
        except (TypeError, ValueError, OverflowError):  # OverflowError: an integer beyond float range
            raise ParameterError(
                f"parameter '{self.name}' must be {self.allowed()}, got {shown(value)}"
            ) from None
        if self.choices is not None and value not in self.choices:
            raise ParameterError(f"parameter '{self.name}' must be {self.allowed()}, got {shown(value)}")
        if self.kind in (int, float):
            out_of_range = (self.low is not None and value < self.low) or (
                self.high is not None and value > self.high
            )
            if out_of_range or (isinstance(value, float) and not math.isfinite(value)):
                raise ParameterError(f"parameter '{self.name}' must be {self.allowed()}, got {shown(value)}")
        return value

    def _coerce(self, value: Any) -> Any:
        if self.kind is bool:
            if isinstance(value, bool):
                return value
            raise TypeError
        if self.kind in (int, float) and (isinstance(value, bool) or not isinstance(value, numbers.Real)):
            raise TypeError  # text was parsed by check(); what is left is not a number
        if self.kind is int:
            if isinstance(value, numbers.Integral):
                return int(value)
            if not float(value).is_integer():
                raise TypeError
            return int(value)
        if self.kind is float:
            return float(value) + 0.0  # -0.0 becomes 0.0, which numpy's scale >= 0 checks accept
        if not isinstance(value, str):
            raise TypeError
        return value


def shown(value: Any, limit: int = 60) -> str:
    """A value as an error message shows it: its repr, cut short (a 5,000-digit number is not echoed)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 3 * limit:
        return f"an integer of about {round(value.bit_length() * math.log10(2))} digits"
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def nearest(word: object, names: Iterable[str]) -> str | None:
    """The name among `names` closest to a mistyped `word` (difflib's ratio at least 0.6), or None."""
    if not isinstance(word, str) or len(word) > 200:
        return None
    close = difflib.get_close_matches(word, list(names), n=1)
    return close[0] if close else None


def suggest(word: object, names: Iterable[str], listed: str = "known parameters") -> str:
    """What an error says after an unknown name: 'did you mean n_states?' when one is close, else
    every name (`listed: a, b, c`)."""
    names = sorted(names)
    close = nearest(word, names)
    return f"did you mean {close}?" if close else f"{listed}: {', '.join(names)}"


def parse_text(text: str) -> Any:
    """Read a value typed on a command line: true/false, none, a number, or the text itself.

    Only ASCII digits make a number: Python's int() and float() also read '٣' or '０.1', which a user
    typing them did not mean as numbers.
    """
    low = text.strip().lower()
    if low in ("true", "yes", "on"):
        return True
    if low in ("false", "no", "off"):
        return False
    if low in ("none", "null", ""):
        return None
    if not low.isascii():
        return text.strip()
    try:
        return int(low)
    except ValueError:
        if low.lstrip("+-").isdigit():  # digits beyond int()'s 4,300: keep the text, which check() refuses
            return text.strip()
    try:
        return float(low)
    except ValueError:
        return text.strip()


class StrategyNames(Sequence[str]):
    """The names of the registered strategies, read live from the registry (`agents.strategy`), so a
    strategy added in one file is accepted everywhere a strategy is named."""

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return tuple(REGISTRY)[index]

    def __len__(self) -> int:
        return len(REGISTRY)

    def __repr__(self) -> str:
        return repr(tuple(REGISTRY))


STRATEGIES = StrategyNames()
GROWTH_PROCESSES = ("ou", "fixed")  # model/power.py

PARAMS: dict[str, Param] = {
    p.name: p
    for p in [
        # world
        Param("scenario", str, "random", "Which world to build (see `bop scenarios`).", None, None),
        Param("n_states", int, 20, "Number of states in the random world.", 2, 5000),
        Param(
            "power_sigma",
            float,
            1.0,
            "Spread of initial powers in the random world (sd of log power; lognormal).",
            0.0,
            4.0,
        ),
        Param(
            "strategy",
            str,
            None,
            "One decision rule for every state; overrides strategy_mix when set.",
            choices=STRATEGIES,
            optional=True,
        ),
        Param(
            "strategy_mix",
            str,
            "balance:0.5,bandwagon:0.2,buckpass:0.2,hedge:0.1",
            "Shares of each rule in the population, e.g. 'balance:0.7,bandwagon:0.3'.",
        ),
        # growth of power and internal balancing (docs/ODD.md §7.1; defaults of growth_reversion
        # and growth_volatility: `bop calibrate`, NMC 1816-2016, checked by tests/test_calibration.py)
        Param(
            "growth_process",
            str,
            "ou",
            "How the economic base grows: ou (mean-reverting, random, calibrated on NMC) or fixed "
            "(one rate per state for the whole run, v1).",
            choices=GROWTH_PROCESSES,
        ),
        Param("growth_mean", float, 0.02, "Mean yearly growth rate of power (drift g).", -0.2, 0.2),
        Param(
            "growth_sd",
            float,
            0.01,
            "Spread of the fixed yearly growth rates across states (growth_process=fixed only).",
            0.0,
            0.2,
        ),
        Param(
            "growth_reversion",
            float,
            0.0094,
            "Yearly pull κ of log economy toward the mean of living states (growth_process=ou).",
            0.0,
            1.0,
        ),
        Param(
            "growth_volatility",
            float,
            0.103,
            "Sd σ of the yearly random shock to log economy (growth_process=ou).",
            0.0,
            1.0,
        ),
        Param(
            "arming",
            bool,
            True,
            "Internal balancing: threatened states convert growth into military capability.",
        ),
        Param(
            "arming_max",
            float,
            0.5,
            "Largest military effort a: power = economy · (1 + a); a state arms toward "
            "arming_max · min(threat, 1) · burden share.",
            0.0,
            5.0,
        ),
        Param(
            "arming_cost",
            float,
            0.01,
            "Growth lost per unit of military effort: Δ log economy −= arming_cost · a.",
            0.0,
            0.2,
        ),
        Param(
            "arming_rate",
            float,
            0.2,
            "Fraction of the gap to its target effort a state closes each year.",
            0.0,
            1.0,
        ),
        Param(
            "burden_sharing",
            bool,
            True,
            "Allies facing the same main threat share the arming burden in proportion to their economies.",
        ),
        # threat (Walt)
        Param(
            "distance_scale",
            float,
            None,
            "Distance at which threat falls to 1/e (world units; unset = the scenario's own).",
            1e-9,
            1e9,
            optional=True,
        ),
        Param(
            "power_exponent",
            float,
            1.0,
            "Exponent on relative power in the threat formula.",
            0.0,
            5.0,
        ),
        Param(
            "revisionism_weight",
            float,
            1.0,
            "How much a revisionist's intentions add to its threat (k).",
            0.0,
            10.0,
        ),
        Param(
            "predominance_weight",
            float,
            1.0,
            "Weight ω of the systemic threat any actor or bloc poses to all others as its share "
            "approaches predominance (Kaplan 4): π(s) = ω / (1 + exp(−(s − onset)/width)).",
            0.0,
            10.0,
        ),
        Param(
            "predominance_onset",
            float,
            0.4,
            "Share s₀ of all power at which the predominance threat reaches half its weight.",
            0.0,
            1.0,
        ),
        Param(
            "predominance_width",
            float,
            0.03,
            "Width δ of the predominance threat's smooth onset (share of all power).",
            0.001,
            1.0,
        ),
        Param(
            "perception_noise",
            float,
            0.0,
            "Sd of the lognormal noise on each perceived threat, drawn every step.",
            0.0,
            2.0,
        ),
        # alignment
        Param(
            "threat_entry",
            float,
            0.3,
            "Threat at which a state seeks allies (balance, bandwagon, buckpass).",
            0.0,
            10.0,
        ),
        Param(
            "threat_exit",
            float,
            0.15,
            "An alliance dissolves when the greatest threat to its members falls below this.",
            0.0,
            10.0,
        ),
        Param(
            "hedge_threshold",
            float,
            0.6,
            "Critical threat above which a hedger joins a bloc.",
            0.0,
            10.0,
        ),
        Param(
            "hedge_dominance",
            float,
            0.4,
            "A hedger leaves (and will not join) a bloc whose leader holds more than this share "
            "of all power.",
            0.0,
            1.0,
        ),
        Param(
            "tie_budget",
            float,
            1.0,
            "Bound on the sum of a hedger's partnership ties (Σ_k w_ik; 1 = one full alignment's worth).",
            0.0,
            10.0,
        ),
        Param(
            "tie_trust",
            float,
            0.5,
            "How much a tie of strength 1 lowers the threat a hedger perceives from its partner: "
            "reach_ik · (1 − tie_trust · w_ik).",
            0.0,
            1.0,
        ),
        Param(
            "tie_cost",
            float,
            0.25,
            "Penalty μ on concentrated ties (μ·Σ_k w_ik²): the lower, the more a hedger's ties pile onto "
            "one partner (exclusive alignment).",
            0.001,
            10.0,
        ),
        Param(
            "profit_threshold",
            float,
            0.7,
            "Revisionism from which an unthreatened bandwagoner joins the strongest bloc for profit.",
            0.0,
            1.0,
        ),
        Param(
            "offence_defence",
            float,
            0.0,
            "Offence-defence balance o (Christensen & Snyder): > 0 offence dominance (buck-catchers must be "
            "stronger, allies chain-gang), < 0 defence dominance (buck-passing pays, allies hold back).",
            -1.0,
            1.0,
        ),
        Param(
            "defection_rate",
            float,
            0.005,
            "Yearly probability that a member walks out of its alliance (alliance reliability).",
            0.0,
            1.0,
        ),
        # conflict (used by the power-politics rules)
        Param("war", bool, False, "Switch crises and wars on."),
        Param(
            "restraint",
            bool,
            True,
            "Kaplan's rule 3: never absorb an essential actor, nor push it below the essential line.",
        ),
        Param(
            "coalition_war",
            bool,
            False,
            "Kaplan 4 by force: balancers may open coalition wars against the bloc nearest predominance "
            "(yearly probability war_rate · the predominance term's onset).",
        ),
        Param(
            "war_hazard",
            str,
            "expected_gain",
            "Preset of the crisis hazard's shape f(ρ, ρ̇): expected_gain (hazard_gain 1: the chance of a "
            "worthwhile victory) or power_transition (hazard_parity 50, hazard_trend 25: parity, and a "
            "challenger rising through it).",
            choices=tuple(HAZARD_PRESETS),
        ),
        Param(
            "war_rate",
            float,
            0.05,
            "Base b of the crisis hazard q_ij = b · r_i · f(ρ_ij, ρ̇_ij) · a_ij: the yearly probability that "
            "a fully revisionist state opens a crisis where f = 1 towards all its opportunities.",
            0.0,
            1.0,
        ),
        Param(
            "hazard_gain",
            float,
            None,
            "Weight α of the gain term G(ρ)^α in the hazard (unset = the war_hazard preset's: 1 for "
            "expected_gain, 0 for power_transition).",
            0.0,
            10.0,
            optional=True,
        ),
        Param(
            "superiority",
            float,
            1.5,
            "Bloc power ratio ρ (own / target's) at which the gain term G is 1/2: the superiority an "
            "initiator wants, smooth, never a hard exclusion.",
            1.0,
            100.0,
        ),
        Param(
            "hazard_gain_width",
            float,
            0.12,
            "Width τ in ln ρ of the gain term G(ρ) = 1/(1 + (superiority/ρ)^(1/τ)).",
            0.01,
            10.0,
        ),
        Param(
            "hazard_parity",
            float,
            None,
            "Weight β of the parity term U(ρ)^β = (4ρ/(1+ρ)²)^β (unset = the preset's: 0 for expected_gain, "
            "50 for power_transition).",
            0.0,
            1000.0,
            optional=True,
        ),
        Param(
            "hazard_trend",
            float,
            None,
            "Slope γ of the trend term 2/(1 + exp(−γ ρ̇)): > 0 the rising side opens crises, < 0 the "
            "declining side (unset = the preset's: 0 for expected_gain, 25 for power_transition).",
            -1000.0,
            1000.0,
            optional=True,
        ),
        Param(
            "hazard_trend_years",
            int,
            10,
            "Years k over which the trend ρ̇ of the log power ratio is fitted (least squares).",
            1,
            200,
        ),
        Param(
            "war_noise",
            float,
            0.2,
            "Sd of the lognormal noise on power ratios perceived in a crisis.",
            0.0,
            2.0,
        ),
        Param(
            "war_chance",
            float,
            1.0,
            "Chance weight w of the war outcome, π = 1/(1 + ρ^(-1/w)); 1 gives P_A/(P_A+P_D).",
            0.01,
            100.0,
        ),
        Param(
            "war_cost",
            float,
            0.1,
            "Attrition: each side loses war_cost · 2·P_A·P_D/(P_A+P_D) of power.",
            0.0,
            0.5,
        ),
        Param(
            "reparations",
            float,
            0.2,
            "Share of its remaining power each loser transfers to the winners.",
            0.0,
            0.9,
        ),
        Param(
            "punitive_peace",
            bool,
            False,
            "A punitive (Versailles) peace: each loser pays all it holds above the survival line instead of "
            "reparations (at most 0.9 of its power; an essential loser under restraint down to the line).",
        ),
        Param(
            "concession",
            str,
            "expected_loss",
            "A target's concession rule: expected_loss (pays the tribute when it is cheaper than the war it "
            "expects), never (always fights), always (pays whenever it would survive paying).",
            choices=CONCESSION_RULES,
        ),
        Param(
            "tribute",
            float,
            0.3,
            "Share of its power a target pays to concede a crisis without war.",
            0.0,
            0.9,
        ),
        Param(
            "elimination_floor",
            float,
            0.1,
            "A loser left with less than this fraction of the winning side's power is absorbed.",
            0.0,
            1.0,
        ),
        Param(
            "hostility_decay",
            float,
            0.1,
            "Yearly fraction by which hostility between former enemies fades (Kaplan 6: re-entry).",
            0.0,
            1.0,
        ),
        Param(
            "hostility_weight",
            float,
            1.0,
            "How much hostility raises perceived threat: reach_ij · (1 + weight · H_ij).",
            0.0,
            10.0,
        ),
        # measures
        Param(
            "essential_share",
            float,
            0.05,
            "Share of all power from which a state counts as an essential actor.",
            0.0,
            1.0,
        ),
        Param(
            "essential_hysteresis",
            float,
            0.2,
            "Restraint's essential status, fixed each year at its start, is kept until the share falls below "
            "(1 − this) · essential_share.",
            0.0,
            1.0,
        ),
        Param(
            "hegemony_share",
            float,
            0.5,
            "Share above which a state or bloc is predominant (hegemony line).",
            0.05,
            1.0,
        ),
        Param(
            "polarity_threshold",
            float,
            0.1,
            "Share from which a bloc counts as a pole.",
            0.0,
            1.0,
        ),
        Param(
            "convergence_window",
            int,
            30,
            "Steps W of one window; a label is reported once it held over two windows (2W steps).",
            3,
            100000,
        ),
        Param(
            "trend_tolerance",
            float,
            0.002,
            "Largest trend (change per year, OLS slope) of CON and of a state's share in an equilibrium.",
            0.0,
            1.0,
        ),
        Param(
            "trend_alpha",
            float,
            0.05,
            "Level of the test that a trend is within trend_tolerance (chance of passing a larger trend).",
            1e-6,
            0.5,
        ),
        Param(
            "dynamic_band",
            float,
            0.2,
            "Largest range of CON over a window in an equilibrium.",
            0.0,
            1.0,
        ),
        Param(
            "stop_on_convergence",
            bool,
            False,
            "Stop the run as soon as an equilibrium is detected.",
        ),
        Param(
            "check_invariants",
            bool,
            False,
            "Check the model's invariants after every step (slower; for tests and debugging).",
        ),
        Param(
            "record_states",
            bool,
            True,
            "Record each state's power and bloc every step (needed for per-state plots).",
        ),
        Param(
            "record_dyads",
            bool,
            False,
            "Record every dyad at risk of a crisis every year, its ratio, trend, hazard and outcome "
            "(dyads_frame; N² rows a year).",
        ),
        Param(
            "dyads_min_reach",
            float,
            0.0,
            "Record only the dyads with reach exp(−d/λ) at least this (0: every dyad at risk).",
            0.0,
            1.0,
        ),
    ]
}


# The docs/ODD.md section of each model parameter (`bop params` shows it; tests/model/test_odd.py checks
# that every parameter has one and that it is a heading of docs/ODD.md). A Param may also say `odd=`.
ODD_SECTIONS = {
    "3": ("stop_on_convergence",),
    "4": ("check_invariants", "record_states"),
    "5": ("scenario", "n_states", "power_sigma", "strategy", "strategy_mix"),
    "7.1": (
        "growth_process",
        "growth_mean",
        "growth_sd",
        "growth_reversion",
        "growth_volatility",
        "arming",
        "arming_max",
        "arming_cost",
        "arming_rate",
        "burden_sharing",
    ),
    "7.2": (
        "distance_scale",
        "power_exponent",
        "revisionism_weight",
        "perception_noise",
        "predominance_weight",
        "predominance_onset",
        "predominance_width",
    ),
    "7.4": (
        "threat_entry",
        "hedge_threshold",
        "hedge_dominance",
        "profit_threshold",
        "offence_defence",
        "tie_budget",
        "tie_trust",
        "tie_cost",
    ),
    "7.5": ("threat_exit", "defection_rate"),
    "7.6": (
        "war",
        "restraint",
        "war_hazard",
        "war_rate",
        "superiority",
        "war_noise",
        "war_chance",
        "war_cost",
        "reparations",
        "tribute",
        "elimination_floor",
        "hostility_decay",
        "hostility_weight",
        "coalition_war",
        "hazard_gain",
        "hazard_gain_width",
        "hazard_parity",
        "hazard_trend",
        "hazard_trend_years",
        "punitive_peace",
        "concession",
        "essential_hysteresis",
        "record_dyads",
        "dyads_min_reach",
    ),
    "7.7": ("essential_share", "hegemony_share", "polarity_threshold"),
    "7.8": ("convergence_window", "trend_tolerance", "trend_alpha", "dynamic_band"),
}
PARAMS = {
    name: replace(p, odd=p.odd or next((s for s, names in ODD_SECTIONS.items() if name in names), ""))
    for name, p in PARAMS.items()
}


def parse_mix(text: str, name: str = "strategy_mix") -> dict[str, float]:
    """Read 'balance:0.7,bandwagon:0.3' into normalised weights; errors name the parameter."""
    allowed = f"'rule:weight' pairs separated by commas, rules from {', '.join(STRATEGIES)}"
    weights: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",")):
        rule, sep, weight = part.partition(":")
        rule = rule.strip()
        try:
            w = float(weight) if sep and weight.isascii() else math.nan
        except ValueError:
            w = math.nan
        if rule not in STRATEGIES or not (w >= 0 and math.isfinite(w)) or rule in weights:
            raise ParameterError(f"parameter '{name}' must be {allowed}; got {text!r}")
        weights[rule] = w
    total = sum(weights.values())
    if total <= 0:
        raise ParameterError(f"parameter '{name}' needs a positive weight; got {text!r}")
    return {rule: w / total for rule, w in weights.items()}


def validate(raw: Mapping[str, Any], extra: Mapping[str, Param] | None = None) -> dict[str, Any]:
    """Return all parameters with defaults filled in, or raise ParameterError naming the culprit.

    `extra` holds parameters a scenario adds (such as `kazakhstan_strategy`).
    """
    specs = dict(PARAMS)
    specs.update(extra or {})
    unknown = sorted(set(raw) - set(specs))
    if unknown:
        raise ParameterError(f"unknown parameter '{unknown[0]}'; {suggest(unknown[0], specs)}")
    values = {name: spec.check(raw.get(name, spec.default)) for name, spec in specs.items()}
    parse_mix(values["strategy_mix"])
    if values["threat_exit"] > values["threat_entry"]:
        raise ParameterError(
            "parameter 'threat_exit' must be at most threat_entry "
            f"({values['threat_entry']}), got {values['threat_exit']}"
        )
    if values["hedge_threshold"] < values["threat_exit"]:
        raise ParameterError(
            "parameter 'hedge_threshold' must be at least threat_exit "
            f"({values['threat_exit']}), got {values['hedge_threshold']}"
        )
    return values
