"""Where the shipped scenario files are, in a checkout and in an installed wheel.

The scenario files live in ``scenarios/`` at the top of the repository, beside the ``simulation``
package, so that a reader finds them first. The wheel ships the same files inside the package, as
the data-only package ``simulation._scenarios`` (``pyproject.toml`` maps it onto ``scenarios/``
with ``package-dir``). :func:`scenario_dir` answers for both: the folder inside the installed
package when it is there, else the checkout's ``scenarios/`` (a plain checkout or an editable
install, where the package is imported from the repository).

Every part of the package that looks for a shipped scenario (the scenario language's ``extends``
and names, the command line, ``list scenarios``, sweeps' ``base``, the app, the EMA Workbench
adapter) asks this module, and so does the version's fallback (:mod:`simulation.cli.version`);
nothing else works out the scenarios' folder or the repository's folder from ``__file__``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["checkout_root", "find_scenario", "scenario_dir", "shipped_scenarios"]

_PACKAGE = Path(__file__).resolve().parent
#: The scenarios inside an installed wheel (absent in a checkout).
_INSTALLED = _PACKAGE / "_scenarios"


def checkout_root() -> Path | None:
    """Return the repository folder when the package runs from one, else ``None``.

    A checkout (run with ``python run.py`` or from an editable install) has ``pyproject.toml``
    and ``scenarios/`` beside the ``simulation`` package; an installed wheel has neither.
    """
    root = _PACKAGE.parent
    if (root / "pyproject.toml").is_file() and (root / "scenarios").is_dir():
        return root
    return None


def scenario_dir() -> Path:
    """Return the folder of the shipped scenario files (``baseline.toml``, ``levers/``, ...)."""
    if _INSTALLED.is_dir():
        return _INSTALLED
    root = checkout_root()
    return root / "scenarios" if root is not None else _PACKAGE.parent / "scenarios"


def find_scenario(name: str | Path, folder: str | Path | None = None) -> Path | None:
    """Return the shipped scenario (or sweep) file called ``name``, or ``None`` if there is none.

    Args:
        name: A shipped name, with or without ``.toml``, relative to the scenarios folder:
            ``"strategic"``, ``"strategic.toml"``, ``"levers/scaling"``,
            ``"sweeps/teaching-grid"``; a lever's file may also be named alone (``"scaling"``),
            as on the command line, and the repository's ``scenarios/`` in front is allowed
            (``"scenarios/strategic.toml"``, as the README writes it, works from any folder).
        folder: The scenarios folder (default: :func:`scenario_dir`).

    Returns:
        The file, or ``None`` when ``name`` names no shipped file (or is an absolute path or
        leads out of the folder with ``..``).
    """
    text = str(name).strip()
    if not text or Path(text).is_absolute():
        return None
    base = Path(folder) if folder is not None else scenario_dir()
    stem = text[: -len(".toml")] if text.endswith(".toml") else text
    stem = stem.replace("\\", "/").removeprefix("./").removeprefix("scenarios/")
    if ".." in stem.split("/"):
        return None
    for candidate in (base / f"{stem}.toml", base / "levers" / f"{stem}.toml"):
        try:
            if candidate.is_file():
                return candidate
        except (OSError, ValueError):
            continue
    return None


def shipped_scenarios() -> dict[str, Path]:
    """Return the shipped scenarios by name (``scenarios/`` and ``scenarios/levers/``)."""
    found: dict[str, Path] = {}
    for folder in (scenario_dir(), scenario_dir() / "levers"):
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                found.setdefault(path.stem, path)
    return found
