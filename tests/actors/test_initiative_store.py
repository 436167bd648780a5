"""The column stores behind initiatives and enterprises, and the reach built on them."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.actors.initiatives import PILOT, RUNNING, InitiativeTable
from simulation.constants import AREAS
from simulation.inputs.initiative_kinds import kind_arrays, load_kinds
from simulation.year.strategy import Strategy


def test_table_grows_keeps_rows_and_stops():
    table = InitiativeTable(capacity=2)
    first = table.append(kind=np.array([1, 2]), true_effect=np.array([0.1, -0.2]))
    second = table.append(kind=np.array([3, 4, 5]), stage=np.full(3, RUNNING, dtype=np.int8))
    assert first.tolist() == [0, 1] and second.tolist() == [2, 3, 4]
    assert table.kind.tolist() == [1, 2, 3, 4, 5]
    assert table.true_effect[:2].tolist() == [0.1, -0.2]
    assert np.isnan(table.measured_effect).all()  # fill value: never evaluated
    assert table.stage.tolist() == [PILOT, PILOT, RUNNING, RUNNING, RUNNING]
    table.jobs[3] = 8.0
    table.stop(np.array([1, 3]), 2030, "ended")
    assert table.active().tolist() == [True, False, True, False, True]
    assert table.jobs[3] == 0.0 and table.stopped_year[3] == 2030
    with pytest.raises(KeyError, match="unknown initiative columns"):
        table.append(colour=np.array([1]))


def test_jobs_are_shared_out_in_turn_like_a_loop():
    rng = np.random.default_rng(3)
    lead = rng.integers(0, 5, 40)
    wanted = rng.uniform(0, 10, 40)
    free = rng.uniform(0, 30, 5)
    left = free.copy()
    expected = []
    for lead_i, want in zip(lead, wanted, strict=True):  # the rule, one request at a time
        got = min(want, left[lead_i])
        left[lead_i] -= got
        expected.append(got)
    np.testing.assert_allclose(Strategy._share_out(lead, wanted, free), expected)


def test_kind_arrays_match_the_kinds_file():
    k = kind_arrays()
    specs = [spec for area in AREAS for spec in load_kinds()[area]]
    assert list(k.specs) == specs
    for i, spec in enumerate(specs):
        assert AREAS[k.area[i]] == spec.area
        assert k.benefit(np.array([i]), np.array([0.3]))[0] == spec.benefit(0.3)


def test_no_citizen_gets_more_than_a_whole_dose_in_an_area(strategic_run):
    reach = strategic_run.strategy.reach
    assert sum(len(r.pids) for r in reach.values()) > 0
    for area, record in reach.items():
        if not len(record.pair_pid):
            continue
        _, inverse = np.unique(record.pair_pid, return_inverse=True)
        total = np.bincount(inverse, weights=record.pair_dose)
        assert total.max() <= 1.0 + 1e-9, area


def test_reach_record_names_initiatives_of_the_area_that_are_active(strategic_run):
    strategy = strategic_run.strategy
    table = strategy.table
    for j, area in enumerate(AREAS):
        ids = strategy.reach[area].pair_initiative
        assert (table.area[ids] == j).all()
        assert table.active()[ids].all()


def test_initiative_agents_are_views_of_their_rows(strategic_run):
    strategy = strategic_run.strategy
    running = strategy.initiatives
    assert running and all(i.is_active for i in running)
    ini = running[0]
    row = ini.initiative_id
    assert ini is strategy.view(row)  # one agent per initiative
    assert ini.true_effect == strategy.table.true_effect[row]
    assert ini.area == AREAS[strategy.table.area[row]]
    assert ini in ini.lead.initiatives if ini.lead_type != "volunteer" else True
    assert len(strategy.created) == len(strategy.table)


def test_enterprises_close_and_are_replaced(strategic_run):
    """Each closure founds one enterprise of the same kind in the same municipality, so the
    open enterprises by municipality and kind stay as they were at the start."""
    table = strategic_run.civil_society.enterprises
    closed = ~table.open
    assert closed.any()
    initial = len(table) - int(closed.sum())  # every closure appended one row
    key = table.municipality * 2 + table.kind
    size = int(key.max()) + 1
    at_start = np.bincount(key[:initial], minlength=size)
    np.testing.assert_array_equal(np.bincount(key[table.open], minlength=size), at_start)
    assert not table.open[:initial].all()


def test_associations_are_views_that_organise_social_volunteers(strategic_run):
    cs = strategic_run.civil_society
    c = strategic_run.citizens
    org = c.vol_org
    assert (org[c.volunteer != 2] == -1).all()  # only social volunteers are organised
    organised = org[org >= 0]
    assert len(organised) and organised.max() < len(cs.association_table)
    agents = cs.associations
    assert sum(a.volunteers for a in agents) == len(organised)
    first = agents[int(organised[0])]
    assert first is cs.actor("association", int(organised[0]))
    assert first.areas and set(first.areas) <= set(AREAS)
    assert first.municipality == cs.association_table.municipality[first.row]
