"""landscape (Axelrod & Bennett 1993): take the side that minimises frustration F_i = Σ_j s_j·p_ij·d_ij,
s_j the share of power, d_ij 0 on the same side and 1 apart, p_ij the propensity of i to side with j
(docs/ODD.md §7.4, §7.6)."""

from __future__ import annotations

import numpy as np

from agents.situation import Situation, net_threat, weighted_reach
from agents.strategy import ATTACK, DEFEND, LEAVE, OUT, Decision, Strategy, WarView, register


def pair_threat(reach_rows: np.ndarray, power: np.ndarray, p_rows: np.ndarray, exponent: float) -> np.ndarray:
    """(R, N) the threat each state j alone poses to each row state alone: (p_j/(p_i+p_j))^a·reach_ij."""
    return net_threat(reach_rows * power[None, :], power[None, :], p_rows[:, None], exponent)


def propensity(s: Situation) -> np.ndarray:
    """(R, N) p_ij = shared_ij − threat_ij for each deciding state i:

    - threat_ij, the threat j alone poses to i alone (proximity, intent and hostility through reach):
      being on the side of one's threat is frustrating (Walt);
    - shared_ij = min(T_iM, T_jM), M i's main threat and T_xM its threat to x as if alone: two states
      threatened by the same bloc want to be together (0 for M's own members).
    Zero for i itself and the dead."""
    rows = np.arange(len(s.rows))
    prop = -pair_threat(s.reach[s.rows], s.power, s.power[s.rows], s.params["power_exponent"])
    has = s.main >= 0
    for m in np.unique(s.main[has]):
        q = np.flatnonzero(s.main == m)
        own = s.alone_threat[q, m]
        prop[q] += np.minimum(own[:, None], s.threat_to_states(int(m))[None, :])
    prop[rows, s.rows] = 0.0
    prop[:, s.power <= 0] = 0.0
    return prop


def affinity(s: Situation) -> np.ndarray:
    """(R, K) A_iB = Σ_{j∈B, j≠i} s_j·p_ij: F_i on side X is Σ_j s_j·p_ij − A_iX, so the side of least
    frustration is the one of greatest affinity (standing alone: 0)."""
    share = s.power / s.total_power
    return weighted_reach(propensity(s), share, s.labels, len(s.bloc_power))


def align(s: Situation) -> Decision:
    """Move to the side of least frustration: another bloc, or standing alone, if better than staying."""
    rows = np.arange(len(s.rows))
    decision = Decision.stay(len(s.rows))
    a = affinity(s)
    stay = np.where(s.aligned, a[rows, s.own], 0.0)  # its own bloc's other members (alone: none)
    here = np.maximum(stay, 0.0)  # the better of staying and standing alone
    others = np.where(s.bloc_power[None, :] > 0, a, -np.inf)
    others[rows, s.own] = -np.inf
    better = others > here[:, None]
    decision.set(s.aligned & (stay < 0.0) & ~better.any(axis=1), LEAVE, "frustration")
    decision.choose(better.any(axis=1), np.where(better, others, -np.inf), "landscape")
    return decision


def accept(s: Situation, applicant: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Take the applicant on its side if that lowers its frustration (p_ia > 0)."""
    welcome = propensity(s)[np.arange(len(s.rows)), applicant] > 0
    return welcome, np.where(welcome, "", "frustrating").astype(object)


def side(w: WarView, rows: np.ndarray) -> np.ndarray:
    """Join the side of least frustration (the sides as the called allies make them), if either beats
    staying out. In a crisis the stronger side is the common threat: p_ij = min(c_i, c_j) − threat_ij for
    j on the weaker side (c the concern), −threat_ij for j on the stronger side."""
    share = w.power / w.power.sum()
    prop = -pair_threat(w.reach[rows], w.power, w.power[rows], w.params["power_exponent"])
    weak = w.attack if w.weaker == ATTACK else w.defend
    prop += np.where(weak[None, :], np.minimum(w.concern[rows][:, None], w.concern[None, :]), 0.0)
    prop[np.arange(len(rows)), rows] = 0.0
    with_attack = prop[:, w.attack] @ share[w.attack]
    with_defence = prop[:, w.defend] @ share[w.defend]
    best = np.where(with_attack > with_defence, ATTACK, DEFEND)
    return np.where(np.maximum(with_attack, with_defence) > 0, best, OUT)


register(Strategy("landscape", align, side, accept))
