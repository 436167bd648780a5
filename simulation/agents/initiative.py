"""Initiatives: socially innovative welfare solutions, created by or with non-public actors."""

from __future__ import annotations

from typing import Any

import mesa

__all__ = ["Initiative", "STAGES"]

STAGES = ("proposed", "pilot", "running", "scaled", "stopped")


class Initiative(mesa.Agent):
    """One initiative and its lifecycle (proposed, pilot, running, scaled, stopped).

    Attributes:
        municipality: municipality index (-1 for national online initiatives).
        area: welfare area.
        kind: the kind (``data/initiative_types.csv``), e.g. ``"reablement"``.
        lead: the leading actor (association, online community, enterprise or the unit itself).
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
        hours_per_participant: volunteer hours per participant (hour-based kinds).
        cost_per_participant: DKK per participant paid by the public (grants or contracts).
        funded: ``"grant"`` (public driver) or ``"contract"`` (public enabler).
        reached: participants reached this year (real persons).
        started: year started; stopped_year: year stopped or ``None``.
    """

    def __init__(self, model: Any, **attributes: Any) -> None:
        super().__init__(model)
        self.municipality: int = -1
        self.area: str = ""
        self.kind: str = ""
        self.lead: Any = None
        self.lead_type: str = ""
        self.target_level: int = 0
        self.acts_on: str = "incidence"
        self.true_effect: float = 0.0
        self.expected_effect: float = 0.0
        self.measured_effect: float | None = None
        self.quality: float = 0.5
        self.stage: str = "proposed"
        self.capacity: float = 0.0
        self.jobs: float = 0.0
        self.hours_per_participant: float = 0.0
        self.cost_per_participant: float = 0.0
        self.funded: str = "grant"
        self.reached: float = 0.0
        self.started: int = 0
        self.stopped_year: int | None = None
        self.stop_reason: str = ""
        self.is_active: bool = True  # in pilot, running or scaled stage (False once stopped)
        self.age_low: int = 0
        self.age_high: int = 110
        self.resource: str = "money"
        for key, value in attributes.items():
            setattr(self, key, value)

    def stop(self, year: int, reason: str) -> None:
        """Stop the initiative (its lead and participants are released)."""
        self.stage = "stopped"
        self.is_active = False
        self.stopped_year = year
        self.stop_reason = reason
        self.jobs = 0.0

    def multiplier(self, effect_scale: float) -> float:
        """Multiplier on the target probability for a reached citizen (>= 0)."""
        return max(0.0, 1.0 + self.true_effect * effect_scale)
