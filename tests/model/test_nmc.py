"""The NMC builder: CINC from the six components, COW's missing-value rule, shares, trends."""

import numpy as np
import pytest

from model.params import ParameterError
from model.scenarios import nmc

CINC = nmc.index_weights("cinc")


def file_row(abb: str, year: int):
    t = nmc.table()
    return t[(t["stateabb"] == abb) & (t["year"] == year)].iloc[0]


@pytest.mark.parametrize("abb", ["USA", "CHN", "RUS", "KZK"])
def test_cinc_2016_is_reproduced_from_the_six_components(abb):
    # the file's own cinc column, e.g. USA 0.13305758, is recomputed from milex..upop shares of
    # the totals over all 195 states of 2016
    row = file_row(abb, 2016)
    assert nmc.power_index(2016, CINC)[row["ccode"]] == pytest.approx(row["cinc"], abs=1e-6)


def test_a_missing_component_is_left_out_of_the_mean():
    # Uzbekistan 2016 has milex = -9: its CINC is the mean of its other five shares, not six
    t = nmc.table()
    year = t[t["year"] == 2016]
    uzb = file_row("UZB", 2016)
    assert np.isnan(uzb["milex"])
    five = [uzb[c] / year[c].sum() for c in ("milper", "irst", "pec", "tpop", "upop")]
    index = nmc.power_index(2016, CINC)[704]
    assert index == pytest.approx(sum(five) / 5, rel=1e-12)
    assert index == pytest.approx(uzb["cinc"], abs=1e-6)
    assert index != pytest.approx(sum(five) / 6, rel=1e-3)  # what counting it as 0 would give


def test_milex_index_is_the_expenditure_share_and_missing_milex_has_none():
    t = nmc.table()
    total = t.loc[t["year"] == 2016, "milex"].sum()
    index = nmc.power_index(2016, nmc.index_weights("milex"))
    assert index[2] == pytest.approx(604452000 / total)
    assert np.isnan(index[704])  # Uzbekistan: no milex in 2016


def test_mix_is_a_weighted_mean_of_the_shares():
    t = nmc.table()
    year = t[t["year"] == 2016]
    usa = file_row("USA", 2016)
    s_milex, s_tpop = usa["milex"] / year["milex"].sum(), usa["tpop"] / year["tpop"].sum()
    index = nmc.power_index(2016, nmc.index_weights("mix", "milex:3,tpop:1"))
    assert index[2] == pytest.approx((3 * s_milex + s_tpop) / 4)


def test_shares_are_renormalised_over_the_chosen_states():
    cinc = [file_row(a, 2016)["cinc"] for a in ("USA", "CHN", "RUS", "KZK")]
    shares = nmc.powers(2016, [2, 710, 365, 705], CINC)
    assert shares.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(shares, np.array(cinc) / sum(cinc), rtol=1e-6)


def test_top_k_and_the_1914_great_powers():
    assert nmc.top_k(2016, 2, CINC) == [710, 2]  # China passed the US by CINC in 1995
    top = nmc.top_k(1914, 8, CINC)
    assert set(top) == {2, 255, 200, 365, 710, 220, 300, 740}
    assert top[0] == 2  # USA 0.206, then Germany 0.158


def test_growth_trend_is_the_slope_of_log_cinc_over_ten_years():
    years = np.arange(2006, 2017)
    cinc = [file_row("CHN", int(y))["cinc"] for y in years]
    slope = np.polyfit(years, np.log(cinc), 1)[0]
    assert nmc.growth_trend(2016, [710], CINC)[0] == pytest.approx(slope, abs=1e-6)
    assert nmc.growth_trend(1816, [2], CINC)[0] == 0.0  # no earlier data


def test_bad_years_weights_and_states_are_refused():
    with pytest.raises(ParameterError, match="1816 to 2016"):
        nmc.power_index(1815, CINC)
    with pytest.raises(ParameterError, match="power_weights"):
        nmc.parse_weights("milex:1,gdp:2")
    with pytest.raises(ParameterError, match="704"):
        nmc.powers(2016, [2, 704], nmc.index_weights("milex"))
