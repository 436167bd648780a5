"""The version of welfare-abm, from its one source: ``version`` in ``pyproject.toml``.

An installed package (a wheel, or an editable install) reads it from its distribution's metadata
(:func:`importlib.metadata.version`), which the build copied from ``pyproject.toml``. When the
package runs from a checkout, the checkout's ``pyproject.toml`` is read instead, so the version
shown is that of the code that runs even when the metadata of an editable install is older than
the file, or when a different release is installed beside a plain checkout.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import metadata

from simulation.shipped import checkout_root

__all__ = ["DISTRIBUTION", "version"]

#: The distribution's name on the package index (``pip install welfare-abm``).
DISTRIBUTION = "welfare-abm"


@cache
def version() -> str:
    """Return the version, such as ``"0.1.0"`` (``"unknown"`` if no source can be read)."""
    root = checkout_root()
    if root is not None:
        try:
            with open(root / "pyproject.toml", "rb") as file:
                project = tomllib.load(file).get("project", {})
            if project.get("name") == DISTRIBUTION and isinstance(project.get("version"), str):
                return project["version"]
        except (OSError, tomllib.TOMLDecodeError):
            pass
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"
