"""A real Dask cluster: a scheduler and two workers as separate processes on 127.0.0.1.

The workers run in another working directory than the checkout, so nothing they need may come
from a relative path: the sweep's base scenario travels to them resolved (as TOML text). A sweep
through ``--scheduler tcp://...`` must give exactly the results of the same sweep run locally.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from simulation.experiments import store
from tests.cli.test_cli import ROOT, run_cli

pytest.importorskip("distributed")

DASK = Path(sys.executable).parent / "dask"
_VOLATILE = {"wall_time", "host", "pid", "finished_at", "error"}


def _start(args: list[str], cwd: Path, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # as on another machine
    env["DASK_DISTRIBUTED__WORKER__DAEMON"] = "False"
    return subprocess.Popen(
        [str(DASK), *args],
        cwd=cwd,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the test stops it and its children
    )


def _stop(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.fixture
def cluster(tmp_path):
    """Yield the address of a scheduler with two single-threaded workers (another cwd)."""
    if not DASK.exists():
        pytest.skip("the dask command is not installed next to this Python")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    info = elsewhere / "scheduler.json"
    procs = [
        _start(
            ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(info)],
            elsewhere,
            tmp_path / "scheduler.log",
        )
    ]  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert info.exists(), (tmp_path / "scheduler.log").read_text()
        time.sleep(0.2)
        address = json.loads(info.read_text())["address"]
        for k in range(2):
            procs.append(
                _start(
                    ["worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
                     "--local-directory", str(elsewhere / f"w{k}")],
                    elsewhere,
                    tmp_path / f"worker{k}.log",
                )
            )  # fmt: skip
        from distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for proc in reversed(procs):
            _stop(proc)


def _runs(folder: Path) -> pd.DataFrame:
    table = store.collect(folder)
    columns = sorted(c for c in table.columns if c not in _VOLATILE)
    return table[columns].sort_values("key").reset_index(drop=True)


@pytest.mark.slow
def test_sweep_on_a_real_cluster_equals_the_local_run(tmp_path, cluster):
    # a base scenario beside the sweep file only: the workers cannot see it by path
    base = tmp_path / "my-base.toml"
    shutil.copy(ROOT / "scenarios" / "strategic.toml", tmp_path / "parent.toml")
    base.write_text('extends = "parent.toml"\n[levers]\nquality_assurance = 0.75\n')
    sweep = tmp_path / "cluster.toml"
    sweep.write_text(
        'name = "cluster-test"\nbase = "my-base.toml"\nsampler = "lhs"\nsamples = 4\n'
        "replicates = 2\nscale = 0.001\n"
        "[parameters]\nfacilitation = { low = 0, high = 2 }\n"
        "effect_scale = { low = 0.5, high = 1.5 }\n"
    )
    remote, local = tmp_path / "remote", tmp_path / "local"
    result = run_cli(
        "sweep", str(sweep), "--scheduler", cluster, "--out", str(remote), "--quiet",
        timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout
    result = run_cli(
        "sweep", str(sweep), "--workers", "1", "--out", str(local), "--quiet", timeout=600
    )
    assert result.returncode == 0, result.stderr + result.stdout

    a, b = _runs(remote), _runs(local)
    assert len(a) == 8 and (a["run_ok"] == 1).all(), a.get("error")
    pd.testing.assert_frame_equal(a, b)
    manifest = json.loads((remote / "manifest.json").read_text())
    assert manifest["backend"]["name"] == "dask"
    assert manifest["backend"]["scheduler"] == cluster
    assert manifest["backend"]["workers"] == 2
    sent = manifest["fixed"]["base"]
    assert sent.startswith("# Resolved scenario") and "quality_assurance = 0.75" in sent
