"""Sweeps of the model itself: identical outcomes whatever the backend, through run.py too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from simulation.experiments import collect, run_sweep_file, run_welfare_recorded

ROOT = Path(__file__).resolve().parents[1]
SWEEP = """
name = "tiny"
base = "strategic.toml"
sampler = "grid"
replicates = 2
seed = 5
scale = 0.003
[parameters]
quality_assurance = { values = [0.0, 1.0] }
effect_scale = { values = [0.5, 1.5] }
"""
FIXED = {
    "base": str(ROOT / "scenarios" / "strategic.toml"),
    "municipalities": (101, 751),
    "end_year": 2031,
}


def _outcomes(folder: Path) -> pd.DataFrame:
    table = collect(folder)
    cols = ["set_id", "replicate", "seed", "net_cost_cum", "lever_cost_cum", "run_ok"]
    return table[cols].sort_values(["set_id", "replicate"]).reset_index(drop=True)


def test_model_sweep_is_identical_with_1_and_2_workers_and_dask(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(SWEEP)
    one = run_sweep_file(
        run_welfare_recorded, path, tmp_path / "one", fixed=FIXED, workers=1, progress=False
    )
    two = run_sweep_file(
        run_welfare_recorded, path, tmp_path / "two", fixed=FIXED, workers=2, progress=False
    )
    assert one.status == two.status == "complete"
    a, b = _outcomes(tmp_path / "one"), _outcomes(tmp_path / "two")
    assert len(a) == 8 and (a.run_ok == 1).all()
    pd.testing.assert_frame_equal(a, b)
    pytest.importorskip("distributed")
    run_sweep_file(
        run_welfare_recorded,
        path,
        tmp_path / "dask",
        fixed=FIXED,
        backend="dask",
        dask_local=2,
        progress=False,
    )
    pd.testing.assert_frame_equal(a, _outcomes(tmp_path / "dask"))


def test_sweep_command_runs_and_analyses(tmp_path):
    path = tmp_path / "morris.toml"
    path.write_text(
        'name = "m"\nbase = "strategic.toml"\nsampler = "morris"\nsamples = 2\nreplicates = 1\n'
        "seed = 1\nscale = 0.001\n[parameters]\nfacilitation = { low = 0, high = 1 }\n"
        "effect_scale = { low = 0, high = 2 }\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "run.py"),
            "sweep",
            str(path),
            "--out",
            str(tmp_path / "s"),
            "--workers",
            "2",
            "--quiet",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "s" / "sensitivity_morris.csv").exists()
    morris = pd.read_csv(tmp_path / "s" / "sensitivity_morris.csv")
    assert {"facilitation", "effect_scale"} <= set(morris.astype(str).stack())
