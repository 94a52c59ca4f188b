"""The visual server's controls, derived from the parameter table and the scenario registry.

Defaults, ranges and labels come from `model.params.PARAMS`, so a parameter is declared once; only the
slider ranges are narrowed here to what is useful to drag in a browser (the table allows far more).
"""

from __future__ import annotations

from typing import Any

from bop.viz.live import MIXED
from model.params import PARAMS, STRATEGIES, Param
from model.scenarios import SCENARIOS

# Browser ranges (low, high, step) for the sliders shown; None keeps the table's own bound.
SLIDERS: dict[str, tuple[float | None, float | None, float]] = {
    "n_states": (None, 100, 1),
    "power_sigma": (None, 2.0, 0.1),
    "growth_sd": (None, 0.05, 0.005),
    "threat_entry": (None, 1.5, 0.05),
    "threat_exit": (None, 1.5, 0.05),
    "hedge_threshold": (None, 2.0, 0.05),
    "defection_rate": (None, 0.1, 0.005),
    "perception_noise": (None, 1.0, 0.05),
    "essential_share": (None, 0.3, 0.01),
    "convergence_window": (None, 100, 1),
    "war_rate": (None, 0.5, 0.01),
    "superiority": (None, 5.0, 0.1),
    "war_cost": (None, None, 0.01),
    "reparations": (None, None, 0.05),
    "elimination_floor": (None, 0.5, 0.01),
}
SWITCHES = ("war", "restraint")
SELECTS = ("war_hazard",)
DEFAULT_SEED = 42


def label(param: Param) -> str:
    """The control's label: the parameter name in words."""
    return param.name.replace("_", " ").capitalize()


def slider(param: Param, low: float | None, high: float | None, step: float) -> dict[str, Any]:
    """A SolaraViz slider for a numeric parameter, within the table's range."""
    lo = param.low if low is None else max(low, param.low if param.low is not None else low)
    hi = param.high if high is None else min(high, param.high if param.high is not None else high)
    kind = "SliderInt" if param.kind is int else "SliderFloat"
    cast = int if param.kind is int else float
    assert lo is not None and hi is not None  # every slider has bounds, from the table or SLIDERS
    return {
        "type": kind,
        "label": label(param),
        "value": param.default,
        "min": cast(lo),
        "max": cast(hi),
        "step": step,
    }


def scenario_controls() -> dict[str, dict[str, Any]]:
    """Controls for the parameters scenarios add, labelled with the scenarios that use them."""
    users: dict[str, list[str]] = {}
    params: dict[str, Param] = {}
    for scenario in SCENARIOS.values():
        for name, param in scenario.params.items():
            users.setdefault(name, []).append(scenario.name)
            params.setdefault(name, param)
    return {
        name: control(param, f"{label(param)} ({', '.join(users[name])})") for name, param in params.items()
    }


def control(param: Param, text: str) -> dict[str, Any]:
    """The control that fits a parameter: a choice, a switch, a slider over its range, or text."""
    if param.choices is not None:
        return {"type": "Select", "label": text, "value": param.default, "values": list(param.choices)}
    if param.kind is bool:
        return {"type": "Checkbox", "label": text, "value": param.default}
    if param.kind in (int, float) and param.low is not None and param.high is not None:
        step = 1 if param.kind is int else (param.high - param.low) / 100
        return {**slider(param, None, None, step), "label": text}
    return {"type": "InputText", "label": text, "value": "" if param.default is None else str(param.default)}


def model_params() -> dict[str, Any]:
    """SolaraViz `model_params`: seed, scenario, the world, strategies, switches and thresholds."""
    controls: dict[str, Any] = {
        "rng": {"type": "InputText", "label": "Seed (blank = random)", "value": str(DEFAULT_SEED)},
        "scenario_name": {
            "type": "Select",
            "label": "Scenario",
            "value": PARAMS["scenario"].default,
            "values": list(SCENARIOS),
        },
        "strategy": {
            "type": "Select",
            "label": "Strategy (all states)",
            "value": MIXED,
            "values": [MIXED, *STRATEGIES],
        },
        "strategy_mix": {
            "type": "InputText",
            "label": "Strategy mix",
            "value": PARAMS["strategy_mix"].default,
        },
    }
    for name in (*SWITCHES, *SELECTS):
        controls[name] = control(PARAMS[name], label(PARAMS[name]))
    for name, (low, high, step) in SLIDERS.items():
        controls[name] = slider(PARAMS[name], low, high, step)
    controls.update(scenario_controls())
    return controls


def initial_values(controls: dict[str, Any]) -> dict[str, Any]:
    """The value each control starts at (to build the first model exactly as Reset would)."""
    return {name: spec["value"] for name, spec in controls.items()}


# Parameters that matter only with war on: the panel shows them under the War switch.
WAR_ONLY = (
    "restraint",
    "war_hazard",
    "war_rate",
    "superiority",
    "war_cost",
    "reparations",
    "elimination_floor",
)


def shown_controls(controls: dict[str, Any], values: dict[str, Any]) -> list[str]:
    """The controls that matter for the values chosen, in order: a scenario's own parameters only for
    that scenario, none it ignores (`Scenario.ignores`: the random world's knobs for a real one), the
    strategy mix only when no single rule is chosen, the war parameters only with war on."""
    scenario = SCENARIOS.get(str(values.get("scenario_name")), SCENARIOS["random"])
    others = {name for s in SCENARIOS.values() if s is not scenario for name in s.params} - set(
        scenario.params
    )
    hidden = set(scenario.ignores) | others
    if values.get("strategy", MIXED) != MIXED:
        hidden.add("strategy_mix")
    if not values.get("war"):
        hidden.update(WAR_ONLY)
    return [name for name in controls if name not in hidden]


def panel_label(name: str, spec: dict[str, Any]) -> str:
    """The label the panel shows: a scenario parameter without the list of scenarios that use it
    (the panel shows it only for the scenario chosen)."""
    param = PARAMS.get(name) or next((s.params[name] for s in SCENARIOS.values() if name in s.params), None)
    return label(param) if param is not None and name not in PARAMS else str(spec["label"])
