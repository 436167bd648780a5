"""The enterprises' column store, its yearly life and its Mesa view."""

from __future__ import annotations

from types import SimpleNamespace

import mesa
import numpy as np

from simulation.actors.enterprises import Enterprise, EnterpriseTable


def table():
    return EnterpriseTable(np.array([0, 1, 0]), np.array([5, 5, 6]), np.array([10.0, 2.0, 4.0]))


def test_columns_and_dtypes():
    t = table()
    assert len(t) == 3 and t.open.all()
    assert (t.kind.dtype, t.municipality.dtype, t.jobs.dtype, t.open.dtype) == (
        np.int64, np.int64, np.float64, np.bool_,
    )  # fmt: skip
    assert t.kind_name(1) == "firm"
    t.append(kind=np.array([1]), municipality=np.array([7]), jobs=np.array([3]))
    assert t.open.tolist() == [True] * 4 and t.jobs.dtype == np.float64


def test_closed_enterprises_keep_their_rows_and_are_replaced():
    t = table()
    closed = t.live(
        np.array([1, 0, 0]), 1.0, 0.5, np.array([8.0, 1.0]), np.random.default_rng(1), 0.5
    )
    # without contracts everything closes; with one, the chance is halved
    assert set(closed.tolist()) >= {1, 2}
    n_closed = len(closed)
    assert len(t) == 3 + n_closed and not t.open[closed].any() and t.open[3:].all()
    assert t.kind[3:].tolist() == t.kind[closed].tolist()
    assert t.municipality[3:].tolist() == t.municipality[closed].tolist()
    assert t.jobs[3:].tolist() == [8.0 if k == 0 else 1.0 for k in t.kind[closed]]
    assert t.jobs[0] == 15.0  # grew with its contract


def test_the_view_follows_its_row():
    model = mesa.Model(rng=1)
    model.strategy = SimpleNamespace(
        jobs_free=lambda: np.array([1.0, 2.0, 3.0]), led_by=lambda kind, row: [(kind, row)]
    )
    t = table()
    agent = t.view(model, 1)
    assert isinstance(agent, Enterprise) and agent is t.view(model, 1)
    assert (agent.kind, agent.municipality, agent.jobs, agent.open) == ("firm", 5, 2.0, True)
    assert type(agent.municipality) is int and type(agent.open) is bool
    t.open[1] = False
    t.append(kind=np.array([0] * 5), municipality=np.zeros(5), jobs=np.zeros(5))  # grows
    assert agent.open is False and agent.jobs_free() == 2.0
    assert agent.initiatives == [("firm", 1)]
