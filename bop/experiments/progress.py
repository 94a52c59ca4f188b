"""A sweep's progress: a bar on a terminal, a line every few seconds elsewhere (a CI log, a nohup file).

The rate and the time left are measured over the last minute of the sweep, not from its start, so a
slow start (workers starting, the first worlds built) or a change of pace does not stay in the
estimate (docs/experiments.md, "Progress").
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from tqdm import tqdm

INTERVAL = 5.0  # seconds between two progress lines
WINDOW = 60.0  # seconds of recent runs the rate is measured over


class RecentRate:
    """Runs per second over the last `window` seconds: (time, runs done) samples, the oldest kept being
    the last one at or before the window's start, so the rate spans the whole window once it can."""

    def __init__(self, window: float = WINDOW) -> None:
        self.window = window
        self.samples: deque[tuple[float, int]] = deque()

    def add(self, now: float, done: int) -> None:
        """Record that `done` runs were finished at time `now`."""
        self.samples.append((now, done))
        while len(self.samples) > 1 and self.samples[1][0] <= now - self.window:
            self.samples.popleft()

    def rate(self) -> float | None:
        """Runs per second over the window, or None before two samples a moment apart."""
        (t0, d0), (t1, d1) = self.samples[0], self.samples[-1]
        return (d1 - d0) / (t1 - t0) if t1 > t0 else None

    def eta(self, remaining: int) -> float | None:
        """Seconds until `remaining` more runs are done at the recent rate (None if no rate is known)."""
        rate = self.rate()
        if remaining <= 0:
            return 0.0
        return remaining / rate if rate else None


def duration(seconds: float | None) -> str:
    """'45s', '3m20s', '2h05m'; 'unknown' without an estimate."""
    if seconds is None or not math.isfinite(seconds):
        return "unknown"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


class ProgressLines:
    """One line at most every `interval` seconds, written when a run finishes:
    `baseline: 240/720 runs (33%), 6.20 runs/s, ETA 1m17s`."""

    def __init__(
        self,
        name: str,
        total: int,
        done: int,
        interval: float = INTERVAL,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
        write: Callable[[str], None] | None = None,
    ) -> None:
        self.name, self.total, self.done = name, total, done
        self.interval, self.clock = interval, clock
        self.write = write or (lambda line: print(line, file=sys.stderr, flush=True))
        self.recent = RecentRate(window)
        self.last = clock()
        self.recent.add(self.last, done)

    def update(self, n: int = 1) -> None:
        """`n` more runs are done; write a line if the last one is `interval` seconds old."""
        self.done += n
        now = self.clock()
        self.recent.add(now, self.done)
        if now - self.last >= self.interval:
            self.write(self.line())
            self.last = now

    def line(self) -> str:
        """The progress line as it stands."""
        rate = self.recent.rate()
        shown = f"{rate:.2f} runs/s" if rate is not None else "rate unknown"
        percent = 100 * self.done / self.total if self.total else 100.0
        eta = duration(self.recent.eta(self.total - self.done))
        return f"{self.name}: {self.done}/{self.total} runs ({percent:.0f}%), {shown}, ETA {eta}"

    def __enter__(self) -> ProgressLines:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class Silent:
    """No progress shown (--no-progress)."""

    def update(self, n: int = 1) -> None:
        """Nothing to show."""

    def __enter__(self) -> Silent:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def meter(progress: bool | None, name: str, total: int, done: int) -> Any:
    """What shows a sweep's progress: a tqdm bar on a terminal (outside CI) or with --progress, lines
    without one, nothing with --no-progress."""
    if progress is False:
        return Silent()
    if progress or (sys.stderr.isatty() and not os.environ.get("CI")):
        return tqdm(total=total, initial=done, unit="run", file=sys.stderr, dynamic_ncols=True)
    return ProgressLines(name, total, done)
