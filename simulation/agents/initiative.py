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

    _DEFAULTS: dict[str, Any] = {  # noqa: RUF012 - read-only template
        "municipality": -1,
        "area": "",
        "kind": "",
        "lead": None,
        "lead_type": "",
        "target_level": 0,
        "acts_on": "incidence",
        "true_effect": 0.0,
        "expected_effect": 0.0,
        "measured_effect": None,
        "quality": 0.5,
        "stage": "proposed",
        "capacity": 0.0,
        "jobs": 0.0,
        "hours_per_participant": 0.0,
        "cost_per_participant": 0.0,
        "funded": "grant",
        "reached": 0.0,
        "started": 0,
        "stopped_year": None,
        "stop_reason": "",
        "is_active": True,  # in pilot, running or scaled stage (False once stopped)
        "age_low": 0,
        "age_high": 110,
        "resource": "money",
    }

    def __init__(self, model: Any, **attributes: Any) -> None:
        super().__init__(model)
        self.__dict__.update(self._DEFAULTS)
        self.__dict__.update(attributes)

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
