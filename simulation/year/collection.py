"""Data collection: the tidy long output table and the national age structure.

One row per ``scenario, replicate, seed, year, municipality, region, area, metric, value``.
Metrics and their meaning are listed in ``data/metrics.csv``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["COLUMNS", "ResultCollector", "AGE_BANDS"]

COLUMNS = [
    "scenario",
    "replicate",
    "seed",
    "year",
    "municipality",
    "region",
    "area",
    "metric",
    "value",
]
AGE_BANDS = tuple(f"{a}-{a + 4}" for a in range(0, 95, 5)) + ("95+",)


class ResultCollector:
    """Accumulates yearly values by municipality, then builds the tidy table.

    Args:
        years: the simulated years.
        codes: municipality codes in model order.
        regions: region code of each municipality.
        simulated: boolean mask of the municipalities that are simulated.
    """

    def __init__(
        self, years: np.ndarray, codes: np.ndarray, regions: np.ndarray, simulated: np.ndarray
    ) -> None:
        self.years = np.asarray(years)
        self.codes = np.asarray(codes)
        self.regions = np.asarray(regions)
        self.simulated = np.asarray(simulated)
        self._data: dict[tuple[str, str | None], np.ndarray] = {}
        self._ages = np.zeros((len(self.years), 2, len(AGE_BANDS)))

    def add(self, metric: str, year: int, values: np.ndarray, area: str | None = None) -> None:
        """Record one metric for one year, by municipality (real persons or DKK).

        Values for the same key and year are added up (so contributions can be booked apart).
        """
        self.register(metric, area)[year - int(self.years[0])] += values

    def register(self, metric: str, area: str | None = None) -> np.ndarray:
        """Make sure a metric appears in the table (as zeros if nothing is ever recorded).

        Returns:
            The metric's (years, municipalities) array.
        """
        key = (metric, area)
        if key not in self._data:
            self._data[key] = np.zeros((len(self.years), len(self.codes)))
        return self._data[key]

    def add_age_counts(self, year: int, counts: np.ndarray, weight: float) -> None:
        """Record the national population on 1 January ``year`` from counts by sex and age.

        Args:
            year: the year.
            counts: simulated citizens by sex and single age, shape (2, ages).
            weight: residents per simulated citizen.
        """
        starts = np.arange(0, 5 * len(AGE_BANDS), 5)
        bands = np.add.reduceat(counts, starts[starts < counts.shape[1]], axis=1)
        self._ages[year - int(self.years[0])] = bands * weight

    def get(self, metric: str, area: str | None = None) -> np.ndarray:
        """Return the (years, municipalities) array of one metric (zeros if never recorded)."""
        key = (metric, area)
        if key not in self._data:
            return np.zeros((len(self.years), len(self.codes)))
        return self._data[key]

    def keys(self) -> list[tuple[str, str | None]]:
        """The recorded ``(metric, area)`` keys."""
        return list(self._data)

    def to_frame(self, scenario: str, replicate: int, seed: int) -> pd.DataFrame:
        """Build the tidy long table for the simulated municipalities."""
        cols = np.flatnonzero(self.simulated)
        n_y, n_m = len(self.years), len(cols)
        parts = []
        for (metric, area), values in self._data.items():
            parts.append(
                pd.DataFrame(
                    {
                        "year": np.repeat(self.years, n_m),
                        "municipality": np.tile(self.codes[cols], n_y),
                        "region": np.tile(self.regions[cols], n_y),
                        "area": area,
                        "metric": metric,
                        "value": values[:, cols].ravel(),
                    }
                )
            )
        out = pd.concat(parts, ignore_index=True)
        out.insert(0, "seed", seed)
        out.insert(0, "replicate", replicate)
        out.insert(0, "scenario", scenario)
        out["area"] = out["area"].astype("string")
        out["year"] = out["year"].astype(np.int64)
        out["municipality"] = out["municipality"].astype(np.int64)
        out["region"] = out["region"].astype(np.int64)
        out["seed"] = out["seed"].astype(np.int64)
        out["replicate"] = out["replicate"].astype(np.int64)
        return out[COLUMNS]

    def ages_frame(self, scenario: str, replicate: int, seed: int) -> pd.DataFrame:
        """National population by year, sex and 5-year age band."""
        n_y, n_b = len(self.years), len(AGE_BANDS)
        return pd.DataFrame(
            {
                "scenario": scenario,
                "replicate": replicate,
                "seed": seed,
                "year": np.repeat(self.years, 2 * n_b),
                "sex": np.tile(np.repeat(["male", "female"], n_b), n_y),
                "age_band": np.tile(AGE_BANDS, 2 * n_y),
                "value": self._ages.ravel(),
            }
        )
