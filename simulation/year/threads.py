"""Row chunks of the citizens, run in two threads for large populations.

NumPy releases the interpreter lock in its array loops, so the row chunks of a full-scale
population run about one and a half times as fast on two cores. The results do not depend on
it: the functions mapped draw no random numbers (they are drawn before or between the calls, in a
fixed order) and each chunk writes only its own rows.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

__all__ = ["THREADS_FROM", "RowMapper", "row_chunks"]

THREADS_FROM = 500_000  # citizens; below this, threads cost more than they save


def row_chunks(n: int, split: bool, threads: int) -> list[tuple[int, int]]:
    """Row ranges covering ``0..n``: one, or ``4 x threads`` for populations run in threads."""
    if not split:
        return [(0, n)]
    edges = np.linspace(0, n, 4 * threads + 1).astype(int).tolist()
    return list(zip(edges[:-1], edges[1:], strict=True))


class RowMapper:
    """Maps functions over row chunks of a population, in threads when it is large.

    Args:
        population: anything with a length (the citizens); its current length decides.
        threads: threads to use at most (default: up to two, as the machine has cores).
    """

    def __init__(self, population: Any, threads: int | None = None) -> None:
        self.population = population
        self.threads = min(2, os.cpu_count() or 1) if threads is None else int(threads)
        self._pool: ThreadPoolExecutor | None = None

    def threaded(self) -> bool:
        """Whether the population is large enough to be run in threads."""
        return len(self.population) >= THREADS_FROM

    def chunks(self, n: int | None = None) -> list[tuple[int, int]]:
        """Row ranges covering the first ``n`` rows (default: all), split if :meth:`threaded`."""
        n = len(self.population) if n is None else n
        return row_chunks(n, self.threaded(), self.threads)

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list:
        """Apply ``fn`` to ``items`` in order; in threads for large populations."""
        if not self.threaded() or self.threads < 2:
            return [fn(item) for item in items]
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.threads)
        # each call runs in a copy of the caller's context: the data overrides of the run
        # (simulation.inputs.data.using_overrides) are active in the threads too
        futures = [self._pool.submit(contextvars.copy_context().run, fn, i) for i in items]
        return [f.result() for f in futures]

    def close(self) -> None:
        """Stop the threads (a later :meth:`map` starts them again)."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
