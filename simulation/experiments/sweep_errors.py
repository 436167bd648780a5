"""Exceptions of the sweep engine: bad sweep files, unusable result folders, impossible analyses.

Each error carries a message meant for the person who wrote the sweep file or started the sweep:
it names the file, the key, what is allowed and, where one exists, the nearest valid name.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

__all__ = ["SweepFileError", "SweepError", "SensitivityError", "nearest"]


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    """Return the candidate closest to ``name`` (difflib), or ``None`` if none is close.

    Args:
        name: The misspelt name.
        candidates: The valid names.
    """
    matches = difflib.get_close_matches(str(name), [str(c) for c in candidates], n=1, cutoff=0.6)
    return matches[0] if matches else None


class SweepFileError(ValueError):
    """A sweep file that cannot be used: missing, not TOML, unknown key or value out of range.

    Attributes:
        path: The sweep file.
        key: The offending key (dotted, e.g. ``parameters.facilitation.high``) or ``None``.
        problem: What is wrong.
        allowed: What would be accepted, or ``None``.
        suggestion: The nearest valid name, or ``None``.
    """

    def __init__(
        self,
        path: str | Path,
        problem: str,
        *,
        key: str | None = None,
        allowed: str | None = None,
        suggestion: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.key = key
        self.problem = problem
        self.allowed = allowed
        self.suggestion = suggestion
        text = f"{self.path}"
        if key:
            text += f": {key}"
        text += f": {problem}"
        if allowed:
            text += f"; allowed: {allowed}"
        if suggestion:
            text += f". Did you mean '{suggestion}'?"
        super().__init__(text)


class SweepError(RuntimeError):
    """A sweep that cannot start or go on (for example a results folder of another sweep)."""


class SensitivityError(ValueError):
    """A sensitivity analysis that cannot be computed from the results at hand."""
