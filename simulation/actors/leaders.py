"""What every actor that can lead initiatives shares: the initiatives it leads.

Associations, online communities and enterprises can lead initiatives; the strategy keeps which
(:meth:`~simulation.year.strategy.Strategy.led_by`), by the actor's type and row.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Leader"]


class Leader:
    """Mixin of the Mesa agents that can lead initiatives (``kind`` names the actor type).

    The agent must have ``model``, ``kind`` (``"association"``, ``"online"``,
    ``"social_enterprise"`` or ``"firm"``) and ``row`` (its row among actors of its type).
    """

    model: Any
    kind: Any = ""
    row: int = -1

    @property
    def initiatives(self) -> list[Any]:
        """The initiatives it leads or has led (agents)."""
        return self.model.strategy.led_by(self.kind, self.row)

    @property
    def contracts(self) -> int:
        """Running initiatives it leads."""
        return sum(1 for i in self.initiatives if i.is_active)
