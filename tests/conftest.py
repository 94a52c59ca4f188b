"""Shared fixtures: Playwright on Debian's Chromium (never a downloaded browser), and the visual server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, ROOT, solara_server

ARTIFACTS = ROOT / "test-artifacts"
SERVER_ERROR = re.compile(r"Traceback|^ERROR|\bError\b|Exception", re.MULTILINE)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch /usr/bin/chromium (`.ci/run` installs it); Playwright's own browsers are not used."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """A desktop-sized window, so the whole dashboard is on the screenshots."""
    return {**browser_context_args, "viewport": {"width": 1600, "height": 1400}}


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """The visual server, started once for the browser tests; its log must stay free of errors."""
    log = ARTIFACTS / "solara-server.log"
    with solara_server(log) as url:
        yield url
    errors = [line for line in log.read_text().splitlines() if SERVER_ERROR.search(line)]
    assert not errors, f"errors in the server log ({log}):\n" + "\n".join(errors[:20])


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/browser/ drives Chromium: mark it `browser` (make test-fast skips them)."""
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.browser)
