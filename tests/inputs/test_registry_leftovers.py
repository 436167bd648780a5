"""Registry flags and the consistency of assumption-built spending targets."""

from __future__ import annotations

import re

import pytest

from simulation.inputs.data import read_table
from simulation.inputs.registry import registry


def test_account_only_marks_the_discount_rate_and_no_parameter_of_the_run() -> None:
    flagged = {name for name, p in registry().items() if p.account_only}
    assert flagged == {"discount_rate"}


def test_app_hides_exactly_the_account_only_uncertainties() -> None:
    import inspect

    from simulation.app import page

    source = inspect.getsource(page.LeverPanel)
    assert "param.account_only" in source
    assert "_NOT_SHOWN" not in inspect.getsource(page)


_NUMBER = r"(\d{1,3}(?:,\d{3})+)"


@pytest.mark.parametrize("area", ["employment", "integration"])
def test_assumption_targets_equal_the_product_their_note_states(area: str) -> None:
    """A target built as caseloads x assumed amounts equals that product (areas and spending)."""
    row = read_table("spending.csv").set_index("area").loc[area]
    total = 0
    for part in str(row["note"]).split(" + "):
        cases = re.search(_NUMBER, part)
        amount = re.search(r" x " + _NUMBER + " DKK", part)
        assert cases and amount, part
        total += int(cases.group(1).replace(",", "")) * int(amount.group(1).replace(",", ""))
    assert float(row["original_dkk"]) == total
    assert float(row["dkk_2026"]) == total
    target = read_table("areas.csv").set_index("area").loc[area, "target_dkk"]
    assert float(target) == total
