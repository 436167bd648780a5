"""Plain-Mesa reference implementation of the citizens' yearly rules (one ``mesa.Agent`` each).

This is the yardstick for the vectorised :class:`simulation.actors.citizens.CitizenSet`: the same
citizen rules, written the way a Mesa model is usually written, with one Python object per
citizen and a ``step`` method called through ``model.agents.shuffle_do("step")``. It is used by
``benchmarks/bench_model.py`` only; nothing in ``simulation/`` depends on it.

Rules per citizen and year, in this order (the same rates and tables as the vectorised model):

1. death with probability ``base_rates().q(year, mortality_improvement)[sex, age]``;
2. emigration with probability ``project(...).emigration[age]`` (the vectorised model's
   emigration rates, levelled to the reported total);
3. a move to another municipality with probability ``base_rates().internal_move[age]``, the
   destination drawn from ``move_destinations()[municipality]``;
4. a birth, for women, with probability ``base_rates().asfr(year, fertility)[age]``; the newborn
   (sex from ``male_share_at_birth``) joins on 1 January of the next year, with need levels drawn
   from the prevalence at age 0 (``NeedModel.draw_initial``);
5. need transitions of every area with ``need_model().transitions(area, shift)`` at the age of
   1 January: remission from the current level, then incidence from the highest level down
   (``NeedModel.step``), including the mental-illness trend, the first-offence factor and the
   reoffending risk window of rehabilitation (``offending.csv``) as in ``WelfareModel._needs_step``;
6. ageing by one year.

Left out (the vectorised model does them, so any ratio against it is conservative): the yearly
alignment to the projection (extra emigration and immigration per municipality and age group),
integration needs of immigrants, public costs and caseloads, the results collector, civil society
(volunteering, associations, enterprises) and the strategy levers and initiatives.

The citizens of 1 January 2026 are copied from a :class:`simulation.model.WelfareModel` built at
the same scale and seed, so both implementations start from the same population.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from typing import Any

import mesa
import numpy as np

from simulation.constants import AREAS, BASE_YEAR, MAX_AGE
from simulation.inputs.data import read_table
from simulation.inputs.projection import move_destinations, project
from simulation.inputs.rates import base_rates, demography_parameters
from simulation.inputs.registry import defaults
from simulation.model import WelfareModel
from simulation.year.needs import need_model

__all__ = ["Citizen", "PlainMesaModel"]

REHAB = AREAS.index("rehabilitation")
MENTAL = AREAS.index("mental_health")


class Citizen(mesa.Agent):
    """One resident: age, sex, municipality, need level per area and year of last release."""

    def __init__(
        self,
        model: PlainMesaModel,
        age: int,
        sex: int,
        municipality: int,
        need: list[int],
        released: int = -9999,
    ) -> None:
        super().__init__(model)
        self.age = age
        self.sex = sex
        self.municipality = municipality
        self.need = need
        self.released = released

    def step(self) -> None:
        """One year of this citizen's life (rules 1-6 of the module docstring)."""
        m = self.model
        r = m.random.random
        age = self.age if self.age < MAX_AGE else MAX_AGE
        sex = self.sex
        mun = self.municipality

        if r() < m.q[sex][age]:
            m.deaths[mun] += 1
            self.remove()
            return
        if r() < m.emigration[age]:
            m.emigrants[mun] += 1
            self.remove()
            return
        if r() < m.internal_move[age]:
            mun = bisect_right(m.move_cum[mun], r())
            if mun >= m.n_mun:
                mun = m.n_mun - 1
            self.municipality = mun
            m.movers += 1
        if sex == 1 and r() < m.asfr[age]:
            m.newborn_municipalities.append(mun)

        need = self.need
        for j in range(m.n_areas):
            inc, rem = m.inc[j], m.rem[j]
            level = need[j]
            if level and r() < rem[level - 1][sex][age]:
                level = 0
            before = need[j]
            at_risk = j == REHAB and m.year - self.released <= m.risk_window
            factor = m.incidence_factor[j]
            for i in range(len(inc) - 1, -1, -1):
                p = m.reoffend_rate if at_risk else inc[i][sex][age] * factor
                if level < i + 1 and r() < p:
                    level = i + 1
            if j == REHAB and before > 0 and level == 0:
                self.released = m.year
            need[j] = level
        self.age += 1


class PlainMesaModel(mesa.Model):
    """The citizen rules of the welfare model with one ``mesa.Agent`` per citizen.

    Args:
        scale: fraction of residents simulated (as ``WelfareModel``).
        seed: seed of the model's random number generators, and of the ``WelfareModel`` whose
            initial population is copied.
        parameters: uncertainty values (missing ones take their defaults).
        source: an existing ``WelfareModel`` in its base year to copy the citizens from (built
            when ``None``).
    """

    def __init__(
        self,
        scale: float = 0.001,
        seed: int = 1,
        parameters: dict[str, Any] | None = None,
        source: WelfareModel | None = None,
    ) -> None:
        super().__init__(rng=int(seed))
        p = {**defaults("uncertainty"), **(parameters or {})}
        self.parameters = p
        self.year = BASE_YEAR
        self.improvement = float(p["mortality_improvement"])
        self.fertility = float(p["fertility"])
        self.rates = base_rates()
        self.needs = need_model()
        self.male_share = demography_parameters()["male_share_at_birth"]
        projection = project(self.improvement, self.fertility, float(p["migration_scale"]), 2051)
        self.emigration: list[float] = projection.emigration.tolist()
        self.internal_move: list[float] = self.rates.internal_move.tolist()
        cum = np.cumsum(move_destinations(), axis=1)
        cum[:, -1] = 1.0
        self.move_cum: list[list[float]] = cum.tolist()
        self.n_mun = cum.shape[0]
        self.n_areas = len(AREAS)
        offending = read_table("offending.csv").set_index("name")["value"].astype(float)
        self.risk_window = int(offending["risk_window_years"])
        self.reoffend_rate = float(
            1.0
            - (1.0 - offending["reoffend_within_two_years"])
            ** (1.0 / offending["risk_window_years"])
        )
        self.first_offence_factor = float(offending["first_offence_factor"])

        if source is None:
            source = WelfareModel(scale=scale, seed=seed, end_year=BASE_YEAR + 1)
        c = source.citizens
        self.weight = c.weight
        released = c.columns["released"].tolist() if "released" in c.columns else None
        for k, (age, sex, mun, need) in enumerate(
            zip(
                c.age.tolist(),
                c.sex.tolist(),
                c.municipality.tolist(),
                c.need.tolist(),
                strict=True,
            )
        ):
            Citizen(self, age, sex, mun, need, released[k] if released else -9999)
        self.history: list[dict[str, Any]] = []
        self._set_year_tables()

    def _set_year_tables(self) -> None:
        """Per-year rate tables as nested Python lists (fast scalar lookups in ``step``)."""
        year = self.year
        self.q: list[list[float]] = self.rates.q(year, self.improvement).tolist()
        self.asfr: list[float] = self.rates.asfr(year, self.fertility).tolist()
        shift = float(self.parameters["healthy_ageing"]) * (year - BASE_YEAR) / (2050 - BASE_YEAR)
        self.inc, self.rem = [], []
        for area in AREAS:
            inc, rem = self.needs.transitions(area, shift)
            self.inc.append(inc.tolist())
            self.rem.append(rem.tolist())
        trend = (1.0 + float(self.parameters["mental_illness_trend"])) ** (year - BASE_YEAR)
        self.incidence_factor = [1.0] * self.n_areas
        self.incidence_factor[MENTAL] = trend
        self.incidence_factor[REHAB] = self.first_offence_factor
        self.shift = shift

    def step(self) -> None:
        """Simulate one year: every citizen steps in random order, then newborns are added."""
        self._set_year_tables()
        self.deaths = [0] * self.n_mun
        self.emigrants = [0] * self.n_mun
        self.movers = 0
        self.newborn_municipalities: list[int] = []
        start = len(self.agents)
        self.agents.shuffle_do("step")
        newborns = self.newborn_municipalities
        if newborns:
            k = len(newborns)
            sexes = [0 if self.random.random() < self.male_share else 1 for _ in range(k)]
            zeros = np.zeros(k, dtype=np.int16)
            levels = np.column_stack(
                [
                    self.needs.draw_initial(
                        area, np.array(sexes), zeros, self.rng.random(k), self.shift
                    )
                    for area in AREAS
                ]
            ).tolist()
            for mun, sex, need in zip(newborns, sexes, levels, strict=True):
                Citizen(self, 0, sex, mun, need)
        self.history.append(
            {
                "year": self.year,
                "citizens_start": start,
                "deaths": sum(self.deaths),
                "emigrants": sum(self.emigrants),
                "movers": self.movers,
                "births": len(newborns),
                "citizens_end": len(self.agents),
            }
        )
        self.year += 1

    def need_counts(self) -> list[int]:
        """Simulated citizens with any need, per area (in ``AREAS`` order)."""
        counts = [0] * self.n_areas
        for agent in self.agents:
            for j, level in enumerate(agent.need):
                if level:
                    counts[j] += 1
        return counts


def run(scale: float, years: int, seed: int = 1) -> dict[str, Any]:
    """Build and run the reference for ``years`` years; returns timings and counts."""
    t0 = time.perf_counter()
    model = PlainMesaModel(scale=scale, seed=seed)
    t1 = time.perf_counter()
    step_seconds = []
    for _ in range(years):
        s = time.perf_counter()
        model.step()
        step_seconds.append(time.perf_counter() - s)
    return {
        "init_seconds": t1 - t0,
        "step_seconds": step_seconds,
        "history": model.history,
        "need_counts": model.need_counts(),
    }


if __name__ == "__main__":
    import json
    import sys

    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 0.001
    years = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    print(json.dumps(run(scale, years), indent=1))
