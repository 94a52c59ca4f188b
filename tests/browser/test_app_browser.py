"""The visual server in a real browser: Reset, Step, Play/Pause, a rebuilt model, drawn views.

Runs `solara run app.py` on a free port (tests/appserver.py) and drives Debian's Chromium through
Playwright. Screenshots go to test-artifacts/. Every browser console error fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from bop.viz.controls import initial_values, model_params
from bop.viz.live import LiveModel

LOAD_TIMEOUT = 90_000  # ms: the first page load compiles the front end on a busy 2-core machine
STEP_TIMEOUT = 30_000
# Size of an <img> and the share of its pixels that are not white.
INK = """img => {
  const canvas = document.createElement("canvas");
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(img, 0, 0);
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] < 720) inked++;
  return [img.naturalWidth, img.naturalHeight, inked / (data.length / 4)];
}"""


@pytest.fixture
def app(page: Page, app_url: str) -> Iterator[Page]:
    """The page, loaded and ready; fails afterwards if the browser logged an error."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console error: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.goto(app_url)
    expect(page.get_by_role("button", name="Step")).to_be_visible(timeout=LOAD_TIMEOUT)
    # Each page is a new session with a model of its own: whatever earlier tests stepped, year 0.
    expect(status(page, "Year")).to_have_text("0", timeout=LOAD_TIMEOUT)
    yield page
    assert not problems, "\n".join(problems)


def status(page: Page, row: str):
    """The value cell of one row of the status card."""
    header = page.locator("th", has_text=re.compile(f"^{re.escape(row)}$"))
    return page.locator("table.bop-status tr", has=header).locator("td")


def year(page: Page) -> int:
    return int(status(page, "Year").inner_text())


def expect_drawn(page: Page) -> None:
    """The map and both plots are decoded images, and something is drawn on them (not all white)."""
    images = page.locator(".vue-grid-item img")
    expect(images).to_have_count(3, timeout=STEP_TIMEOUT)
    for k in range(3):
        width, height, inked = images.nth(k).evaluate(INK)
        assert width > 200 and height > 150 and inked > 0.02, (k, width, height, inked)


def click(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def test_reset_step_and_play_pause(app: Page, artifacts: Path):
    click(app, "Reset")
    expect(status(app, "Year")).to_have_text("0", timeout=STEP_TIMEOUT)
    for k in range(1, 4):
        click(app, "Step")
        expect(status(app, "Year")).to_have_text(str(k), timeout=STEP_TIMEOUT)
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
    label = app.get_by_text("Play Interval (ms)", exact=True)
    thumb = app.locator(".v-input", has=label).get_by_role("slider")
    thumb.focus()
    thumb.press("Home")
    expect(thumb).to_have_attribute("aria-valuenow", "1")
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
    click(app, "Step")
    expect(status(app, "Year")).to_have_text("1", timeout=STEP_TIMEOUT)
    click(app, "Reset")
    expect(status(app, "Year")).to_have_text("0", timeout=STEP_TIMEOUT)
    expect(status(app, "Strategies")).to_have_text("bandwagon 20", timeout=STEP_TIMEOUT)
    expect_drawn(app)
    app.screenshot(path=artifacts / "bandwagon-world.png", full_page=True)


def test_a_real_scenario_with_war_from_the_dropdown(app: Page, artifacts: Path):
    app.get_by_label("Scenario", exact=True).click(force=True)  # opens Vuetify's menu
    app.get_by_role("option", name="eurasia-2016").click()
    app.get_by_label("War", exact=True).check(force=True)
    click(app, "Reset")
    expect(status(app, "States alive")).to_have_text("18 of 18", timeout=STEP_TIMEOUT)
    expect(status(app, "Parameters")).to_contain_text("war on, restraint")
    # The map is drawn on longitude/latitude, with the capitals' countries named.
    map_svg = app.locator(".vue-grid-item img").first.evaluate("img => fetch(img.src).then(r => r.text())")
    assert "Kazakhstan" in map_svg and "longitude" in map_svg
    for k in range(1, 4):
        click(app, "Step")
        expect(status(app, "Year")).to_have_text(str(k), timeout=STEP_TIMEOUT)
    expect_drawn(app)
    app.screenshot(path=artifacts / "eurasia-2016-war.png", full_page=True)


def test_a_typed_seed_rebuilds_the_same_world_as_python(app: Page):
    seed = app.get_by_label("Seed (blank = random)")
    seed.fill("7")
    seed.press("Enter")
    click(app, "Reset")
    expect(status(app, "Year")).to_have_text("0", timeout=STEP_TIMEOUT)
    click(app, "Step")
    expect(status(app, "Year")).to_have_text("1", timeout=STEP_TIMEOUT)
    # The same controls in Python, with the seed as the browser sends it (text).
    twin = LiveModel(**{**initial_values(model_params()), "rng": "7"})
    twin.step()
    expected = f"{twin.summary()['b_max']:.3f}"
    expect(status(app, "Largest bloc b_max")).to_have_text(expected, timeout=STEP_TIMEOUT)
    assert twin.param_error is None


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
