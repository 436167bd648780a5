"""One progress bar for run, compare and sweep: tqdm on standard error.

The bar is shown when standard error is a terminal, and hidden otherwise (a log file or a pipe
gets no carriage-return noise) unless asked for with ``--progress``; ``--quiet`` hides it always.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["RunProgress", "bar_disabled"]


def bar_disabled(quiet: bool, forced: bool = False) -> bool | None:
    """Return tqdm's ``disable`` value: ``True`` hidden, ``False`` shown, ``None`` on a terminal."""
    if quiet:
        return True
    if forced:
        return False
    return None


class RunProgress:
    """A ``progress(done, total)`` callback drawing one tqdm bar of runs.

    Args:
        label: Text before the bar (``"simulating"``).
        quiet: Never show the bar.
        forced: Show the bar even when standard error is not a terminal.
    """

    def __init__(self, label: str, quiet: bool = False, forced: bool = False) -> None:
        self.label = label
        self.disable = bar_disabled(quiet, forced)
        self._bar: Any = None
        self._done = 0

    def __call__(self, done: int, total: int) -> None:
        """Show that ``done`` of ``total`` runs are finished."""
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(
                total=total,
                desc=self.label,
                unit="run",
                file=sys.stderr,
                disable=self.disable,
                dynamic_ncols=True,
            )
        self._bar.update(done - self._done)
        self._done = done
        if done >= total:
            self.close()

    def close(self) -> None:
        """Close the bar (idempotent)."""
        if self._bar is not None:
            self._bar.close()
