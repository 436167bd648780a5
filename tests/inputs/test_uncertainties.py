"""Uncertain numbers by name: the files, their checks, the draws and the overrides of a run."""

from __future__ import annotations

import shutil
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import simulation.inputs.data as data
import simulation.inputs.uncertainties as unc
from simulation.inputs.data import DataOverrides, active_overrides, read_table, using_overrides
from simulation.inputs.prices import level_prices, service_prices
from simulation.inputs.registry import registry, uncertainty_groups
from simulation.inputs.uncertainties import (
    GROUPS,
    Uncertain,
    UncertaintyFileError,
    draw_for,
    draws_frame,
    split_parameters,
    uncertain,
)
from simulation.model import WelfareModel
from simulation.scenario import ScenarioError, load_scenario
from simulation.year.threads import THREADS_FROM, RowMapper

HEADER = "name,file,key,column,central,low,high,shape,source,confidence,reasoning\n"


def spec(shape: str, central: float, low: float, high: float) -> Uncertain:
    allowed = unc._allowed(shape, central, low, high)
    return Uncertain(
        name="prices.x",
        group="prices",
        file="service_prices.csv",
        key=(("service", "x"),),
        column="price_dkk_2026",
        central=central,
        low=low,
        high=high,
        shape=shape,
        allowed_low=allowed[0],
        allowed_high=allowed[1],
        source="",
        confidence="",
        reasoning="",
        defined_in="uncertain_prices.csv",
    )


# ------------------------------------------------------------------ the shipped files
def test_every_file_is_read_names_are_unique_and_grouped():
    table = uncertain()
    assert len(table) >= 29 + 33  # 20 prices, 4 demography, 5 trends; 33 cover assumptions
    for name, u in table.items():
        assert u.group in GROUPS and name.startswith(u.group + ".")
        assert u.low <= u.central <= u.high
        assert u.allowed_low <= u.low and u.high <= u.allowed_high
    assert "trends.discount_rate" not in table  # a documented sensitivity, not drawn


def test_registry_exposes_every_name_in_its_group():
    reg = registry()
    groups = uncertainty_groups()
    for name, u in uncertain().items():
        p = reg[name]
        assert p.kind == "uncertainty" and p.group == u.group and p.default == u.central
        assert name in groups[u.group]
    assert not reg["effect_scale"].group  # parameters.csv rows stay ungrouped


def test_price_rows_follow_service_prices():
    prices = read_table("service_prices.csv")
    rows = uncertain().values()
    for u in (u for u in rows if u.file == "service_prices.csv" and u.column == "price_dkk_2026"):
        row = prices[data.select_row(prices, u.key)].iloc[0]
        if u.column == "price_dkk_2026":
            assert (u.low, u.high) == (float(row.low_dkk_2026), float(row.high_dkk_2026))
        else:  # a marginal share: its central value is the data's, its range within 0-1
            assert u.column == "marginal_share" and u.central == float(row.marginal_share)
            assert 0 < u.low <= u.central <= u.high <= 1


# ------------------------------------------------------------------ draws
@pytest.mark.parametrize(
    ("shape", "central", "low", "high"),
    [
        ("normal", 10.0, 6.0, 14.0),
        ("lognormal", 2.0, 1.0, 4.0),
        ("lognormal", -0.1, -0.2, -0.05),
    ],
)
def test_normal_and_lognormal_low_high_are_the_5th_and_95th_percentiles(shape, central, low, high):
    u = spec(shape, central, low, high)
    rng = np.random.default_rng(2024)
    values = np.array([u.draw(rng) for _ in range(40_000)])
    p5, p50, p95 = np.percentile(values, [5, 50, 95])
    width = high - low
    assert abs(p5 - low) < 0.02 * width
    assert abs(p95 - high) < 0.02 * width
    assert abs(p50 - central) < 0.02 * width


def test_uniform_and_triangular_draws():
    rng = np.random.default_rng(7)
    uni = np.array([spec("uniform", 5.0, 0.0, 10.0).draw(rng) for _ in range(40_000)])
    assert uni.min() >= 0 and uni.max() <= 10
    assert abs(np.percentile(uni, 25) - 2.5) < 0.1
    tri = np.array([spec("triangular", 2.0, 0.0, 10.0).draw(rng) for _ in range(40_000)])
    assert tri.min() >= 0 and tri.max() <= 10
    assert abs(tri.mean() - 4.0) < 0.05  # (low + mode + high) / 3
    # the cdf at the mode is (mode - low) / (high - low)
    assert abs((tri < 2.0).mean() - 0.2) < 0.01


def test_normal_draws_are_truncated_to_the_allowed_range():
    u = spec("normal", 1.0, 0.2, 1.8)  # a non-negative quantity
    assert u.allowed_low == 0.0 and u.allowed_high == pytest.approx(2.6)
    rng = np.random.default_rng(3)
    values = np.array([u.draw(rng) for _ in range(100_000)])
    assert values.min() >= 0.0 and values.max() <= 2.6


def test_a_collapsed_range_draws_its_central_value():
    rng = np.random.default_rng(1)
    for shape in unc.SHAPES:
        assert spec(shape, 3.0, 3.0, 3.0).draw(rng) == 3.0


def test_draws_are_reproducible_and_depend_on_seed_and_index_only():
    assert draw_for(5, 2) == draw_for(5, 2)
    assert draw_for(5, 2) != draw_for(5, 3)
    assert draw_for(5, 2) != draw_for(6, 2)
    frame = draws_frame(5, 4)
    assert list(frame.draw) == [0, 1, 2, 3] and list(frame.seed) == [5, 6, 7, 8]
    assert frame.iloc[2].drop(["draw", "seed"]).to_dict() == draw_for(5, 2)


# ------------------------------------------------------------------ names of a run
def test_split_parameters_separates_data_numbers_and_parameters():
    plain, overrides, applied = split_parameters(
        {"facilitation": 1.0, "prices.home_help_hour": 500.0, "trends.volunteering": -0.01}
    )
    assert plain == {"facilitation": 1.0, "volunteering_trend": -0.01}
    assert overrides.entries == (
        ("service_prices.csv", (("service", "home_help_hour"), ("payer", "municipality")),
         "price_dkk_2026", 500.0),
    )  # fmt: skip
    assert applied == {"prices.home_help_hour": 500.0, "trends.volunteering": -0.01}


def test_central_values_are_no_overrides():
    plain, overrides, applied = split_parameters(unc.collapsed())
    assert plain == {} and overrides is None and applied == {}


def test_bad_names_and_values_give_one_clear_line():
    with pytest.raises(ValueError, match="did you mean 'prices.home_help_hour'"):
        split_parameters({"prices.home_help_hours": 1.0})
    with pytest.raises(ValueError, match="outside its allowed range 365 to 558"):
        split_parameters({"prices.home_help_hour": 1000.0})


def test_scenario_files_accept_dotted_names(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        '[uncertainties]\nprices.home_help_hour = 500\n"trends.volunteering" = -0.01\n',
        encoding="utf-8",
    )
    s = load_scenario(path)
    assert s.uncertainties["prices.home_help_hour"] == 500.0
    assert s.uncertainties["trends.volunteering"] == -0.01
    assert "prices.nursing_home_day" not in s.uncertainties  # only what the file sets
    path.write_text("[uncertainties]\nprices.home_help_hours = 500\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="prices.home_help_hour"):
        load_scenario(path)
    path.write_text("[uncertainties]\nprices.home_help_hour = 5000\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="prices.home_help_hour"):
        load_scenario(path)


# ------------------------------------------------------------------ overrides
def test_overrides_reach_the_loaders_and_keep_the_price_identity():
    plain_prices = service_prices()
    _, overrides, _ = split_parameters({"prices.gp_contact_region": 400.0})
    with using_overrides(overrides):
        table = read_table("service_prices.csv")
        row = table[(table.service == "gp_contact") & (table.payer == "region")].iloc[0]
        assert row.price_dkk_2026 == 400.0
        assert row.original_dkk * row.factor_to_2026 == pytest.approx(400.0, rel=1e-4)
        assert service_prices()["gp_contact"]["price"][1] == 400.0
    assert service_prices() is plain_prices  # the default cache is untouched
    assert plain_prices["gp_contact"]["price"][1] == pytest.approx(381.85)


def test_a_price_override_changes_the_cost_a_mechanism_reads_and_does_not_leak():
    kw = {"scale": 0.002, "seed": 1, "end_year": 2027, "municipalities": [101]}
    base = WelfareModel({}, **kw)
    high = WelfareModel({"prices.home_help_hour": 500.0}, **kw)
    after = WelfareModel({}, **kw)
    assert high.parameters["prices.home_help_hour"] == 500.0
    use = read_table("service_use.csv")
    for level, lv in enumerate(base.needs.levels["elderly_care"]):
        hours = use[
            (use.area == "elderly_care")
            & (use.level.astype(int) == lv.level)
            & (use.service == "home_help_hour")
        ].quantity.astype(float)
        prices = read_table("service_prices.csv").set_index("service")
        share = float(prices.loc["home_help_hour", "marginal_share"])
        assert share < 1  # an average hourly price: only part of it moves with an hour
        expected = hours.sum() * (500.0 - 450.0) * share  # the municipality pays
        diff = (
            high.costs.variable["elderly_care"][level] - base.costs.variable["elderly_care"][level]
        )
        assert diff[0] == pytest.approx(expected) and diff[1:].tolist() == [0.0, 0.0]
    # the fixed part absorbs the change at the 2026 caseloads: reported spending still matches
    demand = sum(
        float(
            high.costs.variable["elderly_care"][i].sum()
            - base.costs.variable["elderly_care"][i].sum()
        )
        * lv.expected_caseload
        for i, lv in enumerate(base.needs.levels["elderly_care"])
    )
    assert high.costs.fixed["elderly_care"] == pytest.approx(
        base.costs.fixed["elderly_care"] - demand
    )
    np.testing.assert_array_equal(
        after.costs.variable["elderly_care"], base.costs.variable["elderly_care"]
    )
    assert level_prices() is level_prices()  # outside a run: the plain, shared cache


def test_rows_mapped_in_threads_see_the_run_overrides():
    class Many:
        def __len__(self) -> int:
            return THREADS_FROM

    mapper = RowMapper(Many(), threads=2)
    overrides = DataOverrides((("service_prices.csv", (("service", "x"),), "price_dkk_2026", 1.0),))
    try:
        with using_overrides(overrides):
            seen = mapper.map(lambda _: active_overrides(), range(8))
    finally:
        mapper.close()
    assert seen == [overrides] * 8


def test_two_runs_in_two_threads_each_see_their_own_prices():
    barrier = threading.Barrier(2)

    def read(value: float) -> float:
        _, overrides, _ = split_parameters({"prices.nursing_home_day": value})
        with using_overrides(overrides):
            barrier.wait()
            first = service_prices()["nursing_home_day"]["price"][0]
            barrier.wait()
            return float(first)

    share = float(
        read_table("service_prices.csv").set_index("service").loc["nursing_home_day"].marginal_share
    )
    with ThreadPoolExecutor(2) as pool:
        got = list(pool.map(read, [1600.0, 2200.0]))
    assert got == pytest.approx([1600.0 * share, 2200.0 * share])  # marginal prices


# ------------------------------------------------------------------ bad files
@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A data folder with the files the checks read, and no uncertain file yet."""
    for name in ("service_prices.csv", "parameters.csv", "strategy.csv"):
        shutil.copy(data.DATA_DIR / name, tmp_path / name)
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    monkeypatch.setattr(unc, "DATA_DIR", tmp_path)
    data._read.cache_clear()
    data.source_lines.cache_clear()
    unc.uncertain.cache_clear()
    yield tmp_path
    data._read.cache_clear()
    data.source_lines.cache_clear()
    unc.uncertain.cache_clear()


def write(folder, name: str, *rows: str) -> None:
    (folder / name).write_text("# test\n" + HEADER + "".join(r + "\n" for r in rows), "utf-8")


GOOD = (
    "prices.home_help_hour,service_prices.csv,service=home_help_hour&payer=municipality,"
    "price_dkk_2026,450,365,558,triangular,s,C,r"
)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (GOOD.replace("prices.home", "effects.home"), "must start with 'prices.'"),
        (GOOD.replace("triangular", "beta"), "shape 'beta' is not one of"),
        (GOOD.replace(",450,", ",460,"), r"central 460.0 differs from the number .*450"),
        (GOOD.replace(",365,558,", ",500,558,"), "needs low <= central <= high"),
        (GOOD.replace("service_prices.csv", "nope.csv"), "'nope.csv' is not a data file"),
        (GOOD.replace("home_help_hour&payer=municipality", "gp_contact"), "selects 2 rows"),
        (GOOD.replace("service=home_help_hour&", "service=gp_contact&"), "differs|selects"),
        (GOOD.replace("price_dkk_2026", "price"), "column 'price' is not a column"),
        (GOOD.replace("service=home", "service home"), "must be column=value pairs"),
        (GOOD.replace("triangular", "normal"), "symmetric about central"),
        (GOOD.replace(",365,", ",abc,"), "low 'abc' is not a number"),
    ],
)
def test_bad_rows_are_named_by_file_and_row(data_dir, row, message):
    write(data_dir, "uncertain_prices.csv", GOOD.replace("home_help_hour,", "x,", 1), row)
    with pytest.raises(UncertaintyFileError, match=r"uncertain_prices.csv: row 2"):
        uncertain()
    with pytest.raises(UncertaintyFileError, match=message):
        uncertain()


def test_duplicate_names_and_unknown_groups_are_refused(data_dir):
    write(data_dir, "uncertain_prices.csv", GOOD, GOOD)
    with pytest.raises(UncertaintyFileError, match="defined twice"):
        uncertain()
    unc.uncertain.cache_clear()
    write(data_dir, "uncertain_prices.csv", GOOD)
    write(data_dir, "uncertain_weather.csv", GOOD)
    with pytest.raises(UncertaintyFileError, match="unknown group 'weather'"):
        uncertain()


def test_a_parameter_row_must_name_a_number_uncertainty(data_dir):
    row = "trends.x,parameters.csv,name=public_role,default,driver,driver,driver,uniform,s,C,r"
    write(data_dir, "uncertain_trends.csv", row)
    with pytest.raises(UncertaintyFileError, match="not a number"):
        uncertain()


def test_data_overrides_of_a_draw_for_computations_after_a_run():
    assert unc.data_overrides(unc.collapsed()) is None
    overrides = unc.data_overrides({"prices.prison_day": 2000.0, "trends.substitution": 0.1})
    assert [e[3] for e in overrides.entries] == [2000.0]  # the parameter is no data number
    with using_overrides(overrides):
        assert service_prices()["prison_day"]["price"][2] == pytest.approx(2000.0 * 0.5)


def test_the_files_are_checked_against_the_data_as_they_are_even_inside_a_run():
    _, overrides, _ = split_parameters({"prices.home_help_hour": 500.0})
    unc.uncertain.cache_clear()  # the next call reads the files again, inside the run
    try:
        with using_overrides(overrides):
            assert uncertain()["prices.home_help_hour"].central == 450.0
    finally:
        unc.uncertain.cache_clear()


def _other_value(u: Uncertain) -> float:
    return u.high if u.high != u.central else u.low


@pytest.mark.parametrize("name", [n for n, u in uncertain().items() if u.parameter is None])
def test_every_data_number_can_be_replaced_by_name(name):
    u = uncertain()[name]
    value = _other_value(u)
    _, overrides, _ = split_parameters({name: value})
    with using_overrides(overrides):
        table = read_table(u.file)
        assert float(table[data.select_row(table, u.key)].iloc[0][u.column]) == value


def test_the_mechanisms_loaders_read_replaced_numbers():
    from simulation.inputs.initiative_kinds import kind_arrays
    from simulation.inputs.mechanism_numbers import (
        actor_parameters,
        strategy_parameters,
        volunteering_parameters,
    )

    loaders = {
        "strategy.csv": strategy_parameters,
        "volunteering.csv": volunteering_parameters,
        "actors.csv": actor_parameters,
    }
    checked = 0
    for name, u in uncertain().items():
        if u.file in loaders:
            value = _other_value(u)
            with using_overrides(split_parameters({name: value})[1]):
                assert loaders[u.file]()[u.key[0][1]] == value, name
            assert loaders[u.file]()[u.key[0][1]] == u.central, name
            checked += 1
        elif u.file == "initiative_types.csv":
            before = kind_arrays()
            with using_overrides(split_parameters({name: _other_value(u)})[1]):
                after = kind_arrays()
            assert after is not before and kind_arrays() is before, name
            checked += 1
    assert checked >= 50  # the effects, noise, lever costs and lifetimes of the evidence files


def _model_inputs_of(file: str):
    """What the model takes from a data file: a function of no arguments (cached loaders)."""
    from simulation.inputs.integration_entry import documented_entries
    from simulation.inputs.loaders import offending_rates
    from simulation.inputs.prices import integration_exit_share
    from simulation.inputs.projection import move_destinations, project
    from simulation.inputs.rates import base_rates
    from simulation.year.needs import need_model

    def needs():
        m = need_model()
        return [
            (lv.remission, lv.prevalence.sum(), lv.expected_caseload)
            for levels in m.levels.values()
            for lv in levels
        ]

    def demography():
        rates = base_rates()
        return (
            documented_entries(2030, np.ones(98, dtype=bool)),
            move_destinations().sum(axis=0).round(12).tolist(),
            rates.asfr(2035, 1.9).sum(),
            project(0.0072, 1.7, 1.0, 2051).targets.sum(),
        )

    return {
        "need_levels.csv": needs,
        "service_use.csv": lambda: {k: v.by_payer.tolist() for k, v in level_prices().items()},
        "service_prices.csv": lambda: {k: v.by_payer.tolist() for k, v in level_prices().items()},
        "integration_exits.csv": integration_exit_share,
        "offending.csv": offending_rates,
        "demography.csv": demography,
        "internal_moves.csv": lambda: (base_rates().internal_move.tolist(), demography()),
    }.get(file)


@pytest.mark.parametrize(
    "name",
    [n for n, u in uncertain().items() if u.parameter is None and _model_inputs_of(u.file)],
)
def test_the_need_price_and_demography_loaders_read_replaced_numbers(name):
    """A replaced number changes what the model takes from its file, and only inside the run."""
    u = uncertain()[name]
    inputs = _model_inputs_of(u.file)
    before = repr(inputs())
    with using_overrides(split_parameters({name: _other_value(u)})[1]):
        during = repr(inputs())
    assert during != before, name
    assert repr(inputs()) == before, name


def test_a_computed_spending_target_follows_the_drawn_prices():
    """Employment's spending is caseloads times the assumed prices: a drawn price moves it, the
    fixed part stays; a reported target (elderly care) does not move."""
    from simulation.inputs.prices import area_targets
    from simulation.year.needs import need_model
    from simulation.year.provision import CostModel

    before = CostModel(need_model())
    targets = area_targets()
    u = uncertain()["prices.cash_benefit_year_municipality"]
    with using_overrides(split_parameters({u.name: u.high})[1]):
        after = CostModel(need_model())
        moved = area_targets()
    assert moved["employment"] - targets["employment"] == pytest.approx(
        (u.high - u.central) * 89800, rel=1e-9
    )
    assert moved["elderly_care"] == targets["elderly_care"]
    assert after.fixed["employment"] == pytest.approx(before.fixed["employment"], rel=1e-9)
    assert area_targets() == targets
