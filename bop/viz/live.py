"""The model as the visual server builds it: browser values coerced, Mesa's Reset quirks absorbed.

Mesa 3.5's Reset rebuilds the model as `type(model)(**controls)` and adds `scenario=<mesa Scenario>`
of its own, so our scenario name travels as `scenario_name`; a typed seed arrives as text. A bad value
typed in the browser must not leave the page without a model: the default world is built instead and
`param_error` says why. Play steps the model in a thread while views may be drawn from another, so a
step holds `lock`, and views read the model under it; `pacer` keeps Play from outrunning the views.
A blank seed is drawn here, so even a "random" run has a `seed` that reproduces it; each year also
records what the views of a past year need beyond the model's own history (`felt_history`).
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from bop.viz.data import Felt, felt_now
from bop.viz.pacing import Pacer
from model.model import BalanceOfPowerModel
from model.params import PARAMS, ParameterError, shown
from model.scenarios import get_scenario

MIXED = "mixed"  # the strategy control's "no single rule: use strategy_mix"


MAX_SEED = 2**64 - 1  # a numpy seed can be longer, but nobody types one: a longer number is a slip


def parse_seed(value: Any) -> int | None:
    """A seed from the browser: an int, ASCII digits typed as text, or blank for a fresh random seed.

    '²' or '٣' pass str.isdigit but are not digits one means; a 5,000-digit number is not a seed.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = value.strip() if isinstance(value, str) else None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif text is not None and text.isascii() and text.isdigit() and len(text) <= len(str(MAX_SEED)):
        number = int(text)
    else:
        number = -1
    if not 0 <= number <= MAX_SEED:
        raise ParameterError(
            f"parameter 'seed' must be a whole number from 0 to {MAX_SEED}, or blank; got {shown(value, 40)}"
        )
    return number


def drawn_seed() -> int:
    """A fresh seed for a run asked with a blank seed box (from the OS's entropy, not the model's)."""
    return int(np.random.SeedSequence().generate_state(1)[0] % 2**31)


def model_kwargs(scenario_name: str, strategy: str | None, params: dict[str, Any]) -> dict[str, Any]:
    """Keyword parameters for the model: the chosen scenario's own, others (another scenario's) dropped."""
    scenario = get_scenario(scenario_name)
    specs = {**PARAMS, **scenario.params}
    kwargs = {k: v for k, v in params.items() if k in specs}
    for name, value in kwargs.items():  # a blank text box means "not set"
        if specs[name].optional and isinstance(value, str) and not value.strip():
            kwargs[name] = None
    kwargs["scenario"] = scenario_name
    kwargs["strategy"] = None if strategy in (None, MIXED) else strategy
    kwargs["record_states"] = True  # the power-shares view reads the per-state history
    return kwargs


class LiveModel(BalanceOfPowerModel):
    """BalanceOfPowerModel built from the visual server's controls."""

    def __init__(
        self,
        rng: Any = None,
        scenario: Any = None,
        scenario_name: str = "random",
        strategy: str | None = MIXED,
        **params: Any,
    ) -> None:
        del scenario  # Mesa's Reset passes its own Scenario object; ours is scenario_name
        self.lock = threading.RLock()
        self.pacer = Pacer()
        self.param_error: str | None = None
        self.seed: int | None = (
            None  # the seed the run was built with (None: the default world after an error)
        )
        self.felt_history: list[Felt] = []
        try:
            seed = parse_seed(rng)
            seed = drawn_seed() if seed is None else seed
            self.seed = seed
            kwargs = model_kwargs(scenario_name, strategy, params)
            super().__init__(rng=seed, **kwargs)
        except ParameterError as error:
            self.seed = None
            super().__init__(rng=None, record_states=True)
            self.param_error = str(error)
        mesa_step = self.step  # Mesa's wrapper: advances time and the step count, then runs step()

        def locked_step() -> None:
            self.pacer.wait(self.steps)
            with self.lock:
                mesa_step()

        self.step = locked_step  # type: ignore[method-assign]

    def collect(self) -> None:
        """Record the year as the model does, plus each state's felt threat (`felt_history`)."""
        super().collect()
        if self.steps == 0:  # a fresh start (also after a bad value made __init__ start over)
            self.felt_history = []
        self.felt_history.append(felt_now(self))
