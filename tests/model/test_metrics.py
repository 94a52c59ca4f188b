"""Equilibrium measures against hand computations."""

import math

import numpy as np
import pytest

from agents.alliances import UNALIGNED as U
from model import metrics


def test_hhi_neff_con_on_known_vectors():
    s = np.array([0.4, 0.3, 0.2, 0.1])
    assert metrics.hhi(s) == pytest.approx(0.30)
    assert metrics.n_eff(s) == pytest.approx(1 / 0.30)
    # CON = sqrt((0.30 - 1/4) / (1 - 1/4)) = sqrt(0.0667)
    assert metrics.con(s) == pytest.approx(math.sqrt(0.05 / 0.75))


def test_con_is_zero_for_equal_shares_and_one_for_a_monopoly():
    assert metrics.con(np.full(5, 0.2)) == pytest.approx(0.0, abs=1e-6)  # sqrt of rounding
    assert metrics.con(np.array([1.0, 0.0, 0.0, 0.0])) == pytest.approx(1.0)
    assert metrics.con(np.array([1.0])) == 1.0
    assert metrics.n_eff(np.full(4, 0.25)) == pytest.approx(4.0)


def test_bloc_shares_b_max_and_polarity():
    s = np.array([0.4, 0.3, 0.2, 0.1])
    blocs = metrics.bloc_shares(s, np.array([7, U, 7, U]))
    assert sorted(blocs) == pytest.approx([0.1, 0.3, 0.6])
    assert blocs.max() == pytest.approx(0.6)
    assert metrics.polarity(blocs, 0.3) == 2
    assert metrics.polarity(blocs, 0.05) == 3
    assert sorted(metrics.bloc_shares(s, np.full(4, U))) == pytest.approx(sorted(s))


def test_shares_sum_to_one():
    assert metrics.shares(np.array([3.0, 1.0])) == pytest.approx([0.75, 0.25])


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ([1, 1, 1, U], [1, 1, U, U], 1 - 1 / 3),  # pairs {01,02,12} -> {01}
        ([1, 1, U, U], [2, 2, U, U], 0.0),  # relabelled, same pair
        ([1, 1, U, U], [U, U, 3, 3], 1.0),  # nothing in common
        ([U, U, U], [U, U, U], 0.0),  # no alliances at all
        ([1, 1, 2, 2], [1, 1, 1, 1], 1 - 2 / 6),  # {01,23} -> all six pairs
    ],
)
def test_churn_is_the_jaccard_distance_of_allied_pairs(before, after, expected):
    assert metrics.churn(np.array(before), np.array(after)) == pytest.approx(expected)


def test_a_state_on_the_essential_line_is_essential_despite_rounding():
    line = 0.05
    on_line = np.array([line * (1 - 1e-15), line * 1.5, line / 2])
    assert metrics.essential(on_line, line).tolist() == [True, True, False]
