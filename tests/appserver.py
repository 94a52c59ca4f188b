"""Start the visual server (`bop app`) on a free loopback port, for browser tests and the bench.

Fills Solara's asset cache first when it is missing (scripts/solara_assets.py), since the page cannot
reach Solara's CDN here. The server's output goes to a log file the caller can check for errors.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSETS_SCRIPT = ROOT / "scripts" / "solara_assets.py"
CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium, headless on a machine without a GPU and without network (see README, "Watching it live").
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_assets() -> None:
    """Fill Solara's asset cache from the npm registry if anything is missing."""
    check = subprocess.run([sys.executable, str(ASSETS_SCRIPT), "--check"], capture_output=True, text=True)
    if check.returncode != 0:
        subprocess.run([sys.executable, str(ASSETS_SCRIPT)], check=True)


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 90.0) -> None:
    """Poll the page until it answers 200; fail early if the server died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"solara exited with code {process.returncode} before serving {url}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"solara did not serve {url} within {timeout:.0f} s")


@contextmanager
def solara_server(log_path: Path) -> Iterator[str]:
    """Run `bop app` (Solara in production mode) on a free port; yield its URL; stop it after."""
    with solara_process(log_path) as (url, _):
        yield url


@contextmanager
def solara_process(log_path: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """`solara_server`, yielding the server process too (the bench reads its CPU time)."""
    ensure_assets()
    port = free_port()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-c", "from bop.cli import main; main()", "app", "--port", str(port)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            url = f"http://127.0.0.1:{port}/"
            wait_until_up(url, process)
            yield url, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
