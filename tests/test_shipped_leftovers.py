"""``shipped_scenarios`` lives in ``simulation.shipped`` (re-exported by ``input_checks``)."""

from __future__ import annotations

from simulation import input_checks, shipped


def test_shipped_scenarios_finds_the_main_and_lever_scenarios() -> None:
    found = shipped.shipped_scenarios()
    assert {"baseline", "patchwork", "strategic"} <= set(found)
    assert any(path.parent.name == "levers" for path in found.values())
    assert all(path.is_file() and path.suffix == ".toml" for path in found.values())


def test_input_checks_reexports_the_same_function() -> None:
    assert input_checks.shipped_scenarios is shipped.shipped_scenarios
