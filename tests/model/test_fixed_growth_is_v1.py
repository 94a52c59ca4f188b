"""growth_process=fixed with arming off gives v1's power trajectories exactly.

The numbers were recorded from v1's code (commit c2a2504) for seed 7, 60 steps, war off. With war off
and no arming, power follows growth alone (p_i ← p_i · exp(g_i)), whatever the alignment rules do, so
these runs must match v1 to rounding even though the threat and alignment rules changed since (issue
13); with war on, alignments decide who fights, and v1's war runs are not reproducible by design.
"""

import numpy as np
import pytest

from model import BalanceOfPowerModel

V1 = {
    "random10": (
        {"n_states": 10},
        {
            "s_max": [
                0.1802103189, 0.1820432644, 0.205017915, 0.2295039139,
                0.2553177352, 0.2822281276, 0.3099641091,
            ],
            "hhi": [
                0.1324217482, 0.1339831826, 0.1372112359, 0.1423734786,
                0.1496969584, 0.159345861, 0.1714021481,
            ],
            "power": [
                0.2101746353, 1.970440069, 0.519671744, 2.68038922, 7.339643417,
                1.696467673, 0.2628234582, 3.293467709, 2.228522467, 3.477410182,
            ],
        },
    ),
    "eurasia": (
        {"scenario": "eurasia-2016"},
        {
            "s_max": [
                0.3725948455, 0.4544410673, 0.5327934431, 0.6036699827,
                0.6650490313, 0.7166169046, 0.7591474942,
            ],
            "hhi": [
                0.2145377503, 0.2639746243, 0.3275629487, 0.398092089,
                0.468635063, 0.534359791, 0.5928215113,
            ],
            "power": [
                0.07822507267, 1.82459508, 0.0312232097, 0.287539514, 0.01350493614, 0.004431280602,
                0.003585055426, 0.003572903252, 0.002546755579, 0.00324317536, 0.009738978404,
                0.001584484393, 0.0007478382961, 0.05361298929, 0.01860687872, 0.03618154057,
                0.02751738492, 0.003021948686,
            ],
        },
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(V1))
def test_fixed_growth_without_arming_gives_v1s_powers(case):
    params, expected = V1[case]
    m = BalanceOfPowerModel(rng=7, growth_process="fixed", arming=False, check_invariants=True, **params)
    for _ in range(60):
        m.step()
    frame = m.model_frame()
    for column in ("s_max", "hhi"):
        np.testing.assert_allclose(frame[column].to_numpy()[::10], expected[column], rtol=1e-9, atol=0)
    np.testing.assert_allclose(m.power, expected["power"], rtol=1e-9, atol=1e-15)
