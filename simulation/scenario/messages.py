"""Error messages of the scenario language: where a problem is, and the nearest valid name."""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Iterable
from pathlib import Path

from simulation.scenario.rules import _INDEXED_KEY


def _key_path(parts: Iterable[object]) -> str:
    out = []
    for part in parts:
        text = str(part)
        text = text if len(text) <= 60 else text[:57] + "..."
        out.append(text if _INDEXED_KEY.fullmatch(text) else json.dumps(text, ensure_ascii=False))
    return ".".join(out)


class ScenarioError(ValueError):
    """A mistake in a scenario, with one message naming the file and the key.

    ``str(error)`` is ``"<file>: <key>: <message>"`` (parts that are unknown are left out).

    Attributes:
        file: the file (or another label, such as ``"<name>"`` for a scenario built from a
            dictionary) in which the mistake is, or ``None``.
        key: the dotted key, for example ``"levers.facilitation"``, or ``None``.
        message: what is wrong, what is allowed and the nearest valid name.
    """

    def __init__(self, message: str, file: str | Path | None = None, key: str | None = None):
        self.file = file
        self.key = key
        self.message = message
        parts = [str(p) for p in (file, key) if p not in (None, "")]
        super().__init__(": ".join([*parts, message]))

    def __reduce__(self) -> tuple[type[ScenarioError], tuple[str, str | Path | None, str | None]]:
        """Keep the file and key when the error crosses a process boundary (pickle)."""
        return (type(self), (self.message, self.file, self.key))


class _Where:
    """The file a value comes from; raises errors that name it."""

    def __init__(self, label: str, path: Path | None = None):
        self.label = label
        self.path = path

    def fail(self, parts: Iterable[object], message: str) -> ScenarioError:
        parts = list(parts)
        return ScenarioError(message, self.label, _key_path(parts) if parts else None)


def _quote(text: str) -> str:
    return "'" + text + "'"


def _suggest(word: str, candidates: Iterable[str]) -> str | None:
    candidates = list(candidates)
    lower = {c.lower(): c for c in candidates}
    if word.lower() in lower:
        return lower[word.lower()]
    found = difflib.get_close_matches(word.lower(), list(lower), n=1, cutoff=0.6)
    return lower[found[0]] if found else None


def _unknown(what: str, word: str, candidates: Iterable[str], listing: str | None = None) -> str:
    candidates = list(candidates)
    near = _suggest(word, candidates)
    text = f"unknown {what}"
    if near is not None:
        text += f"; did you mean {_quote(near)}?"
    allowed = listing if listing is not None else ", ".join(candidates)
    return f"{text} (allowed: {allowed})"


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (a true/false value)"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return "the text " + json.dumps(shown, ensure_ascii=False)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return f"the date/time {value.isoformat()}"
    return type(value).__name__
