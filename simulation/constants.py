"""Constants shared by the whole package: the welfare areas, the base year and the ages.

They are the model's coordinates rather than parameters: every array of the model is laid out
along them, so changing one is a change of the model, not of a scenario. The areas' data (demand
rules, costs, addressable shares) are in ``inputs/data/areas.csv`` and the other data files, in
this order (a test checks that every area there is one of these).
"""

from __future__ import annotations

__all__ = ["AREAS", "BASE_YEAR", "LAST_YEAR", "MAX_AGE", "N_AGES"]

AREAS = (
    "elderly_care",
    "health",
    "mental_health",
    "employment",
    "integration",
    "rehabilitation",
)
"""The welfare areas, in the order of every per-area array."""

BASE_YEAR = 2026
"""The first simulated year: the population is that of 1 January 2026 (FRKM126's base)."""

LAST_YEAR = 2050
"""The last year a run can reach."""

MAX_AGE = 110
"""The oldest single age; ages above it are counted in it."""

N_AGES = MAX_AGE + 1
"""Number of single ages 0..MAX_AGE, the length of every by-age table."""
