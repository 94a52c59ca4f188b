"""The page's panels: the parameters, the year slider, export and share, and the comparison of two runs."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

import ipyvuetify
import solara
import solara.widgets
import traitlets

from bop.viz import charts
from bop.viz.components import build
from bop.viz.controls import WAR_ONLY, panel_label, shown_controls
from bop.viz.data import bloc_bands, series
from bop.viz.share import changed_params, command, run_archive, set_value
from model.model import BalanceOfPowerModel
from model.params import ParameterError, parse_text
from model.scenarios import SCENARIOS, get_scenario

COMPARE_MEASURES = ["b_max", "con", "n_eff", "polarity"]
MAX_COMPARE_YEARS = 2000


def rounded(value: float, step: float) -> float:
    """A slider's value rounded to its step's decimals (a dragged 0.3 arrives as 0.30000000000000004)."""
    decimals = max(-Decimal(str(step)).normalize().as_tuple().exponent, 0)  # type: ignore[operator]
    return round(round(value / step) * step, int(decimals))


def shown_value(value: Any, integer: bool) -> str:
    return str(int(value)) if integer else f"{float(value):g}"


@solara.component
def ValueSlider(
    label: str,
    value: float,
    on_value: Callable[[Any], None],
    min: float,
    max: float,
    step: float,
    integer: bool,
    disabled: bool = False,
) -> None:
    """A slider that shows its value beside it (Vuetify's own shows it only while dragging)."""

    def changed(raw: Any) -> None:
        on_value(int(raw) if integer else rounded(float(raw), step))

    with solara.Row(classes=["bop-slider"], style={"align-items": "center", "width": "100%"}, gap="4px"):
        solara.v.Slider(
            v_model=value,
            on_v_model=changed,
            label=label,
            min=min,
            max=max,
            step=step,
            thumb_label=True,
            hide_details=True,
            disabled=disabled,
            style_="flex: 1 1 auto",
        )
        solara.v.Html(tag="span", class_="bop-value", children=[shown_value(value, integer)])


def ordered(controls: dict[str, Any]) -> list[str]:
    """Panel order: seed and scenario, the scenario's own knobs, the world, strategies, war, the rest."""
    first = ["rng", "scenario_name"]
    knobs = {name for scenario in SCENARIOS.values() for name in scenario.params}
    scenario_knobs = [n for n in controls if n in knobs]
    world = ["n_states", "power_sigma", "growth_sd", "strategy", "strategy_mix", "war", *WAR_ONLY]
    rest = [n for n in controls if n not in {*first, *scenario_knobs, *world}]
    return [n for n in (*first, *scenario_knobs, *world, *rest) if n in controls]


@solara.component
def ParameterPanel(controls: dict[str, Any], values: solara.Reactive[dict[str, Any]]) -> None:
    """The model's parameters as controls, only those that matter for the scenario and switches chosen;
    each change goes into `values`, which Reset builds the next model from."""
    current = values.value

    def setter(name: str) -> Callable[[Any], None]:
        return lambda value: values.set({**values.value, name: value})

    shown = set(shown_controls(controls, current))
    for name in ordered(controls):
        if name not in shown:
            continue
        spec = controls[name]
        text = panel_label(name, spec)
        kind = spec["type"]
        value = current.get(name, spec["value"])
        if kind == "InputText":
            solara.InputText(text, value="" if value is None else str(value), on_value=setter(name))
        elif kind == "Select":
            solara.Select(text, value=value, values=list(spec["values"]), on_value=setter(name))
        elif kind == "Checkbox":
            solara.Checkbox(label=text, value=bool(value), on_value=setter(name))
        else:
            ValueSlider(
                text, value, setter(name), spec["min"], spec["max"], spec["step"], kind == "SliderInt"
            )
    solara.Text("Press Reset to build the world from these.", style={"font-size": "12px", "color": "#666"})


@solara.component
def YearSlider(steps: int, shown: int, on_shown: Callable[[int], None]) -> None:
    """Pick any past year of the run; every view redraws it from the recorded history. Step and Play go
    on from the present (and the views follow it again)."""
    with solara.Row(style={"align-items": "center", "width": "100%"}):
        with solara.Column(style={"flex": "1 1 auto", "min-width": "300px"}):
            ValueSlider("Year shown", shown, on_shown, 0, max(steps, 1), 1, True, disabled=steps == 0)
        solara.Button("Now", on_click=lambda: on_shown(steps), disabled=shown == steps, small=True)
        solara.Text(f"the run is at year {steps}", style={"font-size": "13px", "color": "#555"})


class CopyButton(ipyvuetify.VuetifyTemplate):
    """A button that copies `text` to the clipboard (navigator.clipboard on a secure page such as
    127.0.0.1, else the older select-and-copy)."""

    text = traitlets.Unicode("").tag(sync=True)
    copied = traitlets.Bool(False).tag(sync=True)
    template = traitlets.Unicode(
        """
<template>
  <v-btn small color="primary" @click="copy">{{ copied ? 'Copied' : 'Copy' }}</v-btn>
</template>
<script>
module.exports = {
  watch: { text() { this.copied = false; } },
  methods: {
    copy() {
      const done = () => { this.copied = true; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(this.text).then(done, () => this.fallback(done));
      } else {
        this.fallback(done);
      }
    },
    fallback(done) {
      const area = document.createElement("textarea");
      area.value = this.text;
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      document.body.removeChild(area);
      done();
    }
  }
}
</script>
"""
    ).tag(sync=True)


@solara.component
def SharePanel(model: BalanceOfPowerModel, steps: int) -> None:
    """Download the run (Parquet or CSV of its frames) and the command line that reproduces it."""
    seed = getattr(model, "seed", None)
    line = command(model, seed, steps) if seed is not None else ""
    with solara.Card("Export and share"):
        if line:
            solara.v.Textarea(
                value=line,
                label="Copy as command",
                readonly=True,
                auto_grow=True,
                rows=1,
                class_="bop-command",
            )
            CopyButton.element(text=line)
        else:
            solara.Warning("This world was not built from the controls (see the status card): no command.")
        with solara.Row():
            for kind in ("parquet", "csv"):
                solara.FileDownload(
                    lambda kind=kind: build(lambda m: run_archive(m, seed, kind), model),
                    filename=f"bop-run-{kind}.zip",
                    label=f"Run as {'Parquet' if kind == 'parquet' else 'CSV'} (.zip)",
                    mime_type="application/zip",
                )
        solara.Text(
            "Each chart's … menu saves it as SVG or PNG.", style={"font-size": "12px", "color": "#666"}
        )


# --- compare two runs -----------------------------------------------------------------------------
def settings_text(model: BalanceOfPowerModel) -> str:
    """The run's scenario and changed parameters as KEY=VALUE words (what `--set` takes)."""
    words = []
    if model.params["scenario"] != "random":
        words.append(f"scenario={model.params['scenario']}")
    words += [f"{name}={set_value(value)}" for name, value in changed_params(model).items()]
    return shlex.join(words)


def parse_words(text: str) -> dict[str, Any]:
    """KEY=VALUE words (shell-quoted) as a parameter dict; a word without '=' is an error."""
    params: dict[str, Any] = {}
    for word in shlex.split(text):
        key, sep, value = word.partition("=")
        if not sep or not key:
            raise ParameterError(f"expected KEY=VALUE, got {word!r}")
        params[key.strip()] = parse_text(value)
    return params


def run_for(seed: int, text: str, years: int) -> BalanceOfPowerModel:
    """A run built as `bop run --seed SEED --set ...` would build it, played for `years` years."""
    params = parse_words(text)
    get_scenario(params.get("scenario", "random")).check_used(params)
    model = BalanceOfPowerModel(rng=seed, **{**params, "record_states": True})
    for _ in range(years):
        if not model.running:
            break
        model.step()
    return model


def summary_rows(runs: dict[str, BalanceOfPowerModel]) -> str:
    """The two runs' outcomes side by side as an HTML table."""
    header = "".join(f"<th>{run}</th>" for run in runs)
    lines = []
    for what, key, fmt in (
        ("equilibrium", "equilibrium", "{}"),
        ("since year", "converged_at", "{}"),
        ("years", "steps", "{}"),
        ("largest bloc b_max", "b_max", "{:.3f}"),
        ("CON", "con", "{:.3f}"),
        ("N_eff", "n_eff", "{:.2f}"),
        ("alliances", "alliances", "{}"),
        ("wars", "wars", "{}"),
        ("states alive", "states_alive", "{}"),
    ):
        values = [m.summary()[key] for m in runs.values()]
        cells = "".join(f"<td>{'—' if v is None else fmt.format(v)}</td>" for v in values)
        lines.append(f"<tr><th>{what}</th>{cells}</tr>")
    return f'<table class="bop-status bop-compare"><tr><th></th>{header}</tr>{"".join(lines)}</table>'


@solara.component
def ComparePanel(model: BalanceOfPowerModel) -> None:
    """Two runs side by side: two seeds, or two parameter sets, played for the same years and drawn on
    shared axes. They start as the live run's settings with its seed and the next one."""
    base_seed = getattr(model, "seed", None)
    base_seed = 42 if base_seed is None else base_seed
    base = settings_text(model)
    seed_a, set_seed_a = solara.use_state(str(base_seed), key=f"a{id(model)}")
    seed_b, set_seed_b = solara.use_state(str(base_seed + 1), key=f"b{id(model)}")
    words_a, set_words_a = solara.use_state(base, key=f"wa{id(model)}")
    words_b, set_words_b = solara.use_state(base, key=f"wb{id(model)}")
    years, set_years = solara.use_state(max(model.steps, 100))
    result, set_result = solara.use_state(cast(Any, None))

    def run_both() -> None:
        try:
            runs = {
                f"A (seed {seed_a})": run_for(int(seed_a), words_a, years),
                f"B (seed {seed_b})": run_for(int(seed_b), words_b, years),
            }
        except (ParameterError, ValueError) as error:
            set_result(str(error))
            return
        set_result(runs)

    with solara.Card("Compare two runs"):
        solara.Markdown(
            "Two seeds of one design, or two designs (parameters as `KEY=VALUE`, as `bop run --set` takes "
            "them), played for the same years; the charts share their axes."
        )
        for run, seed, set_seed, words, set_words in (
            ("A", seed_a, set_seed_a, words_a, set_words_a),
            ("B", seed_b, set_seed_b, words_b, set_words_b),
        ):
            with solara.Row():
                solara.InputText(f"Run {run} seed", value=seed, on_value=set_seed, continuous_update=True)
                solara.InputText(
                    f"Run {run} parameters", value=words, on_value=set_words, continuous_update=True
                )
        with solara.Row(style={"align-items": "center"}):
            ValueSlider("Years", years, set_years, 1, MAX_COMPARE_YEARS, 1, True)
            solara.Button("Run both", color="primary", on_click=run_both)
    if isinstance(result, str):
        solara.Error(result)
    elif result:
        frames = {run: {m: series(r, m) for m in COMPARE_MEASURES} for run, r in result.items()}
        last = max(r.steps for r in result.values())
        with solara.Card("Outcomes"):
            solara.HTML(tag="div", unsafe_innerHTML=summary_rows(result))
        solara.widgets.VegaLite.element(spec=charts.compare_lines(frames, COMPARE_MEASURES))
        solara.widgets.VegaLite.element(
            spec=charts.compare_bands({run: bloc_bands(r) for run, r in result.items()}, last)
        )
