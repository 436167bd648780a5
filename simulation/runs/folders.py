"""Results folders that can be trusted: written elsewhere, then moved into place when complete.

A run or comparison writes into a hidden temporary folder next to its destination; only when
every file is written is the folder renamed to its final name (an atomic rename on one file
system). An interrupted run (Ctrl-C, kill, an error) therefore never leaves a folder that looks
complete: at most a ``.incomplete-*`` folder, which the next run clears away.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = [
    "atomic_folder",
    "write_json",
    "default_folder",
    "command_line",
]


def default_folder(results_dir: Path, label: str) -> Path:
    """``results/<timestamp>-<label>`` (a suffix is added if it exists already)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = results_dir / f"{stamp}-{label}"
    path, k = base, 1
    while path.exists():
        k += 1
        path = base.with_name(f"{base.name}-{k}")
    return path


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write JSON atomically (temporary file, then rename)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


@contextmanager
def atomic_folder(final: Path) -> Iterator[Path]:
    """Yield a temporary folder; move it to ``final`` only if the block completes.

    Args:
        final: the destination; it must not exist (or be an empty folder).

    Raises:
        FileExistsError: if ``final`` exists and is not empty.
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists() and any(final.iterdir()):
        raise FileExistsError(f"{final} exists and is not empty; choose another --out")
    for old in final.parent.glob(f".incomplete-{final.name}-*"):
        shutil.rmtree(old, ignore_errors=True)
    tmp = final.parent / f".incomplete-{final.name}-{os.getpid()}"
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if final.exists():
        final.rmdir()
    os.replace(tmp, final)


def command_line() -> str:
    """The command line of this process, as typed (best effort)."""
    return " ".join([Path(sys.executable).name, *sys.argv])
