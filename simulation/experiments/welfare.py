"""One entry point for every exploration tool: ``run_welfare(**parameters, seed, scale)``.

It takes levers and uncertainties as snake_case keyword arguments (names, types and ranges from
:mod:`simulation.inputs.registry`), runs the model on a base scenario with those values, and
returns a dict of scalar outcomes. It never raises: a run that fails returns NaN outcomes and
``run_ok = 0`` (EMA Workbench's multiprocessing evaluator hangs on an exception), and it is
deterministic for a given seed.

With ``compare_to`` it also runs another scenario under the same uncertainties and seed (common
random numbers) and returns the differences, e.g. strategic minus patchwork, so that scenario
discovery (PRIM) can look for the conditions under which one costs more than the other.
"""

from __future__ import annotations

import math
import tomllib
import traceback
from functools import cache
from pathlib import Path
from typing import Any

from simulation.constants import AREAS
from simulation.inputs.registry import registry
from simulation.scenario import SCENARIO_DIR, Scenario, load_scenario
from simulation.shipped import find_scenario

__all__ = ["run_welfare", "run_welfare_recorded", "OUTCOMES", "outcome_names", "last_error"]

OUTCOMES = (
    "net_cost_2050",
    "net_cost_cum",
    "public_cost_cum",
    "lever_cost_cum",
    "volunteers_2050",
    "marginalised_employed_2050",
    "initiatives_running_2050",
    "initiatives_started_cum",
    *(f"cost_2050_{area}" for area in AREAS),
)
_DIFFS = ("diff_net_cost_2050", "diff_net_cost_cum", "costs_more")

_last_error: list[str] = [""]


def outcome_names(compare: bool = False) -> tuple[str, ...]:
    """Names of the outcomes :func:`run_welfare` returns (besides ``run_ok``)."""
    return OUTCOMES + (_DIFFS if compare else ())


def last_error() -> str:
    """The traceback of the last failed run in this process ("" if none failed)."""
    return _last_error[0]


@cache
def _base(name: str) -> Scenario:
    if "\n" in name:  # a resolved scenario as TOML text (sweeps send the base this way)
        return Scenario.from_dict(tomllib.loads(name), name="base")
    path = Path(name)
    if not path.exists():
        path = find_scenario(name, SCENARIO_DIR) or SCENARIO_DIR / (
            name if name.endswith(".toml") else f"{name}.toml"
        )
    return load_scenario(path)


def _scenario(base: str, parameters: dict[str, Any], scale: float, end_year: int) -> Scenario:
    reg = registry()
    unknown = [k for k in parameters if k not in reg or reg[k].kind == "setting"]
    if unknown:
        raise ValueError(f"unknown parameters: {', '.join(sorted(unknown))}")
    levers = {k: v for k, v in parameters.items() if reg[k].kind == "lever"}
    uncertainties = {k: v for k, v in parameters.items() if reg[k].kind == "uncertainty"}
    scenario = _base(base).with_settings(scale=scale, end_year=end_year)
    if levers:
        scenario = scenario.with_levers(**{k: _plain(reg[k].type, v) for k, v in levers.items()})
    if uncertainties:
        scenario = scenario.with_uncertainties(
            **{k: _plain(reg[k].type, v) for k, v in uncertainties.items()}
        )
    return scenario


def _plain(typ: str, value: Any) -> Any:
    """Convert sampler output (NumPy scalars, 0/1 for booleans) to the registry's type."""
    if typ == "float":
        return float(value)
    if typ == "int":
        return int(round(float(value)))
    if typ == "bool":
        return bool(value) if not isinstance(value, str) else value.lower() == "true"
    return str(value)


def _outcomes(scenario: Scenario, seed: int, municipalities) -> dict[str, float]:
    from simulation.model import WelfareModel
    from simulation.runs.simulate import scenario_parameters

    if municipalities is not None:
        scenario = scenario.with_places(municipalities=list(municipalities))
    model = WelfareModel(
        scenario_parameters(scenario),
        scale=scenario.scale,
        seed=seed,
        municipalities=scenario.municipalities,
        end_year=scenario.end_year,
        scenario=scenario.name,
        lever_source=scenario,
    ).run()
    res = model.results
    last = model.end_year

    def total(metric: str, area: str | None = None, year: int | None = None) -> float:
        keys = [k for k in res.keys() if k[0] == metric]  # noqa: SIM118 - keys() is a method
        if area is not None:
            keys = [k for k in keys if k[1] == area]
        values = sum(res.get(*k) for k in keys)
        if isinstance(values, int):
            return 0.0
        row = values[year - model.start_year] if year is not None else values.sum(axis=0)
        return float(row.sum())

    out = {
        "net_cost_2050": total("net_cost_dkk", year=last),
        "net_cost_cum": total("net_cost_dkk"),
        "public_cost_cum": total("public_cost_dkk"),
        "lever_cost_cum": total("lever_cost_dkk"),
        "volunteers_2050": total("volunteers", year=last),
        "marginalised_employed_2050": total("marginalised_employed", year=last),
        "initiatives_running_2050": total("initiatives_running", year=last),
        "initiatives_started_cum": total("initiatives_started"),
    }
    for area in AREAS:
        out[f"cost_2050_{area}"] = total("net_cost_dkk", area=area, year=last)
    return out


def run_welfare(
    *,
    seed: int = 1,
    scale: float = 0.01,
    base: str = "strategic",
    compare_to: str | None = None,
    end_year: int = 2050,
    municipalities: tuple[int, ...] | None = None,
    **parameters: Any,
) -> dict[str, float]:
    """Run the model once and return scalar outcomes; never raises.

    Args:
        seed: seed of the run (the same seed gives the same result).
        scale: fraction of residents simulated.
        base: base scenario (a name in ``scenarios/``, a path, or a resolved scenario as TOML
            text, which is how sweeps send it to their workers); the parameters override it.
        compare_to: optional second scenario run with the same uncertainties and seed; adds
            ``diff_net_cost_2050``, ``diff_net_cost_cum`` (this minus that, DKK) and
            ``costs_more`` (1 if this costs more, cumulated).
        end_year: last simulated year.
        municipalities: optional subset of municipality codes.
        **parameters: levers and uncertainties by name, e.g. ``facilitation=0.5``.

    Returns:
        Outcomes in DKK (2026 prices), persons or counts, and ``run_ok`` (1 or 0).
    """
    names = outcome_names(compare_to is not None)
    try:
        scenario = _scenario(base, parameters, scale, end_year)
        out = _outcomes(scenario, seed, municipalities)
        if compare_to is not None:
            reg = registry()
            shared = {k: v for k, v in parameters.items() if reg[k].kind == "uncertainty"}
            other = _outcomes(_scenario(compare_to, shared, scale, end_year), seed, municipalities)
            out["diff_net_cost_2050"] = out["net_cost_2050"] - other["net_cost_2050"]
            out["diff_net_cost_cum"] = out["net_cost_cum"] - other["net_cost_cum"]
            out["costs_more"] = float(out["diff_net_cost_cum"] > 0)
        out["run_ok"] = 1
        _last_error[0] = ""
        return out
    except Exception as exc:  # noqa: BLE001 - by contract: never raise, report
        _last_error[0] = "".join(traceback.format_exception(exc))
        failed = {name: math.nan for name in names}
        failed["run_ok"] = 0
        return failed


def run_welfare_recorded(**kwargs: Any) -> dict[str, Any]:
    """:func:`run_welfare` plus an ``error`` text, for the project's own sweep store.

    The sweep runner records ``run_ok`` and ``error`` of every run, so a failed run is kept
    with its traceback while the sweep goes on.
    """
    out: dict[str, Any] = dict(run_welfare(**kwargs))
    out["error"] = "" if out.get("run_ok") == 1 else last_error()
    return out


# Load the data once at import, so that forked sweep workers start with it (no lazy loading).
def _warm() -> None:
    from simulation.inputs.projection import base_population, move_destinations
    from simulation.year.needs import need_model

    base_population()
    move_destinations()
    need_model()


_warm()
