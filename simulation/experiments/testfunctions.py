"""Test functions for the sweep engine: Ishigami (known Sobol indices) and variants that fail.

They have the signature of a model entry point, ``fn(**params, seed=int, scale=float) -> dict``,
and live in a module (not in a test file) so that worker processes and Dask workers can import them.
"""

from __future__ import annotations

import math
import os
import time

import numpy as np

from simulation.inputs.registry import Parameter

__all__ = [
    "ISHIGAMI_A",
    "ISHIGAMI_B",
    "ishigami",
    "ishigami_failing",
    "ishigami_slow",
    "ishigami_crashing",
    "ishigami_indices",
    "ishigami_registry",
]

ISHIGAMI_A = 7.0
ISHIGAMI_B = 0.1


def ishigami(
    x1: float = 0.0, x2: float = 0.0, x3: float = 0.0, seed: int = 0, scale: float = 1.0
) -> dict[str, float]:
    """Return the Ishigami function (a = 7, b = 0.1) and a noisy copy of it.

    Args:
        x1: First input, in [-pi, pi].
        x2: Second input, in [-pi, pi].
        x3: Third input, in [-pi, pi].
        seed: Seed of the noise in ``y_noisy``.
        scale: Standard deviation of that noise.

    Returns:
        ``y`` = sin(x1) + a sin^2(x2) + b x3^4 sin(x1); ``y_noisy`` = ``y`` plus a normal draw of a
        generator seeded with ``seed`` (so it depends on the seed, as a stochastic model does);
        ``noise`` = that draw alone.
    """
    y = math.sin(x1) + ISHIGAMI_A * math.sin(x2) ** 2 + ISHIGAMI_B * x3**4 * math.sin(x1)
    noise = float(np.random.default_rng(seed).normal())
    return {"y": y, "y_noisy": y + scale * noise, "noise": noise}


def ishigami_failing(
    x1: float = 0.0, x2: float = 0.0, x3: float = 0.0, seed: int = 0, scale: float = 1.0
) -> dict[str, float]:
    """Return :func:`ishigami`, but raise :class:`ValueError` when ``x1 > 2`` (failure tests)."""
    if x1 > 2:
        raise ValueError(f"x1 = {x1:.4f} is above 2: this test function fails there on purpose")
    return ishigami(x1, x2, x3, seed=seed, scale=scale)


def ishigami_slow(
    x1: float = 0.0, x2: float = 0.0, x3: float = 0.0, seed: int = 0, scale: float = 1.0
) -> dict[str, float]:
    """Return :func:`ishigami` after sleeping 50 ms (for interruption tests)."""
    time.sleep(0.05)
    return ishigami(x1, x2, x3, seed=seed, scale=scale)


def ishigami_crashing(
    x1: float = 0.0, x2: float = 0.0, x3: float = 0.0, seed: int = 0, scale: float = 1.0
) -> dict[str, float]:
    """Return :func:`ishigami`, but end the whole process when ``x1 > 2.5`` (a simulated segfault).

    Only for tests of worker pools: called in the test process itself it ends the test run.
    """
    if x1 > 2.5:
        os._exit(3)
    return ishigami(x1, x2, x3, seed=seed, scale=scale)


def ishigami_indices(
    a: float = ISHIGAMI_A, b: float = ISHIGAMI_B
) -> dict[str, list[float] | float]:
    """Return the analytical Sobol indices of the Ishigami function.

    Returns:
        ``S1`` and ``ST`` (lists for x1, x2, x3) and ``S13``, the only non-zero second-order index.
    """
    pi4, pi8 = math.pi**4, math.pi**8
    total = a**2 / 8 + b * pi4 / 5 + b**2 * pi8 / 18 + 0.5
    v1 = 0.5 * (1 + b * pi4 / 5) ** 2
    v2 = a**2 / 8
    v13 = 8 * b**2 * pi8 / 225
    return {
        "S1": [v1 / total, v2 / total, 0.0],
        "ST": [(v1 + v13) / total, v2 / total, v13 / total],
        "S13": v13 / total,
    }


def ishigami_registry() -> dict[str, Parameter]:
    """Return a parameter registry of the Ishigami inputs x1, x2, x3, each in [-pi, pi]."""
    return {
        name: Parameter(
            name=name,
            kind="uncertainty",
            type="float",
            default=0.0,
            low=-math.pi,
            high=math.pi,
            choices=(),
            per_unit=False,
            unit="",
            question=None,
            description=f"Ishigami input {name}.",
            description_da=f"Ishigami-input {name}.",
            source="Ishigami and Homma (1990)",
            confidence="assumption",
        )
        for name in ("x1", "x2", "x3")
    }
