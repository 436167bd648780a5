"""Sweeps, the EMA bridge and ``run_welfare`` vary uncertain numbers by their dotted names."""

from __future__ import annotations

import tomllib

import pytest

from simulation.experiments.ema import _select
from simulation.experiments.sweepfile import parse_sweep
from simulation.experiments.welfare import run_welfare

SWEEP = """
name = "psa-names"
sampler = "lhs"
samples = 4
[parameters]
facilitation = { low = 0, high = 1 }
prices.home_help_hour = { low = 400, high = 500 }
"trends.volunteering" = { low = -0.01, high = 0 }
"""


def test_a_sweep_file_varies_uncertain_numbers_by_name():
    sweep = parse_sweep(tomllib.loads(SWEEP))
    assert set(sweep.parameters) == {"facilitation", "prices.home_help_hour", "trends.volunteering"}


def test_a_sweep_range_outside_the_allowed_one_is_refused():
    text = SWEEP.replace("low = 400, high = 500", "low = 100, high = 500")
    with pytest.raises(Exception, match="prices.home_help_hour"):
        parse_sweep(tomllib.loads(text))


def test_ema_selects_uncertain_numbers_and_suggests_the_nearest_name():
    assert [p.name for p in _select("uncertainty", ["prices.prison_day"])] == ["prices.prison_day"]
    with pytest.raises(ValueError, match="did you mean 'prices.prison_day'"):
        _select("uncertainty", ["prices.prison_days"])


def test_run_welfare_applies_an_uncertain_price_by_name():
    kw = {"scale": 0.002, "end_year": 2027, "municipalities": (101,), "base": "baseline"}
    plain = run_welfare(**kw)
    dear = run_welfare(**kw, **{"prices.nursing_home_day": 2300.0})
    again = run_welfare(**kw)
    assert plain["run_ok"] == dear["run_ok"] == 1
    assert dear != plain and again == plain


def test_an_ema_model_varies_uncertain_numbers_over_their_allowed_range():
    pytest.importorskip("ema_workbench")
    from simulation.experiments.ema import build_model

    model = build_model(scale=0.002, uncertainties=["prices.home_help_hour"], end_year=2027)
    (param,) = model.uncertainties
    assert (param.name, param.lower_bound, param.upper_bound) == ("prices.home_help_hour", 365, 558)
