"""The citizens of 1 January 2026: drawn from the base population, with their needs and roles.

They depend only on the seed, the scale and the simulated municipalities (the model's ``init``
stream draws nothing else), so a process keeps the last few small sets (within the limits of the
kept trajectories, :mod:`simulation.year.trajectories`) and runs of a sweep that share a seed
(common random numbers) start from a copy of the first one's citizens: the same result, drawn
once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulation.actors.citizens import CitizenSet
from simulation.constants import AREAS, BASE_YEAR, N_AGES
from simulation.inputs.projection import frkm126_counts
from simulation.year.demography import draw_from_cdf, group_shapes
from simulation.year.trajectories import KEEP_RUNS, KEEP_UP_TO

if TYPE_CHECKING:
    from simulation.model import WelfareModel

__all__ = ["starting_citizens"]

# (seed, scale, municipalities) -> a copy of the starting citizens, the most recent last
_STARTING_CITIZENS: dict[tuple[int, float, bytes], CitizenSet] = {}


def starting_citizens(model: WelfareModel) -> CitizenSet:
    """The citizens of 1 January 2026 of ``model``, drawn or copied from the process's store.

    Args:
        model: the model being set up (its seed, scale, simulated municipalities, ``init``
            stream, need model, addressable shares and offending figures are used).
    """
    key = (model.seed, model.scale, model.simulated.tobytes())
    kept = _STARTING_CITIZENS.get(key)
    if kept is not None:
        return kept.copy(model)
    citizens = _initial_citizens(model)
    _init_roles(model, citizens)
    if len(citizens) <= KEEP_UP_TO:
        _STARTING_CITIZENS[key] = citizens.copy(None)
        while len(_STARTING_CITIZENS) > KEEP_RUNS:
            _STARTING_CITIZENS.pop(next(iter(_STARTING_CITIZENS)))
    return citizens


def _initial_citizens(model: WelfareModel) -> CitizenSet:
    """Draw the simulated citizens of 1 January 2026 from the base population.

    Each municipality's FRKM126 age group gets ``round(scale x residents)`` citizens, whose
    single ages and sexes are drawn from the national distribution within the group (HMD
    2021 population aged to 2026, see :func:`simulation.inputs.projection.base_population`).
    """
    rng = model.streams["init"]
    counts = np.rint(frkm126_counts()[BASE_YEAR] * model.scale).astype(np.int64)
    counts[~model.simulated] = 0
    mun_parts, sex_parts, age_parts = [], [], []
    for g, (ages, cdf) in enumerate(group_shapes()):
        k = int(counts[:, g].sum())
        pick = draw_from_cdf(cdf, k, rng)
        mun_parts.append(np.repeat(np.arange(model.n_municipalities), counts[:, g]))
        sex_parts.append(pick // len(ages))
        age_parts.append(ages[pick % len(ages)])
    mun = np.concatenate(mun_parts).astype(np.int16)
    sex = np.concatenate(sex_parts).astype(np.int8)
    age = np.concatenate(age_parts).astype(np.int16)
    n = len(mun)
    citizens = CitizenSet(
        model,
        {
            "pid": np.arange(n, dtype=np.int64),
            "municipality": mun,
            "age": age,
            "sex": sex,
            "born": (BASE_YEAR - 1 - age).astype(np.int16),
            "arrived": np.full(n, -1, dtype=np.int16),
        },
        weight=1.0 / model.scale,
    )
    need = citizens.add_column("need", np.int8, np.zeros(len(AREAS), dtype=np.int8))
    u = rng.random((len(AREAS), n))
    for j, area in enumerate(AREAS):
        need[:, j] = model.needs.draw_initial(area, sex, age, u[j])
    return citizens


def _init_roles(model: WelfareModel, c: CitizenSet) -> None:
    """Columns the strategy mechanisms use: who can be addressed, who is reached, release."""
    c.add_column("addressable", bool, np.zeros(len(AREAS), dtype=bool))
    c.add_column("released", np.int16, -9999)
    rng = model.streams["init"]
    u = rng.random((len(c), len(AREAS)))
    c.addressable[:] = u < model.addressable_share[None, :]
    # Former offenders released in the two years before 2026: the sentenced profile by age
    # and sex times the yearly release rate, for each of the two years.
    rehab = model.needs.levels["rehabilitation"][0]
    prev = rehab.prevalence[c.sex, np.minimum(c.age, N_AGES - 1)]
    p_released = np.minimum(prev * rehab.remission * model.risk_window, 1.0)
    v = rng.random(len(c))
    released = (c.need[:, AREAS.index("rehabilitation")] == 0) & (v < p_released)
    c.released[released] = BASE_YEAR - 1 - (v[released] < p_released[released] / 2)
