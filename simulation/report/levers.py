"""What each lever contributes, from the one-lever scenarios of ``scenarios/levers/``.

Each one-lever scenario (named ``lever-<lever>``, lever names with ``-`` for ``_``) is the
reference scenario (``strategic``) with one lever switched off or changed. What the lever
contributes is the reference less that scenario, replicate by replicate (replicate ``r`` shares
its seed across scenarios: common random numbers):

- its **intermediate outcome**: the change in the metric it acts on (see :data:`LEVER_OUTCOMES`
  and the lever table in :mod:`simulation.year`), in the last year for stocks and states,
  cumulated for flows;
- its **net present value** by payer: the change in the present value in 2026 of the net saving
  against the baseline it brings, which is the knock-out scenario's net cost less the
  reference's (the baseline cancels out);
- its **own cost** (``own_cost_pv_dkk``, all payers, on the ``total`` row): the present value of
  the lever's own cost items (:data:`LEVER_OWN_ITEMS`, the ``lever_cost_<item>_dkk`` metrics:
  the mapping for potential mapping, the coordinators for facilitation, ...) it adds; 0 for a
  lever with no cost item of its own (adoption, coverage, scaling, ...);
- its **total cost** (``cost_pv_dkk``): the present value of all the lever costs it adds, its
  own and those it induces in other levers (more partnerships draw more grants, contracts and
  evaluations), the reference's less the knock-out's, by payer;
- its **net present value per DKK of cost**: the mean net present value over the mean total cost
  (empty when the cost is 0), with the 5th-95th percentile of the replicates' own ratios; empty
  too when the cost is trivial (``cost_trivial``: its present value below
  :data:`~simulation.economy.summary.TRIVIAL_DKK_PER_INHABITANT` per inhabitant, where a ratio
  over a near-zero cost is noise, as for potential mapping).

Each is given as a mean with a 90% interval over replicates: the 5th-95th percentile of the
replicates' own differences, the spread one more seed would show (a prediction interval over
seeds), not a confidence interval for the mean; ``npv_se_dkk`` is the standard error of the mean
difference (standard deviation over replicates / sqrt(replicates)). A lever is
**within noise** when the interval of its total net present value includes 0 (with fewer than
two replicates there is no interval and the flag is empty). Where the economy table holds the
welfare-economic account (``account == "welfare"``), its ``society`` row is added from that
table (mean and interval of the present value; the cost's present value where the table gives
it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.economy.present_value import DEFAULT_DISCOUNT_RATE
from simulation.economy.summary import trivial_threshold
from simulation.report import account, labels, tables

__all__ = [
    "LEVER_OUTCOMES",
    "LEVER_OWN_ITEMS",
    "MEAN_DENOMINATOR",
    "LEVER_PREFIX",
    "REFERENCE",
    "lever_of",
    "lever_scenarios",
    "lever_table",
    "format_lever_table",
]

LEVER_PREFIX = "lever-"
REFERENCE = "strategic"

#: The intermediate outcome each lever acts on: (metric, "end" = last year, "cum" = summed or
#: "mean" = last year divided by the initiatives running then, replicate by replicate).
#: From the lever table of :mod:`simulation.year`: mapping widens the actors a unit can match
#: (partnerships matched); actors, the fund, open calls and the public role change the proposals
#: (initiatives started); coordinators make partnerships succeed as pilots (and cheaper);
#: competencies narrow the gap between an initiative's effect in its pilot and in operation
#: (implementation gap); the action plan keeps funding (initiatives stopped when their funding
#: ended); coverage and adoption change how many initiatives keep running; scaling scales and
#: spreads; quality assurance evaluates and stops.
LEVER_OUTCOMES: dict[str, tuple[str, str]] = {
    "potential_mapping": ("partnerships_matched", "cum"),
    "actor_mix": ("initiatives_started", "cum"),
    "innovation_support": ("initiatives_started", "cum"),
    "challenge_based": ("initiatives_started", "cum"),
    "public_role": ("initiatives_started", "cum"),
    "facilitation": ("pilots_succeeded", "cum"),
    "competence": ("implementation_gap", "mean"),
    "coverage": ("initiatives_running", "end"),
    "adoption": ("initiatives_running", "end"),
    "action_plan": ("initiatives_stopped_unfunded", "cum"),
    "scaling": ("initiatives_scaled", "cum"),
    "quality_assurance": ("initiatives_stopped", "cum"),
}
_DEFAULT_OUTCOME = ("initiatives_running", "end")
#: The denominator of a "mean" outcome: ``implementation_gap`` is summed over the initiatives in
#: operation; over the initiatives running (pilots included, which have no gap yet) it is the
#: pilot effect lost per initiative, a share between 0 and 1 that does not grow with their number.
MEAN_DENOMINATOR = "initiatives_running"
#: The lever cost items (``lever_cost_<item>_dkk``) that are a lever's own price; the other levers
#: have none of their own (their cost is what they induce in the others).
LEVER_OWN_ITEMS: dict[str, tuple[str, ...]] = {
    "potential_mapping": ("mapping",),
    "facilitation": ("coordinators",),
    "competence": ("training",),
    "quality_assurance": ("evaluation",),
    "innovation_support": ("innovation_fund", "grants_beyond_fund"),
    "challenge_based": ("open_calls",),
}
_COLUMNS = [
    "lever",
    "scenario",
    "account",
    "payer",
    "npv_dkk",
    "npv_p05_dkk",
    "npv_p95_dkk",
    "cost_pv_dkk",
    "cost_pv_p05_dkk",
    "cost_pv_p95_dkk",
    "own_cost_pv_dkk",
    "own_cost_pv_p05_dkk",
    "own_cost_pv_p95_dkk",
    "npv_se_dkk",
    "npv_per_dkk",
    "npv_per_dkk_p05",
    "npv_per_dkk_p95",
    "cost_trivial",
    "within_noise",
    "n_replicates",
    "outcome_metric",
    "outcome_period",
    "outcome_change",
    "outcome_p05",
    "outcome_p95",
]


def lever_of(scenario: str) -> str | None:
    """Return the lever of a one-lever scenario name (``lever-action-plan`` -> ``action_plan``)."""
    if not str(scenario).startswith(LEVER_PREFIX):
        return None
    return str(scenario)[len(LEVER_PREFIX) :].replace("-", "_")


def lever_scenarios(ts: pd.DataFrame) -> list[str]:
    """Return the one-lever scenarios of a table, in order of appearance."""
    return [str(s) for s in pd.unique(ts["scenario"]) if lever_of(str(s)) is not None]


def _ratio(npv: pd.Series, cost: pd.Series) -> pd.Series:
    """``npv / cost`` element by element, NaN where the cost is 0."""
    return npv / cost.where(cost.abs() > 0)


def _outcome(
    national: dict[str, pd.DataFrame], reference: str, scenario: str, metric: str, how: str
) -> dict:
    """The change in ``metric`` the lever brings (reference less knock-out), over replicates.

    ``national`` maps a metric to its national totals (:func:`simulation.report.tables.national`).
    """
    empty = {"outcome_change": np.nan, "outcome_p05": np.nan, "outcome_p95": np.nan}
    if metric not in national or (how == "mean" and MEAN_DENOMINATOR not in national):
        return empty
    nat = national[metric]
    nat = nat[nat["scenario"].isin([reference, scenario])]
    end = int(nat["year"].max())
    if how in ("end", "mean"):
        per = nat[nat["year"] == end].drop(columns="year")
        if how == "mean":
            den = national[MEAN_DENOMINATOR]
            den = den[den["year"] == end].drop(columns="year")
            per = per.merge(den, on=["scenario", "replicate"], suffixes=("", "_n"))
            per["value"] = per["value"] / per["value_n"].where(per["value_n"] > 0)
            per = per.drop(columns="value_n")
    else:
        per = nat.groupby(["scenario", "replicate"], as_index=False)["value"].sum()
    if scenario not in set(per["scenario"]) or reference not in set(per["scenario"]):
        return empty
    diff = tables.paired_difference(per, baseline=scenario)
    values = diff.loc[diff["scenario"] == reference, "value"]
    if values.empty:
        return empty
    return {
        "outcome_change": float(values.mean()),
        "outcome_p05": float(values.quantile(account.LOW_Q)),
        "outcome_p95": float(values.quantile(account.HIGH_Q)),
    }


def _stats(values: pd.Series) -> tuple[float, float, float]:
    values = values.dropna()
    if values.empty:
        return np.nan, np.nan, np.nan
    return (
        float(values.mean()),
        float(values.quantile(account.LOW_Q)),
        float(values.quantile(account.HIGH_Q)),
    )


def _se(values: pd.Series) -> float:
    values = values.dropna()
    if len(values) < 2:
        return np.nan
    return float(values.std(ddof=1) / np.sqrt(len(values)))


def _own_costs(sub: pd.DataFrame, reference: str, rate: float) -> pd.DataFrame:
    """Present value per scenario and replicate of each lever's own cost items, all payers.

    Returns columns ``scenario, replicate, lever, value``: the knock-out's own cost less the
    reference's is minus the lever's own cost, so ``value`` is the reference's less the
    knock-out's (what the lever's own items cost).
    """
    rows = []
    # every run, so that a scenario without the item (a knock-out to 0 books none) counts as 0
    runs = sub[["scenario", "replicate"]].drop_duplicates()
    for lever, items in LEVER_OWN_ITEMS.items():
        metrics = [f"lever_cost_{item}_dkk" for item in items]
        part = sub[sub["metric"].isin(metrics)]
        if part.empty:
            continue
        flows = part.groupby(["scenario", "replicate", "year"], observed=True)["value"].sum()
        flows = flows.reset_index().assign(payer="total")
        pv = account.replicate_present_values(flows, rate).drop(columns="payer")
        pv = runs.merge(pv, on=["scenario", "replicate"], how="left").fillna({"value": 0.0})
        ref = pv[pv["scenario"] == reference][["replicate", "value"]]
        pv = pv.merge(ref, on="replicate", suffixes=("", "_ref"))
        pv["value"] = pv["value_ref"] - pv["value"]
        rows.append(pv.drop(columns="value_ref").assign(lever=lever))
    if not rows:
        return pd.DataFrame(columns=["scenario", "replicate", "lever", "value"])
    return pd.concat(rows, ignore_index=True)


def _noise(p05: float, p95: float, n: int) -> object:
    if n < 2 or np.isnan(p05) or np.isnan(p95):
        return pd.NA
    return bool(p05 <= 0.0 <= p95)


def lever_table(
    ts: pd.DataFrame,
    reference: str = REFERENCE,
    rate: float = DEFAULT_DISCOUNT_RATE,
    economy: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The contribution of every lever of the one-lever scenarios in ``ts`` (see the module).

    Args:
        ts: The tidy output table with the reference and one-lever scenarios (costs by payer).
        reference: The scenario the one-lever scenarios change.
        rate: Discount rate of the present values.
        economy: The economy table of the one-lever scenarios against ``reference``
            (``economy_table(ts, baseline=reference)``), for the welfare-economic account;
            ``None``: the budget account only.

    Returns:
        One row per lever, account and payer (budget: ``municipality``, ``region``,
        ``state``, ``total``; welfare: ``society``) with the columns of the module's
        description: ``npv_dkk`` and its interval, ``cost_pv_dkk`` and its interval,
        ``npv_per_dkk`` and its interval, ``within_noise`` (of the row's own interval),
        ``n_replicates`` and the lever's intermediate outcome (``outcome_*``).

    Raises:
        ValueError: If ``reference`` is missing or the table holds no costs by payer.
    """
    if reference not in set(pd.unique(ts["scenario"])):
        raise ValueError(f"no reference scenario {reference!r} for the one-lever scenarios")
    if not account.has_payers(ts):
        raise ValueError("the results hold no public cost by payer")
    names = lever_scenarios(ts)
    sub = ts[ts["scenario"].isin([reference, *names])]
    # reference net cost less the knock-out's: minus what the lever contributes
    npv = account.replicate_present_values(account.replicate_savings(sub, reference), rate)
    npv["value"] = -npv["value"]
    # the knock-out's lever cost less the reference's: minus the cost the lever adds
    cost = account.replicate_present_values(account.lever_cost_savings(sub, reference), rate)
    cost["value"] = -cost["value"]
    merged = npv.merge(cost, on=["scenario", "replicate", "payer"], suffixes=("", "_cost"))
    welfare = pd.DataFrame(columns=["scenario", "account", "payer"])
    if economy is not None and "account" in economy.columns:
        welfare = economy[economy["account"] == "welfare"]
    outcomes = {lever_of(n): LEVER_OUTCOMES.get(str(lever_of(n)), _DEFAULT_OUTCOME) for n in names}
    national = {
        metric: tables.national(sub, metric)
        for metric in {m for m, _ in outcomes.values()} | {MEAN_DENOMINATOR}
        if tables.has_metric(sub, metric)
    }
    trivial = trivial_threshold(sub, reference)
    own_costs = _own_costs(sub, reference, rate)
    rows = []
    for scenario in names:
        lever = lever_of(scenario)
        metric, how = outcomes[lever]
        outcome = {
            "outcome_metric": metric,
            "outcome_period": how,
            **_outcome(national, reference, scenario, metric, how),
        }
        own = merged[merged["scenario"] == scenario]
        price = own_costs[(own_costs["scenario"] == scenario) & (own_costs["lever"] == lever)]
        if lever in LEVER_OWN_ITEMS:
            o_mean, o_p05, o_p95 = _stats(price["value"])
            if price.empty and tables.has_metric(sub, "lever_cost_dkk"):
                o_mean = o_p05 = o_p95 = 0.0
        else:
            o_mean = o_p05 = o_p95 = 0.0
        for payer in account.ACCOUNT_PAYERS:
            part = own[own["payer"] == payer]
            n = int(part["replicate"].nunique())
            mean, p05, p95 = _stats(part["value"])
            c_mean, c_p05, c_p95 = _stats(part["value_cost"])
            _, r_p05, r_p95 = _stats(_ratio(part["value"], part["value_cost"]))
            ratio = mean / c_mean if c_mean and not np.isnan(c_mean) else np.nan
            small = bool(abs(c_mean) < trivial) if not np.isnan(c_mean) else False
            if small:
                ratio = r_p05 = r_p95 = np.nan
            rows.append(
                {
                    "lever": lever,
                    "scenario": scenario,
                    "account": "budget",
                    "payer": payer,
                    "npv_dkk": mean,
                    "npv_p05_dkk": p05,
                    "npv_p95_dkk": p95,
                    "cost_pv_dkk": c_mean,
                    "cost_pv_p05_dkk": c_p05,
                    "cost_pv_p95_dkk": c_p95,
                    "own_cost_pv_dkk": o_mean if payer == "total" else np.nan,
                    "own_cost_pv_p05_dkk": o_p05 if payer == "total" else np.nan,
                    "own_cost_pv_p95_dkk": o_p95 if payer == "total" else np.nan,
                    "npv_se_dkk": _se(part["value"]),
                    "npv_per_dkk": ratio,
                    "npv_per_dkk_p05": r_p05,
                    "npv_per_dkk_p95": r_p95,
                    "cost_trivial": small,
                    "within_noise": _noise(p05, p95, n),
                    "n_replicates": n,
                    **outcome,
                }
            )
        for row in welfare[welfare["scenario"] == scenario].itertuples(index=False):
            mean = -float(row.net_saving_pv_dkk)
            p05 = -float(getattr(row, "net_saving_pv_p95_dkk", np.nan))
            p95 = -float(getattr(row, "net_saving_pv_p05_dkk", np.nan))
            c_mean = -float(getattr(row, "cost_pv_dkk", np.nan))
            small = bool(abs(c_mean) < trivial) if not np.isnan(c_mean) else False
            n = int(own["replicate"].nunique())
            rows.append(
                {
                    "lever": lever,
                    "scenario": scenario,
                    "account": "welfare",
                    "payer": row.payer,
                    "npv_dkk": mean,
                    "npv_p05_dkk": p05,
                    "npv_p95_dkk": p95,
                    "cost_pv_dkk": c_mean,
                    "cost_pv_p05_dkk": np.nan,
                    "cost_pv_p95_dkk": np.nan,
                    "own_cost_pv_dkk": np.nan,
                    "own_cost_pv_p05_dkk": np.nan,
                    "own_cost_pv_p95_dkk": np.nan,
                    "npv_se_dkk": np.nan,
                    "npv_per_dkk": (
                        mean / c_mean if c_mean and not np.isnan(c_mean) and not small else np.nan
                    ),
                    "npv_per_dkk_p05": np.nan,
                    "npv_per_dkk_p95": np.nan,
                    "cost_trivial": small,
                    "within_noise": _noise(p05, p95, n),
                    "n_replicates": n,
                    **outcome,
                }
            )
    out = pd.DataFrame(rows, columns=_COLUMNS)
    out["within_noise"] = out["within_noise"].astype("boolean")
    out["cost_trivial"] = out["cost_trivial"].astype("boolean")
    return out


def _cell(mean: float, p05: float, p95: float, decimals: int, lang: str) -> str:
    cell = labels.format_number(mean, decimals, lang)
    lo = labels.format_number(p05, decimals, lang)
    hi = labels.format_number(p95, decimals, lang)
    if not pd.isna(p05) and lo != hi:
        cell = f"{cell} ({lo} {'to' if lang == 'en' else 'til'} {hi})"
    return cell


def format_lever_table(table: pd.DataFrame, start: int, end: int, lang: str = "en") -> pd.DataFrame:
    """Lay out :func:`lever_table` for reading: one row per lever.

    Columns: the lever, what it changes and by how much, the net present value by payer of the
    budget account (and society's in the welfare-economic account where present), the cost and
    the net present value per DKK of cost (both all public budgets) and whether the total is
    within noise. Money in DKK bn with 90% intervals in brackets.

    Args:
        table: Output of :func:`lever_table`.
        start: First year (for the outcome's label).
        end: Last year.
        lang: ``"en"`` or ``"da"``.
    """
    t = lambda key, **kw: labels.text(key, lang, **kw)  # noqa: E731
    payers = [("budget", p) for p in account.ACCOUNT_PAYERS]
    if (table["account"] == "welfare").any():
        payers += [
            ("welfare", p) for p in pd.unique(table.loc[table.account == "welfare", "payer"])
        ]
    rows = []
    for lever in pd.unique(table["lever"]):
        own = table[table["lever"] == lever].set_index(["account", "payer"])
        first = own.iloc[0]
        metric = labels.metric_label(str(first["outcome_metric"]), lang)
        period = {"end": "lv_end", "mean": "lv_mean"}.get(str(first["outcome_period"]), "lv_cum")
        decimals = 3 if first["outcome_period"] == "mean" else 0
        row = {
            t("lv_lever"): labels.lever_label(str(lever), lang),
            t("lv_outcome"): t(period, metric=metric, start=start, end=end),
            t("lv_outcome_change"): _cell(
                first["outcome_change"], first["outcome_p05"], first["outcome_p95"], decimals, lang
            ),
        }
        for key in payers:
            header = t("lv_npv", payer=labels.payer_label(key[1], lang))
            if key not in own.index:
                row[header] = "–"
                continue
            r = own.loc[key]
            row[header] = _cell(
                r["npv_dkk"] / tables.BN,
                r["npv_p05_dkk"] / tables.BN,
                r["npv_p95_dkk"] / tables.BN,
                2,
                lang,
            )
        total = own.loc[("budget", "total")]
        row[t("lv_npv_se")] = labels.format_number(
            total.get("npv_se_dkk", np.nan) / tables.BN, 2, lang
        )
        row[t("lv_own_cost")] = _cell(
            total.get("own_cost_pv_dkk", np.nan) / tables.BN,
            total.get("own_cost_pv_p05_dkk", np.nan) / tables.BN,
            total.get("own_cost_pv_p95_dkk", np.nan) / tables.BN,
            2,
            lang,
        )
        row[t("lv_cost")] = _cell(
            total["cost_pv_dkk"] / tables.BN,
            total["cost_pv_p05_dkk"] / tables.BN,
            total["cost_pv_p95_dkk"] / tables.BN,
            2,
            lang,
        )
        row[t("lv_per_dkk")] = _cell(
            total["npv_per_dkk"], total["npv_per_dkk_p05"], total["npv_per_dkk_p95"], 2, lang
        )
        noise = total["within_noise"]
        row[t("lv_noise")] = "–" if pd.isna(noise) else t("yes" if noise else "no")
        rows.append(row)
    return pd.DataFrame(rows)
