"""A region's own levers: adoption per region, the no-effect warning, the example."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from simulation.cli.main import main
from simulation.inputs.places import region_of, resolve_region
from simulation.scenario import ScenarioError, load_scenario
from simulation.shipped import find_scenario

HOVEDSTADEN = resolve_region("Hovedstaden")

NO_EFFECT = """name = "no-effect"
extends = "baseline"

[region."Hovedstaden".areas.health]
facilitation = 1.0
"""


def write(tmp_path, text: str, name: str = "s.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_levers_for_units_that_cannot_act_are_named(tmp_path):
    with pytest.warns(UserWarning, match=r'\[region\."Region Hovedstaden"\.areas\.health\]'):
        scenario = load_scenario(write(tmp_path, NO_EFFECT))
    assert scenario.inactive_overrides() == ['[region."Region Hovedstaden".areas.health]']


def test_adoption_and_coverage_per_region_silence_the_warning(tmp_path):
    text = NO_EFFECT + "adoption = 1.0\ncoverage = 1.0\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scenario = load_scenario(write(tmp_path, text))
    assert scenario.inactive_overrides() == []
    assert scenario.lever_for_region(HOVEDSTADEN, "health")["adoption"] == 1.0
    other = resolve_region("Syddanmark")
    assert scenario.lever_for_region(other, "health")["adoption"] == 0.0
    # coverage x 2 areas is rounded half up: 0.25 covers one of the region's two areas (no
    # warning), 0.2 none (still no effect)
    quarter = NO_EFFECT + "adoption = 1.0\ncoverage = 0.25\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_scenario(write(tmp_path, quarter, "quarter.toml"))
    text = NO_EFFECT + "adoption = 1.0\ncoverage = 0.2\n"
    with pytest.warns(UserWarning, match="do not act"):
        load_scenario(write(tmp_path, text, "fifth.toml"))


def test_adoption_per_municipality_but_not_per_country_area(tmp_path):
    text = 'extends = "baseline"\n[municipality."Aabenraa"]\nadoption = 1\ncoverage = 1\n'
    scenario = load_scenario(write(tmp_path, text))
    assert scenario.lever_for(580, "elderly_care")["adoption"] == 1.0
    assert scenario.lever_for(101, "elderly_care")["adoption"] == 0.0
    with pytest.raises(ScenarioError, match="whole country"):
        load_scenario(write(tmp_path, "[areas.health]\nadoption = 1\n", "area.toml"))


def test_cli_warns_in_one_line_and_succeeds(tmp_path, capsys):
    path = write(tmp_path, NO_EFFECT)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: "), err
    assert '[region."Region Hovedstaden".areas.health]' in err and "adoption = 1" in err


def test_the_region_example_runs_and_only_its_region_pays(tmp_path, capsys):
    assert find_scenario("examples/region-health") is not None
    out = tmp_path / "region"
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        status = main(
            [
                "run",
                "examples/region-health",
                "--scale",
                "0.002",
                "--end-year",
                "2028",
                "--replicates",
                "1",
                "--workers",
                "1",
                "--no-psa",
                "--out",
                str(out),
            ]
        )
    err = capsys.readouterr().err
    assert status == 0, err
    assert "warning:" not in err
    table = pd.read_parquet(out / "timeseries.parquet")
    cost = table[table.metric == "lever_cost_region_dkk"]
    by_region = cost.groupby(cost.municipality.map(region_of)).value.sum()
    assert by_region.get(HOVEDSTADEN, 0.0) > 0
    assert (by_region.drop(HOVEDSTADEN, errors="ignore") == 0).all()
    assert table.loc[table.metric == "lever_cost_municipality_dkk", "value"].sum() == 0
