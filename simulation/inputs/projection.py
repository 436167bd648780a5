"""Alignment targets: the FRKM126 projection to 2040 and its cohort-component continuation.

The microsimulation is aligned, each year, to the number of residents of every municipality and
FRKM126 age group (the method of LIAM2 and other dynamic microsimulations). The targets are:

* 2026-2040: DST's FRKM126 projection (2026 vintage), linearly interpolated between the
  published years 2026, 2030 and 2040.
* after 2040: a deterministic cohort-component projection by municipality, sex and single age
  that applies the same rates as the microsimulation (mortality with improvement, fertility,
  emigration, moves between municipalities) and continues net immigration at its average level
  of the last five calibrated years. No 2050 figure enters the model.

This module also builds the 2026 base population by municipality, sex and single age, and the
destination probabilities of moves between municipalities.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from simulation.constants import BASE_YEAR, MAX_AGE, N_AGES
from simulation.inputs.data import read_table
from simulation.inputs.geography import municipalities
from simulation.inputs.rates import base_rates, demography_parameters, parse_age

__all__ = [
    "AgeGroups",
    "age_groups",
    "frkm126_counts",
    "base_population",
    "move_destinations",
    "Projection",
    "project",
]


@dataclass(frozen=True)
class AgeGroups:
    """The FRKM126 age groups.

    Attributes:
        names: group labels (``"0-5"`` ... ``"80+"``).
        columns: column names in the FRKM126 file.
        of_age: group index of every single age 0..110.
    """

    names: tuple[str, ...]
    columns: tuple[str, ...]
    of_age: np.ndarray


@cache
def age_groups() -> AgeGroups:
    """Return the FRKM126 age groups."""
    table = read_table("age_groups.csv")
    of_age = np.full(N_AGES, -1, dtype=np.int8)
    for i, row in enumerate(table.to_dict("records")):
        of_age[int(row["age_low"]) : int(row["age_high"]) + 1] = i
    assert (of_age >= 0).all()
    return AgeGroups(tuple(table["group"]), tuple(table["column"]), of_age)


@cache
def frkm126_counts() -> dict[int, np.ndarray]:
    """Return FRKM126 residents by year: ``{year: array (municipality, group)}``.

    Municipalities are in the order of :func:`simulation.inputs.geography.municipalities` (by code).
    """
    table = read_table("frkm126_municipal_population.csv")
    codes = municipalities()["code"].to_numpy()
    groups = age_groups()
    out = {}
    for year, sub in table.groupby("year"):
        sub = sub.set_index("kommunekode").loc[codes]
        out[int(year)] = sub[list(groups.columns)].to_numpy(dtype=float)
    return out


@cache
def _age_sex_shape() -> np.ndarray:
    """Single-age and sex distribution in 2026, shape (2, N_AGES), from HMD 2021 aged 5 years."""
    pop = read_table("population_hmd.csv")
    pop = pop[(pop["year"].astype(int) == 2021) & (pop["sex"] != "total")]
    p2021 = np.zeros((2, N_AGES))
    for s, sex in enumerate(("male", "female")):
        sel = pop[pop["sex"] == sex]
        p2021[s, np.minimum(parse_age(sel["age"]), MAX_AGE)] += sel["population"].astype(float)
    q = base_rates().q_base
    shape = np.zeros_like(p2021)
    aged = p2021.copy()
    for _ in range(5):  # survive and age five years, 2021 -> 2026
        survivors = aged * (1.0 - q)
        aged = np.zeros_like(aged)
        aged[:, 1:] = survivors[:, :-1]
        aged[:, MAX_AGE] += survivors[:, MAX_AGE]
    shape[:, 5:] = aged[:, 5:]
    shape[:, :5] = p2021[:, :5]  # born 2021-2025: the 2021 infants' shape
    return shape


@cache
def base_population() -> np.ndarray:
    """Residents on 1 January 2026 by municipality, sex and single age, shape (98, 2, N_AGES).

    Each municipality's FRKM126 age-group counts are split into single ages and sexes with the
    national distribution within the group (HMD population of 2021, survived and aged to 2026).
    """
    groups = age_groups()
    shape = _age_sex_shape()
    counts = frkm126_counts()[BASE_YEAR]
    out = np.zeros((counts.shape[0], 2, N_AGES))
    for g in range(len(groups.names)):
        ages = groups.of_age == g
        within = shape[:, ages] / shape[:, ages].sum()
        out[:, :, ages] = counts[:, g][:, None, None] * within[None, :, :]
    return out


@cache
def move_destinations() -> np.ndarray:
    """Destination probabilities of moves between municipalities, shape (98, 98), rows sum to 1.

    Weight of destination j for a mover from i: population of j x exp(-distance / d0), i != j.
    """
    geo = municipalities()
    lat = np.radians(geo["lat"].to_numpy())
    lon = np.radians(geo["lon"].to_numpy())
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    dist = 2 * 6371.0 * np.arcsin(np.sqrt(a))
    pop = frkm126_counts()[BASE_YEAR].sum(axis=1)
    d0 = demography_parameters()["internal_move_distance_km"]
    w = pop[None, :] * np.exp(-dist / d0)
    np.fill_diagonal(w, 0.0)
    return w / w.sum(axis=1, keepdims=True)


def emigration_rates(population: np.ndarray) -> np.ndarray:
    """Emigration probability by single age, levelled to the reported yearly total.

    Args:
        population: residents by (municipality, sex, age) in the base year.
    """
    rates = base_rates()
    profile = rates.emigration_profile
    expected = (population.sum(axis=(0, 1)) * profile).sum()
    return profile * demography_parameters()["emigrations_total"] / expected


@dataclass(frozen=True)
class Projection:
    """Targets for the alignment.

    Attributes:
        years: the years of ``targets`` (1 January), BASE_YEAR .. end.
        targets: residents by year, municipality and age group, shape (years, 98, groups).
        net_migration: net immigration by year of the flow (years - 1, 98, groups).
        emigration: emigration probability by single age (N_AGES,).
    """

    years: np.ndarray
    targets: np.ndarray
    net_migration: np.ndarray
    emigration: np.ndarray

    def target(self, year: int) -> np.ndarray:
        """Residents on 1 January ``year`` by municipality and age group."""
        return self.targets[year - int(self.years[0])]


def _frkm126_target(year: int) -> np.ndarray:
    data = frkm126_counts()
    anchors = sorted(data)
    if year in data:
        return data[year]
    lo = max(y for y in anchors if y < year)
    hi = min(y for y in anchors if y > year)
    w = (year - lo) / (hi - lo)
    return (1 - w) * data[lo] + w * data[hi]


@cache
def project(
    mortality_improvement: float,
    fertility: float,
    migration_scale: float = 1.0,
    end_year: int = 2051,
) -> Projection:
    """Run the cohort-component projection from 2026 to ``end_year`` (1 January).

    Until the alignment end year (2040) net migration per municipality and age group is whatever
    reproduces FRKM126; afterwards it is ``migration_scale`` times its average over the last
    five calibrated years.

    Args:
        mortality_improvement: yearly relative decline in death rates.
        fertility: long-run total fertility rate.
        migration_scale: multiplier on net immigration after the alignment end year.
        end_year: last year of the targets.
    """
    params = demography_parameters()
    align_end = int(params["alignment_end_year"])
    window_start = int(params["continuation_window_start"])
    rates = base_rates()
    groups = age_groups()
    n_groups = len(groups.names)
    male_share = params["male_share_at_birth"]
    dest = move_destinations()

    pop = base_population().copy()
    emig = emigration_rates(pop)
    years = np.arange(BASE_YEAR, end_year + 1)
    targets = np.zeros((len(years), pop.shape[0], n_groups))
    net = np.zeros((len(years) - 1, pop.shape[0], n_groups))
    onehot = np.eye(n_groups)[groups.of_age]  # (N_AGES, groups)
    targets[0] = pop.sum(axis=1) @ onehot

    for i, year in enumerate(years[:-1]):
        pop = pop * (1.0 - rates.q(year, mortality_improvement))[None]
        pop = pop * (1.0 - emig)[None, None, :]
        movers = pop * rates.internal_move[None, None, :]
        arriving = np.einsum("ij,isa->jsa", dest, movers)
        pop = pop - movers + arriving
        births = pop[:, 1, :] @ rates.asfr(year, fertility)
        aged = np.zeros_like(pop)
        aged[:, :, 1:] = pop[:, :, :-1]
        aged[:, :, MAX_AGE] += pop[:, :, MAX_AGE]
        aged[:, 0, 0] = births * male_share
        aged[:, 1, 0] = births * (1 - male_share)
        pop = aged
        current = pop.sum(axis=1) @ onehot
        if year + 1 <= align_end:
            goal = _frkm126_target(year + 1)
            net[i] = goal - current
        else:
            first = window_start - BASE_YEAR
            last = align_end - BASE_YEAR
            net[i] = migration_scale * net[first:last].mean(axis=0)
            net[i] = np.maximum(net[i], -current)
        factor = np.divide(current + net[i], current, out=np.ones_like(current), where=current > 0)
        pop = pop * factor[:, None, :][:, :, groups.of_age]
        targets[i + 1] = pop.sum(axis=1) @ onehot
    return Projection(years=years, targets=targets, net_migration=net, emigration=emig)
