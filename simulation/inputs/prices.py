"""Prices of the services a need case uses, by payer, in 2026 prices.

A case-year of a need level uses services (``data/service_use.csv``: home-help hours, nursing-home
days, GP contacts, bed-days, benefit-years, prison days), each priced by payer
(``data/service_prices.csv``, brought to 2026 prices with ``data/price_index.csv``). Their sum at
the marginal prices is what one avoided or ended case saves. The rest of an area's reported
spending (``data/spending.csv``, summed in ``areas.csv``) is its fixed part
(``data/fixed_costs.csv``), which no single case moves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.constants import AREAS
from simulation.inputs.data import active_overrides, data_cache, read_table, using_overrides

__all__ = [
    "PAYERS",
    "LevelPrice",
    "area_staff",
    "area_targets",
    "fixed_specs",
    "integration_exit_share",
    "lever_payer",
    "lever_payer_shares",
    "level_prices",
    "price_factor",
    "service_prices",
]

PAYERS = ("municipality", "region", "state")


@dataclass(frozen=True)
class LevelPrice:
    """The cost at the margin of one case-year of a need level.

    Attributes:
        by_payer: DKK by payer, in ``PAYERS`` order.
        transfer: the part of it that is transfers (cash benefits), DKK, all payers.
        services: ``(service, quantity)`` pairs the case-year uses.
    """

    by_payer: np.ndarray
    transfer: float
    services: tuple[tuple[str, float], ...]

    @property
    def total(self) -> float:
        """DKK per case-year, all payers."""
        return float(self.by_payer.sum())


@data_cache
def price_factor(year: int) -> float:
    """The factor that brings a DKK figure of ``year`` to 2026 prices (``price_index.csv``)."""
    table = read_table("price_index.csv").set_index("year")
    return float(table.loc[int(year), "factor_to_2026"])


@data_cache
def service_prices() -> dict[str, dict]:
    """Per service: its ``kind`` and marginal price per unit by payer (array in ``PAYERS`` order).

    Raises:
        ValueError: a price that is not its original figure times its year's price factor, or an
            unknown payer or kind.
    """
    out: dict[str, dict] = {}
    for row in read_table("service_prices.csv").to_dict("records"):
        payer, kind = row["payer"], row["kind"]
        if payer not in PAYERS or kind not in ("service", "transfer"):
            raise ValueError(f"service_prices.csv: bad payer or kind in {row['service']!r}")
        factor = float(row["factor_to_2026"])
        if abs(factor - price_factor(int(row["price_year"]))) > 1e-4:
            raise ValueError(f"service_prices.csv: {row['service']!r} factor is not the index's")
        price = float(row["price_dkk_2026"])
        if abs(price - float(row["original_dkk"]) * factor) > 0.01 * max(price, 1.0):
            raise ValueError(f"service_prices.csv: {row['service']!r} price != original x factor")
        entry = out.setdefault(row["service"], {"kind": kind, "price": np.zeros(len(PAYERS))})
        if entry["kind"] != kind:
            raise ValueError(f"service_prices.csv: {row['service']!r} has two kinds")
        entry["price"][PAYERS.index(payer)] += price * float(row["marginal_share"])
    return out


@data_cache
def level_prices() -> dict[tuple[str, int], LevelPrice]:
    """The cost at the margin of a case-year of each (area, level)."""
    prices = service_prices()
    parts: dict[tuple[str, int], list[tuple[str, float]]] = {}
    for row in read_table("service_use.csv").to_dict("records"):
        if row["service"] not in prices:
            raise ValueError(f"service_use.csv: unknown service {row['service']!r}")
        key = (row["area"], int(row["level"]))
        parts.setdefault(key, []).append((row["service"], float(row["quantity"])))
    out = {}
    for key, services in parts.items():
        by_payer = sum((q * prices[s]["price"] for s, q in services), np.zeros(len(PAYERS)))
        transfer = sum(
            q * float(prices[s]["price"].sum())
            for s, q in services
            if prices[s]["kind"] == "transfer"
        )
        out[key] = LevelPrice(by_payer=by_payer, transfer=float(transfer), services=tuple(services))
    return out


@data_cache
def area_targets() -> dict[str, float]:
    """Each area's reported 2026 spending in 2026 prices (``areas.csv``, from ``spending.csv``).

    Where the spending is computed from the assumed prices (employment, integration), replaced
    prices or quantities move it (:func:`_computed_target_change`).

    Raises:
        ValueError: where ``areas.csv`` and the sum of the components in ``spending.csv`` differ.
    """
    targets = read_table("areas.csv").set_index("area")["target_dkk"].astype(float)
    parts = read_table("spending.csv")
    for area in AREAS:
        sub = parts[parts.area == area]
        total = float((sub.sign.astype(float) * sub.dkk_2026.astype(float)).sum())
        if abs(total - targets[area]) > 1.0:
            raise ValueError(f"areas.csv: target of {area!r} is not the sum in spending.csv")
    out = {a: float(targets[a]) for a in AREAS}
    if active_overrides() is not None:
        for area, change in _computed_target_change(parts).items():
            out[area] += change
    return out


def _computed_target_change(parts) -> dict[str, float]:
    """The change of the computed targets under replaced prices or quantities.

    Where an area has no reported spending, its target is computed (``spending.csv`` marks the
    component ``assumption``): the reference caseloads of its levels times the assumed per-case
    amounts of ``service_prices.csv`` plus the fixed part. When a run replaces those amounts (an
    uncertain price or quantity), the target moves with them and the fixed part stays, as the
    file's figure would have been computed with the run's amounts.

    Raises:
        ValueError: a computed area with a level not scaled to a reference caseload.
    """
    computed = {
        area
        for area in AREAS
        if (sub := parts[parts.area == area]).shape[0]
        and all("assumption" in str(v).lower() for v in sub.source)
    }
    if not computed:
        return {}
    replaced = level_prices()
    with using_overrides(None):
        original = level_prices()
        levels = read_table("need_levels.csv")
    out = {}
    for area in sorted(computed):
        change = 0.0
        for row in levels[levels.area == area].to_dict("records"):
            if str(row["scale_to_reference"]).strip() != "yes":
                raise ValueError(f"spending.csv: computed target of {area!r} needs scaled levels")
            key = (area, int(row["level"]))
            change += float(row["reference_caseload"]) * (replaced[key].total - original[key].total)
        out[area] = change
    return out


@data_cache
def fixed_specs() -> dict[str, dict]:
    """Per area: the allowed range of its fixed share and the fixed part's payer shares."""
    out = {}
    for row in read_table("fixed_costs.csv").to_dict("records"):
        shares = np.array([float(row[p]) for p in PAYERS])
        if abs(shares.sum() - 1.0) > 1e-9:
            raise ValueError(f"fixed_costs.csv: payer shares of {row['area']!r} do not sum to 1")
        out[row["area"]] = {
            "low": float(row["fixed_share_low"]),
            "high": float(row["fixed_share_high"]),
            "payer": shares,
        }
    return out


@data_cache
def lever_payer_shares() -> np.ndarray:
    """Per area (rows in ``AREAS`` order), the payer shares (``PAYERS`` order) of its lever costs.

    ``lever_payer`` in ``areas.csv`` names the payer that employs the unit's lever staff, or
    ``need_level``: the costs are split as the marginal cost of a case-year of the area's need
    levels is (``level_prices``): mental health's lever costs go to the region and the
    municipality as its cases' services do (psychiatry and general practice against social
    psychiatry), since its initiatives work on that need level.
    """
    table = read_table("areas.csv").set_index("area")
    prices = level_prices()
    out = np.zeros((len(AREAS), len(PAYERS)))
    for i, area in enumerate(AREAS):
        who = str(table.loc[area, "lever_payer"])
        if who == "need_level":
            cost = sum((p.by_payer for (a, _), p in prices.items() if a == area), np.zeros(3))
            if cost.sum() <= 0:
                raise ValueError(f"areas.csv: {area!r} has no priced need level to split by")
            out[i] = cost / cost.sum()
        elif who in PAYERS:
            out[i, PAYERS.index(who)] = 1.0
        else:
            raise ValueError(f"areas.csv: unknown lever_payer {who!r} of {area!r}")
    return out


@data_cache
def lever_payer() -> dict[str, int]:
    """Per area, the index (into ``PAYERS``) of the payer that bears most of its lever costs."""
    shares = lever_payer_shares()
    return {a: int(np.argmax(shares[i])) for i, a in enumerate(AREAS)}


@data_cache
def area_staff() -> dict[str, float]:
    """Per area, the public staff (full-time equivalents, all payers) its unit serves.

    From ``area_staff.csv``; coordinators, training, matching capacity and proposals are sized
    by these (``_unit_sizes`` in
    :mod:`simulation.year.strategy`).

    Raises:
        ValueError: if an area has no staff row or a count is not positive.
    """
    out = dict.fromkeys(AREAS, 0.0)
    for row in read_table("area_staff.csv").to_dict("records"):
        value = float(row["staff_fte"])
        if row["area"] not in out or value <= 0:
            raise ValueError(f"area_staff.csv: bad row {row['area']!r}, {row['payer']!r}")
        out[row["area"]] += value
    missing = [a for a, v in out.items() if v <= 0]
    if missing:
        raise ValueError(f"area_staff.csv: no staff for {missing}")
    return out


@data_cache
def integration_exit_share() -> float:
    """Share of the integration programme's leavers who pass to cash benefit.

    The file's shares must sum to 1; a replaced cash-benefit share (an uncertain number) leaves
    the rest, ``1 - share``, to no need.
    """
    with using_overrides(None):  # the file as it is: no_need is 1 - the cash-benefit share
        shares = read_table("integration_exits.csv").set_index("destination")["share"]
    if abs(shares.astype(float).sum() - 1.0) > 1e-9:
        raise ValueError("integration_exits.csv: shares do not sum to 1")
    table = read_table("integration_exits.csv").set_index("destination")  # replaced, if drawn
    return float(table["share"].astype(float)["cash_benefit"])
