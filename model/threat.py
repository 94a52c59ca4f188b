"""What the world presents to each state each step: how much of another state's power bears on it.

reach[i, j] = exp(-d_ij / λ) · (1 + k·r_j) / (1 + k) · ν_ij
the distance decay of power projection between capitals (Walt's proximity), raised by j's revisionism
(intentions), times mean-preserving lognormal perception noise ν_ij drawn afresh every step; zero on the
diagonal and for the dead. Each factor is at most 1 (noise aside). How a state weighs that reach into
the threat of a bloc — power aggregated first, net of its own bloc, plus the systemic predominance
term — is the states' side of the formula, in `agents/situation.py` (docs/ODD.md §7.2); hostility from
past wars multiplies reach in `model/conflict.py`.
"""

from __future__ import annotations

import numpy as np


def distance_decay(distance: np.ndarray, scale: float) -> np.ndarray:
    """exp(-d / λ): how much power projection survives the distance between capitals."""
    return np.exp(-distance / scale)


def intent(revisionism: np.ndarray, weight: float) -> np.ndarray:
    """(1 + k·r_j) / (1 + k): 1 for a full revisionist, 1/(1 + k) for a status-quo state."""
    return (1.0 + weight * revisionism) / (1.0 + weight)


def reach_matrix(
    alive: np.ndarray,
    decay: np.ndarray,
    revisionism: np.ndarray,
    *,
    revisionism_weight: float = 1.0,
    noise: np.ndarray | None = None,
) -> np.ndarray:
    """reach[i, j]: the share of j's power that bears on i, with intent and noise (docstring above)."""
    reach = decay * intent(revisionism, revisionism_weight)[None, :]
    if noise is not None:
        reach = reach * noise
    np.fill_diagonal(reach, 0.0)
    reach[~alive, :] = 0.0
    reach[:, ~alive] = 0.0
    return reach


def perception_noise(rng: np.random.Generator, n: int, sigma: float) -> np.ndarray | None:
    """exp(σ z − σ²/2), z standard normal, one per pair (mean 1); None, and no draw, when σ is 0."""
    if sigma <= 0:
        return None
    return np.exp(sigma * rng.standard_normal((n, n)) - sigma**2 / 2)
