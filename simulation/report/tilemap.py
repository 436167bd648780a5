"""The tile-map layout of the 98 municipalities: compute it, write it, read it, label it.

A tile map draws every municipality as one square of the same size, in its rough geographic
place, so that small dense municipalities (the Copenhagen area) are as visible as large rural ones.
The layout is computed once from the inner points in
``simulation/inputs/data/municipalities_geo.csv`` and committed as
``simulation/inputs/data/tile_grid.csv``; the report reads the committed file.
Regenerate it with ``python -m simulation.report.tilemap``.

How the layout is made:

1. Project each inner point to kilometres (equirectangular at 56 degrees north).
2. Magnify the Copenhagen area with a radial fisheye (distances within ``FISHEYE_RADIUS_KM`` of
   central Copenhagen are raised to the power ``FISHEYE_EXPONENT``); this keeps every
   municipality's direction from Copenhagen and the order of distances, but makes room for the
   many small municipalities there.
3. Divide by the cell size and assign every municipality to one grid cell so that the sum of
   squared displacements is as small as possible (an optimal assignment, solved exactly with the
   Hungarian algorithm): no two municipalities share a cell.
4. Place Bornholm, far out in the Baltic, as an inset one empty column east of the map at the row
   its latitude gives.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.inputs.data import DATA_DIR, read_table

__all__ = [
    "TILE_GRID_FILE",
    "BORNHOLM_CODE",
    "compute_tile_grid",
    "write_tile_grid",
    "read_tile_grid",
    "short_label",
]

TILE_GRID_FILE = "tile_grid.csv"
BORNHOLM_CODE = 400

# Layout choices (presentation, not model parameters).
_REFERENCE_LAT = 56.0
_KM_PER_DEGREE = 111.2
FISHEYE_CENTRE = (12.50, 55.70)  # lon, lat of central Copenhagen
FISHEYE_RADIUS_KM = 80.0
FISHEYE_EXPONENT = 0.4
CELL_KM = 25.0
_MARGIN_CELLS = 3

# Short labels for names whose first four letters are ambiguous or unusual.
_LABEL_OVERRIDES = {
    "København": "Kbh",
    "Frederiksberg": "FrBg",
    "Fredensborg": "FrBo",
    "Frederikssund": "FrSu",
    "Fredericia": "FrCi",
    "Frederikshavn": "FrHa",
    "Brøndby": "BrBy",
    "Brønderslev": "BrSl",
    "Ringsted": "RiSt",
    "Ringkøbing-Skjern": "RiSk",
    "Nordfyns": "NoFy",
    "Norddjurs": "NoDj",
}


def _project(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scale_x = math.cos(math.radians(_REFERENCE_LAT)) * _KM_PER_DEGREE
    return lon * scale_x, lat * _KM_PER_DEGREE


def _fisheye(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    cx, cy = _project(np.array(FISHEYE_CENTRE[0]), np.array(FISHEYE_CENTRE[1]))
    dx, dy = x - cx, y - cy
    r = np.hypot(dx, dy)
    inside = r < FISHEYE_RADIUS_KM
    stretch = np.ones_like(r)
    stretch[inside] = (
        FISHEYE_RADIUS_KM * (r[inside] / FISHEYE_RADIUS_KM) ** FISHEYE_EXPONENT
    ) / np.maximum(r[inside], 1e-9)
    return cx + dx * stretch, cy + dy * stretch


def compute_tile_grid(geo: pd.DataFrame | None = None) -> pd.DataFrame:
    """Compute the tile-map layout from municipality inner points.

    Args:
        geo: Table with columns ``code3`` (or ``code``), ``name``, ``inner_lat`` and
            ``inner_lon``; default: ``simulation/inputs/data/municipalities_geo.csv``.

    Returns:
        One row per municipality with columns ``code``, ``name``, ``row`` (0 at the top) and
        ``col`` (0 at the left), sorted by code. No two rows share a cell.
    """
    from scipy.optimize import linear_sum_assignment

    if geo is None:
        geo = read_table("municipalities_geo.csv")
    geo = geo.rename(columns={"code3": "code"})[["code", "name", "inner_lat", "inner_lon"]]
    geo = geo.astype({"code": int}).sort_values("code").reset_index(drop=True)

    is_bornholm = geo["code"].to_numpy() == BORNHOLM_CODE
    main = geo[~is_bornholm].reset_index(drop=True)
    x, y = _project(main["inner_lon"].to_numpy(float), main["inner_lat"].to_numpy(float))
    x, y = _fisheye(x, y)
    px = (x - x.min()) / CELL_KM
    py = (y.max() - y) / CELL_KM
    n_cols = int(np.ceil(px.max())) + 1
    n_rows = int(np.ceil(py.max())) + 1
    rows, cols = np.meshgrid(
        np.arange(-_MARGIN_CELLS, n_rows + _MARGIN_CELLS),
        np.arange(-_MARGIN_CELLS, n_cols + _MARGIN_CELLS),
        indexing="ij",
    )
    cells = np.column_stack([rows.ravel(), cols.ravel()])
    cost = (cells[None, :, 0] - py[:, None]) ** 2 + (cells[None, :, 1] - px[:, None]) ** 2
    who, where = linear_sum_assignment(cost)
    out = main.loc[who, ["code", "name"]].copy()
    out["row"] = cells[where, 0]
    out["col"] = cells[where, 1]

    if is_bornholm.any():
        b = geo[is_bornholm].iloc[0]
        _, by = _project(np.array(b["inner_lon"]), np.array(b["inner_lat"]))
        b_row = int(round(float((y.max() - by) / CELL_KM)))
        b_row = min(max(b_row, int(out["row"].min())), int(out["row"].max()))
        b_col = int(out["col"].max()) + 2
        out.loc[len(out)] = [int(b["code"]), b["name"], b_row, b_col]

    out["row"] = (out["row"] - out["row"].min()).astype(int)
    out["col"] = (out["col"] - out["col"].min()).astype(int)
    out["code"] = out["code"].astype(int)
    return out.sort_values("code").reset_index(drop=True)


def write_tile_grid(path: str | Path | None = None, geo: pd.DataFrame | None = None) -> Path:
    """Compute the layout and write it as CSV with provenance comment lines.

    Args:
        path: Output file; default ``simulation/inputs/data/tile_grid.csv``.
        geo: Passed to :func:`compute_tile_grid`.

    Returns:
        The path written.
    """
    path = Path(path) if path is not None else DATA_DIR / TILE_GRID_FILE
    grid = compute_tile_grid(geo)
    header = [
        "# Tile-map layout of the 98 municipalities: one square cell (row 0 = north, col 0 = west)"
        " per municipality, in its rough geographic place; no two share a cell.",
        "# source: computed from municipalities_geo.csv (inner_lat/inner_lon) by"
        " simulation.report.tilemap.compute_tile_grid (regenerate: python -m"
        " simulation.report.tilemap): equirectangular km at 56N, fisheye around Copenhagen"
        f" ({FISHEYE_CENTRE[1]}N {FISHEYE_CENTRE[0]}E, radius {FISHEYE_RADIUS_KM:g} km,"
        f" exponent {FISHEYE_EXPONENT:g}), {CELL_KM:g} km cells, optimal assignment of"
        " municipalities to cells (least squared displacement, Hungarian algorithm).",
        "# note: Bornholm (400) is an inset one empty column east of the map. confidence:"
        " presentation layout, not geography.",
    ]
    text = "\n".join(header) + "\n" + grid.to_csv(index=False, lineterminator="\n")
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def read_tile_grid() -> pd.DataFrame:
    """Read the committed layout ``simulation/inputs/data/tile_grid.csv``.

    Returns:
        Columns ``code``, ``name``, ``row``, ``col`` and ``label`` (a short label, see
        :func:`short_label`).
    """
    grid = read_table(TILE_GRID_FILE).astype({"code": int, "row": int, "col": int})
    grid["label"] = [short_label(name) for name in grid["name"]]
    return grid


def short_label(name: str) -> str:
    """Return a short (at most four characters) label for a municipality name.

    Args:
        name: Municipality name as in FRKM126 (for example ``"Frederikssund"``).

    Returns:
        The first four letters, or a fixed abbreviation where those would be ambiguous
        (``"FrSu"``) or where a common one exists (``"Kbh"``).
    """
    return _LABEL_OVERRIDES.get(name, name[:4])


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    print(write_tile_grid())
