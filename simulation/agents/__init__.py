"""Mesa agents of the model other than the vectorised citizens."""

from simulation.agents.public_units import MunicipalUnit, RegionalUnit

__all__ = ["MunicipalUnit", "RegionalUnit"]
