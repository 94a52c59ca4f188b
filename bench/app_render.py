"""Time per rendered step of the visual server in a real browser: a 30-state world played for 200 steps.

Starts `bop app` (tests/appserver.py), opens it in Debian's Chromium, sets 30 states and the
shortest play interval, resets, presses Play and times the status card's year from 10 to 210; every
step is rendered (render interval 1). It prints the wall time per rendered step (browser included)
and the server process's CPU time per rendered step (user + system, read with psutil), the figure
the speed target is set on. Run: `make bench-app` (or `python bench/app_render.py`).
"""

from __future__ import annotations

import itertools
import os
import re
import time
from pathlib import Path

import numpy as np
import psutil
from playwright.sync_api import Page, expect, sync_playwright
from scipy import stats

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, ROOT, solara_process

STATES = 30
WARM_UP, STEPS = 10, 200
BLOCK = 20  # steps per block of the CPU interval


def year(page: Page) -> int:
    header = page.locator("th", has_text=re.compile("^Year$"))
    return int(page.locator("table.bop-status tr", has=header).locator("td").inner_text())


def set_slider(page: Page, label: str, key: str, presses: int = 1) -> None:
    """Move a Vuetify slider with the keyboard (the slider sits next to its label)."""
    thumb = page.locator(".v-input", has=page.get_by_text(label, exact=True)).get_by_role("slider")
    thumb.focus()
    for _ in range(presses):
        thumb.press(key)


def cpu_seconds(process: psutil.Process) -> float:
    """CPU time the server has used so far (all its threads, user and system)."""
    times = process.cpu_times()
    return times.user + times.system


def main() -> None:
    log = ROOT / "test-artifacts" / "bench-app-server.log"
    with solara_process(log) as (url, process), sync_playwright() as p:
        server = psutil.Process(process.pid)
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(url)
        expect(page.get_by_role("button", name="Step")).to_be_visible(timeout=90_000)
        set_slider(page, "N states", "ArrowRight", STATES - 20)
        expect(page.locator(".bop-slider", has_text="N states")).to_contain_text(str(STATES))
        set_slider(page, "Play Interval (ms)", "Home")
        page.get_by_role("button", name="Reset", exact=True).click()
        expect(page.get_by_text(f"of {STATES}", exact=False).first).to_be_visible(timeout=30_000)
        page.get_by_role("button", name="▶", exact=True).click()
        try:
            while year(page) < WARM_UP:
                time.sleep(0.05)
            start_year, start = year(page), time.perf_counter()
            marks = [(start_year, cpu_seconds(server))]  # (year, server CPU) at each block's end
            while marks[-1][0] < start_year + STEPS:
                time.sleep(0.05)
                now = year(page)
                if now >= marks[-1][0] + BLOCK:
                    marks.append((now, cpu_seconds(server)))
        except Exception:
            page.screenshot(path=ROOT / "test-artifacts" / "bench-app-failed.png")
            raise
        elapsed, done = time.perf_counter() - start, marks[-1][0] - start_year
        page.get_by_role("button", name="❚❚", exact=True).click()
        shot = ROOT / "test-artifacts" / "bench-app.png"
        page.screenshot(path=shot)
        browser.close()
    load = os.getloadavg()[0]
    print(f"{STATES} states, {done} steps played, each rendered: {elapsed:.1f} s")
    per_step = elapsed / done * 1000
    print(f"time per rendered step: {per_step:.0f} ms (load average {load:.2f} on {os.cpu_count()} cores)")
    blocks = np.array([(c1 - c0) / (y1 - y0) * 1000 for (y0, c0), (y1, c1) in itertools.pairwise(marks)])
    half = stats.t.ppf(0.975, len(blocks) - 1) * blocks.std(ddof=1) / np.sqrt(len(blocks))
    cpu = (marks[-1][1] - marks[0][1]) / done * 1000
    print(
        f"server CPU per rendered step: {cpu:.0f} ms (blocks of {BLOCK} steps: mean {blocks.mean():.0f} ms, "
        f"95% t interval ±{half:.0f} ms over {len(blocks)} blocks)"
    )
    print(f"screenshot: {Path(shot).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
