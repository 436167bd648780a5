"""Provenance of a run or sweep: package versions, the git commit of the code, timestamps.

Versions are read from the installed packages' metadata, so nothing is imported (importing
``mesa`` would switch multiprocessing to the spawn start method for the whole program).
"""

from __future__ import annotations

import datetime as dt
import platform
import subprocess
from importlib import metadata
from pathlib import Path

__all__ = ["versions", "git_commit", "now_iso"]

_PACKAGES = (
    "numpy",
    "pandas",
    "scipy",
    "pyarrow",
    "matplotlib",
    "mesa",
    "SALib",
    "dask",
    "distributed",
    "tqdm",
)


def versions() -> dict[str, str | None]:
    """Return the versions of Python and of the packages a sweep depends on (``None`` if absent)."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def git_commit(folder: str | Path | None = None) -> dict[str, str | bool | None]:
    """Return the git commit of the code and whether the work tree has uncommitted changes.

    Args:
        folder: A folder inside the repository (default: this package's folder).

    Returns:
        ``{"commit": sha or None, "dirty": bool or None}``; both ``None`` outside a git work tree
        or without git.
    """
    where = Path(folder) if folder else Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(where), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(where), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit or None, "dirty": bool(status.strip())}


def now_iso() -> str:
    """Return the current time in UTC as ISO 8601 text with seconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
