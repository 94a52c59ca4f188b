"""The visual server's parts without a browser: controls, the live model, what the views read of a
past year, and the components rendered with `solara.render`.

The components are rendered with `solara.render` on the hand-built world of test_rules.py:
A (power 10) at (0, 0), B (2) at (1, 0), C (1) at (0, 0.5); A hedges, B and C balance. Both feel A
(T_BA = 0.307, T_CA = 0.551, above the entry threshold 0.3), so each wants the other and consents
(alliances form only by consent); in year 1 B, first in the random order, allies with C against A
(alliance 1, led by B, the stronger member; the log has C's row first, then B's). Total power stays 13.
"""

from __future__ import annotations

import html
import json
import threading

import ipyvuetify
import numpy as np
import pytest
import solara
import solara.widgets
from mesa.experimental.scenarios import Scenario as MesaScenario
from mesa.visualization.solara_viz import _build_model_init_kwargs

from bop.viz import charts
from bop.viz.components import (
    EquilibriumIndicators,
    EventLog,
    FocusPanel,
    PowerShares,
    StatusCard,
    WorldMap,
    default_focus,
    membership_segments,
    status_rows,
)
from bop.viz.controls import initial_values, model_params, panel_label, shown_controls
from bop.viz.data import (
    bloc_bands,
    bloc_name,
    bloc_of,
    felt_now,
    largest_bloc,
    latest_events,
    leaders_of,
    series,
    verdict_spans,
    war_log,
    wars_at,
    wars_of,
    year_of,
)
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


def test_a_blank_seed_is_drawn_so_the_run_can_be_rebuilt():
    m = LiveModel(rng="", n_states=8)
    assert isinstance(m.seed, int) and m.param_error is None
    np.testing.assert_array_equal(m.power, BalanceOfPowerModel(rng=m.seed, n_states=8).power)
    assert LiveModel(rng="seven").seed is None  # the default world after a bad seed has no seed to show


def test_the_panel_shows_only_what_the_chosen_scenario_and_switches_use():
    controls = model_params()
    values = initial_values(controls)
    shown = shown_controls(controls, values)
    assert {"n_states", "power_sigma", "strategy_mix"} <= set(shown)
    assert not {"kazakhstan_strategy", "nmc_year", "war_rate", "restraint"} & set(shown)  # war is off
    real = shown_controls(controls, {**values, "scenario_name": "eurasia-2016", "war": True})
    assert {"kazakhstan_strategy", "initial_alliances", "war_rate", "restraint", "war_hazard"} <= set(real)
    # the random world's knobs (Scenario.ignores) and another scenario's own are hidden
    assert not {"n_states", "power_sigma", "growth_sd", "strategy_mix", "nmc_year"} & set(real)
    one_rule = shown_controls(controls, {**values, "strategy": "hedge"})
    assert "strategy_mix" not in one_rule and "strategy" in one_rule
    assert panel_label("kazakhstan_strategy", controls["kazakhstan_strategy"]) == "Kazakhstan strategy"
    assert panel_label("n_states", controls["n_states"]) == "N states"


# --- a past year, read back from the recorded history ----------------------------------------------
def test_leaders_are_the_strongest_living_member_of_each_alliance():
    power = np.array([5.0, 9.0, 1.0, 7.0, 3.0])
    membership = np.array([2, 2, -1, 1, 1])
    alive = np.array([True, False, True, True, True])
    # alliance 2: state 1 (9) is dead, so 0 (5) leads; alliance 1: 3 (7) beats 4 (3)
    assert leaders_of(power, membership, alive) == {1: 3, 2: 0}
    assert leaders_of(power, np.full(5, -1), alive) == {}


def test_a_past_year_is_read_from_the_history_not_the_present():
    m = allied_world(steps=2)
    before, after = year_of(m, 0), year_of(m, 1)
    assert list(before.membership) == [-1, -1, -1] and before.leaders == {}
    assert list(after.membership) == [-1, 1, 1] and after.leaders == {1: 1}  # B (2) leads C (1)
    np.testing.assert_allclose(after.share, [10 / 13, 2 / 13, 1 / 13])
    assert bloc_name(m.names, after, 1) == "B +1"
    assert [bloc_of(m.names, after, i) for i in range(3)] == ["unaligned", "leads B +1", "in B +1"]
    with pytest.raises(ValueError, match="year 3 was not recorded"):
        year_of(m, 3)


def test_the_largest_bloc_is_named_and_its_share_is_b_max():
    m = allied_world()
    for step in (0, 1):
        text = largest_bloc(m.names, year_of(m, step), hegemony_share=0.5)
        # A alone holds 10/13 = 0.769 in both years, against the B-C bloc's 3/13 in year 1
        assert text == "A holds 0.769 alone, above the hegemony line"
        assert f"{series(m, 'b_max')[step]:.3f}" in text
    led = model(world([1.0, 2.0, 3.0], POSITION, ["balance"] * 3, alliances=[[1, 2]]))
    # the bloc of B and C holds 5/6 = 0.833, led by C (3)
    assert largest_bloc(led.names, year_of(led), 0.9) == "the bloc led by C holds 0.833 (2 states)"


def test_felt_threat_is_the_threat_of_the_bloc_each_state_fears_most():
    m = allied_world()
    felt = felt_now(m)
    # Net threat (ODD §7.2), B and C allied (3 together): C fears A: (10/13)·e^-0.5 = 0.46656; B fears A:
    # (10/13)·e^-1 = 0.28298; A fears the bloc B+C: (3/13)·(2/3·e^-1 + 1/3·e^-0.5) = 0.10325, led by B.
    np.testing.assert_allclose(felt.felt, [0.10325, 0.28298, 0.46656], atol=1e-5)
    assert list(felt.source) == [1, 0, 0]
    assert felt.ties is not None and not felt.ties.any()  # no hedger holds a tie in this world


def test_the_live_model_records_felt_threat_every_year():
    m = LiveModel(rng=4, n_states=6)
    for _ in range(3):
        m.step()
    assert len(m.felt_history) == m.steps + 1 == len(m.state_history)
    np.testing.assert_allclose(m.felt_history[-1].felt, felt_now(m).felt)
    assert year_of(m, 2).felt is m.felt_history[2].felt


def test_bands_give_a_predominant_state_alone_its_own_band():
    m = allied_world(steps=2)
    bands = bloc_bands(m)
    # A (10/13) and B (2/13 in year 0) were alone with at least 0.1 of all power; C (1/13) was not
    assert bands.names == ["B bloc", "A alone", "B alone", "other unaligned"]
    assert bands.keys == ["A1", "S0", "S1", "unaligned"]
    rows = {(int(y), bands.names[b]): s for y, b, s in zip(bands.year, bands.band, bands.share, strict=True)}
    assert rows == pytest.approx(
        {
            (0, "A alone"): 10 / 13,
            (0, "B alone"): 2 / 13,
            (0, "other unaligned"): 1 / 13,
            **{(t, "B bloc"): 3 / 13 for t in (1, 2)},
            **{(t, "A alone"): 10 / 13 for t in (1, 2)},
        }
    )
    assert charts.band_colors(bands) == [charts.PALETTE[0], *charts.LONE_COLORS[:2], charts.UNALIGNED_COLOR]


def test_verdict_spans_are_runs_of_one_label():
    labels = np.array(["not_converged", "not_converged", "static", "static", "static", "hegemony"])
    assert verdict_spans(labels) == [(0, 1, "not_converged"), (2, 4, "static"), (5, 5, "hegemony")]


def test_verdict_spans_start_at_the_onset_the_status_card_names():
    # static became known at step 4 but held from step 1 (the first step of its first window); the
    # shading starts at 1, as "since year 1" says, and the unconverged span before it is cut short
    labels = np.array(["not_converged"] * 4 + ["static"] * 3)
    since = np.array([-1, -1, -1, -1, 1, 1, 1])
    assert verdict_spans(labels, since) == [(0, 3, "not_converged"), (1, 6, "static")]


def test_latest_events_are_newest_first_and_readable():
    m = allied_world()
    rows = latest_events(m)
    assert [r["step"] for r in rows] == [1, 1]
    assert {r["text"] for r in rows} == {"B formed A1 (balance)", "C formed A1 (balance)"}
    assert latest_events(m, upto=0) == []  # nothing had happened by year 0


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
    assert [w.step for w in war_log(m, upto=0)] == [0]
    assert [w.step for w in wars_of(m, 2)] == [1] and wars_of(m, 2, upto=0) == []
    texts = [r["text"] for r in latest_events(m)]
    # Year 1 first, its crises (later log entries first) before its alliance events; year 0 last.
    assert texts == [
        "war: A vs B, C (initiator won); eliminated C",
        "crisis: A vs C (conceded)",
        "B formed A1 (balance)",
        "C formed A1 (balance)",
        "crisis: B vs A (backed down)",
    ]
    assert [r["text"] for r in latest_events(m, upto=0)] == ["crisis: B vs A (backed down)"]
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


def test_the_status_of_a_past_year_matches_the_model_frame_of_that_year():
    m = LiveModel(rng=5, n_states=15)
    for _ in range(12):
        m.step()
    frame = m.model_frame()
    for step in (0, 6, 12):
        rows = dict(status_rows(m, step))
        assert rows["Year"] == str(step)
        row = frame.iloc[step]
        assert rows["CON / N_eff / polarity"] == f"{row['con']:.3f} / {row['n_eff']:.2f} / {row['polarity']}"
        assert f"{row['b_max']:.3f}" in rows["Largest bloc"]
        assert rows["States alive"] == f"{row['states_alive']} of 15"
        assert rows["Alliances"].split(" ")[0] == str(row["alliances"])
        assert rows["Equilibrium"].startswith(str(row["equilibrium"]).replace("_", " "))
        assert ("Run at" in rows) == (step != 12)
    assert dict(status_rows(m))["Seed"] == "5"


def test_the_focus_strip_has_one_segment_per_run_of_membership():
    m = allied_world(steps=3)
    # C is alone in year 0, then in alliance 1 (led by B) from year 1 on
    assert membership_segments(m, 2, shown=3) == [
        {"from": 0, "to": 1, "bloc": "unaligned", "color": charts.UNALIGNED_COLOR},
        {"from": 1, "to": 4, "bloc": "in B +1", "color": charts.PALETTE[0]},
    ]


def test_the_focus_state_is_kazakhstan_where_it_exists():
    assert default_focus(LiveModel(rng=1, scenario_name="eurasia-2016")) == "Kazakhstan"
    assert default_focus(allied_world()) == "A"  # else the strongest at the start


# --- components through solara.render -------------------------------------------------------------
def _html(rc) -> str:
    return html.unescape(" ".join(w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets))


def _spec(rc) -> dict:
    return rc.find(solara.widgets.VegaLite).widget.spec


def test_status_card_shows_the_hand_world_in_the_year_shown():
    m = allied_world(steps=2)
    _, rc = solara.render(StatusCard(m, 2, 1), handle_error=False)
    text = _html(rc)
    for expected in (
        "<th>Year</th><td>1</td>",
        "<th>Run at</th><td>year 2 (Step and Play go on from there)</td>",
        "<th>States alive</th><td>3 of 3</td>",
        "<th>Alliances</th><td>1 (B +1)</td>",
        "<th>Largest bloc</th><td>A holds 0.769 alone, above the hegemony line</td>",
        "<th>Strategies</th><td>balance 2, hedge 1</td>",
        '<th>Equilibrium</th><td><span class="bop-verdict" style="background:#888888">not converged</span>',
    ):
        assert expected in text
    _, rc = solara.render(StatusCard(m, 2, 0), handle_error=False)
    assert "<th>Alliances</th><td>0</td>" in _html(rc)


def test_status_card_reports_a_parameter_error():
    m = LiveModel(strategy_mix="nonsense")
    _, rc = solara.render(StatusCard(m, 0, 0), handle_error=False)
    message = rc.find(ipyvuetify.Alert).widget.children[0]
    assert "'strategy_mix'" in message and "default world" in message


def test_event_log_lists_the_alliance_events_up_to_the_year_shown():
    m = allied_world(steps=2)
    _, rc = solara.render(EventLog(m, 2, 2), handle_error=False)
    text = _html(rc)
    assert text.index("B formed A1 (balance)") < text.index("C formed A1 (balance)")  # newest first
    assert "<th>year 1</th>" in text
    _, rc = solara.render(EventLog(m, 2, 0), handle_error=False)
    assert rc.find(solara.widgets.HTML).widgets == []
    assert rc.find(ipyvuetify.Html, tag="span").widget.children == ["No alliance or war events yet."]


@pytest.mark.parametrize("component", [PowerShares, EquilibriumIndicators])
def test_each_time_chart_marks_the_year_shown(component):
    m = allied_world(steps=3)
    _, rc = solara.render(component(m, 3, 1), handle_error=False)
    spec = _spec(rc)
    rules = [layer for layer in _layers(spec) if layer.get("data", {}).get("values") == [{"year": 1}]]
    assert rules and all(layer["mark"]["type"] == "rule" for layer in rules)
    json.dumps(spec)  # plain JSON: no numpy scalars left in it


def _layers(spec: dict) -> list[dict]:
    """Every layer of a (possibly concatenated) spec."""
    found = []
    for key in ("layer", "vconcat", "hconcat"):
        for part in spec.get(key, []):
            found += [part, *_layers(part)]
    return found


def test_the_world_map_draws_the_year_shown_and_a_click_picks_the_focus():
    m = allied_world(steps=2)
    picked: list[str] = []
    _, rc = solara.render(WorldMap(m, 2, 0, "C", picked.append), handle_error=False)
    widget = rc.find(solara.widgets.VegaLite).widget
    assert widget.spec["title"]["text"] == "World in year 0"
    assert widget.spec["title"]["subtitle"].startswith("0 alliances")
    widget.on_click({"state": "B"})
    assert picked == ["B"]


def test_the_focus_panel_tells_the_states_fortunes():
    m = LiveModel(rng=1, scenario_name="eurasia-2016")
    for _ in range(3):
        m.step()
    _, rc = solara.render(FocusPanel(m, 3, 2, None, lambda name: None), handle_error=False)
    text = _html(rc)
    year = year_of(m, 2)
    k = m.names.index("Kazakhstan")
    assert "<th>Strategy</th><td>hedge</td>" in text
    assert f"<th>Share of power</th><td>{year.share[k]:.3f}</td>" in text
    assert f"<th>Felt threat</th><td>{year.felt[k]:.3f}, most from" in text
    spec = _spec(rc)
    assert spec["title"]["text"] == "Kazakhstan: felt threat"
    felt = spec["vconcat"][0]["layer"][0]["data"]["values"][0]["felt threat"]
    np.testing.assert_allclose(felt, [r.felt[k] for r in m.felt_history], atol=1e-5)
