"""Calibration data with sources, and the function that reads it.

Every CSV file in this folder starts with ``#`` comment lines that name its source, year and
confidence; rows that hold numbers carry ``source`` and ``confidence`` columns, or are marked
``assumption`` with their reasoning. :func:`read_table` skips the comment lines.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

__all__ = ["DATA_DIR", "read_table", "source_lines"]

DATA_DIR = Path(__file__).resolve().parent


@cache
def _read(name: str) -> pd.DataFrame:
    path = DATA_DIR / name
    return pd.read_csv(path, comment=None, skiprows=len(source_lines(name)), keep_default_na=False)


def read_table(name: str) -> pd.DataFrame:
    """Read one data file of this folder, without its leading comment lines.

    Args:
        name: File name inside ``simulation/inputs/data`` (for example ``"needs.csv"``).

    Returns:
        A fresh copy of the table (callers may modify it).
    """
    return _read(name).copy()


@cache
def source_lines(name: str) -> tuple[str, ...]:
    """Return the leading ``#`` comment lines of a data file (its provenance).

    Args:
        name: File name inside ``simulation/inputs/data``.
    """
    lines = []
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            lines.append(line.rstrip("\n"))
    return tuple(lines)
