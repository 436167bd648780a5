"""The Mesa model: its set-up, and a ``step`` that names the year's steps in order.

A year (one ``step``) runs demography, needs, public provision and cost, civil society and
strategy, then collects the results (:mod:`simulation.year` lists the steps and the levers that
act in each). The mechanisms live in their own modules under :mod:`simulation.year`, the actors
under :mod:`simulation.actors`, and what the model reads under :mod:`simulation.inputs`.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import mesa
import numpy as np

from simulation.actors import AreaLedger, MunicipalUnit, RegionalUnit
from simulation.actors.public_units import regional_areas, resolve_regional_levers
from simulation.actors.starting_citizens import starting_citizens
from simulation.actors.unit_levers import resolve_unit_levers
from simulation.constants import AREAS, BASE_YEAR, LAST_YEAR
from simulation.inputs.loaders import addressable_shares, geography_arrays, offending_rates
from simulation.inputs.projection import frkm126_counts, project
from simulation.inputs.registry import defaults
from simulation.inputs.uncertainties import under_overrides, with_overrides
from simulation.mesa_compat import hold_models_weakly
from simulation.year.civil_society import CivilSociety, civil_society_step
from simulation.year.collection import (
    PopulationCounts,
    ResultCollector,
    collect_flows,
    collect_stocks,
    register_metrics,
)
from simulation.year.demography import DemographyStep, Flows
from simulation.year.needs import need_model
from simulation.year.needs_step import NeedsStep
from simulation.year.provision import CostModel, LeverCosts, Provision
from simulation.year.strategy import Strategy, strategy_step
from simulation.year.threads import RowMapper
from simulation.year.trajectories import TrajectoryPlayer

__all__ = ["WelfareModel"]

_STREAMS = ("init", "demography", "needs", "civil_society", "strategy", "spare")
_DRAW_BYTES = 4  # the needs step draws one 32-bit uniform per citizen, area and year


class WelfareModel(mesa.Model):
    """Welfare demand in Denmark from 1 January 2026 to the end of ``end_year``.

    Args:
        parameters: lever and uncertainty values by name (missing ones take their defaults).
        scale: fraction of residents simulated (0 < scale <= 1).
        seed: seed of the model's random number generator.
        municipalities: codes of the municipalities to simulate (``None`` = all 98).
        end_year: last simulated year.
        scenario: name written into the results.
        replicate: replicate number written into the results.
        lever_source: a ``Scenario`` (levers with overrides and variation per unit); when
            ``None`` the lever values in ``parameters`` apply to every unit.

    Attributes:
        year: the year the next ``step`` simulates (population is that of 1 January ``year``).
        citizens: the vectorised citizen agent set.
        results: the data collector.
    """

    @with_overrides  # uncertain numbers by name: active while setting up and stepping
    def __init__(
        self,
        parameters: dict[str, Any] | None = None,
        *,
        scale: float = 0.01,
        seed: int = 1,
        municipalities: list[int] | tuple[int, ...] | None = None,
        end_year: int = LAST_YEAR,
        scenario: str = "baseline",
        replicate: int = 0,
        lever_source: Any = None,
    ) -> None:
        if not 0 < scale <= 1:
            raise ValueError(f"scale must be in (0, 1], got {scale}")
        if not BASE_YEAR < end_year <= LAST_YEAR:
            raise ValueError(f"end_year must be in {BASE_YEAR + 1}..{LAST_YEAR}, got {end_year}")
        hold_models_weakly()
        super().__init__(rng=int(seed))
        self.seed = int(seed)
        self.scale = float(scale)
        self.scenario = scenario
        self.replicate = int(replicate)
        self.parameters = {**defaults("lever"), **defaults("uncertainty"), **(parameters or {})}
        self.start_year = BASE_YEAR
        self.end_year = int(end_year)
        self.year = BASE_YEAR
        self.streams = dict(zip(_STREAMS, self.rng.spawn(len(_STREAMS)), strict=True))
        self._set_places(municipalities)
        self._set_mechanisms()
        self._set_units(lever_source)
        self.civil_society = CivilSociety(self)
        self.strategy = Strategy(self, self.unit_levers)
        self.needs_step = NeedsStep(self)
        self.provision = Provision(self)

    # --- set-up ---------------------------------------------------------------------------
    def _set_places(self, municipalities: list[int] | tuple[int, ...] | None) -> None:
        """Municipalities in model order, and which of them are simulated."""
        codes, region_of, names = geography_arrays()
        self.codes = codes.copy()
        self.region_of = region_of.copy()
        chosen = set(self.codes.tolist()) if municipalities is None else set(municipalities)
        unknown = chosen - set(self.codes.tolist())
        if unknown:
            raise ValueError(f"unknown municipality codes: {sorted(unknown)}")
        self.simulated = np.isin(self.codes, sorted(chosen))
        self.municipality_names = names.copy()
        self.region_rows = {
            int(r): np.flatnonzero((self.region_of == r) & self.simulated)
            for r in sorted(set(self.region_of[self.simulated]))
        }

    def _set_mechanisms(self) -> None:
        """The projection, the year's mechanisms, the starting citizens and the collector."""
        p = self.parameters
        demographic = (
            float(p["mortality_improvement"]),
            float(p["fertility"]),
            float(p["migration_scale"]),
        )
        self.projection = project(*demographic, self.end_year + 1)
        self.demography = DemographyStep(self.projection, self.simulated, *demographic[:2])
        self.needs = need_model()
        self.costs = CostModel(self.needs, float(p["unit_cost_growth"]))
        self.addressable_share = addressable_shares().copy()
        self.reoffend_rate, self.risk_window, self.first_offence_factor = offending_rates()
        self.citizens = starting_citizens(self)
        n_years = self.end_year - BASE_YEAR + 1
        # the demography of runs with the same seed and demographic parameters is the same
        key = (self.seed, self.scale, self.simulated.tobytes(), *demographic, self.end_year)
        key += (getattr(self, "data_overrides", None),)  # numbers replaced by name
        draws = len(self.citizens) * len(AREAS) * _DRAW_BYTES * n_years
        self.trajectory = TrajectoryPlayer(key, len(self.citizens), draws)
        self.rows = RowMapper(self.citizens)
        self.results = ResultCollector(
            np.arange(BASE_YEAR, self.end_year + 1), self.codes, self.region_of, self.simulated
        )
        register_metrics(self.results)
        self.base_population_by_municipality = (
            frkm126_counts()[BASE_YEAR].sum(axis=1) * self.simulated
        )
        self.counts = PopulationCounts(self.citizens, self.n_municipalities)
        self._count_population()

    def _set_units(self, lever_source: Any) -> None:
        """The public units (Mesa agents), their ledgers, and their lever settings."""
        n_years = self.end_year - BASE_YEAR + 1
        self.ledgers = {a: AreaLedger(BASE_YEAR, n_years, self.n_municipalities) for a in AREAS}
        for i, code in enumerate(self.codes):
            if self.simulated[i]:
                for area in AREAS:
                    region = int(self.region_of[i])
                    MunicipalUnit(self, int(code), i, region, area, self.ledgers[area])
        self.regional_units = {
            (region, area): RegionalUnit(self, region, area)
            for region in self.region_rows
            for area in regional_areas()
        }
        self.lever_costs = LeverCosts(self.results, self.n_municipalities)
        source = (
            lever_source
            if lever_source is not None
            else {k: self.parameters[k] for k in defaults("lever")}
        )
        self.unit_levers = resolve_unit_levers(
            source, self.codes, self.region_of, self.simulated, self.streams["strategy"]
        )
        # the regions are the strategists of health and psychiatry (docs/ODD.md, units)
        regional = resolve_regional_levers(
            source, self.region_of, self.simulated, self.unit_levers, self.streams["strategy"]
        )
        for (region, area), unit in self.regional_units.items():
            unit.levers = regional[(region, area)]
        for unit in self.agents_by_type[MunicipalUnit]:
            unit.levers = self.unit_levers[(unit.index, unit.area)]

    # --- helpers --------------------------------------------------------------------------
    @property
    def n_municipalities(self) -> int:
        """Number of municipality rows in the model's arrays (always 98)."""
        return len(self.codes)

    def healthy_ageing_shift(self, year: int) -> float:
        """Years by which age-related needs are postponed in ``year`` (linear to 2050)."""
        shift = float(self.parameters["healthy_ageing"])
        return shift * (year - BASE_YEAR) / (LAST_YEAR - BASE_YEAR)

    # --- the year -------------------------------------------------------------------------
    @under_overrides
    def step(self) -> None:
        """Simulate one year: demography, needs, provision, civil society, strategy, results."""
        year, weight = self.year, self.citizens.weight
        cells = self.counts.by_cell()  # on 1 January
        collect_stocks(self.results, year, cells, weight)
        start = self.needs_step.start_of_year()
        flows = self._demography_step(year)
        end_cases = self.needs_step.run(year, start)
        self.provision.run(year, start.cases, end_cases, cells)
        civil_society_step(self, year)
        strategy_step(self, year)
        collect_flows(self.results, year, flows, weight)
        self.citizens.record_followed(year + 1)
        self._close_year()

    def _demography_step(self, year: int) -> Flows:
        """Deaths, moves, births, ageing and alignment: drawn, or replayed from a kept run."""
        draw = partial(self.demography.change, self.citizens, year, self.streams["demography"])
        flows = self.trajectory.demography(year - BASE_YEAR, self.citizens, draw, self.counts)
        self._count_population()  # the counts are kept for next year's stocks
        return flows

    def _count_population(self) -> None:
        """Residents by municipality, from the population counts (counted once per change)."""
        by_cell = self.counts.by_cell()
        self.population_by_municipality = by_cell.sum(axis=(1, 2)) * self.citizens.weight

    def _close_year(self) -> None:
        """Advance the clock; at the end, keep the trajectory and stop the threads."""
        self.year += 1
        if self.year > self.end_year:
            self.running = False
            self.trajectory.finish()
            self.rows.close()

    # --- running --------------------------------------------------------------------------
    def run(self) -> WelfareModel:
        """Step until the end year and return the model."""
        while self.running:
            self.step()
        return self

    def table(self):
        """The tidy output table of this run (see ``inputs/data/metrics.csv``)."""
        return self.results.to_frame(self.scenario, self.replicate, self.seed)

    def ages(self):
        """The national population by year, sex and 5-year age band."""
        return self.results.ages_frame(self.scenario, self.replicate, self.seed)
