"""Every assumption in the data files has a range in an ``uncertain_*.csv`` file, and every range
is well formed.

Each ``simulation/inputs/data/uncertain_<group>.csv`` row names one number: ``file`` (a data file
of that folder, or ``parameters.csv`` for a registered scenario uncertainty, column ``default``),
``key`` (``column=value`` pairs joined by ``&`` that select exactly one row) and ``column``. Every
row is checked whoever wrote it: the name is unique over all files and starts with its file's
group, ``central`` equals the file's value, ``low <= central <= high``, the shape is known.

Coverage (which numbers must have a range) is decided per data file in :data:`COVERAGE`: every
data file with a row marked ``assumption`` (in a ``source``, ``confidence`` or ``basis`` column)
has a rule naming the uncertain numbers of its rows (:data:`RULES`), and the numbers that are not
drawn are listed in :data:`EXEMPT` with the reason (a test fails on a data file with assumptions
but no rule, and on an exemption that no longer names a required number):

* name/value files (one number per row, in ``value``): every assumption row's ``value``;
* ``initiative_types.csv`` (several numbers per row): every kind needs ranges for its effect size
  (``effect_mean``, whatever its source: published effect sizes are uncertain too; the spread of
  its initiatives' true effects is ``heterogeneity_cv`` in ``strategy.csv``), its outcome base
  rate (``outcome_base_rate``, it sets the evaluation noise) and its cost per participant
  (``cost_per_participant_dkk``, an assumption in every row); hour-based kinds also
  ``hours_per_participant``, and kinds whose gain fades ``fade_half_life_years``.
  ``target_level``, the ages and the lead types define the kind and have no range;
* the other files: the columns named in :data:`RULES` of every assumption row (for
  ``need_prevalence.csv``: the level factor ``prevalence_factor`` in ``need_levels.csv`` of the
  cell's level, see :func:`_prevalence_required`).

To cover another data file after a merge, add it to :data:`RULES` (or, for a name/value file,
to :data:`NAME_VALUE_FILES`).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from simulation.inputs.data import DATA_DIR, read_table
from simulation.inputs.uncertainties import COLUMNS, GROUPS, SHAPES

NAME_VALUE_FILES = ("strategy.csv", "volunteering.csv", "actors.csv")


def _is_assumption(row: pd.Series) -> bool:
    columns = ("source", "confidence", "basis")
    return any("assumption" in str(row.get(c, "")).lower() for c in columns)


def _blank(value) -> bool:
    return not str(value).strip()


def _initiative_columns(row: pd.Series) -> list[str]:
    columns = ["effect_mean", "outcome_base_rate", "cost_per_participant_dkk"]
    if row["resource"] == "hours":
        columns.append("hours_per_participant")
    if not _blank(row["fade_half_life_years"]):
        columns.append("fade_half_life_years")
    return columns


def _name_value_required(name: str) -> set[tuple[str, str, str]]:
    table = read_table(name)
    return {(name, f"name={r['name']}", "value") for _, r in table.iterrows() if _is_assumption(r)}


def _initiative_required() -> set[tuple[str, str, str]]:
    table = read_table("initiative_types.csv")
    return {
        ("initiative_types.csv", f"area={r['area']}&kind={r['kind']}", c)
        for _, r in table.iterrows()
        for c in _initiative_columns(r)
    }


def _rows_required(
    name: str, key_columns: tuple[str, ...], columns: tuple[str, ...]
) -> set[tuple[str, str, str]]:
    """``(name, key, column)`` of the ``columns`` of every assumption row of ``name``."""
    table = read_table(name)
    return {
        (name, "&".join(f"{k}={str(r[k]).strip()}" for k in key_columns), c)
        for _, r in table.iterrows()
        if _is_assumption(r)
        for c in columns
        if not _blank(r[c])  # a blank cell holds no number
    }


def _parameters_required() -> set[tuple[str, str, str]]:
    """The registered uncertainties marked assumption (levers are choices, not uncertain)."""
    table = read_table("parameters.csv")
    return {
        ("parameters.csv", f"name={r['name']}", "default")
        for _, r in table.iterrows()
        if _is_assumption(r) and r["kind"] == "uncertainty"
    }


def _prevalence_required() -> set[tuple[str, str, str]]:
    """An assumption cell of need_prevalence.csv is drawn through its level's factor.

    The cells of one level are one age shape: drawing them one by one would draw jagged age
    profiles, not alternatives. The level of the whole curve is the uncertain number
    (``prevalence_factor`` in ``need_levels.csv``), except where the level is scaled to a
    reference caseload (``scale_to_reference = yes``): there the curve's level is the
    reference's and only its shape is used (``need_model`` in ``simulation/year/needs.py``),
    and the cells are exempt (:data:`EXEMPT`).
    """
    table = read_table("need_prevalence.csv")
    levels = read_table("need_levels.csv")
    scaled = {
        (str(r["area"]), str(r["level"]))
        for _, r in levels.iterrows()
        if str(r["scale_to_reference"]).strip() == "yes"
    }
    out = set()
    for _, r in table.iterrows():
        if not _is_assumption(r):
            continue
        level = (str(r["area"]), str(r["level"]))
        if level in scaled:
            key = f"area={r['area']}&level={r['level']}&sex={r['sex']}&age_low={r['age_low']}"
            out.add(("need_prevalence.csv", key, "prevalence"))
        else:
            out.add(("need_levels.csv", f"area={level[0]}&level={level[1]}", "prevalence_factor"))
    return out


def _need_levels_required() -> set[tuple[str, str, str]]:
    """Each level's remission, and the entry probability where a level has one."""
    return _rows_required("need_levels.csv", ("area", "level"), ("remission", "entry_probability"))


# data file -> (key columns, the uncertain columns of an assumption row)
RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "areas.csv": (("area",), ("target_dkk",)),
    "area_staff.csv": (("area", "payer"), ("staff_fte",)),
    "demography.csv": (("name",), ("value",)),
    "emigration_profile.csv": (("age_low", "age_high"), ("relative_rate",)),
    "fixed_costs.csv": (
        ("area",),
        ("fixed_share_low", "fixed_share_high", "municipality", "region", "state"),
    ),
    "integration_exits.csv": (("destination",), ("share",)),
    "internal_moves.csv": (("age_low", "age_high"), ("rate",)),
    "offending.csv": (("name",), ("value",)),
    "price_index.csv": (("year",), ("factor_to_2026",)),
    "service_use.csv": (("area", "level", "service"), ("quantity",)),
    "service_prices.csv": (("service", "payer"), ("price_dkk_2026",)),
    "spending.csv": (("area", "payer"), ("dkk_2026",)),
    "welfare_economics.csv": (("name",), ("value",)),
}

# data file -> the (file, key, column) triples that need a range
COVERAGE = {name: (lambda n=name: _name_value_required(n)) for name in NAME_VALUE_FILES}
COVERAGE["initiative_types.csv"] = _initiative_required
COVERAGE.update(
    {name: (lambda n=name, r=rule: _rows_required(n, *r)) for name, rule in RULES.items()}
)
COVERAGE["parameters.csv"] = _parameters_required
COVERAGE["need_prevalence.csv"] = _prevalence_required
COVERAGE["need_levels.csv"] = _need_levels_required
# the marginal shares below 1 in service_prices.csv are assumptions stated in the notes
COVERAGE["service_prices.csv"] = lambda: (
    _rows_required("service_prices.csv", *RULES["service_prices.csv"])
    | {
        ("service_prices.csv", f"service={r['service']}&payer={r['payer']}", "marginal_share")
        for _, r in read_table("service_prices.csv").iterrows()
        if float(r["marginal_share"]) < 1.0
    }
)

_SPENDING = (
    "computed, not measured: the reference caseloads times the assumed per-case amounts of"
    " service_prices.csv plus the fixed part; a drawn amount moves it (area_targets), so its"
    " uncertainty is the prices' (prices.*), and drawing it apart from them would be incoherent"
)
_AREA_TARGET = "the sum of the area's components in spending.csv (checked by area_targets)"
_CALIBRATED_SHAPE = (
    "the age shape of a level scaled to its reference caseload (scale_to_reference = yes):"
    " the level is the reference's, and the shape of one curve is structural"
)
_PRICE_INDEX = (
    "the assumed inflation after the last published month moves every 2026 price by under 1%,"
    " inside the price ranges drawn in uncertain_prices.csv; service_prices.csv's factors must"
    " equal the index's (service_prices), so it cannot be drawn alone"
)
_EMIGRATION = (
    "the age shape of emigration: its level is DST's emigrations_total (A, emigration_rates),"
    " and the alignment pins every municipality's residents by age group to FRKM126 in the"
    " published years, so a different shape is offset by the alignment's net migration"
)
_FIXED_BOUNDS = (
    "plausibility bounds on the computed fixed share (target minus the modelled demand),"
    " checked in tests/economy/test_prices_and_payers.py; not a model input"
)
_FIXED_PAYERS = (
    "who pays an area's fixed part: the statutory payer (1 or 0), and for mental health the"
    " split chosen so that the regional total matches regional psychiatry spending (spending.csv)"
)

# (file, key, column) -> why the number is not drawn
EXEMPT: dict[tuple[str, str, str], str] = {
    ("parameters.csv", "name=fixed_cost_adaptation", "default"): (
        "a structural switch (how far the fixed part follows the caseload, provision.py),"
        " explored in sweeps, not drawn (docs/uncertainty.md)"
    ),
    ("demography.csv", "name=continuation_window_start", "value"): (
        "a method of the projection (the window whose mean net immigration continues after"
        " 2040); the level of that immigration is drawn as demography.migration_scale"
    ),
    ("need_levels.csv", "area=integration&level=1", "entry_probability"): (
        "a fallback used only when a year has no documented entries (NeedModel.initial_levels);"
        " the run's entries follow demography.integration_entry_share, which is drawn"
    ),
    ("integration_exits.csv", "destination=no_need", "share"): (
        "1 - the cash-benefit share, drawn as needs.integration_exit_cash_benefit"
    ),
    ("spending.csv", "area=employment&payer=municipality", "dkk_2026"): _SPENDING,
    ("spending.csv", "area=integration&payer=municipality", "dkk_2026"): _SPENDING,
    ("areas.csv", "area=employment", "target_dkk"): _AREA_TARGET,
    ("areas.csv", "area=integration", "target_dkk"): _AREA_TARGET,
    ("welfare_economics.csv", "name=enterprise_production_counted", "value"): (
        "a switch of method (count enterprise job-years' production beside the exits or not,"
        " docs/economics.md), not drawn, like tax_distortion"
    ),
}
for _y in ("2013", "2025", "2026"):
    EXEMPT[("price_index.csv", f"year={_y}", "factor_to_2026")] = _PRICE_INDEX
for _lo, _hi in ((0, 17), (18, 19), (20, 29), (30, 39), (40, 64), (65, 110)):
    EXEMPT[("emigration_profile.csv", f"age_low={_lo}&age_high={_hi}", "relative_rate")] = (
        _EMIGRATION
    )
for _area in (
    "elderly_care",
    "health",
    "mental_health",
    "employment",
    "integration",
    "rehabilitation",
):
    EXEMPT[("fixed_costs.csv", f"area={_area}", "fixed_share_low")] = _FIXED_BOUNDS
    EXEMPT[("fixed_costs.csv", f"area={_area}", "fixed_share_high")] = _FIXED_BOUNDS
    for _payer in ("municipality", "region", "state"):
        EXEMPT[("fixed_costs.csv", f"area={_area}", _payer)] = _FIXED_PAYERS
for _triple in _prevalence_required():
    if _triple[0] == "need_prevalence.csv":
        EXEMPT[_triple] = _CALIBRATED_SHAPE


def _assumption_files() -> list[str]:
    """The data files (not ``uncertain_*``) with at least one row marked assumption."""
    out = []
    for path in sorted(DATA_DIR.glob("*.csv")):
        if path.name.startswith("uncertain_"):
            continue
        table = read_table(path.name)
        if any(_is_assumption(r) for _, r in table.iterrows()):
            out.append(path.name)
    return out


def uncertain_files() -> list[str]:
    return sorted(p.name for p in DATA_DIR.glob("uncertain_*.csv"))


def uncertain_rows() -> pd.DataFrame:
    frames = []
    for name in uncertain_files():
        table = read_table(name)
        assert tuple(table.columns) == COLUMNS, name
        frames.append(table.assign(_file=name))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(COLUMNS))


def select(table: pd.DataFrame, key: str) -> pd.DataFrame:
    for part in key.split("&"):
        column, value = part.split("=", 1)
        assert column in table.columns, key
        table = table[table[column].astype(str) == value]
    return table


def test_this_branch_files_exist():
    for group in ("effects", "noise", "lever_costs", "lifetimes"):
        assert f"uncertain_{group}.csv" in uncertain_files()


def test_names_are_unique_and_start_with_their_group():
    rows = uncertain_rows()
    assert not rows["name"].duplicated().any(), rows["name"][rows["name"].duplicated()].tolist()
    for _, r in rows.iterrows():
        group = r["_file"][len("uncertain_") : -len(".csv")]
        assert group in GROUPS, r["_file"]
        assert r["name"].startswith(group + "."), r["name"]


def test_every_range_is_well_formed_and_centred_on_the_file_value():
    rows = uncertain_rows()
    assert len(rows)
    for _, r in rows.iterrows():
        low, central, high = float(r["low"]), float(r["central"]), float(r["high"])
        assert r["shape"] in SHAPES, r["name"]
        assert low <= central <= high and low < high, r["name"]
        if r["shape"] == "lognormal":
            assert low > 0, r["name"]
        assert str(r["reasoning"]).strip() and str(r["source"]).strip(), r["name"]
        assert (DATA_DIR / r["file"]).exists(), r["name"]
        table = read_table(r["file"])
        found = select(table, r["key"])
        assert len(found) == 1, (r["name"], r["key"], len(found))
        assert r["column"] in table.columns, r["name"]
        value = float(str(found.iloc[0][r["column"]]))
        assert math.isclose(value, central, rel_tol=1e-12, abs_tol=1e-15), (r["name"], value)


@pytest.mark.parametrize("data_file", sorted(COVERAGE))
def test_every_assumption_has_a_range(data_file):
    rows = uncertain_rows()
    have = set(zip(rows["file"], rows["key"], rows["column"], strict=True))
    missing = sorted(COVERAGE[data_file]() - have - set(EXEMPT))
    assert not missing, missing


def test_every_data_file_with_assumptions_has_a_rule():
    assert set(_assumption_files()) <= set(COVERAGE), sorted(
        set(_assumption_files()) - set(COVERAGE)
    )


def test_exemptions_name_required_numbers_that_are_not_drawn():
    """An exemption is for a number a rule requires, and it is not also drawn."""
    required = set().union(*(rule() for rule in COVERAGE.values()))
    rows = uncertain_rows()
    have = set(zip(rows["file"], rows["key"], rows["column"], strict=True))
    assert set(EXEMPT) <= required, sorted(set(EXEMPT) - required)
    assert not set(EXEMPT) & have, sorted(set(EXEMPT) & have)
    assert all(reason.strip() for reason in EXEMPT.values())


def test_coverage_rule_sees_assumptions():
    """The rule is not vacuous: the files hold assumptions, and one without a range is found."""
    required = COVERAGE["strategy.csv"]()
    assert ("strategy.csv", "name=selection_noise_sd", "value") in required
    assert len(_initiative_required()) >= 4 * len(read_table("initiative_types.csv"))
    rows = uncertain_rows()
    have = set(zip(rows["file"], rows["key"], rows["column"], strict=True))
    have.discard(("strategy.csv", "name=selection_noise_sd", "value"))
    assert required - have == {("strategy.csv", "name=selection_noise_sd", "value")}


def test_a_missing_range_of_another_file_is_found():
    """The per-file rules are not vacuous: dropping a drawn number's row makes it missing."""
    rows = uncertain_rows()
    have = set(zip(rows["file"], rows["key"], rows["column"], strict=True))
    for data_file, triple in (
        (
            "service_use.csv",
            ("service_use.csv", "area=health&level=1&service=gp_contact", "quantity"),
        ),
        ("need_levels.csv", ("need_levels.csv", "area=health&level=1", "remission")),
        ("need_prevalence.csv", ("need_levels.csv", "area=health&level=1", "prevalence_factor")),
        ("internal_moves.csv", ("internal_moves.csv", "age_low=20&age_high=29", "rate")),
        ("parameters.csv", ("parameters.csv", "name=fertility", "default")),
    ):
        required = COVERAGE[data_file]()
        assert triple in required and triple in have, triple
        assert (required - (have - {triple}) - set(EXEMPT)) == {triple}, triple
