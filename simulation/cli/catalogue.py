"""Listings for the command line, with descriptions, ranges and defaults.

All parameters; levers, uncertainties (the uncertain numbers by group), settings, scenarios,
municipalities, regions, metrics and areas.
"""

from __future__ import annotations

from pathlib import Path

from simulation.constants import AREAS
from simulation.inputs.data import read_table
from simulation.inputs.geography import municipalities, regions
from simulation.inputs.registry import Parameter, registry, uncertainty_groups
from simulation.scenario import SCENARIO_DIR, ScenarioError, load_scenario

__all__ = ["listing", "WHAT"]

WHAT = (
    "parameters",
    "levers",
    "uncertainties",
    "settings",
    "scenarios",
    "municipalities",
    "regions",
    "metrics",
    "areas",
)


def _parameters(kind: str, lang: str) -> str:
    lines = []
    for p in registry().values():
        if p.kind != kind or p.group:
            continue
        lines.append(_parameter_block(p, lang))
    if kind == "uncertainty":  # the uncertain numbers of the data files, by group
        for group, members in uncertainty_groups().items():
            lines.append(f"--- {group} ({len(members)} uncertain numbers) ---")
            lines += [_parameter_block(p, lang) for p in members.values()]
    return "\n\n".join(lines)


def _parameter_block(p: Parameter, lang: str) -> str:
    default = str(p.default).lower() if p.type == "bool" else p.default
    question = f"  [question {p.question}]" if p.question else ""
    text = p.description_da if lang == "da" else p.description
    unit = f" ({p.unit})" if p.unit else ""
    return (
        f"{p.name}{question}\n"
        f"    {text}\n"
        f"    allowed: {p.allowed()}{unit}; default: {default}"
        + ("; per municipality/region/area" if p.per_unit else "")
    )


def _scenarios() -> str:
    lines = []
    for path in sorted(Path(SCENARIO_DIR).rglob("*.toml")):
        rel = path.relative_to(SCENARIO_DIR)
        if rel.parts[0] == "sweeps":
            continue
        try:
            description = load_scenario(path).description
        except ScenarioError as exc:
            description = f"(invalid: {exc})"
        lines.append(f"{str(rel):40s} {description}")
    return "\n".join(lines) if lines else f"no scenario files in {SCENARIO_DIR}"


def listing(what: str, lang: str = "en") -> str:
    """Return the listing of ``what`` (one of :data:`WHAT`) as text.

    Args:
        what: what to list.
        lang: ``"en"`` or ``"da"`` for descriptions.
    """
    if what == "parameters":
        return "\n\n".join(
            f"=== {kind} ===\n\n" + _parameters(kind, lang)
            for kind in ("lever", "uncertainty", "setting")
        )
    if what in ("levers", "uncertainties", "settings"):
        return _parameters(what[:-1] if what != "uncertainties" else "uncertainty", lang)
    if what == "scenarios":
        return _scenarios()
    if what == "municipalities":
        m = municipalities()
        return "\n".join(
            f"{r.code:4d}  {r.name:22s} {r.region_name}" for r in m.itertuples(index=False)
        )
    if what == "regions":
        return "\n".join(
            f"{r.region_code}  {r.region_name} ({r.n_municipalities} municipalities)"
            for r in regions().itertuples(index=False)
        )
    if what == "metrics":
        table = read_table("metrics.csv")
        col = "description_da" if lang == "da" else "description"
        return "\n".join(
            f"{r['metric']:24s} {r['unit']:8s} {r['kind']:6s} by area: {r['by_area']:5s} {r[col]}"
            for r in table.to_dict("records")
        )
    if what == "areas":
        table = read_table("areas.csv").set_index("area")
        return "\n".join(f"{a:16s} paid by {table.loc[a, 'payer']}" for a in AREAS)
    raise ValueError(f"unknown listing {what!r}; allowed: {', '.join(WHAT)}")
