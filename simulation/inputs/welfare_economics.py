"""The numbers of the welfare-economic account, read from ``welfare_economics.csv``.

The net tax factor and the tax distortion (Finansministeriet's guidance of 2023), the price of a
volunteer hour, the production of a work-year and the share of a benefit case-year that would be
a year in work. Read at model set-up (not cached here: the data reader keeps the file, and a
run's drawn or overridden values are in the tables it returns).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulation.inputs.data import read_table

__all__ = ["WelfarePrices", "welfare_prices"]

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
        work_share: by need level name, the share of a case-year that would be a work-year.
    """

    net_tax_factor: float
    tax_distortion: float
    volunteer_hour_dkk: float
    production_per_work_year_dkk: float
    enterprise_job_value_dkk: float
    work_share: dict[str, float] = field(default_factory=dict)


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
    for level, share in shares.items():
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"welfare_economics.csv: {_WORK_SHARE}{level} must be in [0, 1]")
    return out
