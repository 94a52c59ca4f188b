"""The pacer: Play waits for views drawn by another thread, never for views it drew itself.

Only lower bounds on waiting are asserted (the machine may be slow, never early).
"""

from __future__ import annotations

import threading
import time

from bop.viz.pacing import Pacer


def in_other_thread(action) -> None:
    thread = threading.Thread(target=action)
    thread.start()
    thread.join()


def test_a_model_no_view_drew_is_not_held_back():
    assert Pacer().wait(5) == 0.0


def test_views_drawn_by_the_stepping_thread_do_not_hold_it():
    pacer = Pacer()
    pacer.drew(3, 0.5)
    assert pacer.wait(3) == 0.0


def test_after_another_threads_draw_the_step_waits_out_the_gap():
    pacer = Pacer(gap=2.0)
    in_other_thread(lambda: pacer.drew(3, 0.1))  # drawing took 0.1 s: wait 0.2 s after it ended
    assert pacer.wait(3) >= 0.15


def test_the_step_waits_until_another_thread_has_drawn_it():
    pacer = Pacer(gap=0.0)
    in_other_thread(lambda: pacer.drew(3, 0.01))

    def draw_step_4_later() -> None:
        time.sleep(0.3)
        pacer.drew(4, 0.01)

    drawer = threading.Thread(target=draw_step_4_later)
    drawer.start()
    waited = pacer.wait(4)
    drawer.join()
    assert waited >= 0.25


def test_a_stalled_view_holds_a_step_no_longer_than_the_limit():
    pacer = Pacer(gap=0.0, longest_wait=0.3)
    in_other_thread(lambda: pacer.drew(3, 0.01))
    start = time.monotonic()
    assert pacer.wait(9) >= 0.3  # step 9 is never drawn
    assert time.monotonic() - start < 5.0  # it gave up rather than hanging


def test_views_that_stopped_drawing_hold_no_step():
    pacer = Pacer(longest_wait=5.0)
    in_other_thread(lambda: pacer.drew(3, 0.5))
    pacer.forget()  # the World tab was left for Compare: nothing will draw year 4
    assert pacer.wait(4) == 0.0
