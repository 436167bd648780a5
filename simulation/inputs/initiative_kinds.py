"""The kinds of initiative (``data/initiative_types.csv``), one by one and as columns.

Strategy works on thousands of initiatives a year, so it looks their kind's numbers up in
arrays indexed by a kind number (:class:`KindArrays`); :class:`InitiativeKind` is the readable
record of one kind, for reports, the app and tests.

Besides the effect, each kind carries its evidence (``evidence_basis``: a published estimate or
an assumed mean; ``evidence_population``, ``evidence_outcome``, ``mapping``: what the source
studied and how it is turned into the model's relative change), its mean at scale and the spread
of its initiatives' true effects (both derived with :mod:`simulation.year.evidence` from the
strategy numbers), the yearly base rate of the model's outcome in the target group (it converts an
evaluation's standard error to the relative scale) and the half-life of the gain of a time-limited
course (its fading); ``docs/evidence.md`` gives the reasoning kind by kind.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.constants import AREAS
from simulation.inputs.data import data_cache, read_table

__all__ = [
    "ACTOR_ORDER",
    "RESOURCES",
    "InitiativeKind",
    "KindArrays",
    "load_kinds",
    "kind_arrays",
    "fade_factor",
]

ACTOR_ORDER = ("association", "volunteer", "social_enterprise", "online", "firm")
RESOURCES = ("money", "hours", "jobs")


@dataclass(frozen=True)
class InitiativeKind:
    """A kind of initiative from ``data/initiative_types.csv``."""

    area: str
    kind: str
    leads: tuple[str, ...]
    target_level: int
    age_low: int
    age_high: int
    acts_on: str
    effect_mean: float
    effect_sd: float  # derived: heterogeneity_cv x |mean at scale| (simulation.year.evidence)
    resource: str
    hours_per_participant: float
    cost_per_participant: float
    outcome_base_rate: float = float("nan")
    fade_half_life_years: float = float("inf")
    evidence_population: str = ""
    evidence_outcome: str = ""
    mapping: str = ""
    published: bool = False
    mean_at_scale: float = float("nan")

    durability: float = 1.0

    @property
    def fade(self) -> float:
        """Share of the measured gain acting: :func:`fade_factor` x ``durability``.

        ``durability`` is 1 for prevention; for recovery kinds it is the share of the extra
        remissions that last (``remission_durability`` in ``data/strategy.csv``: people who
        recently left a need return to it more often than the model's incidence says).
        """
        return float(fade_factor(np.array([self.fade_half_life_years]))[0]) * self.durability

    def benefit(self, effect: float) -> float:
        """Benefit of a relative effect: a fall in incidence or a rise in remission is good."""
        return -effect if self.acts_on == "incidence" else effect


def fade_factor(half_life_years: np.ndarray) -> np.ndarray:
    """Mean over a year of a gain halving every ``half_life_years`` (1 where it does not fade).

    A course's gain, measured at its end, decays as ``exp(-lambda t)`` with ``lambda = ln 2 /
    half-life``; a citizen reached in a year gets its mean over that year, ``(1 - exp(-lambda)) /
    lambda``, and nothing after it unless reached again (a reached citizen is drawn anew each year).
    """
    h = np.asarray(half_life_years, dtype=float)
    rate = np.log(2.0) / np.where(np.isfinite(h) & (h > 0), h, np.inf)
    safe = np.where(rate > 0, rate, 1.0)
    return np.where(rate > 0, -np.expm1(-safe) / safe, 1.0)


def _number(value, blank: float) -> float:
    """A number from a data cell, ``blank`` where the cell is empty."""
    text = str(value).strip()
    return float(text) if text else blank


def _basis(value) -> bool:
    """True for a published estimate, False for an assumed mean (``evidence_basis``)."""
    text = str(value).strip()
    if text not in ("published", "assumption"):
        raise ValueError(f"evidence_basis must be published or assumption, not {text!r}")
    return text == "published"


@data_cache
def load_kinds() -> dict[str, list[InitiativeKind]]:
    """Initiative kinds by area (in the order of the data file)."""
    from simulation.inputs.mechanism_numbers import strategy_parameters
    from simulation.year.evidence import effect_spread, mean_at_scale

    sp = strategy_parameters()
    table = read_table("initiative_types.csv")
    out: dict[str, list[InitiativeKind]] = {a: [] for a in AREAS}
    for row in table.to_dict("records"):
        published = _basis(row["evidence_basis"])
        at_scale = float(mean_at_scale(np.array([float(row["effect_mean"])]), [published], sp)[0])
        out[row["area"]].append(
            InitiativeKind(
                area=row["area"],
                kind=row["kind"],
                leads=tuple(row["lead"].split("|")),
                target_level=int(row["target_level"]),
                age_low=int(row["age_low"]),
                age_high=int(row["age_high"]),
                acts_on=row["acts_on"],
                effect_mean=float(row["effect_mean"]),
                effect_sd=float(effect_spread(np.array([at_scale]), sp)[0]),
                resource=row["resource"],
                hours_per_participant=float(row["hours_per_participant"]),
                cost_per_participant=float(row["cost_per_participant_dkk"]),
                outcome_base_rate=float(row["outcome_base_rate"]),
                fade_half_life_years=_number(row["fade_half_life_years"], float("inf")),
                evidence_population=str(row["evidence_population"]),
                evidence_outcome=str(row["evidence_outcome"]),
                mapping=str(row["mapping"]),
                published=published,
                mean_at_scale=at_scale,
                durability=(
                    float(sp["remission_durability"]) if row["acts_on"] == "remission" else 1.0
                ),
            )
        )
    return out


@dataclass(frozen=True)
class KindArrays:
    """Every kind's numbers as arrays indexed by kind number (areas in :data:`AREAS` order).

    Attributes:
        specs: the kinds themselves, by number.
        area: area index.
        leads: (kinds, actor types) mask of the actor types (:data:`ACTOR_ORDER`) that may lead.
        sign: +1 where the effect acts on remission, -1 on incidence (benefit = sign x effect).
        resource: index into :data:`RESOURCES`.
        outcome_base_rate: yearly probability of the kind's outcome in its target group.
        fade: share of the measured gain acting over the year reached (1: no fading), for
            recovery kinds times the share of extra remissions that last (``durability``).
        published: the evidence mean is a published estimate (shrunk to scale).
        mean_at_scale: the mean true effect at scale
            (:func:`simulation.year.evidence.mean_at_scale`).
        effect_sd: the spread of true effects between initiatives (heterogeneity).
    """

    specs: tuple[InitiativeKind, ...]
    area: np.ndarray
    leads: np.ndarray
    target_level: np.ndarray
    age_low: np.ndarray
    age_high: np.ndarray
    on_incidence: np.ndarray
    sign: np.ndarray
    effect_mean: np.ndarray
    effect_sd: np.ndarray
    resource: np.ndarray
    hours_per_participant: np.ndarray
    cost_per_participant: np.ndarray
    outcome_base_rate: np.ndarray
    fade: np.ndarray
    published: np.ndarray
    mean_at_scale: np.ndarray

    def __len__(self) -> int:
        return len(self.specs)

    def benefit(self, kind: np.ndarray, effect: np.ndarray) -> np.ndarray:
        """Benefit of relative effects of initiatives of the given kinds."""
        return self.sign[kind] * effect


@data_cache
def kind_arrays() -> KindArrays:
    """The kinds of :func:`load_kinds` as :class:`KindArrays` (built once per process)."""
    specs = tuple(k for area in AREAS for k in load_kinds()[area])

    def col(fn, dtype=float) -> np.ndarray:
        return np.array([fn(k) for k in specs], dtype=dtype)

    return KindArrays(
        specs=specs,
        area=col(lambda k: AREAS.index(k.area), np.int64),
        leads=np.array([[a in k.leads for a in ACTOR_ORDER] for k in specs], dtype=bool).reshape(
            len(specs), len(ACTOR_ORDER)
        ),
        target_level=col(lambda k: k.target_level, np.int64),
        age_low=col(lambda k: k.age_low, np.int64),
        age_high=col(lambda k: k.age_high, np.int64),
        on_incidence=col(lambda k: k.acts_on == "incidence", bool),
        sign=col(lambda k: -1.0 if k.acts_on == "incidence" else 1.0),
        effect_mean=col(lambda k: k.effect_mean),
        effect_sd=col(lambda k: k.effect_sd),
        resource=col(lambda k: RESOURCES.index(k.resource), np.int64),
        hours_per_participant=col(lambda k: k.hours_per_participant),
        cost_per_participant=col(lambda k: k.cost_per_participant),
        outcome_base_rate=col(lambda k: k.outcome_base_rate),
        fade=col(lambda k: k.fade),
        published=col(lambda k: k.published, bool),
        mean_at_scale=col(lambda k: k.mean_at_scale),
    )
