"""The numbers of the welfare-economic account, read from ``welfare_economics.csv``.

The net tax factor and the tax distortion (Finansministeriet's guidance of 2023), the price of a
volunteer hour, the production of a work-year and the share of a benefit case-year that would be
a year in work. Read at model set-up (not cached here: the data reader keeps the file, and a
run's drawn or overridden values are in the tables it returns).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulation.inputs.data import read_table

__all__ = ["WelfarePrices", "production_factor", "welfare_prices"]

_WORK_SHARE = "work_share_"


@dataclass(frozen=True)
class WelfarePrices:
    """The welfare-economic account's numbers (DKK in 2026 prices).

    Attributes:
        net_tax_factor: market prices over factor prices (1.28).
        tax_distortion: distortion loss as a share of the budget account's net cost (0).
        volunteer_hour_dkk: value of a volunteer hour used by an initiative (market prices).
        production_per_work_year_dkk: wage cost of a work-year (factor prices).
        enterprise_job_value_dkk: production of a job-year on special terms (factor prices).
        enterprise_production_counted: 1 to count enterprise job-years' production beside the
            exits from benefit (double counting the year after an exit), 0 (default) not.
        displacement_share: share of the production gained that displaces other workers.
        leisure_value_share: share of the production gained offset by the leisure given up.
        work_share: by need level name, the share of a case-year that would be a work-year.
    """

    net_tax_factor: float
    tax_distortion: float
    volunteer_hour_dkk: float
    production_per_work_year_dkk: float
    enterprise_job_value_dkk: float
    enterprise_production_counted: float = 0.0
    displacement_share: float = 0.0
    leisure_value_share: float = 0.0
    work_share: dict[str, float] = field(default_factory=dict)


def production_factor(prices: WelfarePrices) -> float:
    """What a DKK of production gained (wage cost) is worth in the welfare account.

    The net tax factor, less the displacement of other workers and the leisure given up.
    """
    return (
        prices.net_tax_factor
        * (1.0 - prices.displacement_share)
        * (1.0 - prices.leisure_value_share)
    )


def welfare_prices() -> WelfarePrices:
    """The welfare-economic account's numbers from ``welfare_economics.csv``.

    Raises:
        ValueError: if a value is out of its range (a factor below 1, a negative price or
            distortion, a share outside 0-1).
    """
    values = read_table("welfare_economics.csv").set_index("name")["value"].astype(float)
    shares = {
        str(k)[len(_WORK_SHARE) :]: float(v)
        for k, v in values.items()
        if str(k).startswith(_WORK_SHARE)
    }
    out = WelfarePrices(
        net_tax_factor=float(values["net_tax_factor"]),
        tax_distortion=float(values["tax_distortion"]),
        volunteer_hour_dkk=float(values["volunteer_hour_dkk"]),
        production_per_work_year_dkk=float(values["production_per_work_year_dkk"]),
        enterprise_job_value_dkk=float(values["enterprise_job_value_dkk"]),
        enterprise_production_counted=float(values["enterprise_production_counted"]),
        displacement_share=float(values["displacement_share"]),
        leisure_value_share=float(values["leisure_value_share"]),
        work_share=shares,
    )
    if out.net_tax_factor < 1.0:
        raise ValueError(f"net_tax_factor must be at least 1, got {out.net_tax_factor}")
    for name in (
        "tax_distortion",
        "volunteer_hour_dkk",
        "production_per_work_year_dkk",
        "enterprise_job_value_dkk",
    ):
        if getattr(out, name) < 0:
            raise ValueError(
                f"welfare_economics.csv: {name} must be >= 0, got {getattr(out, name)}"
            )
    for name in ("enterprise_production_counted", "displacement_share", "leisure_value_share"):
        if not 0.0 <= getattr(out, name) <= 1.0:
            raise ValueError(f"welfare_economics.csv: {name} must be in [0, 1]")
    for level, share in shares.items():
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"welfare_economics.csv: {_WORK_SHARE}{level} must be in [0, 1]")
    return out
