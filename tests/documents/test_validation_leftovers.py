"""The KL cross-validation section of ``docs/validation.md`` is computed from a run."""

from __future__ import annotations

import inspect
import re

import pytest

from simulation.documents import validation
from simulation.model import WelfareModel


@pytest.fixture(scope="module")
def baseline_table():
    """A small baseline run to 2040 (the comparison's last year)."""
    return WelfareModel(scale=0.005, seed=3, end_year=2041).run().table()


def test_kl_section_growth_is_recomputed_from_the_run(baseline_table) -> None:
    lines = validation.kl_section(baseline_table)
    text = "\n".join(lines)
    assert lines[0].startswith("## Elderly-care cost growth against KL")
    cost = baseline_table[
        (baseline_table.metric == "public_cost_dkk") & (baseline_table.area == "elderly_care")
    ]
    by_year = cost.groupby("year").value.sum()
    expected = 100 * ((by_year[2040] / by_year[2026]) ** (1 / 14) - 1)
    shown = re.search(r"grows by (-?[0-9.]+)% a year from 2026 to 2040", text)
    assert shown is not None
    assert float(shown.group(1)) == pytest.approx(expected, abs=0.006)
    # both KL figures, with their publication dates
    assert "KL (10 Jan 2019)" in text and "2.1%" in text
    assert "KL (1 Jul 2023)" in text and "+53%" in text


def test_kl_section_follows_the_run_not_a_constant(baseline_table) -> None:
    """Doubling elderly care's 2040 cost changes the figure shown."""
    changed = baseline_table.copy()
    rows = (
        (changed.metric == "public_cost_dkk")
        & (changed.area == "elderly_care")
        & (changed.year == 2040)
    )
    changed.loc[rows, "value"] *= 2
    before = validation.annual_growth(baseline_table, "public_cost_dkk", "elderly_care", 2026, 2040)
    after = validation.annual_growth(changed, "public_cost_dkk", "elderly_care", 2026, 2040)
    assert after == pytest.approx((1 + before) * 2 ** (1 / 14) - 1)
    assert f"{100 * after:.2f}%" in "\n".join(validation.kl_section(changed))


def test_render_calls_the_kl_section() -> None:
    assert "kl_section(t)" in inspect.getsource(validation.render)
