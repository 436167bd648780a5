"""Small tables the model reads at set-up, each read once per process.

The larger inputs have modules of their own (the projection, rates, needs, geography, places);
these are the few arrays the model takes straight from a data file.
"""

from __future__ import annotations

import numpy as np

from simulation.constants import AREAS
from simulation.inputs.data import data_cache, read_table
from simulation.inputs.geography import municipalities

__all__ = ["addressable_shares", "geography_arrays", "offending_rates"]


@data_cache
def geography_arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Municipality codes, region codes and names in model order (copy before changing)."""
    geo = municipalities()
    return geo["code"].to_numpy(), geo["region_code"].to_numpy(), geo["name"].to_numpy()


@data_cache
def addressable_shares() -> np.ndarray:
    """Share of each area's cases that initiatives can address, in ``AREAS`` order."""
    areas = read_table("areas.csv").set_index("area")
    return np.array([float(areas.loc[a, "addressable_share"]) for a in AREAS])


@data_cache
def offending_rates() -> tuple[float, int, float]:
    """Yearly reoffending rate after release, the risk window in years, first-offence factor.

    The yearly rate is the constant hazard that gives ``offending.csv``'s share reoffending
    within the risk window.
    """
    offending = read_table("offending.csv").set_index("name")["value"].astype(float)
    reoffend_rate = 1.0 - (1.0 - offending["reoffend_within_two_years"]) ** (
        1.0 / offending["risk_window_years"]
    )
    return (
        float(reoffend_rate),
        int(offending["risk_window_years"]),
        float(offending["first_offence_factor"]),
    )
