"""Tables of the report: national totals, key figures, summaries and paired differences.

Every function takes the model's tidy long table ``ts`` (columns ``scenario, replicate, seed,
year, municipality, region, area, metric, value``). National figures are sums over
municipalities (and, unless asked by area, over areas including rows with a null area).
Intervals over replicates are the 5th and 95th percentiles (linear interpolation); with one
replicate they equal the value. Differences to the baseline are paired replicate by replicate,
which is what common random numbers are for.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from simulation.economy.present_value import DEFAULT_DISCOUNT_RATE
from simulation.report import account, labels

__all__ = [
    "NET_COST",
    "has_metric",
    "scenario_order",
    "select_metric",
    "national",
    "interval",
    "paired_difference",
    "key_figures",
    "format_key_figures",
    "format_accounts",
    "summary_table",
    "area_differences",
    "municipal_change",
]

NET_COST = "net_cost_dkk"
PUBLIC_COST = "public_cost_dkk"
LEVER_COST = "lever_cost_dkk"
BN = 1e9
LOW_Q, HIGH_Q = 0.05, 0.95

# key id -> (source metric, "end" (last year) or "cum" (sum over years), divisor, unit key)
_KEY_SPECS: tuple[tuple[str, str, str, float, str], ...] = (
    ("net_cost_end", NET_COST, "end", BN, "dkk_bn_short"),
    ("net_cost_cum", NET_COST, "cum", BN, "dkk_bn_short"),
    ("public_cost_cum", PUBLIC_COST, "cum", BN, "dkk_bn_short"),
    ("lever_cost_cum", LEVER_COST, "cum", BN, "dkk_bn_short"),
    ("volunteers_end", "volunteers", "end", 1.0, "persons"),
    ("marginalised_employed_end", "marginalised_employed", "end", 1.0, "persons"),
    ("initiatives_running_end", "initiatives_running", "end", 1.0, "count"),
)
_DIFF_KEYS = {"net_cost_end": "net_cost_end_diff", "net_cost_cum": "net_cost_cum_diff"}
KEY_ORDER = (
    "net_cost_end",
    "net_cost_cum",
    "net_cost_end_diff",
    "net_cost_cum_diff",
    "public_cost_cum",
    "lever_cost_cum",
    "volunteers_end",
    "marginalised_employed_end",
    "initiatives_running_end",
    *(f"pv_saving_{p}" for p in account.ACCOUNT_PAYERS),
    *(f"payback_{p}" for p in account.ACCOUNT_PAYERS),
)
# the decision probabilities of a PSA in the key figures: (comparator, account, payer)
PROBABILITY_KEYS = tuple(
    (comparator, acc, payer)
    for acc, payer in (("budget", "total"), ("welfare", "society"))
    for comparator in ("patchwork", "baseline")
)
# the main difference of a PSA (strategic minus patchwork, else minus the baseline): its PSA
# mean and, beside it, the deterministic base case (central values, mean over the seed-only
# replicates)
MAIN_KEYS = tuple(
    f"pv_main_{kind}_{second}" for second in ("patchwork", "baseline") for kind in ("psa", "base")
)
KEY_ORDER = (
    *KEY_ORDER,
    *MAIN_KEYS,
    *(f"p_less_{c}_{a}_{p}" for c, a, p in PROBABILITY_KEYS),
)


def has_metric(ts: pd.DataFrame, metric: str) -> bool:
    """Return whether ``ts`` holds rows of ``metric`` (net cost counts if it can be derived).

    Args:
        ts: The tidy output table.
        metric: Metric id.
    """
    present = set(pd.unique(ts["metric"]))
    if metric == NET_COST:
        return bool(present & {NET_COST, PUBLIC_COST})
    return metric in present


def scenario_order(ts: pd.DataFrame, baseline: str | None = "baseline") -> list[str]:
    """Return the scenarios of ``ts``: the baseline first, the rest in order of appearance.

    Args:
        ts: The tidy output table.
        baseline: Name of the baseline scenario (if present it goes first).
    """
    names = [str(s) for s in pd.unique(ts["scenario"])]
    if baseline in names:
        names.remove(baseline)
        names.insert(0, baseline)
    return names


def select_metric(ts: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Return the rows of one metric.

    For ``net_cost_dkk``, scenarios without net-cost rows fall back to their public-cost rows
    plus lever-cost rows (net cost is public plus lever cost by definition).

    Args:
        ts: The tidy output table.
        metric: Metric id.

    Raises:
        ValueError: If the metric is not in ``ts`` (naming the metrics that are).
    """
    rows = ts[ts["metric"] == metric]
    if metric == NET_COST:
        have_net = set(pd.unique(rows["scenario"]))
        rest = ts[~ts["scenario"].isin(have_net) & ts["metric"].isin([PUBLIC_COST, LEVER_COST])]
        if len(rest):
            rows = pd.concat([rows, rest.assign(metric=NET_COST)], ignore_index=True)
    if rows.empty:
        available = ", ".join(sorted(map(str, pd.unique(ts["metric"]))))
        raise ValueError(f"metric {metric!r} is not in the results; available: {available}")
    return rows


def national(ts: pd.DataFrame, metric: str, *, by_area: bool = False) -> pd.DataFrame:
    """Sum one metric over municipalities (and areas) per scenario, replicate and year.

    Args:
        ts: The tidy output table.
        metric: Metric id (``net_cost_dkk`` falls back as in :func:`select_metric`).
        by_area: Keep the ``area`` column (null area kept as its own group).

    Returns:
        Columns ``scenario, replicate, year[, area], value``.
    """
    rows = select_metric(ts, metric)
    keys = ["scenario", "replicate", "year"] + (["area"] if by_area else [])
    out = rows.groupby(keys, dropna=False, sort=True, observed=True)["value"].sum()
    return out.reset_index()


def interval(values: pd.DataFrame, by: Sequence[str], value: str = "value") -> pd.DataFrame:
    """Summarise ``value`` over replicates: mean, 5th and 95th percentile and count.

    Args:
        values: Table with the ``by`` columns, a replicate dimension and ``value``.
        by: Columns to group by (everything except the replicate).
        value: Column to summarise.

    Returns:
        Columns ``*by, mean, p05, p95, n_replicates``.
    """
    grouped = values.groupby(list(by), dropna=False, sort=True, observed=True)[value]
    out = pd.DataFrame(
        {
            "mean": grouped.mean(),
            "p05": grouped.quantile(LOW_Q),
            "p95": grouped.quantile(HIGH_Q),
            "n_replicates": grouped.count(),
        }
    )
    return out.reset_index()


def _check_common_seeds(ts: pd.DataFrame, baseline: str) -> None:
    if "seed" not in ts.columns:
        return
    seeds = ts[["scenario", "replicate", "seed"]].drop_duplicates()
    base = seeds[seeds["scenario"] == baseline][["replicate", "seed"]]
    merged = seeds[seeds["scenario"] != baseline].merge(
        base, on="replicate", suffixes=("", "_base")
    )
    differing = merged[merged["seed"] != merged["seed_base"]]
    if len(differing):
        names = ", ".join(sorted(map(str, pd.unique(differing["scenario"]))))
        warnings.warn(
            f"scenario(s) {names} use other seeds than {baseline!r} for the same replicate:"
            " differences are paired by replicate but are not common random numbers",
            stacklevel=3,
        )


def paired_difference(
    values: pd.DataFrame, baseline: str = "baseline", keys: Sequence[str] = ()
) -> pd.DataFrame:
    """Subtract the baseline's value replicate by replicate (common random numbers).

    Only replicates that both the scenario and the baseline have are used. Within those, a key
    (for example an area) that one side lacks counts as 0 on that side, so a cost that only
    the scenario has (the strategy's own cost) appears in full.

    Args:
        values: Columns ``scenario, replicate, *keys, value``.
        baseline: Name of the baseline scenario.
        keys: Further columns to pair on (for example ``("area",)``).

    Returns:
        Columns ``scenario, replicate, *keys, value`` for every scenario except the
        baseline, where ``value`` is scenario minus baseline.

    Raises:
        ValueError: If the baseline is not in ``values``.
    """
    keys = list(keys)
    if baseline not in set(pd.unique(values["scenario"])):
        raise ValueError(f"no baseline scenario {baseline!r} to compare with")
    base = values[values["scenario"] == baseline].drop(columns="scenario")
    parts = []
    for name in pd.unique(values["scenario"]):
        if name == baseline:
            continue
        cur = values[values["scenario"] == name].drop(columns="scenario")
        common = sorted(set(pd.unique(cur["replicate"])) & set(pd.unique(base["replicate"])))
        if not common:
            continue
        merged = cur[cur["replicate"].isin(common)].merge(
            base[base["replicate"].isin(common)],
            on=["replicate", *keys],
            how="outer",
            suffixes=("", "_base"),
        )
        merged["value"] = merged["value"].fillna(0.0) - merged["value_base"].fillna(0.0)
        merged.insert(0, "scenario", name)
        parts.append(merged[["scenario", "replicate", *keys, "value"]])
    if not parts:
        return pd.DataFrame(columns=["scenario", "replicate", *keys, "value"])
    return pd.concat(parts, ignore_index=True)


def _per_replicate(ts: pd.DataFrame, metric: str, how: str, end: int) -> pd.DataFrame:
    nat = national(ts, metric)
    if how == "end":
        nat = nat[nat["year"] == end]
        return nat.drop(columns="year")
    return nat.groupby(["scenario", "replicate"], as_index=False)["value"].sum()


def _account_figures(ts: pd.DataFrame, baseline: str, rate: float) -> list[pd.DataFrame]:
    """Present value of the net saving and payback year by payer, against the baseline."""
    savings = account.replicate_savings(ts, baseline)
    if savings.empty:
        return []
    pv = account.replicate_present_values(savings, rate)
    pv = pv.assign(key="pv_saving_" + pv["payer"].astype(str), unit="DKK bn")
    pv["value"] = pv["value"] / BN
    payback = account.payback_years(savings)
    n_rep = savings.groupby("scenario")["replicate"].nunique()
    paid = pd.DataFrame(
        {
            "scenario": payback["scenario"],
            "key": "payback_" + payback["payer"].astype(str),
            "unit": "year",
            "mean": payback["payback_year"].astype("Float64").astype(float),
            "p05": np.nan,
            "p95": np.nan,
            "n_replicates": payback["scenario"].map(n_rep).astype(int),
        }
    )
    summary = interval(pv.drop(columns="payer"), ["scenario", "key", "unit"])
    return [summary, paid]


def _probability_figures(decision: pd.DataFrame) -> pd.DataFrame:
    """The key-figure rows of the decision probabilities (present value, strategic)."""
    rows = []
    pv = decision[decision["value"] == "pv_net_cost"] if len(decision) else decision
    for comparator, acc, payer in PROBABILITY_KEYS:
        hit = pv[
            (pv["option"] == "strategic")
            & (pv["comparator"] == comparator)
            & (pv["account"] == acc)
            & (pv["payer"] == payer)
        ]
        if hit.empty:
            continue
        row = hit.iloc[0]
        rows.append(
            {
                "scenario": "strategic",
                "key": f"p_less_{comparator}_{acc}_{payer}",
                "unit": "%",
                "mean": 100 * float(row["probability"]),
                # for a probability: its Wilson 95% interval
                "p05": 100 * float(row.get("probability_low", np.nan)),
                "p95": 100 * float(row.get("probability_high", np.nan)),
                "n_replicates": int(row["n_draws"]),
            }
        )
    return pd.DataFrame(rows)


def _main_figures(main: Mapping[str, Any]) -> pd.DataFrame:
    """The key-figure rows of the PSA's main difference: PSA mean and base case (DKK bn)."""
    second = str(main["second"])
    if f"pv_main_psa_{second}" not in MAIN_KEYS:
        return pd.DataFrame()
    rows = [
        {
            "scenario": str(main["first"]),
            "key": f"pv_main_psa_{second}",
            "unit": "DKK bn",
            "mean": float(main["mean"]) / 1e9,
            "p05": float(main["p05"]) / 1e9,
            "p95": float(main["p95"]) / 1e9,
            "n_replicates": int(main["draws"]),
        }
    ]
    if int(main.get("replicates", 0) or 0):
        base = float(main["base_case_mean"]) / 1e9
        rows.append(
            {
                "scenario": str(main["first"]),
                "key": f"pv_main_base_{second}",
                "unit": "DKK bn",
                "mean": base,
                "p05": base,
                "p95": base,
                "n_replicates": int(main["replicates"]),
            }
        )
    return pd.DataFrame(rows)


def key_figures(
    ts: pd.DataFrame,
    baseline: str = "baseline",
    rate: float = DEFAULT_DISCOUNT_RATE,
    decision: pd.DataFrame | None = None,
    main: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Compute the key figures per scenario with the 5th and 95th percentiles over replicates.

    The figures: net cost in the last year and cumulated over all years (DKK bn), their
    differences to the baseline (paired by replicate), public cost and lever cost cumulated,
    and volunteers, marginalised citizens employed and initiatives running in the last year.
    With costs by payer and a baseline, also the economic account by payer (``municipality``,
    ``region``, ``state``, ``total``): ``pv_saving_<payer>``, the present value in 2026 of the
    net saving against the baseline over all years (DKK bn, paired by replicate, at ``rate``),
    and ``payback_<payer>``, the first year from which the cumulated mean net saving stays
    positive (``unit`` ``year``; NaN: not by the last year; no interval). Metrics missing from
    ``ts`` are left out; differences are left out when there is no baseline.

    Args:
        ts: The tidy output table.
        baseline: Name of the baseline scenario.
        rate: Discount rate of the present values (Finansministeriet's 3.5% by default).
        decision: :func:`simulation.runs.psa.decision_table` of a PSA, or ``None``: rows
            ``p_less_<comparator>_<account>_<payer>`` (%, ``p05`` and ``p95`` hold the Wilson
            95% interval).
        main: :func:`simulation.runs.psa.main_difference` of a PSA, or ``None``: rows
            ``pv_main_psa_<second>`` (the PSA mean of first minus second, present value of net
            public cost, with its percentiles over the draws) and ``pv_main_base_<second>`` (the
            deterministic base case: central values, mean over the seed-only replicates; CHEERS
            2022 asks for it beside the PSA mean).

    Returns:
        A tidy table with columns ``scenario, key, start, end, unit, mean, p05, p95,
        n_replicates``; ``key`` is one of ``net_cost_end``, ``net_cost_cum``,
        ``net_cost_end_diff``, ``net_cost_cum_diff``, ``public_cost_cum``,
        ``lever_cost_cum``, ``volunteers_end``, ``marginalised_employed_end``,
        ``initiatives_running_end``, ``pv_saving_<payer>`` and ``payback_<payer>``; ``unit``
        is ``DKK bn``, ``persons``, ``count`` or ``year``.
    """
    start, end = int(ts["year"].min()), int(ts["year"].max())
    compare = baseline in set(pd.unique(ts["scenario"])) and ts["scenario"].nunique() > 1
    if compare:
        _check_common_seeds(ts, baseline)
    units = {"dkk_bn_short": "DKK bn", "persons": "persons", "count": "count"}
    parts = []
    for key, metric, how, divisor, unit in _KEY_SPECS:
        if not has_metric(ts, metric):
            continue
        per_rep = _per_replicate(ts, metric, how, end)
        per_rep["value"] = per_rep["value"] / divisor
        parts.append(per_rep.assign(key=key, unit=units[unit]))
        if compare and key in _DIFF_KEYS:
            diff = paired_difference(per_rep, baseline)
            parts.append(diff.assign(key=_DIFF_KEYS[key], unit=units[unit]))
    if not parts:
        columns = ["scenario", "key", "start", "end", "unit", "mean", "p05", "p95"]
        return pd.DataFrame(columns=[*columns, "n_replicates"])
    out = interval(pd.concat(parts, ignore_index=True), ["scenario", "key", "unit"])
    if compare and account.has_payers(ts):
        out = pd.concat([out, *_account_figures(ts, baseline, rate)], ignore_index=True)
    if decision is not None and len(decision):
        out = pd.concat([out, _probability_figures(decision)], ignore_index=True)
    if main:
        out = pd.concat([out, _main_figures(main)], ignore_index=True)
    out["start"], out["end"] = start, end
    order = {name: i for i, name in enumerate(scenario_order(ts, baseline))}
    out["_s"] = out["scenario"].map(order)
    out["_k"] = out["key"].map({k: i for i, k in enumerate(KEY_ORDER)})
    out = out.sort_values(["_s", "_k"]).drop(columns=["_s", "_k"]).reset_index(drop=True)
    columns = ["scenario", "key", "start", "end", "unit", "mean", "p05", "p95", "n_replicates"]
    return out[columns]


def _key_label(
    key: str,
    lang: str,
    start: int,
    end: int,
    baseline: str,
    scenario: str | None = None,
    n: int = 0,
) -> str:
    """The row label of a key figure (the account's figures name their payer)."""
    if key.startswith("pv_main_"):
        from simulation.report import uncertainty

        kind, second = key[len("pv_main_") :].split("_", 1)
        return uncertainty.text(
            f"kf_main_{kind}",
            lang,
            first=labels.scenario_label(scenario or "strategic", lang),
            second=labels.scenario_label(second, lang).lower(),
            start=start,
            end=end,
            n=n,
        )
    if key.startswith("p_less_"):
        from simulation.report import uncertainty

        comparator, acc, payer = key[len("p_less_") :].split("_", 2)
        return uncertainty.text(
            "kf_p_less",
            lang,
            comparator=labels.scenario_label(comparator, lang).lower(),
            account=uncertainty.account_label(acc, lang).lower(),
            payer=uncertainty.payer_label(payer, lang).lower(),
            start=start,
            end=end,
        )
    for prefix in ("pv_saving_", "payback_"):
        if key.startswith(prefix):
            payer = labels.payer_label(key[len(prefix) :], lang)
            template = f"kf_{prefix.rstrip('_')}"
            return labels.text(template, lang, start=start, end=end, baseline=baseline, payer=payer)
    return labels.text(f"kf_{key}", lang, start=start, end=end, baseline=baseline)


def format_key_figures(
    kf: pd.DataFrame, lang: str = "en", baseline: str = "baseline"
) -> pd.DataFrame:
    """Lay out key figures for reading: one row per figure, one column per scenario.

    Args:
        kf: Output of :func:`key_figures`.
        lang: ``"en"`` or ``"da"``.
        baseline: Name of the baseline scenario (for the row labels).

    Returns:
        String cells ``"mean (p05 to p95)"`` (just the mean when the interval is a point;
        probabilities ``"p (low-high)"``, their Wilson 95% interval); the
        first two columns are the figure and its unit; missing combinations are an en dash.
    """
    labels.check_lang(lang)
    header, unit_header = labels.text("kf_header", lang), labels.text("kf_unit", lang)
    if kf.empty:
        return pd.DataFrame(columns=[header, unit_header])
    start, end = int(kf["start"].iloc[0]), int(kf["end"].iloc[0])
    base_label = labels.scenario_label(baseline, lang)
    unit_keys = {
        "DKK bn": "dkk_bn_short",
        "persons": "persons",
        "count": "count",
        "year": "kf_year",
    }
    scenarios = list(pd.unique(kf["scenario"]))
    rows = []
    for key in [k for k in KEY_ORDER if k in set(pd.unique(kf["key"]))]:
        sub = kf[kf["key"] == key].set_index("scenario")
        unit = str(sub["unit"].iloc[0])
        decimals = 1 if unit == "DKK bn" else 0
        unit_text = labels.text(unit_keys[unit], lang) if unit in unit_keys else unit
        first = str(sub.index[0]) if len(sub) else None
        n_runs = int(sub["n_replicates"].iloc[0]) if len(sub) else 0
        label = _key_label(key, lang, start, end, base_label, first, n_runs)
        row = {header: label, unit_header: unit_text}
        for scenario in scenarios:
            if scenario not in sub.index:
                row[labels.scenario_label(scenario, lang)] = "–"
                continue
            r = sub.loc[scenario]
            if unit == "year":
                year = r["mean"]
                cell = labels.text("not_by", lang, end=end) if pd.isna(year) else str(int(year))
                row[labels.scenario_label(scenario, lang)] = cell
                continue
            cell = labels.format_number(r["mean"], decimals, lang)
            if unit == "%":  # a probability: in brackets its Wilson 95% interval
                if pd.notna(r["p05"]) and pd.notna(r["p95"]):
                    lo = labels.format_number(r["p05"], 0, lang)
                    hi = labels.format_number(r["p95"], 0, lang)
                    cell = f"{cell} ({lo}-{hi})"
                row[labels.scenario_label(scenario, lang)] = cell
                continue
            lo = labels.format_number(r["p05"], decimals, lang)
            hi = labels.format_number(r["p95"], decimals, lang)
            if lo != hi:
                to = "to" if lang == "en" else "til"
                cell = f"{cell} ({lo} {to} {hi})"
            row[labels.scenario_label(scenario, lang)] = cell
        rows.append(row)
    return pd.DataFrame(rows)


def _catalogue_units() -> dict[str, str]:
    from simulation.inputs.data import read_table

    try:
        table = read_table("metrics.csv")
    except FileNotFoundError:  # pragma: no cover - the catalogue ships with the package
        return {}
    return dict(zip(table["metric"], table["unit"], strict=True))


def summary_table(ts: pd.DataFrame, by_area: bool = False) -> pd.DataFrame:
    """Summarise every metric nationally per scenario and year over replicates.

    Args:
        ts: The tidy output table.
        by_area: Also split by welfare area (null area kept as NA).

    Returns:
        Columns ``scenario, year[, area], metric, unit, mean, p05, p95, n_replicates``, values
        in the metric's own unit (persons, DKK, hours, count).
    """
    keys = ["scenario", "replicate", "year"] + (["area"] if by_area else []) + ["metric"]
    nat = ts.groupby(keys, dropna=False, sort=True, observed=True)["value"].sum().reset_index()
    by = [k for k in keys if k != "replicate"]
    out = interval(nat, by)
    out.insert(out.columns.get_loc("metric") + 1, "unit", out["metric"].map(_catalogue_units()))
    return out


def area_differences(ts: pd.DataFrame, baseline: str = "baseline") -> pd.DataFrame:
    """Cumulated difference in net cost to the baseline, by area, with 90% intervals.

    Net cost is summed over all years and municipalities per scenario, replicate and area
    (the null area holds the strategy's costs that belong to no area), paired with the
    baseline by replicate, and summarised over replicates. A total over all areas is added
    with ``area == "total"``.

    Args:
        ts: The tidy output table.
        baseline: Name of the baseline scenario.

    Returns:
        Columns ``scenario, area, mean, p05, p95, n_replicates`` in DKK bn.

    Raises:
        ValueError: If there is no baseline or no cost metric.
    """
    nat = national(ts, NET_COST, by_area=True)
    per_rep = nat.groupby(["scenario", "replicate", "area"], dropna=False, as_index=False)[
        "value"
    ].sum()
    per_rep["value"] = per_rep["value"] / BN
    diff = paired_difference(per_rep, baseline, keys=("area",))
    total = diff.groupby(["scenario", "replicate"], as_index=False)["value"].sum()
    total["area"] = "total"
    both = pd.concat([diff.astype({"area": object}), total.astype({"area": object})])
    return interval(both, ["scenario", "area"])


def municipal_change(
    ts: pd.DataFrame,
    scenario: str,
    baseline: str = "baseline",
    metric: str = NET_COST,
    mode: str = "difference",
) -> pd.DataFrame:
    """Per municipality: the % change a scenario makes, or the growth within a scenario.

    Args:
        ts: The tidy output table.
        scenario: The scenario to show.
        baseline: The scenario to compare with (``mode="difference"``).
        metric: Metric id, summed over areas (``net_cost_dkk`` falls back to public cost).
        mode: ``"difference"``: 100 * (scenario - baseline) / baseline in the last year, with
            the difference paired by replicate and both sides averaged over replicates;
            ``"growth"``: 100 * (last year / first year - 1) within ``scenario``, averaged
            over replicates.

    Returns:
        Columns ``municipality`` and ``value`` (percent).

    Raises:
        ValueError: For an unknown mode or scenario, or a missing baseline or metric.
    """
    if mode not in ("difference", "growth"):
        raise ValueError(f"unknown mode {mode!r}; allowed values: 'difference', 'growth'")
    known = set(pd.unique(ts["scenario"]))
    if scenario not in known:
        raise ValueError(f"unknown scenario {scenario!r}; available: {sorted(known)}")
    rows = select_metric(ts, metric)
    per = rows.groupby(["scenario", "replicate", "year", "municipality"], as_index=False)[
        "value"
    ].sum()
    start, end = int(per["year"].min()), int(per["year"].max())
    if mode == "growth":
        own = per[per["scenario"] == scenario]
        first = own[own["year"] == start].groupby("municipality")["value"].mean()
        last = own[own["year"] == end].groupby("municipality")["value"].mean()
        pct = 100.0 * (last / first.where(first != 0) - 1.0)
    else:
        if baseline not in known:
            raise ValueError(f"no baseline scenario {baseline!r} to compare with")
        last = per[(per["year"] == end) & per["scenario"].isin([scenario, baseline])]
        last = last.drop(columns="year")
        diff = paired_difference(last, baseline, keys=("municipality",))
        diff = diff[diff["scenario"] == scenario]
        base = last[last["scenario"] == baseline]
        base = base[base["replicate"].isin(set(pd.unique(diff["replicate"])))]
        base_mean = base.groupby("municipality")["value"].mean()
        pct = 100.0 * diff.groupby("municipality")["value"].mean() / base_mean.where(base_mean != 0)
    return pct.rename("value").reset_index()


def format_accounts(
    economy: pd.DataFrame,
    lang: str = "en",
    scenarios: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Lay out both accounts side by side: the budget account by payer, the welfare account.

    The two accounts answer different questions and are shown as separate rows, never summed.

    Args:
        economy: The economy table (``economy.csv``); without an ``account`` column every row
            is the budget account (see :func:`simulation.report.account.with_accounts`).
        lang: ``"en"`` or ``"da"``.
        scenarios: The scenarios to show, in order (default: all in the table).

    Returns:
        Columns: account, payer, then per scenario the present value of the net saving against
        the baseline (DKK bn, with its 90% interval) and the payback year. The welfare account
        has a row even when the table lacks it (cells "not computed").
    """
    labels.check_lang(lang)
    economy = account.with_accounts(economy)
    if scenarios is None:
        scenarios = [str(s) for s in pd.unique(economy["scenario"])]
    t = lambda key, **kw: labels.text(key, lang, **kw)  # noqa: E731
    keys = [("budget", p) for p in account.ACCOUNT_PAYERS]
    welfare = economy[economy["account"] == "welfare"]
    keys += [("welfare", str(p)) for p in pd.unique(welfare["payer"])] or [("welfare", "society")]
    end = int(economy["end"].max()) if "end" in economy.columns and len(economy) else 2050
    indexed = economy.set_index(["scenario", "account", "payer"])
    rows = []
    for acc, payer in keys:
        row = {
            t("acc_account"): labels.account_label(acc, lang),
            t("acc_payer"): labels.payer_label(payer, lang),
        }
        for scenario in scenarios:
            name = labels.scenario_label(scenario, lang)
            pv_col, pb_col = t("acc_pv", scenario=name), t("acc_payback", scenario=name)
            if (scenario, acc, payer) not in indexed.index:
                row[pv_col] = row[pb_col] = t("acc_not_computed")
                continue
            r = indexed.loc[(scenario, acc, payer)]
            cell = labels.format_number(r["net_saving_pv_dkk"] / BN, 1, lang)
            lo, hi = r.get("net_saving_pv_p05_dkk"), r.get("net_saving_pv_p95_dkk")
            if lo is not None and hi is not None and not (pd.isna(lo) or pd.isna(hi)):
                lo_s = labels.format_number(lo / BN, 1, lang)
                hi_s = labels.format_number(hi / BN, 1, lang)
                if lo_s != hi_s:
                    cell = f"{cell} ({lo_s} {'to' if lang == 'en' else 'til'} {hi_s})"
            row[pv_col] = cell
            year = r.get("payback_year")
            row[pb_col] = t("not_by", end=end) if year is None or pd.isna(year) else str(int(year))
        rows.append(row)
    return pd.DataFrame(rows)
