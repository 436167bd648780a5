"""``fixed_cost_adaptation``: how much of an area's fixed part follows the simulated caseload."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.constants import AREAS, N_AGES
from simulation.inputs.registry import registry
from simulation.model import WelfareModel
from simulation.year.needs import need_model
from simulation.year.provision import CostModel


def _cells(rng: np.random.Generator, n_mun: int) -> tuple[np.ndarray, np.ndarray]:
    start = rng.integers(0, 50, (n_mun, 2, N_AGES)).astype(float)
    end = start + rng.integers(0, 3, start.shape)
    return start, end


@pytest.mark.parametrize("area", AREAS)
def test_adaptation_mixes_expected_demand_and_simulated_cases(area: str) -> None:
    costs = CostModel(need_model(), unit_cost_growth=0.01)
    rng = np.random.default_rng(5)
    cells = _cells(rng, 3)
    n_levels = len(costs.needs.levels[area])
    cases = rng.uniform(0, 400, (3, n_levels))
    demography = costs.fixed_part(area, cells, 20.0, 0.0, 2030)
    assert np.array_equal(costs.fixed_part(area, cells, 20.0, 0.0, 2030, cases, 0.0), demography)
    full = costs.fixed_part(area, cells, 20.0, 0.0, 2030, cases, 1.0)
    # the whole fixed part follows the cases at their marginal prices
    simulated = cases @ costs.variable[area].sum(axis=1)
    expected = costs.fixed[area] * simulated / costs._demand0[area] * 1.01**4
    np.testing.assert_allclose(full, expected)
    half = costs.fixed_part(area, cells, 20.0, 0.0, 2030, cases, 0.5)
    np.testing.assert_allclose(half, 0.5 * (demography + full))


def test_fixed_cost_adaptation_is_a_registered_uncertainty_with_default_zero() -> None:
    p = registry()["fixed_cost_adaptation"]
    assert p.kind == "uncertainty" and p.default == 0.0
    assert (p.low, p.high) == (0.0, 1.0)
    assert not p.account_only  # it changes the run


def test_adaptation_keeps_the_base_year_and_moves_later_fixed_parts() -> None:
    def fixed(adaptation: float):
        model = WelfareModel(
            scale=0.005, seed=2, end_year=2031, parameters={"fixed_cost_adaptation": adaptation}
        ).run()
        t = model.table()
        return t[t.metric == "fixed_cost_dkk"].groupby(["year", "area"]).value.sum()

    none, full = fixed(0.0), fixed(1.0)
    # 2026: the simulated caseload is close to the expected one, so the fixed part is too
    np.testing.assert_allclose(full.loc[2026], none.loc[2026], rtol=0.12)
    assert not np.allclose(full.loc[2030], none.loc[2030], rtol=1e-6)
