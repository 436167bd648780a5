"""From published evidence to the effects and measurements of the model (docs/evidence.md).

Three conversions, each vectorised over initiatives:

* :func:`mean_at_scale`: the mean true effect of a kind's initiatives at scale is its evidence mean
  shrunk by ``publication_shrinkage`` (small trials overstate effects) times
  ``scale_up_retention`` (effects drop when pilots run in ordinary conditions), both in
  ``data/strategy.csv``.
* :func:`evaluation_se`: an evaluation of an initiative that reached ``n`` persons compares them
  with a comparison group (``evaluation_participants_per_reached`` x ``n`` persons in all). A
  standardised effect from a two-arm study of ``N`` persons has a standard error of about
  ``2 / sqrt(N)``; for a yes/no outcome with base rate ``p`` the difference of the two shares has
  ``2 sqrt(p (1 - p) / N)``, and the relative effect (the model's scale, the difference over
  ``p``) has ``2 / sqrt(N) x sqrt((1 - p) / p)``. Quality assurance lowers it by up to
  ``qa_noise_reduction``.
* The fading of a time-limited course's gain is a property of the kind
  (:func:`simulation.inputs.initiative_kinds.fade_factor`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["SE_CONSTANT", "evaluation_se", "mean_at_scale", "shrinkage"]

# Not a parameter: the standard error of a standardised mean difference from two equal arms of
# N/2 persons is sqrt(4 / N) = 2 / sqrt(N) (for a yes/no outcome exactly, up to the variance of
# the outcome); the assumptions are in how large N is (strategy.csv), not in this constant.
SE_CONSTANT = 2.0


def shrinkage(sp: dict[str, float]) -> float:
    """Share of the evidence mean a kind's initiatives achieve at scale.

    Args:
        sp: the strategy numbers (``publication_shrinkage`` and ``scale_up_retention``).
    """
    return float(sp["publication_shrinkage"]) * float(sp["scale_up_retention"])


def mean_at_scale(evidence_mean: np.ndarray, sp: dict[str, float]) -> np.ndarray:
    """The mean true effect at scale of kinds with the given evidence means."""
    return np.asarray(evidence_mean, dtype=float) * shrinkage(sp)


def evaluation_se(
    reached: np.ndarray, base_rate: np.ndarray, qa: np.ndarray, sp: dict[str, float]
) -> np.ndarray:
    """Standard error of a measured relative effect, by initiative.

    Args:
        reached: persons the initiative reached in its last year (at least one is assumed).
        base_rate: yearly probability of the outcome without the initiative, in (0, 1).
        qa: the unit's ``quality_assurance`` lever, 0-1.
        sp: the strategy numbers (``evaluation_participants_per_reached``,
            ``qa_noise_reduction``).

    Returns:
        The standard error on the model's relative-effect scale.
    """
    per_reached = sp["evaluation_participants_per_reached"]
    n = np.maximum(np.asarray(reached, dtype=float), 1.0) * per_reached
    p = np.asarray(base_rate, dtype=float)
    se = SE_CONSTANT / np.sqrt(n) * np.sqrt((1.0 - p) / p)
    return se * (1.0 - sp["qa_noise_reduction"] * np.asarray(qa, dtype=float))
