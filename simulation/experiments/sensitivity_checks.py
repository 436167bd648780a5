"""Honest sensitivity output: which sweeps can be analysed, and indices that cannot be read.

Sobol' indices lie in [0, 1] in theory; estimated on a small sample they can fall far outside it,
and their confidence intervals can be wider than the range itself. Such a table looks precise
and is not, so the command prints a warning with what to do (more samples). Morris screening
has no fixed range; its intervals are judged against ``mu_star`` itself.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from simulation.experiments.sweep_errors import SensitivityError
from simulation.safe_paths import UnsafePath, check_folder, check_regular_file

__all__ = [
    "ANALYSABLE",
    "check_sweep_folder",
    "sampler_note",
    "index_warnings",
]

#: The samplers whose sweeps give sensitivity indices.
ANALYSABLE = ("sobol", "morris")
_MANIFEST_BYTES = 50_000_000
_SLACK = 0.1  # estimates within [-0.1, 1.1] are sampling noise around [0, 1]
_WIDE = 0.5  # a 95% interval half-width above this reads as "anything"


def check_sweep_folder(folder: Path) -> Path:
    """Check that ``folder`` is a folder with a readable ``manifest.json`` (a regular file).

    Raises:
        SensitivityError: With one line saying what is wrong.
    """
    try:
        check_folder(folder, "sweep folder")
        check_regular_file(folder / "manifest.json", _MANIFEST_BYTES, "sweep manifest")
    except UnsafePath as exc:
        if "manifest.json" in str(exc) and "not found" in exc.reason:
            raise SensitivityError(
                f"{folder}: not a sweep folder (no manifest.json); give the folder a sweep wrote,"
                " such as results/sweeps/<name>"
            ) from None
        raise SensitivityError(str(exc)) from None
    return folder


def sampler_note(sampler: str | None) -> str | None:
    """Return the message for a sweep whose sampler gives no indices, or ``None``."""
    if sampler in ANALYSABLE:
        return None
    return (
        f"a {sampler} sweep gives no sensitivity indices (only the samplers"
        f" {' and '.join(ANALYSABLE)} do); its per-set summary is in summary.csv"
    )


def index_warnings(tables: dict[str, pd.DataFrame], samples: int | None = None) -> list[str]:
    """Return warnings for indices outside their range or with intervals too wide to read.

    Args:
        tables: The tables :func:`simulation.experiments.sensitivity.analyse` returned.
        samples: The sweep's ``samples`` (named in the advice).
    """
    more = f" (now {samples})" if samples else ""
    warnings: list[str] = []
    sobol = tables.get("sobol")
    if sobol is not None and len(sobol):
        for column in ("S1", "ST"):
            values = pd.to_numeric(sobol[column], errors="coerce")
            outside = sobol[(values < -_SLACK) | (values > 1 + _SLACK)]
            if len(outside):
                worst = outside.iloc[(pd.to_numeric(outside[column]) - 0.5).abs().argmax()]
                warnings.append(
                    f"{len(outside)} Sobol {column} indices lie outside [0, 1] (e.g."
                    f" {worst['parameter']} on {worst['outcome']}: {worst[column]:.2f}); the"
                    f" sample is too small to estimate them: use more samples{more}"
                )
            conf = pd.to_numeric(sobol.get(f"{column}_conf"), errors="coerce")
            wide = int((conf > _WIDE).sum()) if conf is not None else 0
            if wide:
                warnings.append(
                    f"{wide} Sobol {column} indices have 95% intervals wider than"
                    f" +/-{_WIDE}: too wide to read; use more samples{more}"
                )
    morris = tables.get("morris")
    if morris is not None and len(morris):
        mu = pd.to_numeric(morris["mu_star"], errors="coerce")
        conf = pd.to_numeric(morris["mu_star_conf"], errors="coerce")
        wide = int(((conf > mu) & (mu.abs() > 0)).sum())
        if wide:
            warnings.append(
                f"{wide} Morris mu_star values have intervals wider than the value itself:"
                f" rank those parameters with care, or use more trajectories{more}"
            )
    return warnings
