"""Where the runs of a sweep execute: in this process, in a local process pool, or on Dask.

Every backend runs *batches* (lists of runs) with :func:`run_batch`, which calls the model function
once per run and turns each call into a result record; an exception inside the model becomes a
failed record with its traceback, never a lost batch. The runner (:mod:`.runner`) decides what to
submit; a backend only executes and hands back finished batches.

Start method of the local pool: ``forkserver`` where the platform has it (Linux, macOS), else
``spawn``. Not the global default: ``import mesa`` switches the whole program to ``spawn``, where
every worker re-imports NumPy, pandas and the model from scratch. Not plain ``fork`` either: the
parent holds threads (tqdm's monitor, pyarrow's pools, a Dask client) and forking a threaded process
can deadlock the child (Python 3.12+ warns about it). ``forkserver`` forks workers from a small
single-threaded server process that has imported the model's module once
(:func:`multiprocessing.set_forkserver_preload`), so a worker starts in milliseconds, safely.
Workers ignore SIGINT: Ctrl-C is handled by the runner alone, which lets running batches finish.
Workers also watch the runner and exit when it is gone (after a ``kill -9``), instead of waiting
for work forever.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import gc
import math
import multiprocessing
import os
import signal
import socket
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from simulation.experiments.store import RESERVED
from simulation.experiments.sweep_errors import SweepError

__all__ = [
    "RunSpec",
    "Batch",
    "run_one",
    "run_batch",
    "failed_record",
    "Backend",
    "InProcessBackend",
    "ProcessPoolBackend",
    "DaskBackend",
    "start_method",
]

_HOST = socket.gethostname()
_MAX_ERROR = 20_000


@dataclass(frozen=True)
class RunSpec:
    """One planned run.

    Attributes:
        key: The run key (:func:`simulation.experiments.store.run_key`).
        set_id: The parameter set (first one, if several sets share the key).
        replicate: Replicate number; the seed is ``sweep seed + replicate``.
        seed: The run's seed.
        params: The varied parameters' values (plain Python values).
    """

    key: str
    set_id: int
    replicate: int
    seed: int
    params: dict[str, Any]


@dataclass
class Batch:
    """Runs submitted together; ``isolated`` marks a run retried alone after its worker died."""

    specs: list[RunSpec]
    isolated: bool = False
    submitted: float = field(default_factory=time.perf_counter)


def _base_record(spec: RunSpec, scale: float) -> dict[str, Any]:
    return {
        "key": spec.key,
        "set_id": int(spec.set_id),
        "replicate": int(spec.replicate),
        "seed": int(spec.seed),
        "scale": float(scale),
        **spec.params,
    }


def _finish(record: dict[str, Any], ok: int, error: str, started: float) -> dict[str, Any]:
    record.update(
        run_ok=int(ok),
        error=error[-_MAX_ERROR:],
        wall_time=time.perf_counter() - started,
        host=_HOST,
        pid=os.getpid(),
        finished_at=time.time(),
    )
    return record


def failed_record(spec: RunSpec, scale: float, error: str) -> dict[str, Any]:
    """Return the record of a run that produced no outcomes (e.g. its worker died)."""
    return _finish(_base_record(spec, scale), 0, error, time.perf_counter())


def _outcomes(result: Any, params: Mapping[str, Any]) -> tuple[dict[str, float], int, str]:
    if not isinstance(result, Mapping):
        raise TypeError(f"the model returned {type(result).__name__}, not a dict of outcomes")
    outcomes: dict[str, float] = {}
    ok, error = 1, ""
    for name, value in result.items():
        if name == "run_ok":
            ok = 1 if value and not (isinstance(value, float) and math.isnan(value)) else 0
            continue
        if name == "error":
            error = "" if value is None else str(value)
            continue
        if not isinstance(name, str):
            raise TypeError(f"outcome name {name!r} is not text")
        if name in RESERVED or name in params:
            raise TypeError(f"outcome {name!r} has the name of a reserved column or a parameter")
        if value is None:
            outcomes[name] = math.nan
            continue
        try:
            outcomes[name] = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"outcome {name!r} is {type(value).__name__}, not a number") from None
    if not ok and not error:
        error = "the model reported run_ok = 0"
    return outcomes, ok, error if not ok else ""


def run_one(
    fn: Callable[..., Mapping[str, Any]],
    spec: RunSpec,
    scale: float,
    fixed: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Run the model once and return its record; an exception becomes a failed record.

    The call is ``fn(**fixed, **spec.params, seed=spec.seed, scale=scale)``.

    Args:
        fn: The model function; returns a dict of scalar outcomes (may include ``run_ok`` and
            ``error``, as a model that never raises does).
        spec: The run.
        scale: Fraction of residents simulated.
        fixed: Keyword arguments passed unchanged to every run (e.g. from the base scenario).
    """
    started = time.perf_counter()
    record = _base_record(spec, scale)
    try:
        result = fn(**{**(fixed or {}), **spec.params}, seed=spec.seed, scale=scale)
        outcomes, ok, error = _outcomes(result, spec.params)
    except (Exception, SystemExit):
        return _finish(record, 0, traceback.format_exc(), started)
    record.update(outcomes)
    return _finish(record, ok, error, started)


def run_batch(
    fn: Callable[..., Mapping[str, Any]],
    specs: list[RunSpec],
    scale: float,
    fixed: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Run a batch of runs one after the other and return their records (worker entry point)."""
    return [run_one(fn, spec, scale, fixed) for spec in specs]


def _parent_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - a process of another user took the pid
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def _watch_parent(pid: int, every: float = 1.0) -> None:
    while _parent_alive(pid):
        time.sleep(every)
    os._exit(1)


def _init_worker(parent_pid: int) -> None:
    """Prepare a pool worker: ignore Ctrl-C (the runner handles it) and exit if the runner dies.

    A pool worker whose runner was killed with ``kill -9`` would otherwise wait for work forever
    (it holds its own end of the task queue), keeping the forkserver alive too. The objects the
    worker starts with (modules, loaded data) live as long as it does, so they are frozen out of
    the garbage collector's full passes (a full pass over them takes about 60 ms).
    """
    gc.freeze()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(
        target=_watch_parent, args=(parent_pid,), daemon=True, name="watch-runner"
    ).start()


def start_method() -> str:
    """Return the start method of the local pool: ``forkserver`` if available, else ``spawn``."""
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


Done = tuple[Batch, "list[dict[str, Any]] | BaseException"]


class Backend:
    """Interface of an execution backend.

    Attributes:
        capacity: Number of batches that can run at the same time.
        name: Short name for the manifest.
    """

    capacity: int = 1
    name: str = "?"

    def __init__(
        self, fn: Callable[..., Mapping[str, Any]], scale: float, fixed: Mapping[str, Any] | None
    ) -> None:
        self.fn = fn
        self.scale = scale
        self.fixed = dict(fixed or {})

    @property
    def in_flight(self) -> int:
        """Return the number of submitted batches not yet handed back."""
        raise NotImplementedError

    def submit(self, batch: Batch) -> None:
        """Start a batch (or queue it)."""
        raise NotImplementedError

    def wait(self) -> list[Done]:
        """Block until at least one batch is finished; return the finished ones with their records.

        A batch whose worker died is handed back with the exception instead of records.
        """
        raise NotImplementedError

    def can_drain(self) -> bool:
        """Return whether running batches can still finish after a Ctrl-C."""
        return True

    def cancel_pending(self) -> None:
        """Cancel the batches that have not started; running ones go on."""

    def take_partial(self) -> list[dict[str, Any]]:
        """Return records finished inside a batch that a Ctrl-C interrupted (in-process only)."""
        return []

    def close(self, kill: bool = False) -> None:
        """Release the workers; ``kill`` stops running batches at once."""


class InProcessBackend(Backend):
    """Runs batches one by one in this process (``workers=1``): no start-up cost, no pickling."""

    name = "in-process"

    def __init__(
        self, fn: Callable[..., Mapping[str, Any]], scale: float, fixed: Mapping[str, Any] | None
    ) -> None:
        super().__init__(fn, scale, fixed)
        self._queue: list[Batch] = []
        self._partial: list[dict[str, Any]] = []

    @property
    def in_flight(self) -> int:
        """Return the number of queued batches."""
        return len(self._queue)

    def submit(self, batch: Batch) -> None:
        """Queue a batch; it runs in :meth:`wait`."""
        self._queue.append(batch)

    def wait(self) -> list[Done]:
        """Run the oldest queued batch and return it."""
        batch = self._queue.pop(0)
        records: list[dict[str, Any]] = []
        try:
            for spec in batch.specs:
                records.append(run_one(self.fn, spec, self.scale, self.fixed))
        except KeyboardInterrupt:
            self._partial = records
            raise
        return [(batch, records)]

    def cancel_pending(self) -> None:
        """Drop the queued batches."""
        self._queue.clear()

    def take_partial(self) -> list[dict[str, Any]]:
        """Return (once) the records of the batch a Ctrl-C interrupted."""
        out, self._partial = self._partial, []
        return out


class ProcessPoolBackend(Backend):
    """Runs batches in a local pool of worker processes (see the module docstring on start-up)."""

    name = "processes"

    def __init__(
        self,
        fn: Callable[..., Mapping[str, Any]],
        scale: float,
        fixed: Mapping[str, Any] | None,
        workers: int,
    ) -> None:
        super().__init__(fn, scale, fixed)
        self.capacity = workers
        self.method = start_method()
        self._context = multiprocessing.get_context(self.method)
        if self.method == "forkserver":
            modules = [__name__]
            if getattr(fn, "__module__", "__main__") not in ("__main__", "__mp_main__"):
                modules.append(fn.__module__)
            self._context.set_forkserver_preload(modules)
        self._executor: cf.ProcessPoolExecutor | None = None
        self._futures: dict[cf.Future, Batch] = {}
        self._orphans: list[Done] = []

    def _pool(self) -> cf.ProcessPoolExecutor:
        if self._executor is None:
            self._executor = cf.ProcessPoolExecutor(
                max_workers=self.capacity,
                mp_context=self._context,
                initializer=_init_worker,
                initargs=(os.getpid(),),
            )
        return self._executor

    @property
    def in_flight(self) -> int:
        """Return the number of submitted batches not yet handed back."""
        return len(self._futures) + len(self._orphans)

    def submit(self, batch: Batch) -> None:
        """Submit a batch to the pool (a new pool if the last one broke)."""
        try:
            future = self._pool().submit(run_batch, self.fn, batch.specs, self.scale, self.fixed)
        except (BrokenProcessPool, OSError):
            # a pool whose worker died can refuse work either way, depending on how far its
            # management thread got in closing it
            self._discard_pool()
            future = self._pool().submit(run_batch, self.fn, batch.specs, self.scale, self.fixed)
        self._futures[future] = batch

    def wait(self) -> list[Done]:
        """Wait for the first finished batches."""
        if self._orphans:
            out, self._orphans = self._orphans, []
            return out
        done, _ = cf.wait(list(self._futures), return_when=cf.FIRST_COMPLETED)
        out: list[Done] = []
        broken = False
        for future in done:
            batch = self._futures.pop(future)
            if future.cancelled():
                continue
            exc = future.exception()
            if exc is None:
                out.append((batch, future.result()))
            else:
                broken = broken or isinstance(exc, BrokenProcessPool)
                out.append((batch, exc))
        if broken:
            self._discard_pool()
        return out

    def _discard_pool(self) -> None:
        # Every batch still out in a broken pool is lost: hand them back as broken at once
        # (waiting for the dead pool to say so can hang), then end its remaining workers.
        lost = BrokenProcessPool("the worker pool broke while this batch was queued or running")
        self._orphans.extend((batch, lost) for batch in self._futures.values())
        self._futures.clear()
        self._stop_pool(kill=True)

    def _stop_pool(self, kill: bool) -> None:
        if self._executor is None:
            return
        if kill:
            # ProcessPoolExecutor has no public way to stop running work before Python 3.14
            # (terminate_workers); terminating the processes is what that method does.
            processes = list((getattr(self._executor, "_processes", None) or {}).values())
            with contextlib.suppress(OSError):
                self._executor.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.terminate()
            for process in processes:
                process.join(timeout=5)
        else:
            self._executor.shutdown(wait=True, cancel_futures=True)
        self._executor = None

    def cancel_pending(self) -> None:
        """Cancel the batches that have not started."""
        for future in list(self._futures):
            if future.cancel():
                self._futures.pop(future)

    def close(self, kill: bool = False) -> None:
        """Shut the pool down; ``kill`` terminates the workers (running batches are lost)."""
        self._stop_pool(kill)
        self._futures.clear()
        self._orphans.clear()


class DaskBackend(Backend):
    """Runs batches on Dask: an existing cluster (``scheduler``) or a new ``LocalCluster``.

    The model's module must be importable on every worker (install the project there). Batches are
    submitted with ``pure=False`` (the same inputs twice are two runs, not one cached result).
    """

    name = "dask"

    def __init__(
        self,
        fn: Callable[..., Mapping[str, Any]],
        scale: float,
        fixed: Mapping[str, Any] | None,
        scheduler: str | None = None,
        dask_local: int | None = None,
    ) -> None:
        super().__init__(fn, scale, fixed)
        try:
            from distributed import Client, LocalCluster, as_completed
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "the Dask backend needs the optional 'distributed' extra: "
                "pip install 'dask[distributed]'"
            ) from exc
        self._cluster = None
        if scheduler:
            try:
                self.client = _connect(Client, scheduler, timeout=30)
                self.client.wait_for_workers(1, timeout=120)
            except Exception as exc:  # noqa: BLE001 - any answer but a scheduler's
                reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
                raise SweepError(
                    f"--scheduler {scheduler}: cannot connect, or no worker joined ({reason})"
                ) from None
            self.address = scheduler
        else:
            self._cluster = LocalCluster(
                n_workers=max(1, int(dask_local or 1)),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            self.client = Client(self._cluster)
            self.address = self._cluster.scheduler_address
        self._as_completed = as_completed()
        self._futures: dict[Any, Batch] = {}
        self._capacity_checked = 0.0
        self._capacity = 1

    @property
    def capacity(self) -> int:  # type: ignore[override]
        """Return the number of worker threads in the cluster (re-read every 10 s)."""
        now = time.monotonic()
        if now - self._capacity_checked > 10:
            self._capacity = max(1, sum(self.client.nthreads().values()))
            self._capacity_checked = now
        return self._capacity

    @property
    def in_flight(self) -> int:
        """Return the number of submitted batches not yet handed back."""
        return len(self._futures)

    def submit(self, batch: Batch) -> None:
        """Submit a batch to the cluster."""
        future = self.client.submit(
            run_batch, self.fn, batch.specs, self.scale, self.fixed, pure=False
        )
        self._futures[future] = batch
        self._as_completed.add(future)

    def wait(self) -> list[Done]:
        """Wait for the next finished batches."""
        out: list[Done] = []
        for future in self._as_completed.next_batch(block=True):
            batch = self._futures.pop(future, None)
            if batch is None:
                continue
            if future.status == "finished":
                out.append((batch, future.result()))
            elif future.status == "cancelled":
                continue
            else:
                out.append((batch, future.exception()))
            future.release()
        return out

    def can_drain(self) -> bool:
        """Return whether running batches can finish after a Ctrl-C.

        Not on a ``LocalCluster``: its worker processes share the terminal's process group, so
        Ctrl-C has stopped them too; the batches they held are lost (and redone on resume).
        """
        return self._cluster is None

    def close(self, kill: bool = False) -> None:
        """Cancel what is left and close the client (and the local cluster)."""
        if kill and self._futures:
            self.client.cancel(list(self._futures))
        self._futures.clear()
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def _connect(client_class: Any, address: str, timeout: float) -> Any:
    """Connect a Dask client, giving up after ``timeout`` seconds whatever answers.

    ``Client(address, timeout=...)`` bounds the TCP connection, but a server that accepts and
    then says nothing a scheduler would (a web server, say) can keep the handshake waiting for
    ever; the client is therefore made in a thread that is abandoned after the timeout.

    Raises:
        TimeoutError: If no scheduler answered in time.
    """
    import threading

    box: dict[str, Any] = {}

    def make() -> None:
        try:
            box["client"] = client_class(address, timeout=timeout)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            box["error"] = exc

    thread = threading.Thread(target=make, name="dask-connect", daemon=True)
    thread.start()
    thread.join(timeout + 5)
    if "error" in box:
        raise box["error"]
    if "client" not in box:
        raise TimeoutError(f"no Dask scheduler answered within {timeout:.0f} s")
    return box["client"]
