"""Measures of one state's fortunes over a run: the Kazakhstan question, for any state.

- survived: alive at the end of the run;
- autonomy: share of the run's steps (1..T) in which the state was alive and either unaligned, the
  strongest member of its bloc, or in a bloc whose strongest member holds under half the bloc's power;
- wars: wars the state fought in, from the model's war log (`wars_frame()`, rows whose attackers or
  defenders include it, outcomes other than a concession or a backing down); 0 when the model has no
  war log.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from model.alliances import UNALIGNED

NOT_FOUGHT = ("conceded", "backed_down")  # crisis outcomes of the war log that are not wars


def autonomous(power: np.ndarray, membership: np.ndarray, alive: np.ndarray, i: int) -> bool:
    """Whether state i is autonomous in one recorded step (see the module docstring)."""
    if not alive[i]:
        return False
    if membership[i] == UNALIGNED:
        return True
    bloc = np.flatnonzero((membership == membership[i]) & alive)
    leader_power = power[bloc].max()
    return bool(power[i] >= leader_power or leader_power < 0.5 * power[bloc].sum())


def wars_fought(model: Any, name: str) -> int:
    """Wars `name` fought in according to the model's war log; 0 if the model keeps none."""
    if not hasattr(model, "wars_frame"):
        return 0
    wars = model.wars_frame()
    if wars.empty:
        return 0
    sides = wars["attackers"].map(list) + wars["defenders"].map(list)
    fought = sides.map(lambda names: name in names)
    if "outcome" in wars:
        fought &= ~wars["outcome"].isin(NOT_FOUGHT)
    return int(fought.sum())


def focus_measures(model: Any, name: str = "Kazakhstan") -> dict[str, Any]:
    """Survival, autonomy and wars of the state called `name` over the run so far."""
    if name not in model.names:
        raise ValueError(f"no state called {name!r}; states: {', '.join(model.names)}")
    if not model.state_history:
        raise ValueError("states were not recorded: run with record_states=true")
    i = model.names.index(name)
    history = model.state_history[1:] or model.state_history  # the run's steps, or the start if none
    autonomy = np.mean([autonomous(p, m, a, i) for p, m, a in history])
    return {
        "state": name,
        "survived": bool(model.alive[i]),
        "autonomy": float(autonomy),
        "wars": wars_fought(model, name),
    }
