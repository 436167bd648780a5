"""Every number carries its source: the data files, the registry and the generated docs."""

from __future__ import annotations

import pytest

from simulation.documents.parameter_table import DOC_PATH, render
from simulation.inputs.data import DATA_DIR, read_table, source_lines
from simulation.inputs.registry import registry

CSV_FILES = sorted(p.name for p in DATA_DIR.glob("*.csv"))
CONFIDENCE = {"A", "B", "C", "assumption", "calibrated", "A (old)"}


@pytest.mark.parametrize("name", CSV_FILES)
def test_every_data_file_names_its_source(name):
    lines = source_lines(name)
    assert lines, f"{name} has no '# source' header"
    text = " ".join(lines).lower()
    assert any(word in text for word in ("source", "assumption", "generated", "computed")), name


@pytest.mark.parametrize(
    "name",
    [
        "areas.csv",
        "need_levels.csv",
        "need_prevalence.csv",
        "initiative_types.csv",
        "demography.csv",
        "volunteering.csv",
        "actors.csv",
        "strategy.csv",
        "offending.csv",
        "emigration_profile.csv",
        "internal_moves.csv",
        "parameters.csv",
        "price_index.csv",
        "spending.csv",
        "service_prices.csv",
        "service_use.csv",
        "fixed_costs.csv",
        "integration_exits.csv",
        "statutory_services.csv",
    ],
)
def test_every_row_has_a_source_and_confidence(name):
    table = read_table(name)
    assert "confidence" in table.columns
    for row in table.to_dict("records"):
        conf = str(row["confidence"]).strip()
        if row.get("kind") == "setting":
            continue  # run settings are choices, not data
        assert conf in CONFIDENCE, (name, row)
        source = str(row.get("source", row.get("target_source", ""))).strip()
        if conf != "assumption":
            assert source and source != "assumption", (name, row)


def test_assumptions_say_why():
    for name in ("strategy.csv", "volunteering.csv", "actors.csv", "demography.csv"):
        for row in read_table(name).to_dict("records"):
            if row["confidence"] == "assumption":
                assert str(row["note"]).strip(), (name, row["name"])


def test_registry_ranges_contain_defaults():
    for p in registry().values():
        if p.type in ("float", "int"):
            assert p.low <= p.default <= p.high, p.name
        elif p.type == "choice":
            assert p.default in p.choices, p.name


def test_parameter_documentation_is_up_to_date():
    assert DOC_PATH.read_text(encoding="utf-8") == render(), (
        "docs/parameters.md is out of date: run python -m simulation.documents.parameter_table"
    )
