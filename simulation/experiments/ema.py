"""A bridge to the EMA Workbench: the model as an EMA ``Model`` or ``ReplicatorModel``.

Uncertainties, levers and outcomes come from the project's own parameter registry
(:mod:`simulation.inputs.registry`) and from :func:`simulation.experiments.welfare.run_welfare`, so
EMA sees exactly the names, types and ranges that scenario and sweep files use. Requires the
optional dependency ``ema-workbench`` (``pip install -e '.[ema]'``)::

    from ema_workbench import SequentialEvaluator, perform_experiments
    from simulation.experiments.ema import build_model

    model = build_model(compare_to="patchwork", uncertainties=["effect_scale", "unit_cost_growth"])
    evaluator = SequentialEvaluator(model)
    experiments, outcomes = perform_experiments(model, scenarios=32, evaluator=evaluator)

See ``docs/exploratory-analysis.md`` for a worked example with PRIM.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from simulation.experiments.welfare import outcome_names, run_welfare
from simulation.inputs.registry import Parameter, registry

__all__ = ["build_model", "ema_parameter"]


def ema_parameter(p: Parameter) -> Any:
    """The EMA parameter for one registry parameter (real, integer, boolean or categorical)."""
    import ema_workbench as ema

    if p.type == "float":
        return ema.RealParameter(p.name, p.low, p.high)
    if p.type == "int":
        return ema.IntegerParameter(p.name, int(p.low), int(p.high))
    if p.type == "bool":
        return ema.BooleanParameter(p.name)
    return ema.CategoricalParameter(p.name, list(p.choices))


def _select(kind: str, names: Sequence[str] | None) -> list[Parameter]:
    reg = registry()
    if names is None:
        return [p for p in reg.values() if p.kind == kind]
    out = []
    for name in names:
        if name not in reg or reg[name].kind != kind:
            allowed = [p.name for p in reg.values() if p.kind == kind]
            near = difflib.get_close_matches(name, allowed, n=1)
            hint = f"did you mean {near[0]!r}? " if near else ""
            raise ValueError(f"{name!r} is not an {kind}; {hint}allowed: {', '.join(allowed)}")
        out.append(reg[name])
    return out


def build_model(
    *,
    name: str = "welfare",
    base: str = "strategic",
    compare_to: str | None = None,
    scale: float = 0.005,
    seeds: Sequence[int] = (1,),
    uncertainties: Sequence[str] | None = None,
    levers: Sequence[str] | None = (),
    municipalities: Sequence[int] | None = None,
    end_year: int = 2050,
) -> Any:
    """Build an EMA model of :func:`run_welfare`.

    Args:
        name: EMA model name (letters and digits).
        base: base scenario; levers not varied keep its values.
        compare_to: optional scenario to compare with under the same uncertainties and seed
            (adds the outcomes ``diff_net_cost_2050``, ``diff_net_cost_cum``, ``costs_more``).
        scale: fraction of residents simulated.
        seeds: one seed gives a ``Model`` (every experiment on the same seed: common random
            numbers); several give a ``ReplicatorModel`` with one replication per seed.
        uncertainties: names of uncertainties to vary (default: all in the registry).
        levers: names of levers to vary (default: none; ``None`` for all).
        municipalities: optional subset of municipality codes.
        end_year: last simulated year.

    Returns:
        An ``ema_workbench.Model`` or ``ReplicatorModel``.
    """
    import ema_workbench as ema

    seeds = list(seeds)
    if len(seeds) > 1:
        model = ema.ReplicatorModel(name, function=run_welfare)
        model.replications = [{"seed": int(s)} for s in seeds]
    else:
        model = ema.Model(name, function=run_welfare)
    model.uncertainties = [ema_parameter(p) for p in _select("uncertainty", uncertainties)]
    model.levers = [ema_parameter(p) for p in _select("lever", levers)]
    constants = [
        ema.Constant("scale", float(scale)),
        ema.Constant("base", base),
        ema.Constant("end_year", int(end_year)),
    ]
    if compare_to is not None:
        constants.append(ema.Constant("compare_to", compare_to))
    if municipalities is not None:
        constants.append(ema.Constant("municipalities", tuple(int(m) for m in municipalities)))
    if len(seeds) == 1:
        constants.append(ema.Constant("seed", int(seeds[0])))
    model.constants = constants
    names = (*outcome_names(compare_to is not None), "run_ok")
    model.outcomes = [ema.ScalarOutcome(n) for n in names]
    return model
