"""The demographic rates read from the data files: shapes, limits and the documented rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation.constants import MAX_AGE, N_AGES
from simulation.inputs.rates import (
    age_band_array,
    base_rates,
    demography_parameters,
    parse_age,
)


def test_parse_age_reads_the_open_interval():
    np.testing.assert_array_equal(parse_age(pd.Series(["0", "45", "110+"])), [0, 45, 110])
    np.testing.assert_array_equal(parse_age(pd.Series([3, 7])), [3, 7])


def test_death_probabilities_are_probabilities_and_everyone_dies_at_the_open_age():
    rates = base_rates()
    assert rates.q_base.shape == (2, N_AGES)
    for year in (rates.base_year, 2030, 2050):
        q = rates.q(year, 0.01)
        assert ((q >= 0) & (q <= 1)).all()
        assert (q[:, MAX_AGE] == 1.0).all()
    # at old ages death is more likely than in childhood, and men die younger
    assert (rates.q_base[:, 85] > rates.q_base[:, 10]).all()
    assert rates.q_base[0, 60] > rates.q_base[1, 60]


def test_mortality_improves_by_the_yearly_rate():
    """q = q_2019 x level x (1 - k - offset)^(year - 2019) (mortality_bands.csv); under 60 the
    level is 1 and the offset 0, the life table and the uncertainty as they are."""
    rates = base_rates()
    level, offset = rates.mortality_level, rates.improvement_offset
    assert (level[:60] == 1.0).all() and (offset[:60] == 0.0).all()
    np.testing.assert_allclose(
        rates.q(rates.base_year, 0.02)[:, :MAX_AGE], (rates.q_base * level)[:, :MAX_AGE]
    )
    ten = rates.q(rates.base_year + 10, 0.02)
    expected = rates.q_base * level * (1 - 0.02 - offset) ** 10
    np.testing.assert_allclose(ten[:, :MAX_AGE], expected[:, :MAX_AGE])
    np.testing.assert_allclose(ten[:, :60], rates.q_base[:, :60] * 0.98**10)


def test_fertility_moves_from_the_2023_level_to_the_long_run_level():
    rates = base_rates()
    params = demography_parameters()
    assert rates.asfr_shape.sum() == pytest.approx(1.0)
    assert rates.asfr_shape[:12].sum() == 0 and rates.asfr_shape[56:].sum() == 0
    assert rates.asfr(2023, 1.9).sum() == pytest.approx(params["tfr_2023"])
    target = int(params["fertility_target_year"])
    assert rates.asfr(target, 1.9).sum() == pytest.approx(1.9)
    assert rates.asfr(target + 20, 1.9).sum() == pytest.approx(1.9)
    middle = (2023 + target) // 2
    w = (middle - 2023) / (target - 2023)
    assert rates.asfr(middle, 1.9).sum() == pytest.approx(
        params["tfr_2023"] + w * (1.9 - params["tfr_2023"])
    )


def test_age_bands_expand_to_single_ages():
    moves = age_band_array("internal_moves.csv", "rate")
    assert moves.shape == (N_AGES,)
    assert ((moves >= 0) & (moves < 1)).all()
    np.testing.assert_array_equal(moves, base_rates().internal_move)
    assert (base_rates().emigration_profile >= 0).all()


def test_demography_parameters_are_plausible():
    params = demography_parameters()
    assert 0.5 < params["male_share_at_birth"] < 0.53
    assert 1.0 < params["tfr_2023"] < 2.5
    assert params["emigrations_total"] > 0


def test_base_mortality_is_the_life_table_of_the_base_year():
    from simulation.inputs.data import read_table

    rates = base_rates()
    life = read_table("lifetable_hmd.csv")
    sel = life[(life["year"].astype(int) == rates.base_year) & (life["sex"] == "female")]
    row = sel[sel["age"].astype(str) == "80"]
    assert rates.q_base[1, 80] == pytest.approx(float(row["qx"].iloc[0]))


def test_old_age_mortality_has_no_step_at_the_band_boundaries():
    """The bands' level and offset are blended over 60-70 and 75-85: from one age to the next
    their factor on q_2019 changes by less than 3% in every year to 2050 (with steps it fell
    by about 20% at 65 in 2050), and q(65) > q(64), q(80) > q(79) for both sexes."""
    rates = base_rates()
    for year in range(2026, 2051):
        factor = rates.mortality_level * (1 - 0.0072 - rates.improvement_offset) ** (
            year - rates.base_year
        )
        assert np.abs(factor[1:MAX_AGE] / factor[: MAX_AGE - 1] - 1).max() < 0.03, year
        q = rates.q(year, 0.0072)
        assert (q[:, 65] > q[:, 64]).all() and (q[:, 80] > q[:, 79]).all(), year
