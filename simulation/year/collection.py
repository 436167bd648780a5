"""Data collection: the tidy long output table and the national age structure.

One row per ``scenario, replicate, seed, year, municipality, region, area, metric, value``.
Metrics and their meaning are listed in ``inputs/data/metrics.csv``. Besides the collector, the
year's population counts (:class:`PopulationCounts`) and the metrics every run registers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.constants import AREAS, MAX_AGE, N_AGES
from simulation.economy.welfare import (
    WELFARE_BY_AREA,
    WELFARE_METRICS,
    WELFARE_NULL_AREA,
    derive_welfare,
)
from simulation.inputs.prices import PAYERS
from simulation.inputs.welfare_economics import WelfarePrices, welfare_prices

__all__ = [
    "AGE_BANDS",
    "COLUMNS",
    "PAYER_METRICS",
    "PopulationCounts",
    "ResultCollector",
    "collect_flows",
    "collect_stocks",
    "register_metrics",
]

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
_STOCK_BANDS = np.array([0, 18, 20, 65, 80])  # first ages of the reported population bands
PAYER_METRICS = tuple(
    f"{what}_{payer}_dkk" for what in ("public_cost", "lever_cost") for payer in PAYERS
)
_TOTALS = (
    "lever_cost_dkk",
    "net_cost_dkk",
    "volunteer_hours",
    *(f"lever_cost_{payer}_dkk" for payer in PAYERS),
)
_NATIONAL = (
    "volunteers",
    "marginalised_employed",
    "reoffending",
    "integration_leavers",
    "integration_to_cash_benefit",
    "births",
    "deaths",
)
_BY_AREA = (
    "need_cases",
    "public_cost_dkk",
    "lever_cost_dkk",
    "net_cost_dkk",
    "unmet_need_cases",
    "unaddressable_cost_dkk",
    "transfer_cost_dkk",
    "fixed_cost_dkk",
    *PAYER_METRICS,
    "volunteer_hours",
    "initiatives_running",
    "initiatives_started",
    "initiatives_scaled",
    "initiatives_stopped",
    "initiatives_stopped_unfunded",
    "partnerships_matched",
    "partnerships_over_capacity",
    "pilots_succeeded",
    "pilots_failed",
    "transaction_cost_dkk",
    "implementation_gap",
)


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
        self.welfare: WelfarePrices | None = None  # set by register_metrics

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
        """Build the tidy long table for the simulated municipalities.

        The welfare-economic metrics are derived first (when :func:`register_metrics` gave the
        collector its prices) and come after the others, which keep their order.
        """
        if self.welfare is not None:
            derive_welfare(self, self.welfare)
        cols = np.flatnonzero(self.simulated)
        n_y, n_m = len(self.years), len(cols)
        parts = []
        keys = [k for k in self._data if k[0] not in WELFARE_METRICS]
        keys += [k for k in self._data if k[0] in WELFARE_METRICS]
        for metric, area in keys:
            values = self._data[(metric, area)]
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


def register_metrics(results: ResultCollector) -> None:
    """Register the metrics every run reports, so that they appear even when zero.

    Also gives the collector the welfare-economic account's prices (``welfare_economics.csv``,
    read now, at set-up), from which the table's welfare metrics are derived.
    """
    for metric in _TOTALS + _NATIONAL:
        results.register(metric, None)
    for area in AREAS:
        for metric in _BY_AREA:
            results.register(metric, area)
    for area in AREAS:
        for metric in WELFARE_BY_AREA:
            results.register(metric, area)
    for metric in WELFARE_NULL_AREA:
        results.register(metric, None)
    results.welfare = welfare_prices()


class PopulationCounts:
    """Simulated citizens by municipality, sex and single age, shape (98, 2, N_AGES).

    Counted in one pass, and kept until the columns they were counted from are replaced (only
    demography changes municipality, sex and age, and it replaces the arrays).

    Args:
        citizens: the citizen set.
        n_municipalities: municipality rows of the model's arrays.
    """

    def __init__(self, citizens, n_municipalities: int) -> None:
        self.citizens = citizens
        self.n_municipalities = n_municipalities
        self._kept: tuple[tuple[np.ndarray, ...], np.ndarray] | None = None

    def _columns(self) -> tuple[np.ndarray, ...]:
        c = self.citizens
        return (c.municipality, c.sex, c.age)

    def by_cell(self) -> np.ndarray:
        """The counts of the current columns (counted now, or kept from an earlier call)."""
        c = self.citizens
        columns = self._columns()
        kept = self._kept
        if kept is not None and all(a is b for a, b in zip(kept[0], columns, strict=True)):
            return kept[1]
        # 32-bit keys: mixing the 8- and 16-bit columns with 64-bit numbers is several times slower
        key = c.municipality.astype(np.int32)
        key *= 2
        key += c.sex
        key *= N_AGES
        key += np.minimum(c.age, MAX_AGE)
        by_cell = np.bincount(key, minlength=self.n_municipalities * 2 * N_AGES)
        by_cell = by_cell.reshape(self.n_municipalities, 2, N_AGES)
        self._kept = (columns, by_cell)
        return by_cell

    def set(self, by_cell: np.ndarray) -> None:
        """Take ``by_cell`` as the counts of the current columns (a replayed trajectory's)."""
        self._kept = (self._columns(), by_cell)


def collect_stocks(results: ResultCollector, year: int, by_cell: np.ndarray, weight: float) -> None:
    """Population by municipality and age band, and nationally by sex and 5-year band."""
    by_age = by_cell.sum(axis=1)
    # age bands 0-17, 18-19, 20-64, 65-79, 80+ by municipality
    counts = np.add.reduceat(by_age, _STOCK_BANDS, axis=1) * weight
    results.add("population", year, counts.sum(axis=1))
    results.add("population_0_17", year, counts[:, 0])
    results.add("population_20_64", year, counts[:, 2])
    results.add("population_65p", year, counts[:, 3] + counts[:, 4])
    results.add("population_80p", year, counts[:, 4])
    results.add_age_counts(year, by_cell.sum(axis=0), weight)


def collect_flows(results: ResultCollector, year: int, flows, weight: float) -> None:
    """The year's births, deaths and moves by municipality (a demography ``Flows``)."""
    results.add("births", year, flows.births * weight)
    results.add("deaths", year, flows.deaths * weight)
    results.add("moves_in", year, flows.moves_in * weight)
    results.add("moves_out", year, flows.moves_out * weight)
