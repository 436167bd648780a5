"""The resolved scenario: layers merged, with its levers per unit, places and settings."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulation.constants import AREAS  # the welfare areas, re-exported here for scenario users
from simulation.inputs.places import (
    municipality_codes,
    municipality_name,
    region_name,
    region_of,
)
from simulation.scenario.layers import _Layer, _listing, _parse_document, _parse_selection
from simulation.scenario.messages import _describe, _unknown, _Where
from simulation.scenario.reading import _display, _parents
from simulation.scenario.values import _check_value, _misplaced, _params, areas_covered
from simulation.scenario.writer import _Inline, to_toml


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
    # the uncertain numbers (dotted names) appear only where a file sets them
    uncertainties = {k: p.default for k, p in _params("uncertainty").items() if not p.group}
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

    def lever_for_region(
        self, region: int, area: str, drawn: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Return the effective lever values of a region's own unit in a regional area.

        Health and psychiatry are run by the regions (``lever_payer`` = ``region`` in
        ``areas.csv``), so their strategist is the regional unit: municipality overrides do not
        reach it. Precedence, weakest first: ``[levers]`` < ``drawn`` < region override < area
        override < region-and-area override.

        Args:
            region: Region code.
            area: One of :data:`AREAS`.
            drawn: Values drawn for this regional unit from :attr:`variation`.

        Returns:
            Every lever, by name.

        Raises:
            ValueError: for an unknown area, or a drawn name that is not a lever.
        """
        if area not in AREAS:
            raise ValueError(f"unknown welfare area {area!r}; areas: {', '.join(AREAS)}")
        values = dict(self.levers)
        for key, value in (drawn or {}).items():
            if key not in values:
                raise ValueError(f"{key!r} is not a lever")
            values[key] = value
        values.update(self.region_overrides.get(region, {}))
        values.update(self.area_overrides.get(area, {}))
        values.update(self.region_area_overrides.get((region, area), {}))
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

    def inactive_overrides(self) -> list[str]:
        """Name the override tables that set levers for units that cannot act on them.

        A unit acts on its levers only where ``adoption`` lets it (its draw falls below
        ``adoption``: never at 0) and ``coverage`` chooses the area (the unit's
        ``coverage * areas`` areas, rounded half up: none when that rounds to 0). A table that
        sets other levers for units with ``adoption`` 0 or no covered area has no effect; each
        such table is named once, as ``[region."Hovedstaden".areas.health]``.
        """
        from simulation.inputs.prices import PAYERS, lever_payer

        regional = [a for a in AREAS if lever_payer()[a] == PAYERS.index("region")]
        municipal = [a for a in AREAS if a not in regional]

        def idle(values: Mapping[str, Any], n_areas: int) -> bool:
            adoption = float(values.get("adoption", 0.0))
            coverage = float(values.get("coverage", 0.0))
            return adoption <= 0.0 or areas_covered(coverage, n_areas) == 0

        def sets_levers(table: Mapping[str, Any]) -> bool:
            return any(k not in ("adoption", "coverage") for k in table)

        out: list[str] = []
        for region, table in self.region_overrides.items():
            name = f'[region."{region_name(region)}"]'
            if sets_levers(table) and all(
                idle(self.lever_for_region(region, a), len(regional)) for a in regional
            ):
                out.append(name)
        for (region, area), table in self.region_area_overrides.items():
            if not sets_levers(table):
                continue
            name = f'[region."{region_name(region)}".areas.{area}]'
            if area in regional:
                if idle(self.lever_for_region(region, area), len(regional)):
                    out.append(name)
            else:
                codes = [c for c in municipality_codes() if region_of(c) == region]
                if all(idle(self.lever_for(c, area), len(AREAS)) for c in codes):
                    out.append(name)
        for code, table in self.municipality_overrides.items():
            if sets_levers(table) and all(
                idle(self.lever_for(code, a), len(AREAS)) for a in municipal
            ):
                out.append(f'[municipality."{municipality_name(code)}"]')
        for (code, area), table in self.municipality_area_overrides.items():
            if sets_levers(table) and idle(self.lever_for(code, area), len(AREAS)):
                out.append(f'[municipality."{municipality_name(code)}".areas.{area}]')
        return out

    def inactive_warning(self) -> str | None:
        """One line naming the override tables without effect (``None`` if there are none)."""
        tables = self.inactive_overrides()
        if not tables:
            return None
        return (
            f"scenario {self.name!r}: {', '.join(tables)} set levers for units that do not act"
            " (adoption 0, or a coverage that chooses none of their areas), so they have no"
            " effect; set adoption = 1 and coverage = 1 in the same table (or under [levers])"
        )

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
