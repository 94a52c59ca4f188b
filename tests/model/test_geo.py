"""Capitals and great-circle distances."""

import numpy as np
import pytest

from model.scenarios import geo


def test_astana_moscow_and_astana_washington():
    places = np.array([geo.capital(c, 2016)[1:] for c in (705, 365, 2)])
    d = geo.haversine(places)
    assert geo.capital(705, 2016)[0] == "Astana"
    assert d[0, 1] == pytest.approx(2272, abs=5)
    assert d[0, 2] == pytest.approx(9541, abs=10)
    np.testing.assert_allclose(d, d.T)
    assert np.all(np.diag(d) == 0)


def test_haversine_quarter_meridian():
    # pole to equator is a quarter of a great circle: pi/2 * 6371 km
    d = geo.haversine(np.array([[90.0, 0.0], [0.0, 45.0]]))
    assert d[0, 1] == pytest.approx(np.pi / 2 * 6371)


def test_capitals_follow_the_year_and_the_explicit_mapping():
    assert geo.capital(705, 1995)[0] == "Almaty"
    assert geo.capital(365, 1914)[0] == "Saint Petersburg"
    assert geo.capital(365, 1918)[0] == "Moscow"
    assert geo.capital(640, 1914)[0] == "Constantinople"
    assert geo.capital(300, 1914)[0] == "Vienna"  # Austria-Hungary through capitals.csv's Austria
    assert geo.capital(2, 1816)[0] == "Washington"  # "United States of America" vs "United States"


def test_every_state_of_every_nmc_year_has_a_capital():
    from model.scenarios import nmc

    years = nmc.table()[["ccode", "year"]]
    ends = [years.drop_duplicates("ccode", keep=k) for k in ("first", "last")]
    for ccode, year in (row for end in ends for row in end.itertuples(index=False)):
        _, lat, lon = geo.capital(int(ccode), int(year))
        assert -90 <= lat <= 90 and -180 <= lon <= 180
