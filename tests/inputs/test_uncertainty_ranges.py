"""Every assumption in the data files has a range in an ``uncertain_*.csv`` file, and every range
is well formed.

Each ``simulation/inputs/data/uncertain_<group>.csv`` row names one number: ``file`` (a data file
of that folder, or ``parameters.csv`` for a registered scenario uncertainty, column ``default``),
``key`` (``column=value`` pairs joined by ``&`` that select exactly one row) and ``column``. Every
row is checked whoever wrote it: the name is unique over all files and starts with its file's
group, ``central`` equals the file's value, ``low <= central <= high``, the shape is known.

Coverage (which numbers must have a range) is decided per data file in :data:`COVERAGE`:

* name/value files (one number per row, in ``value``): every row whose ``source`` or
  ``confidence`` says ``assumption`` needs a range for ``value``;
* ``initiative_types.csv`` (several numbers per row): every kind needs ranges for its effect size
  (``effect_mean``, whatever its source: published effect sizes are uncertain too; the spread of
  its initiatives' true effects is ``heterogeneity_cv`` in ``strategy.csv``), its outcome base
  rate (``outcome_base_rate``, it sets the evaluation noise) and its cost per participant
  (``cost_per_participant_dkk``, an assumption in every row); hour-based kinds also
  ``hours_per_participant``, and kinds whose gain fades ``fade_half_life_years``.
  ``target_level``, the ages and the lead types define the kind and have no range.

To cover another data file after a merge, add it to :data:`COVERAGE` with its rule: a name/value
file needs only its name in :data:`NAME_VALUE_FILES`.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from simulation.inputs.data import DATA_DIR, read_table

COLUMNS = [
    "name",
    "file",
    "key",
    "column",
    "central",
    "low",
    "high",
    "shape",
    "source",
    "confidence",
    "reasoning",
]
GROUPS = (
    "effects",
    "prices",
    "lever_costs",
    "noise",
    "lifetimes",
    "demography",
    "trends",
    "economics",
)
SHAPES = ("uniform", "triangular", "normal", "lognormal")
NAME_VALUE_FILES = ("strategy.csv", "volunteering.csv", "actors.csv")


def _is_assumption(row: pd.Series) -> bool:
    return any("assumption" in str(row.get(c, "")).lower() for c in ("source", "confidence"))


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


# data file -> the (file, key, column) triples that need a range
COVERAGE = {name: (lambda n=name: _name_value_required(n)) for name in NAME_VALUE_FILES}
COVERAGE["initiative_types.csv"] = _initiative_required


def uncertain_files() -> list[str]:
    return sorted(p.name for p in DATA_DIR.glob("uncertain_*.csv"))


def uncertain_rows() -> pd.DataFrame:
    frames = []
    for name in uncertain_files():
        table = read_table(name)
        assert list(table.columns) == COLUMNS, name
        frames.append(table.assign(_file=name))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


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
    missing = sorted(COVERAGE[data_file]() - have)
    assert not missing, missing


def test_coverage_rule_sees_assumptions():
    """The rule is not vacuous: the files hold assumptions, and one without a range is found."""
    required = COVERAGE["strategy.csv"]()
    assert ("strategy.csv", "name=selection_noise_sd", "value") in required
    assert len(_initiative_required()) >= 4 * len(read_table("initiative_types.csv"))
    rows = uncertain_rows()
    have = set(zip(rows["file"], rows["key"], rows["column"], strict=True))
    have.discard(("strategy.csv", "name=selection_noise_sd", "value"))
    assert required - have == {("strategy.csv", "name=selection_noise_sd", "value")}
