"""The baseline is today's law: statutory services in every baseline, none bought again."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.inputs.data import read_table
from simulation.inputs.prices import integration_exit_share
from simulation.model import WelfareModel
from simulation.runs.simulate import scenario_parameters
from simulation.scenario import load_scenario


def test_no_initiative_kind_duplicates_a_statutory_service():
    statutory = read_table("statutory_services.csv")
    aliases = {a.strip() for text in statutory.aliases for a in str(text).split("|")}
    kinds = set(read_table("initiative_types.csv").kind)
    assert "reablement" in aliases
    assert not kinds & aliases, kinds & aliases


@pytest.fixture(scope="module")
def shipped_models():
    out = {}
    for name in ("baseline", "patchwork", "strategic"):
        sc = load_scenario(f"scenarios/{name}.toml")
        out[name] = WelfareModel(
            scenario_parameters(sc), scale=0.002, seed=1, end_year=2027, lever_source=sc
        )
    return out


def test_reablement_is_identical_in_the_baselines_of_the_shipped_scenarios(shipped_models):
    """Statutory reablement acts through the calibrated home-help remission: the same in all."""
    home_help = {name: m.needs.levels["elderly_care"][0] for name, m in shipped_models.items()}
    base = home_help["baseline"]
    for name, level in home_help.items():
        assert level.name == "home_help"
        assert level.remission == base.remission, name
        assert np.array_equal(level.prevalence, base.prevalence), name
        inc, rem = shipped_models[name].needs.transitions("elderly_care")
        inc0, rem0 = shipped_models["baseline"].needs.transitions("elderly_care")
        assert np.array_equal(inc, inc0) and np.array_equal(rem, rem0), name
    for name, m in shipped_models.items():
        kinds = {k.kind for k in m.strategy.kind.specs}
        assert "reablement" not in kinds, name


def test_integration_leavers_reach_their_documented_destinations(national_table):
    t = national_table
    leavers = t[t.metric == "integration_leavers"].value.sum()
    to_benefit = t[t.metric == "integration_to_cash_benefit"].value.sum()
    assert leavers > 10_000
    share = integration_exit_share()
    # a binomial share over some thousand simulated leavers (scale 0.05)
    assert to_benefit / leavers == pytest.approx(share, abs=0.03)
    exits = read_table("integration_exits.csv").set_index("destination")["share"].astype(float)
    assert exits.sum() == pytest.approx(1.0)
    assert set(exits.index) == {"cash_benefit", "no_need"}


def test_integration_leavers_add_to_the_cash_benefit_caseload():
    """The same run with no leaver passing on has fewer cash-benefit cases (common numbers)."""

    def cash_benefit_cases(exit_share: float) -> float:
        m = WelfareModel(scale=0.005, seed=2, end_year=2030)
        m.needs_step.exit_share = exit_share
        m.run()
        t = m.table()
        return float(t[(t.metric == "need_cases") & (t.area == "employment")].value.sum())

    with_exits = cash_benefit_cases(integration_exit_share())
    without = cash_benefit_cases(0.0)
    assert with_exits > without
