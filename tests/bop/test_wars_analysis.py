"""War rates per dyad-year at risk (bop/analysis/wars.py) on a hand-made dyads log."""

import math

import pandas as pd
import pytest

from bop.analysis.intervals import wilson
from bop.analysis.wars import rate_table


def hand_dyads() -> pd.DataFrame:
    # 10 dyad-years at parity (ratio 1), 2 of them wars and 3 crises; 20 at ratio 3, 1 war; none at 0.1.
    ratio = [1.0] * 10 + [3.0] * 20
    war = [True, True] + [False] * 8 + [True] + [False] * 19
    crisis = [True, True, True] + [False] * 7 + [True] + [False] * 19
    trend = [0.03] * 10 + [0.0] * 20
    hazard = [0.3] * 10 + [0.05] * 20
    return pd.DataFrame({"ratio": ratio, "trend": trend, "war": war, "crisis": crisis, "hazard": hazard})


def test_the_war_rate_per_ratio_bin_is_wars_over_dyad_years_at_risk():
    table = rate_table(hand_dyads(), "ratio").set_index("bin")
    parity, above = table.loc["[0.8, 1.25)"], table.loc["[2.0, 4.0)"]
    # parity: 2 wars in 10 dyad-years, rate 0.2, Wilson (0.0567, 0.5098); ratio 3: 1 in 20, 0.05
    assert (parity["dyad_years"], parity["events"], parity["rate"]) == (10, 2, 0.2)
    assert (parity["lo"], parity["hi"]) == pytest.approx(wilson(2, 10))
    assert parity["hazard"] == pytest.approx(0.3)
    assert (above["dyad_years"], above["events"], above["rate"]) == (20, 1, 0.05)
    empty = table.loc["[0.0, 0.25)"]  # no exposure: kept, with no rate
    assert empty["dyad_years"] == 0 and math.isnan(empty["rate"])
    assert table["dyad_years"].sum() == 30


def test_crisis_rates_per_trend_bin_count_crises_not_only_wars():
    table = rate_table(hand_dyads(), "trend", event="crisis").set_index("bin")
    # trend 0.03 falls in [0.02, 0.05): 3 crises in 10; trend 0 in [-0.005, 0.005): 1 in 20
    assert table.loc["[0.02, 0.05)", "events"] == 3 and table.loc["[-0.005, 0.005)", "rate"] == 0.05
    with pytest.raises(ValueError, match="event must be one of crisis, war"):
        rate_table(hand_dyads(), event="peace")
