"""Results folders that can be trusted: written elsewhere, then moved into place when complete.

A run or comparison writes into a hidden temporary folder next to its destination; only when
every file is written is the folder renamed to its final name (an atomic rename on one file
system). An interrupted run (Ctrl-C, kill, an error) therefore never leaves a folder that looks
complete: at most a ``.incomplete-<name>-<pid>`` folder, which a later run clears away once the
process that owned it is gone. A default folder name is reserved by creating the empty folder
(exclusively), so two runs started in the same second get two folders.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from simulation.safe_paths import (
    incomplete_name,
    process_alive,
    remove_stale_incomplete,
    reserve_folder,
)

__all__ = [
    "atomic_folder",
    "write_json",
    "default_folder",
    "command_line",
    "writer_of",
]


def default_folder(results_dir: Path, label: str) -> Path:
    """Reserve ``results/<timestamp>-<label>`` (``-2``, ``-3`` ... if taken) as an empty folder."""
    return reserve_folder(results_dir, label)


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write JSON atomically (temporary file, then rename)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


@contextmanager
def atomic_folder(final: Path, owned: bool = False) -> Iterator[Path]:
    """Yield a temporary folder; move it to ``final`` only if the block completes.

    Args:
        final: the destination; it must not exist (or be an empty folder).
        owned: ``final`` is an empty folder this process reserved (:func:`default_folder`);
            it is removed again if the block fails.

    Raises:
        FileExistsError: if ``final`` exists and is not empty.
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists() and any(final.iterdir()):
        raise FileExistsError(f"{final} exists and is not empty; choose another --out")
    remove_stale_incomplete(final)
    other = writer_of(final)
    if other is not None:
        raise FileExistsError(
            f"{final}: another run (process {other}) is writing into this folder;"
            " choose another --out"
        )
    tmp = incomplete_name(final)
    if tmp.exists():
        shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if owned:
            with suppress(OSError):
                final.rmdir()
        raise
    try:
        if final.is_symlink() and not final.exists():
            raise FileExistsError(f"{final}: a symbolic link to a missing place")
        if final.exists():
            final.rmdir()
        os.replace(tmp, final)
    except OSError as exc:  # another process wrote there meanwhile, or it became a file
        shutil.rmtree(tmp, ignore_errors=True)
        reason = exc.strerror or str(exc)
        raise FileExistsError(
            f"{final}: the results could not be moved into place ({reason}); another process"
            " may have written there meanwhile; run again with another --out"
        ) from None


def writer_of(final: Path) -> int | None:
    """Return the id of another live process writing ``final`` (its incomplete folder), or None."""
    prefix = f".incomplete-{final.name}-"
    try:
        entries = list(os.scandir(final.parent))
    except OSError:
        return None
    for entry in entries:
        pid_text = entry.name[len(prefix) :] if entry.name.startswith(prefix) else ""
        if pid_text.isdigit() and int(pid_text) != os.getpid() and process_alive(int(pid_text)):
            return int(pid_text)
    return None


def command_line() -> str:
    """The command line of this process, as typed (best effort)."""
    return " ".join([Path(sys.executable).name, *sys.argv])
