"""Numbers of the civil-society and strategy mechanisms, read from their data files."""

from __future__ import annotations

from simulation.inputs.data import data_cache, read_table

__all__ = ["strategy_parameters", "volunteering_parameters", "actor_parameters"]


def _scalars(name: str) -> dict[str, float]:
    table = read_table(name)
    out = {}
    for row in table.to_dict("records"):
        text = str(row["value"]).strip()
        if text:
            out[row["name"]] = float(text)
    return out


@data_cache
def strategy_parameters() -> dict[str, float]:
    """How the levers act and what they cost (``data/strategy.csv``)."""
    return _scalars("strategy.csv")


@data_cache
def volunteering_parameters() -> dict[str, float]:
    """Volunteering shares, hours and turnover (``data/volunteering.csv``)."""
    return _scalars("volunteering.csv")


@data_cache
def actor_parameters() -> dict[str, float]:
    """Counts and sizes of associations, enterprises, online communities (``data/actors.csv``)."""
    return _scalars("actors.csv")
