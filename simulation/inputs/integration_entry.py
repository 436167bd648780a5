"""Entries into the integration programme: they follow documented immigration.

The alignment's residual is not a record of immigration: it is whatever makes the population
match FRKM126 (and, at small sampling scales, also evens out sampling noise). So the number of
newcomers who enter the integration programme each year is set by the documented immigration,
not by how many immigrants the alignment happened to add:

    entries(year) = integration_entry_share x immigrations x (share of the simulated
                    municipalities' residents in 2026) x (migration_scale after 2040)

with ``immigrations`` the last documented yearly level (DST: 98,344 in 2023, all immigrations,
returning Danes, EU workers and students included), held constant (an assumption: DST's and
the 2026 projection's migration assumptions are not in the data), and
``integration_entry_share`` an assumption calibrated to a forecast: the share at which the
caseload stays at 22,300 with the programme's remission (``need_levels.csv``), a 2022 figure
of a 2015 forecast (confidence C), not an observed caseload. The entrants are drawn among the year's
immigrants aged 18-64, each with the same probability ``entries / immigrants``.

What 22,300 is, and what follows (second demography review):

* 22,300 is a 2015 forecast of the number of **recipients of integration benefit**
  (integrationsydelse) in 2022, not of participants in the integration programme; the two
  overlap but are not the same population, and no observed caseload of either is in the data.
* The entries are **flat by construction** (a constant share of a constant documented level of
  immigration), so the caseload path is a level held by assumption, not a projection of
  refugee or family immigration.
* Base year: the caseload of 1 January 2026 is drawn from ``need_prevalence.csv`` and comes to
  about 21,100 (measured at scale 0.05, seed 11), about 5% below the 22,300 its note says it is
  levelled to; the entry share keeps the caseload near its starting level (about 21,100-21,200
  in 2026-2029, rising to about 22,800 by 2040 as the population grows). Not fixed: the
  prevalence rows would have to be scaled by 22,300 / 21,100 together with this share (the
  share alone at 0.083 leaves 2026 at 21,100-21,400 and makes the caseload rise to 23,000 by
  2031).

The data hold no age split of immigration and, by origin, only one quarter's split by
citizenship (``immigration_non_eu_share``: DST, 2nd quarter 2023, 37% from outside the EU/EEA;
7.9% of all immigrations is about 21% of those), not the reason for residence; so no split is
used, and the entry share is stated per non-EU/EEA immigrant in ``docs/validation.md`` only.
"""

from __future__ import annotations

import numpy as np

from simulation.inputs.data import data_cache
from simulation.inputs.rates import demography_parameters

__all__ = ["documented_entries"]


@data_cache
def _population_2026() -> np.ndarray:
    from simulation.inputs.projection import (  # local: avoids an import cycle
        BASE_YEAR,
        frkm126_counts,
    )

    return frkm126_counts()[BASE_YEAR].sum(axis=1)


def documented_entries(year: int, simulated: np.ndarray, migration_scale: float = 1.0) -> float:
    """Expected entries into the integration programme in ``year`` (residents, not sampled).

    Args:
        year: the year of the entries.
        simulated: boolean mask over the 98 municipalities that are simulated.
        migration_scale: multiplier on immigration after the alignment end year.
    """
    params = demography_parameters()
    pop = _population_2026()
    share = float(pop[simulated].sum() / pop.sum())
    scale = migration_scale if year >= params["alignment_end_year"] else 1.0
    return params["integration_entry_share"] * params["immigrations_total"] * share * scale
