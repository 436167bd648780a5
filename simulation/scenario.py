"""Scenario files: read them, resolve ``extends``, check them, and give clear errors.

A scenario is a TOML file that a strategist edits. Every name in it comes from the parameter
registry (:mod:`simulation.inputs.registry`): run *settings* at the top, *levers* (what a strategist
chooses) and *uncertainties* (what nobody chooses) in their tables, per-unit *overrides* of
levers, and unit-to-unit *variation* for a patchwork. An example with every part::

    name = "strategic-aabenraa"            # optional; defaults to the file name without .toml
    description = "Strategic, with more coordinators in Aabenraa."
    extends = "strategic.toml"             # optional; relative to this file (then scenarios/)

    # Run settings (all optional): scale, seed, replicates, end_year.
    scale = 0.01
    seed = 1
    replicates = 5
    end_year = 2050

    # Optional subset to simulate, by name or code; both lists together give their union.
    # Leave both out (or write "all") to simulate all 98 municipalities.
    municipalities = ["Aabenraa", "Koebenhavn", 751]
    regions = ["Hovedstaden"]

    [levers]                               # any lever; the rest keep their default
    facilitation = 1.0
    public_role = "driver"
    action_plan = true

    [uncertainties]                        # any uncertainty
    effect_scale = 1.0

    [areas.elderly_care]                   # per welfare area (levers with per_unit = yes)
    public_role = "enabler"

    [region."Hovedstaden"]                 # per region
    facilitation = 2.0

    [region."Hovedstaden".areas.health]    # per region and area
    competence = 0.8

    [municipality."Aabenraa"]              # per municipality
    facilitation = 2.5

    [municipality."Aabenraa".areas.employment]   # per municipality and area
    public_role = "enabler"

    [variation]                            # patchwork: each (municipality, area) draws its own
    facilitation = { dist = "uniform", low = 0.0, high = 0.5 }
    quality_assurance = { dist = "bernoulli", p = 0.2, value = 0.5 }   # else 0 (the default)
    public_role = { dist = "choice", values = ["driver", "enabler"], weights = [3, 1] }
    action_plan = { dist = "bernoulli", p = 0.25 }                     # true with p, else false

**Welfare areas** are :data:`AREAS`. **Places** are names or codes as
:mod:`simulation.inputs.places` resolves them (``"Koebenhavn"``, ``"Århus"``, ``101``;
``"Hovedstaden"``, ``"Region Sjælland"``, ``1084``).

**Precedence.** The value of a lever for one municipality and area is, from weakest to
strongest: the ``[levers]`` value, a draw from ``[variation]``, the region override, the area
override, the region-and-area override, the municipality override, the municipality-and-area
override. :meth:`Scenario.lever_for` applies this order; the model draws the variation with its
seeded random number generator (:func:`sample_variation`) and passes the draws in.

**Variation** distributions (``dist``), for levers with ``per_unit = yes``:

- ``uniform``: ``low``, ``high`` (number levers).
- ``triangular``: ``low``, ``mode``, ``high`` (number levers).
- ``bernoulli``: ``p``; ``value`` with probability ``p``, else ``otherwise`` (default: the
  lever's default, so 0, false or "driver"); for a true/false lever ``value`` defaults to true.
- ``choice``: ``values`` (a list), optional ``weights`` (non-negative, same length).
- ``none``: no variation (switches off a variation inherited through ``extends``).

**extends.** A file may extend another (chains of up to 20 files; a cycle is an error). The child
overrides its parent key by key; tables are merged deeply; a ``[variation]`` entry is replaced
as a whole; a selection (``municipalities``/``regions``) given in the child replaces the parent's.
A lever set in a child's ``[levers]`` also drops a variation of that lever inherited from a
parent (the child states the value it wants). ``name`` is never inherited (it defaults to the
file name); ``description`` is inherited when the child has none.

**Errors.** Every mistake raises :class:`ScenarioError` with one message that names the file,
the key, what is allowed and the nearest valid name, for example::

    scenarios/my.toml: levers.facilitaton: unknown lever; did you mean 'facilitation'? ...
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import json
import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from simulation.constants import AREAS  # the welfare areas, re-exported here for scenario users
from simulation.inputs.places import (
    PlaceError,
    municipalities_in,
    municipality_codes,
    municipality_name,
    region_name,
    region_of,
    resolve_municipality,
    resolve_region,
)
from simulation.inputs.registry import Parameter, registry
from simulation.safe_paths import UnsafePath, check_regular_file
from simulation.shipped import find_scenario, scenario_dir

__all__ = [
    "AREAS",
    "DISTRIBUTIONS",
    "SCENARIO_DIR",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "validate_files",
    "sample_variation",
    "to_toml",
]

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


# --------------------------------------------------------------------------- errors


def _key_path(parts: Iterable[object]) -> str:
    out = []
    for part in parts:
        text = str(part)
        text = text if len(text) <= 60 else text[:57] + "..."
        out.append(text if _INDEXED_KEY.fullmatch(text) else json.dumps(text, ensure_ascii=False))
    return ".".join(out)


class ScenarioError(ValueError):
    """A mistake in a scenario, with one message naming the file and the key.

    ``str(error)`` is ``"<file>: <key>: <message>"`` (parts that are unknown are left out).

    Attributes:
        file: the file (or another label, such as ``"<name>"`` for a scenario built from a
            dictionary) in which the mistake is, or ``None``.
        key: the dotted key, for example ``"levers.facilitation"``, or ``None``.
        message: what is wrong, what is allowed and the nearest valid name.
    """

    def __init__(self, message: str, file: str | Path | None = None, key: str | None = None):
        self.file = file
        self.key = key
        self.message = message
        parts = [str(p) for p in (file, key) if p not in (None, "")]
        super().__init__(": ".join([*parts, message]))

    def __reduce__(self) -> tuple[type[ScenarioError], tuple[str, str | Path | None, str | None]]:
        """Keep the file and key when the error crosses a process boundary (pickle)."""
        return (type(self), (self.message, self.file, self.key))


class _Where:
    """The file a value comes from; raises errors that name it."""

    def __init__(self, label: str, path: Path | None = None):
        self.label = label
        self.path = path

    def fail(self, parts: Iterable[object], message: str) -> ScenarioError:
        parts = list(parts)
        return ScenarioError(message, self.label, _key_path(parts) if parts else None)


def _quote(text: str) -> str:
    return "'" + text + "'"


def _suggest(word: str, candidates: Iterable[str]) -> str | None:
    candidates = list(candidates)
    lower = {c.lower(): c for c in candidates}
    if word.lower() in lower:
        return lower[word.lower()]
    found = difflib.get_close_matches(word.lower(), list(lower), n=1, cutoff=0.6)
    return lower[found[0]] if found else None


def _unknown(what: str, word: str, candidates: Iterable[str], listing: str | None = None) -> str:
    candidates = list(candidates)
    near = _suggest(word, candidates)
    text = f"unknown {what}"
    if near is not None:
        text += f"; did you mean {_quote(near)}?"
    allowed = listing if listing is not None else ", ".join(candidates)
    return f"{text} (allowed: {allowed})"


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (a true/false value)"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return "the text " + json.dumps(shown, ensure_ascii=False)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return f"the date/time {value.isoformat()}"
    return type(value).__name__


# --------------------------------------------------------------------------- values


def _fmt_number(x: float | None) -> str:
    if x is None:
        return "?"
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _check_value(param: Parameter, value: object, where: _Where, parts: list[object]) -> Any:
    """Return ``value`` converted to the parameter's type, or raise a :class:`ScenarioError`."""
    allowed = param.allowed()

    def bad(extra: str = "") -> ScenarioError:
        return where.fail(parts, f"must be {allowed}; got {_describe(value)}{extra}")

    if param.type == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            raise bad(" (write true or false without quotes)")
        raise bad()
    if param.type == "choice":
        if not isinstance(value, str):
            raise bad()
        if value in param.choices:
            return value
        near = _suggest(value, param.choices)
        if near is not None and near.lower() == value.strip().lower():
            return near
        raise bad(f"; did you mean {_quote(near)}?" if near else "")
    # numbers
    if isinstance(value, bool):
        raise bad()
    if isinstance(value, str):
        try:
            float(value.replace(",", "."))
        except ValueError:
            raise bad() from None
        raise bad(" (write numbers without quotes)")
    if not isinstance(value, int | float):
        raise bad()
    if isinstance(value, float) and not math.isfinite(value):
        raise bad()
    number: int | float = value
    if param.type == "int":
        if isinstance(value, float):
            if not value.is_integer():
                raise bad()
            number = int(value)
    else:
        number = float(value)
    low, high = param.low, param.high
    if (low is not None and number < low) or (high is not None and number > high):
        raise bad()
    return number


def _params(kind: str) -> dict[str, Parameter]:
    return {k: p for k, p in registry().items() if p.kind == kind}


def _per_unit_levers() -> dict[str, Parameter]:
    return {k: p for k, p in _params("lever").items() if p.per_unit}


def _misplaced(name: str, here: str) -> str | None:
    """Explain where a known parameter belongs when it is written in the wrong place."""
    param = registry().get(name)
    if param is None:
        return None
    if param.kind == "setting":
        return (
            f"{_quote(name)} is a run setting, not {here}; settings go at the top of the file,"
            " before the first [table] header"
        )
    if param.kind == "uncertainty":
        return f"{_quote(name)} is an uncertainty, not {here}; write it under [uncertainties]"
    return f"{_quote(name)} is a lever, not {here}; write it under [levers]"


# --------------------------------------------------------------------------- one file


@dataclass
class _Layer:
    """One file (or dictionary), checked and with place names resolved to codes."""

    where: _Where
    name: str | None = None
    description: str | None = None
    extends: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    levers: dict[str, Any] = field(default_factory=dict)
    uncertainties: dict[str, Any] = field(default_factory=dict)
    selection: tuple[int, ...] | None = None
    selection_given: bool = False
    areas: dict[str, dict[str, Any]] = field(default_factory=dict)
    region: dict[int, dict[str, Any]] = field(default_factory=dict)
    region_areas: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)
    municipality: dict[int, dict[str, Any]] = field(default_factory=dict)
    municipality_areas: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)
    variation: dict[str, dict[str, Any] | None] = field(default_factory=dict)


def _table(value: object, where: _Where, parts: list[object], example: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise where.fail(parts, f"must be a table, such as {example}; got {_describe(value)}")
    return value


def _parse_params(
    table: dict[str, Any], kind: str, where: _Where, parts: list[object]
) -> dict[str, Any]:
    allowed = _params(kind)
    word = {"lever": "a lever", "uncertainty": "an uncertainty"}[kind]
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key not in allowed:
            hint = _misplaced(key, word)
            raise where.fail(
                [*parts, key], hint or _unknown(kind, key, allowed, _listing(kind, allowed))
            )
        out[key] = _check_value(allowed[key], value, where, [*parts, key])
    return out


def _listing(kind: str, names: Iterable[str]) -> str:
    plural = {"lever": "levers", "uncertainty": "uncertainties"}.get(kind, kind)
    return ", ".join(names) + f"; see `python run.py list {plural}`"


def _parse_unit_levers(
    table: dict[str, Any], where: _Where, parts: list[object], scope: str
) -> dict[str, Any]:
    """Check a table of per-unit lever overrides (``scope`` says where, for messages)."""
    per_unit = _per_unit_levers()
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key not in per_unit:
            param = registry().get(key)
            if param is not None and param.kind == "lever":
                raise where.fail(
                    [*parts, key],
                    f"{_quote(key)} cannot be set per {scope}: it applies to the whole country;"
                    f" set it under [levers] (levers that can: {', '.join(per_unit)})",
                )
            if param is not None and param.kind == "uncertainty":
                raise where.fail(
                    [*parts, key],
                    f"{_quote(key)} is an uncertainty; uncertainties apply to the whole country"
                    " and go under [uncertainties]",
                )
            if param is not None:
                raise where.fail([*parts, key], _misplaced(key, f"a {scope} lever") or "")
            raise where.fail(
                [*parts, key], _unknown("lever", key, per_unit, _listing("lever", per_unit))
            )
        out[key] = _check_value(per_unit[key], value, where, [*parts, key])
    return out


def _check_area(area: str, where: _Where, parts: list[object]) -> str:
    if area not in AREAS:
        raise where.fail(parts, _unknown("welfare area", area, AREAS))
    return area


def _parse_areas(
    value: object, where: _Where, parts: list[object], scope: str
) -> dict[str, dict[str, Any]]:
    table = _table(value, where, parts, f"[{_key_path(parts)}.elderly_care]")
    out: dict[str, dict[str, Any]] = {}
    for area, levers in table.items():
        _check_area(area, where, [*parts, area])
        levers = _table(
            levers,
            where,
            [*parts, area],
            f'[{_key_path([*parts, area])}] followed by lines such as public_role = "enabler"',
        )
        out[area] = _parse_unit_levers(levers, where, [*parts, area], scope)
    return out


def _parse_places(
    value: object, where: _Where, key: str
) -> tuple[dict[int, dict[str, Any]], dict[tuple[int, str], dict[str, Any]]]:
    """Check ``[region."X"]`` or ``[municipality."X"]`` override tables."""
    is_region = key == "region"
    example_name = "Hovedstaden" if is_region else "Aabenraa"
    table = _table(value, where, [key], f'[{key}."{example_name}"] followed by lever values')
    resolve = resolve_region if is_region else resolve_municipality
    overrides: dict[int, dict[str, Any]] = {}
    area_overrides: dict[tuple[int, str], dict[str, Any]] = {}
    given_as: dict[int, str] = {}
    for place, body in table.items():
        parts: list[object] = [key, place]
        try:
            code = resolve(place)
        except PlaceError as error:
            raise where.fail(parts, str(error)) from None
        if code in given_as:
            raise where.fail(
                parts,
                f"names the same {key} as {_quote(given_as[code])} ({code}); merge the two tables",
            )
        given_as[code] = place
        body = _table(
            body, where, parts, f'[{key}."{place}"] followed by lines such as facilitation = 1.0'
        )
        levers = {k: v for k, v in body.items() if k != "areas"}
        overrides[code] = _parse_unit_levers(levers, where, parts, key)
        if "areas" in body:
            for area, values in _parse_areas(
                body["areas"], where, [*parts, "areas"], f"{key} and area"
            ).items():
                area_overrides[(code, area)] = values
    return overrides, area_overrides


def _parse_selection(value: object, where: _Where, key: str) -> tuple[int, ...] | None:
    """Return the codes a ``municipalities`` or ``regions`` entry selects (``None``: all)."""
    is_region = key == "regions"
    example = '["Hovedstaden"]' if is_region else '["København", "Aarhus"]'
    if isinstance(value, str) and value.strip().lower() == "all":
        return None
    if isinstance(value, dict):
        single = "region" if is_region else "municipality"
        raise where.fail(
            [key],
            f"must be a list, such as {key} = {example}; to override levers for one"
            f' {single} write a [{single}."Name"] table',
        )
    items = [value] if isinstance(value, str | int) and not isinstance(value, bool) else value
    if not isinstance(items, list | tuple):
        raise where.fail(
            [key],
            f"must be a list of names or codes, such as {key} = {example},"
            f' or "all"; got {_describe(value)}',
        )
    if not items:
        raise where.fail(
            [key],
            f'an empty list selects nothing; leave {key} out or write "all" to simulate all 98'
            " municipalities",
        )
    codes: set[int] = set()
    for index, item in enumerate(items):
        try:
            code = resolve_region(item) if is_region else resolve_municipality(item)
        except PlaceError as error:
            raise where.fail([f"{key}[{index}]"], str(error)) from None
        if is_region:
            codes.update(municipalities_in(code))
        else:
            codes.add(code)
    return tuple(sorted(codes))


def _parse_variation(value: object, where: _Where) -> dict[str, dict[str, Any] | None]:
    table = _table(
        value,
        where,
        ["variation"],
        '[variation] followed by lines such as facilitation = { dist = "uniform", low = 0,'
        " high = 0.5 }",
    )
    per_unit = _per_unit_levers()
    out: dict[str, dict[str, Any] | None] = {}
    for lever, spec in table.items():
        parts: list[object] = ["variation", lever]
        if lever not in per_unit:
            param = registry().get(lever)
            if param is not None and param.kind == "lever":
                raise where.fail(
                    parts,
                    f"{_quote(lever)} cannot vary from unit to unit: it applies to the whole"
                    f" country (levers that can: {', '.join(per_unit)})",
                )
            raise where.fail(
                parts,
                _misplaced(lever, "a lever")
                or _unknown("lever", lever, per_unit, _listing("lever", per_unit)),
            )
        if not isinstance(spec, dict):
            raise where.fail(
                parts,
                f'must be a distribution, such as {lever} = {{ dist = "uniform", low = 0, high'
                f" = 0.5 }}; got {_describe(spec)} (to give one value for every unit, set it"
                " under [levers])",
            )
        out[lever] = _parse_distribution(per_unit[lever], spec, where, parts)
    return out


def _parse_distribution(
    param: Parameter, spec: dict[str, Any], where: _Where, parts: list[object]
) -> dict[str, Any] | None:
    names = ", ".join(DISTRIBUTIONS)
    if "dist" not in spec:
        raise where.fail([*parts, "dist"], f"missing: say which distribution ({names})")
    dist = spec["dist"]
    if not isinstance(dist, str) or dist not in DISTRIBUTIONS:
        if isinstance(dist, str):
            message = _unknown("distribution", dist, DISTRIBUTIONS)
        else:
            message = f"must be one of {names}; got {_describe(dist)}"
        raise where.fail([*parts, "dist"], message)
    required, optional = DISTRIBUTIONS[dist]
    fields = ("dist", *required, *optional)
    for key in spec:
        if key not in fields:
            raise where.fail(
                [*parts, key],
                _unknown(f"field of a {dist} distribution", key, fields),
            )
    for key in required:
        if key not in spec:
            raise where.fail(
                [*parts, key], f"missing: a {dist} distribution needs {', '.join(required)}"
            )
    if dist == "none":
        return None
    numeric = param.type in ("float", "int")
    if dist in ("uniform", "triangular") and not numeric:
        raise where.fail(
            [*parts, "dist"],
            f"{dist} needs a number lever; {param.name} is {param.allowed()}:"
            " use bernoulli or choice",
        )
    out: dict[str, Any] = {"dist": dist}
    if dist in ("uniform", "triangular"):
        for key in required:
            out[key] = _check_value(param, spec[key], where, [*parts, key])
        order = required
        for a, b in zip(order, order[1:], strict=False):
            if out[a] > out[b]:
                raise where.fail(
                    [*parts, b], f"must be at least {a} ({_fmt_number(out[a])}); got {out[b]!r}"
                )
    elif dist == "bernoulli":
        out["p"] = _check_value(_PROBABILITY, spec["p"], where, [*parts, "p"])
        if "value" in spec:
            out["value"] = _check_value(param, spec["value"], where, [*parts, "value"])
        elif param.type == "bool":
            out["value"] = True
        else:
            raise where.fail(
                [*parts, "value"],
                f"missing: the value taken with probability p ({param.allowed()})",
            )
        out["otherwise"] = (
            _check_value(param, spec["otherwise"], where, [*parts, "otherwise"])
            if "otherwise" in spec
            else param.default
        )
    else:  # choice
        values = spec["values"]
        if not isinstance(values, list | tuple) or not values:
            raise where.fail(
                [*parts, "values"],
                f"must be a non-empty list of values ({param.allowed()}); got {_describe(values)}",
            )
        out["values"] = tuple(
            _check_value(param, v, where, [*parts, f"values[{i}]"]) for i, v in enumerate(values)
        )
        weights = spec.get("weights")
        if weights is None:
            out["weights"] = tuple(1.0 for _ in values)
        else:
            if not isinstance(weights, list | tuple) or len(weights) != len(values):
                raise where.fail(
                    [*parts, "weights"],
                    f"must be a list of {len(values)} non-negative numbers, one per value;"
                    f" got {_describe(weights)}"
                    + (f" of length {len(weights)}" if isinstance(weights, list | tuple) else ""),
                )
            checked = []
            for i, w in enumerate(weights):
                if (
                    isinstance(w, bool)
                    or not isinstance(w, int | float)
                    or not math.isfinite(w)
                    or w < 0
                ):
                    raise where.fail(
                        [*parts, f"weights[{i}]"],
                        f"must be a non-negative number; got {_describe(w)}",
                    )
                checked.append(float(w))
            if sum(checked) <= 0:
                raise where.fail([*parts, "weights"], "must not all be zero")
            out["weights"] = tuple(checked)
    return out


def _check_text(value: object, where: _Where, key: str, example: str) -> str:
    if not isinstance(value, str):
        raise where.fail(
            [key], f"must be text in quotes, such as {key} = {example}; got {_describe(value)}"
        )
    return value


def _parse_document(doc: Mapping[str, Any], where: _Where) -> _Layer:
    """Check one parsed document and return it as a layer (names resolved to codes)."""
    settings = _params("setting")
    layer = _Layer(where=where)
    selected: set[int] = set()
    select_all = False
    top = ["name", "description", "extends", *settings, *_SELECTION_KEYS, *_TABLE_KEYS]
    for key, value in doc.items():
        if key == "name":
            name = _check_text(value, where, key, '"my-scenario"').strip()
            if (
                not name
                or len(name) > 100
                or any(c in name for c in "/\\")
                or any(ord(c) < 32 for c in name)
            ):
                raise where.fail(
                    [key],
                    "must be a short name (1-100 characters on one line, without / or \\); got"
                    f" {_describe(value)}",
                )
            layer.name = name
        elif key == "description":
            layer.description = _check_text(value, where, key, '"What this scenario is about."')
        elif key == "extends":
            extends = _check_text(value, where, key, '"patchwork.toml"')
            if not extends.strip():
                raise where.fail([key], 'must name a scenario file, such as "patchwork.toml"')
            layer.extends = extends.strip()
        elif key in settings:
            layer.settings[key] = _check_value(settings[key], value, where, [key])
        elif key in _SELECTION_KEYS:
            codes = _parse_selection(value, where, key)
            layer.selection_given = True
            if codes is None:
                select_all = True
            else:
                selected.update(codes)
        elif key == "levers":
            table = _table(
                value, where, [key], "[levers] followed by lines such as facilitation = 1.0"
            )
            layer.levers = _parse_params(table, "lever", where, [key])
        elif key == "uncertainties":
            table = _table(
                value, where, [key], "[uncertainties] followed by lines such as effect_scale = 1.0"
            )
            layer.uncertainties = _parse_params(table, "uncertainty", where, [key])
        elif key == "areas":
            layer.areas = _parse_areas(value, where, [key], "area")
        elif key == "region":
            layer.region, layer.region_areas = _parse_places(value, where, key)
        elif key == "municipality":
            layer.municipality, layer.municipality_areas = _parse_places(value, where, key)
        elif key == "variation":
            layer.variation = _parse_variation(value, where)
        else:
            raise where.fail([key], _unknown_top(key, top))
    if layer.selection_given:
        layer.selection = None if select_all else tuple(sorted(selected))
    return layer


def _unknown_top(key: str, top: list[str]) -> str:
    hint = _misplaced(key, "a top-level key")
    if hint is not None:
        param = registry()[key]
        if param.kind == "lever":
            return f"{_quote(key)} is a lever; write it under [levers]"
        if param.kind == "uncertainty":
            return f"{_quote(key)} is an uncertainty; write it under [uncertainties]"
    if key.lower() == "settings":
        return (
            "there is no [settings] table: run settings ("
            + ", ".join(_params("setting"))
            + ") go at the top of the file, before the first [table] header"
        )
    if key in AREAS:
        return f"{_quote(key)} is a welfare area; write its levers under [areas.{key}]"
    return _unknown("key", key, top)


# --------------------------------------------------------------------------- reading files


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


# --------------------------------------------------------------------------- the scenario


def _merge_nested(target: dict[Any, dict[str, Any]], source: dict[Any, dict[str, Any]]) -> None:
    for key, values in source.items():
        target.setdefault(key, {}).update(values)


def _sorted_area_keys(items: dict[Any, Any]) -> dict[Any, Any]:
    def order(key: Any) -> Any:
        if isinstance(key, tuple):
            return (key[0], AREAS.index(key[1]))
        if isinstance(key, str):
            return (AREAS.index(key),)
        return (key,)

    return {k: dict(items[k]) for k in sorted(items, key=order) if items[k]}


def _ordered(values: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: values[k] for k in _params(kind) if k in values}


def _build(layers: list[_Layer], path: Path | None, default_name: str) -> Scenario:
    """Merge layers (root first) into a scenario with every default filled in."""
    settings = {k: p.default for k, p in _params("setting").items()}
    levers = {k: p.default for k, p in _params("lever").items()}
    uncertainties = {k: p.default for k, p in _params("uncertainty").items()}
    selection: tuple[int, ...] | None = None
    areas: dict[str, dict[str, Any]] = {}
    region: dict[int, dict[str, Any]] = {}
    region_areas: dict[tuple[int, str], dict[str, Any]] = {}
    municipality: dict[int, dict[str, Any]] = {}
    municipality_areas: dict[tuple[int, str], dict[str, Any]] = {}
    variation: dict[str, dict[str, Any]] = {}
    description = ""
    for layer in layers:
        settings.update(layer.settings)
        levers.update(layer.levers)
        for lever in layer.levers:
            variation.pop(lever, None)
        uncertainties.update(layer.uncertainties)
        if layer.selection_given:
            selection = layer.selection
        _merge_nested(areas, layer.areas)
        _merge_nested(region, layer.region)
        _merge_nested(region_areas, layer.region_areas)
        _merge_nested(municipality, layer.municipality)
        _merge_nested(municipality_areas, layer.municipality_areas)
        for lever, spec in layer.variation.items():
            if spec is None:
                variation.pop(lever, None)
            else:
                variation[lever] = spec
        if layer.description is not None:
            description = layer.description
    child = layers[-1]
    return Scenario(
        name=child.name or default_name,
        description=description,
        settings=settings,
        levers=levers,
        uncertainties=uncertainties,
        municipalities=selection,
        area_overrides=_sorted_area_keys(areas),
        region_overrides=_sorted_area_keys(region),
        region_area_overrides=_sorted_area_keys(region_areas),
        municipality_overrides=_sorted_area_keys(municipality),
        municipality_area_overrides=_sorted_area_keys(municipality_areas),
        variation=_ordered(variation, "lever"),
        path=path,
        sources=[layer.where.path for layer in reversed(layers) if layer.where.path is not None],
    )


@dataclass(frozen=True)
class Scenario:
    """A checked scenario with every default filled in.

    Build one with :func:`load_scenario` or :meth:`Scenario.from_dict`; do not mutate its
    dictionaries (use :meth:`with_settings`, :meth:`with_levers`, :meth:`with_uncertainties`
    and :meth:`with_places`, which return checked copies).

    Attributes:
        name: the scenario's name (its ``name`` key, else the file name without ``.toml``).
        description: one or a few sentences (inherited through ``extends`` when absent).
        settings: every run setting (``scale``, ``seed``, ``replicates``, ``end_year``).
        levers: every lever (the national value, before overrides and variation).
        uncertainties: every uncertainty.
        municipalities: codes of the municipalities to simulate, ascending, or ``None`` for all.
        area_overrides: ``{area: {lever: value}}``.
        region_overrides: ``{region_code: {lever: value}}``.
        region_area_overrides: ``{(region_code, area): {lever: value}}``.
        municipality_overrides: ``{municipality_code: {lever: value}}``.
        municipality_area_overrides: ``{(municipality_code, area): {lever: value}}``.
        variation: ``{lever: distribution}`` for unit-to-unit variation; a distribution is a
            dictionary with ``dist`` and its fields, all filled in: ``uniform`` (``low``,
            ``high``), ``triangular`` (``low``, ``mode``, ``high``), ``bernoulli`` (``p``,
            ``value``, ``otherwise``) or ``choice`` (``values`` and ``weights``, tuples; the
            weights are not normalised).
        path: the file it was loaded from, or ``None`` (not compared).
        sources: the files it was built from, the file itself first, then its parent, and so on
            (not compared).
    """

    name: str
    description: str
    settings: dict[str, Any]
    levers: dict[str, Any]
    uncertainties: dict[str, Any]
    municipalities: tuple[int, ...] | None = None
    area_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    region_overrides: dict[int, dict[str, Any]] = field(default_factory=dict)
    region_area_overrides: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)
    municipality_overrides: dict[int, dict[str, Any]] = field(default_factory=dict)
    municipality_area_overrides: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)
    variation: dict[str, dict[str, Any]] = field(default_factory=dict)
    path: Path | None = field(default=None, compare=False)
    sources: list[Path] = field(default_factory=list, compare=False)

    __hash__ = None  # holds dictionaries, so it cannot be hashed

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], name: str = "scenario", *, path: str | Path | None = None
    ) -> Scenario:
        """Check a dictionary shaped like a scenario file and return the scenario.

        Args:
            data: The parsed document (as :func:`tomllib.loads` gives it).
            name: The name when ``data`` has no ``name`` key; also labels error messages
                when there is no ``path``.
            path: Where the data notionally lives: labels errors and anchors ``extends``
                (default: ``extends`` is relative to the working directory).

        Raises:
            ScenarioError: for any mistake in ``data`` or in a file it extends.
        """
        file = Path(path) if path is not None else None
        where = _Where(_display(file) if file is not None else f"<{name}>", file)
        if not isinstance(data, Mapping):
            raise where.fail([], f"a scenario must be a table of keys; got {_describe(data)}")
        if not data:
            raise where.fail([], "scenario is empty")
        for key in data:
            if not isinstance(key, str):
                raise where.fail([str(key)], "keys must be text")
        layer = _parse_document(dict(data), where)
        layers = [*(_parents(layer, file, []) if layer.extends else []), layer]
        return _build(layers, file, name)

    # ------------------------------------------------------------------ convenience

    @property
    def scale(self) -> float:
        """Fraction of residents simulated."""
        return self.settings["scale"]

    @property
    def seed(self) -> int:
        """Seed of the first replicate."""
        return self.settings["seed"]

    @property
    def replicates(self) -> int:
        """Number of replicates."""
        return self.settings["replicates"]

    @property
    def end_year(self) -> int:
        """Last simulated year."""
        return self.settings["end_year"]

    def _override_where(self) -> _Where:
        label = _display(self.path) if self.path is not None else f"<{self.name}>"
        return _Where(f"{label} (override)", self.path)

    def _with(self, kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
        where = self._override_where()
        allowed = _params(kind)
        out: dict[str, Any] = {}
        for key, value in values.items():
            if key not in allowed:
                plural = {"setting": "setting"}.get(kind, kind)
                raise where.fail(
                    [key],
                    _misplaced(key, f"a {kind}")
                    or _unknown(plural, key, allowed, _listing(kind, allowed)),
                )
            out[key] = _check_value(allowed[key], value, where, [key])
        return out

    def with_settings(self, **settings: Any) -> Scenario:
        """Return a copy with some run settings changed (checked like a file).

        Args:
            **settings: For example ``scale=0.001, seed=7``.

        Raises:
            ScenarioError: for an unknown setting or a value that is not allowed; the file is
                labelled ``"<path> (override)"``.
        """
        checked = self._with("setting", settings)
        return dataclasses.replace(self, settings={**self.settings, **checked})

    def with_levers(self, **levers: Any) -> Scenario:
        """Return a copy with some national lever values changed (checked like a file).

        A lever set here is fixed for every unit: its ``[variation]`` entry, if any, is
        dropped (as when a child file sets it). Per-unit overrides still apply.

        Args:
            **levers: For example ``facilitation=1.5``.

        Raises:
            ScenarioError: for an unknown lever or a value that is not allowed.
        """
        checked = self._with("lever", levers)
        variation = {k: v for k, v in self.variation.items() if k not in checked}
        return dataclasses.replace(self, levers={**self.levers, **checked}, variation=variation)

    def with_uncertainties(self, **uncertainties: Any) -> Scenario:
        """Return a copy with some uncertainties changed (checked like a file).

        Raises:
            ScenarioError: for an unknown uncertainty or a value that is not allowed.
        """
        checked = self._with("uncertainty", uncertainties)
        return dataclasses.replace(self, uncertainties={**self.uncertainties, **checked})

    def with_places(
        self,
        municipalities: str | int | Iterable[str | int] = (),
        regions: str | int | Iterable[str | int] = (),
    ) -> Scenario:
        """Return a copy that simulates only the given municipalities and regions (their union).

        Both empty: all 98 municipalities.

        Args:
            municipalities: One or more names or codes (``"Koebenhavn"``, ``"Aabenraa"``,
                ``751``).
            regions: One or more names or codes (``"Hovedstaden"``, ``1085``).

        Raises:
            ScenarioError: for a name that does not resolve (the message names the nearest).
        """
        where = self._override_where()
        codes: set[int] = set()
        for key, given in (("municipalities", municipalities), ("regions", regions)):
            items = [given] if isinstance(given, str | int) else list(given)
            if items:
                codes.update(_parse_selection(items, where, key) or municipality_codes())
        if not codes:
            return dataclasses.replace(self, municipalities=None)
        return dataclasses.replace(self, municipalities=tuple(sorted(codes)))

    # ------------------------------------------------------------------ levers per unit

    def lever_for(
        self, code: int, area: str, drawn: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Return the effective lever values for one municipality and welfare area.

        Precedence, weakest first: ``[levers]`` < ``drawn`` (the unit's variation draws) <
        region override < area override < region-and-area override < municipality override <
        municipality-and-area override.

        Args:
            code: Municipality code.
            area: One of :data:`AREAS`.
            drawn: Values drawn for this unit from :attr:`variation` (see
                :func:`sample_variation`); ``None`` leaves variation out.

        Returns:
            Every lever, by name.

        Raises:
            ValueError: for an unknown municipality or area, or a drawn name that is not a
                lever.
        """
        if area not in AREAS:
            raise ValueError(f"unknown welfare area {area!r}; areas: {', '.join(AREAS)}")
        region = region_of(code)
        values = dict(self.levers)
        if drawn:
            for key, value in drawn.items():
                if key not in values:
                    raise ValueError(f"{key!r} is not a lever")
                values[key] = value
        values.update(self.region_overrides.get(region, {}))
        values.update(self.area_overrides.get(area, {}))
        values.update(self.region_area_overrides.get((region, area), {}))
        values.update(self.municipality_overrides.get(code, {}))
        values.update(self.municipality_area_overrides.get((code, area), {}))
        return values

    def overridden(self, code: int, area: str) -> frozenset[str]:
        """Return the levers that an override fixes for one unit (variation does not apply).

        Args:
            code: Municipality code.
            area: One of :data:`AREAS`.
        """
        region = region_of(code)
        names: set[str] = set()
        for table in (
            self.region_overrides.get(region, {}),
            self.area_overrides.get(area, {}),
            self.region_area_overrides.get((region, area), {}),
            self.municipality_overrides.get(code, {}),
            self.municipality_area_overrides.get((code, area), {}),
        ):
            names.update(table)
        return frozenset(names)

    def simulated_municipalities(self) -> tuple[int, ...]:
        """Return the codes of the municipalities to simulate (all 98 when not restricted)."""
        return self.municipalities if self.municipalities is not None else municipality_codes()

    # ------------------------------------------------------------------ writing

    def to_dict(self) -> dict[str, Any]:
        """Return the resolved scenario as a dictionary shaped like a scenario file.

        :meth:`from_dict` of the result gives an equal scenario. Places are written by name.
        """
        doc: dict[str, Any] = {"name": self.name, "description": self.description}
        doc.update(self.settings)
        if self.municipalities is not None:
            doc["municipalities"] = [municipality_name(c) for c in self.municipalities]
        doc["levers"] = dict(self.levers)
        doc["uncertainties"] = dict(self.uncertainties)
        if self.area_overrides:
            doc["areas"] = {a: dict(v) for a, v in self.area_overrides.items()}
        for key, overrides, area_overrides, namer in (
            ("region", self.region_overrides, self.region_area_overrides, region_name),
            (
                "municipality",
                self.municipality_overrides,
                self.municipality_area_overrides,
                municipality_name,
            ),
        ):
            codes = sorted(set(overrides) | {c for c, _ in area_overrides})
            if not codes:
                continue
            table: dict[str, Any] = {}
            for code in codes:
                body: dict[str, Any] = dict(overrides.get(code, {}))
                areas = {a: dict(v) for (c, a), v in area_overrides.items() if c == code}
                if areas:
                    body["areas"] = areas
                table[namer(code)] = body
            doc[key] = table
        if self.variation:
            doc["variation"] = {k: _Inline(v) for k, v in self.variation.items()}
        return doc

    def resolved_toml(self) -> str:
        """Return the fully resolved scenario as TOML text (no ``extends``, every default).

        Loading the text again gives a scenario equal to this one.
        """
        head = [
            f"# Resolved scenario {json.dumps(self.name, ensure_ascii=False)}: every value"
            " filled in, no extends."
        ]
        if self.sources:
            built = " <- ".join(_display(p) for p in self.sources)
            head.append("# Built from: " + re.sub(r"[\x00-\x1f\x7f]", "?", built))
        return "\n".join(head) + "\n\n" + to_toml(self.to_dict())


# --------------------------------------------------------------------------- public functions


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
    return _build(layers, file, file.stem or "scenario")


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


# --------------------------------------------------------------------------- TOML writer


class _Inline(dict):
    """A table that :func:`to_toml` writes inline (``{ a = 1 }``)."""


def _toml_key(key: str) -> str:
    if not isinstance(key, str):
        raise TypeError(f"TOML keys must be text, not {type(key).__name__}")
    return key if _BARE_KEY.fullmatch(key) else _toml_string(key)


def _toml_string(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, np.generic):
        return _toml_value(value.item())
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + items + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _write_table(lines: list[str], prefix: list[str], table: Mapping[str, Any]) -> None:
    def is_table(v: Any) -> bool:
        return isinstance(v, Mapping) and not isinstance(v, _Inline)

    scalars = [(k, v) for k, v in table.items() if not is_table(v)]
    tables = [(k, v) for k, v in table.items() if is_table(v)]
    if prefix and (scalars or not tables):
        if lines:
            lines.append("")
        lines.append("[" + ".".join(_toml_key(k) for k in prefix) + "]")
    for key, value in scalars:
        lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, value in tables:
        _write_table(lines, [*prefix, key], value)


def to_toml(data: Mapping[str, Any]) -> str:
    """Write a dictionary as TOML text that :func:`tomllib.loads` reads back unchanged.

    Nested dictionaries become ``[table]`` sections; lists become arrays (dictionaries inside
    them inline tables). Values may be text, booleans, integers, floats (including nan and
    inf), dates and times.

    Args:
        data: The document; keys must be text.

    Returns:
        The TOML text, ending in a newline.

    Raises:
        TypeError: for a key that is not text or a value TOML cannot hold.
    """
    lines: list[str] = []
    _write_table(lines, [], data)
    return "\n".join(lines) + "\n"
