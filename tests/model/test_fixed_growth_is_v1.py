"""growth_process=fixed with arming off reproduces v1 (main before the growth process) exactly.

The numbers were recorded from main's code (commit c2a2504) for seed 7, 60 steps, before any change.
"""

import numpy as np
import pytest

from model import BalanceOfPowerModel

V1 = {
    "random10_war": (
        {"n_states": 10, "war": True},
        {
            "s_max": [
                0.1802103189,
                0.1907417671,
                0.2153303308,
                0.2643626827,
                0.3200507455,
                0.3683070709,
                0.4184884574,
            ],
            "b_max": [
                0.1802103189,
                0.23480301,
                0.2179776891,
                0.2643626827,
                0.3200507455,
                0.3683070709,
                0.4184884574,
            ],
            "hhi": [
                0.1324217482,
                0.1399190062,
                0.1432772945,
                0.1572825369,
                0.1791058915,
                0.2024075875,
                0.2280730906,
            ],
            "events": 6,
            "wars": 4,
            "power": [
                0.217954703,
                0.9813390322,
                0.538908515,
                2.77960961,
                8.823024937,
                1.696467673,
                0.2628234582,
                1.619434008,
                1.715978772,
                2.447537644,
            ],
        },
    ),
    "eurasia_war": (
        {"scenario": "eurasia-2016", "war": True},
        {
            "s_max": [
                0.3725948455,
                0.4544410673,
                0.5327934431,
                0.6036699827,
                0.7484922769,
                0.7884513617,
                0.8210204404,
            ],
            "b_max": [
                0.3725948455,
                0.4544410673,
                0.5327934431,
                0.6036699827,
                0.7484922769,
                0.7884513617,
                0.8210204404,
            ],
            "hhi": [
                0.2145377503,
                0.2639746243,
                0.3275629487,
                0.398092089,
                0.5753180141,
                0.6330594603,
                0.6828229494,
            ],
            "events": 33,
            "wars": 1,
            "power": [
                0.05409920308,
                1.934482192,
                0.0312232097,
                0.1988577068,
                0.0,
                0.0,
                0.0,
                0.002470962468,
                0.002546755579,
                0.0,
                0.0,
                0.001584484393,
                0.0007478382961,
                0.05361298929,
                0.01286821829,
                0.03618154057,
                0.02751738492,
                0.0,
            ],
        },
    ),
}


@pytest.mark.parametrize("case", sorted(V1))
def test_fixed_growth_without_arming_gives_the_v1_run(case):
    params, expected = V1[case]
    m = BalanceOfPowerModel(rng=7, growth_process="fixed", arming=False, check_invariants=True, **params)
    for _ in range(60):
        m.step()
    frame = m.model_frame()
    for column in ("s_max", "b_max", "hhi"):
        np.testing.assert_allclose(frame[column].to_numpy()[::10], expected[column], rtol=1e-9, atol=0)
    assert len(m.events_frame()) == expected["events"]
    assert int(frame["wars"].sum()) == expected["wars"]
    np.testing.assert_allclose(m.power, expected["power"], rtol=1e-9, atol=1e-15)
