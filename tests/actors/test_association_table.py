"""The associations' column store, its Mesa view, and the online communities."""

from __future__ import annotations

from types import SimpleNamespace

import mesa
import numpy as np

from simulation.actors.associations import Association, AssociationTable, OnlineCommunity
from simulation.constants import AREAS


def test_columns_and_the_view():
    areas = np.zeros((3, len(AREAS)), dtype=bool)
    areas[0, [0, 2]] = True
    areas[1, 1] = areas[2, 4] = True
    table = AssociationTable(np.array([4, 4, 9]), areas)
    assert len(table) == 3 and table.areas.shape == (3, len(AREAS))
    assert table.municipality.dtype == np.int64 and table.areas.dtype == np.bool_

    model = mesa.Model(rng=1)
    model.citizens = SimpleNamespace(vol_org=np.array([0, 2, -1, 0, 0]))
    model.strategy = SimpleNamespace(led_by=lambda kind, row: [(kind, row)])
    first = table.view(model, 0)
    assert isinstance(first, Association) and first is table.view(model, 0)
    assert first.municipality == 4 and first.areas == (AREAS[0], AREAS[2])
    assert first.volunteers == 3 and table.view(model, 2).volunteers == 1
    assert first.initiatives == [("association", 0)]
    assert table.view(model, 2).areas == (AREAS[4],)


def test_online_communities_are_plain_agents():
    model = mesa.Model(rng=1)
    model.strategy = SimpleNamespace(led_by=lambda kind, row: [])
    online = OnlineCommunity(model, 100.0, 2000.0, ("health",), 0)
    assert online.kind == "online" and online.municipality == -1 and online.contracts == 0
