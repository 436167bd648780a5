"""Writing a scenario back as TOML (the resolved scenario a results folder keeps)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from simulation.scenario.rules import _BARE_KEY


class _Inline(dict):
    """A table that :func:`to_toml` writes inline (``{ a = 1 }``)."""


def _toml_key(key: str) -> str:
    if not isinstance(key, str):
        raise TypeError(f"TOML keys must be text, not {type(key).__name__}")
    return key if _BARE_KEY.fullmatch(key) else _toml_string(key)


def _toml_string(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, np.generic):
        return _toml_value(value.item())
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + items + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _write_table(lines: list[str], prefix: list[str], table: Mapping[str, Any]) -> None:
    def is_table(v: Any) -> bool:
        return isinstance(v, Mapping) and not isinstance(v, _Inline)

    scalars = [(k, v) for k, v in table.items() if not is_table(v)]
    tables = [(k, v) for k, v in table.items() if is_table(v)]
    if prefix and (scalars or not tables):
        if lines:
            lines.append("")
        lines.append("[" + ".".join(_toml_key(k) for k in prefix) + "]")
    for key, value in scalars:
        lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, value in tables:
        _write_table(lines, [*prefix, key], value)


def to_toml(data: Mapping[str, Any]) -> str:
    """Write a dictionary as TOML text that :func:`tomllib.loads` reads back unchanged.

    Nested dictionaries become ``[table]`` sections; lists become arrays (dictionaries inside
    them inline tables). Values may be text, booleans, integers, floats (including nan and
    inf), dates and times.

    Args:
        data: The document; keys must be text.

    Returns:
        The TOML text, ending in a newline.

    Raises:
        TypeError: for a key that is not text or a value TOML cannot hold.
    """
    lines: list[str] = []
    _write_table(lines, [], data)
    return "\n".join(lines) + "\n"
