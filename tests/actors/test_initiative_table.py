"""The initiatives' column store and its Mesa view."""

from __future__ import annotations

from types import SimpleNamespace

import mesa
import numpy as np

from simulation.actors.initiatives import PILOT, RUNNING, Initiative, InitiativeTable
from simulation.constants import AREAS


def test_columns_keep_their_dtypes_while_the_table_grows():
    table = InitiativeTable(capacity=1)
    for k in (1, 2, 3):
        table.append(area=np.full(k, k), stage=np.full(k, RUNNING))
    assert len(table) == 6
    assert table.stage.dtype == np.int8 and table.area.dtype == np.int64
    assert table.lead.tolist() == [-1] * 6 and np.isnan(table.measured_effect).all()


def test_the_view_reads_and_writes_its_row():
    model = mesa.Model(rng=1)
    table = InitiativeTable(capacity=2)
    table.append(area=np.array([0, 1]), funded=np.array([0, 1]), true_effect=np.array([0.1, 0.2]))
    agent = table.view(model, 1)
    assert isinstance(agent, Initiative) and agent.initiative_id == 1
    table.append(area=np.array([2, 3, 4]))  # the buffers grow; the view still reads row 1
    assert agent.area == AREAS[1] and agent.funded == "contract" and agent.true_effect == 0.2
    assert agent.stage == "pilot" and agent.is_active and agent.stopped_year is None
    assert agent.measured_effect is None
    table.measured_effect[1] = 0.05
    assert agent.measured_effect == 0.05
    agent.stop(2031, "ended")
    assert table.stage.tolist()[:2] == [PILOT, 4] and agent.stopped_year == 2031
    assert agent.stop_reason == "ended" and not agent.is_active


def test_the_lead_is_found_through_the_civil_society():
    model = mesa.Model(rng=1)
    model.civil_society = SimpleNamespace(actor=lambda lead_type, row: (lead_type, row))
    table = InitiativeTable()
    table.append(lead_type=np.array([1]), lead=np.array([7]))
    assert table.view(model, 0).lead[1] == 7
