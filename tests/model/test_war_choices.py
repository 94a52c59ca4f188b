"""Concession, reparations, a punitive peace and restraint's essential status as separate choices
(docs/ODD.md §7.6), each on a hand-built world worked out by hand, and the dyads log."""

import math

import numpy as np
import pandas as pd
import pytest

from model import BalanceOfPowerModel
from tests.worlds import model, world

NO_ALLIANCES = {"hedge_threshold": 10.0, "threat_entry": 10.0, "threat_exit": 5.0}
FLAT = {"hazard_gain": 0.0, "hazard_parity": 0.0, "hazard_trend": 0.0}  # f = 1 everywhere


def duel(**params):
    # A (2, revisionist) and B (1) half a distance scale apart: A opens a crisis against B with q = e^-0.5
    # a year (war_rate 1, f = 1, a = reach); perception exact.
    w = world([2.0, 1.0], [(0, 0), (0.5, 0)], ["hedge", "hedge"], revisionism=[1.0, 0.0])
    settings = {"war": True, "war_rate": 1.0, "war_noise": 0.0, **FLAT, **NO_ALLIANCES}
    return model(w, **{**settings, **params})


def first_crisis(m, years=100):
    for _ in range(years):
        m.step()
        if m.war_year.records:
            return m.war_year.records[0]
    raise AssertionError("no crisis")


def test_the_concession_rule_decides_who_pays_tribute_and_nothing_else():
    # Fighting costs B 2·0.1·2/3 + (1 − 1/3)·0.2 = 0.2667 of its power (expected_loss).
    # Tribute 0.1 < 0.2667: expected_loss pays; never fights. Tribute 0.5 > 0.2667: expected_loss fights;
    # always pays, since B would survive paying (0.5 left ≥ 0.1 · (2 + 0.5) · e^-0.5 = 0.152).
    assert first_crisis(duel(tribute=0.1))["outcome"] == "conceded"
    assert first_crisis(duel(tribute=0.1, concession="never"))["outcome"] != "conceded"
    assert first_crisis(duel(tribute=0.5))["outcome"] != "conceded"
    paid = first_crisis(duel(tribute=0.5, concession="always"))
    assert paid["outcome"] == "conceded" and paid["transfer"] == pytest.approx(0.5)
    # always, but paying 0.9 would leave B 0.1 < 0.1 · 2.9 · e^-0.5 = 0.176: without restraint it fights
    # instead; with restraint (B, a third of all power, is essential) it pays what keeps it essential
    assert first_crisis(duel(tribute=0.9, concession="always", restraint=False))["outcome"] != "conceded"
    assert first_crisis(duel(tribute=0.9, concession="always"))["outcome"] == "conceded"


def test_with_concessions_off_no_tribute_is_ever_paid():
    def run(concession):
        m = BalanceOfPowerModel(
            rng=3, n_states=20, war=True, war_rate=0.5, tribute=0.05, concession=concession
        )
        for _ in range(100):
            m.step()
        return m.wars_frame()

    assert (run("expected_loss")["outcome"] == "conceded").sum() > 5  # a cheap tribute is often paid
    never = run("never")
    assert len(never) > 20 and not (never["outcome"] == "conceded").any()
    crises = never[never["outcome"] == "backed_down"]
    assert (crises["transfer"] == 0).all()


def test_a_punitive_peace_leaves_the_loser_exactly_on_the_survival_line():
    # Costs K = 0.1·2·2·1/3 = 0.133333 a side: A 1.866667, B 0.866667; reach r = e^-0.5 = 0.606531, floor 0.1.
    # A wins: B pays t = (0.866667 − 0.1 · 1.866667 r)/(1 + 0.1 r) = 0.710362 and keeps 0.156305 =
    #   0.1 · 2.577029 · r, the survival line (reparations 0.2 would take 0.173333).
    # B wins: A would pay (1.866667 − 0.1 · 0.866667 r)/(1 + 0.1 r) = 1.710388, above the 0.9 cap: it pays
    #   0.9 · 1.866667 = 1.68 and keeps 0.186667.
    r = math.exp(-0.5)
    m = duel(punitive_peace=True, concession="never", elimination_floor=0.1)
    war = first_crisis(m)
    assert m.alive.all()
    if war["outcome"] == "initiator_won":
        assert m.power == pytest.approx([2.577029, 0.156305], abs=1e-6)
        assert m.power[1] == pytest.approx(0.1 * m.power[0] * r, rel=1e-8)
        assert war["transfer"] == pytest.approx(0.710362, abs=1e-6)
    else:
        assert m.power == pytest.approx([0.186667, 2.546667], abs=1e-6)
        assert war["transfer"] == pytest.approx(1.68)


def hold_world(b_power, **params):
    # A (10, revisionist) and B (status quo) at one place: reach 1, so A's hazard against B is 1 a year.
    # B shrinks by growth (a fixed log rate of −0.1 a year); A never loses (war_chance 0.01: π ≈ 1);
    # B never concedes.
    w = world([10.0, b_power], [(0, 0), (0, 0)], ["hedge", "hedge"], revisionism=[1.0, 0.0])
    w.growth = np.array([0.0, -0.1])
    settings = {"war": True, "war_rate": 1.0, "war_noise": 0.0, "war_chance": 0.01, "concession": "never"}
    return model(w, **{**settings, **FLAT, **NO_ALLIANCES, **params})


def test_restraint_holds_an_actors_essential_status_over_the_year_of_its_war():
    # B starts with 0.55 of 10.55 = 0.0521 ≥ 0.05: essential when the year begins. Growth takes it to
    # 0.55 e^-0.1 = 0.497661, a share 0.0474 < 0.05, before the war phase: by its share then it is no
    # longer essential, but its status was fixed at the year's start and the war cannot absorb it.
    # Costs K = 0.1·2·10·0.497661/10.497661 = 0.094813: B 0.402847 < 0.1 · 9.905187, absorbed if
    # unprotected; protected, it pays nothing (it is below the essential line 0.05 · 10.308035 already).
    m = hold_world(0.55)
    m.step()
    assert m.war_year.wars == 1 and m.wars_frame()["outcome"].iloc[0] == "initiator_won"
    assert m.alive.all() and m.power == pytest.approx([9.905187, 0.402847], abs=1e-6)
    # B now holds 0.402847 / 10.308035 = 0.0391 < (1 − 0.2) · 0.05 = 0.04: its status is gone next year
    m.step()
    assert not m.alive[1]
    # without restraint the first war absorbs it: the protection above is restraint's doing
    off = hold_world(0.55, restraint=False)
    off.step()
    assert not off.alive[1]
    # a B that was not essential at the year's start (0.4 of 10.4 = 0.0385) is absorbed in its first war
    small = hold_world(0.4)
    small.step()
    assert not small.alive[1]


def test_essential_status_is_kept_until_the_share_falls_below_the_hysteresis_line():
    # A (10), B (0.6): B's share 0.0566 ≥ 0.05, essential. Hysteresis 0.2: it stays essential down to 0.04.
    w = world([10.0, 0.6], [(0, 0), (1, 0)], ["hedge", "hedge"])
    m = model(w, war=True)
    conflict = m.conflict
    assert conflict.protected.tolist() == [True, True]
    for b, kept in [(0.45, True), (0.40, False), (0.45, False), (0.53, True)]:
        # shares 0.0431 (kept), 0.0385 (lost), 0.0431 (not regained below 0.05), 0.0503 (regained)
        m.power[1] = b
        conflict.update_protection()
        assert conflict.protected[1] == kept, b
    sharp = model(w, war=True, essential_hysteresis=0.0)
    sharp.power[1] = 0.45
    sharp.conflict.update_protection()
    assert not sharp.conflict.protected[1]


def test_recording_dyads_changes_nothing_in_the_run():
    def run(record):
        m = BalanceOfPowerModel(rng=8, n_states=15, war=True, war_rate=0.4, record_dyads=record)
        for _ in range(60):
            m.step()
        return m

    plain, recorded = run(False), run(True)
    pd.testing.assert_frame_equal(plain.model_frame(), recorded.model_frame())
    pd.testing.assert_frame_equal(plain.wars_frame(), recorded.wars_frame())
    assert plain.rng.bit_generator.state == recorded.rng.bit_generator.state
    with pytest.raises(ValueError, match="record_dyads=true"):
        plain.dyads_frame()
    dyads = recorded.dyads_frame()
    # every ordinary crisis of the war log is one dyad row with crisis = True, and its outcome
    wars = recorded.wars_frame()
    opened = dyads[dyads["crisis"]]
    assert len(opened) == len(wars) > 5
    keys = sorted(zip(opened["step"], opened["initiator"], opened["target"], opened["outcome"], strict=True))
    logged = sorted(zip(wars["step"], wars["initiator"], wars["target"], wars["outcome"], strict=True))
    assert keys == logged
    assert (dyads["hazard"] > 0).all() and (dyads["ratio"] > 0).all()


def test_dyads_below_the_reach_threshold_are_left_out_of_the_log():
    def dyads(min_reach):
        m = BalanceOfPowerModel(rng=8, n_states=15, war=True, record_dyads=True, dyads_min_reach=min_reach)
        for _ in range(5):
            m.step()
        return m.dyads_frame()

    every, near = dyads(0.0), dyads(0.2)
    assert len(near) < len(every) and (near["reach"] >= 0.2).all()
    assert len(near) == (every["reach"] >= 0.2).sum()
