"""Every registered uncertainty is accepted by sweep files, the EMA bridge and ``run_welfare``."""

from __future__ import annotations

import math

from simulation.experiments.ema import _select
from simulation.experiments.sweepfile import parse_sweep
from simulation.experiments.welfare import run_welfare
from simulation.inputs.uncertainties import collapsed, uncertain


def _ranged() -> dict[str, tuple[float, float]]:
    """Each uncertain number's range, kept inside the values a run may use."""
    out = {}
    for name, u in uncertain().items():
        low, high = max(u.low, u.allowed_low), min(u.high, u.allowed_high)
        if high > low:
            out[name] = (low, high)
    return out


def test_a_sweep_file_accepts_every_registered_uncertainty():
    ranges = _ranged()
    assert len(ranges) >= 100  # the registry's 121 numbers, all but a few collapsed ones
    data = {
        "name": "every-uncertainty",
        "sampler": "lhs",
        "samples": 2,
        "parameters": {n: {"low": lo, "high": hi} for n, (lo, hi) in ranges.items()},
    }
    sweep = parse_sweep(data)
    assert set(ranges) <= set(sweep.parameters)


def test_the_ema_bridge_selects_every_registered_uncertainty():
    names = list(uncertain())
    assert [p.name for p in _select("uncertainty", names)] == names


def test_run_welfare_takes_every_uncertainty_and_central_values_change_nothing():
    kw = {"scale": 0.002, "end_year": 2027, "municipalities": (101,), "base": "strategic"}
    plain = run_welfare(**kw)
    central = run_welfare(**kw, **collapsed())
    assert plain["run_ok"] == central["run_ok"] == 1
    for key, value in plain.items():
        assert central[key] == value or (math.isnan(value) and math.isnan(central[key])), key


def test_run_welfare_rejects_an_unknown_uncertainty_without_raising():
    out = run_welfare(scale=0.002, end_year=2027, municipalities=(101,), **{"prices.nope": 1.0})
    assert out["run_ok"] == 0
