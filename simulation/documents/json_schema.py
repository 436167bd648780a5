"""JSON Schemas of scenario and sweep files, generated from the parameter registry.

Editors with a TOML language server (Taplo in VS Code's "Even Better TOML", Helix, Neovim, Zed)
check a file against a JSON Schema as it is typed and complete the names of levers and
uncertainties. ``python run.py schema`` writes ``scenario.schema.json`` and
``sweep.schema.json``; the README says how to point an editor at them. The schemas are made from
:mod:`simulation.inputs.registry`, so a new lever appears in them without an edit here; the files'
own loaders remain the authority (they also check names of places, ``extends`` and the rules
that span several keys).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from simulation.constants import AREAS
from simulation.inputs.registry import Parameter, registry
from simulation.scenario.layers import PLACE_LEVERS

__all__ = ["scenario_schema", "sweep_schema", "write_schemas", "SCHEMA_FILES"]

_DRAFT = "https://json-schema.org/draft/2020-12/schema"
#: The files :func:`write_schemas` writes.
SCHEMA_FILES = ("scenario.schema.json", "sweep.schema.json")


def _value(param: Parameter) -> dict[str, Any]:
    """The schema of one parameter's value."""
    out: dict[str, Any] = {"description": param.description}
    if param.unit and param.unit != "nan":
        out["description"] += f" ({param.unit})"
    if param.type == "bool":
        out["type"] = "boolean"
    elif param.type == "choice":
        out["enum"] = list(param.choices)
    else:
        out["type"] = "integer" if param.type == "int" else "number"
        if param.low is not None:
            out["minimum"] = int(param.low) if param.type == "int" else param.low
        if param.high is not None:
            out["maximum"] = int(param.high) if param.type == "int" else param.high
    out["default"] = param.default
    return out


def _table(params: dict[str, Parameter], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": {name: _value(p) for name, p in params.items()},
        "additionalProperties": False,
    }


def _kind(kind: str) -> dict[str, Parameter]:
    return {k: p for k, p in registry().items() if p.kind == kind}


def _distribution(param: Parameter) -> dict[str, Any]:
    number = {"type": "number"}
    value = _value(param)
    value.pop("description", None)
    value.pop("default", None)
    return {
        "type": "object",
        "required": ["dist"],
        "properties": {
            "dist": {"enum": ["uniform", "triangular", "bernoulli", "choice", "none"]},
            "low": number,
            "high": number,
            "mode": number,
            "p": {"type": "number", "minimum": 0, "maximum": 1},
            "value": value,
            "otherwise": value,
            "values": {"type": "array", "items": value},
            "weights": {"type": "array", "items": {"type": "number", "minimum": 0}},
        },
        "additionalProperties": False,
    }


def scenario_schema() -> dict[str, Any]:
    """Return the JSON Schema of a scenario file."""
    levers = _kind("lever")
    per_unit = {k: p for k, p in levers.items() if p.per_unit}
    overrides = _table(per_unit, "Levers that may differ per unit (per_unit = yes).")
    areas = {
        "type": "object",
        "description": "Overrides per welfare area.",
        "properties": {area: overrides for area in AREAS},
        "additionalProperties": False,
    }
    # a region or municipality may also set whether it has a strategy at all (PLACE_LEVERS)
    place_levers = {**overrides["properties"], **{k: _value(levers[k]) for k in PLACE_LEVERS}}
    place_areas = {
        "type": "object",
        "description": "Overrides per welfare area of this region or municipality.",
        "properties": {
            area: {**overrides, "properties": place_levers, "additionalProperties": False}
            for area in AREAS
        },
        "additionalProperties": False,
    }
    place_override = {
        "type": "object",
        "properties": {**place_levers, "areas": place_areas},
        "additionalProperties": False,
    }
    places = {"type": "array", "items": {"type": ["string", "integer"]}}
    settings = {name: _value(p) for name, p in _kind("setting").items()}
    return {
        "$schema": _DRAFT,
        "$id": "scenario.schema.json",
        "title": "Welfare simulation scenario",
        "description": "A scenario file (python run.py validate FILE checks everything).",
        "type": "object",
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 100},
            "description": {"type": "string"},
            "extends": {"type": "string", "description": "The parent scenario file."},
            **settings,
            "municipalities": {
                "description": 'Municipalities to simulate (names or codes), or "all".',
                "anyOf": [places, {"const": "all"}],
            },
            "regions": {"description": "Regions to simulate.", "anyOf": [places, {"const": "all"}]},
            "levers": _table(levers, "Lever values (the rest keep their default)."),
            "uncertainties": _table(_kind("uncertainty"), "Uncertainty values."),
            "areas": areas,
            "region": {"type": "object", "additionalProperties": place_override},
            "municipality": {"type": "object", "additionalProperties": place_override},
            "variation": {
                "type": "object",
                "description": "Unit-to-unit variation of levers (a patchwork).",
                "properties": {k: _distribution(p) for k, p in per_unit.items()},
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    }


def sweep_schema() -> dict[str, Any]:
    """Return the JSON Schema of a sweep file."""
    varied = {k: p for k, p in registry().items() if p.kind != "setting"}
    settings = _kind("setting")

    def spec(param: Parameter) -> dict[str, Any]:
        value = _value(param)
        value.pop("default", None)
        description = value.pop("description")
        return {
            "type": "object",
            "description": description,
            "properties": {
                "low": value if param.type in ("int", "float") else {"not": {}},
                "high": value if param.type in ("int", "float") else {"not": {}},
                "levels": {"type": "integer", "minimum": 2},
                "values": {"type": "array", "items": value, "minItems": 1},
            },
            "additionalProperties": False,
        }

    return {
        "$schema": _DRAFT,
        "$id": "sweep.schema.json",
        "title": "Welfare simulation sweep",
        "description": "A sweep file (python run.py validate FILE checks everything).",
        "type": "object",
        "required": ["sampler", "parameters"],
        "properties": {
            "name": {"type": "string", "pattern": "^[^/\\\\]+$", "minLength": 1},
            "description": {"type": "string"},
            "base": {"type": "string", "description": "The base scenario file."},
            "sampler": {"enum": ["grid", "lhs", "sobol", "morris"]},
            "samples": {"type": "integer", "minimum": 2},
            "num_levels": {"type": "integer", "minimum": 2, "multipleOf": 2},
            "second_order": {"type": "boolean"},
            "replicates": _value(settings["replicates"]),
            "seed": _value(settings["seed"]),
            "sample_seed": {"type": "integer", "minimum": 0},
            "scale": _value(settings["scale"]),
            "parameters": {
                "type": "object",
                "minProperties": 1,
                "properties": {name: spec(p) for name, p in varied.items()},
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    }


def write_schemas(folder: Path) -> list[Path]:
    """Write both schemas into ``folder`` (created if needed) and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, schema in zip(SCHEMA_FILES, (scenario_schema(), sweep_schema()), strict=True):
        path = folder / name
        tmp = folder / f".{name}.tmp"
        tmp.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(path)
        paths.append(path)
    return paths
