"""Compatibility with the Mesa versions the project supports: one patch, and who needs it.

Mesa 3.3 (the version ``pyproject.toml`` pins) keeps each model's counter of agent ids in
``mesa.Agent._ids``, a class-level ``defaultdict`` keyed by the model (mesa issue #3179, fixed
upstream in later releases). Every model a process ever created therefore stayed in memory: a
sweep worker grew by about 10 MB per strategic run at scale 0.01. :func:`hold_models_weakly`
swaps in a dictionary that holds the models weakly, so that a model is freed once nothing else
refers to it, while ids still count from 1 for each model. On a Mesa whose ``Agent._ids`` is not
a ``defaultdict`` (a version with the fix) it does nothing, and it can then be removed.
"""

from __future__ import annotations

import itertools
import weakref
from collections import defaultdict

import mesa

__all__ = ["hold_models_weakly"]


class _AgentIds(weakref.WeakKeyDictionary):
    """Mesa's per-model counters of agent ids, holding the models weakly."""

    def __getitem__(self, model: mesa.Model) -> itertools.count:
        try:
            return super().__getitem__(model)
        except KeyError:
            counter = self[model] = itertools.count(1)
            return counter


def hold_models_weakly() -> None:
    """Make ``mesa.Agent._ids`` hold its models weakly (once per process; idempotent)."""
    if isinstance(getattr(mesa.Agent, "_ids", None), defaultdict):
        mesa.Agent._ids = _AgentIds(mesa.Agent._ids)
