"""The column-store base: append, keep, select, copy, dtypes and row views for Mesa agents."""

from __future__ import annotations

from typing import ClassVar

import mesa
import numpy as np
import pytest

from simulation.actors.columns import ColumnStore, RowAgent, column


class Thing(RowAgent):
    """A test agent: a view of one row of :class:`Things`."""

    size = column("size", writable=True)
    colour = column("colour", ("red", "green", "blue").__getitem__)
    flags = column("flags")


class Things(ColumnStore):
    COLUMNS: ClassVar = {
        "size": (np.float32, 1.5),
        "colour": (np.int8, 2),
        "flags": (np.bool_, np.array([True, False])),
    }
    NOUN = "thing"
    view_class = Thing


class GrowingThings(Things):
    GROWS_IN_PLACE = True


BOTH = pytest.mark.parametrize("store_class", [Things, GrowingThings])


def make(store_class, n=5):
    return store_class(
        {
            "size": np.arange(n, dtype=np.float64),
            "colour": np.arange(n) % 3,
            "flags": np.stack([np.arange(n) % 2 == 0, np.ones(n, bool)], axis=1),
        }
    )


@BOTH
def test_columns_keep_their_declared_dtypes(store_class):
    store = make(store_class)
    assert store.size.dtype == np.float32 and store.colour.dtype == np.int8
    assert store.flags.dtype == np.bool_ and store.flags.shape == (5, 2)
    store.append(size=np.array([7.0, 8.0]))
    store.keep(np.arange(len(store)) != 1)
    assert store.size.dtype == np.float32 and store.colour.dtype == np.int8
    assert store.flags.dtype == np.bool_ and store.flags.shape == (6, 2)
    assert store.size is store.columns["size"]


@BOTH
def test_append_fills_columns_not_given(store_class):
    store = make(store_class, 2)
    rows = store.append(size=np.array([9.0, 10.0, 11.0]))
    assert rows.tolist() == [2, 3, 4] and len(store) == 5
    assert store.size.tolist() == [0.0, 1.0, 9.0, 10.0, 11.0]
    assert store.colour.tolist() == [0, 1, 2, 2, 2]
    assert store.flags[2:].tolist() == [[True, False]] * 3
    assert store.append().tolist() == [] and len(store) == 5
    with pytest.raises(KeyError, match="unknown thing columns"):
        store.append(weight=np.array([1]))


def test_an_empty_store_grows_by_doubling_and_rows_never_move():
    store = GrowingThings(capacity=2)
    assert len(store) == 0 and store.size.shape == (0,) and store.flags.shape == (0, 2)
    for k in range(1, 5):
        store.append(size=np.full(k, float(k)))
    assert len(store) == 10
    assert store.size.tolist() == [1, 2, 2, 3, 3, 3, 4, 4, 4, 4]
    assert store.colour.tolist() == [2] * 10  # the fill value, also in grown buffers
    assert len(store._buffers["size"]) == 16  # 2 -> 4 -> 8 -> 16
    store.size[0] = 5.0  # the columns are views of the buffers: writes stay
    store.append(size=np.array([6.0]))
    assert store.size[0] == 5.0


@BOTH
def test_keep_and_renew_keep_the_order_and_replace_every_column(store_class):
    store = make(store_class)
    before = dict(store.columns)
    rows = store.renew(np.array([True, False, True, False, True]), size=np.array([9.0]))
    assert rows.tolist() == [3]
    assert store.size.tolist() == [0.0, 2.0, 4.0, 9.0]
    assert store.colour.tolist() == [0, 2, 1, 2]
    assert store.flags.tolist() == [[True, True], [True, True], [True, True], [True, False]]
    assert all(store.columns[k] is not before[k] for k in before)
    store.keep(np.ones(len(store), dtype=bool))  # nothing removed: still new arrays
    assert all(store.columns[k] is not before[k] for k in before)


@BOTH
def test_select_and_row(store_class):
    store = make(store_class)
    assert store.select(store.colour == 1).tolist() == [1, 4]
    assert store.select(lambda s: s.size > 2.5).tolist() == [3, 4]
    assert store.row(2) == {"size": 2.0, "colour": 2, "flags": [True, True]}
    assert type(store.row(2)["colour"]) is int


@BOTH
def test_copy_has_columns_of_its_own(store_class):
    store = make(store_class)
    other = store.copy()
    other.size[0] = 99.0
    other.append(size=np.array([1.0]))
    assert store.size[0] == 0.0 and len(store) == 5 and len(other) == 6
    assert type(other) is store_class


def test_unequal_columns_are_refused():
    with pytest.raises(ValueError, match="same length"):
        Things({"size": np.zeros(3), "colour": np.zeros(2)})


def test_add_column_fills_existing_and_new_rows():
    for store_class in (Things, GrowingThings):
        store = make(store_class, 3)
        need = store.add_column("need", np.int8, np.array([1, 2, 3]))
        assert need.shape == (3, 3) and need.dtype == np.int8
        store.append(size=np.array([1.0]))
        assert store.need[3].tolist() == [1, 2, 3]


@BOTH
def test_views_read_and_write_their_row_after_rows_were_removed(store_class):
    model = mesa.Model(rng=1)
    store = make(store_class)
    third, fifth, second = (store.view(model, r) for r in (2, 4, 1))
    assert isinstance(third, Thing) and store.view(model, 2) is third  # one agent per row
    assert third.size == 2.0 and third.colour == "blue" and third.flags == [True, True]
    store.keep(np.array([True, False, True, False, True]))  # rows 1 and 3 removed
    assert (third.row, fifth.row, second.row) == (1, 2, -1)
    assert third.size == 2.0 and fifth.size == 4.0
    third.size = 20.0
    assert store.size.tolist() == [0.0, 20.0, 4.0]
    assert store.view(model, 1) is third and store.view(model, 2) is fifth
    with pytest.raises(LookupError, match="thing row was removed"):
        _ = second.size
    with pytest.raises(AttributeError):
        third.colour = "red"  # not writable
    store.renew(np.array([False, True, True]), size=np.array([1.0]))
    assert (third.row, fifth.row) == (0, 1)
    assert store.view(model, 2).size == 1.0  # a new agent for the new row


def test_a_store_without_a_view_class_has_no_views():
    class Plain(ColumnStore):
        COLUMNS: ClassVar = {"x": (np.int64, 0)}

    with pytest.raises(TypeError, match="no view class"):
        Plain({"x": [1]}).view(mesa.Model(rng=1), 0)
