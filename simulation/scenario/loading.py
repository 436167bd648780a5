"""Loading and validating scenario files, and drawing unit-to-unit variation."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from simulation.scenario.messages import ScenarioError
from simulation.scenario.reading import _load_chain
from simulation.scenario.resolved import Scenario, _build
from simulation.scenario.rules import SCENARIO_DIR
from simulation.shipped import find_scenario


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file, resolve its ``extends`` chain and check every value.

    Args:
        path: The TOML file, or the name of a shipped scenario when no such file exists:
            ``"strategic"``, ``"levers/scaling"`` (a file in :data:`SCENARIO_DIR`).

    Returns:
        The scenario with every default filled in.

    Raises:
        ScenarioError: for any mistake in the file or in a file it extends; the message names
            the file and the key.
    """
    file = Path(path)
    try:
        missing = not file.exists()
    except (OSError, ValueError):
        missing = False  # _read_text reports it
    if missing:
        file = find_scenario(path, SCENARIO_DIR) or file
    layers = _load_chain(file, [])
    scenario = _build(layers, file, file.stem or "scenario")
    warning = scenario.inactive_warning()
    if warning:
        warnings.warn(warning, UserWarning, stacklevel=2)
    return scenario


def validate_files(paths: Iterable[str | Path]) -> list[ScenarioError]:
    """Check scenario files without running them.

    Args:
        paths: The files.

    Returns:
        One error per invalid file, in the order given (empty when every file is valid).
    """
    errors: list[ScenarioError] = []
    for path in paths:
        try:
            load_scenario(path)
        except ScenarioError as error:
            errors.append(error)
    return errors


def sample_variation(
    spec: Mapping[str, Any], rng: np.random.Generator, size: int | None = None
) -> Any:
    """Draw lever values from one :attr:`Scenario.variation` distribution.

    Args:
        spec: A distribution from :attr:`Scenario.variation`.
        rng: The model's seeded generator.
        size: Number of draws (one per unit); ``None`` for a single value.

    Returns:
        A NumPy array of ``size`` values, or one value (``float``, ``bool`` or ``str``).
    """
    dist = spec["dist"]
    n = 1 if size is None else size
    if dist == "uniform":
        out = rng.uniform(spec["low"], spec["high"], n)
    elif dist == "triangular":
        low, mode, high = spec["low"], spec["mode"], spec["high"]
        out = np.full(n, float(low)) if low == high else rng.triangular(low, mode, high, n)
    elif dist == "bernoulli":
        hit = rng.random(n) < spec["p"]
        out = np.where(hit, spec["value"], spec["otherwise"])
    elif dist == "choice":
        weights = np.asarray(spec["weights"], dtype=float)
        index = rng.choice(len(spec["values"]), size=n, p=weights / weights.sum())
        out = np.asarray(spec["values"])[index]
    else:
        raise ValueError(f"unknown distribution {dist!r}")
    return out if size is not None else out[0].item()
