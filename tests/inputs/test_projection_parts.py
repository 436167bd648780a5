"""Parts of the alignment targets: age groups, the base population, moves and emigration."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.constants import BASE_YEAR, N_AGES
from simulation.inputs.projection import (
    age_groups,
    base_population,
    emigration_rates,
    frkm126_counts,
    move_destinations,
    project,
)
from simulation.inputs.rates import demography_parameters


def test_age_groups_cover_every_age_once_in_order():
    groups = age_groups()
    assert groups.of_age.shape == (N_AGES,)
    assert groups.of_age[0] == 0 and groups.of_age[-1] == len(groups.names) - 1
    assert (np.diff(groups.of_age) >= 0).all() and (np.diff(groups.of_age) <= 1).all()


def test_base_population_matches_every_municipality_and_group():
    base = base_population()
    grouped = np.stack(
        [base[:, :, age_groups().of_age == g].sum(axis=(1, 2)) for g in range(7)], axis=1
    )
    np.testing.assert_allclose(grouped, frkm126_counts()[BASE_YEAR], rtol=1e-9)


def test_moves_go_to_another_municipality():
    dest = move_destinations()
    assert dest.shape == (98, 98)
    np.testing.assert_allclose(dest.sum(axis=1), 1.0)
    assert (np.diag(dest) == 0).all() and (dest >= 0).all()


def test_emigration_rates_give_the_reported_total_in_the_base_year():
    pop = base_population()
    rates = emigration_rates(pop)
    expected = (pop.sum(axis=(0, 1)) * rates).sum()
    assert expected == pytest.approx(demography_parameters()["emigrations_total"])


def test_targets_between_published_years_are_linear_at_0_5_and_20_64():
    """0-5, 20-34 and 35-64 are interpolated linearly between the published years (the other
    groups follow the cohorts or the age at arrival, simulation.inputs.cohort_targets)."""
    data = frkm126_counts()
    p = project(0.01, 1.7, end_year=2041)
    for g in (0, 3, 4):
        np.testing.assert_allclose(p.target(2028)[:, g], 0.5 * (data[2026] + data[2030])[:, g])
        np.testing.assert_allclose(p.target(2035)[:, g], 0.5 * (data[2030] + data[2040])[:, g])
    assert not np.allclose(p.target(2028)[:, 6], 0.5 * (data[2026] + data[2030])[:, 6])


def test_projection_starts_at_the_base_population_and_net_migration_closes_the_gap():
    p = project(0.01, 1.7, end_year=2045)
    assert p.years[0] == BASE_YEAR and p.years[-1] == 2045
    assert p.targets.shape == (len(p.years), 98, 7)
    np.testing.assert_allclose(p.target(BASE_YEAR), frkm126_counts()[BASE_YEAR], rtol=1e-9)
    assert (p.targets >= 0).all()
    # after the alignment end the net migration is the average of the continuation window
    end = int(demography_parameters()["alignment_end_year"])
    start = int(demography_parameters()["continuation_window_start"])
    # (under 65; at 65+ the national net migration is zero, only municipal differences go on)
    window = p.net_migration[start - BASE_YEAR : end - BASE_YEAR].mean(axis=0)[:, :5]
    later = p.net_migration[end - BASE_YEAR + 1][:, :5]
    np.testing.assert_allclose(np.maximum(later, window), window)  # clipped only where it empties
    half = project(0.01, 1.7, migration_scale=0.5, end_year=2045)
    assert half.target(2045).sum() != pytest.approx(p.target(2045).sum(), rel=1e-4)
