"""The visual server's parts without a browser: controls, the live model, data readers, components.

The components are rendered with `solara.render` on the hand-built world of test_rules.py:
A (power 10) at (0, 0), B (2) at (1, 0), C (1) at (0, 0.5); A hedges, B and C balance. Both feel A
(T_BA = 0.307, T_CA = 0.551, above the entry threshold 0.3), so each wants the other and consents
(alliances form only by consent); in year 1 B, first in the random order, allies with C against A
(alliance 1, led by B, the stronger member; the log has C's row first, then B's). Total power stays 13.
"""

from __future__ import annotations

import html
import threading

import ipyvuetify
import ipywidgets
import numpy as np
import pytest
import solara
import solara.widgets
from mesa.experimental.scenarios import Scenario as MesaScenario
from mesa.visualization.solara_viz import _build_model_init_kwargs

from bop.viz.components import EquilibriumIndicators, EventLog, PowerShares, StatusCard, WorldMap
from bop.viz.controls import initial_values, model_params
from bop.viz.data import bloc_history, latest_events, war_log, wars_at
from bop.viz.figures import PALETTE, MapPainter, bloc_color
from bop.viz.live import LiveModel, parse_seed
from model.model import BalanceOfPowerModel
from model.params import PARAMS, STRATEGIES, Param, ParameterError
from model.scenarios import SCENARIOS, Scenario, random_world
from tests.worlds import model, world

POWER = [10.0, 2.0, 1.0]
POSITION = [(0.0, 0.0), (1.0, 0.0), (0.0, 0.5)]


def allied_world(steps: int = 1) -> BalanceOfPowerModel:
    m = model(world(POWER, POSITION, ["hedge", "balance", "balance"]), hedge_threshold=0.9)
    for _ in range(steps):
        m.step()
    return m


# --- controls --------------------------------------------------------------------------------------
def test_controls_take_defaults_and_ranges_from_the_parameter_table():
    controls = model_params()
    for name, spec in controls.items():
        if name in PARAMS and spec["type"].startswith("Slider"):
            param = PARAMS[name]
            assert spec["value"] == param.default
            assert param.low <= spec["min"] <= spec["value"] <= spec["max"] <= param.high
    assert controls["war"] == {"type": "Checkbox", "label": "War", "value": False}
    assert controls["restraint"]["value"] is True
    assert controls["strategy"]["values"] == ["mixed", *STRATEGIES]
    assert controls["strategy_mix"]["value"] == PARAMS["strategy_mix"].default


def test_scenario_dropdown_lists_every_registered_scenario_and_its_parameters(monkeypatch):
    extra = Param("kaz_rule", str, "hedge", "Kazakhstan's rule.", choices=("hedge", "balance"))
    monkeypatch.setitem(
        SCENARIOS, "test-world", Scenario("test-world", "a test", random_world.build, {"kaz_rule": extra})
    )
    controls = model_params()
    assert controls["scenario_name"]["values"] == list(SCENARIOS)
    assert "test-world" in controls["scenario_name"]["values"]
    assert controls["kaz_rule"] == {
        "type": "Select",
        "label": "Kaz rule (test-world)",
        "value": "hedge",
        "values": ["hedge", "balance"],
    }
    # Another scenario's parameter is dropped when the random world is built, used when its own is.
    values = initial_values(controls)
    assert LiveModel(**values).param_error is None
    chosen = LiveModel(**{**values, "scenario_name": "test-world", "kaz_rule": "balance"})
    assert chosen.params["kaz_rule"] == "balance" and chosen.param_error is None


# --- the live model ----------------------------------------------------------------------------------
def test_a_typed_seed_is_an_int_and_blank_means_random():
    assert parse_seed("42") == 42 and parse_seed(" 7 ") == 7 and parse_seed(3) == 3
    assert parse_seed("") is None and parse_seed(None) is None
    for bad in ("-3", "4.5", "seven"):
        with pytest.raises(ParameterError, match="'seed'"):
            parse_seed(bad)
    typed = LiveModel(rng="7", n_states=12)
    plain = BalanceOfPowerModel(rng=7, n_states=12)
    np.testing.assert_array_equal(typed.power, plain.power)
    assert list(typed.strategy) == list(plain.strategy)


def test_mesa_reset_rebuilds_the_model_from_the_controls():
    # Exactly what Mesa 3.5's Reset does: its own kwargs (which add scenario=<mesa Scenario>), then
    # type(model)(**kwargs).
    controls = {**initial_values(model_params()), "rng": "11", "strategy_mix": "bandwagon:1", "n_states": 9}
    first = LiveModel(**initial_values(model_params()))
    kwargs = _build_model_init_kwargs(
        first, controls, add_scenario_when_empty=True, require_model_accepts_scenario=True
    )
    assert isinstance(kwargs["scenario"], MesaScenario)
    rebuilt = type(first)(**kwargs)
    assert rebuilt.param_error is None
    assert rebuilt.n == 9 and list(rebuilt.strategy) == ["bandwagon"] * 9
    np.testing.assert_array_equal(rebuilt.power, BalanceOfPowerModel(rng=11, n_states=9).power)


def test_one_rule_for_all_overrides_the_mix():
    m = LiveModel(rng=2, n_states=10, strategy="hedge", strategy_mix="balance:1")
    assert set(m.strategy) == {"hedge"}
    assert set(LiveModel(rng=2, n_states=10, strategy="mixed", strategy_mix="balance:1").strategy) == {
        "balance"
    }


@pytest.mark.parametrize(
    ("controls", "named"),
    [
        ({"strategy_mix": "balance:x"}, "strategy_mix"),
        ({"rng": "seven"}, "seed"),
        ({"threat_exit": 0.9}, "threat_exit"),
    ],
)
def test_bad_browser_input_builds_the_default_world_and_says_why(controls, named):
    m = LiveModel(n_states=9, **controls)
    assert m.param_error is not None and f"'{named}'" in m.param_error
    assert m.n == PARAMS["n_states"].default  # the default world, not a half-built one


def test_a_blank_text_box_unsets_an_optional_parameter():
    m = LiveModel(rng=1, scenario_name="nmc", nmc_states="", nmc_top_k=6)
    assert m.param_error is None and m.params["nmc_states"] is None and m.n == 6


def test_steps_hold_the_lock_that_views_read_under():
    m = LiveModel(rng=3, n_states=5)
    free_during_step = []

    def probe() -> None:  # another thread (a view being drawn) tries to take the lock mid-step
        free_during_step.append(m.lock.acquire(blocking=False))

    def grow() -> None:
        thread = threading.Thread(target=probe)
        thread.start()
        thread.join()

    m.grow = grow
    m.step()
    assert free_during_step == [False] and m.steps == 1
    assert m.lock.acquire(blocking=False)  # and it is released after the step
    m.lock.release()


# --- data readers --------------------------------------------------------------------------------------
def test_bloc_history_matches_hand_shares():
    m = allied_world(steps=2)
    h = bloc_history(m)
    assert list(h.steps) == [0, 1, 2] and list(h.ids) == [1]
    # Year 0: nobody allied. Years 1-2: alliance 1 = B + C = 3/13; unaligned A = 10/13.
    np.testing.assert_allclose(h.shares[:, 0], [0.0, 3 / 13, 3 / 13])
    np.testing.assert_allclose(h.unaligned, [1.0, 10 / 13, 10 / 13])


def test_latest_events_are_newest_first_and_readable():
    m = allied_world()
    rows = latest_events(m)
    assert [r["step"] for r in rows] == [1, 1]
    assert {r["text"] for r in rows} == {"B formed A1 (balance)", "C formed A1 (balance)"}


def crisis(step: int, attackers: list[str], defenders: list[str], outcome: str, eliminated=()) -> dict:
    """A war-log row as the conflict rules write it (powers and odds do not matter here)."""
    return {
        "step": step,
        "initiator": attackers[0],
        "target": defenders[0],
        "outcome": outcome,
        "attackers": attackers,
        "defenders": defenders,
        "attack_power": 1.0,
        "defence_power": 1.0,
        "p_initiator": 0.5,
        "costs": 0.0,
        "transfer": 0.0,
        "eliminated": list(eliminated),
        "cause": "expected_gain",
    }


def log_crises(m: BalanceOfPowerModel, *rows: dict) -> None:
    for row in rows:
        m.datacollector.add_table_row("wars", row)


def test_wars_are_read_from_the_war_log_and_crises_told_apart():
    m = allied_world()
    log_crises(
        m,
        crisis(0, ["B"], ["A"], "backed_down"),
        crisis(1, ["A"], ["C"], "conceded"),
        crisis(1, ["A"], ["B", "C"], "initiator_won", eliminated=["C"]),
    )
    # Only the war is drawn on the map; the tribute paid by C is not a war.
    assert [(w.initiator, w.target, w.attackers, w.defenders) for w in wars_at(m, 1)] == [(0, 1, [0], [1, 2])]
    assert wars_at(m, 0) == []
    texts = [r["text"] for r in latest_events(m)]
    # Year 1 first, its crises (later log entries first) before its alliance events; year 0 last.
    assert texts == [
        "war: A vs B, C (initiator won); eliminated C",
        "crisis: A vs C (conceded)",
        "B formed A1 (balance)",
        "C formed A1 (balance)",
        "crisis: B vs A (backed down)",
    ]
    assert wars_at(allied_world(), 1) == []  # no war log, no wars


def test_the_war_log_of_a_real_run_is_read():
    m = BalanceOfPowerModel(rng=3, n_states=12, war=True, war_rate=0.5)
    for _ in range(20):
        m.step()
    frame = m.wars_frame()
    assert len(frame) > 0
    log = war_log(m)
    assert [w.step for w in log] == list(frame["step"])
    assert [[m.names[i] for i in w.attackers] for w in log] == list(frame["attackers"])
    last = int(frame["step"].max())
    fought = frame[(frame["step"] == last) & frame["outcome"].isin(["initiator_won", "target_won"])]
    assert len(wars_at(m, last)) == len(fought)


def test_bloc_colours_are_stable_per_alliance():
    assert bloc_color(1) == PALETTE[0] and bloc_color(1 + len(PALETTE)) == PALETTE[0]
    assert bloc_color(-1) == "#ffffff"


def test_map_greys_the_eliminated_and_draws_ties_and_wars():
    m = allied_world()
    m.alive[0] = False  # A eliminated by hand, and a war of B on A logged this year
    log_crises(m, crisis(1, ["B"], ["A"], "initiator_won"))
    painter = MapPainter(m)
    painter.draw(m)
    assert len(painter.ties.get_segments()) == 1  # C to its leader B
    np.testing.assert_allclose(painter.ties.get_segments()[0], [POSITION[1], POSITION[2]])
    np.testing.assert_allclose(painter.fronts.get_segments()[0], [POSITION[1], POSITION[0]])
    np.testing.assert_allclose(painter.dead.get_offsets(), [POSITION[0]])
    assert painter.states.get_sizes()[0] == 0  # the dead are drawn as grey crosses, not dots
    labels = [t.get_text() for t in painter.legend.get_texts()]
    assert labels == ["A1 (B)", "unaligned", "eliminated", "war"]
    m.step()  # next year: the war is over, its line goes
    painter.draw(m)
    assert len(painter.fronts.get_segments()) == 0


def test_real_world_maps_put_longitude_across_and_latitude_up():
    w = world([3.0, 1.0], [(51.2, 71.4), (55.8, 37.6)], ["hedge", "hedge"], names=["KAZ", "RUS"])
    w.units = "km"
    m = model(w)
    painter = MapPainter(m)
    np.testing.assert_allclose(painter.states.get_offsets(), [(71.4, 51.2), (37.6, 55.8)])


# --- components through solara.render -------------------------------------------------------------------
@pytest.mark.parametrize("component", [WorldMap, PowerShares, EquilibriumIndicators])
def test_each_figure_component_renders_an_svg_with_the_current_year(component):
    m = allied_world()
    _, rc = solara.render(component(m), handle_error=False)
    image = rc.find(ipywidgets.Image).widget
    text = bytes(image.value).decode()
    assert image.format == "svg+xml" and text.lstrip().startswith("<?xml") and "<svg" in text
    assert "<path" in text  # something is drawn
    if component is WorldMap:
        assert "Year 1: 1 alliances" in text and "A1 (B)" in text
    if component is EquilibriumIndicators:
        assert "Equilibrium: not converged" in text


def _html(rc) -> str:
    return html.unescape(" ".join(w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets))


def test_status_card_shows_the_hand_world():
    m = allied_world()
    _, rc = solara.render(StatusCard(m), handle_error=False)
    text = _html(rc)
    for expected in (
        "<th>Year</th><td>1</td>",
        "<th>States alive</th><td>3 of 3</td>",
        "<th>Alliances</th><td>1 (A1: B +1)</td>",
        f"<th>Largest bloc b_max</th><td>{10 / 13:.3f}</td>",  # unaligned A is the largest bloc
        "<th>Strategies</th><td>balance 2, hedge 1</td>",
        '<th>Equilibrium</th><td><span class="bop-verdict" style="background:#888888">not converged</span>',
    ):
        assert expected in text


def test_status_card_reports_a_parameter_error():
    m = LiveModel(strategy_mix="nonsense")
    _, rc = solara.render(StatusCard(m), handle_error=False)
    message = rc.find(ipyvuetify.Alert).widget.children[0]
    assert "'strategy_mix'" in message and "default world" in message


def test_event_log_lists_the_alliance_events():
    _, rc = solara.render(EventLog(allied_world()), handle_error=False)
    text = _html(rc)
    assert text.index("B formed A1 (balance)") < text.index("C formed A1 (balance)")  # newest first
    assert "<th>year 1</th>" in text
    _, rc = solara.render(EventLog(model(world(POWER, POSITION, ["hedge"] * 3))), handle_error=False)
    assert rc.find(solara.widgets.HTML).widgets == []
    assert rc.find(ipyvuetify.Html, tag="span").widget.children == ["No alliance or war events yet."]
