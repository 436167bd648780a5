"""Constants of the scenario language: distributions, limits, key patterns, shipped files."""

from __future__ import annotations

import re

from simulation.inputs.registry import Parameter
from simulation.shipped import scenario_dir

#: Variation distributions and their fields (required, optional).
DISTRIBUTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "uniform": (("low", "high"), ()),
    "triangular": (("low", "mode", "high"), ()),
    "bernoulli": (("p",), ("value", "otherwise")),
    "choice": (("values",), ("weights",)),
    "none": ((), ()),
}

#: The shipped scenarios; ``extends`` looks here when the parent is not beside the file.
SCENARIO_DIR = scenario_dir()

_PROBABILITY = Parameter(
    "p", "", "float", 0.0, 0.0, 1.0, (), False, "probability", None, "", "", "", ""
)

_MAX_BYTES = 1_000_000

_MAX_CHAIN = 20

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")

_INDEXED_KEY = re.compile(r"[A-Za-z0-9_-]+(\[\d+\])?")

_SELECTION_KEYS = ("municipalities", "regions")

_TABLE_KEYS = ("levers", "uncertainties", "areas", "region", "municipality", "variation")
