"""Play no faster than the views can draw.

Mesa's Play loop steps the model in a thread and asks for a redraw after each step. When another
thread is drawing at that moment (the one that handled the Play click, say), the redraw is left to
it, and if steps keep coming while it draws, its render loop never settles and Solara gives up
("Too many renders triggered"). So when the views were last drawn by another thread, a step first
waits until they have drawn the step before it, and then `gap` times that drawing time more, so the
drawing thread can finish its render pass before the next change. When the stepping thread drew
them itself (the usual case while playing), nothing waits; nor for a model no view draws (none has
yet, or the views were closed: `forget`). The drawing time is that of a whole render pass of the
views (the page measures it), not only of building their charts.
"""

from __future__ import annotations

import threading
import time


class Pacer:
    """Knows which step the views drew last and how long it took; holds the next step until then."""

    def __init__(self, gap: float = 2.0, longest_wait: float = 2.0) -> None:
        self.gap = gap
        self.longest_wait = longest_wait
        self._drawn = threading.Condition()
        self._drawn_step = -1  # -1: no view has drawn this model yet
        self._cost: dict[int, float] = {}  # seconds spent drawing each recent step
        self._last_draw_end = 0.0
        self._drawn_by = 0  # thread that drew last

    def drew(self, step: int, seconds: float) -> None:
        """A view spent `seconds` drawing step `step`."""
        with self._drawn:
            self._cost[step] = self._cost.get(step, 0.0) + seconds
            for old in [s for s in self._cost if s < step - 2]:
                del self._cost[old]
            self._drawn_step = max(self._drawn_step, step)
            self._last_draw_end = time.monotonic()
            self._drawn_by = threading.get_ident()
            self._drawn.notify_all()

    def wait(self, step: int) -> float:
        """Before the model leaves `step`: wait for its drawing, then the gap. Returns seconds waited."""
        start = time.monotonic()
        with self._drawn:
            if self._drawn_step < 0:
                return 0.0
            if self._drawn_by == threading.get_ident() and self._drawn_step >= step:
                return 0.0
            self._drawn.wait_for(lambda: self._drawn_step >= step, timeout=self.longest_wait)
            until = self._last_draw_end + self.gap * self._cost.get(self._drawn_step, 0.0)
        pause = min(until - time.monotonic(), self.longest_wait)
        if pause > 0:
            time.sleep(pause)
        return time.monotonic() - start

    def forget(self) -> None:
        """The views stopped drawing (another tab is shown): steps no longer wait for them."""
        with self._drawn:
            self._drawn_step = -1
            self._cost.clear()
            self._drawn.notify_all()
