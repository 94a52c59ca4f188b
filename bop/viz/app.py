"""The visual server's page: `bop app` (or `solara run bop.viz.app`, or `solara run app.py`).

The sidebar holds Mesa's own run controls (Reset, Play/Pause, Step, from SolaraViz's ModelController)
and the parameters, only those the chosen scenario and switches use, each showing its value. The
World tab draws one year of the run, picked on the year slider (the present by default): world map,
status, alliance network, the focus state, power shares, equilibrium indicators, events, export and
share. The Compare tab plays two runs and draws them on shared axes. Each browser session has a
model of its own, rebuilt from the parameters by Reset.
"""

from __future__ import annotations

import time

import solara
import solara.lab
from mesa.visualization.solara_viz import ModelController, ShowSteps
from mesa.visualization.utils import update_counter
from solara.toestand import KernelStoreFactory, Reactive

from bop.viz.components import (
    STYLE,
    EquilibriumIndicators,
    EventLog,
    FocusPanel,
    Network,
    PowerShares,
    StatusCard,
    WorldMap,
    default_focus,
    reading,
)
from bop.viz.controls import initial_values, model_params
from bop.viz.live import LiveModel
from bop.viz.panels import ComparePanel, ParameterPanel, SharePanel, ValueSlider, YearSlider

TITLE = "Balance of power"
controls = model_params()

# One model per browser session (a plain module-level model would be shared by every session).
model: Reactive[LiveModel] = Reactive(
    KernelStoreFactory(lambda: LiveModel(**initial_values(controls)), key="bop-model")
)


@solara.component
def LiveViews(model: LiveModel) -> None:
    """Every view at the year shown: the present, or the past year picked on the slider until the run
    moves on (Step or Play), when the views follow the present again."""
    update_counter.get()
    start = time.perf_counter()
    with reading(model):  # a step in progress has counted its year but not yet recorded it
        steps = model.steps
    picked, set_picked = solara.use_state((0, 0, 0))  # (model, year, the run's year when picked)
    focus, set_focus = solara.use_state(default_focus(model), key=f"focus{id(model)}")
    shown = picked[1] if picked[0] == id(model) and picked[2] == steps else steps

    def pick(year: int) -> None:
        set_picked((id(model), min(max(int(year), 0), steps), steps))

    def drawn() -> None:  # after the render pass: its time tells the pacer how long a redraw takes
        model.pacer.drew(steps, time.perf_counter() - start)

    solara.use_effect(drawn, [model, steps, shown, focus])
    solara.use_effect(lambda: model.pacer.forget, [model])  # on leaving the tab: nothing draws now

    YearSlider(steps, shown, pick)
    with solara.Columns([3, 2], gutters_dense=True):
        with solara.Column():
            WorldMap(model, steps, shown, focus, set_focus)
            Network(model, steps, shown, focus, set_focus)
        with solara.Column():
            StatusCard(model, steps, shown)
            FocusPanel(model, steps, shown, focus, set_focus)
    with solara.Columns([1, 1], gutters_dense=True):
        with solara.Column():
            PowerShares(model, steps, shown)
            EventLog(model, steps, shown)
        with solara.Column():
            EquilibriumIndicators(model, steps, shown)
            SharePanel(model, steps)


@solara.component
def Page() -> None:
    """The whole page: title, sidebar (run controls, parameters) and the World and Compare tabs."""
    solara.Title(TITLE)
    solara.Style(STYLE)
    values = solara.use_reactive(initial_values(controls))
    play_interval = solara.use_reactive(100)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar(), solara.Column():
        with solara.Card("Run"):
            ValueSlider("Play Interval (ms)", play_interval.value, play_interval.set, 1, 500, 1, True)
            ValueSlider(
                "Render Interval (steps)", render_interval.value, render_interval.set, 1, 100, 1, True
            )
            ModelController(
                model,
                model_parameters=values,
                play_interval=play_interval,
                render_interval=render_interval,
                use_threads=use_threads,
            )
            ShowSteps(model.value)
        with solara.Card("Parameters"):
            ParameterPanel(controls, values)
    # Not lazy: a lazy tab unmounts the World charts when Compare is chosen, and a chart whose
    # (debounced) redraw was still pending then fails in the browser with a page error.
    with solara.lab.Tabs():
        with solara.lab.Tab("World"):
            LiveViews(model.value)
        with solara.lab.Tab("Compare"):
            ComparePanel(model.value)
