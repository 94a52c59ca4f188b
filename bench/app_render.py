"""Time per rendered step of the visual server in a real browser: a 30-state world played for 200 steps.

Starts `solara run app.py` (tests/appserver.py), opens it in Debian's Chromium, sets 30 states and the
shortest play interval, resets, presses Play and times the status card's year from 10 to 210; every
step is rendered (render interval 1). Run: `make bench-app` (or `python bench/app_render.py`).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, ROOT, solara_server

STATES = 30
WARM_UP, STEPS = 10, 200


def year(page: Page) -> int:
    header = page.locator("th", has_text=re.compile("^Year$"))
    return int(page.locator("table.bop-status tr", has=header).locator("td").inner_text())


def set_slider(page: Page, label: str, key: str, presses: int = 1) -> None:
    """Move a Vuetify slider with the keyboard (the slider sits next to its label)."""
    thumb = page.locator(".v-input", has=page.get_by_text(label, exact=True)).get_by_role("slider")
    thumb.focus()
    for _ in range(presses):
        thumb.press(key)


def main() -> None:
    log = ROOT / "test-artifacts" / "bench-app-server.log"
    with solara_server(log) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(url)
        expect(page.get_by_role("button", name="Step")).to_be_visible(timeout=90_000)
        set_slider(page, "N states", "ArrowRight", STATES - 20)
        set_slider(page, "Play Interval (ms)", "Home")
        page.get_by_role("button", name="Reset", exact=True).click()
        expect(page.get_by_text(f"of {STATES}", exact=False).first).to_be_visible(timeout=30_000)
        page.get_by_role("button", name="▶", exact=True).click()
        try:
            while year(page) < WARM_UP:
                time.sleep(0.05)
            start_year, start = year(page), time.perf_counter()
            while year(page) < start_year + STEPS:
                time.sleep(0.05)
        except Exception:
            page.screenshot(path=ROOT / "test-artifacts" / "bench-app-failed.png")
            raise
        elapsed, done = time.perf_counter() - start, year(page) - start_year
        page.get_by_role("button", name="❚❚", exact=True).click()
        shot = ROOT / "test-artifacts" / "bench-app.png"
        page.screenshot(path=shot)
        browser.close()
    load = os.getloadavg()[0]
    print(f"{STATES} states, {done} steps played, each rendered: {elapsed:.1f} s")
    per_step = elapsed / done * 1000
    print(f"time per rendered step: {per_step:.0f} ms (load average {load:.2f} on {os.cpu_count()} cores)")
    print(f"screenshot: {Path(shot).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
