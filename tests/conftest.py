"""Shared fixtures: model runs reused by several tests (session-scoped, deterministic)."""

from __future__ import annotations

import signal

import pytest

from simulation.model import WelfareModel
from simulation.runs.simulate import scenario_parameters
from simulation.scenario import load_scenario

# A subset of municipalities of every size and region, for the faster mechanism tests.
SUBSET = (101, 147, 151, 157, 169, 400, 410, 461, 479, 561, 607, 630, 710, 751, 787, 813, 851)


def sigint_as_at_a_terminal() -> None:
    """``preexec_fn`` for a subprocess a test interrupts with SIGINT, as Ctrl-C would.

    A test run started in the background (``cmd &``, as some CI runners do) inherits SIGINT
    ignored, and a Python child would then never see the interrupt.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_model(
    parameters=None,
    *,
    scale=0.01,
    seed=1,
    municipalities=None,
    end_year=2050,
    scenario="test",
    lever_source=None,
) -> WelfareModel:
    """Build and run a model to its end year."""
    model = WelfareModel(
        parameters,
        scale=scale,
        seed=seed,
        municipalities=municipalities,
        end_year=end_year,
        scenario=scenario,
        lever_source=lever_source,
    )
    return model.run()


@pytest.fixture(scope="session")
def national_run() -> WelfareModel:
    """The baseline for all of Denmark at scale 0.05, 2026-2050."""
    return run_model(scale=0.05, seed=11, scenario="baseline")


@pytest.fixture(scope="session")
def national_table(national_run):
    return national_run.table()


@pytest.fixture(scope="session")
def strategic_scenario():
    return load_scenario("scenarios/strategic.toml")


@pytest.fixture(scope="session")
def strategic_run(strategic_scenario) -> WelfareModel:
    """The strategic scenario on the subset, scale 0.01, 2026-2040."""
    return run_model(
        scenario_parameters(strategic_scenario),
        municipalities=SUBSET,
        end_year=2040,
        scenario="strategic",
        lever_source=strategic_scenario,
    )


@pytest.fixture(scope="session")
def baseline_subset_run() -> WelfareModel:
    """The baseline on the subset, scale 0.01, 2026-2040 (same seed as strategic_run)."""
    return run_model(municipalities=SUBSET, end_year=2040, scenario="baseline")
