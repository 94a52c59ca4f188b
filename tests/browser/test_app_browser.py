"""The visual server in a real browser: Reset, Step, Play/Pause, a rebuilt model, every view drawn, the
year slider, export and share, the comparison of two runs.

Runs `bop app` on a free port (tests/appserver.py) and drives Debian's Chromium through Playwright.
Screenshots go to test-artifacts/. Every browser console error, and every Vega warning (a chart
drawn other than as specified), fails the test. Values are checked against a twin: the same controls
built and stepped in Python.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from playwright.sync_api import ConsoleMessage, Locator, Page, expect

from bop.viz.controls import initial_values, model_params
from bop.viz.data import largest_bloc, year_of
from bop.viz.live import LiveModel
from bop.viz.panels import run_for, settings_text

LOAD_TIMEOUT = 90_000  # ms: the first page load compiles the front end on a busy 2-core machine
STEP_TIMEOUT = 30_000
BOP = Path(sys.executable).parent / "bop"


@pytest.fixture
def app(page: Page, app_url: str) -> Iterator[Page]:
    """The page, loaded and ready; fails afterwards if the browser logged an error or Vega a warning."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" or (message.type == "warning" and message.text.startswith("WARN")):
            problems.append(f"console {message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.goto(app_url)
    expect(page.get_by_role("button", name="Step")).to_be_visible(timeout=LOAD_TIMEOUT)
    # Each page is a new session with a model of its own: whatever earlier tests stepped, year 0.
    expect(status(page, "Year")).to_have_text("0", timeout=LOAD_TIMEOUT)
    yield page
    assert not problems, "\n".join(problems)


def twin(steps: int, **controls: Any) -> LiveModel:
    """The page's model built in Python from the same controls (the seed as the browser sends it)."""
    m = LiveModel(**{**initial_values(model_params()), **controls})
    for _ in range(steps):
        m.step()
    return m


def status(page: Page, row: str) -> Locator:
    """The value cell of one row of the status card."""
    header = page.locator("th", has_text=re.compile(f"^{re.escape(row)}$"))
    return page.locator("table.bop-status tr", has=header).locator("td")


def year(page: Page) -> int:
    return int(status(page, "Year").inner_text())


def chart(page: Page, title: str) -> Locator:
    """The Vega chart whose title starts with `title`."""
    return page.locator(
        ".vega-embed", has=page.locator("svg text", has_text=re.compile(f"^{re.escape(title)}"))
    )


def expect_drawn(page: Page) -> None:
    """The map, the network, both time charts and the focus chart are drawn, with marks on them."""
    for title in (
        "World in year",
        "Alliance network in year",
        "Power shares by bloc",
        "Equilibrium indicators",
    ):
        marks = chart(page, title).locator("svg.marks path")
        expect(marks.first).to_be_attached(timeout=STEP_TIMEOUT)
        assert marks.count() > 3, title
    expect(page.locator(".vega-embed svg.marks")).to_have_count(5, timeout=STEP_TIMEOUT)


def click(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def step(page: Page, times: int) -> None:
    start = year(page)
    for k in range(1, times + 1):
        click(page, "Step")
        expect(status(page, "Year")).to_have_text(str(start + k), timeout=STEP_TIMEOUT)


def slider(page: Page, label: str) -> Locator:
    return page.locator(".v-input", has=page.get_by_text(label, exact=True)).get_by_role("slider")


def pick_eurasia_with_war(page: Page) -> None:
    page.get_by_label("Scenario", exact=True).click(force=True)  # opens Vuetify's menu
    page.get_by_role("option", name="eurasia-2016").click()
    expect(page.get_by_text("Kazakhstan strategy", exact=True)).to_be_visible()
    page.get_by_label("War", exact=True).check(force=True)
    expect(page.get_by_text("War rate", exact=True)).to_be_visible()
    click(page, "Reset")
    expect(status(page, "States alive")).to_have_text("18 of 18", timeout=STEP_TIMEOUT)


def test_reset_step_and_play_pause(app: Page, artifacts: Path):
    expect(app).to_have_title("Balance of power")
    expect(app.get_by_role("tab", name="World")).to_be_visible()
    click(app, "Reset")
    expect(status(app, "Year")).to_have_text("0", timeout=STEP_TIMEOUT)
    step(app, 3)
    expect(app.get_by_text("Time: 3.0")).to_be_visible()  # Mesa's own step counter agrees
    expect(app.locator("table.bop-events tr").first).to_be_visible()
    expect_drawn(app)
    app.screenshot(path=artifacts / "after-3-steps.png", full_page=True)

    click(app, "▶")
    expect(app.get_by_role("button", name="❚❚")).to_be_visible(timeout=STEP_TIMEOUT)
    expect(status(app, "Year")).to_have_text(re.compile(r"^([6-9]|\d\d+)$"), timeout=STEP_TIMEOUT)
    click(app, "❚❚")
    expect(app.get_by_role("button", name="Step")).to_be_enabled(timeout=STEP_TIMEOUT)
    app.wait_for_timeout(1000)  # Mesa's play loop finishes the step it was sleeping before
    paused_at = year(app)
    app.wait_for_timeout(1500)
    assert year(app) == paused_at  # paused means paused
    expect_drawn(app)
    app.screenshot(path=artifacts / "after-play-pause.png", full_page=True)


def test_playing_at_the_fastest_interval_keeps_the_page_alive(app: Page, artifacts: Path):
    # Steps then come faster than the views draw; the model's pacer keeps Solara's render loop
    # settling (without it: "Too many renders triggered" and a dead page).
    thumb = slider(app, "Play Interval (ms)")
    thumb.focus()
    thumb.press("Home")
    expect(thumb).to_have_attribute("aria-valuenow", "1")
    expect(app.locator(".bop-slider", has_text="Play Interval (ms)")).to_contain_text("1")  # its value shown
    click(app, "▶")
    expect(status(app, "Year")).to_have_text(re.compile(r"^(2\d|[3-9]\d|\d{3,})$"), timeout=60_000)
    click(app, "❚❚")
    expect(app.get_by_role("button", name="Step")).to_be_enabled(timeout=STEP_TIMEOUT)
    expect(app.get_by_text("Too many renders")).to_have_count(0)
    expect_drawn(app)
    app.screenshot(path=artifacts / "after-fast-play.png", full_page=True)


def test_changing_the_strategy_mix_and_resetting_rebuilds_the_model(app: Page, artifacts: Path):
    expect(status(app, "Strategies")).not_to_have_text("bandwagon 20")
    mix = app.get_by_label("Strategy mix")
    mix.fill("bandwagon:1")
    mix.press("Enter")
    step(app, 1)
    click(app, "Reset")
    expect(status(app, "Year")).to_have_text("0", timeout=STEP_TIMEOUT)
    expect(status(app, "Strategies")).to_have_text("bandwagon 20", timeout=STEP_TIMEOUT)
    expect_drawn(app)
    app.screenshot(path=artifacts / "bandwagon-world.png", full_page=True)


def test_a_real_scenario_draws_country_outlines_names_its_hegemon_and_hides_random_world_knobs(
    app: Page, artifacts: Path
):
    expect(app.get_by_text("N states", exact=True)).to_be_visible()
    pick_eurasia_with_war(app)
    expect(status(app, "Parameters")).to_contain_text("war on, restraint")
    # The random world's knobs are gone, the scenario's own are there, war's under the War switch.
    for gone in ("N states", "Power sigma", "Strategy mix"):
        expect(app.get_by_text(gone, exact=True)).to_have_count(0)
    for shown in ("Kazakhstan strategy", "Initial alliances", "War rate"):
        expect(app.get_by_text(shown, exact=True)).to_be_visible()
    step(app, 3)
    m = twin(3, scenario_name="eurasia-2016", war=True)
    expect(status(app, "Largest bloc")).to_have_text(largest_bloc(m.names, year_of(m), 0.5))
    world = chart(app, "World in year 3")
    # Natural Earth's 177 country outlines (110m), 18 of them filled by bloc, one for the focus state
    outlines = world.locator("g.mark-shape path")
    expect(outlines.first).to_be_attached(timeout=STEP_TIMEOUT)
    assert outlines.count() >= 177 + 18
    expect(world.locator("svg text", has_text="Kazakhstan")).to_have_count(1)
    expect(app.get_by_text("Focus: Kazakhstan")).to_be_visible()
    # Hovering a state's dot shows its tooltip: state, share, bloc, strategy, felt threat.
    tooltip = app.locator("#vg-tooltip-element")
    dots = world.locator("g.mark-symbol path")
    for k in range(dots.count()):
        dots.nth(k).hover(force=True)
        if "Kazakhstan" in (tooltip.text_content() or ""):
            break
    text = tooltip.inner_text()
    k = m.names.index("Kazakhstan")
    for expected in (
        "Kazakhstan",
        "share of power",
        "bloc",
        "hedge",
        "felt threat",
        f"{m.felt_history[-1].felt[k]:.3f}",
    ):
        assert expected in text, (expected, text)
    expect_drawn(app)
    app.screenshot(path=artifacts / "eurasia-2016-war.png", full_page=True)


def test_a_typed_seed_rebuilds_the_same_world_as_python(app: Page):
    seed = app.get_by_label("Seed (blank = random)")
    seed.fill("7")
    seed.press("Enter")
    click(app, "Reset")
    expect(status(app, "Seed")).to_have_text("7", timeout=STEP_TIMEOUT)
    step(app, 1)
    m = twin(1, rng="7")
    expect(status(app, "Largest bloc")).to_contain_text(f"{m.summary()['b_max']:.3f}", timeout=STEP_TIMEOUT)
    assert m.param_error is None


def test_scrubbing_to_a_past_year_redraws_every_view_and_step_goes_on_from_the_present(
    app: Page, artifacts: Path
):
    step(app, 6)
    thumb = slider(app, "Year shown")
    thumb.focus()
    thumb.press("Home")
    for _ in range(3):
        thumb.press("ArrowRight")
    expect(status(app, "Year")).to_have_text("3", timeout=STEP_TIMEOUT)
    expect(status(app, "Run at")).to_contain_text("year 6")
    m = twin(6)
    row = m.model_frame().iloc[3]
    expect(status(app, "Largest bloc")).to_have_text(largest_bloc(m.names, year_of(m, 3), 0.5))
    expect(status(app, "CON / N_eff / polarity")).to_have_text(
        f"{row['con']:.3f} / {row['n_eff']:.2f} / {row['polarity']}"
    )
    for title in ("World in year 3", "Alliance network in year 3", "Equilibrium indicators (year 3"):
        expect(chart(app, title)).to_have_count(1, timeout=STEP_TIMEOUT)
    expect(app.get_by_text("Latest events up to year 3")).to_be_visible()
    app.screenshot(path=artifacts / "scrubbed-to-year-3.png", full_page=True)
    click(app, "Step")  # the run goes on from year 6, and the views follow it again
    expect(status(app, "Year")).to_have_text("7", timeout=STEP_TIMEOUT)
    expect(status(app, "Run at")).to_have_count(0)
    expect(chart(app, "World in year 7")).to_have_count(1, timeout=STEP_TIMEOUT)


def test_export_gives_the_models_frames_and_the_command_reproduces_the_run(app: Page, tmp_path: Path):
    pick_eurasia_with_war(app)
    step(app, 8)
    m = twin(8, scenario_name="eurasia-2016", war=True)
    with app.expect_download() as download:
        app.get_by_role("button", name="Run as Parquet (.zip)").click()
    path = tmp_path / "run.zip"
    download.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        for name, frame in {
            "model": m.model_frame(),
            "states": m.states_frame(),
            "events": m.events_frame(),
            "wars": m.wars_frame(),
        }.items():
            read = pd.read_parquet(io.BytesIO(archive.read(f"{name}.parquet")))
            if name == "wars":
                read = read.assign(**{c: read[c].map(list) for c in ("attackers", "defenders", "eliminated")})
            pd.testing.assert_frame_equal(read, frame, check_dtype=False)
        summary = json.loads(archive.read("summary.json"))
    line = app.get_by_label("Copy as command").input_value()
    assert line == "bop run --scenario eurasia-2016 --set war=true --seed 42 --steps 8"
    words = line.split()[2:]
    ran = subprocess.run([str(BOP), "run", *words, "--json"], capture_output=True, text=True, check=True)
    assert json.loads(ran.stdout) == {k: v for k, v in summary.items() if k != "params"} == m.summary()
    app.context.grant_permissions(["clipboard-read", "clipboard-write"])
    click(app, "Copy")
    expect(app.get_by_role("button", name="Copied")).to_be_visible()
    assert app.evaluate("navigator.clipboard.readText()") == line
    # Each chart saves itself: the map as SVG from its "…" menu.
    world = chart(app, "World in year 8")
    world.locator("details summary").click()
    with app.expect_download() as figure:
        world.get_by_text("Save as SVG").click()
    figure.value.save_as(tmp_path / "map.svg")
    assert (tmp_path / "map.svg").read_text().lstrip().startswith("<svg")


def test_compare_plays_two_runs_on_shared_axes(app: Page, artifacts: Path):
    step(app, 2)
    app.get_by_role("tab", name="Compare").click()
    click(app, "Run both")
    table = app.locator("table.bop-compare")
    expect(table).to_be_visible(timeout=STEP_TIMEOUT)
    expect(table.locator("th", has_text="A (seed 42)")).to_be_visible()
    expect(table.locator("th", has_text="B (seed 43)")).to_be_visible()
    base = twin(0)
    runs = [run_for(seed, settings_text(base), 100) for seed in (42, 43)]
    b_max = table.locator("tr", has=app.locator("th", has_text="largest bloc b_max")).locator("td")
    expect(b_max).to_have_text([f"{r.summary()['b_max']:.3f}" for r in runs])
    lines = chart(app, "Two runs on shared axes")
    expect(lines.locator("g.mark-line path").first).to_be_attached(timeout=STEP_TIMEOUT)
    assert lines.locator("g.mark-line path").count() >= 2 * 4  # two runs in each of four panels
    expect(chart(app, "Power shares by bloc, side by side")).to_have_count(1)
    app.screenshot(path=artifacts / "compare.png", full_page=True)


@pytest.mark.parametrize("typed", ["²", "1" * 5000], ids=["superscript-two", "5000-digits"])
def test_a_bad_seed_shows_a_red_message_and_the_tab_stays_alive(app: Page, artifacts: Path, typed: str):
    seed = app.get_by_label("Seed (blank = random)")
    seed.fill(typed)
    seed.press("Enter")
    click(app, "Reset")
    message = app.locator(".v-alert", has_text="parameter 'seed' must be a whole number")
    expect(message).to_be_visible(timeout=STEP_TIMEOUT)
    color = message.evaluate("e => getComputedStyle(e).color")  # solara.Error: red text on a tint
    red, green, blue = (int(c) for c in re.findall(r"\d+", color)[:3])
    assert red > 150 and green < 120 and blue < 120, color  # red, as an error is
    page_text = app.locator("body").inner_text()
    for leak in ("Traceback", "site-packages", "/work/", '.py"', 'File "'):
        assert leak not in page_text, leak  # no server path, no Python traceback on the page
    assert len(message.inner_text()) < 300  # a 5,000-digit seed is not echoed back whole
    app.screenshot(path=artifacts / f"bad-seed-{len(typed)}.png", full_page=True)
    click(app, "Step")  # the tab is alive: the default world steps
    expect(status(app, "Year")).to_have_text("1", timeout=STEP_TIMEOUT)
    seed.fill("7")
    seed.press("Enter")
    click(app, "Reset")
    expect(status(app, "Year")).to_have_text("0", timeout=STEP_TIMEOUT)
    expect(message).to_have_count(0, timeout=STEP_TIMEOUT)
