"""Run a sweep: every parameter set times every replicate, on all cores or on Dask, nothing lost.

:func:`run_sweep` takes any module-level function ``fn(**params, seed=int, scale=float) -> dict``
and a design (:class:`~simulation.experiments.samplers.Design` or a table of parameter sets). Runs
are design x replicates; replicate ``r`` uses seed ``seed + r`` for every parameter set (common
random numbers). Each run is keyed by a hash of its inputs (:func:`~.store.run_key`), so:

- finished runs are written to ``<out>/runs/`` as they arrive, atomically, in batches;
- running the same sweep into the same folder again resumes: keys on disk are skipped, after a
  Ctrl-C or a ``kill -9`` alike, and no run is stored twice;
- a run that raises is recorded with its traceback (``run_ok = 0``) and the sweep goes on; a run
  that kills its worker process is retried alone and then recorded as failed;
- outcomes do not depend on the backend or the number of workers (a run depends only on its
  parameters and seed).

Short runs are batched: the batch size adapts so that a batch takes about ``target_seconds``
(default 2 s), while keeping enough batches in the queue that all workers stay busy to the end.
Each batch is one Parquet file written by the main process (20-30 ms of its time), so one file
per 0.2-0.3 s run would take a tenth of a core from the workers; a ``kill -9`` loses at most the
batches in flight, which a resume runs again.
"""

from __future__ import annotations

import hashlib
import json
import math
import pickle
import sys
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.experiments import store
from simulation.experiments.backends import (
    Backend,
    Batch,
    DaskBackend,
    InProcessBackend,
    ProcessPoolBackend,
    RunSpec,
    failed_record,
    start_method,
)
from simulation.experiments.design_size import check_design_size
from simulation.experiments.samplers import Design, build_design
from simulation.experiments.sweep_errors import SweepError
from simulation.experiments.sweepfile import load_sweep
from simulation.runs.provenance import git_commit, now_iso, versions

__all__ = ["SweepResult", "plan_runs", "run_sweep", "run_sweep_file"]

_MANIFEST_EVERY = 10.0  # seconds between manifest updates while running
_MAX_BATCH = 10_000


@dataclass(frozen=True)
class SweepResult:
    """What a call of :func:`run_sweep` achieved.

    Attributes:
        out: The sweep folder.
        status: ``"complete"`` (every run done, failed ones included) or ``"interrupted"``.
        planned: Runs planned (distinct keys).
        done: Runs on disk (ok or failed).
        failed: Runs on disk that failed.
        ran: Runs executed by this call.
        seconds: Wall time of this call.
    """

    out: Path
    status: str
    planned: int
    done: int
    failed: int
    ran: int
    seconds: float

    def table(self) -> pd.DataFrame:
        """Return the collected results (:func:`simulation.experiments.store.collect`)."""
        return store.collect(self.out)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def plan_runs(
    design: Design | pd.DataFrame,
    replicates: int,
    seed: int,
    scale: float,
    fixed: Mapping[str, Any] | None = None,
    base: str | None = None,
) -> pd.DataFrame:
    """Return every planned run: ``set_id``, ``replicate``, ``seed`` and ``key``, in run order.

    Args:
        design: The parameter sets.
        replicates: Runs per parameter set.
        seed: Seed of replicate 0; replicate ``r`` uses ``seed + r``.
        scale: Fraction of residents simulated.
        fixed: Keyword arguments passed unchanged to every run (part of the key).
        base: Identifier of the base scenario (part of the key).
    """
    design = design if isinstance(design, Design) else Design.from_frame(design)
    names = design.parameters
    fixed = dict(fixed or {})
    rows = []
    for record in design.table.to_dict("records"):
        params = {**fixed, **{n: _plain(record[n]) for n in names}}
        for r in range(replicates):
            rows.append(
                (int(record["set_id"]), r, seed + r, store.run_key(params, seed + r, scale, base))
            )
    return pd.DataFrame(rows, columns=["set_id", "replicate", "seed", "key"])


def _fingerprint(
    design: Design, seed: int, scale: float, fixed: Mapping[str, Any], base: str | None
) -> str:
    content = {
        "design": {c: [_plain(v) for v in design.table[c]] for c in design.table.columns},
        "seed": seed,
        "scale": scale,
        "fixed": {k: _plain(v) for k, v in fixed.items()},
        "base": base,
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()[
        :24
    ]


def _check_fn(fn: Callable[..., Any], parallel: bool) -> None:
    if not callable(fn):
        raise TypeError(f"fn must be callable, not {type(fn).__name__}")
    if not parallel:
        return
    qualname = getattr(fn, "__qualname__", "")
    if "<lambda>" in qualname or "<locals>" in qualname:
        raise TypeError(
            f"fn {qualname!r} must be a module-level function, "
            "so that worker processes can import it"
        )
    try:
        pickle.dumps(fn)
    except Exception as exc:
        raise TypeError(f"fn {qualname!r} cannot be sent to worker processes: {exc}") from exc


def _make_backend(
    fn: Callable[..., Any],
    scale: float,
    fixed: Mapping[str, Any],
    workers: int,
    backend: str,
    scheduler: str | None,
    dask_local: int | None,
) -> Backend:
    if backend not in ("processes", "dask"):
        raise ValueError(f"backend must be 'processes' or 'dask', not {backend!r}")
    if backend == "dask" or scheduler or dask_local:
        return DaskBackend(fn, scale, fixed, scheduler=scheduler, dask_local=dask_local or workers)
    if workers <= 1:
        return InProcessBackend(fn, scale, fixed)
    return ProcessPoolBackend(fn, scale, fixed, workers)


def run_sweep(
    fn: Callable[..., Mapping[str, Any]],
    design: Design | pd.DataFrame,
    replicates: int = 1,
    seed: int = 1,
    scale: float = 0.01,
    out: str | Path = "results/sweep",
    workers: int = 1,
    backend: str = "processes",
    scheduler: str | None = None,
    dask_local: int | None = None,
    resume: bool = True,
    progress: bool = True,
    batch_size: int | None = None,
    *,
    fixed: Mapping[str, Any] | None = None,
    base: str | None = None,
    name: str | None = None,
    meta: Mapping[str, Any] | None = None,
    retry_failed: bool = False,
    target_seconds: float = 2.0,
) -> SweepResult:
    """Run every parameter set of a design ``replicates`` times and store each run as it finishes.

    Args:
        fn: Module-level function ``fn(**fixed, **params, seed=int, scale=float) -> dict`` of
            scalar outcomes. It may report its own failure with ``run_ok = 0`` and ``error``.
        design: The parameter sets (a :class:`Design` or a table, one column per parameter).
        replicates: Runs per parameter set.
        seed: Seed of replicate 0; replicate ``r`` uses ``seed + r`` in every set.
        scale: Passed to every run.
        out: The sweep folder (created if missing).
        workers: Local worker processes; 1 runs in this process.
        backend: ``"processes"`` (local pool) or ``"dask"``.
        scheduler: Address of an existing Dask scheduler (``tcp://host:8786``); implies Dask.
        dask_local: Start a Dask ``LocalCluster`` with this many single-threaded worker processes;
            implies Dask.
        resume: Skip runs already in ``out``. With ``False`` a folder that holds runs is refused.
        progress: Show a progress bar on stderr (only when stderr is a terminal).
        batch_size: Runs per batch; ``None`` adapts it to about ``target_seconds`` per batch.
        fixed: Keyword arguments passed unchanged to every run (e.g. a resolved base scenario).
        base: Identifier of the base scenario, part of every run key.
        name: Sweep name for the manifest.
        meta: Extra manifest entries (e.g. the sweep file and its hash).
        retry_failed: Run again the runs that failed before (default: failed runs count as done).
        target_seconds: Aimed duration of one batch when ``batch_size`` is ``None``.

    Returns:
        The counts and status; read the results with :func:`.store.collect`.

    Raises:
        SweepError: If ``out`` holds another sweep, another process writes into it, or ``resume``
            is false and it already holds runs.
        TypeError: If ``fn`` cannot be sent to worker processes.
    """
    started_at, t0 = now_iso(), time.perf_counter()
    design = design if isinstance(design, Design) else Design.from_frame(design)
    fixed = dict(fixed or {})
    clash = sorted({"seed", "scale"} & (set(design.parameters) | set(fixed)))
    if clash:
        raise ValueError(
            f"{clash[0]!r} is set by the sweep itself and cannot be a varied or fixed parameter"
        )
    if replicates < 1:
        raise ValueError("replicates must be at least 1")
    parallel = backend == "dask" or bool(scheduler) or bool(dask_local) or workers > 1
    _check_fn(fn, parallel)
    out = Path(out)
    plan = plan_runs(design, replicates, seed, scale, fixed, base)
    fingerprint = _fingerprint(design, seed, scale, fixed, base)

    with store.folder_lock(out):
        previous = store.read_manifest(out)
        if (
            previous
            and previous.get("fingerprint") not in (None, fingerprint)
            and store.run_files(out)
        ):
            raise SweepError(
                f"{out}: holds the results of a different sweep (its design, seed, scale or base "
                "scenario differ); choose another folder"
            )
        if not resume and store.run_files(out):
            raise SweepError(
                f"{out}: already holds finished runs; resume, or choose an empty folder"
            )
        store.clean_temp(out)
        store.write_frame(out / store.DESIGN, design.table)
        if design.matrix is not None:
            store.save_matrix(out / store.DESIGN_MATRIX, design.matrix)
        store.write_frame(out / store.PLAN, plan)

        unique = plan.drop_duplicates("key")
        keys = set(unique["key"])
        status = {k: v for k, v in store.run_status(out).items() if k in keys}
        done_keys = {k for k, ok in status.items() if ok or not retry_failed}
        params_by_set = {
            int(record.pop("set_id")): {n: _plain(v) for n, v in record.items()}
            for record in design.table[["set_id", *design.parameters]].to_dict("records")
        }
        # replicate by replicate: the runs that share a seed follow one another, so a worker
        # reuses what a model keeps per process for a seed (starting citizens, demography)
        todo = deque(
            RunSpec(
                key=row.key,
                set_id=int(row.set_id),
                replicate=int(row.replicate),
                seed=int(row.seed),
                params=params_by_set[int(row.set_id)],
            )
            for row in unique.sort_values(["replicate", "set_id"], kind="stable").itertuples(
                index=False
            )
            if row.key not in done_keys
        )

        manifest: dict[str, Any] = {
            "name": name or out.name,
            **dict(meta or {}),
            "fingerprint": fingerprint,
            "design": design.meta(),
            "sampler": design.sampler,
            "second_order": design.second_order,
            "N": design.samples,
            "replicates": replicates,
            "seed": seed,
            "seeds": [seed + r for r in range(replicates)],
            "scale": scale,
            "base": base,
            "fixed": fixed,
            "function": f"{getattr(fn, '__module__', '?')}:{getattr(fn, '__qualname__', '?')}",
            "counts": {},
            "versions": versions(),
            "git": git_commit(),
            "started": (previous or {}).get("started", started_at) if resume else started_at,
            "last_started": started_at,
            "ended": None,
            "status": "running",
        }

        def counts() -> dict[str, int]:
            failed = sum(1 for ok in status.values() if not ok)
            return {
                "planned": len(plan),
                "distinct": len(keys),
                "done": len(status),
                "ok": len(status) - failed,
                "failed": failed,
            }

        manifest["counts"] = counts()
        if not todo:
            manifest.update(status="complete", ended=now_iso())
            store.write_manifest(out, manifest)
            c = counts()
            return SweepResult(
                out, "complete", len(keys), c["done"], c["failed"], 0, time.perf_counter() - t0
            )

        engine = _make_backend(fn, scale, fixed, workers, backend, scheduler, dask_local)
        manifest["backend"] = {
            "name": engine.name,
            "workers": engine.capacity,
            "start_method": start_method() if engine.name == "processes" else None,
            "scheduler": getattr(engine, "address", None),
            "batch_size": batch_size or "auto",
        }
        store.write_manifest(out, manifest)
        loop = _Loop(
            engine, out, scale, todo, status, batch_size, target_seconds, progress, len(keys)
        )
        final = "interrupted"
        try:
            loop.run(lambda: _refresh(out, manifest, counts))
            final = "complete" if len(status) == len(keys) else "interrupted"
        except KeyboardInterrupt:
            final = "interrupted"
        except BaseException:
            manifest.update(status="error", ended=now_iso(), counts=counts())
            store.write_manifest(out, manifest)
            raise
        finally:
            loop.close()
        c = counts()
        elapsed = time.perf_counter() - t0
        manifest.update(
            status=final,
            ended=now_iso(),
            counts=c,
            seconds=round(elapsed, 3),
            runs_per_second=round(loop.ran / elapsed, 3) if elapsed > 0 else None,
        )
        manifest["backend"]["batch_sizes"] = loop.batch_sizes()
        store.write_manifest(out, manifest)
        return SweepResult(out, final, len(keys), c["done"], c["failed"], loop.ran, elapsed)


def _refresh(out: Path, manifest: dict[str, Any], counts: Callable[[], dict[str, int]]) -> None:
    manifest["counts"] = counts()
    store.write_manifest(out, manifest)


class _Loop:
    """The submit-wait-write loop of one sweep call."""

    def __init__(
        self,
        engine: Backend,
        out: Path,
        scale: float,
        todo: deque[RunSpec],
        status: dict[str, int],
        batch_size: int | None,
        target_seconds: float,
        progress: bool,
        total: int,
    ) -> None:
        self.engine = engine
        self.out = out
        self.scale = scale
        self.todo = todo
        self.suspects: deque[RunSpec] = deque()
        self.status = status
        self.batch_size = batch_size
        self.target = target_seconds
        self.ran = 0
        self._run_seconds = 0.0
        self._timed = 0
        self._sizes: list[int] = []
        self._bar = _progress_bar(
            progress, total, len(status), sum(1 for ok in status.values() if not ok)
        )

    def batch_sizes(self) -> dict[str, int]:
        """Summarise the batch sizes used (for the manifest)."""
        if not self._sizes:
            return {}
        return {"batches": len(self._sizes), "min": min(self._sizes), "max": max(self._sizes)}

    def _next_size(self) -> int:
        if self.batch_size:
            return max(1, int(self.batch_size))
        if not self._timed:
            return 1
        mean = max(self._run_seconds / self._timed, 1e-6)
        by_time = int(self.target / mean)
        by_balance = math.ceil(len(self.todo) / (4 * max(1, self.engine.capacity)))
        return max(1, min(by_time, by_balance, _MAX_BATCH))

    def _fill(self) -> None:
        if self.suspects:
            # After a worker died, retry its runs one at a time, alone, to find the culprit.
            if self.engine.in_flight == 0:
                self.engine.submit(Batch([self.suspects.popleft()], isolated=True))
            return
        while self.todo and self.engine.in_flight < 2 * max(1, self.engine.capacity):
            size = self._next_size()
            specs = [self.todo.popleft() for _ in range(min(size, len(self.todo)))]
            self._sizes.append(len(specs))
            self.engine.submit(Batch(specs))

    def _handle(self, batch: Batch, result: list[dict[str, Any]] | BaseException) -> None:
        if isinstance(result, BaseException):
            if not _worker_died(result):
                # Not the run's fault (e.g. the workers cannot import the model): stop, record
                # nothing, so that the runs are done once the environment is fixed.
                raise SweepError(
                    f"the {self.engine.name} backend could not run a batch: "
                    f"{type(result).__name__}: {result}"
                ) from result
            if batch.isolated:
                error = (
                    f"the worker process running this run died: {type(result).__name__}: {result}"
                )
                records = [failed_record(spec, self.scale, error) for spec in batch.specs]
            else:
                self.suspects.extend(batch.specs)
                return
        else:
            records = result
        self._write(records)

    def _write(self, records: list[dict[str, Any]]) -> None:
        if not records:
            return
        store.write_runs(self.out, records)
        failed = 0
        for record in records:
            self.status[record["key"]] = int(record["run_ok"])
            failed += 0 if record["run_ok"] else 1
            self._run_seconds += float(record["wall_time"])
            self._timed += 1
        self.ran += len(records)
        if self._bar is not None:
            self._bar.update(len(records))
            self._bar.set_postfix(
                failed=sum(1 for ok in self.status.values() if not ok), refresh=False
            )

    def run(self, refresh: Callable[[], None]) -> None:
        """Submit, wait and write until all runs are done; on Ctrl-C finish running ones, stop."""
        last = time.monotonic()
        try:
            while self.todo or self.suspects or self.engine.in_flight:
                self._fill()
                for batch, result in self.engine.wait():
                    self._handle(batch, result)
                if time.monotonic() - last > _MANIFEST_EVERY:
                    refresh()
                    last = time.monotonic()
        except KeyboardInterrupt:
            self._write(self.engine.take_partial())
            self._drain()
            raise

    def _drain(self) -> None:
        self.engine.cancel_pending()
        if not self.engine.in_flight:
            return
        if not self.engine.can_drain():
            self.engine.close(kill=True)
            return
        print(
            f"\nStopping: finishing {self.engine.in_flight} running batch(es); "
            "press Ctrl-C again to abandon them.",
            file=sys.stderr,
        )
        try:
            while self.engine.in_flight:
                for _batch, result in self.engine.wait():
                    if not isinstance(result, BaseException):
                        self._write(result)
        except KeyboardInterrupt:
            self.engine.close(kill=True)

    def close(self) -> None:
        """Close the progress bar and release the workers."""
        if self._bar is not None:
            self._bar.close()
        self.engine.close(kill=True)


def _worker_died(exc: BaseException) -> bool:
    """Tell a worker process that died (possibly killed by its run) from other batch failures."""
    return isinstance(exc, BrokenProcessPool) or type(exc).__name__ == "KilledWorker"


def _progress_bar(enabled: bool | str, total: int, done: int, failed: int) -> Any:
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a core dependency
        return None
    bar = tqdm(
        total=total,
        initial=done,
        unit="run",
        file=sys.stderr,
        disable=False if enabled == "always" else None,  # None: only on a terminal
        dynamic_ncols=True,
        smoothing=0.05,
    )
    bar.set_postfix(failed=failed, refresh=False)
    return bar


def run_sweep_file(
    fn: Callable[..., Mapping[str, Any]],
    path: str | Path,
    out: str | Path | None = None,
    *,
    registry: Any = None,
    fixed: Mapping[str, Any] | None = None,
    scenarios_dir: str | Path | None = None,
    max_runs: int | None = None,
    **kwargs: Any,
) -> SweepResult:
    """Load a sweep file, build its design and run it.

    The base scenario named in the file is identified in the run keys by a hash of its content;
    resolving it into model parameters is the caller's job (pass them as ``fixed``).

    Args:
        fn: The model function (see :func:`run_sweep`).
        path: The sweep file.
        out: The sweep folder (default: ``results/sweeps/<name>``).
        registry: Parameter registry for validation (default: the project's).
        fixed: Keyword arguments passed to every run (e.g. the base scenario's parameters).
        scenarios_dir: Where to look for the base scenario besides the sweep file's folder.
        max_runs: The most runs the sweep may plan; counted before the design is built
            (default: :func:`simulation.experiments.design_size.max_runs`).
        **kwargs: Passed to :func:`run_sweep` (``workers``, ``scheduler``, ``progress`` ...).

    Raises:
        SweepFileError: If the file is not a valid sweep.
    """
    sweep = load_sweep(path, registry=registry, scenarios_dir=scenarios_dir)
    check_design_size(sweep, max_runs)  # a design too large to hold is refused unbuilt
    design = build_design(sweep)
    base_id = None
    if sweep.base is not None:
        base_id = (
            f"{sweep.base.name}@sha256:{hashlib.sha256(sweep.base.read_bytes()).hexdigest()[:16]}"
        )
    target = Path(out) if out is not None else Path("results") / "sweeps" / sweep.name
    meta = {
        "description": sweep.description,
        "sweep_file": str(Path(path)),
        "sweep_sha256": sweep.sha256,
        "sweep_text": Path(path).read_text(encoding="utf-8"),
        "base_file": str(sweep.base) if sweep.base else None,
    }
    return run_sweep(
        fn,
        design,
        sweep.replicates,
        sweep.seed,
        sweep.scale,
        target,
        fixed=fixed,
        base=base_id,
        name=sweep.name,
        meta=meta,
        **kwargs,
    )
