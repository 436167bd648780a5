"""From published evidence to the effects and measurements of the model (docs/evidence.md).

Four conversions, each vectorised over initiatives or kinds:

* :func:`mean_at_scale`: the mean true effect of a kind's initiatives at scale. A *published*
  estimate (``evidence_basis`` = ``published`` in ``data/initiative_types.csv``) is shrunk by
  ``publication_shrinkage`` (small and selected studies overstate effects) times
  ``scale_up_retention`` (effects drop when pilots run in ordinary conditions); an *assumed*
  mean is the modeller's guess of the effect at scale already and is not shrunk.
* :func:`effect_spread`: the spread of true effects between a kind's initiatives
  (heterogeneity, not uncertainty about the mean) is ``heterogeneity_cv`` times the size of the
  mean at scale.
* :func:`evaluation_se`: an evaluation of an initiative that reached ``n`` persons compares them
  with a comparison group (``evaluation_participants_per_reached`` x ``n`` persons in all). A
  standardised effect from a two-arm study of ``N`` persons has a standard error of about
  ``2 / sqrt(N)``; for a yes/no outcome with base rate ``p`` the difference of the two shares has
  ``2 sqrt(p (1 - p) / N)``, and the relative effect (the model's scale, the difference over
  ``p``) has ``2 / sqrt(N) x sqrt((1 - p) / p)``. Quality assurance lowers it by up to
  ``qa_noise_reduction``. Repeated evaluations pool their samples (:func:`pooled_estimate`) but
  share one design bias per initiative (``evaluation_bias_sd``).
* :func:`pool_mean`, a **calibration**: the proposals' true effects are drawn around a pool mean
  chosen so that a *reference unit* (the typical patchwork unit: ``calibration_open_call_share``
  of its proposals from open calls, the rest from incumbent providers, competence
  ``calibration_competence``, ``effect_scale`` 1) selects initiatives whose mean true effect is
  the mean at scale. Units with trained staff or more open calls select better than the
  reference, so their levers still act.
* The fading of a time-limited course's gain is a property of the kind
  (:func:`simulation.inputs.initiative_kinds.fade_factor`).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

__all__ = [
    "SE_CONSTANT",
    "evaluation_se",
    "effect_spread",
    "mean_at_scale",
    "pool_mean",
    "pooled_estimate",
    "reference_selected_mean",
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


# Not a parameter: the smallest spread and selection noise used in divisions (a kind whose mean
# at scale is drawn as exactly zero has no spread; its initiatives all have the mean).
_TINY = 1e-12


def shrinkage(sp: dict[str, float]) -> float:
    """Share of a published estimate a kind's initiatives achieve at scale.

    Args:
        sp: the strategy numbers (``publication_shrinkage`` and ``scale_up_retention``).
    """
    return float(sp["publication_shrinkage"]) * float(sp["scale_up_retention"])


def mean_at_scale(
    evidence_mean: np.ndarray, published: np.ndarray, sp: dict[str, float]
) -> np.ndarray:
    """The mean true effect at scale: published estimates shrunk, assumed means as they are."""
    factor = np.where(np.asarray(published, dtype=bool), shrinkage(sp), 1.0)
    return np.asarray(evidence_mean, dtype=float) * factor


def effect_spread(at_scale: np.ndarray, sp: dict[str, float]) -> np.ndarray:
    """Between-initiative sd of true effects: ``heterogeneity_cv`` x the size of the mean at scale.

    Heterogeneity between programmes, not uncertainty about the mean (docs/evidence.md).
    """
    return float(sp["heterogeneity_cv"]) * np.abs(np.asarray(at_scale, dtype=float))


def pooled_estimate(
    previous: np.ndarray, count: np.ndarray, signal: np.ndarray, bias: np.ndarray, error: np.ndarray
) -> np.ndarray:
    """The cumulative estimate after one more evaluation.

    An initiative's estimate is its true benefit (``signal``) plus its design bias (drawn once,
    shared by all its evaluations) plus the mean of the sampling errors of its ``count``
    evaluations so far, this one (``error``) included: the sampling part shrinks as years pool,
    the bias does not.

    Args:
        previous: the estimate before this evaluation (ignored where ``count`` is 1).
        count: the number of evaluations including this one (at least 1).
        signal: the true benefit the evaluation measures.
        bias: the initiative's design bias.
        error: this evaluation's sampling error.
    """
    count = np.asarray(count, dtype=float)
    old = np.where(count > 1, np.nan_to_num(previous - signal - bias), 0.0)
    return signal + bias + (old * (count - 1.0) + error) / count


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
    s = np.maximum(np.sqrt((fade * sd) ** 2 + noise**2), _TINY)
    a = -fade * mean / s
    tail = np.maximum(ndtr(-a), 1e-300)
    density = np.exp(-0.5 * a**2) / np.sqrt(2.0 * np.pi)
    return mean + fade * sd**2 / s * density / tail


def reference_selected_mean(
    mean: np.ndarray, sd: np.ndarray, fade: np.ndarray, sp: dict[str, float]
) -> np.ndarray:
    """Mean true benefit of what the reference unit selects from proposals around ``mean``.

    Its proposals come from two streams with the same mean: open calls (share
    ``calibration_open_call_share``, spread ``(1 + challenge_effect_spread) x sd``) and incumbent
    providers (spread ``incumbent_effect_shrink x sd``); it screens both with the error
    ``selection_noise_sd x sd x (1 - competence_noise_reduction x calibration_competence)`` and
    keeps a proposal when it expects a benefit. The result is the mean over both streams weighted
    by how many of each it selects (:func:`selected_mean` per stream).
    """
    mean = np.asarray(mean, dtype=float)
    sd = np.asarray(sd, dtype=float)
    share = float(sp["calibration_open_call_share"])
    noise = (
        sp["selection_noise_sd"]
        * sd
        * (1.0 - sp["competence_noise_reduction"] * sp["calibration_competence"])
    )
    total = np.zeros_like(mean)
    weight = np.zeros_like(mean)
    for stream_share, width in (
        (share, 1.0 + sp["challenge_effect_spread"]),
        (1.0 - share, sp["incumbent_effect_shrink"]),
    ):
        sd_stream = sd * width
        s = np.maximum(np.sqrt((fade * sd_stream) ** 2 + noise**2), _TINY)
        chosen = stream_share * ndtr(fade * mean / s)
        total += chosen * selected_mean(mean, sd_stream, fade, noise)
        weight += chosen
    return total / np.maximum(weight, 1e-300)


def pool_mean(
    benefit_at_scale: np.ndarray, sd: np.ndarray, fade: np.ndarray, sp: dict[str, float]
) -> np.ndarray:
    """Mean benefit of a kind's proposals such that the reference unit selects the mean at scale.

    A calibration: the pool mean ``m`` solves :func:`reference_selected_mean` ``(m) = target``
    (it rises with ``m``: bisection). Where the kind has no spread the pool is the target.

    Args:
        benefit_at_scale: the kinds' mean benefit at scale (sign x :func:`mean_at_scale`).
        sd: the kinds' spread of true effects (:func:`effect_spread`).
        fade: the kinds' fade factors.
        sp: the strategy numbers.

    Returns:
        The pool mean on the benefit scale, by kind.
    """
    target = np.asarray(benefit_at_scale, dtype=float)
    sd = np.asarray(sd, dtype=float)
    fade = np.asarray(fade, dtype=float)
    low, high = target - _BRACKET_SDS * sd, target.copy()
    for _ in range(_BISECTIONS):
        mid = 0.5 * (low + high)
        above = reference_selected_mean(mid, sd, fade, sp) > target
        high = np.where(above, mid, high)
        low = np.where(above, low, mid)
    return 0.5 * (low + high)
