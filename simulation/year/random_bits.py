"""Uniform random integers cut from a generator's raw 64-bit outputs.

The demography and needs steps compare random integers with integer thresholds instead of
drawing floating-point uniforms: two 32-bit numbers (or four 16-bit ones) come from one raw
output of the bit generator, with no conversion to floating point.
"""

from __future__ import annotations

import numpy as np

__all__ = ["random_bits"]


def random_bits(rng: np.random.Generator, size: int, dtype: type = np.uint32) -> np.ndarray:
    """``size`` uniform unsigned integers of ``dtype`` (all values equally likely) from ``rng``.

    Args:
        rng: the generator (one of the model's streams).
        size: how many.
        dtype: ``np.uint16`` or ``np.uint32``.
    """
    per = 8 // np.dtype(dtype).itemsize
    return rng.bit_generator.random_raw(-(-size // per)).view(dtype)[:size]
