"""Decision analytics of a probabilistic sensitivity analysis (PSA): pure functions, no model runs.

Everything here works on plain pandas/numpy inputs, so it does not depend on how a results
folder lays its files out. Two input shapes are used:

- **Outcomes, long**: one row per draw and scenario (and, optionally, per account, payer or
  municipality), with a ``draw`` column, a ``scenario`` column and one numeric value column (for
  example the present value 2026-2050 of the net public cost, DKK). Draws are *paired*: draw ``i``
  of every scenario used the same parameters and seed (common random numbers), so comparisons are
  made draw by draw. :func:`wide_by_option` turns it into one column per scenario.
- **Parameters, wide**: one row per draw (index or ``draw`` column) and one column per uncertain
  parameter, named ``group.name`` (``effects.visiting_friends``, ``prices.home_help_hour``); the
  group is the part before the first dot (:func:`parameter_groups`).

What it computes:

1. :func:`decision_probabilities`: the probability that one option costs less than another (for
   example strategic against patchwork, and against baseline), with its binomial Monte Carlo
   standard error and its Wilson 95% interval (:func:`wilson_interval`), and the mean
   difference with its Monte Carlo standard error.
2. :func:`evppi` and :func:`evppi_table`: the expected value of partial perfect information of a
   parameter or a group of parameters, by the nonparametric regression method of Strong, Oakley
   and Brennan (2014, *Medical Decision Making* 34(3):311-326): the net benefit of every option
   (relative to the mean over options in the same draw) is regressed on the parameters of
   interest with a penalised additive spline smoother (:func:`fit_additive`), and
   ``EVPPI = mean_n max_d g_d(phi_n) - max_d mean_n NB_d`` (same relative scale).
   :func:`evpi` gives the total expected value of perfect information,
   ``mean_n max_d NB_d - max_d mean_n NB_d``.
3. :func:`plan_one_way`, :func:`tornado_table`: the one-way runs of a tornado chart (each
   assumption at its low and high, the others central) and the sorted table of their results;
   :func:`screening_ranking` ranks assumptions from the PSA draws (standardised regression
   coefficients and Spearman rank correlations) to choose which get one-way runs.
4. :func:`municipal_saving_probability`: per municipality, the probability that the strategy
   saves against the baseline.

Net benefit is *minus* a cost: with the present value of the net public cost as the outcome, the
option with the largest expected net benefit is the one with the smallest expected cost.
:func:`net_benefit` makes the sign explicit. Adding the same per-draw amount to every option (for
example using the saving against the baseline instead of the cost) changes neither the
probabilities nor the EVPI nor the regression EVPPI (the smoother is linear in the response), so
either input gives the same answer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg, stats
from scipy.interpolate import BSpline

__all__ = [
    "OPTIONS",
    "COMPARISONS",
    "wide_by_option",
    "net_benefit",
    "probability_less",
    "wilson_interval",
    "ProbabilityEstimate",
    "decision_probabilities",
    "parameter_groups",
    "AdditiveFit",
    "fit_additive",
    "EvppiEstimate",
    "evpi",
    "evppi",
    "evppi_table",
    "evppi_by_group",
    "plan_one_way",
    "paired_difference",
    "tornado_table",
    "screening_ranking",
    "municipal_present_values",
    "municipal_saving_probability",
]

#: The decision options, in display order.
OPTIONS = ("baseline", "patchwork", "strategic")
#: The comparisons reported: (option, comparator) pairs read "option costs less than comparator".
COMPARISONS = (("strategic", "patchwork"), ("strategic", "baseline"))

# Smoother settings (method choices, not model parameters): cubic B-splines on equally spaced
# knots over the range of each parameter, second-difference penalty (Eilers and Marx 1996); the
# two smoothing parameters are chosen by generalised cross-validation, first on these coarse
# grids (steps of a factor 100), then on a factor-10 grid around the best point.
_SPLINE_DEGREE = 3
_MAX_INTERIOR_KNOTS = 8
_LAMBDA_WIGGLY = np.logspace(-4, 6, 6)
_LAMBDA_LINEAR = np.concatenate([[0.0], np.logspace(-4, 4, 5)])
_ADAPTIVE_FLOOR = 1e-3  # a term's weight is at most 1 / floor^2 times the strongest term's
_MAX_INTERACTION_TERMS = 6  # pairwise bilinear terms only for groups of 2 to this many
_POSTERIOR_SAMPLES = 200  # samples of the fitted values for the EVPPI standard error


# --------------------------------------------------------------------------------------------
# Inputs


def wide_by_option(
    table: pd.DataFrame,
    value: str,
    options: Sequence[str] | None = None,
    draw: str = "draw",
    scenario: str = "scenario",
) -> pd.DataFrame:
    """One row per draw, one column per option, from a long outcome table.

    Only draws present in every option are kept (paired draws); duplicated (draw, scenario) rows
    are an error, since they would silently break the pairing.

    Args:
        table: Long table with columns ``draw``, ``scenario`` and ``value`` (already filtered to
            one account, payer, municipality...).
        value: The value column.
        options: Options to keep, in this order; default every scenario in the table, sorted.
        draw: Name of the draw column.
        scenario: Name of the scenario column.

    Returns:
        Frame indexed by draw (sorted), columns the options.

    Raises:
        ValueError: If a (draw, scenario) pair repeats, an option is missing, or no draw is
            common to all options.
    """
    if table.duplicated([draw, scenario]).any():
        raise ValueError(
            f"{value}: more than one row per ({draw}, {scenario}); filter the table to one"
            " account, payer or municipality first"
        )
    wide = table.pivot(index=draw, columns=scenario, values=value)
    if options is None:
        options = sorted(wide.columns)
    missing = [o for o in options if o not in wide.columns]
    if missing:
        raise ValueError(f"{value}: options {missing} not in the table")
    wide = wide[list(options)].dropna().sort_index()
    if wide.empty:
        raise ValueError(f"{value}: no draw has a value for every option {list(options)}")
    wide.columns.name = None
    return wide.astype(float)


def net_benefit(costs: pd.DataFrame) -> pd.DataFrame:
    """Net benefit of each option: minus its cost (the larger, the better).

    Args:
        costs: Draws by options, a cost (for example the present value of the net public cost).
    """
    return -costs


# --------------------------------------------------------------------------------------------
# Probabilities

#: Confidence level of the intervals of the probabilities.
PROBABILITY_LEVEL = 0.95


def wilson_interval(
    successes: int, n: int, level: float = PROBABILITY_LEVEL
) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion (Wilson 1927, *JASA* 22(158):209-212).

    Unlike the Wald interval ``p ± z sqrt(p (1 - p) / n)`` it stays inside [0, 1], keeps close
    to its nominal coverage with few trials and does not collapse to a point at ``p = 0`` or
    ``p = 1`` (Brown, Cai and DasGupta 2001, *Statistical Science* 16(2):101-133, recommend it
    for small ``n``). With 1 success in 10 the 95% interval is about 0.018 to 0.404; with 0 in
    10 it is 0 to about 0.278.

    Args:
        successes: Number of successes (0 to ``n``).
        n: Number of trials (at least 1).
        level: Two-sided confidence level.

    Returns:
        ``(low, high)``.

    Raises:
        ValueError: If ``n < 1`` or ``successes`` is outside 0 to ``n``.
    """
    if n < 1 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n and n >= 1, got {successes} of {n}")
    z = float(stats.norm.ppf(0.5 + level / 2))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low = 0.0 if successes == 0 else max(centre - half, 0.0)
    high = 1.0 if successes == n else min(centre + half, 1.0)
    return low, high


@dataclass(frozen=True)
class ProbabilityEstimate:
    """The probability that ``a < b`` over paired draws, and the mean difference ``a - b``.

    Attributes:
        n: Number of paired draws.
        probability: Share of draws with ``a < b``.
        probability_se: Binomial Monte Carlo standard error, ``sqrt(p (1 - p) / n)`` (0 at
            ``p = 0`` or 1: use the interval there).
        probability_low: Lower end of the Wilson 95% interval (:func:`wilson_interval`).
        probability_high: Upper end of it.
        mean_difference: Mean of ``a - b``.
        mean_difference_se: Its Monte Carlo standard error, ``sd(a - b) / sqrt(n)``.
        p05: 5th percentile of ``a - b`` over draws.
        p95: 95th percentile of ``a - b`` over draws.
    """

    n: int
    probability: float
    probability_se: float
    probability_low: float
    probability_high: float
    mean_difference: float
    mean_difference_se: float
    p05: float
    p95: float


def probability_less(a: np.ndarray, b: np.ndarray) -> ProbabilityEstimate:
    """Estimate ``P(a < b)`` and ``E[a - b]`` from paired draws.

    With a probability of 0 or 1 the binomial standard error is 0; it then says only that no
    draw disagreed. The Wilson 95% interval (:func:`wilson_interval`) does not collapse there
    and is the one to report.

    Args:
        a: Values of the first option, one per draw.
        b: Values of the second option, same draws in the same order.

    Raises:
        ValueError: If the arrays differ in length, are empty or hold NaN.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or a.ndim != 1 or a.size == 0:
        raise ValueError("a and b must be non-empty 1-d arrays of the same length")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("a and b must be finite")
    n = a.size
    diff = a - b
    k = int(np.sum(diff < 0))
    p = k / n
    low, high = wilson_interval(k, n)
    sd = float(np.std(diff, ddof=1)) if n > 1 else math.nan
    q05, q95 = np.percentile(diff, [5, 95])
    return ProbabilityEstimate(
        n=n,
        probability=p,
        probability_se=math.sqrt(p * (1 - p) / n),
        probability_low=low,
        probability_high=high,
        mean_difference=float(diff.mean()),
        mean_difference_se=sd / math.sqrt(n),
        p05=float(q05),
        p95=float(q95),
    )


def decision_probabilities(
    table: pd.DataFrame,
    value: str | Sequence[str],
    by: Sequence[str] = (),
    comparisons: Iterable[tuple[str, str]] = COMPARISONS,
    lower_is_better: bool = True,
    draw: str = "draw",
    scenario: str = "scenario",
) -> pd.DataFrame:
    """Probability that one option is better than another, per group, from paired draws.

    Typical use: ``table`` is the PSA outcome table with the present value of the net cost per
    draw, scenario, ``account`` and ``payer``; ``by=("account", "payer")``; the result says, per
    account and payer, how likely the strategic approach costs less than the patchwork and than
    the baseline. Pass both the present value 2026-2050 and the value in 2050 alone as
    ``value=("pv_net_cost", "net_cost_end")`` (the PSA's ``psa.csv`` columns): one block of rows
    per value column.

    If the value is a saving against the baseline (higher is better) pass
    ``lower_is_better=False``; a baseline with no rows is then taken as saving 0 in every draw.

    Args:
        table: Long table (see the module docstring).
        value: The value column, or several (each gives its own rows).
        by: Grouping columns (account, payer, ...); one result row per group and comparison.
        comparisons: (option, comparator) pairs.
        lower_is_better: ``True`` for costs, ``False`` for savings and net benefits.
        draw: Name of the draw column.
        scenario: Name of the scenario column.

    Returns:
        One row per group and comparison: the ``by`` columns, ``option``, ``comparator``,
        ``value``, ``n_draws``, ``probability`` (that the option is better: costs less, or
        saves more), ``probability_se``, ``probability_low`` and ``probability_high`` (the
        Wilson 95% interval), ``mean_difference`` (option minus comparator, in the
        value's units and sign), ``mean_difference_se``, ``difference_p05``,
        ``difference_p95``.

    Raises:
        ValueError: If the table holds more than one row per draw and scenario within a group
            (a ``by`` column such as ``account`` or ``payer`` is missing); the message names
            the columns that vary within the groups.
    """
    if not isinstance(value, str):
        parts = [
            decision_probabilities(table, v, by, comparisons, lower_is_better, draw, scenario)
            for v in value
        ]
        return pd.concat(parts, ignore_index=True)
    by = list(by)
    comparisons = list(comparisons)
    _check_one_row_per_draw(table, by, draw, scenario)
    rows = []
    groups = table.groupby(by, sort=True, dropna=False) if by else [((), table)]
    for key, sub in groups:
        key = key if isinstance(key, tuple) else (key,)
        wide = sub.pivot(index=draw, columns=scenario, values=value)
        if not lower_is_better and "baseline" not in wide.columns:
            wide["baseline"] = 0.0
        for option, comparator in comparisons:
            if option not in wide.columns or comparator not in wide.columns:
                continue
            pair = wide[[option, comparator]].dropna()
            if pair.empty:
                continue
            a, b = pair[option].to_numpy(), pair[comparator].to_numpy()
            est = probability_less(a, b) if lower_is_better else probability_less(-a, -b)
            sign = 1.0 if lower_is_better else -1.0
            lo, hi = sorted((sign * est.p05, sign * est.p95))
            rows.append(
                {
                    **dict(zip(by, key, strict=True)),
                    "option": option,
                    "comparator": comparator,
                    "value": value,
                    "n_draws": est.n,
                    "probability": est.probability,
                    "probability_se": est.probability_se,
                    "probability_low": est.probability_low,
                    "probability_high": est.probability_high,
                    "mean_difference": sign * est.mean_difference,
                    "mean_difference_se": est.mean_difference_se,
                    "difference_p05": lo,
                    "difference_p95": hi,
                }
            )
    return pd.DataFrame(rows)


def _check_one_row_per_draw(table: pd.DataFrame, by: list[str], draw: str, scenario: str) -> None:
    keys = [*by, draw, scenario]
    if not table.duplicated(keys).any():
        return
    varying = [
        c
        for c in table.columns
        if c not in keys
        and not pd.api.types.is_float_dtype(table[c])
        and table.groupby(keys, dropna=False)[c].nunique(dropna=False).gt(1).any()
    ]
    hint = f"add {varying} to by=" if varying else "filter the table first"
    raise ValueError(
        f"more than one row per ({', '.join(keys)}): the table has several rows per draw and"
        f" scenario within a group, so the draws cannot be paired; {hint}"
        " (for psa.csv: by=('account', 'payer'))"
    )


# --------------------------------------------------------------------------------------------
# The regression metamodel


def parameter_groups(names: Iterable[str]) -> dict[str, list[str]]:
    """Group parameter names by the part before the first dot, in order of appearance.

    Args:
        names: Names such as ``effects.visiting_friends``.

    Returns:
        ``{"effects": ["effects.visiting_friends", ...], ...}``.
    """
    out: dict[str, list[str]] = {}
    for name in names:
        out.setdefault(str(name).split(".", 1)[0], []).append(str(name))
    return out


@dataclass(frozen=True)
class AdditiveFit:
    """A penalised additive spline fit of several responses on the same inputs.

    Attributes:
        fitted: Fitted values, (draws, responses).
        coefficients: Coefficients, (basis columns, responses).
        basis: The basis matrix, (draws, basis columns); column 0 is the intercept.
        penalty: Per response, the penalty matrix at the chosen smoothing parameters.
        sigma2: Per response, the residual variance ``RSS / (n - edf)``.
        edf: Per response, effective degrees of freedom (trace of the hat matrix).
        lambdas: Per response, the chosen (wiggly, linear) smoothing parameters.
    """

    fitted: np.ndarray
    coefficients: np.ndarray
    basis: np.ndarray
    penalty: list[np.ndarray]
    sigma2: np.ndarray
    edf: np.ndarray
    lambdas: list[tuple[float, float]]


def _standardise(x: np.ndarray) -> np.ndarray:
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else np.zeros_like(x)


def _wiggly_basis(x: np.ndarray, max_interior: int) -> tuple[np.ndarray, np.ndarray]:
    """The non-linear part of a cubic P-spline basis of ``x`` and its (diagonal) penalty.

    The B-spline basis with a second-difference penalty is rotated into the penalty's
    eigenvectors; the two with eigenvalue zero span the constant and linear functions, which the
    caller models with the intercept and a linear column, so they are dropped. The remaining
    columns are centred (orthogonal to the intercept).
    """
    lo, hi = float(x.min()), float(x.max())
    n_unique = np.unique(x).size
    n_interior = min(max_interior, max(n_unique - 4, 0))
    if n_interior < 1 or hi <= lo:
        return np.empty((x.size, 0)), np.empty(0)
    inner = np.linspace(lo, hi, n_interior + 2)
    step = inner[1] - inner[0]
    knots = np.concatenate(
        [
            lo - step * np.arange(_SPLINE_DEGREE, 0, -1),
            inner,
            hi + step * np.arange(1, _SPLINE_DEGREE + 1),
        ]
    )
    design = BSpline.design_matrix(np.clip(x, lo, hi), knots, _SPLINE_DEGREE).toarray()
    k = design.shape[1]
    diff2 = np.diff(np.eye(k), n=2, axis=0)
    eigval, eigvec = np.linalg.eigh(diff2.T @ diff2)
    keep = eigval > 1e-8 * eigval.max()
    wiggly = design @ eigvec[:, keep]
    wiggly -= wiggly.mean(axis=0)
    return wiggly, eigval[keep]


def _interior_knots(n: int, p: int) -> int:
    """Interior knots per spline: fewer for larger groups and for fewer draws.

    The spline columns of all inputs together stay at about ``n / 2`` or below (each spline has
    ``interior + 2`` non-linear columns); the intercept, the ``p`` linear columns and the
    interaction columns come on top, so the whole basis can exceed ``n / 2`` (even ``n``, for a
    group with more parameters than draws). What keeps the fit from interpolating is the
    penalty: the smoothing parameters are chosen by GCV, whose effective degrees of freedom
    must stay below ``n`` (:func:`_select`).
    """
    by_size = _MAX_INTERIOR_KNOTS if p <= 2 else (4 if p <= _MAX_INTERACTION_TERMS else 2)
    return max(min(by_size, n // (2 * max(p, 1)) - 2), 0)


def _design(
    x: np.ndarray, interactions: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Basis columns, two penalty diagonals (wiggly part, linear part) and each column's term.

    Terms are numbered 0 (intercept), then one per input (its linear and spline columns), then
    one per interaction pair.
    """
    n, p = x.shape
    z = np.column_stack([_standardise(x[:, j]) for j in range(p)]) if p else np.empty((n, 0))
    cols = [np.ones((n, 1)), z]
    pen_w = [np.zeros(1 + p)]
    pen_l = [np.concatenate([[0.0], np.ones(p)])]
    terms = [np.arange(p + 1)]
    if interactions and p >= 2:
        pairs = [(i, j) for i in range(p) for j in range(i + 1, p)]
        inter = np.column_stack([z[:, i] * z[:, j] for i, j in pairs])
        cols.append(inter - inter.mean(axis=0))
        pen_w.append(np.zeros(len(pairs)))
        pen_l.append(np.ones(len(pairs)))
        terms.append(p + 1 + np.arange(len(pairs)))
    max_interior = _interior_knots(n, p)
    for j in range(p):
        wiggly, eig = _wiggly_basis(x[:, j], max_interior)
        if wiggly.shape[1]:
            norm = max(float(np.linalg.norm(wiggly)), 1e-300)
            cols.append(wiggly * (math.sqrt(n * wiggly.shape[1]) / norm))
            pen_w.append(eig / eig.max())
            pen_l.append(np.zeros(eig.size))
            terms.append(np.full(eig.size, j + 1))
    return (
        np.column_stack(cols),
        np.concatenate(pen_w),
        np.concatenate(pen_l),
        np.concatenate(terms),
    )


@dataclass
class _Choice:
    gcv: float = math.inf
    lam_w: float = 0.0
    lam_l: float = 0.0
    coef: np.ndarray | None = None
    edf: float = 0.0
    diag: np.ndarray | None = None


def _select(
    basis: np.ndarray,
    y: np.ndarray,
    pen_w: np.ndarray,
    pen_l: np.ndarray,
    shared: bool,
) -> list[_Choice]:
    """Penalised least squares at the GCV-best smoothing parameters, per response."""
    n, k = basis.shape
    gram = basis.T @ basis
    rhs = basis.T @ y
    tiny = np.full(k, 1e-9 * n)
    tiny[0] = 0.0
    best = [_Choice() for _ in range(y.shape[1])]
    tried: set[tuple[float, float]] = set()

    def run(grid_w: Iterable[float], grid_l: Iterable[float]) -> None:
        for lam_w in grid_w:
            for lam_l in grid_l:
                if (lam_w, lam_l) in tried:
                    continue
                tried.add((lam_w, lam_l))
                diag = n * (lam_w * pen_w + lam_l * pen_l) + tiny
                try:
                    factor = linalg.cho_factor(gram + np.diag(diag))
                except linalg.LinAlgError:
                    continue
                coef = linalg.cho_solve(factor, rhs)
                edf = float(np.trace(linalg.cho_solve(factor, gram)))
                if n - edf <= 0.5:
                    continue
                rss = ((y - basis @ coef) ** 2).sum(axis=0)
                gcv = n * rss / (n - edf) ** 2
                if shared:
                    gcv = np.full(y.shape[1], gcv.sum())
                for r, choice in enumerate(best):
                    if gcv[r] < choice.gcv:
                        best[r] = _Choice(float(gcv[r]), lam_w, lam_l, coef[:, r], edf, diag)

    has_wiggly = bool(pen_w.any())
    run(_LAMBDA_WIGGLY if has_wiggly else [0.0], _LAMBDA_LINEAR)
    for lam_w, lam_l in {(c.lam_w, c.lam_l) for c in best}:
        grid_w = [lam_w * f for f in (0.1, 1.0, 10.0)] if has_wiggly else [0.0]
        grid_l = [lam_l * f for f in (0.1, 1.0, 10.0)] if lam_l > 0 else [0.0, 1e-5]
        run(grid_w, grid_l)
    if any(c.coef is None for c in best):  # pragma: no cover - the grid has a solvable point
        raise ValueError("no smoothing parameter gave a solvable fit")
    return best


def fit_additive(
    x: np.ndarray | pd.DataFrame,
    y: np.ndarray | pd.DataFrame,
    interactions: bool | None = None,
    shared: bool = False,
    adaptive: bool = True,
) -> AdditiveFit:
    """Fit ``y ~ intercept + sum_j f_j(x_j)`` (and bilinear interactions), penalised least squares.

    The smoother, a generalised additive model written with numpy and scipy:

    - each input is standardised and enters as a linear term plus a cubic P-spline of its
      non-linear part (Eilers and Marx 1996: B-splines on equally spaced interior knots,
      second-difference penalty), with the null space of the penalty (constant and
      linear) taken out of the spline so that the linear term carries it;
    - for groups of 2 to 6 inputs (``interactions=None``), the pairwise products of the
      standardised inputs are added as bilinear interaction terms, since an additive model cannot
      see that one parameter's effect depends on another's;
    - two smoothing parameters, one for the wiggly parts and one (a ridge) for the linear and
      interaction terms, chosen per response by generalised cross-validation (GCV) over a grid;
      the ridge lets a large group with few draws be fitted without the linear terms soaking up
      the noise; the intercept is not penalised, so the fitted values average to the response.
      With ``shared``, one pair is chosen for all responses (the smallest summed GCV), so the
      fit is one linear smoother applied to every response;
    - with ``adaptive`` (and more than one term), a second fit weights each term's penalty by
      the inverse square of its size in the first fit (an adaptive ridge: the strongest term
      has weight 1, a term a tenth its size 100), so that one penalty shared by many terms does
      not shrink the few that matter along with the many that do not;
    - the splines have up to eight interior knots for one or two inputs, four for up to six,
      two beyond that, and fewer still when the draws are few (the spline columns stay at about
      half the number of draws; the linear and interaction columns come on top and are held in
      by the ridge penalty).

    Args:
        x: Inputs, (draws, parameters).
        y: Responses, (draws,) or (draws, responses); each is fitted separately.
        interactions: Add pairwise bilinear terms; default: for 2 to 6 inputs.
        shared: Use the same smoothing parameters for every response.
        adaptive: Refit with per-term penalty weights from a first fit.

    Returns:
        The fit; ``fitted`` has shape (draws, responses).

    Raises:
        ValueError: If the shapes disagree or there are fewer than 3 draws.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    y = np.asarray(y, dtype=float)
    if y.ndim == 1:
        y = y[:, None]
    n = x.shape[0]
    if y.shape[0] != n or n < 3:
        raise ValueError("x and y need the same number of rows, at least 3")
    if interactions is None:
        interactions = 2 <= x.shape[1] <= _MAX_INTERACTION_TERMS
    basis, pen_w, pen_l, terms = _design(x, interactions)
    best = _select(basis, y, pen_w, pen_l, shared)
    n_terms = int(terms.max()) + 1
    if adaptive and n_terms > 2:
        coef = np.column_stack([c.coef for c in best])
        size = np.zeros(n_terms)
        for t in range(1, n_terms):
            contribution = basis[:, terms == t] @ coef[terms == t]
            size[t] = math.sqrt(float((contribution**2).mean(axis=0).sum()))
        top = float(size.max())
        if top > 0:
            weight = top**2 / (size**2 + (_ADAPTIVE_FLOOR * top) ** 2)
            best = _select(basis, y, pen_w * weight[terms], pen_l * weight[terms], shared)
    fitted = np.empty_like(y)
    coefs = np.empty((basis.shape[1], y.shape[1]))
    sigma2 = np.empty(y.shape[1])
    edfs = np.empty(y.shape[1])
    penalties, lambdas = [], []
    for r, choice in enumerate(best):
        coefs[:, r] = choice.coef
        fitted[:, r] = basis @ choice.coef
        sigma2[r] = float(((y[:, r] - fitted[:, r]) ** 2).sum() / max(n - choice.edf, 1.0))
        edfs[r] = choice.edf
        penalties.append(np.diag(choice.diag))
        lambdas.append((float(choice.lam_w), float(choice.lam_l)))
    return AdditiveFit(fitted, coefs, basis, penalties, sigma2, edfs, lambdas)


# --------------------------------------------------------------------------------------------
# EVPI and EVPPI


@dataclass(frozen=True)
class EvppiEstimate:
    """An EVPPI estimate.

    Attributes:
        parameters: The parameters of interest.
        evppi: The estimate (units of the net benefit).
        se: Its standard error: the two parts below, combined as independent.
        se_regression: The part from the uncertainty of the fitted regression (Strong, Oakley
            and Brennan 2014: samples of the fitted values from their approximate posterior).
        se_outer: The Monte Carlo error of the outer mean over draws,
            ``sd_n(max_d g_d(phi_n) - g_best(phi_n)) / sqrt(n)`` (``best``: the option best
            on average).
        edf: Effective degrees of freedom of the fit (the same smoother for every option).
        r2: Per option (that varies), the share of the variance of its relative net benefit
            the fit explains.
    """

    parameters: tuple[str, ...]
    evppi: float
    se: float
    se_regression: float
    se_outer: float
    edf: float
    r2: tuple[float, ...]


def evpi(nb: pd.DataFrame | np.ndarray) -> float:
    """Total expected value of perfect information: ``mean max_d NB_d - max_d mean NB_d``.

    From simulation draws that include the model's own random noise (a seed per draw) this
    overstates the value of learning the parameters, because it also counts "knowing" the noise,
    which no study can reveal; the EVPPI of all parameters together (:func:`evppi`) is the
    smoothed version that does not.

    Args:
        nb: Net benefit, (draws, options).
    """
    values = np.asarray(nb, dtype=float)
    return float(values.max(axis=1).mean() - values.mean(axis=0).max())


def _deviations(nb: pd.DataFrame | np.ndarray) -> np.ndarray:
    values = np.asarray(nb, dtype=float)
    if values.ndim != 2 or values.shape[1] < 2:
        raise ValueError("net benefit needs one column per option, at least two options")
    if not np.isfinite(values).all():
        raise ValueError("net benefit must be finite")
    return values - values.mean(axis=1, keepdims=True)


def _evppi_from_fitted(fitted: np.ndarray, means: np.ndarray) -> float:
    return float(fitted.max(axis=1).mean() - means.max())


def _posterior_se(
    fit: AdditiveFit, dev: np.ndarray, means: np.ndarray, rng: np.random.Generator
) -> float:
    """Standard error of the EVPPI from samples of the fitted values (Strong et al. 2014).

    The coefficients of all options are drawn jointly from their approximate posterior,
    ``N(beta_hat, Sigma kron (B'B + P)^-1)``, where ``Sigma`` is the covariance of the
    residuals between options (the relative net benefits are correlated: with two options they
    are exact opposites), and the EVPPI is recomputed from each sample's fitted values.
    """
    gram = fit.basis.T @ fit.basis
    inv = np.linalg.inv(gram + fit.penalty[0])
    inv = (inv + inv.T) / 2
    val, vec = np.linalg.eigh(inv)
    root_k = vec * np.sqrt(np.clip(val, 0.0, None))
    resid = dev - fit.fitted
    n = dev.shape[0]
    sigma = resid.T @ resid / max(n - float(fit.edf[0]), 1.0)
    val, vec = np.linalg.eigh((sigma + sigma.T) / 2)
    root_s = vec * np.sqrt(np.clip(val, 0.0, None))
    samples = np.empty(_POSTERIOR_SAMPLES)
    k, d = fit.coefficients.shape
    for s in range(_POSTERIOR_SAMPLES):
        coef = fit.coefficients + root_k @ rng.standard_normal((k, d)) @ root_s.T
        samples[s] = _evppi_from_fitted(fit.basis @ coef, means)
    return float(samples.std(ddof=1))


def evppi(
    parameters: pd.DataFrame | np.ndarray,
    nb: pd.DataFrame | np.ndarray,
    names: Sequence[str] | None = None,
    interactions: bool | None = None,
    rng: np.random.Generator | None = None,
) -> EvppiEstimate:
    """EVPPI of a set of parameters by regression (Strong, Oakley and Brennan 2014).

    The net benefit of every option is taken relative to the mean over options in the same draw
    (``NB_d - mean_d' NB_d'``: what is shared by all options, such as the baseline's own cost
    or the part of the model's noise common to all scenarios, drops out, and no option is
    singled out as the reference). Each of these is regressed on the parameters of interest
    (:func:`fit_additive`, one smoother for all options); the fitted values ``g_d(phi_n)``
    estimate the expected relative net benefit given those parameters, with everything else
    (other parameters, the model's own noise) averaged out. Then
    ``EVPPI = mean_n max_d g_d(phi_n) - max_d mean_n (NB_d - mean_d' NB_d')``, which equals
    the usual ``mean_n max_d E[NB_d | phi_n] - max_d E[NB_d]`` because the shared part cancels.

    Args:
        parameters: The parameters of interest, (draws, k) or a frame whose columns are they
            (then ``names`` picks columns).
        nb: Net benefit, (draws, options), same draws in the same order.
        names: Columns of ``parameters`` to use; default all.
        interactions: Passed to :func:`fit_additive`.
        rng: Generator for the regression part of the standard error (samples of the fitted
            values from their approximate posterior); without one that part and ``se`` are
            NaN.

    Returns:
        The estimate, never below 0 (a negative estimate, possible only through rounding, is
        clipped).
    """
    if isinstance(parameters, pd.DataFrame):
        names = list(parameters.columns) if names is None else list(names)
        x = parameters[names].to_numpy(dtype=float)
    else:
        x = np.asarray(parameters, dtype=float)
        if x.ndim == 1:
            x = x[:, None]
        names = [f"x{j}" for j in range(x.shape[1])] if names is None else list(names)
    dev = _deviations(nb)
    if x.shape[0] != dev.shape[0]:
        raise ValueError("parameters and net benefit need the same draws")
    means = dev.mean(axis=0)
    fit = fit_additive(x, dev, interactions=interactions, shared=True)
    value = max(_evppi_from_fitted(fit.fitted, means), 0.0)
    regret = fit.fitted.max(axis=1) - fit.fitted[:, int(means.argmax())]
    se_outer = float(regret.std(ddof=1) / math.sqrt(dev.shape[0]))
    se_regression = _posterior_se(fit, dev, means, rng) if rng is not None else math.nan
    se = math.hypot(se_regression, se_outer)
    var = dev.var(axis=0)
    r2 = tuple(
        float(1 - ((dev[:, r] - fit.fitted[:, r]) ** 2).mean() / var[r])
        for r in range(dev.shape[1])
        if var[r] > 0
    )
    return EvppiEstimate(
        tuple(names), value, se, se_regression, se_outer, float(fit.edf[0]), r2 or (0.0,)
    )


def evppi_table(
    parameters: pd.DataFrame,
    nb: pd.DataFrame,
    groups: Mapping[str, Sequence[str]] | None = None,
    single: bool = False,
    rng: np.random.Generator | None = None,
    null_permutations: int = 1,
    studies: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """EVPPI of every group of parameters (and, optionally, of every single parameter).

    Parameters that do not vary over the draws are left out (their EVPPI is 0).

    Args:
        parameters: Draws by parameters (see the module docstring); its index must match
            ``nb``'s (draw numbers), rows are aligned on it.
        nb: Net benefit, draws by options (:func:`net_benefit` of :func:`wide_by_option`).
        groups: ``{group: [parameter, ...]}``; default :func:`parameter_groups` of the columns.
        single: Also one row per single parameter.
        rng: Generator for the standard errors (see :func:`evppi`; without one ``se`` is NaN
            but for the ``evpi`` row, whose error is the Monte Carlo error of its mean) and the
            permutations.
        null_permutations: With ``rng``, how many times to shuffle each group's rows against
            the net benefit and recompute its EVPPI: ``null_evppi`` is the mean, what the
            estimator gives when the group carries no information (its upward bias from fitting
            noise, largest when options are close in expectation). An EVPPI near its null value
            is no evidence that resolving the group is worth anything.
        studies: ``{study: [parameter, ...]}``: extra groups, one per study that would resolve
            them together (for example the evaluation of one kind of initiative: its effect
            and its hours per participant); rows with ``kind`` = ``"study"``, computed after
            the others so that they do not change their standard errors.

    Returns:
        One row per group (``kind`` = ``"group"``), with ``studies`` per study (``"study"``)
        and, with ``single``, per parameter (``kind`` = ``"parameter"``): ``kind``, ``name``,
        ``n_parameters``, ``evppi``, ``se``,
        ``share_of_evpi`` (EVPPI over the total EVPI), ``r2`` (the fits' smallest R²), ``edf``
        (effective degrees of freedom of the fit), ``null_evppi`` (with ``rng``), and the rows
        ``all`` (EVPPI of every parameter together) and ``evpi`` (the total, including the
        model's own noise), sorted within kind by EVPPI, largest first.
    """
    common = parameters.index.intersection(nb.index)
    if common.empty:
        raise ValueError("parameters and net benefit share no draw")
    x = parameters.loc[common]
    values = nb.loc[common]
    varying = [c for c in x.columns if x[c].nunique() > 1]
    if groups is None:
        groups = parameter_groups(varying)
    total = evpi(values)
    rows = []

    def add(kind: str, name: str, cols: Sequence[str]) -> None:
        cols = [c for c in cols if c in varying]
        if not cols:
            rows.append({"kind": kind, "name": name, "n_parameters": 0, "evppi": 0.0, "se": 0.0})
            return
        est = evppi(x[cols], values, rng=rng)
        row = {
            "kind": kind,
            "name": name,
            "n_parameters": len(cols),
            "evppi": est.evppi,
            "se": est.se,
            "r2": min(est.r2),
            "edf": est.edf,
        }
        if rng is not None and null_permutations > 0:
            shuffled = [
                evppi(x[cols].to_numpy()[rng.permutation(len(x))], values).evppi
                for _ in range(null_permutations)
            ]
            row["null_evppi"] = float(np.mean(shuffled))
        rows.append(row)

    for group, cols in groups.items():
        add("group", group, cols)
    if single:
        for col in varying:
            add("parameter", col, [col])
    add("all", "all", varying)
    for study, cols in (studies or {}).items():
        add("study", study, cols)
    nb_values = values.to_numpy(dtype=float)
    regret = nb_values.max(axis=1) - nb_values[:, int(nb_values.mean(axis=0).argmax())]
    rows.append(
        {
            "kind": "evpi",
            "name": "evpi",
            "n_parameters": len(varying),
            "evppi": total,
            "se": float(regret.std(ddof=1) / math.sqrt(len(regret))),
        }
    )
    out = pd.DataFrame(rows)
    out["share_of_evpi"] = out["evppi"] / total if total > 0 else np.nan
    order = {"group": 0, "study": 1, "parameter": 2, "all": 3, "evpi": 4}
    out = out.assign(_k=out["kind"].map(order)).sort_values(
        ["_k", "evppi"], ascending=[True, False]
    )
    return out.drop(columns="_k").reset_index(drop=True)


def evppi_by_group(
    parameters: pd.DataFrame,
    table: pd.DataFrame,
    value: str,
    by: Sequence[str] = ("account", "payer"),
    lower_is_better: bool = True,
    options: Sequence[str] = OPTIONS,
    rng: np.random.Generator | None = None,
    **kwargs: object,
) -> pd.DataFrame:
    """:func:`evppi_table` for every account and payer of a PSA outcome table.

    Args:
        parameters: Draws by parameters, indexed by draw (the PSA's ``draws.csv`` with ``draw``
            as index; a ``seed`` column, if left in, is dropped).
        table: Long outcome table (``psa.csv``), with ``draw``, ``scenario``, the ``by``
            columns and ``value``.
        value: The value column: a cost (``pv_net_cost``) or, with ``lower_is_better=False``, a
            saving or net benefit (``pv_net_saving``; a baseline without rows is a saving of 0).
            Both give the same EVPPI.
        by: Grouping columns.
        lower_is_better: ``True`` for costs (net benefit = minus the value).
        options: The options of the decision.
        rng: Passed to :func:`evppi_table`.
        **kwargs: Passed to :func:`evppi_table` (``single``, ``groups``, ``null_permutations``).

    Returns:
        :func:`evppi_table`'s rows with the ``by`` columns and ``value`` in front.
    """
    params = parameters.drop(columns=["seed"], errors="ignore")
    by = list(by)
    out = []
    groups = table.groupby(by, sort=True) if by else [((), table)]
    for key, sub in groups:
        key = key if isinstance(key, tuple) else (key,)
        present = set(pd.unique(sub["scenario"]))
        if not lower_is_better and "baseline" in options and "baseline" not in present:
            base = sub[sub["scenario"] == sub["scenario"].iloc[0]].assign(
                scenario="baseline", **{value: 0.0}
            )
            sub = pd.concat([sub, base], ignore_index=True)
        wide = wide_by_option(sub, value, [o for o in options if o in set(sub["scenario"])])
        nb = net_benefit(wide) if lower_is_better else wide
        part = evppi_table(params, nb, rng=rng, **kwargs)
        for name, k in reversed(list(zip(by, key, strict=True))):
            part.insert(0, name, k)
        part.insert(len(by), "value", value)
        out.append(part)
    return pd.concat(out, ignore_index=True)


# --------------------------------------------------------------------------------------------
# Tornado


def plan_one_way(uncertainties: Mapping[str, tuple[float, float, float]]) -> pd.DataFrame:
    """The runs of a one-way sensitivity analysis: all central, then each at its low and high.

    Args:
        uncertainties: ``{name: (central, low, high)}``.

    Returns:
        One row per run: ``run`` (0 = all central), ``parameter`` (the one varied; empty for the
        central run), ``level`` (``central``, ``low`` or ``high``), ``set_to`` (its value) and
        one column per parameter with the value to set in that run. A low or high equal to the
        central value is not planned again (it is the central run).

    Raises:
        ValueError: If a low is above its central value or a high below it.
    """
    names = list(uncertainties)
    central = {}
    for name, (mid, low, high) in uncertainties.items():
        if not low <= mid <= high:
            raise ValueError(f"{name}: need low <= central <= high, got {(mid, low, high)}")
        central[name] = float(mid)
    rows = [{"parameter": None, "level": "central", "set_to": np.nan, **central}]
    for name in names:
        mid, low, high = uncertainties[name]
        for level, val in (("low", low), ("high", high)):
            if val == mid:
                continue
            rows.append({"parameter": name, "level": level, "set_to": float(val), **central})
            rows[-1][name] = float(val)
    out = pd.DataFrame(rows)
    out.insert(0, "run", range(len(out)))
    return out


def paired_difference(
    table: pd.DataFrame,
    value: str,
    option: str = "strategic",
    comparator: str = "patchwork",
    keys: Sequence[str] = ("run",),
    scenario: str = "scenario",
) -> pd.Series:
    """Mean of ``option - comparator`` per key (replicates paired by the other columns).

    Args:
        table: Long table with the ``keys``, ``scenario``, ``value`` and optionally a
            ``replicate`` column (replicates share seeds across scenarios).
        value: The value column (for example the present value of the net cost).
        option: The first scenario.
        comparator: The scenario subtracted.
        keys: Columns that identify a run of the plan.
        scenario: Name of the scenario column.

    Returns:
        Series indexed by the keys.
    """
    pair_on = [*keys, "replicate"] if "replicate" in table.columns else list(keys)
    wide = table.pivot_table(index=pair_on, columns=scenario, values=value, aggfunc="mean")
    diff = (wide[option] - wide[comparator]).dropna()
    return diff.groupby(level=list(range(len(keys)))).mean().rename(f"{option}_minus_{comparator}")


def tornado_table(plan: pd.DataFrame, outcome: pd.Series | Mapping[int, float]) -> pd.DataFrame:
    """The tornado table: each parameter's outcome at its low and high, sorted by swing.

    Args:
        plan: :func:`plan_one_way`'s table.
        outcome: The outcome of each run (for example the strategic-minus-patchwork present
            value), indexed by ``run``; it must hold the central run.

    Returns:
        One row per parameter: ``parameter``, ``low``, ``high`` (its values), ``central`` (the
        outcome with all central), ``outcome_low``, ``outcome_high``, ``swing``
        (``|outcome_high - outcome_low|``) and ``reach`` (the widest distance of either end from
        the central outcome), sorted by swing, largest first (ties by reach, then name). A side
        not planned (equal to central) has the central outcome.

    Raises:
        KeyError: If the central run's outcome is missing.
    """
    outcome = pd.Series(outcome, dtype=float)
    central_run = int(plan.loc[plan["level"] == "central", "run"].iloc[0])
    if central_run not in outcome.index:
        raise KeyError("the outcome of the central run is missing")
    centre = float(outcome[central_run])
    names = [c for c in plan.columns if c not in ("run", "parameter", "level", "set_to")]
    base = plan.loc[plan["run"] == central_run].iloc[0]
    rows = []
    for name in names:
        entry = {
            "parameter": name,
            "low": float(base[name]),
            "high": float(base[name]),
            "central": centre,
            "outcome_low": centre,
            "outcome_high": centre,
        }
        for run in plan.loc[plan["parameter"] == name].itertuples(index=False):
            entry[run.level] = float(run.set_to)
            entry[f"outcome_{run.level}"] = float(outcome.get(run.run, np.nan))
        rows.append(entry)
    out = pd.DataFrame(rows)
    out["swing"] = (out["outcome_high"] - out["outcome_low"]).abs()
    out["reach"] = np.maximum(
        (out["outcome_low"] - centre).abs(), (out["outcome_high"] - centre).abs()
    )
    out = out.sort_values(["swing", "reach", "parameter"], ascending=[False, False, True])
    return out.reset_index(drop=True)


def screening_ranking(parameters: pd.DataFrame, outcome: pd.Series | np.ndarray) -> pd.DataFrame:
    """Rank parameters by how much they move an outcome over the PSA draws.

    Two cheap global measures, from the draws already made: the standardised regression
    coefficient (SRC, the coefficient of a linear regression on standardised inputs and
    outcome; with independent inputs ``SRC^2`` is the share of variance the parameter explains
    linearly, and the sum over parameters is the regression's R²) and Spearman's rank
    correlation (robust to monotone non-linearity). Use it to choose which assumptions get
    one-way runs; it is a screening, not a variance decomposition.

    Args:
        parameters: Draws by parameters.
        outcome: One value per draw (same order, or a Series on the same index).

    Returns:
        One row per varying parameter: ``parameter``, ``group``, ``src``, ``spearman``, sorted by
        ``|src|``, largest first; ``attrs["r2"]`` holds the linear regression's R². With no more
        draws than parameters plus one, the regression cannot be fitted: ``src`` and the R² are
        NaN and the order is by ``|spearman|``.
    """
    if isinstance(outcome, pd.Series):
        outcome = outcome.loc[parameters.index]
    y = np.asarray(outcome, dtype=float)
    varying = [c for c in parameters.columns if parameters[c].nunique() > 1]
    x = parameters[varying].to_numpy(dtype=float)
    zx = np.column_stack([_standardise(x[:, j]) for j in range(x.shape[1])])
    zy = _standardise(y)
    design = np.column_stack([np.ones(len(y)), zx])
    coef, *_ = np.linalg.lstsq(design, zy, rcond=None)
    # with no more draws than coefficients the regression interpolates: no SRC then
    src = coef[1:] if len(y) > design.shape[1] else np.full(len(varying), np.nan)
    rho = [float(stats.spearmanr(x[:, j], y).statistic) for j in range(x.shape[1])]
    out = pd.DataFrame(
        {
            "parameter": varying,
            "group": [v.split(".", 1)[0] for v in varying],
            "src": src,
            "spearman": rho,
        }
    )
    resid = zy - design @ coef
    key = out["src"].abs() if np.isfinite(src).all() else out["spearman"].abs()
    out = out.reindex(key.sort_values(ascending=False).index).reset_index(drop=True)
    fitted = zy.var() > 0 and np.isfinite(src).all()
    out.attrs["r2"] = float(1 - resid.var() / zy.var()) if fitted else math.nan
    return out


# --------------------------------------------------------------------------------------------
# Per municipality


def municipal_present_values(
    ts: pd.DataFrame, metric: str = "net_cost_dkk", rate: float | None = None
) -> pd.DataFrame:
    """Per draw, scenario and municipality, the present value of a metric, from the tidy table.

    In a PSA the tidy table's ``replicate`` is the draw, so this gives the input of
    :func:`municipal_saving_probability`.

    Args:
        ts: The tidy output table (``scenario``, ``replicate``, ``year``, ``municipality``,
            ``metric``, ``value``).
        metric: Metric summed over areas (``net_cost_dkk`` falls back to public plus lever cost,
            as in :func:`simulation.report.tables.select_metric`).
        rate: Discount rate; default the economic account's
            (:data:`simulation.economy.present_value.DEFAULT_DISCOUNT_RATE`).

    Returns:
        Columns ``draw``, ``scenario``, ``municipality`` and ``pv``.
    """
    from simulation.economy.present_value import DEFAULT_DISCOUNT_RATE, discount_factors
    from simulation.report.tables import select_metric

    rows = select_metric(ts, metric)
    per = rows.groupby(["scenario", "replicate", "municipality", "year"], as_index=False)[
        "value"
    ].sum()
    years = np.sort(pd.unique(per["year"]))
    factor = dict(
        zip(
            years.tolist(),
            discount_factors(years, DEFAULT_DISCOUNT_RATE if rate is None else rate),
            strict=True,
        )
    )
    per["pv"] = per["value"] * per["year"].map(factor)
    out = per.groupby(["replicate", "scenario", "municipality"], as_index=False)["pv"].sum()
    return out.rename(columns={"replicate": "draw"})


def municipal_saving_probability(
    table: pd.DataFrame,
    value: str,
    option: str = "strategic",
    comparator: str = "baseline",
    municipality: str = "municipality",
    lower_is_better: bool = True,
    draw: str = "draw",
    scenario: str = "scenario",
) -> pd.Series:
    """Per municipality, the probability that ``option`` saves against ``comparator``.

    Args:
        table: Long table with ``draw``, ``scenario``, ``municipality`` and ``value`` (for
            example the present value of the municipality's net public cost per draw).
        value: The value column.
        option: The scenario whose saving is asked about.
        comparator: The scenario it is compared with.
        municipality: Name of the municipality column (codes as in the tile map).
        lower_is_better: ``True`` for costs; ``False`` for savings (a missing comparator is then
            a saving of 0).
        draw: Name of the draw column.
        scenario: Name of the scenario column.

    Returns:
        Series indexed by municipality code, named ``probability``; ``attrs["n_draws"]`` holds
        the number of paired draws per municipality (a Series), ``attrs["se"]`` the binomial
        Monte Carlo standard errors and ``attrs["low"]``, ``attrs["high"]`` the Wilson 95%
        intervals (:func:`wilson_interval`).
    """
    wide = table.pivot_table(
        index=[municipality, draw], columns=scenario, values=value, aggfunc="first"
    )
    if comparator not in wide.columns:
        if lower_is_better:
            raise ValueError(f"comparator {comparator!r} not in the table")
        wide[comparator] = 0.0
    pair = wide[[option, comparator]].dropna()
    better = pair[option] < pair[comparator] if lower_is_better else pair[option] > pair[comparator]
    grouped = better.groupby(level=0)
    prob = grouped.mean().astype(float).rename("probability")
    n = grouped.size()
    prob.index.name = municipality
    prob.attrs["n_draws"] = n
    prob.attrs["se"] = np.sqrt(prob * (1 - prob) / n)
    hits = grouped.sum().astype(int)
    bounds = [wilson_interval(int(hits[m]), int(n[m])) for m in prob.index]
    prob.attrs["low"] = pd.Series([b[0] for b in bounds], index=prob.index)
    prob.attrs["high"] = pd.Series([b[1] for b in bounds], index=prob.index)
    return prob
