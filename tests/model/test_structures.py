"""World structures: the great powers' capability redistributed among poles, everyone else as in the data."""

from pathlib import Path

import numpy as np
import pytest

from model import BalanceOfPowerModel
from model.params import ParameterError, validate
from model.scenarios import get_scenario
from model.scenarios.spec import ScenarioError
from model.scenarios.structure import restructure

GREAT = ["China", "USA", "India", "Russia", "Japan"]
# The shares of the great powers' capability G each structure gives, as docs/scenarios.md and the
# comments of eurasia-2016.toml state them (China, USA, India, Russia, Japan).
STATED = {
    "data": [0.444, 0.256, 0.167, 0.070, 0.063],
    "unipolar": [0.268, 0.550, 0.101, 0.042, 0.038],
    "bipolar": [0.400, 0.400, 0.111, 0.047, 0.042],
    "tripolar": [0.300, 0.300, 0.072, 0.300, 0.028],
    "multipolar": [0.200, 0.200, 0.200, 0.200, 0.200],
}


def test_restructure_by_hand():
    # great powers 4, 3, 2, 1 (G = 10) and a minor state 1; pole: the second, share 0.55.
    # pole: 0.55·10 = 5.5; the others share 4.5 as 4:2:1, i.e. 4.5·4/7 = 2.5714, 4.5·2/7 = 1.2857,
    # 4.5/7 = 0.6429; the minor state keeps 1 (so its share of all, 1/11, is unchanged)
    out = restructure(np.array([4.0, 3.0, 2.0, 1.0, 1.0]), [0, 1, 2, 3], [1], 0.55)
    np.testing.assert_allclose(out, [18 / 7, 5.5, 9 / 7, 4.5 / 7, 1.0])
    # two poles of 0.8·10 = 8, 4 each; the others 2 as 2:1 -> 4/3, 2/3
    out = restructure(np.array([4.0, 3.0, 2.0, 1.0, 1.0]), [0, 1, 2, 3], [0, 1], 0.8)
    np.testing.assert_allclose(out, [4.0, 4.0, 4 / 3, 2 / 3, 1.0])
    # every great power a pole, share 1: 10/4 = 2.5 each
    out = restructure(np.array([4.0, 3.0, 2.0, 1.0, 1.0]), [0, 1, 2, 3], [0, 1, 2, 3], 1.0)
    np.testing.assert_allclose(out, [2.5, 2.5, 2.5, 2.5, 1.0])


def world(structure: str):
    scenario = get_scenario("eurasia-2016")
    params = validate({"scenario": "eurasia-2016", "structure": structure}, extra=scenario.params)
    return scenario.build(params, np.random.default_rng(0))


@pytest.mark.parametrize("structure", list(STATED))
def test_each_structure_gives_the_stated_shares_and_keeps_every_other_state_as_in_the_data(structure):
    data, built = world("data"), world(structure)
    great = [built.names.index(g) for g in GREAT]
    others = [k for k in range(len(built.names)) if k not in great]
    share_of_g = built.power[great] / built.power[great].sum()
    np.testing.assert_allclose(share_of_g, STATED[structure], atol=5e-4)
    # G (0.840 of all) is kept, so every other state's share of all capability is the data's
    assert built.power[great].sum() == pytest.approx(data.power[great].sum())
    np.testing.assert_allclose(built.power[others], data.power[others])
    assert built.power.sum() == pytest.approx(1.0)
    # growth, positions, revisionism, strategies and alliances are the data's
    np.testing.assert_array_equal(built.growth, data.growth)
    np.testing.assert_array_equal(built.position, data.position)
    np.testing.assert_array_equal(built.revisionism, data.revisionism)
    assert built.strategy == data.strategy and built.alliances == data.alliances


def test_the_structures_meet_their_definitions():
    share = {s: dict(zip(GREAT, STATED[s], strict=True)) for s in STATED}
    assert share["unipolar"]["USA"] >= 0.5  # one pole with at least half of G
    assert share["bipolar"]["USA"] == share["bipolar"]["China"]  # two comparable poles
    assert len({share["tripolar"][k] for k in ("USA", "China", "Russia")}) == 1
    assert len(set(share["multipolar"].values())) == 1 and len(share["multipolar"]) >= 4
    for name, poles in (
        ("unipolar", ["USA"]),
        ("bipolar", ["USA", "China"]),
        ("tripolar", ["USA", "China", "Russia"]),
    ):
        pole = share[name][poles[0]]
        assert all(v < pole / 2 for k, v in share[name].items() if k not in poles), name


def test_the_model_starts_from_the_structure_and_reverts_to_it():
    m = BalanceOfPowerModel(rng=1, scenario="eurasia-2016", structure="bipolar", arming=False)
    usa, china = m.names.index("USA"), m.names.index("China")
    assert m.power[usa] == pytest.approx(m.power[china])
    # each state's long-run level (the OU anchor) is its own start level: the structure persists
    assert m.anchor[usa] == pytest.approx(m.anchor[china])


def test_structure_is_a_checked_scenario_parameter():
    with pytest.raises(ParameterError, match="'structure' must be one of data, unipolar, bipolar"):
        BalanceOfPowerModel(rng=0, scenario="eurasia-2016", structure="quadripolar")
    with pytest.raises(ParameterError, match="unknown parameter 'structure'"):
        BalanceOfPowerModel(rng=0, scenario="europe-1914", structure="bipolar")


STATES = """
[[states]]
name = "A"
power = 3
lat = 0.0
lon = 0.0
[[states]]
name = "B"
power = 2
lat = 0.0
lon = 10.0
[[states]]
name = "C"
power = 1
lat = 10.0
lon = 0.0
"""


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('great_powers = ["A", "Z"]\nx = { poles = ["A"], share = 0.6 }', "field 'great_powers' must list"),
        ('great_powers = ["A"]\nx = { poles = ["A"], share = 0.6 }', "two or more different state names"),
        ('great_powers = ["A", "B"]\nx = { poles = ["C"], share = 0.6 }', "field 'poles' must list"),
        ('great_powers = ["A", "B"]\nx = { poles = ["A"], share = 1.0 }', "1 exactly when every great power"),
        ('great_powers = ["A", "B"]\nx = { poles = ["A", "B"], share = 0.5 }', "1 exactly when every"),
        ('great_powers = ["A", "B"]\nx = { poles = ["A"], share = 1.5 }', "from 0 to 1, got 1.5"),
        ('great_powers = ["A", "B"]\ndata = { poles = ["A"], share = 0.6 }', "other than 'data'"),
        ('great_powers = ["A", "B"]\nx = { poles = ["A"], shares = 0.6 }', "'shares' is not a known field"),
        ('great_powers = ["A", "B"]', "names no structure"),
    ],
)
def test_a_bad_structures_table_is_one_line_naming_the_field(tmp_path: Path, table, message):
    path = tmp_path / "s.toml"
    path.write_text(f"[structures]\n{table}\n{STATES}")
    with pytest.raises(ScenarioError, match=message):
        get_scenario(str(path))


def test_a_file_of_ones_own_can_declare_structures(tmp_path: Path):
    path = tmp_path / "s.toml"
    path.write_text(
        f'[structures]\ngreat_powers = ["A", "B"]\neven = {{ poles = ["A", "B"], share = 1.0 }}\n{STATES}'
    )
    m = BalanceOfPowerModel(rng=0, scenario=str(path), structure="even", arming=False)
    # A and B (3 + 2 = 5 of 6) share 5/6 equally, C keeps 1/6
    np.testing.assert_allclose(m.power, [5 / 12, 5 / 12, 1 / 6])
