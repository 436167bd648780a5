"""Values of a scenario checked against the parameter registry's rules."""

from __future__ import annotations

import math
from typing import Any

from simulation.inputs.registry import Parameter, registry
from simulation.scenario.messages import ScenarioError, _describe, _quote, _suggest, _Where


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


def areas_covered(coverage: float, n_areas: int) -> int:
    """How many of a unit's ``n_areas`` welfare areas a ``coverage`` share covers.

    Rounded half up (0.25 x 2 areas = 0.5 covers one), so a region's two areas and a
    municipality's six are treated alike; Python's ``round`` would round 0.5 down to 0.
    """
    return int(math.floor(float(coverage) * n_areas + 0.5))
