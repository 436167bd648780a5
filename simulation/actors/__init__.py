"""The actors: each one's columns beside its Mesa view, on one column-store base.

``columns`` holds the base (:class:`~simulation.actors.columns.ColumnStore`, with row views for
Mesa agents); ``citizens``, ``initiatives``, ``enterprises`` and ``associations`` (with online
communities) each hold an actor's columns and its Mesa agent; ``public_units`` and
``unit_levers`` the municipal and regional units, which are ordinary Mesa agents.
"""

from simulation.actors.public_units import AreaLedger, MunicipalUnit, RegionalUnit

__all__ = ["AreaLedger", "MunicipalUnit", "RegionalUnit"]
