"""assign_doses: the initiatives' capacities bind, and the reached citizens are a random draw."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.year.reach import assign_doses

Z = 4.0


def reached_persons(rows, initiative, dose, weight, n_initiatives):
    return np.bincount(initiative, weights=dose * weight, minlength=n_initiatives)


@pytest.mark.parametrize("weight", [1.0, 2.5, 100.0])
def test_capacity_binds_when_there_are_enough_eligible(weight):
    rng = np.random.default_rng(1)
    n = 5_000
    eligible = np.arange(n)
    group = np.arange(n) % 3
    capacity = np.array([300.0, 120.5, 1000.0, 0.0, 7.0])
    init_group = np.array([0, 0, 1, 2, 2])
    rows, initiative, dose = assign_doses(eligible, group, capacity, init_group, weight, rng, 3)
    persons = reached_persons(rows, initiative, dose, weight, len(capacity))
    np.testing.assert_allclose(persons, capacity, rtol=1e-9, atol=1e-9)
    assert ((dose > 0) & (dose <= 1.0 + 1e-12)).all()
    # each citizen's doses sum to at most one, and only initiatives of its group reach it
    np.testing.assert_array_less(np.bincount(rows, weights=dose, minlength=n), 1.0 + 1e-9)
    assert (group[rows] == init_group[initiative]).all()


def test_the_eligible_limit_reach_when_capacity_is_larger():
    n = 40
    eligible = np.arange(n)
    group = np.zeros(n, dtype=int)
    rows, initiative, dose = assign_doses(
        eligible,
        group,
        np.array([30.0, 50.0]),
        np.array([0, 0]),
        1.0,
        np.random.default_rng(2),
        1,
    )
    total = np.bincount(rows, weights=dose, minlength=n)
    np.testing.assert_allclose(total, 1.0)  # everyone is reached in full
    persons = reached_persons(rows, initiative, dose, 1.0, 2)
    np.testing.assert_allclose(persons, [30.0, 10.0])  # the second gets what is left


def test_a_group_without_eligible_citizens_reaches_nobody():
    rows, initiative, dose = assign_doses(
        np.arange(10),
        np.zeros(10, dtype=int),
        np.array([5.0, 5.0]),
        np.array([0, 1]),
        1.0,
        np.random.default_rng(3),
        2,
    )
    assert (initiative == 0).all()
    assert dose.sum() == pytest.approx(5.0)


def test_no_capacity_reaches_nobody():
    for capacity in (np.array([]), np.array([0.0, -3.0])):
        rows, _, _ = assign_doses(
            np.arange(10),
            np.zeros(10, dtype=int),
            capacity,
            np.zeros(len(capacity), dtype=int),
            1.0,
            np.random.default_rng(4),
            1,
        )
        assert len(rows) == 0


def test_every_eligible_citizen_is_equally_likely_to_be_reached():
    n, capacity, seeds = 2_000, 100.0, 200
    hits = np.zeros(n)
    for seed in range(seeds):
        rows, _, dose = assign_doses(
            np.arange(n),
            np.zeros(n, dtype=int),
            np.array([capacity]),
            np.array([0]),
            1.0,
            np.random.default_rng(seed),
            1,
        )
        hits += np.bincount(rows, weights=dose, minlength=n)
    p = capacity / n
    # the first and the last half of the rows are reached alike (no bias by position)
    for half in (hits[: n // 2], hits[n // 2 :]):
        trials = seeds * len(half)
        sd = np.sqrt(trials * p * (1 - p))
        assert abs(half.sum() - trials * p) <= Z * sd
    assert hits.max() < seeds * p + Z * np.sqrt(seeds * p * (1 - p)) * 2
