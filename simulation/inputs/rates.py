"""Demographic rates from the data files: mortality, fertility, emigration and internal moves.

All rates are arrays indexed by sex (0 = male, 1 = female) and single age 0..110 (110 = 110+).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulation.constants import MAX_AGE, N_AGES
from simulation.inputs.data import data_cache, read_table

__all__ = [
    "DemographicRates",
    "demography_parameters",
    "base_rates",
    "age_band_array",
    "blended_bands",
    "BAND_RAMP",
    "parse_age",
]


def parse_age(column) -> np.ndarray:
    """Parse an age column in which the open interval is written ``110+``.

    Args:
        column: a pandas Series of ages as text or numbers.
    """
    return column.astype(str).str.rstrip("+").astype(int).to_numpy()


@data_cache
def demography_parameters() -> dict[str, float]:
    """Return the scalar demographic parameters of ``demography.csv`` by name."""
    table = read_table("demography.csv")
    return {row["name"]: float(row["value"]) for row in table.to_dict("records")}


def age_band_array(table_name: str, column: str) -> np.ndarray:
    """Expand a table of age bands (``age_low``, ``age_high``, value column) to single ages.

    Args:
        table_name: data file with ``age_low`` and ``age_high`` columns.
        column: the value column.

    Returns:
        Array of length ``N_AGES``; ages not covered by a band get 0.
    """
    table = read_table(table_name)
    out = np.zeros(N_AGES)
    for row in table.to_dict("records"):
        out[int(row["age_low"]) : int(row["age_high"]) + 1] = float(row[column])
    return out


BAND_RAMP = 5
"""Half-width (years) of the linear blend between neighbouring mortality bands.

The level and the improvement offset of ``mortality_bands.csv`` go linearly from one band's
value to the next over ``boundary - 5 .. boundary + 5`` (60-70 and 75-85), so that the death
probabilities have no step at 65 or 80 (with steps, q(65) fell below q(64) by 2050)."""


def blended_bands(lows, values, ramp: int = BAND_RAMP) -> np.ndarray:
    """Single-age values of bands starting at ``lows``, blended linearly at each boundary.

    Args:
        lows: the first age of each band, increasing, the first 0.
        values: the band's value (its own value away from the boundaries).
        ramp: half-width of the blend (:data:`BAND_RAMP`).

    Returns:
        Array of length ``N_AGES``: ``values[i]`` inside band ``i``, and at ages
        ``b - ramp .. b + ramp`` around a boundary ``b`` a linear blend of the two bands.
    """
    ages = np.arange(N_AGES)
    out = np.full(N_AGES, float(values[0]))
    for b, before, after in zip(lows[1:], values[:-1], values[1:], strict=True):
        w = np.clip((ages - (b - ramp)) / (2 * ramp), 0.0, 1.0)
        out = np.where(ages >= b - ramp, before + w * (after - before), out)
    return out


def _mortality_bands(column: str) -> np.ndarray:
    table = read_table("mortality_bands.csv").sort_values("age_low")
    return blended_bands(
        table["age_low"].astype(int).tolist(), table[column].astype(float).tolist()
    )


@dataclass(frozen=True)
class DemographicRates:
    """Base-year rates, before improvement and level adjustments.

    Attributes:
        q_base: death probability per year, shape (2, N_AGES), in ``base_year``.
        base_year: year of ``q_base``.
        asfr_shape: age-specific fertility of women, shape (N_AGES,), summing to 1.
        emigration_profile: relative emigration rate by age, shape (N_AGES,).
        internal_move: probability of moving municipality per year, shape (N_AGES,).
        mortality_level: multiplier on ``q_base`` by single age (``mortality_bands.csv``,
            blended between the bands over 60-70 and 75-85, :func:`blended_bands`).
        improvement_offset: added to the yearly improvement by single age (the same file, the
            same blend).
    """

    q_base: np.ndarray
    base_year: int
    asfr_shape: np.ndarray
    emigration_profile: np.ndarray
    internal_move: np.ndarray
    mortality_level: np.ndarray = field(default_factory=lambda: np.ones(N_AGES))
    improvement_offset: np.ndarray = field(default_factory=lambda: np.zeros(N_AGES))

    def q(self, year: int, improvement: float) -> np.ndarray:
        """Death probabilities in ``year`` with a constant yearly relative improvement.

        ``q = q_base * level(age) * (1 - improvement - offset(age)) ** (year - base_year)``:
        the level and the offset of improvement are those of the age band
        (``mortality_bands.csv``, calibrated at 65-79 and 80+, 1 and 0 below 60), blended
        linearly between neighbouring bands over 60-70 and 75-85.

        Args:
            year: calendar year.
            improvement: yearly relative decline of death rates (e.g. 0.02) below 65, and the
                reference the old-age bands' offsets are added to.
        """
        rate = np.clip(improvement + self.improvement_offset, -0.5, 0.5)
        factor = (1.0 - rate) ** (year - self.base_year)
        q = self.q_base * (self.mortality_level * factor)[None, :]
        q[:, MAX_AGE] = np.maximum(q[:, MAX_AGE], self.q_base[:, MAX_AGE])  # open age: all die
        return np.clip(q, 0.0, 1.0)

    def asfr(self, year: int, tfr_long_run: float) -> np.ndarray:
        """Age-specific fertility in ``year``: the 2019 shape at a TFR moving to the long run.

        Args:
            year: calendar year.
            tfr_long_run: total fertility rate reached in the target year.
        """
        params = demography_parameters()
        start, tfr0 = 2023.0, params["tfr_2023"]
        end = params["fertility_target_year"]
        w = float(np.clip((year - start) / (end - start), 0.0, 1.0))
        tfr = tfr0 + w * (tfr_long_run - tfr0)
        return self.asfr_shape * tfr


@data_cache
def base_rates() -> DemographicRates:
    """Load the base rates from the data files (cached)."""
    params = demography_parameters()
    life = read_table("lifetable_hmd.csv")
    base_year = int(params["mortality_base_year"])
    q = np.zeros((2, N_AGES))
    for s, sex in enumerate(("male", "female")):
        sel = life[(life["year"].astype(int) == base_year) & (life["sex"] == sex)]
        ages = np.minimum(parse_age(sel["age"]), MAX_AGE)
        q[s, ages] = sel["qx"].astype(float).to_numpy()
    q[:, MAX_AGE] = 1.0

    asfr = read_table("asfr_hfd.csv")
    sel = asfr[asfr["year"] == int(params["fertility_shape_year"])]
    shape = np.zeros(N_AGES)
    shape[sel["age"].astype(int).to_numpy()] = sel["rate"].astype(float).to_numpy()
    shape /= shape.sum()

    return DemographicRates(
        q_base=q,
        base_year=base_year,
        asfr_shape=shape,
        emigration_profile=age_band_array("emigration_profile.csv", "relative_rate"),
        internal_move=age_band_array("internal_moves.csv", "rate"),
        mortality_level=_mortality_bands("level"),
        improvement_offset=_mortality_bands("improvement_offset"),
    )
