"""Scenario files: validation that names file, state and field; worlds built from them."""

from pathlib import Path

import numpy as np
import pytest

from model import BalanceOfPowerModel
from model.scenarios import SCENARIOS, get_scenario, nmc
from model.scenarios.spec import ScenarioError, load

GOOD = """
name = "triangle"
description = "Three states at explicit points"
distance_scale = 1000

[defaults]
revisionism = 0.2

[params]
threat_entry = 0.25

[parameters.b_strategy]
state = "B"
field = "strategy"

[[states]]
name = "A"
power = 3
lat = 0.0
lon = 0.0
alliance = "AB"

[[states]]
name = "B"
power = 1
lat = 0.0
lon = 10.0
strategy = "hedge"
alliance = "AB"

[[states]]
name = "C"
power = 4
lat = 10.0
lon = 0.0
revisionism = 0.9
growth = 0.01
"""


def write(tmp_path: Path, text: str, name: str = "world.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_hand_written_file_builds_its_world(tmp_path):
    path = write(tmp_path, GOOD)
    m = BalanceOfPowerModel(rng=0, scenario=str(path))
    assert m.names == ["A", "B", "C"]
    np.testing.assert_allclose(m.power, [3 / 8, 1 / 8, 4 / 8])  # renormalised over the states
    np.testing.assert_allclose(m.revisionism, [0.2, 0.2, 0.9])  # [defaults], overridden for C
    assert list(m.strategy) == ["balance", "hedge", "balance"]
    np.testing.assert_allclose(m.growth, [0.0, 0.0, 0.01])
    # 10 degrees of longitude on the equator: 10 * pi/180 * 6371 = 1111.9 km
    assert m.distance[0, 1] == pytest.approx(1111.95, abs=0.01)
    assert m.decay[0, 1] == pytest.approx(np.exp(-1111.95 / 1000), rel=1e-4)
    assert m.params["threat_entry"] == 0.25  # the file's default for a model parameter
    assert sorted(m.alignments.alliance_of(0).members) == [0, 1]


def test_knobs_and_alliance_switch_are_parameters(tmp_path):
    path = str(write(tmp_path, GOOD))
    m = BalanceOfPowerModel(rng=0, scenario=path, b_strategy="bandwagon", initial_alliances=False)
    assert m.strategy[1] == "bandwagon"
    assert not m.alignments.alliances
    m = BalanceOfPowerModel(rng=0, scenario=path, threat_entry=0.4)
    assert m.params["threat_entry"] == 0.4  # the user's setting beats the file's default


@pytest.mark.parametrize(
    ("change", "state", "field"),
    [
        (("lat = 0.0\nlon = 10.0", "lat = 0.0\nlon = 10.0\ncolour = 'red'"), "'B'", "'colour'"),
        (("power = 1\n", ""), "'B'", "'power'"),
        (("lat = 10.0", "lat = 123"), "'C'", "'lat'"),
        (('name = "C"', 'name = "A"'), "'A'", "'name'"),
        (('strategy = "hedge"', 'strategy = "appease"'), "'B'", "'strategy'"),
        (('alliance = "AB"\n\n[[states]]\nname = "B"', '\n[[states]]\nname = "B"'), "'B'", "'alliance'"),
        (("revisionism = 0.9", "revisionism = 1.5"), "'C'", "'revisionism'"),
        (("power = 3", "power = 'lots'"), "'A'", "'power'"),
        (("power = 3", "power = nan"), "'A'", "'power'"),
        (("lat = 10.0", "lat = nan"), "'C'", "'lat'"),
        (("revisionism = 0.9", "revisionism = inf"), "'C'", "'revisionism'"),
    ],
)
def test_bad_state_fields_name_file_state_and_field(tmp_path, change, state, field):
    old, new = change
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1), "bad.toml")
    with pytest.raises(ScenarioError) as err:
        load(path)
    message = str(err.value)
    assert "bad.toml" in message and f"state {state}" in message and f"field {field}" in message, message


def test_bad_sections_name_file_and_field(tmp_path):
    for old, new, words in [
        ("threat_entry = 0.25", "threat_entry = 99", "threat_entry"),
        ("threat_entry = 0.25", "bogus = 1", "'bogus'"),
        ('field = "strategy"', 'field = "power"', "[parameters.b_strategy]: field 'field'"),
        ("distance_scale = 1000", "distance_scale = 1000\nyaer = 2016", "field 'yaer'"),
    ]:
        path = write(tmp_path, GOOD.replace(old, new), "bad.toml")
        with pytest.raises(ScenarioError, match=r"bad\.toml") as err:
            load(path)
        assert words in str(err.value)
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load(write(tmp_path, "name = ", "broken.toml"))


def test_nmc_power_needs_a_cow_code_and_a_year(tmp_path):
    text = GOOD.replace("power = 1\n", 'power = "nmc"\n')
    with pytest.raises(ScenarioError, match="state 'B': field 'cow'"):
        load(write(tmp_path, text))
    with pytest.raises(ScenarioError, match="field 'year' is missing"):
        load(write(tmp_path, text.replace('power = "nmc"\n', 'power = "nmc"\ncow = 705\n')))


def test_builtin_scenarios_are_files_through_the_same_loader():
    assert {"random", "nmc", "eurasia-2016", "europe-1914"} <= set(SCENARIOS)
    eurasia = BalanceOfPowerModel(rng=0, scenario="eurasia-2016")
    assert len(eurasia.names) == 18
    k = eurasia.names.index("Kazakhstan")
    assert eurasia.strategy[k] == "hedge"
    assert eurasia.power.sum() == pytest.approx(1.0)
    # Kazakhstan's CINC (0.0029184562 in the file) over the sum of the 18 states' file values
    table = nmc.table()
    cinc = table[table["year"] == 2016].set_index("stateabb")["cinc"]
    codes = "USA CHN RUS IND JPN GMY UKG FRN KZK UZB TKM TAJ KYR IRN TUR PAK AFG MON".split()
    assert eurasia.power[k] == pytest.approx(cinc["KZK"] / cinc[codes].sum(), abs=1e-6)
    blocs = {frozenset(eurasia.names[i] for i in a.members) for a in eurasia.alignments.alliances.values()}
    assert frozenset({"Russia", "Kyrgyzstan", "Tajikistan"}) in blocs
    assert frozenset({"USA", "Japan", "Germany", "UK", "France", "Turkey"}) in blocs
    europe = BalanceOfPowerModel(rng=0, scenario="europe-1914")
    assert {"UK", "France", "Germany", "Austria-Hungary", "Italy", "Russia"} <= set(europe.names)
    assert europe.alignments.alliances  # Triple Entente and Triple Alliance at the start


def test_kazakhstan_knobs_take_effect():
    m = BalanceOfPowerModel(rng=0, scenario="eurasia-2016", kazakhstan_strategy="balance")
    assert m.strategy[m.names.index("Kazakhstan")] == "balance"
    m = BalanceOfPowerModel(rng=0, scenario="eurasia-2016", kazakhstan_alliance="CSTO")
    csto = m.alignments.alliance_of(m.names.index("Russia"))
    assert {m.names[i] for i in csto.members} == {"Russia", "Kazakhstan", "Kyrgyzstan", "Tajikistan"}


def test_nmc_scenario_any_year_and_states():
    m = BalanceOfPowerModel(rng=0, scenario="nmc", nmc_year=1816, nmc_top_k=5)
    assert m.names[0] == "United Kingdom" and len(m.names) == 5
    m = BalanceOfPowerModel(rng=0, scenario="nmc", nmc_states="USA,RUS,CHN,KZK", power_index="mix")
    assert m.names == ["United States of America", "Russia", "China", "Kazakhstan"]
    assert m.distance[3, 1] == pytest.approx(2272, abs=5)


def test_unknown_scenario_names_what_exists():
    with pytest.raises(ValueError, match="eurasia-2016"):
        get_scenario("atlantis")


def test_the_documented_example_file_runs(tmp_path):
    doc = (Path(__file__).parents[2] / "docs" / "scenarios.md").read_text()
    example = doc.split("```toml\n")[1].split("```")[0]
    path = write(tmp_path, example, "central-asia.toml")
    m = BalanceOfPowerModel(rng=0, scenario=str(path), kazakhstan_strategy="balance")
    assert m.names == ["Russia", "Kazakhstan", "Khiva"] and m.strategy[1] == "balance"
    assert m.distance[0, 1] == pytest.approx(2272, abs=5)
    m.step()
    even = BalanceOfPowerModel(rng=0, scenario=str(path), structure="even", arming=False)
    assert even.power[0] == pytest.approx(even.power[1])  # Russia and Kazakhstan, its two great powers


def test_nmc_growth_is_the_capped_ten_year_trend():
    m = BalanceOfPowerModel(rng=0, scenario="eurasia-2016", growth_process="fixed")  # v1's trend growth
    weights = nmc.index_weights("cinc")
    china, afghanistan = m.names.index("China"), m.names.index("Afghanistan")
    assert m.growth[china] == pytest.approx(nmc.growth_trend(2016, [710], weights)[0])  # +0.026 < cap
    assert nmc.growth_trend(2016, [700], weights)[0] > 0.09  # Afghanistan's trend, capped to 0.03
    assert m.growth[afghanistan] == pytest.approx(0.03)
    frozen = BalanceOfPowerModel(rng=0, scenario="eurasia-2016", growth_process="fixed", nmc_growth_cap=0.0)
    assert np.all(frozen.growth == 0.0)


def test_strategy_overrides_every_state_of_a_real_scenario():
    m = BalanceOfPowerModel(rng=0, scenario="eurasia-2016", strategy="bandwagon")
    assert set(m.strategy) == {"bandwagon"}
    default = BalanceOfPowerModel(rng=0, scenario="eurasia-2016")
    assert len(set(default.strategy)) > 1  # without it, the file's own rules
