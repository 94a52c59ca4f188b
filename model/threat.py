"""Walt's balance of threat as one N×N numpy array per step.

T[i, j], the threat state j poses to state i, is
    (p_j / (p_i + p_j))^a · exp(-d_ij / λ) · (1 + k·r_j) / (1 + k)
relative power (0.5 at parity, towards 1 when j dwarfs i), decayed by distance, raised by j's
revisionism; each factor is at most 1. Relative rather than absolute shares keep the thresholds
meaningful whatever the number of states. The threat of a bloc is the sum over its members.
"""

from __future__ import annotations

import numpy as np


def distance_decay(distance: np.ndarray, scale: float) -> np.ndarray:
    """exp(-d / λ): how much power projection survives the distance between capitals."""
    return np.exp(-distance / scale)


def threat_matrix(
    power: np.ndarray,
    alive: np.ndarray,
    decay: np.ndarray,
    revisionism: np.ndarray,
    *,
    power_exponent: float = 1.0,
    revisionism_weight: float = 1.0,
    noise: np.ndarray | None = None,
) -> np.ndarray:
    """Threat of every state to every other; zero on the diagonal and for dead states."""
    p = np.where(alive, power, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        relative = p[None, :] / (p[:, None] + p[None, :])
    relative = np.nan_to_num(relative, nan=0.0)
    if power_exponent != 1.0:
        relative **= power_exponent
    intent = (1.0 + revisionism_weight * revisionism) / (1.0 + revisionism_weight)
    threat = relative * decay * intent[None, :]
    if noise is not None:
        threat *= noise
    np.fill_diagonal(threat, 0.0)
    threat[~alive, :] = 0.0
    threat[:, ~alive] = 0.0
    return threat
