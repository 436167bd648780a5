"""Reading scenario files: their text, TOML with helpful syntax errors, the ``extends`` chain."""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from pathlib import Path
from typing import Any

from simulation.safe_paths import UnsafePath, check_regular_file
from simulation.scenario.layers import _Layer, _parse_document
from simulation.scenario.messages import ScenarioError, _Where
from simulation.scenario.rules import _MAX_BYTES, _MAX_CHAIN, SCENARIO_DIR


def _display(path: Path) -> str:
    return str(path)


def _missing_file_message(path: Path) -> str:
    message = "file not found"
    folder = path.parent
    try:
        if folder.is_dir():
            siblings = sorted(p.name for p in folder.iterdir() if p.suffix == ".toml")
            near = _near_file(path.name, siblings)
            if near:
                message += f"; did you mean {_display(folder / near)}?"
            elif siblings:
                message += f" (scenario files there: {', '.join(siblings[:12])})"
        else:
            message += f" (the folder {_display(folder)} does not exist)"
    except OSError:
        pass
    return message


def _near_file(name: str, candidates: list[str]) -> str | None:
    """Return the file name in ``candidates`` whose stem is nearest to the stem of ``name``."""
    stems = {Path(c).stem.lower(): c for c in candidates}
    found = difflib.get_close_matches(Path(name).stem.lower(), list(stems), n=1, cutoff=0.6)
    return stems[found[0]] if found else None


def _read_text(path: Path, where: _Where) -> str:
    """Read a scenario file as text, turning every failure into a :class:`ScenarioError`."""
    try:
        if not path.exists():
            raise where.fail([], _missing_file_message(path))
        if path.is_dir():
            raise where.fail([], "is a folder, not a scenario file; give a .toml file")
        try:  # a device or named pipe would be read forever
            check_regular_file(path, _MAX_BYTES, "scenario file")
        except UnsafePath as error:
            raise where.fail([], error.reason) from None
        data = path.read_bytes()
    except ScenarioError:
        raise
    except PermissionError:
        raise where.fail([], "cannot read the file: permission denied") from None
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise where.fail([], f"cannot read the file: {reason}") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise where.fail(
            [],
            f"is not UTF-8 text (byte 0x{data[error.start]:02x} at line {line}, column"
            f" {column}); save the file as UTF-8",
        ) from None
    if not text.strip():
        raise where.fail(
            [],
            "file is empty; a scenario needs at least one line, such as"
            ' extends = "baseline.toml" or a [levers] table',
        )
    return text


_LOCATION = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)\s*$")
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_BROKEN_HEADER = re.compile(r"^\s*\[\[?\s*([^\]#=]*?)\s*(?:\]|#|$)")
_ASSIGN = re.compile(r"^\s*([A-Za-z0-9_\-.\"' ]+?)\s*=")


def _syntax_key(lines: list[str], line: int) -> str | None:
    """Guess the dotted key at ``line`` (1-based): the last table header plus the line's key."""
    header: str | None = None
    for text in lines[: line - 1]:
        match = _HEADER.match(text)
        if match:
            header = match.group(1)
    current = lines[line - 1] if 0 < line <= len(lines) else ""
    match = _HEADER.match(current) or _BROKEN_HEADER.match(current)
    if match:
        return match.group(1).strip() or None
    match = _ASSIGN.match(current)
    if match:
        key = match.group(1).strip()
        return f"{header}.{key}" if header else key
    return header


def _syntax_hint(reason: str, source_line: str) -> str:
    value = source_line.split("=", 1)[1].split("#", 1)[0].strip() if "=" in source_line else ""
    if re.match(r"^-?\d+,\d+$", value):
        return f" (write decimals with a point: {value.replace(',', '.')})"
    if reason.startswith("Invalid value") and value:
        if value in ("True", "False", "TRUE", "FALSE", "yes", "no", "Yes", "No"):
            return " (write true or false in lower case, without quotes)"
        if re.match(r"^[^\"'\[{\d+\-]", value):
            return f' (text must be in quotes: "{value}")'
    if reason.startswith("Cannot overwrite") or reason.startswith("Cannot declare"):
        return " (a key or table is given twice; keep one)"
    return ""


def _parse_toml(text: str, where: _Where) -> dict[str, Any]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        lines = text.splitlines()
        match = _LOCATION.search(message)
        reason = _LOCATION.sub("", message) if match else message
        if match and match.group(1):
            line, column = int(match.group(1)), int(match.group(2))
        else:
            line, column = max(len(lines), 1), len(lines[-1]) + 1 if lines else 1
        source = lines[line - 1] if 0 < line <= len(lines) else ""
        key = _syntax_key(lines, line)
        location = f"line {line}, column {column}"
        hint = _syntax_hint(reason, source)
        shown = source.strip()
        raise ScenarioError(
            f"TOML syntax error at {location}: {reason[:1].lower() + reason[1:]}{hint}"
            + (f"; the line reads: {shown}" if shown and len(shown) <= 120 else ""),
            where.label,
            key,
        ) from None
    except RecursionError:
        raise where.fail([], "TOML syntax error: values are nested too deeply") from None
    if not doc:
        raise where.fail(
            [],
            "file is empty (it has only comments); a scenario needs at least"
            ' one line, such as extends = "baseline.toml" or a [levers] table',
        )
    return doc


def _find_parent(extends: str, child: Path | None, where: _Where) -> Path:
    base = child.parent if child is not None else Path.cwd()
    names = [extends] if extends.endswith(".toml") else [extends, extends + ".toml"]
    tried: list[Path] = []
    for folder in (base, SCENARIO_DIR):
        for name in names:
            candidate = folder / name
            if candidate in tried:
                continue
            tried.append(candidate)
            try:
                if candidate.exists():
                    check_regular_file(candidate, _MAX_BYTES, "scenario file")
                    return candidate
            except UnsafePath as error:  # a device or a named pipe would be read forever
                raise where.fail(["extends"], f"{_display(candidate)}: {error.reason}") from None
            except (OSError, ValueError):
                continue
    message = (
        f"parent scenario {json.dumps(extends)} not found (looked for "
        + ", ".join(_display(p) for p in tried)
        + ")"
    )
    siblings: list[str] = []
    try:
        siblings = sorted(p.name for p in base.iterdir() if p.suffix == ".toml")
        if SCENARIO_DIR.is_dir():
            siblings += sorted(p.name for p in SCENARIO_DIR.iterdir() if p.suffix == ".toml")
    except OSError:
        pass
    near = _near_file(names[-1], siblings)
    if near:
        message += f"; did you mean {json.dumps(near)}?"
    raise where.fail(["extends"], message)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):
        return a == b


def _load_chain(path: Path, chain: list[Path]) -> list[_Layer]:
    """Read ``path`` and its ancestors; return the layers root first."""
    where = _Where(_display(path), path)
    text = _read_text(path, where)
    layer = _parse_document(_parse_toml(text, where), where)
    if layer.extends is None:
        return [layer]
    return [*_parents(layer, path, chain), layer]


def _parents(layer: _Layer, path: Path | None, chain: list[Path]) -> list[_Layer]:
    assert layer.extends is not None
    parent = _find_parent(layer.extends, path, layer.where)
    visited = [*chain, path] if path is not None else chain
    for index, earlier in enumerate(visited):
        if _same_file(earlier, parent):
            names = [*(_display(p) for p in visited[index:]), _display(parent)]
            raise layer.where.fail(["extends"], "extends cycle: " + " -> ".join(names))
    if len(visited) >= _MAX_CHAIN:
        raise layer.where.fail(["extends"], f"the extends chain is longer than {_MAX_CHAIN} files")
    return _load_chain(parent, visited)
