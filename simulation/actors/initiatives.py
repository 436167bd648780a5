"""The register of initiatives, stored column-wise like the citizens.

Strategy starts about a thousand initiatives a year at their real-world numbers (whatever the
scale of the citizen sample), evaluates, scales and stops them. Their state is kept in NumPy
columns (:class:`InitiativeTable`, a :class:`~simulation.actors.columns.ColumnStore`), one row
per initiative ever started, so that a year's lifecycle, proposals and reach are a handful of
array operations. The Mesa agent of an initiative (:class:`Initiative`) is a view of its row,
made when someone looks at it (the app, a test, an analysis).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulation.actors.columns import ColumnStore, RowAgent, column
from simulation.constants import AREAS
from simulation.inputs.initiative_kinds import ACTOR_ORDER, RESOURCES, InitiativeKind, kind_arrays

__all__ = [
    "Initiative",
    "InitiativeTable",
    "STAGES",
    "STOP_REASONS",
    "FUNDING",
    "PILOT",
    "RUNNING",
    "SCALED",
    "multiplier",
]

STAGES = ("proposed", "pilot", "running", "scaled", "stopped")
PILOT, RUNNING, SCALED, STOPPED = 1, 2, 3, 4
STOP_REASONS = (
    "",
    "partnership failed",
    "evaluation showed no benefit",
    "ended",
    "lead closed",
    "funding ended",
)
FUNDING = ("grant", "contract")


def multiplier(true_effect: Any, effect_scale: float) -> Any:
    """Multiplier on the target probability of a reached citizen (never below 0)."""
    return np.maximum(0.0, 1.0 + true_effect * effect_scale)


# name -> dtype, fill value of a new row's column
_COLUMNS: dict[str, tuple[Any, Any]] = {
    "municipality": (np.int64, -1),
    "area": (np.int64, 0),
    "kind": (np.int64, 0),
    "lead_type": (np.int64, 0),  # index into initiative_kinds.ACTOR_ORDER
    "lead": (np.int64, -1),  # row of the lead in its actor table (-1: the volunteer centre)
    "stage": (np.int8, PILOT),
    "true_effect": (np.float64, 0.0),
    # effect in ordinary operation over effect in the pilot (implementation fidelity)
    "fidelity": (np.float64, 1.0),
    "pilot_gain": (np.float64, 1.0),  # effect in the pilot over true_effect
    "expected_effect": (np.float64, 0.0),
    "measured_effect": (np.float64, np.nan),  # NaN: never evaluated
    "quality": (np.float64, 0.5),
    "capacity": (np.float64, 0.0),
    "jobs": (np.float64, 0.0),
    "reached": (np.float64, 0.0),
    "funded": (np.int8, 0),  # index into FUNDING
    "started": (np.int64, 0),
    "stopped_year": (np.int64, -1),
    "stop_reason": (np.int8, 0),  # index into STOP_REASONS
}


class InitiativeTable(ColumnStore):
    """Columns of every initiative ever started (rows never move; a row is an initiative's id).

    Every column of :data:`_COLUMNS` is an attribute holding the used rows (a view of a larger
    buffer that grows by doubling); :meth:`~ColumnStore.view` gives an initiative's agent.

    Args:
        capacity: rows to reserve.
    """

    COLUMNS = _COLUMNS
    GROWS_IN_PLACE = True
    NOUN = "initiative"

    def __init__(self, capacity: int = 1024) -> None:
        super().__init__(capacity=capacity)

    def active(self) -> np.ndarray:
        """Mask of the initiatives in pilot, running or scaled stage."""
        stage = self.stage
        return (stage >= PILOT) & (stage <= SCALED)

    def looks(self, rows: np.ndarray) -> np.ndarray:
        """The effect a unit sees: the measured one if evaluated, else the one it expected."""
        seen = self.measured_effect[rows]
        return np.where(np.isnan(seen), self.expected_effect[rows], seen)

    def stop(self, rows: np.ndarray, year: int, reason: str) -> None:
        """Stop initiatives (their jobs are released)."""
        self.stage[rows] = STOPPED
        self.stopped_year[rows] = year
        self.stop_reason[rows] = STOP_REASONS.index(reason)
        self.jobs[rows] = 0.0


class Initiative(RowAgent):
    """One initiative and its lifecycle (pilot, running, scaled, stopped): a view of its row.

    Attributes:
        initiative_id: its row in the strategy's table (the id used in reach records).
        municipality: municipality index.
        area: welfare area.
        kind: the kind (``data/initiative_types.csv``), e.g. ``"visiting_friends"``.
        kind_spec: the kind's :class:`~simulation.inputs.initiative_kinds.InitiativeKind`.
        lead: the leading actor (association, online community or enterprise agent, or the
            text ``"municipal volunteer centre"``).
        lead_type: ``volunteer``, ``association``, ``social_enterprise``, ``firm`` or ``online``.
        target_level: need level worked on (0 = prevention among citizens without need).
        acts_on: ``"incidence"`` or ``"remission"``.
        true_effect: relative change of the probability for a reached citizen (unknown to units),
            in ordinary operation by a unit without trained staff.
        fidelity: effect in ordinary operation over the effect in the pilot (implementation
            fidelity, higher with trained staff).
        acting_effect: the effect acting now: ``true_effect x pilot_gain`` in the pilot, that
            times ``fidelity`` after it.
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

    @property
    def initiative_id(self) -> int:
        """Its row in the strategy's table (rows of initiatives never move)."""
        return self.row

    @property
    def kind_spec(self) -> InitiativeKind:
        """The kind's record."""
        return kind_arrays().specs[self._get("kind")]

    municipality = column("municipality")
    area = column("area", AREAS.__getitem__)
    kind = property(lambda self: self.kind_spec.kind)
    lead_type = column("lead_type", ACTOR_ORDER.__getitem__)
    target_level = property(lambda self: self.kind_spec.target_level)
    acts_on = property(lambda self: self.kind_spec.acts_on)
    age_low = property(lambda self: self.kind_spec.age_low)
    age_high = property(lambda self: self.kind_spec.age_high)
    resource = property(lambda self: RESOURCES[kind_arrays().resource[self._get("kind")]])
    hours_per_participant = property(lambda self: self.kind_spec.hours_per_participant)
    cost_per_participant = property(lambda self: self.kind_spec.cost_per_participant)
    true_effect = column("true_effect")
    fidelity = column("fidelity")
    expected_effect = column("expected_effect")
    quality = column("quality")
    capacity = column("capacity")
    jobs = column("jobs")
    reached = column("reached")
    started = column("started")
    funded = column("funded", FUNDING.__getitem__)
    stop_reason = column("stop_reason", STOP_REASONS.__getitem__)

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
            self._store.stop([self.row], year, reason)

    @property
    def acting_effect(self) -> float:
        """The effect acting now: the pilot's, or the pilot's x fidelity in operation."""
        gain = self._get("pilot_gain")
        if self._get("stage") != PILOT:
            gain *= self._get("fidelity")
        return self.true_effect * gain

    def multiplier(self, effect_scale: float) -> float:
        """Multiplier on the target probability for a reached citizen (>= 0), after fading."""
        acting = self.acting_effect * kind_arrays().fade[self._get("kind")]
        return float(multiplier(acting, effect_scale))


InitiativeTable.view_class = Initiative
