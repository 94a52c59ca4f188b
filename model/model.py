"""BalanceOfPowerModel: states grow, perceive threats, realign, and the system is measured each year."""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np
import pandas as pd
from mesa import DataCollector

from agents.alliances import EVENT_COLUMNS, UNALIGNED, Alignments
from agents.rules import REGISTRY
from agents.situation import Blocs, Situation, blocs_of, perceive
from agents.state import State
from agents.strategy import STAY, defender_names, tie_names
from model import invariants, metrics, power
from model.conflict import DYAD_COLUMNS, WAR_COLUMNS, WAR_OUTCOMES, Conflict, WarYear
from model.equilibrium import ConvergenceTracker
from model.params import validate
from model.scenarios import World, get_scenario
from model.threat import distance_decay, perception_noise, reach_matrix

MEASURES = (
    "s_max",
    "b_max",
    "hhi",
    "n_eff",
    "n_eff_blocs",
    "con",
    "con_initial",
    "hegemony_single",
    "hegemony_coalition",
    "polarity",
    "churn",
    "states_alive",
    "essential_alive",
    "alliances",
    "alliance_events",
    "wars",
    "war_power",
    "eliminated",
    "felt_threat",
    "equilibrium",
    "equilibrium_since",
)


class BalanceOfPowerModel(mesa.Model):
    """States pursuing security by balancing, bandwagoning, buck-passing or hedging.

    One step is one year: arm and grow (`model.power`), perceive threats, realign (each state by its
    rule, in random order), keep up alliances (defection, dissolution), with war=true hold crises and
    wars (`model.conflict`), then measure the system and judge convergence. `power` is military
    capability, what threat, war and the measures read; `economy` is the base that grows.
    Parameters are the names in `model.params.PARAMS` (plus any the scenario adds); `world` replaces
    the scenario with a hand-built World.
    """

    def __init__(
        self,
        rng: int | np.random.Generator | None = None,
        world: World | None = None,
        **params: Any,
    ) -> None:
        scenario = get_scenario(params.get("scenario", "random"))
        self.params = validate(params, extra=scenario.params)
        super().__init__(rng=rng)
        world = world if world is not None else scenario.build(self.params, self.rng)
        p = self.params

        self.names = list(world.names)
        self.n = len(self.names)
        self.power = world.power.copy()  # military capability: p = economy · (1 + arming)
        self.growth = world.growth.copy()  # fixed rate or drift g_i (ODD §7.1)
        self.reversion = p["growth_reversion"] if world.reversion is None else world.reversion
        self.volatility = p["growth_volatility"] if world.volatility is None else world.volatility
        self.position = world.position.copy()
        self.revisionism = world.revisionism.copy()
        self.strategy = np.array(world.strategy, dtype=object)
        self.distance = world.distance
        self.alive = np.ones(self.n, dtype=bool)
        self.units = world.units  # "plane" (x, y) or "km" (positions are lat, lon)
        self.decay = distance_decay(self.distance, p["distance_scale"] or world.distance_scale)
        unknown = set(world.strategy) - set(REGISTRY)
        if unknown:
            raise ValueError(f"unknown strategy {sorted(unknown)[0]!r}; strategies: {', '.join(REGISTRY)}")

        self.states: list[State] = list(
            State.create_agents(self, self.n, index=list(range(self.n)), name=self.names)
        )
        self.alignments = Alignments(self.n, self.names)
        for founders in world.alliances:
            self.alignments.form(list(founders), 0, "initial")
        self.conflict = Conflict(self) if p["war"] else None
        self._blocs: Blocs | None = None  # the bloc structure, cached (`blocs`)
        self._blocs_key: tuple[bytes, ...] = ()
        self._views: dict[bool, tuple[Any, ...]] = {}  # the last view of many states, and what it read
        self.ties = np.zeros((self.n, self.n))  # ties[i, k]: i's partnership tie to k (hedgers; ODD §7.4)
        self.tie_log: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
        self.reach = self._perceive_reach()
        # Initial effort: what the initial threats call for (burden shares from initial power), so a
        # real world's data powers are its military capabilities at the start.
        self.economy = self.power.copy()
        self.arming = self._arming_target() if p["arming"] else np.zeros(self.n)
        self.economy = self.power / (1 + self.arming)
        log_economy = np.log(self.economy)
        self.anchor = log_economy - log_economy.mean() if world.anchored else np.zeros(self.n)
        self.log_growth = np.zeros(self.n)  # this step's Δ log economy

        self.tracker = ConvergenceTracker(
            p["convergence_window"],
            hegemony_share=p["hegemony_share"],
            trend_tolerance=p["trend_tolerance"],
            trend_alpha=p["trend_alpha"],
            dynamic_band=p["dynamic_band"],
            essential_share=p["essential_share"],
        )
        self.wars_total = 0
        self.war_year = WarYear()  # this step's crises, wars and their tally (empty with war off)
        self._events_seen = 0
        self._last_membership = self.alignments.membership.copy()
        self.datacollector = DataCollector(
            model_reporters={k: (lambda m, k=k: m.metrics[k]) for k in MEASURES},
            tables={"wars": list(WAR_COLUMNS)},
        )
        # Per-state history as arrays: DataCollector's agent reporters cost ~1 ms a step at N=200.
        self.state_history: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.felt_threat_history: list[np.ndarray] = []  # each state's felt threat, per step
        self.felt_threat_now = np.zeros(self.n)  # each state's felt threat at the last measure
        # each state's felt threat summed over the steps it was alive, and those steps (for `security`)
        self.felt_threat_total = np.zeros(self.n)
        self.steps_alive = np.zeros(self.n, dtype=np.int64)
        self.measure()
        self.states_initial = self.n
        self.essential_initial = self.metrics["essential_alive"]
        start_share = self.power / self.power.sum()
        self.essential_at_start = np.flatnonzero(metrics.essential(start_share, p["essential_share"]))
        self.collect()
        self.event_replay = invariants.EventReplay(self.n)
        self.check_invariants()

    # --- one year -----------------------------------------------------------------------------
    def step(self) -> None:
        """Arm and grow, perceive, realign, keep up alliances, crises and wars (if on), measure."""
        self.power_at_start = self.power.copy()
        self.economy_at_start = self.economy.copy()
        self.grow()
        self.reach = self._perceive_reach()
        self.realign()
        self.upkeep()
        self.update_ties()
        if self.conflict is not None:
            self.war_year = self.conflict.step()
            self.wars_total += self.war_year.wars
            for record in self.war_year.records:
                self.datacollector.add_table_row("wars", record)
            self._economy_follows_power()
        self.measure()
        self.collect()
        self.check_invariants()
        if self.metrics["states_alive"] <= 1:
            self.running = False
        elif self.params["stop_on_convergence"] and self.tracker.label != "not_converged":
            self.running = False

    def grow(self) -> None:
        """Arm, then grow (ODD §7.1): effort moves toward the target the felt threat sets;
        log economy grows by the process (fixed rate, or OU with one shock per state), less
        arming_cost · effort; power = economy · (1 + effort). Only ratios of power matter, so when
        the total drifts far from 1 everything is rescaled by one common factor."""
        p, alive = self.params, self.alive
        if p["arming"]:
            self.arming[alive] = power.arming_update(
                self.arming[alive], self._arming_target()[alive], p["arming_rate"]
            )
        if p["growth_process"] == "fixed":
            step = self.growth.copy()
        else:
            shocks = self.rng.standard_normal(self.n) if self.volatility > 0 else None
            log_economy = np.log(np.where(alive, self.economy, 1.0))
            step = power.log_increment(
                log_economy, alive, self.growth, self.reversion, self.volatility, shocks, self.anchor
            )
        if p["arming"]:
            step = step - p["arming_cost"] * self.arming
        self.log_growth = np.where(alive, step, 0.0)
        self.economy[alive] *= np.exp(step[alive])
        self.power[alive] = self.economy[alive] * (1 + self.arming[alive])
        total = self.power.sum()
        if not 1e-100 < total < 1e100:
            # the accounting invariant compares in the same units
            for values in (self.power, self.economy, self.power_at_start, self.economy_at_start):
                values /= total

    def _arming_target(self) -> np.ndarray:
        """Each living state's target effort a* from its felt threat and burden share (ODD §7.1),
        on the situation as it stands: this year's memberships, the threat last perceived."""
        rows = np.flatnonzero(self.alive)
        situation = self.perceive(rows)
        share = np.ones(len(rows))
        if self.params["burden_sharing"]:
            share = power.burden_share(self.economy[rows], self.alignments.membership[rows], situation.main)
        target = np.zeros(self.n)
        target[rows] = power.arming_target(power.felt_threat(situation), share, self.params["arming_max"])
        return target

    def _economy_follows_power(self) -> None:
        """War moves power (costs, reparations, tribute, absorption); the economy moves with it,
        e = p / (1 + a), and the dead have none."""
        self.economy = np.where(self.alive, self.power / (1 + self.arming), 0.0)

    def _perceive_reach(self) -> np.ndarray:
        """This step's reach matrix (docs/ODD.md §7.2): distance decay, intent, fresh perception noise,
        with war on hostility, and the trust partnership ties put in a partner (last year's ties);
        `reach_untrusted` keeps it without the trust, for choosing ties."""
        noise = perception_noise(self.rng, self.n, self.params["perception_noise"])
        reach = reach_matrix(
            self.alive,
            self.decay,
            self.revisionism,
            revisionism_weight=self.params["revisionism_weight"],
            noise=noise,
        )
        self.reach_untrusted = reach if self.conflict is None else self.conflict.embitter(reach)
        if not self.ties.any():
            return self.reach_untrusted
        return self.reach_untrusted * (1.0 - self.params["tie_trust"] * self.ties)

    def perceive(self, rows: np.ndarray, untrusted: bool = False) -> Situation:
        """The situation as the states in `rows` see it now; `untrusted`: on the reach without the trust
        ties put in partners, and with no tied aid (what hedgers weigh when choosing ties).

        A view of many states is kept while nothing it reads has changed (the bloc structure, the reach,
        the rows' ties): a request for any of its states is then its rows, the same numbers a fresh
        build gives. So the movers of a year read the view realignment built until the first of them
        moves, and the year's last measure is the next year's arming target."""
        reach = self.reach_untrusted if untrusted else self.reach
        blocs = self.blocs()
        kept = self._views.get(untrusted)
        if kept is not None and kept[1] is reach and kept[2] is blocs:
            view_rows, _, _, view_ties, view, position = kept
            at = position[rows]
            if (at >= 0).all() and (untrusted or view_ties[rows].tobytes() == self.ties[rows].tobytes()):
                if len(rows) == len(view_rows) and np.array_equal(rows, view_rows):
                    return view
                return view.only(at)
        view = perceive(
            rows,
            power=self.power,
            alive=self.alive,
            membership=self.alignments.membership,
            reach=reach,
            revisionism=self.revisionism,
            strategy=self.strategy,
            distance=self.distance,
            params=self.params,
            ties=None if untrusted else self.ties,
            blocs=blocs,
        )
        if len(rows) > 8:
            position = np.full(self.n, -1)
            position[rows] = np.arange(len(rows))
            ties = self.ties if untrusted else self.ties.copy()
            self._views[untrusted] = (rows.copy(), reach, blocs, ties, view, position)
        return view

    def blocs(self) -> Blocs:
        """The bloc structure now (`agents.situation.blocs_of`), rebuilt only when power, life or a
        membership has changed since it was last built: most perceptions in a step share one. The arrays
        are compared byte for byte (cheaper than array_equal's checks; a changed bit rebuilds)."""
        key = (self.power.tobytes(), self.alive.tobytes(), self.alignments.membership.tobytes())
        if self._blocs is None or key != self._blocs_key:
            pact = np.isin(self.strategy, defender_names())
            membership = self.alignments.membership
            self._blocs = blocs_of(self.power, self.alive, membership, pact, self.params)
            self._blocs_key = key
        return self._blocs

    def update_ties(self) -> None:
        """Each unaligned living state whose strategy holds ties (hedging) chooses them afresh on the
        world as realignment left it, weighed without ties (docs/ODD.md §7.4); in an exclusive bloc it
        holds none. Ties act from next year's perception on (trust), and in this year's crises (aid)."""
        holders = np.isin(self.strategy, tie_names()) & self.alive
        if not holders.any() and not self.ties.any():
            return
        self.ties[:] = 0.0
        rows = np.flatnonzero(holders & (self.alignments.membership == UNALIGNED))
        if len(rows):
            base = self.perceive(rows, untrusted=True)
            for name in tie_names():
                mask = self.strategy[rows] == name
                rule = REGISTRY[name].ties
                if mask.any() and rule is not None:
                    self.ties[rows[mask]] = rule(base.only(mask))
        i, k = np.nonzero(self.ties)
        self.tie_log.append((self.steps, i, k, self.ties[i, k]))

    def realign(self) -> None:
        """Every rule runs once over all its states to find who wants to move; those states then
        re-decide one at a time, in random order, on the world as earlier movers left it."""
        rows = np.flatnonzero(self.alive)
        situation = self.perceive(rows)
        wants = np.zeros(len(rows), dtype=bool)
        for name, strategy in REGISTRY.items():
            mask = self.strategy[rows] == name
            if mask.any():
                wants[mask] = strategy.align(situation.only(mask)).target != STAY
        movers = [self.states[i] for i in rows[wants]]
        if movers:
            mesa.agent.AgentSet(movers, random=self.random).shuffle_do("reconsider")

    def upkeep(self) -> None:
        """Defection with probability `defection_rate`; dissolution once no member feels a threat."""
        membership = self.alignments.membership
        draws = self.rng.random(self.n)
        defectors = (draws < self.params["defection_rate"]) & (membership != UNALIGNED)
        for i in np.flatnonzero(defectors & self.alive):
            self.alignments.leave(int(i), self.steps, "defection")
        members = np.flatnonzero(membership != UNALIGNED)
        if len(members) == 0:
            return
        situation = self.perceive(members)
        # the greatest threat any member would feel standing alone, from outside or from a partner (the
        # threat the alliance answers; a bandwagon alliance is held together by its own leader's threat)
        felt = np.maximum(situation.tau_alone, situation.partner_threat)
        ids = membership[members]  # each alliance's worst, by one sort of its members (max is exact)
        order = np.argsort(ids, kind="stable")
        starts = np.flatnonzero(np.r_[True, ids[order][1:] != ids[order][:-1]])
        worst = dict(zip(ids[order][starts].tolist(), np.maximum.reduceat(felt[order], starts), strict=True))
        for alliance in list(self.alignments.alliances.values()):
            if worst[alliance.id] < self.params["threat_exit"]:
                self.alignments.dissolve(alliance.id, self.steps, "threat_receded")

    def check_invariants(self) -> None:
        """Raise InvariantError if the model is in an impossible state (when switched on)."""
        if self.params["check_invariants"]:
            invariants.check(self)

    # --- measures -----------------------------------------------------------------------------
    def felt_threat(self) -> np.ndarray:
        """Each state's greatest felt threat now: the situation's `tau` (docs/ODD.md §7.2, §7.7), 0 for
        the dead. Read through `perceive`, so a change to what a state feels changes this measure too."""
        felt = np.zeros(self.n)
        rows = np.flatnonzero(self.alive)
        felt[rows] = self.perceive(rows).tau
        return felt

    def measure(self) -> None:
        """Compute this step's measures (docs/ODD.md §7.7) and update the convergence tracker."""
        p = self.params
        membership = self.alignments.membership
        share = metrics.shares(self.power[self.alive])
        share_all = np.zeros(self.n)  # every state's share, 0 for the dead (for the tracker)
        share_all[self.alive] = share
        blocs = metrics.bloc_shares(share, membership[self.alive])
        single, coalition = metrics.hegemony(share, blocs, p["hegemony_share"])
        felt = self.felt_threat()
        self.felt_threat_total += felt
        self.steps_alive += self.alive
        self.felt_threat_now = felt
        events = self.alignments.changes - self._events_seen  # membership changes, not refused offers
        self._events_seen = self.alignments.changes
        values: dict[str, Any] = {
            "s_max": float(share.max()),
            "b_max": float(blocs.max()),
            "hhi": metrics.hhi(share),
            "n_eff": metrics.n_eff(share),
            "n_eff_blocs": metrics.n_eff(blocs),
            "con": metrics.con(share),
            "con_initial": metrics.con(share, self.n),
            "hegemony_single": single,
            "hegemony_coalition": coalition,
            "polarity": metrics.polarity(blocs, p["polarity_threshold"]),
            # memberships change only through events, so a quiet step has no churn
            "churn": metrics.churn(self._last_membership, membership) if events else 0.0,
            "states_alive": int(self.alive.sum()),
            "essential_alive": int(np.sum(metrics.essential(share, p["essential_share"]))),
            "alliances": len(self.alignments.alliances),
            "alliance_events": events,
            "wars": self.war_year.wars,
            "war_power": self.war_year.war_power,
            "eliminated": self.war_year.eliminated,
            "felt_threat": float(felt[self.alive].mean()),
        }
        self._last_membership = membership.copy()
        values["equilibrium"] = self.tracker.update(
            self.steps,
            values["con"],
            values["b_max"],
            share_all,
            events,
            values["wars"],
            values["states_alive"],
        )
        # its onset; -1 while not converged (model_frame shows null), so every measure is a number
        values["equilibrium_since"] = -1 if self.tracker.reached_at is None else self.tracker.reached_at
        self.metrics = values

    def collect(self) -> None:
        """Record this step: the measures through the DataCollector, the states as arrays."""
        self.datacollector.collect(self)
        if self.params["record_states"]:
            self.state_history.append(
                (self.power.copy(), self.alignments.membership.copy(), self.alive.copy())
            )
            self.felt_threat_history.append(self.felt_threat_now)

    # --- results ------------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """The run's outcome: the equilibrium known at the last step and its onset (`converged_at`, the
        first step of its first window; docs/ODD.md §7.8), the final measures, and `security`."""
        m = self.metrics
        empire_at = self.tracker.reached_at if self.tracker.label == "universal_empire" else None
        return {
            "equilibrium": self.tracker.label,
            "converged_at": self.tracker.reached_at,
            "steps": self.steps,
            "states_initial": self.states_initial,
            "states_alive": m["states_alive"],
            "essential_initial": self.essential_initial,
            "essential_alive": m["essential_alive"],
            # of the states essential at the start, how many are still alive (Kaplan's question;
            # essential_alive counts whoever is above the line now)
            "essential_survivors": int(self.alive[self.essential_at_start].sum()),
            "alliances": m["alliances"],
            "s_max": m["s_max"],
            "b_max": m["b_max"],
            "hhi": m["hhi"],
            "n_eff": m["n_eff"],
            "n_eff_blocs": m["n_eff_blocs"],
            "con": m["con"],
            "con_initial": m["con_initial"],
            "hegemony_single": m["hegemony_single"],
            "hegemony_coalition": m["hegemony_coalition"],
            "polarity": m["polarity"],
            # mean over the initial states of each one's time-mean felt threat, over the steps it lived
            "security": metrics.mean_of_time_means(self.felt_threat_total, self.steps_alive),
            "wars": self.wars_total,
            "eliminated": self.states_initial - m["states_alive"],
            "universal_empire_at": empire_at,
            "alliance_events": self.alignments.changes,
        }

    def model_frame(self) -> pd.DataFrame:
        """Per-step measures, one row per step (step 0 is the initial world); `equilibrium` is the label
        known at that step and `equilibrium_since` its onset (docs/ODD.md §7.8)."""
        frame = self.datacollector.get_model_vars_dataframe()
        frame.insert(0, "step", np.arange(len(frame)))
        frame["equilibrium_since"] = frame["equilibrium_since"].astype("Int64").replace(-1, pd.NA)
        return frame.reset_index(drop=True)

    def states_frame(self) -> pd.DataFrame:
        """Per-step, per-state power, share, alliance (-1 when unaligned), alive flag and felt threat."""
        if not self.state_history:
            raise ValueError("states were not recorded: run with record_states=true")
        power, alliance, alive = (np.stack(a) for a in zip(*self.state_history, strict=True))
        steps = len(power)
        share = np.where(alive, power, 0.0) / np.where(alive, power, 0.0).sum(axis=1, keepdims=True)
        return pd.DataFrame(
            {
                "step": np.repeat(np.arange(steps), self.n),
                "state": np.tile(np.array(self.names, dtype=object), steps),
                "power": power.ravel(),
                "share": share.ravel(),
                "alliance": alliance.ravel(),
                "alive": alive.ravel(),
                "felt_threat": np.stack(self.felt_threat_history).ravel(),
            }
        )

    def wars_frame(self) -> pd.DataFrame:
        """The war log, one row per crisis (columns in `model.conflict.WAR_COLUMNS`)."""
        frame = self.datacollector.get_table_dataframe("wars").reindex(columns=list(WAR_COLUMNS))
        kinds = {"int": "int64", "float": "float64", "str": object, "list": object}
        return frame.astype({name: kinds[kind] for name, kind in WAR_COLUMNS.items()})

    def dyads_frame(self) -> pd.DataFrame:
        """The dyads log (record_dyads=true; docs/ODD.md §7.6): one row per ordered dyad at risk of a crisis
        per year, with its ratio, trend, reach, hazard and what became of it (`DYAD_COLUMNS`); empty with
        war off."""
        if self.conflict is not None and not self.params["record_dyads"]:
            raise ValueError("dyads were not recorded: run with record_dyads=true")
        log = self.conflict.dyad_log if self.conflict is not None else []
        if log:
            parts = {key: np.concatenate([year[key] for year in log]) for key in log[0]}
        else:
            parts = {"step": np.zeros(0, np.int64), "i": np.zeros(0, np.int32), "j": np.zeros(0, np.int32)}
            parts |= {key: np.zeros(0) for key in ("ratio", "trend", "reach", "hazard")}
            parts["outcome"] = np.zeros(0, dtype=object)
        names = np.array(self.names, dtype=object)
        outcome = parts["outcome"]
        return pd.DataFrame(
            {
                "step": parts["step"],
                "initiator": names[parts["i"]],
                "target": names[parts["j"]],
                "ratio": parts["ratio"],
                "trend": parts["trend"],
                "reach": parts["reach"],
                "hazard": parts["hazard"],
                "crisis": outcome != "",
                "war": np.isin(outcome, WAR_OUTCOMES),
                "outcome": outcome,
            },
            columns=list(DYAD_COLUMNS),
        )

    def ties_frame(self) -> pd.DataFrame:
        """Partnership ties each step (docs/ODD.md §7.4): step, state, partner, tie (> 0 only); empty
        when nobody holds ties."""
        names = np.array(self.names, dtype=object)
        parts = [
            pd.DataFrame({"step": step, "state": names[i], "partner": names[k], "tie": w})
            for step, i, k, w in self.tie_log
        ]
        if not parts:
            return pd.DataFrame({"step": [], "state": [], "partner": [], "tie": []}).astype(
                {"step": "int64", "state": object, "partner": object, "tie": "float64"}
            )
        return pd.concat(parts, ignore_index=True).astype({"step": "int64"})

    def events_frame(self) -> pd.DataFrame:
        """The alliance event log: step, event (formed, joined, left, dissolved, refused), state,
        state_index, alliance, reason, partner (who admitted or refused the state, where one did)."""
        return pd.DataFrame(self.alignments.events, columns=list(EVENT_COLUMNS))
