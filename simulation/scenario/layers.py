"""One scenario file as a layer: its keys parsed and checked, before ``extends`` is resolved."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from simulation.constants import AREAS  # the welfare areas, re-exported here for scenario users
from simulation.inputs.places import (
    PlaceError,
    municipalities_in,
    region_name,
    region_of,
    resolve_municipality,
    resolve_region,
)
from simulation.inputs.prices import PAYERS, lever_payer
from simulation.inputs.registry import Parameter, registry
from simulation.scenario.messages import _describe, _key_path, _quote, _unknown, _Where
from simulation.scenario.rules import _PROBABILITY, _SELECTION_KEYS, _TABLE_KEYS, DISTRIBUTIONS
from simulation.scenario.values import (
    _check_value,
    _fmt_number,
    _misplaced,
    _params,
    _per_unit_levers,
)


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
    if kind == "uncertainty":  # prices.home_help_hour = 500 is a nested table in TOML
        table = _dotted(table)
    for key, value in table.items():
        if key not in allowed:
            hint = _misplaced(key, word)
            raise where.fail(
                [*parts, key], hint or _unknown(kind, key, allowed, _listing(kind, allowed))
            )
        out[key] = _check_value(allowed[key], value, where, [*parts, key])
    return out


def _dotted(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested tables into dotted names (``{"prices": {"x": 1}}`` -> ``prices.x``)."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and name not in _params("uncertainty"):
            out.update(_dotted(value, name + "."))
        else:
            out[name] = value
    return out


def _listing(kind: str, names: Iterable[str]) -> str:
    plural = {"lever": "levers", "uncertainty": "uncertainties"}.get(kind, kind)
    return ", ".join(names) + f"; see `python run.py list {plural}`"


#: Levers that apply to the whole country except that a region or municipality may set its own
#: (in ``[region."X"]``, ``[municipality."X"]`` and their ``areas`` tables): whether it has a
#: strategy at all. Not per area of the country, not varied between units.
PLACE_LEVERS = ("adoption",)


def _parse_unit_levers(
    table: dict[str, Any], where: _Where, parts: list[object], scope: str, place: bool = False
) -> dict[str, Any]:
    """Check a table of per-unit lever overrides (``scope`` says where, for messages).

    ``place``: the table belongs to a region or municipality, which may also set
    :data:`PLACE_LEVERS`.
    """
    per_unit = _per_unit_levers()
    if place:
        params = registry()
        per_unit = per_unit | {k: params[k] for k in PLACE_LEVERS}
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
    value: object, where: _Where, parts: list[object], scope: str, place: bool = False
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
        out[area] = _parse_unit_levers(levers, where, [*parts, area], scope, place)
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
        overrides[code] = _parse_unit_levers(levers, where, parts, key, place=True)
        if "areas" in body:
            for area, values in _parse_areas(
                body["areas"], where, [*parts, "areas"], f"{key} and area", place=True
            ).items():
                if not is_region and values and lever_payer()[area] == PAYERS.index("region"):
                    raise where.fail(
                        [*parts, "areas", area],
                        f"{area} is run by the region, whose unit is its strategist: set it"
                        f' under [region."{region_name(region_of(code))}".areas.{area}]',
                    )
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
