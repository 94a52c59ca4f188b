"""What deciding states see: blocs, their power, and the threat each bloc poses to each of them.

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

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agents.alliances import bloc_labels


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
    denom = own_power + bloc_power
    ok = (bloc_power > 0) & (denom > 0)
    if exponent == 1.0:
        return np.divide(weighted, denom, out=np.zeros(weighted.shape), where=ok)
    relative = np.divide(bloc_power, denom, out=np.zeros(weighted.shape), where=ok)
    return np.divide(relative**exponent * weighted, bloc_power, out=np.zeros(weighted.shape), where=ok)


@dataclass(frozen=True, eq=False)
class Blocs:
    """The bloc structure of the world at one moment, which every deciding state shares: built once per
    change of power or membership (`blocs_of`) and reused by every `perceive` until then."""

    power: np.ndarray  # (N,) power, 0 for the dead
    labels: np.ndarray  # (N,) bloc of each state
    is_alliance: np.ndarray  # (K,)
    bloc_power: np.ndarray  # (K,)
    pact: np.ndarray  # (N,) power each state commits to the collective pact
    bloc_pact: np.ndarray  # (K,)
    pact_total: float  # Σ pact
    pact_out: np.ndarray  # (K,) pact power outside each bloc
    total: float  # Σ power
    leader: np.ndarray  # (K,) strongest member of each bloc
    predominance: np.ndarray  # (K,) π of each bloc's share (0 for an empty bloc)
    order: np.ndarray  # (N,) states grouped by bloc (stable), for the W reductions
    starts: np.ndarray  # where each bloc's run starts in `order`
    heads: np.ndarray  # the bloc of each run
    power_order: np.ndarray  # power[order]
    # each bloc's threat to every bloc (`Situation.threat_to_blocs`) on a reach, found once per reach
    memo: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)
    # the main threat of states found so far on a reach (`Situation.stands_against`; -2: not yet)
    standing_memo: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list, repr=False)

    @property
    def k(self) -> int:
        """Number of blocs."""
        return len(self.is_alliance)

    def weighted(self, reach_rows: np.ndarray) -> np.ndarray:
        """(R, K) W_iB = Σ_{j∈B} p_j · reach_ij, as `weighted_reach` computes it, on the cached grouping."""
        out = np.zeros((reach_rows.shape[0], self.k))
        if len(self.order):
            grouped = np.take(reach_rows, self.order, axis=1)
            grouped *= self.power_order
            out[:, self.heads] = np.add.reduceat(grouped, self.starts, axis=1)
        return out

    def members(self, bloc: int) -> np.ndarray:
        """The members of a bloc, by index (every bloc has one or more)."""
        return self.order[self.starts[bloc] : self.starts[bloc + 1] if bloc + 1 < self.k else None]


def blocs_of(
    power: np.ndarray,
    alive: np.ndarray,
    membership: np.ndarray,
    pact: np.ndarray | None,
    params: dict[str, Any],
) -> Blocs:
    """The bloc structure from the model's arrays (O(N log N)); `pact` marks the collective pact's states."""
    p = np.where(alive, power, 0.0)
    is_alliance, labels = bloc_labels(membership)
    k = len(is_alliance)
    bloc_power = np.bincount(labels, weights=p, minlength=k)
    committed = np.where(pact, p, 0.0) if pact is not None else np.zeros(len(p))
    bloc_pact = np.bincount(labels, weights=committed, minlength=k)
    total = bloc_power.sum()
    pred = predominance_of(bloc_power / total, params)
    order = np.argsort(labels, kind="stable")
    grouped = labels[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    return Blocs(
        power=p,
        labels=labels,
        is_alliance=is_alliance,
        bloc_power=bloc_power,
        pact=committed,
        bloc_pact=bloc_pact,
        pact_total=committed.sum(),
        pact_out=committed.sum() - bloc_pact,
        total=total,
        leader=bloc_leaders(p, labels, k),
        predominance=np.where(bloc_power > 0, pred, 0.0),
        order=order,
        starts=starts,
        heads=grouped[starts],
        power_order=p[order],
    )


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
    side: np.ndarray  # (R, K), or (R, 1) when the same against every bloc: the power on the deciding
    # state's side against each bloc (its bloc, the pact, ties)
    bloc_threat: np.ndarray  # (R, K) net threat of each bloc; own column: the partners' threat
    alone_threat: np.ndarray  # (R, K) the same as if the state stood alone (own column: partners)
    own: np.ndarray  # (R,) the deciding state's own bloc
    main: np.ndarray  # (R,) its most threatening other bloc, by net threat (-1 if none)
    tau: np.ndarray  # (R,) felt threat: the net threat of that bloc (0 if none)
    tau_alone: np.ndarray  # (R,) greatest threat from another bloc were it alone (= tau if unaligned)
    partner_threat: np.ndarray  # (R,) threat of the rest of its own alliance to it, as if alone
    params: dict[str, Any]
    blocs: Blocs  # the bloc structure the above come from (shared by every situation until it changes)

    @property
    def total_power(self) -> float:
        """Power of all living states."""
        return float(self.blocs.total)

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
        outside = self.blocs.pact_total - base_pact
        return base[:, None] + np.maximum(outside[:, None] - self.bloc_pact[None, :], 0.0)

    def main_of(self, states: np.ndarray) -> np.ndarray:
        """(n,) the main threat (bloc, by net threat; -1 if none) of any states, not only the deciding
        ones: what they stand against (O(n·N))."""
        weighted = self.blocs.weighted(self.reach[states])
        own = self.labels[states]
        side = self.side_power(self.bloc_power[own], self.bloc_pact[own])
        threat = net_threat(weighted, self.bloc_power, side, self.params["power_exponent"])
        threat = np.where(self.bloc_power[None, :] > 0, threat + self.predominance[None, :], -np.inf)
        threat[np.arange(len(states)), own] = -np.inf
        main = np.argmax(threat, axis=1)
        return np.where(np.isfinite(threat.max(axis=1, initial=-np.inf)), main, -1)

    def stands_against(self, states: np.ndarray) -> np.ndarray:
        """(n,) `main_of` the given states, each found once per bloc structure and reach (kept on the
        bloc structure, so the deciding states of a year share what earlier ones found)."""
        memo = self.blocs.standing_memo
        if not memo or memo[0][0] is not self.reach:
            memo[:] = [(self.reach, np.full(len(self.power), -2))]  # the reach is held: its id stays
        known = memo[0][1]
        missing = states[known[states] == -2]
        if len(missing):
            known[missing] = self.main_of(missing)
        return known[states]

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
        bloc (predominance included; 0 to itself): whom else a threat threatens (O(K·|bloc|)). Found
        once per bloc structure and reach, and handed out read-only."""
        kept = self.blocs.memo.get(bloc)
        if kept is not None and kept[0] is self.reach:
            return kept[1]
        members = self.blocs.members(bloc)
        n = self.reach.shape[1]
        weighted = np.take(self.reach, (self.leader * n)[:, None] + members[None, :]) @ self.power[members]
        outside = self.blocs.pact_out - self.bloc_pact[bloc]
        side = self.bloc_power + np.maximum(outside, 0.0)
        threat = net_threat(weighted, self.bloc_power[bloc], side, self.params["power_exponent"])
        threat = threat + self.predominance[bloc]
        threat[bloc] = 0.0
        threat.setflags(write=False)
        self.blocs.memo[bloc] = (self.reach, threat)  # the reach is held, so its id is never reused
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
        bloc_power = np.tile(self.bloc_power, (len(r), 1))
        weighted[r, gone] -= p_a * reach_a
        bloc_power[r, gone] -= p_a
        pred = predominance_of(bloc_power / self.total_power, p)
        side = self.side_power(self.own_power + p_a, self.bloc_pact[self.own] + self.pact[applicant])
        threat = net_threat(weighted, bloc_power, side, a) + pred
        threat = np.where(bloc_power > 1e-12 * self.total_power, threat, -np.inf)
        threat[r, self.own] = -np.inf
        rest = self.own_power - self.power[self.rows] + p_a
        with_applicant = (self.weighted[r, self.own] + p_a * reach_a)[:, None]
        p_i = self.power[self.rows]
        alone = p_i + self.blocs.pact_total - self.bloc_pact[self.own] - self.pact[applicant]
        partners = net_threat(
            with_applicant, rest[:, None], np.maximum(alone, self.power[self.rows])[:, None], a
        )[:, 0]
        partners += predominance_of(rest / self.total_power, p)
        return np.maximum(threat.max(axis=1, initial=0.0), partners)

    def only(self, mask: np.ndarray) -> Situation:
        """The same world, seen only by the deciding states selected by `mask` (a mask or positions)."""
        return Situation(
            rows=self.rows[mask],
            power=self.power,
            revisionism=self.revisionism,
            strategy=self.strategy,
            distance=self.distance,
            reach=self.reach,
            labels=self.labels,
            bloc_power=self.bloc_power,
            leader=self.leader,
            is_alliance=self.is_alliance,
            predominance=self.predominance,
            pact=self.pact,
            bloc_pact=self.bloc_pact,
            weighted=self.weighted[mask],
            side=self.side[mask],
            bloc_threat=self.bloc_threat[mask],
            alone_threat=self.alone_threat[mask],
            own=self.own[mask],
            main=self.main[mask],
            tau=self.tau[mask],
            tau_alone=self.tau_alone[mask],
            partner_threat=self.partner_threat[mask],
            params=self.params,
            blocs=self.blocs,
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
    blocs: Blocs | None = None,
) -> Situation:
    """Build the situation of the states in `rows` from the model's arrays (O(N·R) numpy work).
    `pact` marks the states committed to defend any attacked state (collective security); `ties`
    (N, N) are the graded partnership ties w_ik, whose expected aid counts on a state's side; `blocs`,
    when given, is `blocs_of` the same power, alive, membership and pact (the model caches it)."""
    b = blocs if blocs is not None else blocs_of(power, alive, membership, pact, params)
    p, labels, bloc_power, bloc_pact, pred = b.power, b.labels, b.bloc_power, b.bloc_pact, b.predominance
    everyone = len(rows) == len(p) and bool((rows[1:] > rows[:-1]).all())  # all states, in order
    weighted = b.weighted(reach if everyone else reach[rows])  # (the gather copies reach once anyway)
    a = params["power_exponent"]

    r = np.arange(len(rows))
    own = labels[rows]
    p_own, p_i = bloc_power[own], p[rows]
    if b.pact_total > 0:
        own_side = p_own[:, None] + np.maximum(b.pact_out[own][:, None] - bloc_pact[None, :], 0.0)
        alone_side = p_i[:, None] + np.maximum(b.pact_total - b.pact[rows][:, None] - bloc_pact, 0.0)
        partner_side = p_i + b.pact_out[own]
    else:  # no collective pact: each side is what the state or its bloc brings (x + 0 is x)
        own_side, alone_side, partner_side = p_own[:, None], p_i[:, None], p_i
    tied = None if ties is None else ties if everyone else ties[rows]
    if tied is not None and tied.any():
        # expected aid of partners, Σ_k w_ik·p_k, from those outside its own bloc and outside B
        aid_in = b.weighted(tied)  # (R, K) Σ_{k∈B} w_ik·p_k
        aid_out = aid_in.sum(axis=1) - aid_in[r, own]
        own_side = own_side + aid_out[:, None] - aid_in
        alone_side = alone_side + aid_out[:, None] - aid_in
        partner_side = partner_side + aid_out
    bloc_threat = net_threat(weighted, bloc_power, own_side, a)
    bloc_threat += pred
    alone_threat = net_threat(weighted, bloc_power, alone_side, a)
    alone_threat += pred
    # the partners: the rest of the own alliance (power P_O − p_i), as if i stood alone against them
    # (with the pact and any tied partners outside its alliance on its side)
    rest = p_own - p_i
    rest_share = rest / b.total if b.total > 0 else np.zeros(len(rows))
    partners = net_threat(weighted[r, own], rest, partner_side, a)
    rest_pred = predominance_of(rest_share, params)
    partner_threat = np.where(rest > 0, partners + rest_pred, 0.0)
    bloc_threat[r, own] = partner_threat
    alone_threat[r, own] = partner_threat

    outside = np.where(bloc_power > 0, bloc_threat, -np.inf)
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
        leader=b.leader,
        is_alliance=b.is_alliance,
        predominance=pred,
        pact=b.pact,
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
        blocs=b,
    )
