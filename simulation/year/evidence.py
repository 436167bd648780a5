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
* :func:`pool_mean`: the evidence describes initiatives that were chosen for funding and trial,
  not every idea. The proposals' true effects are therefore drawn around a pool mean below the
  mean at scale, such that a reference unit (no trained staff, open to any proposal it expects to
  help, the kind's own spread, ``effect_scale`` 1) would select initiatives whose mean is the mean
  at scale; ``evidence_selection_share`` says how much of that selection the evidence already
  holds (1: all, 0: the evidence is the mean of all ideas). Units with trained staff or wider open
  calls select better than the reference, so their levers still act.
* The fading of a time-limited course's gain is a property of the kind
  (:func:`simulation.inputs.initiative_kinds.fade_factor`).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

__all__ = [
    "SE_CONSTANT",
    "evaluation_se",
    "mean_at_scale",
    "pool_mean",
    "selected_mean",
    "shrinkage",
]

# Not parameters: bisection steps and bracket (in effect sds) for the pool mean; 60 halvings of a
# bracket of 20 sds give machine precision, so neither changes a result.
_BISECTIONS = 60
_BRACKET_SDS = 20.0
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


def selected_mean(
    mean: np.ndarray, sd: np.ndarray, fade: np.ndarray, noise: np.ndarray
) -> np.ndarray:
    """Mean benefit of the proposals a unit selects (expected benefit above zero).

    A proposal's true benefit ``b ~ N(mean, sd)`` acts as ``fade x b``; the unit expects
    ``fade x b + e`` with ``e ~ N(0, noise)`` and selects it when that is positive, so
    ``E[b | selected] = mean + fade sd^2 / s phi(a) / (1 - Phi(a))`` with ``s^2 = fade^2 sd^2 +
    noise^2`` and ``a = -fade mean / s`` (the mean of a truncated bivariate normal).
    """
    s = np.sqrt((fade * sd) ** 2 + noise**2)
    a = -fade * mean / s
    tail = np.maximum(ndtr(-a), 1e-300)
    density = np.exp(-0.5 * a**2) / np.sqrt(2.0 * np.pi)
    return mean + fade * sd**2 / s * density / tail


def pool_mean(
    benefit_at_scale: np.ndarray, sd: np.ndarray, fade: np.ndarray, sp: dict[str, float]
) -> np.ndarray:
    """Mean benefit of a kind's proposals such that a reference unit selects the mean at scale.

    The reference unit has no trained staff (selection error ``selection_noise_sd`` x ``sd``)
    and draws from the kind's own spread ``sd``. The pool mean ``m`` solves
    :func:`selected_mean` ``(m) = target`` (it rises with ``m``: bisection), and the result is
    moved from the target by ``evidence_selection_share`` of that selection gain.

    Args:
        benefit_at_scale: the kinds' mean benefit at scale (sign x :func:`mean_at_scale`).
        sd: the kinds' spread of true effects.
        fade: the kinds' fade factors.
        sp: the strategy numbers.

    Returns:
        The pool mean on the benefit scale, by kind.
    """
    target = np.asarray(benefit_at_scale, dtype=float)
    sd = np.asarray(sd, dtype=float)
    noise = sp["selection_noise_sd"] * sd
    low, high = target - _BRACKET_SDS * sd, target.copy()
    for _ in range(_BISECTIONS):
        mid = 0.5 * (low + high)
        above = selected_mean(mid, sd, fade, noise) > target
        high = np.where(above, mid, high)
        low = np.where(above, low, mid)
    solved = 0.5 * (low + high)
    return target + sp["evidence_selection_share"] * (solved - target)
