"""The probabilistic sensitivity analysis (PSA): parameter draws shared by the scenarios.

Draw ``d`` of a job seeded ``seed`` is one set of every uncertain number
(:func:`simulation.inputs.uncertainties.draw_for`, from a generator seeded by
``(seed, d)`` alone) and one model seed, ``seed + d``. Every scenario runs draw ``d`` with the
same numbers and the same seed (common random numbers), so their differences come from the
levers; the draws are the same whatever the number of workers, the backend or the number of
draws. Beside the draws, the seed-only replicates run every number at its central value with
seeds ``seed .. seed + replicates - 1``: the noise of the simulation alone.

This module turns the runs' tables into one row per draw (or replicate), scenario and payer
(:func:`outcome_table`), splits the spread of the main difference into parameter and
simulation noise and gives its Monte Carlo standard error (:func:`main_difference`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from simulation.economy.present_value import payer_net_costs, present_value
from simulation.economy.summary import welfare_net_costs
from simulation.inputs.prices import PAYERS
from simulation.inputs.registry import registry
from simulation.inputs.uncertainties import draw_for, draws_frame, uncertain

__all__ = [
    "DEFAULT_DRAWS",
    "EVPPI_MIN_DRAWS",
    "SEED_NOISE_DOMINATES",
    "decision_table",
    "draw_values",
    "draws_table",
    "evppi_results",
    "main_difference",
    "main_pair",
    "municipal_probability",
    "outcome_table",
    "scenario_values",
    "study_groups",
    "summary_lines",
    "uncertainty_table",
]

DEFAULT_DRAWS = 7  # the main job: 3 scenarios x (7 draws + 5 seed-only) runs, about a minute


def draw_values(seed: int, draws: int) -> list[dict[str, float]]:
    """The parameter sets of draws ``0 .. draws - 1`` (see :func:`draw_for`)."""
    return [draw_for(seed, d) for d in range(draws)]


def scenario_values(scenario_uncertainties: Mapping[str, Any], values: Mapping[str, float]):
    """The drawn values a scenario runs with: those it does not fix itself.

    A scenario that sets an uncertain number (by its dotted name), or sets the registered
    parameter a number stands for away from its default, keeps its own value: the analyst
    fixed it. The shipped scenarios fix none, so all three run every draw alike.
    """
    reg = registry()
    table = uncertain()
    out = {}
    for name, value in values.items():
        if name in scenario_uncertainties:
            continue
        parameter = table[name].parameter
        fixed = parameter is not None and (
            scenario_uncertainties.get(parameter, reg[parameter].default) != reg[parameter].default
        )
        if fixed:
            continue
        out[name] = value
    return out


def outcome_table(
    table: pd.DataFrame,
    *,
    baseline: str,
    rate: float,
    draws: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per draw (or replicate), scenario and payer: present values and 2050 values.

    Args:
        table: the tidy table of the runs (``replicate`` = draw number in a PSA).
        baseline: the reference scenario of the savings.
        rate: the discount rate of the present values (2026 prices, 2026 = year 0).
        draws: the draws' parameter table (``draw``, ``seed``, names); its seed column is
            copied in when given.

    Returns:
        Columns ``draw, seed, scenario, account, payer, pv_net_cost, pv_net_saving,
        net_cost_end, net_saving_end, end_year``; ``account`` ``budget`` (the public budgets'
        net cost: marginal public cost plus lever cost) with ``payer`` municipality, region,
        state and total, and (when the table has it) ``welfare`` (society's net resource cost,
        ``welfare_cost_dkk``, valued in the run with the draw's numbers) with payer
        ``society``. Savings are the baseline's net cost less the scenario's in the same draw
        (common random numbers); 0 for the baseline itself.
    """
    net = payer_net_costs(table)
    net["total"] = net[list(PAYERS)].sum(axis=1)
    accounts = [("budget", net, (*PAYERS, "total"))]
    if (table.metric == "welfare_cost_dkk").any():
        accounts.append(("welfare", welfare_net_costs(table), ("society",)))
    end = int(net.index.get_level_values("year").max())
    rows = []
    for account, frame_all, payers in accounts:
        scenarios = frame_all.index.get_level_values("scenario")
        for (scenario, rep), frame in frame_all.groupby(level=["scenario", "replicate"]):
            by_year = frame.droplevel(["scenario", "replicate"])
            base = frame_all.loc[(baseline, rep)] if baseline in scenarios else None
            for payer in payers:
                cost = by_year[payer]
                saving = base[payer] - cost if base is not None else cost * np.nan
                rows.append(
                    {
                        "draw": int(rep),
                        "scenario": scenario,
                        "account": account,
                        "payer": payer,
                        "pv_net_cost": present_value(cost, rate),
                        "pv_net_saving": present_value(saving, rate),
                        "net_cost_end": float(cost.loc[end]),
                        "net_saving_end": float(saving.loc[end]),
                        "end_year": end,
                    }
                )
    out = pd.DataFrame(rows)
    seeds = dict(zip(draws.draw, draws.seed, strict=True)) if draws is not None else {}
    seed_col = [seeds.get(d, np.nan) for d in out.draw] if seeds else np.nan
    out.insert(1, "seed", seed_col)
    return out


def main_pair(names: Sequence[str], baseline: str) -> tuple[str, str] | None:
    """The scenarios of the main difference: strategic - patchwork, else first - baseline."""
    if "strategic" in names and "patchwork" in names:
        return "strategic", "patchwork"
    others = [n for n in names if n != baseline]
    return (others[0], baseline) if others and baseline in names else None


def _differences(
    outcomes: pd.DataFrame,
    pair: tuple[str, str],
    account: str = "budget",
    payer: str = "total",
) -> pd.Series:
    total = outcomes[(outcomes.account == account) & (outcomes.payer == payer)].pivot(
        index="draw", columns="scenario", values="pv_net_cost"
    )
    return total[pair[0]] - total[pair[1]]


#: Resamples of the bootstrap Monte Carlo error of the 5th and 95th percentiles.
_BOOTSTRAP = 1000


def _quantile_se(values: np.ndarray, seed: int = 13) -> tuple[float, float]:
    """Bootstrap standard errors of the 5th and 95th percentiles (Efron and Tibshirani 1993)."""
    if len(values) < 2:
        return math.nan, math.nan
    rng = np.random.default_rng([seed, len(values)])
    boot = rng.choice(values, size=(_BOOTSTRAP, len(values)), replace=True)
    q = np.percentile(boot, [5, 95], axis=1)
    return float(q[0].std(ddof=1)), float(q[1].std(ddof=1))


def main_difference(
    psa: pd.DataFrame,
    seed_only: pd.DataFrame | None,
    pair: tuple[str, str],
    account: str = "budget",
    payer: str = "total",
) -> dict[str, Any]:
    """The main difference of present values of net cost, with its uncertainty.

    Args:
        psa: ``psa.csv`` (one row per draw, scenario, account and payer).
        seed_only: ``seed_only.csv`` (same columns; ``draw`` numbers the seed-only replicates),
            or ``None``.
        pair: (first, second): the difference is first minus second.
        account: The account (``budget`` or ``welfare``).
        payer: The payer (``total`` for all public budgets, ``society`` for the welfare account).

    Returns:
        ``account``, ``payer``, ``first``, ``second``, ``draws``, ``mean`` (the PSA mean),
        ``mc_se`` (standard deviation over the draws / sqrt(draws)), ``sd_psa`` (spread over
        draws: parameters and seeds), ``p05`` and ``p95`` over the draws with their bootstrap
        Monte Carlo errors ``p05_se`` and ``p95_se`` (with fewer than about 100 draws the
        percentiles are close to the smallest and largest draw), ``share_less`` (share of
        draws in which ``first`` costs less) with its Wilson 95% interval ``share_less_low``,
        ``share_less_high``; and over the seed-only replicates at central values
        ``replicates``, ``base_case_mean`` (the deterministic base case: every number at its
        central value, averaged over seeds), ``sd_seed_only`` (the simulation's noise alone)
        and ``seed_variance_share`` (``sd_seed_only² / sd_psa²``: the share of the PSA's
        variance that one seed per draw would give with no parameter uncertainty at all).
    """
    from simulation.experiments.decision import wilson_interval

    diff = _differences(psa, pair, account, payer).to_numpy()
    n = len(diff)
    end = int(psa.end_year.max())
    sd = float(np.std(diff, ddof=1)) if n > 1 else math.nan
    less = int((diff < 0).sum())
    low, high = wilson_interval(less, n)
    p05_se, p95_se = _quantile_se(diff)
    out: dict[str, Any] = {
        "account": account,
        "payer": payer,
        "first": pair[0],
        "second": pair[1],
        "draws": n,
        "end_year": end,
        "mean": float(diff.mean()),
        "mc_se": sd / math.sqrt(n) if n > 1 else math.nan,
        "sd_psa": sd,
        "p05": float(np.percentile(diff, 5)),
        "p95": float(np.percentile(diff, 95)),
        "p05_se": p05_se,
        "p95_se": p95_se,
        "share_less": less / n,
        "share_less_low": low,
        "share_less_high": high,
        "replicates": 0,
        "base_case_mean": math.nan,
        "sd_seed_only": math.nan,
        "seed_variance_share": math.nan,
    }
    if seed_only is not None and len(seed_only):
        noise = _differences(seed_only, pair, account, payer).to_numpy()
        out["replicates"] = len(noise)
        out["base_case_mean"] = float(noise.mean())
        out["sd_seed_only"] = float(np.std(noise, ddof=1)) if len(noise) > 1 else math.nan
        if sd > 0:
            out["seed_variance_share"] = out["sd_seed_only"] ** 2 / sd**2
    return out


def uncertainty_table(
    psa: pd.DataFrame, seed_only: pd.DataFrame | None, pair: tuple[str, str]
) -> pd.DataFrame:
    """``uncertainty.csv``: :func:`main_difference` for every account and payer in ``psa``.

    The first row is the main difference (public budgets, all public payers); then every other
    account and payer, so that the share of the variance from the seeds
    (``seed_variance_share``) and the base case beside the PSA mean can be read per payer.
    """
    keys = psa[["account", "payer"]].drop_duplicates()
    keys = keys.assign(_main=~((keys.account == "budget") & (keys.payer == "total")))
    keys = keys.sort_values(["_main", "account", "payer"])
    rows = [
        main_difference(psa, seed_only, pair, r.account, r.payer)
        for r in keys.itertuples(index=False)
    ]
    return pd.DataFrame(rows)


def _bn(x: float, sign: bool = True) -> str:
    if not math.isfinite(x):
        return "n/a"
    return f"{x / 1e9:+.2f} bn DKK" if sign else f"{x / 1e9:.2f} bn DKK"


def summary_lines(m: Mapping[str, Any]) -> list[str]:
    """The printed lines on what the estimates rest on and how stable the main difference is."""
    n = m["draws"]
    spread = (
        f"5th-95th percentile of the {n} draws"
        if n >= 100
        else f"5th-95th percentile of the {n} draws (too few for a 90% interval: close to"
        " their range)"
    )
    low, high = m.get("share_less_low", math.nan), m.get("share_less_high", math.nan)
    lines = [
        f"Uncertainty: the intervals rest on {n} parameter draws (each draws all"
        f" {len(uncertain())} uncertain numbers and its own seed, shared by the scenarios)"
        + (
            f" and, beside them, {m['replicates']} seed-only replicates at central values."
            if m["replicates"]
            else "."
        ),
        f"{m['first']} - {m['second']}, present value of net public cost 2026-{m['end_year']}:"
        f" PSA mean {_bn(m['mean'])} (Monte Carlo standard error {_bn(m['mc_se'], False)})"
        + (
            f", base case (central values, mean of {m['replicates']} seeds)"
            f" {_bn(m['base_case_mean'])}"
            if m["replicates"]
            else ""
        )
        + f"; {spread} {_bn(m['p05'])} to {_bn(m['p95'])}; {m['first']} costs less in"
        f" {100 * m['share_less']:.0f}% of draws (95% interval {100 * low:.0f}% to"
        f" {100 * high:.0f}%, Wilson).",
    ]
    if m["replicates"]:
        var_psa, var_seed = m["sd_psa"] ** 2, m["sd_seed_only"] ** 2
        parameters = math.sqrt(max(var_psa - var_seed, 0.0))
        if parameters > 2 * m["sd_seed_only"]:
            verdict = "parameter uncertainty dominates"
        elif parameters > m["sd_seed_only"]:
            verdict = "parameter uncertainty is the larger part"
        else:
            verdict = "the simulation's noise is as large as parameter uncertainty at this scale"
        share = m.get("seed_variance_share", math.nan)
        share_text = f"{100 * share:.0f}%" if math.isfinite(share) else "n/a"
        lines.append(
            f"Spread (sd) over the draws {_bn(m['sd_psa'], False)}, over seeds alone at central"
            f" values {_bn(m['sd_seed_only'], False)} ({share_text} of the variance over the"
            f" draws); the parameters' part about {_bn(parameters, False)}: {verdict}."
            " Per account and payer: uncertainty.csv."
        )
    return lines


def draws_table(seed: int, draws: int) -> pd.DataFrame:
    """The draws' parameter values for ``draws.csv`` (``draw``, ``seed``, one column per name)."""
    return draws_frame(seed, draws)


# --------------------------------------------------------------------------------------------
# Decision outputs: probabilities, EVPPI, per municipality

#: Below this many draws the EVPPI is flagged ``indicative`` (``evppi.csv``): with fewer, the
#: regression fits mostly noise and the groups' estimates sit near their null values
#: (``docs/decision-analysis.md``, "Draws needed"; 400 draws give a standard error of about a
#: quarter of the value in the linear-Gaussian test problem).
EVPPI_MIN_DRAWS = 200

_DECISION_VALUES = ("pv_net_cost", "net_cost_end")


def decision_table(outcomes: pd.DataFrame) -> pd.DataFrame:
    """``decision.csv``: per account, payer and measure, P(strategic costs less) and the means.

    Args:
        outcomes: :func:`outcome_table` of the draws (``psa.csv``).

    Returns:
        :func:`simulation.experiments.decision.decision_probabilities` per ``account`` and
        ``payer`` for the present value 2026-end (``value`` ``pv_net_cost``) and the last year
        alone (``net_cost_end``): strategic against patchwork and against baseline, each with
        its binomial Monte Carlo standard error, the mean difference (strategic minus the
        comparator, DKK; negative = strategic costs less) with its Monte Carlo standard error and
        the 5th-95th percentile over draws; each probability with its Wilson 95% interval
        (``probability_low``, ``probability_high``); ``end_year`` added. Empty when a scenario
        is missing.
    """
    from simulation.experiments.decision import decision_probabilities

    if outcomes.empty:
        return pd.DataFrame()
    out = decision_probabilities(outcomes, _DECISION_VALUES, by=("account", "payer"))
    if len(out):
        out["end_year"] = int(outcomes.end_year.max())
    return out


def study_groups(names: Sequence[str]) -> dict[str, list[str]]:
    """What one evaluation of a kind of initiative would resolve: its effect and its hours.

    Per kind of initiative (:func:`simulation.inputs.initiative_kinds.load_kinds`), the uncertain
    numbers ``effects.<kind>`` and ``effects.<kind>_hours_per_participant`` among ``names``;
    named ``effects:<kind>``. Kinds with none of them drawn are left out.
    """
    from simulation.inputs.initiative_kinds import load_kinds

    present = {str(n) for n in names}
    kinds = dict.fromkeys(k.kind for area in load_kinds().values() for k in area)
    out = {}
    for kind in kinds:
        cols = [
            c for c in (f"effects.{kind}", f"effects.{kind}_hours_per_participant") if c in present
        ]
        if cols:
            out[f"effects:{kind}"] = cols
    return out


def evppi_results(draws: pd.DataFrame, outcomes: pd.DataFrame, seed: int) -> pd.DataFrame:
    """``evppi.csv``: the EVPPI of each group of assumptions, per account and payer.

    The net benefit is minus the present value of the net cost of baseline, patchwork and
    strategic (:func:`simulation.experiments.decision.evppi_by_group`); the standard errors and
    one permutation null per group come from a generator seeded by ``(seed, 13, 2)``, so the
    file is reproducible.

    Args:
        draws: ``draws.csv`` (``draw``, ``seed``, one column per uncertain number).
        outcomes: ``psa.csv``.
        seed: the job's seed.

    Returns:
        :func:`~simulation.experiments.decision.evppi_table`'s rows with ``account``, ``payer``
        and ``value`` in front (the groups by name prefix, and as ``kind`` ``study`` the
        :func:`study_groups`: what one evaluation of a kind of initiative would resolve), plus
        ``n_draws``, ``indicative`` (fewer than
        :data:`EVPPI_MIN_DRAWS` draws), ``status`` (``not estimable (fewer than 200 draws)``
        there, else ``estimated``: do not rank groups from rows that are not estimable) and
        ``above_null`` (the estimate exceeds its permutation null by more than two standard
        errors: some evidence that resolving the group is worth something).
        Empty with fewer than 5 draws (no regression can be fitted).
    """
    from simulation.experiments.decision import OPTIONS, evppi_by_group

    n = len(draws)
    present = set(pd.unique(outcomes.scenario)) if len(outcomes) else set()
    if n < 5 or len(present & set(OPTIONS)) < 2:
        return pd.DataFrame()
    params = draws.set_index("draw")
    rng = np.random.default_rng([seed, 13, 2])
    options = [o for o in OPTIONS if o in present]
    out = evppi_by_group(
        params,
        outcomes,
        "pv_net_cost",
        options=options,
        rng=rng,
        studies=study_groups(params.columns),
    )
    out["n_draws"] = n
    out["indicative"] = n < EVPPI_MIN_DRAWS
    out["status"] = np.where(
        out["indicative"], f"not estimable (fewer than {EVPPI_MIN_DRAWS} draws)", "estimated"
    )
    null = out["null_evppi"] if "null_evppi" in out.columns else np.nan
    out["above_null"] = (out["evppi"] - null) > 2 * out["se"]
    return out


#: A municipality's probability is flagged when the seeds alone give more than this share of
#: the variance of its difference over the draws: there, the spread is mostly the
#: simulation's noise at this scale, not parameter uncertainty.
SEED_NOISE_DOMINATES = 0.5


def _seed_shares(pv: pd.DataFrame, seed_pv: pd.DataFrame, comparator: str) -> pd.DataFrame:
    """Per municipality: variance of strategic - comparator over seeds / over draws."""

    def spread(frame: pd.DataFrame) -> pd.Series:
        wide = frame.pivot_table(
            index=["municipality", "draw"], columns="scenario", values="pv", aggfunc="first"
        )
        diff = (wide["strategic"] - wide[comparator]).dropna()
        return diff.groupby(level=0).var(ddof=1)

    var_psa, var_seed = spread(pv), spread(seed_pv)
    share = (var_seed / var_psa).where(var_psa > 0)
    return pd.DataFrame({"seed_variance_share": share})


def municipal_probability(
    table: pd.DataFrame, rate: float, seed_only: pd.DataFrame | None = None
) -> pd.DataFrame:
    """``municipal_probability.csv``: per municipality, P(strategic saves) over the draws.

    The present value of each municipality's net public cost (public cost plus lever cost, all
    payers, at ``rate``) per draw and scenario, compared draw by draw (common random numbers).

    Args:
        table: The tidy table of the draws.
        rate: Discount rate.
        seed_only: The tidy table of the seed-only replicates at central values, or ``None``.

    Returns:
        Columns ``municipality`` (code), ``comparator`` (``baseline`` and ``patchwork``, those
        present), ``probability`` (share of draws in which strategic's present value is
        lower), ``probability_se`` (binomial Monte Carlo error), ``probability_low`` and
        ``probability_high`` (Wilson 95% interval), ``n_draws``; with ``seed_only`` also
        ``seed_variance_share`` (variance of the difference over the seed-only replicates
        over its variance over the draws) and ``seed_noise_dominates`` (that share above
        :data:`SEED_NOISE_DOMINATES`). Empty without a strategic scenario.
    """
    from simulation.experiments.decision import (
        municipal_present_values,
        municipal_saving_probability,
    )

    scenarios = set(pd.unique(table.scenario))
    if "strategic" not in scenarios:
        return pd.DataFrame()
    pv = municipal_present_values(table, rate=rate)
    seed_pv = None
    if seed_only is not None and len(seed_only) and "municipality" in seed_only.columns:
        seed_pv = municipal_present_values(seed_only, rate=rate)
    parts = []
    for comparator in ("baseline", "patchwork"):
        if comparator not in scenarios:
            continue
        prob = municipal_saving_probability(pv, "pv", "strategic", comparator)
        part = pd.DataFrame(
            {
                "municipality": prob.index.astype(int),
                "comparator": comparator,
                "probability": prob.to_numpy(),
                "probability_se": prob.attrs["se"].to_numpy(),
                "probability_low": prob.attrs["low"].to_numpy(),
                "probability_high": prob.attrs["high"].to_numpy(),
                "n_draws": prob.attrs["n_draws"].to_numpy(),
            }
        )
        if seed_pv is not None and comparator in set(seed_pv.scenario):
            shares = _seed_shares(pv, seed_pv, comparator)["seed_variance_share"]
            part["seed_variance_share"] = part["municipality"].map(
                dict(zip(shares.index.astype(int), shares.to_numpy(), strict=True))
            )
            part["seed_noise_dominates"] = part["seed_variance_share"] > SEED_NOISE_DOMINATES
        parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
