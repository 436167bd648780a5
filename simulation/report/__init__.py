"""The report of a run or comparison: tables, figures and a self-contained HTML page.

- :mod:`simulation.report.labels`: every user-facing text in English and Danish.
- :mod:`simulation.report.tables`: national totals, key figures with 90% intervals over
  replicates, differences to the baseline paired by replicate, summaries.
- :mod:`simulation.report.account`: the economic account as the report shows it (present
  values, payback years and cash flow by payer, each municipality's own present value).
- :mod:`simulation.report.levers`: what each lever of the one-lever scenarios contributes.
- :mod:`simulation.report.figures`: matplotlib figures (net cost, cost by area, difference by
  area, tile map of the 98 municipalities, cumulative cash flow by payer, map of which
  municipalities gain and lose, mobilisation, population pyramid).
- :mod:`simulation.report.tilemap`: the tile-map layout (``simulation/inputs/data/tile_grid.csv``).
- :mod:`simulation.report.html`: :func:`write_report`, which writes the whole report folder.

All of them work on the model's tidy long table with columns ``scenario, replicate, seed, year,
municipality, region, area, metric, value``.
"""

from __future__ import annotations

from simulation.report.figures import (
    cash_flow,
    cost_by_area,
    difference_by_area,
    mobilisation,
    net_cost_by_scenario,
    population_pyramid,
    save_figure,
    tile_map,
    winners_map,
)
from simulation.report.html import write_report
from simulation.report.tables import (
    area_differences,
    format_key_figures,
    key_figures,
    municipal_change,
    national,
    summary_table,
)
from simulation.report.tilemap import read_tile_grid

__all__ = [
    "area_differences",
    "cash_flow",
    "cost_by_area",
    "difference_by_area",
    "format_key_figures",
    "key_figures",
    "mobilisation",
    "municipal_change",
    "national",
    "net_cost_by_scenario",
    "population_pyramid",
    "read_tile_grid",
    "save_figure",
    "summary_table",
    "tile_map",
    "winners_map",
    "write_report",
]
