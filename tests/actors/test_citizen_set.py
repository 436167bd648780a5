"""The citizens' column store: base columns, defaults, person ids, renewal and queries."""

from __future__ import annotations

import mesa
import numpy as np
import pytest

from simulation.actors.citizens import BASE_COLUMNS, CitizenSet
from simulation.constants import AREAS


def citizens(n=4, model=None):
    return CitizenSet(
        model,
        {
            "pid": np.arange(n),
            "municipality": np.arange(n) % 2,
            "age": np.arange(n) * 10,
            "sex": np.arange(n) % 2,
            "born": 2025 - np.arange(n) * 10,
            "arrived": np.full(n, -1),
        },
        weight=2.5,
    )


def test_base_columns_get_their_dtypes_and_later_columns_their_defaults():
    c = citizens()
    assert {k: c.columns[k].dtype for k in BASE_COLUMNS} == {
        k: np.dtype(v) for k, v in BASE_COLUMNS.items()
    }
    need = c.add_column("need", np.int8, np.zeros(3, dtype=np.int8))
    c.add_column("released", np.int16, -9999)
    need[1] = [1, 2, 3]
    rows = c.append(
        municipality=np.array([1, 0]), age=np.array([0, 30]), sex=np.array([1, 0]),
        born=np.array([2026, 1996]), arrived=np.array([-1, 2026]),
    )  # fmt: skip
    assert rows.tolist() == [4, 5]
    assert c.pid.tolist() == [0, 1, 2, 3, 4, 5]  # new person ids are assigned
    assert c.released[4:].tolist() == [-9999, -9999] and c.need[4:].tolist() == [[0] * 3] * 2
    assert c.need.dtype == np.int8 and c.age.dtype == np.int16 and c.need[1].tolist() == [1, 2, 3]


def test_person_ids_are_never_reused():
    c = citizens()
    c.keep(np.array([True, True, True, False]))  # the highest pid leaves
    c.renew(np.array([False, True, True]), age=np.array([0]))
    assert c.pid.tolist() == [1, 2, 4]
    assert c.age.tolist() == [10, 20, 0]
    assert c.citizen(3) is None and c.citizen(4)["age"] == 0


def test_renew_replaces_every_column_and_keeps_the_order():
    c = citizens()
    c.add_column("need", np.int8, np.zeros(2, dtype=np.int8))
    c.need[:] = np.arange(8).reshape(4, 2)
    before = dict(c.columns)
    c.renew(np.array([True, False, True, True]), age=np.array([5, 6]))
    assert all(c.columns[k] is not before[k] for k in before)
    assert c.need.tolist() == [[0, 1], [4, 5], [6, 7], [0, 0], [0, 0]]
    assert c.need.flags.c_contiguous and c.age.flags.c_contiguous


def test_queries_count_residents_with_the_weight():
    c = citizens()
    assert c.select(lambda s: s.age >= 20).tolist() == [2, 3]
    assert c.count() == 10.0 and c.count(c.sex == 1) == 5.0
    assert c.agg("age", np.max, c.municipality == 0) == 20
    assert c.groupby_count("municipality", 3).tolist() == [5.0, 5.0, 0.0]
    assert c.citizen(2) == {
        "pid": 2, "municipality": 0, "age": 20, "sex": 0, "born": 2005, "arrived": -1,
    }  # fmt: skip


def test_copy_belongs_to_its_model_and_has_columns_of_its_own():
    c = citizens()
    model = mesa.Model(rng=1)
    other = c.copy(model)
    other.age[0] = 99
    assert other.model is model and c.age[0] == 0 and other.weight == 2.5
    assert other.append(age=np.array([1])).tolist() == [4] and other.pid[-1] == 4


def test_missing_base_columns_are_refused():
    with pytest.raises(KeyError, match="arrived"):
        CitizenSet(None, {k: np.zeros(2) for k in BASE_COLUMNS if k != "arrived"}, 1.0)


def test_a_citizen_agent_follows_its_row_until_it_leaves():
    model = mesa.Model(rng=1)
    c = citizens(model=model)
    c.add_column("need", np.int8, np.zeros(len(AREAS), dtype=np.int8))
    c.need[3, 1] = 2
    third, fourth = c.agent(2), c.agent(3)
    assert c.agent(2) is third and c.agent(99) is None
    assert (fourth.pid, fourth.age, fourth.municipality) == (3, 30, 1)
    c.keep(np.array([True, True, False, True]))  # the third citizen leaves
    c.renew(np.array([False, True, True]), age=np.array([0]))
    assert (third.row, fourth.row) == (-1, 1)
    assert fourth.pid == 3 and fourth.age == 30 and fourth.need[AREAS[1]] == 2
    with pytest.raises(LookupError):
        _ = third.age
