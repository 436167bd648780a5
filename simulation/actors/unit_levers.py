"""Lever settings per public unit.

From the scenario's levers, overrides and unit-to-unit variation to the values each
(municipality, area) unit acts on in a year.

* ``adoption``: the share of municipalities where social innovation is worked on at all (chosen
  at random once per run); the others stay as in the baseline.
* ``coverage``: within an active municipality, the share of its welfare areas whose units work
  with non-public actors (areas chosen at random once per run).
* ``action_plan``: whether an action plan carries the unit's strategy; the levers are carried out
  as set either way, and what a plan does (continuity of funding, coordination across areas,
  shared scaling between units)
  acts in :mod:`simulation.year.strategy` (the source article: the action plan secures
  implementation).
* variation (patchwork): each unit draws its own value of a lever from a distribution
  (:func:`simulation.scenario.sample_variation`); overrides for a region, area or municipality
  take precedence over the draws (:meth:`simulation.scenario.Scenario.lever_for`).
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import numpy as np

from simulation.constants import AREAS
from simulation.inputs.registry import levers as lever_registry
from simulation.scenario import areas_covered, sample_variation

__all__ = ["UnitLevers", "INTENSITY_LEVERS", "resolve_unit_levers"]

INTENSITY_LEVERS = (
    "potential_mapping",
    "actor_mix",
    "innovation_support",
    "facilitation",
    "competence",
    "scaling",
    "quality_assurance",
    "challenge_based",
)


@dataclass(frozen=True, slots=True)
class UnitLevers:
    """The lever values one unit acts on (after adoption and coverage).

    Units with the same settings share one instance (so ``values`` must not be modified): in
    a uniform scenario all active units of a run have the same one.

    Attributes:
        active: whether the unit works with non-public actors at all.
        values: lever name -> effective value.
        public_role: ``"driver"`` or ``"enabler"``.
        action_plan: whether an action plan carries the strategy.
    """

    active: bool
    values: dict[str, float]
    public_role: str
    action_plan: bool

    def __getitem__(self, name: str) -> float:
        return self.values[name]


def _lever_for(
    source: Any, code: int, area: str, drawn: dict[str, Any], defaults: dict[str, Any]
) -> dict[str, Any]:
    """Effective levers for one unit, with its variation draws (registry defaults for the rest)."""
    if hasattr(source, "lever_for"):
        return {**defaults, **source.lever_for(code, area, drawn)}
    return {**defaults, **source, **drawn}


def resolve_unit_levers(
    source: Any,
    codes: np.ndarray,
    regions: np.ndarray,
    simulated: np.ndarray,
    rng: np.random.Generator,
) -> dict[tuple[int, str], UnitLevers]:
    """Resolve the levers of every (municipality index, area) unit for a run.

    Args:
        source: a ``Scenario`` (with ``lever_for(code, area)``) or a plain dict of lever values.
        codes: municipality codes in model order.
        regions: region code of each municipality.
        simulated: mask of simulated municipalities.
        rng: the strategy random stream (drawn in a fixed order, so runs are reproducible).

    Returns:
        ``{(municipality index, area): UnitLevers}`` for the simulated municipalities; units
        with equal settings share one instance.
    """
    defaults = {k: p.default for k, p in lever_registry().items()}
    variation = {k: v for k, v in (getattr(source, "variation", None) or {}).items() if v}
    out: dict[tuple[int, str], UnitLevers] = {}
    shared: dict[tuple[Any, ...], UnitLevers] = {}
    n = len(codes)
    # Draws happen for every municipality in a fixed order, simulated or not, so that the
    # same municipality gets the same draws whatever subset is simulated.
    adopt_u = rng.random(n)
    area_u = rng.random((n, len(AREAS)))
    var_rng = np.random.default_rng(rng.integers(2**63))
    # each area's place in a random order within its municipality
    rank = (area_u[:, None, :] < area_u[:, :, None]).sum(axis=2).tolist()
    adopt = adopt_u.tolist()
    names = sorted(variation)
    idle = (0.0,) * len(INTENSITY_LEVERS)
    intensities = itemgetter(*INTENSITY_LEVERS)
    for i in range(n):
        code = int(codes[i])
        for j, area in enumerate(AREAS):
            drawn = {name: sample_variation(variation[name], var_rng) for name in names}
            if not simulated[i]:
                continue
            base = _lever_for(source, code, area, drawn, defaults)
            plan = bool(base["action_plan"])
            values = idle
            if adopt[i] < float(base["adoption"]) and rank[i][j] < areas_covered(
                base["coverage"], len(AREAS)
            ):
                values = tuple([float(v) for v in intensities(base)])
            key = (values, str(base["public_role"]), plan)
            unit = shared.get(key)
            if unit is None:
                unit = shared[key] = UnitLevers(
                    active=any(v > 0 for v in values),
                    values=dict(zip(INTENSITY_LEVERS, values, strict=True)),
                    public_role=key[1],
                    action_plan=plan,
                )
            out[(i, area)] = unit
    return out
