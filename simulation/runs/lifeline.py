"""Child processes that end with their parent: pool workers and the app's server.

A worker or server that outlives the command that started it keeps memory, a port or a CPU busy
with no one to report to. Three guards, for three ways a parent ends:

- Ctrl-C or ``kill`` (SIGTERM): the command turns SIGTERM into ``KeyboardInterrupt``
  (:func:`terminate_as_interrupt`), and :func:`stop_pool` ends the pool's workers at once
  instead of letting them finish the queue;
- ``kill -9`` of the parent: each pool worker watches its parent (:func:`init_worker`) and exits
  within a second when the parent is gone;
- a server started with ``subprocess``: on Linux :func:`die_with_parent` asks the kernel to send
  it SIGTERM when its parent dies (``prctl(PR_SET_PDEATHSIG)``), and a watcher thread does the
  same where ``prctl`` is missing.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from simulation.safe_paths import process_alive

__all__ = [
    "init_worker",
    "stop_pool",
    "die_with_parent",
    "terminate_as_interrupt",
    "watch_parent",
]

_PR_SET_PDEATHSIG = 1
_STOP_SECONDS = 15.0  # longest wait for a pool to stop before the process ends itself


def watch_parent(pid: int, every: float = 0.5) -> None:
    """Exit this process (status 1) as soon as process ``pid`` is gone; runs in a thread."""

    def watch() -> None:
        while process_alive(pid):
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="watch-parent").start()


def init_worker(parent_pid: int) -> None:
    """Prepare a pool worker: leave Ctrl-C to the parent and exit when the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    watch_parent(parent_pid)


def _watchdog() -> threading.Timer:
    """Start a timer that ends this process (status 130) after ``_STOP_SECONDS``."""
    watchdog = threading.Timer(_STOP_SECONDS, os._exit, args=(130,))
    watchdog.daemon = True
    watchdog.start()
    return watchdog


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """End a process pool now: cancel what waits, terminate the workers, wait for them briefly."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    # The interruption may have arrived while this thread held one of the executor's locks, so
    # shutting it down can block: a watchdog ends the process if stopping takes too long (the
    # incomplete results folder of a process that is gone is removed by the next run).
    watchdog = _watchdog()
    for process in processes:  # first the workers, so that nothing waits on them
        with contextlib.suppress(Exception):
            process.terminate()
    with contextlib.suppress(Exception):
        pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + 5
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
    watchdog.cancel()


def die_with_parent() -> None:
    """In a child between fork and exec: get SIGTERM when the parent dies (Linux).

    Use as ``subprocess.Popen(..., preexec_fn=die_with_parent)``. Elsewhere it does nothing.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no libc
        pass


def terminate_as_interrupt() -> Any:
    """Treat SIGTERM like Ctrl-C in this (main) thread; return the previous handler.

    The command's ``KeyboardInterrupt`` handling then stops workers and removes its incomplete
    folder, whichever of the two signals arrived.
    """

    def handler(signum: int, frame: object) -> None:
        _watchdog()  # whatever the clean-up then waits on, the process ends in time
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, handler)
