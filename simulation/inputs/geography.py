"""The 98 municipalities and 5 regions: codes, names, regions and map positions."""

from __future__ import annotations

from functools import cache

import pandas as pd

from simulation.inputs.data import read_table

__all__ = ["municipalities", "regions", "REGION_CODES"]

REGION_CODES = (1081, 1082, 1083, 1084, 1085)


@cache
def _municipalities() -> pd.DataFrame:
    pop = read_table("frkm126_municipal_population.csv")
    base = pop[pop["year"] == 2026][["kommunekode", "kommune", "regionskode", "region"]]
    base = base.rename(
        columns={
            "kommunekode": "code",
            "kommune": "name",
            "regionskode": "region_code",
            "region": "region_name",
        }
    )
    geo = read_table("municipalities_geo.csv")[["code3", "inner_lat", "inner_lon", "area_km2"]]
    geo = geo.rename(columns={"code3": "code", "inner_lat": "lat", "inner_lon": "lon"})
    out = base.merge(geo, on="code", how="left", validate="one_to_one")
    return out.sort_values("code").reset_index(drop=True)


def municipalities() -> pd.DataFrame:
    """Return the 98 municipalities sorted by code.

    Columns: ``code`` (3-digit DST code), ``name`` (FRKM126 spelling), ``region_code``
    (1081-1085), ``region_name``, ``lat``/``lon`` (a point inside the municipality) and
    ``area_km2``.
    """
    return _municipalities().copy()


def regions() -> pd.DataFrame:
    """Return the 5 regions: ``region_code``, ``region_name`` and ``n_municipalities``."""
    m = _municipalities()
    out = m.groupby(["region_code", "region_name"], as_index=False).agg(
        n_municipalities=("code", "size")
    )
    return out
