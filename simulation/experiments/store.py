"""Results of a sweep on disk: small Parquet files written atomically, read back without duplicates.

Layout of a sweep folder::

    <out>/manifest.json        what was run, counts, seeds, versions, timings, status
    <out>/design.parquet       the parameter sets (set_id and one column per parameter)
    <out>/design_matrix.npy    the sampler's raw matrix (Sobol and Morris analysis), if any
    <out>/plan.parquet         every planned run: set_id, replicate, seed, key
    <out>/runs/*.parquet       finished runs, one file per batch, one row per run

Every file is written to a temporary name in its own folder and then renamed with
:func:`os.replace`, so a reader (or a sweep killed with ``kill -9``) never sees half a file. A run
row holds ``key`` (see :func:`run_key`), ``set_id``, ``replicate``, ``seed``, ``scale``, the
parameter values, the outcomes, ``run_ok`` (1/0), ``error`` (traceback text, empty if ok),
``wall_time`` (seconds), ``host``, ``pid`` and ``finished_at`` (UTC).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from simulation.experiments.sweep_errors import SweepError
from simulation.safe_paths import UnsafePath, check_regular_file

__all__ = [
    "RUNS",
    "MANIFEST",
    "DESIGN",
    "DESIGN_MATRIX",
    "PLAN",
    "RESERVED",
    "run_key",
    "write_runs",
    "run_status",
    "completed_keys",
    "collect",
    "run_files",
    "clean_temp",
    "write_frame",
    "read_frame",
    "save_matrix",
    "load_matrix",
    "write_text",
    "write_manifest",
    "read_manifest",
    "folder_lock",
]

RUNS = "runs"
MANIFEST = "manifest.json"
#: The largest manifest read (a sweep of a million runs writes well under this).
MANIFEST_BYTES = 50_000_000
DESIGN = "design.parquet"
DESIGN_MATRIX = "design_matrix.npy"
PLAN = "plan.parquet"
_TMP_PREFIX = ".tmp-"

#: Columns of a run row that are not parameters or outcomes.
RESERVED = (
    "key",
    "set_id",
    "replicate",
    "seed",
    "scale",
    "run_ok",
    "error",
    "wall_time",
    "host",
    "pid",
    "finished_at",
)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def run_key(
    params: Mapping[str, Any],
    seed: int,
    scale: float,
    base: str | None = None,
) -> str:
    """Return the key of one run: a hash of its parameters, seed, scale and base scenario.

    Two runs with the same key give the same outcomes (a run depends only on its inputs), so a key
    is run once and stored once, whichever parameter sets share it.

    Args:
        params: Every keyword argument of the run except ``seed`` and ``scale``.
        seed: The run's seed.
        scale: The run's scale.
        base: An identifier of the base scenario (e.g. a hash of its content), or ``None``.
    """
    text = json.dumps(
        {"params": _plain(dict(params)), "seed": int(seed), "scale": float(scale), "base": base},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _tmp_name(folder: Path, suffix: str) -> Path:
    return folder / f"{_TMP_PREFIX}{uuid.uuid4().hex}{suffix}"


def _replace_atomically(tmp: Path, final: Path) -> None:
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, final)


def write_frame(path: str | Path, frame: pd.DataFrame) -> Path:
    """Write a table as Parquet atomically (temporary file in the same folder, then rename).

    Args:
        path: Target file.
        frame: The table (its index is not written).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_name(path.parent, ".parquet")
    try:
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp)
        _replace_atomically(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def read_frame(path: str | Path) -> pd.DataFrame:
    """Read a Parquet table written by :func:`write_frame`."""
    return pq.read_table(path).to_pandas()


def save_matrix(path: str | Path, matrix: np.ndarray) -> Path:
    """Save a NumPy array atomically as ``.npy``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_name(path.parent, ".npy")
    try:
        with open(tmp, "wb") as handle:
            np.save(handle, np.asarray(matrix))
        _replace_atomically(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def load_matrix(path: str | Path) -> np.ndarray:
    """Load an array saved by :func:`save_matrix`."""
    return np.load(path, allow_pickle=False)


def write_runs(out: str | Path, records: Sequence[Mapping[str, Any]]) -> Path | None:
    """Write finished runs as one new Parquet file under ``<out>/runs/``, atomically.

    Args:
        out: The sweep folder.
        records: One dict per run (see the module docstring for the columns).

    Returns:
        The file written, or ``None`` if there was nothing to write.
    """
    if not records:
        return None
    folder = Path(out) / RUNS
    folder.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame.from_records(list(records))
    if "finished_at" in frame.columns:
        frame["finished_at"] = pd.to_datetime(frame["finished_at"], unit="s", utc=True)
    name = (
        f"part-{pd.Timestamp.now('UTC').strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:12]}.parquet"
    )
    return write_frame(folder / name, frame)


def run_files(out: str | Path) -> list[Path]:
    """Return the finished run files of a sweep folder (temporary files excluded), sorted."""
    folder = Path(out) / RUNS
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.parquet") if not p.name.startswith(_TMP_PREFIX))


def clean_temp(out: str | Path) -> int:
    """Delete half-written temporary files left by a killed sweep; return how many were deleted.

    Only call this while no sweep is writing into ``out`` (the runner holds :func:`folder_lock`).
    """
    removed = 0
    out = Path(out)
    for folder in (out, out / RUNS):
        if folder.is_dir():
            for tmp in folder.glob(f"{_TMP_PREFIX}*"):
                tmp.unlink(missing_ok=True)
                removed += 1
    return removed


def _read_part(path: Path, columns: list[str] | None = None) -> pd.DataFrame | None:
    try:
        return pq.read_table(path, columns=columns).to_pandas()
    except (OSError, pa.ArrowException) as exc:
        warnings.warn(
            f"{path}: unreadable run file ignored ({exc}); its runs will be redone", stacklevel=3
        )
        return None


def run_status(out: str | Path) -> dict[str, int]:
    """Return ``{key: run_ok}`` for every run on disk (1 if any stored row of the key succeeded).

    Args:
        out: The sweep folder.
    """
    status: dict[str, int] = {}
    for path in run_files(out):
        part = _read_part(path, ["key", "run_ok"])
        if part is None:
            continue
        for key, ok in zip(part["key"].astype(str), part["run_ok"].astype(int), strict=True):
            status[key] = max(status.get(key, 0), int(ok))
    return status


def completed_keys(out: str | Path, include_failed: bool = True) -> set[str]:
    """Return the keys of the runs already on disk.

    Half-written temporary files are never read (see :func:`clean_temp` to delete them).

    Args:
        out: The sweep folder.
        include_failed: Whether failed runs count as done (they are not retried).
    """
    return {k for k, ok in run_status(out).items() if ok or include_failed}


def collect(out: str | Path) -> pd.DataFrame:
    """Return every finished run of a sweep folder as one table, each key exactly once.

    Where a key was stored more than once (a failed run retried), the successful and then the
    latest row is kept. Rows are sorted by ``set_id`` and ``replicate``.

    Args:
        out: The sweep folder.
    """
    parts = [p for p in (_read_part(path) for path in run_files(out)) if p is not None and len(p)]
    if not parts:
        return pd.DataFrame(columns=list(RESERVED))
    table = pd.concat(parts, ignore_index=True, sort=False)
    order = ["run_ok", "finished_at"] if "finished_at" in table.columns else ["run_ok"]
    table = table.sort_values(order, ascending=False, kind="stable")
    table = table.drop_duplicates("key", keep="first")
    table = table.sort_values(["set_id", "replicate"], kind="stable").reset_index(drop=True)
    first = [c for c in ("key", "set_id", "replicate", "seed", "scale") if c in table.columns]
    last = [
        c
        for c in ("run_ok", "error", "wall_time", "host", "pid", "finished_at")
        if c in table.columns
    ]
    middle = [c for c in table.columns if c not in first and c not in last]
    return table[first + middle + last]


def write_text(path: str | Path, text: str) -> Path:
    """Write a text file atomically (UTF-8)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_name(path.parent, path.suffix)
    try:
        tmp.write_text(text, encoding="utf-8")
        _replace_atomically(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_manifest(out: str | Path, manifest: Mapping[str, Any]) -> Path:
    """Write ``manifest.json`` atomically.

    Args:
        out: The sweep folder.
        manifest: JSON-ready content.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_name(out, ".json")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(_plain(dict(manifest)), handle, indent=2, default=str)
            handle.write("\n")
        _replace_atomically(tmp, out / MANIFEST)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out / MANIFEST


def read_manifest(out: str | Path) -> dict[str, Any] | None:
    """Read ``manifest.json`` of a sweep folder, or return ``None`` if there is none."""
    path = Path(out) / MANIFEST
    if not path.is_file():
        return None
    try:
        check_regular_file(path, MANIFEST_BYTES, "sweep manifest")
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except UnsafePath as exc:
        raise SweepError(str(exc)) from None
    except (OSError, ValueError, RecursionError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0][:200]
        raise SweepError(
            f"{path}: not a readable sweep manifest ({reason}); give a folder a sweep wrote,"
            " or choose another folder"
        ) from None
    if not isinstance(data, dict):
        raise SweepError(f"{path}: not a sweep manifest (not a JSON object)")
    for key in ("design", "fixed"):  # the tables a sweep writes; read with .get(key, {})
        if key in data and not isinstance(data[key], dict):
            raise SweepError(f"{path}: not a sweep manifest ({key!r} is not a JSON object)")
    return data


@contextlib.contextmanager
def folder_lock(out: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on a sweep folder, so that two sweeps never write into one folder.

    The lock is an ``flock`` on ``<out>/.lock``; the operating system releases it when the process
    ends, even after ``kill -9``. Where ``fcntl`` is missing (Windows) no lock is taken.

    Raises:
        SweepError: If another process holds the lock.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(out / ".lock", "a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise SweepError(
                f"{out}: another sweep is writing into this folder ({holder})"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
