"""Mesa agents of the model other than the vectorised citizens."""

from simulation.actors.public_units import AreaLedger, MunicipalUnit, RegionalUnit

__all__ = ["AreaLedger", "MunicipalUnit", "RegionalUnit"]
