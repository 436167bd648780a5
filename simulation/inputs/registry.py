"""The parameter registry: levers, uncertainties and run settings (``data/parameters.csv``).

Scenario files, sweep files, the command line, the app and the EMA Workbench bridge all take
their parameter names, types, ranges and descriptions from here, so a parameter is declared once.

Besides the rows of ``parameters.csv``, every uncertain number of the ``uncertain_*.csv`` files
(:mod:`simulation.inputs.uncertainties`) is a registered uncertainty under its dotted name
(``prices.home_help_hour``), with its ``group``, its central value as default and its allowed
range; scenario files set them under ``[uncertainties]``, sweeps and sensitivity analyses vary
them by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from simulation.inputs.data import read_table
from simulation.inputs.uncertainties import GROUPS, Uncertain, uncertain

__all__ = [
    "Parameter",
    "registry",
    "levers",
    "uncertainties",
    "uncertainty_groups",
    "settings",
    "defaults",
]


@dataclass(frozen=True)
class Parameter:
    """One declared parameter.

    Attributes:
        name: snake_case identifier used in scenario files and keyword arguments.
        kind: ``"lever"``, ``"uncertainty"`` or ``"setting"``.
        type: ``"float"``, ``"int"``, ``"bool"`` or ``"choice"``.
        default: the value in the baseline.
        low: lower bound (numbers) or ``None``.
        high: upper bound (numbers) or ``None``.
        choices: allowed values of a ``choice`` parameter, else ``()``.
        per_unit: whether it may be overridden per municipality, region or area.
        unit: unit of the value.
        question: the article's question (1-7) a lever answers, 0 for its framing, else ``None``.
        description: one sentence in English.
        description_da: one sentence in Danish.
        source: where the default and range come from.
        confidence: ``A``/``B``/``C`` or ``assumption``.
        account_only: it changes no run, only an account computed from the run's results
            (present values); front ends that rerun the model need not offer it.
        group: for an uncertain number of an ``uncertain_<group>.csv`` file, its group; else
            ``""`` (a row of ``parameters.csv``).
    """

    name: str
    kind: str
    type: str
    default: Any
    low: float | None
    high: float | None
    choices: tuple[str, ...]
    per_unit: bool
    unit: str
    question: int | None
    description: str
    description_da: str
    source: str
    confidence: str
    account_only: bool = False
    group: str = ""

    def allowed(self) -> str:
        """Describe the allowed values in words, for error messages and listings."""
        if self.type == "bool":
            return "true or false"
        if self.type == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        whole = "whole " if self.type == "int" else ""
        return f"a {whole}number from {_fmt(self.low)} to {_fmt(self.high)}"


def _fmt(x: float | None) -> str:
    if x is None:
        return "?"
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _convert(kind: str, text: str) -> Any:
    if kind == "float":
        return float(text)
    if kind == "int":
        return int(float(text))
    if kind == "bool":
        return text.strip().lower() in ("true", "1", "yes")
    return text


@cache
def registry() -> dict[str, Parameter]:
    """Return every declared parameter by name, in file order."""
    table = read_table("parameters.csv")
    out: dict[str, Parameter] = {}
    for row in table.to_dict("records"):
        typ = row["type"]
        choices: tuple[str, ...] = ()
        low = high = None
        if typ == "choice":
            choices = tuple(str(row["low"]).split("|"))
        elif typ in ("float", "int"):
            low, high = float(row["low"]), float(row["high"])
        question = str(row["question"]).strip()
        out[row["name"]] = Parameter(
            name=row["name"],
            kind=row["kind"],
            type=typ,
            default=_convert(typ, str(row["default"])),
            low=low,
            high=high,
            choices=choices,
            per_unit=str(row["per_unit"]).strip() == "yes",
            unit=str(row["unit"]),
            question=int(question) if question else None,
            description=str(row["description"]),
            description_da=str(row["description_da"]),
            source=str(row["source"]),
            confidence=str(row["confidence"]),
            account_only=str(row.get("account_only", "")).strip() == "yes",
        )
    for name, u in uncertain().items():
        out[name] = Parameter(
            name=name,
            kind="uncertainty",
            type="float",
            default=u.central,
            low=u.allowed_low,
            high=u.allowed_high,
            choices=(),
            per_unit=False,
            unit="",
            question=None,
            description=(
                f"{u.file} {_key_text(u)} {u.column}: {u.shape} {_fmt(u.low)} to"
                f" {_fmt(u.high)}. {u.reasoning}"
            ),
            description_da=(
                f"{u.file} {_key_text(u)} {u.column}: {u.shape} {_fmt(u.low)} til {_fmt(u.high)}."
            ),
            source=u.source,
            confidence=u.confidence,
            group=u.group,
        )
    return out


def _key_text(u: Uncertain) -> str:
    return "&".join(f"{k}={v}" for k, v in u.key)


def _of_kind(kind: str) -> dict[str, Parameter]:
    return {k: p for k, p in registry().items() if p.kind == kind}


def levers() -> dict[str, Parameter]:
    """Return the strategy levers (what a strategist chooses)."""
    return _of_kind("lever")


def uncertainties() -> dict[str, Parameter]:
    """Return the exogenous uncertainties (what nobody chooses)."""
    return _of_kind("uncertainty")


def uncertainty_groups() -> dict[str, dict[str, Parameter]]:
    """Return the uncertain numbers by group (:data:`GROUPS` order; empty groups left out)."""
    out: dict[str, dict[str, Parameter]] = {}
    for group in GROUPS:
        members = {k: p for k, p in registry().items() if p.group == group}
        if members:
            out[group] = members
    return out


def settings() -> dict[str, Parameter]:
    """Return the run settings (scale, seed, replicates, end year)."""
    return _of_kind("setting")


def defaults(kind: str | None = None) -> dict[str, Any]:
    """Return the default value of every parameter, or of one kind.

    Args:
        kind: ``"lever"``, ``"uncertainty"``, ``"setting"`` or ``None`` for all.
    """
    return {k: p.default for k, p in registry().items() if kind is None or p.kind == kind}
