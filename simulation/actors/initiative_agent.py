"""Initiatives: socially innovative welfare solutions, created by or with non-public actors.

The state of every initiative lives in the strategy's column store
(:class:`~simulation.actors.initiatives.InitiativeTable`); an :class:`Initiative` agent is a
Mesa agent that reads and writes its row.
"""

from __future__ import annotations

from typing import Any

import mesa

from simulation.actors.initiatives import FUNDING, STAGES, STOP_REASONS, STOPPED, multiplier
from simulation.constants import AREAS
from simulation.inputs.initiative_kinds import ACTOR_ORDER, RESOURCES, InitiativeKind, kind_arrays

__all__ = ["Initiative", "STAGES"]


class Initiative(mesa.Agent):
    """One initiative and its lifecycle (pilot, running, scaled, stopped): a view of its row.

    Attributes:
        initiative_id: its row in the strategy's table (the id used in reach records).
        municipality: municipality index.
        area: welfare area.
        kind: the kind (``data/initiative_types.csv``), e.g. ``"reablement"``.
        kind_spec: the kind's :class:`~simulation.inputs.initiative_kinds.InitiativeKind`.
        lead: the leading actor (association, online community or enterprise agent, or the
            text ``"municipal volunteer centre"``).
        lead_type: ``volunteer``, ``association``, ``social_enterprise``, ``firm`` or ``online``.
        target_level: need level worked on (0 = prevention among citizens without need).
        acts_on: ``"incidence"`` or ``"remission"``.
        true_effect: relative change of the probability for a reached citizen (unknown to units).
        expected_effect: the effect the unit expected when it selected the initiative.
        measured_effect: the latest evaluated effect, or ``None`` if never evaluated.
        quality: how good the solution is, from 0 to 1 (rank of its true effect in its kind).
        stage: the lifecycle stage.
        is_active: whether it is in pilot, running or scaled stage.
        capacity: participants it can reach a year (real persons), before resource limits.
        jobs: jobs it holds at its enterprise (job-based kinds).
        resource: ``"money"``, ``"hours"`` or ``"jobs"``: what limits its reach.
        hours_per_participant: volunteer hours per participant (hour-based kinds).
        cost_per_participant: DKK per participant paid by the public (grants or contracts).
        funded: ``"grant"`` (public driver) or ``"contract"`` (public enabler).
        reached: participants reached this year (real persons).
        started: year started; stopped_year: year stopped or ``None``; stop_reason: why.
    """

    def __init__(self, model: Any, table: Any, row: int) -> None:
        super().__init__(model)
        self._table = table
        self.initiative_id = int(row)

    def _get(self, column: str) -> Any:
        return getattr(self._table, column)[self.initiative_id].item()

    @property
    def kind_spec(self) -> InitiativeKind:
        """The kind's record."""
        return kind_arrays().specs[self._get("kind")]

    municipality = property(lambda self: self._get("municipality"))
    area = property(lambda self: AREAS[self._get("area")])
    kind = property(lambda self: self.kind_spec.kind)
    lead_type = property(lambda self: ACTOR_ORDER[self._get("lead_type")])
    target_level = property(lambda self: self.kind_spec.target_level)
    acts_on = property(lambda self: self.kind_spec.acts_on)
    age_low = property(lambda self: self.kind_spec.age_low)
    age_high = property(lambda self: self.kind_spec.age_high)
    resource = property(lambda self: RESOURCES[kind_arrays().resource[self._get("kind")]])
    hours_per_participant = property(lambda self: self.kind_spec.hours_per_participant)
    cost_per_participant = property(lambda self: self.kind_spec.cost_per_participant)
    true_effect = property(lambda self: self._get("true_effect"))
    expected_effect = property(lambda self: self._get("expected_effect"))
    quality = property(lambda self: self._get("quality"))
    capacity = property(lambda self: self._get("capacity"))
    jobs = property(lambda self: self._get("jobs"))
    reached = property(lambda self: self._get("reached"))
    started = property(lambda self: self._get("started"))
    funded = property(lambda self: FUNDING[self._get("funded")])
    stop_reason = property(lambda self: STOP_REASONS[self._get("stop_reason")])

    @property
    def measured_effect(self) -> float | None:
        """The latest evaluated effect (``None`` if never evaluated)."""
        value = self._get("measured_effect")
        return None if value != value else value  # NaN: never evaluated

    @property
    def stage(self) -> str:
        """The lifecycle stage."""
        return STAGES[self._get("stage")]

    @property
    def is_active(self) -> bool:
        """Whether it is in pilot, running or scaled stage."""
        return self._get("stage") < STOPPED

    @property
    def stopped_year(self) -> int | None:
        """Year stopped, or ``None``."""
        year = self._get("stopped_year")
        return None if year < 0 else year

    @property
    def lead(self) -> Any:
        """The leading actor's agent (or the volunteer centre's name)."""
        return self.model.civil_society.actor(self.lead_type, self._get("lead"))

    def stop(self, year: int, reason: str) -> None:
        """Stop the initiative (its lead and participants are released)."""
        if self.is_active:
            self._table.stop([self.initiative_id], year, reason)

    def multiplier(self, effect_scale: float) -> float:
        """Multiplier on the target probability for a reached citizen (>= 0)."""
        return float(multiplier(self.true_effect, effect_scale))
