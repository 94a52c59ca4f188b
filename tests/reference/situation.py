"""The situation as built before issue 19 (one full build per call), kept verbatim as the reference that
the lean, cached build in `agents/situation.py` must match bit for bit (tests/model/test_same_results.py).

Original module docstring:

A bloc is an alliance or an unaligned state. Blocs are numbered 0..K-1 afresh each time a
situation is built, so one numpy row per deciding state holds its threat from every bloc.

The threat of bloc B to state i (docs/ODD.md §7.2) aggregates B's power first, then proximity and
intent, net of the power of i's own bloc O(i), plus a systemic predominance term:

    T_iB = (P_B / (P_O(i) + P_B))^a · Σ_{j∈B} (p_j / P_B) · reach_ij  +  π(P_B / Σp)
    π(s) = ω / (1 + exp(−(s − s₀) / δ))

with reach_ij from `model/threat.py` (distance decay, intent, noise, hostility). With a = 1 the first
term is Σ_{j∈B} p_j·reach_ij / (P_O(i) + P_B): the power bearing on i as a share of the power of the two
blocs. Splitting a state into parts at one place leaves it unchanged; joining a bloc raises P_O(i) and
lowers it. The threat of i's own partners (O(i) without i) is the same formula with i standing alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from tests.reference.kernels import bloc_labels


def predominance(share: np.ndarray, weight: float, onset: float, width: float) -> np.ndarray:
    """π(s) = ω / (1 + exp(−(s − s₀)/δ)): the threat any actor or bloc poses to every other state as its
    share s of all power approaches predominance (Kaplan's rule 4). Smooth: no line is a threshold."""
    with np.errstate(over="ignore"):
        return weight / (1.0 + np.exp(-(share - onset) / width))


def predominance_of(share: np.ndarray, params: dict[str, Any]) -> np.ndarray:
    """π of each share with the model's predominance parameters."""
    return predominance(
        share, params["predominance_weight"], params["predominance_onset"], params["predominance_width"]
    )


def weighted_reach(reach_rows: np.ndarray, power: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """(R, K) W_iB = Σ_{j∈B} p_j · reach_ij for each row of reach (O(R·N))."""
    order = np.argsort(labels, kind="stable")
    starts = np.flatnonzero(np.r_[True, labels[order][1:] != labels[order][:-1]])
    out = np.zeros((reach_rows.shape[0], k))
    if len(order):
        out[:, labels[order][starts]] = np.add.reduceat(reach_rows[:, order] * power[order], starts, axis=1)
    return out


def net_threat(
    weighted: np.ndarray, bloc_power: np.ndarray, own_power: np.ndarray | float, exponent: float
) -> np.ndarray:
    """(P_B / (P_own + P_B))^a · W_iB / P_B (without the predominance term); 0 for an empty bloc.

    `weighted` is W (R, K), `bloc_power` P_B (K,), `own_power` the power i's side brings, broadcastable
    to (R, K)."""
    p_b = np.broadcast_to(bloc_power, weighted.shape)
    denom = np.broadcast_to(own_power + p_b, weighted.shape)
    ok = (p_b > 0) & (denom > 0)
    out = np.zeros(weighted.shape)
    if exponent == 1.0:
        return np.divide(weighted, denom, out=out, where=ok)
    relative = np.divide(p_b, denom, out=np.zeros(weighted.shape), where=ok)
    return np.divide(relative**exponent * weighted, p_b, out=out, where=ok)


@dataclass(frozen=True)
class Situation:
    """The world as seen by the states in `rows` (indices into the model's state arrays)."""

    rows: np.ndarray  # deciding states
    power: np.ndarray  # (N,) power, 0 for the dead
    revisionism: np.ndarray  # (N,)
    strategy: np.ndarray  # (N,) rule names
    distance: np.ndarray  # (N, N)
    reach: np.ndarray  # (N, N) reach[i, j]: how much of j's power bears on i (model/threat.py)
    labels: np.ndarray  # (N,) bloc of each state
    bloc_power: np.ndarray  # (K,)
    leader: np.ndarray  # (K,) strongest member of each bloc
    is_alliance: np.ndarray  # (K,) bloc is an alliance rather than a lone state
    predominance: np.ndarray  # (K,) π of each bloc's share
    pact: np.ndarray  # (N,) power each state commits to defending any attacked state (collective security)
    bloc_pact: np.ndarray  # (K,) of which in each bloc
    weighted: np.ndarray  # (R, K) Σ_{j∈B} p_j·reach_ij
    side: np.ndarray  # (R, K) the power on the deciding state's side against each bloc (bloc, pact, ties)
    bloc_threat: np.ndarray  # (R, K) net threat of each bloc; own column: the partners' threat
    alone_threat: np.ndarray  # (R, K) the same as if the state stood alone (own column: partners)
    own: np.ndarray  # (R,) the deciding state's own bloc
    main: np.ndarray  # (R,) its most threatening other bloc, by net threat (-1 if none)
    tau: np.ndarray  # (R,) felt threat: the net threat of that bloc (0 if none)
    tau_alone: np.ndarray  # (R,) greatest threat from another bloc were it alone (= tau if unaligned)
    partner_threat: np.ndarray  # (R,) threat of the rest of its own alliance to it, as if alone
    params: dict[str, Any]

    @property
    def total_power(self) -> float:
        """Power of all living states."""
        return float(self.bloc_power.sum())

    @property
    def aligned(self) -> np.ndarray:
        """(R,) whether each deciding state is in an alliance."""
        return self.is_alliance[self.own]

    @property
    def own_power(self) -> np.ndarray:
        """(R,) power of each deciding state's own bloc."""
        return self.bloc_power[self.own]

    def side_power(self, base: np.ndarray, base_pact: np.ndarray) -> np.ndarray:
        """(n, K) the power on a state's side against each bloc: what its side brings (`base`, of which
        `base_pact` is committed to the pact) plus the collective pact's power outside its side and
        outside that bloc (a standing commitment to defend any attacked state; docs/ODD.md §7.2)."""
        outside = self.pact.sum() - base_pact
        return base[:, None] + np.maximum(outside[:, None] - self.bloc_pact[None, :], 0.0)

    def main_of(self, states: np.ndarray) -> np.ndarray:
        """(n,) the main threat (bloc, by net threat; -1 if none) of any states, not only the deciding
        ones: what they stand against (O(n·N))."""
        k = len(self.bloc_power)
        weighted = weighted_reach(self.reach[states], self.power, self.labels, k)
        own = self.labels[states]
        side = self.side_power(self.bloc_power[own], self.bloc_pact[own])
        threat = net_threat(weighted, self.bloc_power, side, self.params["power_exponent"])
        threat = np.where(self.bloc_power[None, :] > 0, threat + self.predominance[None, :], -np.inf)
        threat[np.arange(len(states)), own] = -np.inf
        main = np.argmax(threat, axis=1)
        return np.where(np.isfinite(threat.max(axis=1, initial=-np.inf)), main, -1)

    def threat_to_states(self, bloc: int) -> np.ndarray:
        """(N,) the threat bloc `bloc` poses to every state as if each stood alone (predominance
        included; 0 to its own members and the dead; O(N·|bloc|))."""
        members = self.labels == bloc
        weighted = self.reach[:, members] @ self.power[members]
        threat = net_threat(
            weighted[:, None],
            self.bloc_power[bloc : bloc + 1],
            self.power[:, None],
            self.params["power_exponent"],
        )[:, 0]
        return np.where(members | (self.power <= 0), 0.0, threat + self.predominance[bloc])

    def threat_to_blocs(self, bloc: int) -> np.ndarray:
        """(K,) the threat bloc `bloc` poses to every bloc, as each bloc's leader sees it net of its own
        bloc (predominance included; 0 to itself): whom else a threat threatens (O(K·|bloc|))."""
        members = self.labels == bloc
        weighted = self.reach[np.ix_(self.leader, members)] @ self.power[members]
        side = self.side_power(self.bloc_power, self.bloc_pact)[:, bloc : bloc + 1]
        threat = net_threat(
            weighted[:, None], self.bloc_power[bloc : bloc + 1], side, self.params["power_exponent"]
        )[:, 0]
        threat = threat + self.predominance[bloc]
        threat[bloc] = 0.0
        return threat

    @property
    def felt(self) -> np.ndarray:
        """(R,) the greatest threat each deciding state feels now, from outside (net) or from partners."""
        return np.maximum(self.tau, self.partner_threat)

    def felt_after_admitting(self, applicant: np.ndarray) -> np.ndarray:
        """(R,) the greatest threat each deciding state would feel once `applicant[r]` (another state,
        leaving its bloc) had joined its side: outside blocs net of the larger side, the applicant's old
        bloc without it, and the partners' threat with the applicant among them (docs/ODD.md §7.3)."""
        p, a = self.params, self.params["power_exponent"]
        r = np.arange(len(self.rows))
        p_a = self.power[applicant]
        reach_a = self.reach[self.rows, applicant]
        gone = self.labels[applicant]
        weighted = self.weighted.copy()
        bloc_power = np.broadcast_to(self.bloc_power, weighted.shape).copy()
        weighted[r, gone] -= p_a * reach_a
        bloc_power[r, gone] -= p_a
        pred = predominance_of(bloc_power / self.total_power, p)
        side = self.side_power(self.own_power + p_a, self.bloc_pact[self.own] + self.pact[applicant])
        threat = net_threat(weighted, bloc_power, side, a) + pred
        threat = np.where(bloc_power > 1e-12 * self.total_power, threat, -np.inf)
        threat[r, self.own] = -np.inf
        rest = self.own_power - self.power[self.rows] + p_a
        with_applicant = (self.weighted[r, self.own] + p_a * reach_a)[:, None]
        alone = self.power[self.rows] + self.pact.sum() - self.bloc_pact[self.own] - self.pact[applicant]
        partners = net_threat(
            with_applicant, rest[:, None], np.maximum(alone, self.power[self.rows])[:, None], a
        )[:, 0]
        partners += predominance_of(rest / self.total_power, p)
        return np.maximum(threat.max(axis=1, initial=0.0), partners)

    def only(self, mask: np.ndarray) -> Situation:
        """The same world, seen only by the deciding states selected by `mask`."""
        return replace(
            self,
            rows=self.rows[mask],
            weighted=self.weighted[mask],
            side=self.side[mask],
            bloc_threat=self.bloc_threat[mask],
            alone_threat=self.alone_threat[mask],
            own=self.own[mask],
            main=self.main[mask],
            tau=self.tau[mask],
            tau_alone=self.tau_alone[mask],
            partner_threat=self.partner_threat[mask],
        )


def side_threat(
    reach: np.ndarray,
    power: np.ndarray,
    side: np.ndarray,
    own_power: np.ndarray,
    params: dict[str, Any],
) -> np.ndarray:
    """(N,) the threat a group of states (`side`, an (N,) mask) poses to every state, by the bloc formula
    above: its power aggregated, net of each state's `own_power`, plus its predominance term."""
    p_side = power[side].sum()
    weighted = reach[:, side] @ power[side]
    threat = net_threat(weighted[:, None], np.array([p_side]), own_power[:, None], params["power_exponent"])
    pred = predominance_of(np.array([p_side / power.sum()]), params)
    return threat[:, 0] + pred[0]


def bloc_leaders(power: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """(K,) the strongest member of each bloc (ties to the lower index)."""
    by_bloc = np.lexsort((-power, labels))  # blocs in turn, strongest member first
    first = np.r_[True, labels[by_bloc][1:] != labels[by_bloc][:-1]]
    leader = np.empty(k, dtype=np.int64)
    leader[labels[by_bloc][first]] = by_bloc[first]
    return leader


def perceive(
    rows: np.ndarray,
    *,
    power: np.ndarray,
    alive: np.ndarray,
    membership: np.ndarray,
    reach: np.ndarray,
    revisionism: np.ndarray,
    strategy: np.ndarray,
    distance: np.ndarray,
    params: dict[str, Any],
    pact: np.ndarray | None = None,
    ties: np.ndarray | None = None,
) -> Situation:
    """Build the situation of the states in `rows` from the model's arrays (O(N·R) numpy work).
    `pact` marks the states committed to defend any attacked state (collective security); `ties`
    (N, N) are the graded partnership ties w_ik, whose expected aid counts on a state's side."""
    p = np.where(alive, power, 0.0)
    is_alliance, labels = bloc_labels(membership)
    k = len(is_alliance)
    bloc_power = np.bincount(labels, weights=p, minlength=k)
    committed = np.where(pact, p, 0.0) if pact is not None else np.zeros(len(p))
    bloc_pact = np.bincount(labels, weights=committed, minlength=k)
    total = bloc_power.sum()
    leader = bloc_leaders(p, labels, k)
    pred = predominance_of(bloc_power / total, params)
    pred = np.where(bloc_power > 0, pred, 0.0)
    weighted = weighted_reach(reach[rows], p, labels, k)
    a = params["power_exponent"]

    r = np.arange(len(rows))
    own = labels[rows]
    p_own, p_i = bloc_power[own], p[rows]
    pact_out = committed.sum() - bloc_pact  # (K,) pact power outside each bloc
    own_side = p_own[:, None] + np.maximum(pact_out[own][:, None] - bloc_pact[None, :], 0.0)
    alone_side = p_i[:, None] + np.maximum(
        committed.sum() - committed[rows][:, None] - bloc_pact[None, :], 0.0
    )
    partner_side = p_i + pact_out[own]
    if ties is not None and ties[rows].any():
        # expected aid of partners, Σ_k w_ik·p_k, from those outside its own bloc and outside B
        aid_in = weighted_reach(ties[rows], p, labels, k)  # (R, K) Σ_{k∈B} w_ik·p_k
        aid_out = aid_in.sum(axis=1) - aid_in[r, own]
        own_side = own_side + aid_out[:, None] - aid_in
        alone_side = alone_side + aid_out[:, None] - aid_in
        partner_side = partner_side + aid_out
    bloc_threat = net_threat(weighted, bloc_power, own_side, a) + pred[None, :]
    alone_threat = net_threat(weighted, bloc_power, alone_side, a) + pred[None, :]
    # the partners: the rest of the own alliance (power P_O − p_i), as if i stood alone against them
    # (with the pact and any tied partners outside its alliance on its side)
    rest = p_own - p_i
    rest_share = np.where(total > 0, rest / total, 0.0)
    partners = net_threat(weighted[r, own][:, None], rest[:, None], partner_side[:, None], a)[:, 0]
    rest_pred = predominance_of(rest_share, params)
    partner_threat = np.where(rest > 0, partners + rest_pred, 0.0)
    bloc_threat[r, own] = partner_threat
    alone_threat[r, own] = partner_threat

    outside = np.where(bloc_power[None, :] > 0, bloc_threat, -np.inf)
    outside[r, own] = -np.inf
    main = np.argmax(outside, axis=1)
    tau = outside[r, main]
    none = ~np.isfinite(tau)
    main[none], tau[none] = -1, 0.0
    alone = np.where(np.isfinite(outside), alone_threat, -np.inf)
    tau_alone = alone.max(axis=1, initial=-np.inf)
    tau_alone[~np.isfinite(tau_alone)] = 0.0
    return Situation(
        rows=rows,
        power=p,
        revisionism=revisionism,
        strategy=strategy,
        distance=distance,
        reach=reach,
        labels=labels,
        bloc_power=bloc_power,
        leader=leader,
        is_alliance=is_alliance,
        predominance=pred,
        pact=committed,
        bloc_pact=bloc_pact,
        weighted=weighted,
        side=own_side,
        bloc_threat=bloc_threat,
        alone_threat=alone_threat,
        own=own,
        main=main,
        tau=tau,
        tau_alone=tau_alone,
        partner_threat=partner_threat,
        params=params,
    )
