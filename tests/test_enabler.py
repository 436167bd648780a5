"""Driver against sidelines: the shipped ``strategic-enabler`` scenario (docs/ODD.md, public_role).

The README's comparison must run, and with common random numbers (the same seed) the public
sector as enabler must differ from the driver in the documented directions: fewer proposals,
contracts with enterprises instead of grants, and a lower public cost per participant.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation.actors.initiatives import FUNDING
from simulation.cli.main import main
from simulation.constants import AREAS
from simulation.inputs.initiative_kinds import ACTOR_ORDER
from simulation.inputs.mechanism_numbers import strategy_parameters
from simulation.model import WelfareModel
from simulation.runs.simulate import scenario_parameters
from simulation.scenario import load_scenario
from simulation.shipped import find_scenario, scenario_dir

# municipalities of every region and size (as tests/conftest.py's SUBSET, shorter)
SUBSET = (101, 147, 169, 461, 561, 751, 787, 851)
ENTERPRISES = [ACTOR_ORDER.index("social_enterprise"), ACTOR_ORDER.index("firm")]
README_COMMAND = "python run.py compare baseline strategic strategic-enabler --no-psa"


def test_the_scenario_is_shipped_and_found_by_name():
    assert find_scenario("strategic-enabler") == scenario_dir() / "strategic-enabler.toml"
    enabler, strategic = load_scenario("strategic-enabler"), load_scenario("strategic")
    assert enabler.levers["public_role"] == "enabler"
    assert strategic.levers["public_role"] == "driver"
    # nothing else differs from the strategic scenario
    assert {k: v for k, v in enabler.levers.items() if k != "public_role"} == {
        k: v for k, v in strategic.levers.items() if k != "public_role"
    }


def test_the_readme_shows_the_comparison():
    readme = (scenario_dir().parent / "README.md").read_text(encoding="utf-8")
    assert README_COMMAND in readme


def test_the_readme_command_runs(tmp_path, capsys):
    out = tmp_path / "out"
    argv = README_COMMAND.split()[2:] + [
        "--scale",
        "0.002",
        "--end-year",
        "2030",
        "--replicates",
        "1",
        "--workers",
        "1",
        "--out",
        str(out),
        "-q",
    ]
    assert main(argv) == 0
    economy = pd.read_csv(out / "economy.csv")
    assert {"strategic", "strategic-enabler"} <= set(economy.scenario)


def _run(name: str, seed: int = 2):
    """Run a shipped scenario on the subset year by year; record public payments and reach."""
    scenario = load_scenario(name)
    model = WelfareModel(
        scenario_parameters(scenario),
        scale=0.01,
        seed=seed,
        municipalities=SUBSET,
        end_year=2034,
        scenario=name,
        lever_source=scenario,
    )
    participants = 0.0
    while model.running:
        model.step()
        t = model.strategy.table
        participants += float(t.reached[t.active()].sum())
    items = model.strategy.lever_items.values()
    paid = sum(i["grants_paid"] + i["contracts_running"] + i["contracts_setup"] for i in items)
    return model, paid, participants


@pytest.fixture(scope="module")
def pair():
    return _run("strategic"), _run("strategic-enabler")


def test_an_enabler_gets_fewer_proposals(pair):
    (driver, _, _), (enabler, _, _) = pair
    proposals = [sum(s.proposals for s in m.strategy.history) for m in (driver, enabler)]
    assert proposals[1] < proposals[0]
    # about the documented factor (Poisson noise and the pools aside)
    factor = strategy_parameters()["enabler_proposal_factor"]
    assert proposals[1] / proposals[0] == pytest.approx(factor, rel=0.25)


def test_an_enabler_contracts_enterprises_and_a_driver_grants(pair):
    (driver, _, _), (enabler, _, _) = pair
    contract = FUNDING.index("contract")
    for model, role in ((driver, "driver"), (enabler, "enabler")):
        t = model.strategy.table
        n = len(t)
        funded = t.funded[np.arange(n)]
        lead = t.lead_type[np.arange(n)]
        if role == "driver":
            assert n > 0 and not (funded == contract).any()
        else:
            assert n > 0 and (funded == contract).all()
            assert np.isin(lead, ENTERPRISES).all()
    items = {role: m.strategy.lever_items for role, m in (("d", driver), ("e", enabler))}
    contracts = {
        r: sum(i["contracts_running"] + i["contracts_setup"] for i in v.values())
        for r, v in items.items()
    }
    assert contracts["d"] == 0 < contracts["e"]


def test_an_enabler_pays_less_per_participant(pair):
    (_, paid_d, reached_d), (_, paid_e, reached_e) = pair
    assert reached_d > 0 and reached_e > 0
    assert paid_e / reached_e < paid_d / reached_d


def test_an_enabler_books_contract_management_not_coordinators_or_training(pair):
    """An enabler has contract staff per running contract instead of coordinators and training
    (docs/ODD.md 7.5, public_role); a driver the reverse."""
    (driver, _, _), (enabler, _, _) = pair
    sp = strategy_parameters()

    def total(model, item):
        return sum(i[item] for i in model.strategy.lever_items.values())

    for item in ("coordinators", "training"):
        assert total(driver, item) > 0
        assert total(enabler, item) == 0
    assert total(driver, "contract_management") == 0
    cm = total(enabler, "contract_management")
    assert cm > 0
    # a whole number of contract-years at the documented price
    years = cm / sp["contract_management_dkk"]
    assert years == pytest.approx(round(years)) and years >= 1
    # an enabler has no coordinators: none keep volunteers, none broker
    assert (enabler.strategy.coordinators() == 0).all()
    assert (enabler.strategy.by_municipality("facilitation") == 0).all()
    assert (driver.strategy.coordinators() > 0).any()


def test_an_area_without_enterprise_led_kinds_drops_out_under_enabler(pair):
    """Elderly care's only kind (visiting friends) cannot be led by an enterprise: an enabler
    starts nothing there and pays nothing for it (no coordinators, no contracts)."""
    (_, _, _), (enabler, _, _) = pair
    t = enabler.strategy.table
    elderly = AREAS.index("elderly_care")
    assert len(t) > 0
    assert not (t.area[np.arange(len(t))] == elderly).any()
    table = enabler.table()
    cost = table[(table.metric == "lever_cost_dkk") & (table.area == "elderly_care")]
    assert float(cost.value.sum()) == 0.0
