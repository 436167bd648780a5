"""Tests of the sweep engine: sweep files, designs, runner, store, backends and sensitivity."""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulation.experiments import store
from simulation.experiments.runner import plan_runs, run_sweep, run_sweep_file
from simulation.experiments.samplers import Design, build_design
from simulation.experiments.sensitivity import analyse
from simulation.experiments.sweep_errors import SensitivityError, SweepError, SweepFileError
from simulation.experiments.sweepfile import load_sweep
from simulation.experiments.testfunctions import (
    ishigami,
    ishigami_crashing,
    ishigami_failing,
    ishigami_indices,
    ishigami_registry,
)
from tests.conftest import sigint_as_at_a_terminal

ROOT = Path(__file__).resolve().parents[2]
TIMING = ["wall_time", "host", "pid", "finished_at"]
CLI = [sys.executable, "-m", "simulation.cli.sweep_runner"]
TESTFN = "simulation.experiments.testfunctions"


def registry():
    """Ishigami inputs plus one parameter of each other type and the run settings."""
    reg = dict(ishigami_registry())
    x = reg["x1"]
    reg["n"] = dataclasses.replace(x, name="n", type="int", low=0.0, high=10.0, default=0)
    reg["flag"] = dataclasses.replace(
        x, name="flag", type="bool", low=None, high=None, default=False
    )
    reg["role"] = dataclasses.replace(
        x,
        name="role",
        type="choice",
        low=None,
        high=None,
        choices=("driver", "enabler"),
        default="driver",
    )
    reg["scale"] = dataclasses.replace(
        x, name="scale", kind="setting", low=0.0001, high=1.0, default=0.01
    )
    return reg


def sweep_file(tmp_path: Path, text: str, name: str = "sweep.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


RANGES = """
[parameters]
x1 = { low = -3.141592653589793, high = 3.141592653589793 }
x2 = { low = -3.141592653589793, high = 3.141592653589793 }
x3 = { low = -3.141592653589793, high = 3.141592653589793 }
"""


def outcome_table(out: Path) -> pd.DataFrame:
    return store.collect(out).drop(columns=TIMING).sort_values("key").reset_index(drop=True)


# --- (a) Sobol pipeline on Ishigami --------------------------------------------------------------


def test_sobol_pipeline_reproduces_ishigami_indices(tmp_path):
    path = sweep_file(
        tmp_path,
        'sampler = "sobol"\nsamples = 1024\nsecond_order = true\nseed = 3\nscale = 1.0\n' + RANGES,
    )
    result = run_sweep_file(
        ishigami, path, tmp_path / "out", registry=ishigami_registry, progress=False
    )
    assert result.status == "complete" and result.failed == 0
    assert result.planned == 1024 * (2 * 3 + 2)
    manifest = store.read_manifest(tmp_path / "out")
    assert manifest["second_order"] is True and manifest["design"]["second_order"] is True

    tables = analyse(tmp_path / "out", outcomes=["y"], figures=True)
    exact = ishigami_indices()
    sobol = tables["sobol"].set_index("parameter")
    for j, name in enumerate(["x1", "x2", "x3"]):
        row = sobol.loc[name]
        assert abs(row["S1"] - exact["S1"][j]) <= row["S1_conf"], (name, row.to_dict())
        assert abs(row["ST"] - exact["ST"][j]) <= row["ST_conf"], (name, row.to_dict())
    s2 = tables["sobol_s2"].set_index(["parameter", "other"])
    assert abs(s2.loc[("x1", "x3"), "S2"] - exact["S13"]) <= s2.loc[("x1", "x3"), "S2_conf"]
    for name in ("sensitivity_sobol.csv", "sensitivity_sobol_s2.csv", "summary.csv"):
        assert (tmp_path / "out" / name).is_file()
    assert (tmp_path / "out" / "figures" / "sobol_y.png").is_file()
    assert (tmp_path / "out" / "figures" / "sobol_y.svg").is_file()


@pytest.mark.parametrize("second_order, rows", [(True, 8 * 16), (False, 5 * 16)])
def test_sobol_design_size_follows_second_order_flag(tmp_path, second_order, rows):
    text = f'sampler = "sobol"\nsamples = 16\nsecond_order = {str(second_order).lower()}\n' + RANGES
    design = build_design(load_sweep(sweep_file(tmp_path, text), registry=ishigami_registry))
    assert len(design) == rows
    assert design.second_order is second_order


# --- (b) identical outcomes whatever the backend -------------------------------------------------

LHS = 'sampler = "lhs"\nsamples = 40\nreplicates = 2\nseed = 11\nscale = 0.5\n' + RANGES


def test_identical_outcomes_with_1_and_2_workers_and_dask(tmp_path):
    path = sweep_file(tmp_path, LHS)
    kw = {"registry": ishigami_registry, "progress": False}
    run_sweep_file(ishigami, path, tmp_path / "w1", workers=1, **kw)
    run_sweep_file(ishigami, path, tmp_path / "w2", workers=2, **kw)
    one, two = outcome_table(tmp_path / "w1"), outcome_table(tmp_path / "w2")
    assert len(one) == 80
    pd.testing.assert_frame_equal(one, two)
    assert store.read_manifest(tmp_path / "w2")["backend"]["start_method"] in (
        "forkserver",
        "spawn",
    )

    # Common random numbers: replicate r has seed 11 + r in every parameter set.
    assert sorted(one["seed"].unique()) == [11, 12]
    assert one.groupby("replicate")["noise"].nunique().eq(1).all()

    pytest.importorskip("distributed")
    run_sweep_file(ishigami, path, tmp_path / "dask", dask_local=2, **kw)
    pd.testing.assert_frame_equal(one, outcome_table(tmp_path / "dask"))
    assert store.read_manifest(tmp_path / "dask")["backend"]["name"] == "dask"


# --- (c) kill -9 halfway, resume: every run exactly once -----------------------------------------


def _slow_sweep(path: Path, out: Path, *options: str) -> list[str]:
    """The sweep command line for the slow Ishigami function on two workers."""
    cmd = [*CLI, str(path), "--out", str(out), "--function", f"{TESTFN}:ishigami_slow"]
    return [*cmd, "--registry", f"{TESTFN}:ishigami_registry", "--workers", "2", *options]


def _wait_for_files(folder: Path, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(list(folder.glob("part-*.parquet"))) >= count:
            return
        time.sleep(0.02)
    raise AssertionError(f"fewer than {count} run files in {folder} after {timeout} s")


def _stop_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def test_sweep_killed_with_sigkill_resumes_with_every_run_once(tmp_path):
    path = sweep_file(
        tmp_path, 'sampler = "lhs"\nsamples = 40\nreplicates = 2\nseed = 2\n' + RANGES
    )
    out = tmp_path / "out"
    cmd = _slow_sweep(path, out, "--batch-size", "1", "--no-progress")
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True)
    try:
        _wait_for_files(out / "runs", 8)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        _stop_group(proc)
    assert proc.returncode == -signal.SIGKILL
    assert store.read_manifest(out)["status"] == "running"
    done_before = len(store.completed_keys(out))
    assert 8 <= done_before < 80
    (out / "runs" / ".tmp-half-written.parquet").write_bytes(b"PAR1 not a whole file")

    result = run_sweep_file(
        ishigami, path, out, registry=ishigami_registry, workers=2, progress=False
    )
    assert result.status == "complete"
    assert result.ran == 80 - done_before
    assert not list((out / "runs").glob(".tmp-*"))

    raw = pd.concat([pd.read_parquet(p) for p in store.run_files(out)], ignore_index=True)
    plan = store.read_frame(out / store.PLAN)
    assert len(raw) == len(plan) == 80
    assert raw["key"].is_unique and set(raw["key"]) == set(plan["key"])
    table = store.collect(out)
    expected = [ishigami(r.x1, r.x2, r.x3)["y"] for r in table.itertuples()]
    np.testing.assert_array_equal(table["y"].to_numpy(), expected)
    assert store.read_manifest(out)["counts"] == {
        "planned": 80,
        "distinct": 80,
        "done": 80,
        "ok": 80,
        "failed": 0,
    }


def test_ctrl_c_stops_cleanly_and_marks_the_sweep_interrupted(tmp_path):
    path = sweep_file(tmp_path, 'sampler = "lhs"\nsamples = 40\nreplicates = 2\n' + RANGES)
    out = tmp_path / "out"
    # one run per batch: at most four runs are in flight when Ctrl-C comes, most are still queued
    cmd = _slow_sweep(path, out, "--batch-size", "1", "--no-progress")
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        start_new_session=True,
        stderr=subprocess.PIPE,
        preexec_fn=sigint_as_at_a_terminal,
    )
    try:
        _wait_for_files(out / "runs", 2)
        os.killpg(proc.pid, signal.SIGINT)
        proc.communicate(timeout=30)
    finally:
        _stop_group(proc)
    assert proc.returncode == 130
    manifest = store.read_manifest(out)
    assert manifest["status"] == "interrupted"
    assert 0 < manifest["counts"]["done"] < 80
    assert manifest["counts"]["done"] == len(store.completed_keys(out))
    result = run_sweep_file(ishigami, path, out, registry=ishigami_registry, progress=False)
    assert result.status == "complete" and len(store.collect(out)) == 80


# --- (d) failing runs are recorded, the rest is analysed -----------------------------------------


def test_failing_runs_are_recorded_and_morris_analyses_the_rest(tmp_path):
    text = 'sampler = "morris"\nsamples = 40\nreplicates = 2\nseed = 4\n' + RANGES
    path = sweep_file(tmp_path, text)
    out = tmp_path / "out"
    result = run_sweep_file(ishigami_failing, path, out, registry=ishigami_registry, progress=False)
    assert result.status == "complete"
    table = store.collect(out)
    failing = table["x1"] > 2
    assert result.failed == int(failing.sum()) > 0
    assert (table.loc[failing, "run_ok"] == 0).all() and (table.loc[~failing, "run_ok"] == 1).all()
    assert table.loc[failing, "error"].str.contains("ValueError: x1 = .* is above 2").all()
    assert table.loc[failing, "y"].isna().all()
    assert (table.loc[~failing, "error"] == "").all()

    with pytest.warns(UserWarning, match="trajectories hold failed"):
        tables = analyse(out, outcomes=["y"], figures=False)
    morris = tables["morris"]
    assert set(morris["parameter"]) == {"x1", "x2", "x3"}
    assert morris["dropped"].iloc[0] > 0 and morris["trajectories"].iloc[0] > 1
    assert np.isfinite(morris["mu_star"]).all()
    summary = tables["summary"]
    assert summary.loc[summary["x1"] > 2, "n_failed"].eq(2).all()

    with pytest.raises(SensitivityError, match="failed runs in the sweep.*refused"):
        analyse(out, outcomes=["y"], figures=False, drop_failed=False)


def test_sobol_drops_base_samples_with_failed_runs(tmp_path):
    text = 'sampler = "sobol"\nsamples = 64\nseed = 6\n' + RANGES
    out = tmp_path / "out"
    path = sweep_file(tmp_path, text)
    result = run_sweep_file(ishigami_failing, path, out, registry=ishigami_registry, progress=False)
    assert result.failed > 0
    with pytest.warns(UserWarning, match="base samples hold failed"):
        tables = analyse(out, outcomes=["y"], figures=False)
    sobol = tables["sobol"]
    assert (sobol["samples"] + sobol["dropped"] == 64).all() and (sobol["dropped"] > 0).all()
    assert np.isfinite(sobol[["S1", "ST", "S1_conf", "ST_conf"]]).all().all()


def test_failing_runs_on_a_grid_give_a_summary(tmp_path):
    text = """sampler = "grid"
[parameters]
x1 = { values = [0, 1, 3] }
x2 = { low = 0, high = 1, levels = 2 }
"""
    out = tmp_path / "out"
    run_sweep_file(
        ishigami_failing,
        sweep_file(tmp_path, text),
        out,
        registry=ishigami_registry,
        progress=False,
    )
    tables = analyse(out, figures=False)
    y = tables["summary"][tables["summary"]["outcome"] == "y"]
    assert len(y) == 6
    assert y.loc[y["x1"] == 3, "n_ok"].eq(0).all() and y.loc[y["x1"] == 3, "mean"].isna().all()
    assert y.loc[y["x1"] < 3, "n_ok"].eq(1).all()


def test_a_run_that_kills_its_worker_is_isolated_and_recorded(tmp_path):
    text = 'sampler = "lhs"\nsamples = 24\nseed = 9\n' + RANGES
    out = tmp_path / "out"
    path = sweep_file(tmp_path, text)
    result = run_sweep_file(
        ishigami_crashing, path, out, registry=ishigami_registry, workers=2, progress=False
    )
    table = store.collect(out)
    crashing = table["x1"] > 2.5
    assert crashing.any() and result.status == "complete"
    assert (table.loc[crashing, "run_ok"] == 0).all() and (
        table.loc[~crashing, "run_ok"] == 1
    ).all()
    assert table.loc[crashing, "error"].str.contains("worker process running this run died").all()


def _reports_failure(x1: float = 0.0, seed: int = 0, scale: float = 1.0) -> dict[str, float]:
    return (
        {"y": math.nan, "run_ok": 0, "error": "model diverged"}
        if x1 > 0
        else {"y": x1, "run_ok": 1}
    )


def test_parallel_sweeps_need_a_module_level_function():
    design = pd.DataFrame({"x1": [-1.0, 1.0]})
    with pytest.raises(TypeError, match="module-level"):
        run_sweep(lambda **kw: {}, design, out="unused", workers=2, progress=False)


def test_model_reported_failure_and_bad_outcomes(tmp_path):
    design = pd.DataFrame({"x1": [-1.0, 1.0]})
    run_sweep(_reports_failure, design, out=tmp_path / "a", progress=False)
    table = store.collect(tmp_path / "a")
    assert table["run_ok"].tolist() == [1, 0]
    assert table["error"].tolist() == ["", "model diverged"]

    def bad(x1: float, seed: int, scale: float) -> dict:
        return {"y": "text"} if x1 > 0 else {"x1": 1.0}

    run_sweep(bad, design, out=tmp_path / "b", progress=False)
    errors = store.collect(tmp_path / "b")["error"].tolist()
    assert "name of a reserved column or a parameter" in errors[0]
    assert "'y' is str, not a number" in errors[1]


# --- resume rules and the store ------------------------------------------------------------------


def test_resume_skips_done_runs_and_refuses_another_sweep(tmp_path):
    design = pd.DataFrame({"x1": [0.1, 0.2, 0.3], "x2": 0.0, "x3": 0.0})
    out = tmp_path / "out"
    first = run_sweep(ishigami, design, 2, 5, 1.0, out, progress=False)
    assert (first.ran, first.status) == (6, "complete")
    assert run_sweep(ishigami, design, 2, 5, 1.0, out, progress=False).ran == 0
    more = run_sweep(ishigami, design, 3, 5, 1.0, out, progress=False)
    assert (more.ran, more.planned) == (3, 9)
    assert len(store.collect(out)) == 9
    with pytest.raises(SweepError, match="different sweep"):
        run_sweep(ishigami, design.assign(x2=1.0), 2, 5, 1.0, out, progress=False)
    with pytest.raises(SweepError, match="already holds finished runs"):
        run_sweep(ishigami, design, 2, 5, 1.0, out, resume=False, progress=False)


def test_collect_keeps_each_key_once_preferring_success(tmp_path):
    row = {"key": "k1", "set_id": 0, "replicate": 0, "seed": 1, "scale": 1.0, "x1": 0.5}
    store.write_runs(tmp_path, [{**row, "run_ok": 0, "error": "boom", "finished_at": 2.0}])
    store.write_runs(tmp_path, [{**row, "y": 1.5, "run_ok": 1, "error": "", "finished_at": 1.0}])
    store.write_runs(
        tmp_path, [{**row, "key": "k2", "set_id": 1, "y": 2.5, "run_ok": 1, "error": ""}]
    )
    table = store.collect(tmp_path)
    assert table["key"].tolist() == ["k1", "k2"]
    assert table["y"].tolist() == [1.5, 2.5]
    assert store.completed_keys(tmp_path) == {"k1", "k2"}


def test_run_keys_depend_on_every_input():
    base = store.run_key({"a": 1.0, "b": "x"}, 1, 0.01, None)
    assert base == store.run_key({"b": "x", "a": np.float64(1.0)}, 1, 0.01, None)
    others = [
        store.run_key({"a": 1.0, "b": "y"}, 1, 0.01, None),
        store.run_key({"a": 1.0, "b": "x"}, 2, 0.01, None),
        store.run_key({"a": 1.0, "b": "x"}, 1, 0.02, None),
        store.run_key({"a": 1.0, "b": "x"}, 1, 0.01, "strategic.toml@sha256:0"),
    ]
    assert len({base, *others}) == 5
    plan = plan_runs(pd.DataFrame({"a": [1.0, 1.0]}), 2, 7, 0.01)
    assert plan["seed"].tolist() == [7, 8, 7, 8]
    assert plan["key"].nunique() == 2  # identical sets share their runs


# --- designs -------------------------------------------------------------------------------------


def test_grid_design_with_values_levels_and_categories(tmp_path):
    text = """sampler = "grid"
[parameters]
role = { values = ["driver", "enabler"] }
flag = { values = [true, false] }
n = { low = 0, high = 10, levels = 3 }
x1 = { values = [0, 0.5] }
"""
    design = build_design(load_sweep(sweep_file(tmp_path, text), registry=registry))
    assert len(design) == 2 * 2 * 3 * 2
    assert design.table["set_id"].tolist() == list(range(24))
    assert sorted(design.table["n"].unique()) == [0, 5, 10]
    assert design.table["n"].dtype == np.int64 and design.table["flag"].dtype == bool
    assert design.table.iloc[0][["role", "flag", "n", "x1"]].tolist() == ["driver", True, 0, 0.0]


def test_lhs_and_morris_round_whole_numbers_within_bounds(tmp_path):
    for sampler in ("lhs", "morris"):
        text = f'sampler = "{sampler}"\nsamples = 50\n[parameters]\n'
        text += "n = { low = 2, high = 5 }\nx1 = { low = 0, high = 1 }\n"
        design = build_design(load_sweep(sweep_file(tmp_path, text), registry=registry))
        assert design.table["n"].dtype == np.int64
        assert set(design.table["n"]) == {2, 3, 4, 5}
        assert design.table["x1"].between(0, 1).all()
    again = build_design(load_sweep(sweep_file(tmp_path, text), registry=registry))
    pd.testing.assert_frame_equal(design.table, again.table)


def test_custom_design_from_a_table():
    design = Design.from_frame(pd.DataFrame({"x1": [1.0, 2.0]}))
    assert design.sampler == "custom" and design.table["set_id"].tolist() == [0, 1]


# --- (e) sweep file validation -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            'sampler = "grid"\n[parameters]\nfacilitaton = { values = [0, 1] }\n',
            ["parameters.facilitaton", "unknown parameter", "Did you mean 'facilitation'?"],
        ),
        (
            'sampler = "lhs"\nsamples = 8\n[parameters]\nfacilitation = { low = 0, high = 5 }\n',
            ["parameters.facilitation.high", "5 is out of range", "a number from 0 to 3"],
        ),
        (
            'sampler = "sobel"\nsamples = 8\n[parameters]\nfacilitation = { low = 0, high = 3 }\n',
            ["sampler: unknown sampler 'sobel'", "'grid', 'lhs', 'sobol' or 'morris'", "'sobol'?"],
        ),
        (
            'sampler = "grid"\nreplicate = 2\n[parameters]\nfacilitation = { values = [0] }\n',
            ["replicate: unknown key", "Did you mean 'replicates'?"],
        ),
        (
            'sampler = "morris"\nsamples = 8\n[parameters]\n'
            'public_role = { values = ["driver"] }\n',
            ["parameters.public_role", "cannot be sampled by 'morris'", "sampler = 'grid'"],
        ),
        (
            'sampler = "grid"\n[parameters]\npublic_role = { values = ["enabeler"] }\n',
            [
                "parameters.public_role.values",
                "'enabeler' is not allowed",
                "Did you mean 'enabler'?",
            ],
        ),
        (
            'sampler = "sobol"\nsamples = 100\n[parameters]\n'
            "facilitation = { low = 0, high = 3 }\n",
            ["samples: 100 is not a power of two", "64 or 128"],
        ),
        (
            'sampler = "grid"\n[parameters]\nscale = { values = [0.01] }\n',
            ["parameters.scale", "run setting", "top-level key scale"],
        ),
        (
            'sampler = "grid"\nbase = "stratgic.toml"\n[parameters]\n'
            "facilitation = { values = [0] }\n",
            ["base: scenario file 'stratgic.toml' not found", "Did you mean 'strategic.toml'?"],
        ),
    ],
)
def test_sweep_file_errors_name_file_key_allowed_and_nearest(tmp_path, text, expected):
    (tmp_path / "scen").mkdir()
    (tmp_path / "scen" / "strategic.toml").write_text("", encoding="utf-8")
    path = sweep_file(tmp_path, text)
    with pytest.raises(SweepFileError) as info:
        load_sweep(path, scenarios_dir=tmp_path / "scen")
    message = str(info.value)
    assert message.startswith(str(path))
    for part in expected:
        assert part in message, message
    assert isinstance(info.value, ValueError)


def test_toml_syntax_error_gives_the_line(tmp_path):
    path = sweep_file(tmp_path, 'sampler = "grid"\nsamples = 4\nreplicates = = 2\n')
    with pytest.raises(SweepFileError, match=r"not valid TOML at line 3.*replicates = = 2"):
        load_sweep(path, registry=registry)


def test_missing_sweep_file_suggests_a_neighbour(tmp_path):
    sweep_file(tmp_path, 'sampler = "grid"\n', name="lever-screening.toml")
    with pytest.raises(SweepFileError, match="file not found.*'lever-screening.toml'"):
        load_sweep(tmp_path / "lever-screaning.toml", registry=registry)


def test_valid_sweep_file_with_base_and_defaults(tmp_path):
    (tmp_path / "strategic.toml").write_text("", encoding="utf-8")
    text = (
        'name = "demo"\nbase = "strategic.toml"\nsampler = "morris"\nsamples = 4\nscale = 0.02\n'
        + RANGES
    )
    sweep = load_sweep(sweep_file(tmp_path, text), registry=ishigami_registry)
    assert sweep.base == (tmp_path / "strategic.toml").resolve()
    assert (sweep.num_levels, sweep.replicates, sweep.seeds, sweep.scale) == (4, 1, [1], 0.02)
    assert len(sweep.sha256) == 64


def test_cli_reports_a_bad_sweep_file_with_exit_status_1(tmp_path):
    path = sweep_file(tmp_path, 'sampler = "grid"\n[parameters]\nx9 = { values = [0] }\n')
    cmd = [
        *CLI,
        str(path),
        "--function",
        f"{TESTFN}:ishigami",
        "--registry",
        f"{TESTFN}:ishigami_registry",
    ]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "parameters.x9: unknown parameter" in done.stderr and "Traceback" not in done.stderr
