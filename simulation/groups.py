"""Rows grouped by an integer key, for drawing one member of a group at random.

Used to pick a lead among the actors of a municipality (and area or kind) and an association for
a new social volunteer, without a Python loop over groups.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Groups"]


@dataclass
class Groups:
    """Rows grouped by key.

    The members of group ``key`` are ``rows[start[key] : start[key] + count[key]]``.
    """

    rows: np.ndarray
    start: np.ndarray
    count: np.ndarray

    @staticmethod
    def of(rows: np.ndarray, key: np.ndarray, n_keys: int) -> Groups:
        """Group ``rows`` by ``key`` (in ``0 .. n_keys - 1``), keeping their order within a key."""
        order = np.argsort(key, kind="stable")
        count = np.bincount(key, minlength=n_keys)
        start = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
        return Groups(np.asarray(rows, dtype=np.int64)[order], start, count)

    def draw(self, key: np.ndarray, u: np.ndarray) -> np.ndarray:
        """One member per key, chosen by the uniforms ``u`` (keys must have members)."""
        count = self.count.take(key)
        pick = np.minimum((u * count).astype(np.int64), count - 1)
        return self.rows.take(self.start.take(key) + pick)
