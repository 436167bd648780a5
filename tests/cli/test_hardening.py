"""Issue 16 end to end: nothing lost, nothing hangs, no tracebacks, honest outcomes, processes.

Every user mistake is tried through the command line: exit status 1, one line naming the file or
flag, no traceback, and nothing written outside the folder the test chose.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from simulation.experiments.sensitivity_checks import index_warnings
from simulation.input_checks import empty_places, file_kind, scenario_argument
from simulation.safe_paths import (
    UnsafePath,
    check_name_component,
    check_regular_file,
    folder_label,
    remove_stale_incomplete,
    reserve_folder,
)
from tests.cli.test_cli import ROOT, assert_user_error, read_until, run_cli

TINY = ["--scale", "0.001", "--end-year", "2027", "--replicates", "1", "--workers", "1"]


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert_user_error(result, *fragments)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# ---------------------------------------------------------------------------- 1. nothing lost
def test_reserved_default_folders_are_unique_within_one_second(tmp_path):
    folders = [reserve_folder(tmp_path, "baseline") for _ in range(3)]
    assert len(set(folders)) == 3
    assert all(f.is_dir() for f in folders)
    assert folders[1].name == folders[0].name + "-2"


def test_two_runs_started_together_with_default_names_both_complete(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, str(ROOT / "run.py"), "run", "baseline", *TINY, "--quiet"]
    procs = [
        subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    folders = sorted((tmp_path / "results").iterdir())
    assert len(folders) == 2, folders
    for folder in folders:
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["status"] == "complete"
        assert (folder / "timeseries.parquet").is_file()
    assert not [p for p in (tmp_path / "results").iterdir() if p.name.startswith(".incomplete")]


def test_stale_incomplete_folders_of_dead_processes_only_are_removed(tmp_path):
    final = tmp_path / "run"
    mine = tmp_path / f".incomplete-run-{os.getpid()}"
    alive = tmp_path / f".incomplete-run-{os.getppid()}"
    dead = tmp_path / f".incomplete-run-{dead_pid()}"
    other = tmp_path / f".incomplete-run-x-{dead_pid()}"  # another folder's, by exact name
    for folder in (mine, alive, dead, other):
        folder.mkdir()
    removed = remove_stale_incomplete(final)
    assert removed == [dead]
    assert mine.exists() and alive.exists() and other.exists() and not dead.exists()


def test_out_with_glob_characters_leaves_other_runs_folders_alone(tmp_path):
    # another run, still going, writes into .incomplete-x-<its pid>
    other = tmp_path / f".incomplete-x-{os.getpid()}"
    other.mkdir()
    (other / "timeseries.parquet").write_text("being written")
    result = run_cli("run", "baseline", "--out", str(tmp_path / "*"), *TINY, "--quiet")
    assert result.returncode == 0, result.stderr
    assert (other / "timeseries.parquet").read_text() == "being written"
    assert (tmp_path / "*" / "manifest.json").is_file()


def test_out_is_checked_before_simulating(tmp_path):
    out = tmp_path / "full"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    started = time.monotonic()
    # scale 1 would simulate for minutes; the refusal must come first
    result = run_cli("run", "strategic", "--scale", "1", "--out", str(out))
    assert time.monotonic() - started < 60
    assert_one_line_error(result, "--out", "not empty")
    assert files_under(tmp_path) == {out, out / "keep.txt"}


def test_sweep_name_with_a_path_is_refused(tmp_path):
    sweep = tmp_path / "s.toml"
    sweep.write_text(
        'name = "../../escape"\nsampler = "lhs"\nsamples = 2\nscale = 0.001\n'
        "[parameters]\nfacilitation = { low = 0, high = 1 }\n"
    )
    result = run_cli("sweep", str(sweep), cwd=tmp_path)
    assert_one_line_error(result, str(sweep), "name", "without '/'")
    assert files_under(tmp_path) == {sweep}
    assert not (ROOT.parent / "escape").exists()


@pytest.mark.parametrize("text", ["../x", "a/b", "a\\b", "..", "", "bad\x07name"])
def test_names_that_are_not_one_path_component(text):
    with pytest.raises(UnsafePath):
        check_name_component(text)
    assert check_name_component(" lever-screening ") == "lever-screening"
    assert "/" not in folder_label("../a/b") and ".." not in folder_label("../a/b")


def test_resolved_scenario_records_what_was_used_and_reruns_identically(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    args = ["--scale", "0.002", "--end-year", "2028", "--workers", "1", "--quiet"]
    result = run_cli(
        "run", "strategic", "--seed", "7", "--replicates", "2", "--municipality", "Aabenraa",
        "--out", str(first), *args,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    resolved = first / "scenarios" / "strategic.toml"
    text = resolved.read_text()
    for line in ("seed = 7", "replicates = 2", "scale = 0.002", "end_year = 2028"):
        assert re.search(rf"^{line}$", text, re.M), (line, text[:600])
    # rerun from the resolved file alone, without any option
    result = run_cli("run", str(resolved), "--out", str(second), "--quiet")
    assert result.returncode == 0, result.stderr
    a = pd.read_parquet(first / "timeseries.parquet")
    b = pd.read_parquet(second / "timeseries.parquet")
    pd.testing.assert_frame_equal(a, b)
    assert set(b.municipality) == {580} and sorted(set(b.seed)) == [7, 8]


# ---------------------------------------------------------------------------- 2. never hangs
@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.toml"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_extends_a_device_or_named_pipe(tmp_path, fifo, target):
    parent = str(fifo) if target == "fifo" else target
    child = tmp_path / "child.toml"
    child.write_text(f'extends = "{parent}"\n')
    for command in (["run", str(child), *TINY], ["validate", str(child)]):
        result = run_cli(*command, timeout=60)
        assert_one_line_error(result, str(child), "extends", parent)
        assert "named pipe" in result.stderr or "device" in result.stderr


def test_scenario_sweep_and_base_that_are_pipes_or_devices(tmp_path, fifo):
    assert_one_line_error(run_cli("run", str(fifo), timeout=60), str(fifo), "named pipe")
    assert_one_line_error(run_cli("validate", str(fifo), timeout=60), "named pipe")
    assert_one_line_error(run_cli("sweep", "/dev/zero", timeout=60), "/dev/zero", "device")
    sweep = tmp_path / "s.toml"
    sweep.write_text(
        f'base = "{fifo.name}"\nsampler = "lhs"\nsamples = 2\n'
        "[parameters]\nfacilitation = { low = 0, high = 1 }\n"
    )
    result = run_cli("validate", str(sweep), timeout=60)
    assert_one_line_error(result, str(sweep), "base", "named pipe")
    with pytest.raises(UnsafePath, match="named pipe"):
        check_regular_file(fifo, 1000)


@pytest.mark.parametrize(
    "body",
    [
        'sampler = "sobol"\nsamples = 1099511627776\n'
        "[parameters]\nfacilitation = { low = 0, high = 1 }\n",
        'sampler = "grid"\n[parameters]\nfacilitation = { low = 0, high = 1, levels = 1000000 }\n'
        "competence = { low = 0, high = 1, levels = 1000000 }\n",
    ],
)
def test_sweep_too_large_to_build_is_refused_with_the_count(tmp_path, body):
    sweep = tmp_path / "huge.toml"
    sweep.write_text(body)
    started = time.monotonic()
    result = run_cli("sweep", str(sweep), "--out", str(tmp_path / "out"), timeout=120)
    assert_one_line_error(result, str(sweep), "runs, more than the limit", "--max-runs")
    assert time.monotonic() - started < 60
    assert not (tmp_path / "out").exists()
    assert_one_line_error(run_cli("validate", str(sweep)), "more than the limit")


def test_max_runs_allows_a_larger_sweep_and_lowers_the_limit(tmp_path):
    sweep = tmp_path / "small.toml"
    sweep.write_text(
        'sampler = "lhs"\nsamples = 4\nreplicates = 2\n'
        "[parameters]\nfacilitation = { low = 0, high = 1 }\n"
    )
    result = run_cli("sweep", str(sweep), "--max-runs", "7", "--out", str(tmp_path / "o"))
    assert_one_line_error(result, "8 runs", "--max-runs 8")
    assert_one_line_error(run_cli("sweep", str(sweep), "--max-runs", "0"), "--max-runs")


# ---------------------------------------------------------------------------- 3. no tracebacks
@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["run", "strategic", "--seed", "-1"], ["--seed", "0 to 4294967295"]),
        (["run", "strategic", "--seed", "4294967296"], ["--seed"]),
        (["run", "strategic", "--replicates", "0"], ["--replicates", "1 to 1000"]),
        (["run", "strategic", "--replicates", "1001"], ["--replicates"]),
        (["run", "strategic", "--workers", "0"], ["--workers"]),
        (["run", "strategic", "--scale", "0"], ["--scale"]),
        (["run", "strategic", "--end-year", "2051"], ["--end-year"]),
        (["compare", "baseline", "strategic", "--seed", "-5"], ["--seed"]),
        (["sweep", "scenarios/sweeps/teaching-grid.toml", "--scheduler", "foo"], ["--scheduler"]),
        (
            ["sweep", "scenarios/sweeps/teaching-grid.toml", "--scheduler", "tcp://h:99999"],
            ["--scheduler"],
        ),
        (["sweep", "scenarios/sweeps/teaching-grid.toml", "--workers", "-2"], ["--workers"]),
        (["sweep", "scenarios/sweeps/teaching-grid.toml", "--dask-local", "0"], ["--dask-local"]),
        (["app", "--port", "70000"], ["--port", "65535"]),
        (["app", "--port", "-1"], ["--port"]),
        (["app", "--host", "no-such-host.invalid"], ["--host"]),
        (["run", "strategi"], ["strategi", "did you mean strategic?"]),
        (["compare", "baseline", "patchwrk"], ["did you mean patchwork?"]),
        (["sensitivity", "scenarios"], ["not a sweep folder"]),
        (["sensitivity", "README.md"], ["README.md", "not a sweep folder"]),
        (["schema", "--out", "README.md"], ["README.md"]),
    ],
)
def test_command_line_mistakes_give_one_line(tmp_path, args, fragments):
    before = files_under(tmp_path)
    result = run_cli(*args, timeout=120)
    assert_one_line_error(result, *fragments)
    assert files_under(tmp_path) == before


def test_out_naming_a_file(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    assert_one_line_error(run_cli("run", "baseline", "--out", str(target), *TINY), "--out", "file")
    sweep = ROOT / "scenarios" / "sweeps" / "teaching-grid.toml"
    result = run_cli("sweep", str(sweep), "--out", str(target), "--no-resume")
    assert_one_line_error(result, "--out")
    assert target.read_text() == "x"


@pytest.mark.parametrize("command", ["run", "compare"])
def test_out_that_cannot_be_made_is_refused_before_simulating(tmp_path, command):
    """A folder name over 255 bytes in a missing parent, and a parent the kernel will not write
    into although permissions say yes (/sys, as root): one line, nothing left behind."""
    scenarios = ["baseline"] if command == "run" else ["baseline", "strategic"]
    long = tmp_path / "x" / ("a" * 300) / "y"
    result = run_cli(command, *scenarios, "--out", str(long), *TINY)
    assert_one_line_error(result, "--out", "longer than 255 bytes")
    assert "Simulating" not in result.stdout + result.stderr
    assert not (tmp_path / "x").exists()
    if Path("/sys").is_dir() and os.access("/sys", os.W_OK):
        result = run_cli(command, *scenarios, "--out", "/sys/welfare-abm-test", *TINY)
        assert_one_line_error(result, "--out", "cannot write in /sys")
        assert "Simulating" not in result.stdout + result.stderr


def _serve_garbage(server: socket.socket) -> None:
    while True:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        with conn, contextlib.suppress(OSError):
            conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello")


@pytest.mark.slow
def test_scheduler_address_that_answers_something_else(tmp_path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    threading.Thread(target=_serve_garbage, args=(server,), daemon=True).start()
    port = server.getsockname()[1]
    sweep = ROOT / "scenarios" / "sweeps" / "teaching-grid.toml"
    try:
        result = run_cli(
            "sweep", str(sweep), "--scheduler", f"tcp://127.0.0.1:{port}",
            "--out", str(tmp_path / "o"), timeout=200,
        )  # fmt: skip
    finally:
        server.close()
    assert_one_line_error(result, "scheduler", f"127.0.0.1:{port}")


# ---------------------------------------------------------------------------- 4. honest outcomes
def test_validate_checks_the_sweeps_base_scenario(tmp_path):
    (tmp_path / "bad-base.toml").write_text("[levers]\nfacilitaton = 1.0\n")
    sweep = tmp_path / "anything.toml"  # not in a folder called sweeps: told by its keys
    sweep.write_text(
        'base = "bad-base.toml"\nsampler = "lhs"\nsamples = 2\n'
        "[parameters]\nfacilitation = { low = 0, high = 1 }\n"
    )
    assert file_kind(sweep) == "sweep"
    result = run_cli("validate", str(sweep))
    assert_one_line_error(result, str(sweep), "base", "facilitaton")
    result = run_cli("sweep", str(sweep), "--out", str(tmp_path / "o"))
    assert_one_line_error(result, "facilitaton")
    assert not (tmp_path / "o").exists()


def test_file_kinds_are_told_apart_by_their_keys(tmp_path):
    folder = tmp_path / "sweeps"
    folder.mkdir()
    scenario = folder / "my.toml"  # a scenario in a folder called sweeps
    scenario.write_text('extends = "strategic.toml"\n[levers]\nfacilitation = 1.0\n')
    assert file_kind(scenario) == "scenario"
    result = run_cli("validate", str(scenario))
    assert result.returncode == 0, result.stderr


def failing_run(**kwargs):
    """A model run that always fails (module level, so a pool could send it)."""
    return {"run_ok": 0, "error": "Traceback ...\nRuntimeError: the model broke", "x": float("nan")}


def test_a_sweep_whose_runs_all_failed_exits_non_zero(tmp_path, monkeypatch, capsys):
    from simulation.cli import sweep_commands as cli

    monkeypatch.setattr(cli, "run_welfare_recorded", failing_run)
    sweep = tmp_path / "s.toml"
    sweep.write_text(
        'sampler = "lhs"\nsamples = 3\nscale = 0.001\n'
        "[parameters]\nfacilitation = { low = 0, high = 1 }\n"
    )
    status = cli.run_sweep_command(sweep, workers=1, out=tmp_path / "o", quiet=True)
    assert status == 1
    err = capsys.readouterr().err
    assert "every one of the 3 runs failed" in err and str(tmp_path / "o" / "runs") in err
    assert "the model broke" in err


def test_sensitivity_on_a_grid_sweep_says_which_samplers_it_can_analyse(tmp_path):
    sweep = tmp_path / "g.toml"
    sweep.write_text(
        'sampler = "grid"\nscale = 0.001\n[parameters]\nfacilitation = { values = [0, 1] }\n'
    )
    out = tmp_path / "o"
    result = run_cli("sweep", str(sweep), "--out", str(out), "--workers", "1", "--quiet")
    assert result.returncode == 0, result.stderr
    result = run_cli("sensitivity", str(out))
    assert_one_line_error(result, "grid", "sobol and morris", "summary.csv")
    assert (out / "summary.csv").is_file()


def test_indices_outside_their_range_or_too_wide_are_warned_about():
    sobol = pd.DataFrame(
        {
            "outcome": ["cost", "cost"],
            "parameter": ["facilitation", "competence"],
            "S1": [2.7, 0.2],
            "S1_conf": [0.1, 0.9],
            "ST": [0.5, 0.4],
            "ST_conf": [0.1, 0.1],
        }
    )
    warnings = index_warnings({"sobol": sobol}, samples=4)
    assert any("outside [0, 1]" in w and "facilitation" in w and "2.70" in w for w in warnings)
    assert any("too wide" in w for w in warnings)
    good = sobol.assign(S1=[0.5, 0.2], S1_conf=[0.1, 0.1])
    assert index_warnings({"sobol": good}) == []


def test_unknown_scenario_name_gets_the_nearest_shipped_name():
    from simulation.input_checks import CommandLineError

    with pytest.raises(CommandLineError, match="did you mean strategic"):
        scenario_argument("strategi")
    assert scenario_argument("facilitation").parent.name == "levers"


def test_empty_places_finds_municipalities_with_no_citizen():
    table = pd.DataFrame(
        {
            "scenario": ["a", "a"],
            "municipality": [825, 101],
            "year": [2026, 2026],
            "metric": ["population", "population"],
            "value": [0.0, 5.0],
        }
    )
    assert empty_places(table) == [("a", 825)]


def test_zero_citizen_run_warns_and_suggests_a_larger_scale(tmp_path):
    result = run_cli(
        "run", "baseline", "--municipality", "Læsø", "--scale", "0.0001", "--end-year", "2027",
        "--replicates", "1", "--out", str(tmp_path / "o"), "--quiet",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "warning: no citizen was simulated in Læsø" in result.stderr
    assert "--scale" in result.stderr


# ---------------------------------------------------------------------------- 5. processes
def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_terminated_compare_leaves_no_worker(tmp_path, sig):
    out = tmp_path / "cmp"
    proc = subprocess.Popen(
        [
            sys.executable, str(ROOT / "run.py"), "compare", "baseline", "strategic",
            "--scale", "0.01", "--replicates", "10", "--workers", "2", "--out", str(out),
            "--progress",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONFAULTHANDLER": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert read_until(proc.stderr, re.compile(r"\b[1-9]\d?/20\b")), "no run finished"
    workers = children_of(proc.pid)
    assert len(workers) >= 2, workers
    proc.send_signal(sig)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGABRT)  # faulthandler prints where it hangs
        _, err = proc.communicate(timeout=30)
        pytest.fail(f"compare did not end after {sig!r}:\n{err[-4000:]}")
    assert proc.returncode != 0
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(alive(p) for p in workers):
        time.sleep(0.2)
    assert not any(alive(p) for p in workers), "a worker outlived its parent"
    assert not out.exists()


def _app_available() -> bool:
    from simulation.app import missing_dependencies

    return not missing_dependencies()


def read_line_with(stream, text: str, lines: int = 50) -> str:
    """Return the first line holding ``text`` (the server prints its own lines too)."""
    for _ in range(lines):
        line = stream.readline()
        if not line or text in line:
            return line
    return ""


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not _app_available(), reason="the app extra is not installed")
def test_app_port_0_picks_a_port_and_the_server_dies_with_a_killed_parent():
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), "app", "--port", "0"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = read_line_with(proc.stdout, "Classroom app:")
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, (line, proc.stderr.read() if proc.poll() is not None else "")
        port = int(match.group(1))
        assert port > 0 and port_open(port)
        server = children_of(proc.pid)
        assert server
    finally:
        proc.kill()  # kill -9: no handler runs in the parent
        proc.wait(timeout=10)
    deadline = time.monotonic() + 15  # the server gets SIGTERM and shuts down: wait for both
    while time.monotonic() < deadline and (port_open(port) or any(alive(p) for p in server)):
        time.sleep(0.2)
    assert not port_open(port), "the app's server kept listening after its parent was killed"
    assert not any(alive(p) for p in server)


@pytest.mark.slow
@pytest.mark.skipif(not _app_available(), reason="the app extra is not installed")
def test_app_on_every_interface_warns_and_prints_the_address_others_use():
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), "app", "--port", "0", "--host", "0.0.0.0"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        warning = proc.stderr.readline()
        first = read_line_with(proc.stdout, "Classroom app:")
        second = proc.stdout.readline()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    assert warning.startswith("warning: --host 0.0.0.0"), warning
    assert "http://127.0.0.1:" in first
    assert second.startswith("Others on the network open: http://"), second


def test_app_binds_loopback_by_default():
    from simulation.cli.main import build_parser

    assert build_parser().parse_args(["app"]).host == "127.0.0.1"


# ---------------------------------------------------------------------------- 7. conventions
def test_help_shows_defaults_positional_help_and_an_example():
    from simulation.cli.main import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():
        text = command.format_help()
        assert "example" in text, name
        for action in command._actions:
            if not action.option_strings:
                assert action.help, (name, action.dest)
    assert "(default: 8765)" in sub.choices["app"].format_help()
    assert "-q, --quiet" in sub.choices["run"].format_help()
    assert "exit status" in parser.format_help()


def test_schema_command_writes_schemas_that_accept_the_shipped_files(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    import tomllib

    result = run_cli("schema", "--out", str(tmp_path / "schemas"))
    assert result.returncode == 0, result.stderr
    scenario = json.loads((tmp_path / "schemas" / "scenario.schema.json").read_text())
    sweep = json.loads((tmp_path / "schemas" / "sweep.schema.json").read_text())
    files = sorted((ROOT / "scenarios").rglob("*.toml"))
    assert len(files) > 10
    for path in files:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        schema = sweep if file_kind(path) == "sweep" else scenario
        jsonschema.validate(data, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"levers": {"facilitation": 99}}, scenario)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"levers": {"facilitaton": 1}}, scenario)
    assert "facilitation" in scenario["properties"]["levers"]["properties"]


def test_results_folder_has_a_workbook_with_numbers_and_units_in_the_headers(tmp_path):
    out = tmp_path / "cmp"
    result = run_cli("compare", "baseline", "strategic", "--out", str(out), *TINY, "-q")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Results: ")  # -q: only the folder
    sheets = pd.read_excel(out / "results.xlsx", sheet_name=None)
    assert list(sheets) == ["Key figures", "Summary", "Summary by area", "About"]
    key = sheets["Key figures"].set_index("scenario")
    long = pd.read_csv(out / "key_figures_long.csv")
    row = long[(long.scenario == "strategic") & (long.key == "net_cost_cum")].iloc[0]
    column = f"net_cost_cum {row.start}-{row.end} (DKK bn) mean"
    assert key.loc["strategic", column] == pytest.approx(row["mean"])
    assert "net_cost_end 2027 (DKK bn) p95" in key.columns
    summary = sheets["Summary"]
    assert "population (persons) mean" in summary.columns
    assert pd.api.types.is_numeric_dtype(summary["population (persons) mean"])


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios" / "sweeps").glob("*.toml")))
def test_design_count_equals_the_built_design(path):
    from simulation.experiments.design_size import count_runs, count_sets
    from simulation.experiments.samplers import build_design
    from simulation.experiments.sweepfile import load_sweep

    sweep = load_sweep(path)
    design = build_design(sweep)
    assert count_sets(sweep) == len(design.table)
    assert count_runs(sweep) == len(design.table) * sweep.replicates


@pytest.mark.parametrize(
    ("sampler", "extra", "expected"),
    [
        ("lhs", "", 8),
        ("sobol", "", 8 * (2 + 2)),
        ("sobol", "second_order = true\n", 8 * (2 * 2 + 2)),
        ("morris", "", 8 * (2 + 1)),
    ],
)
def test_design_count_for_each_sampler(tmp_path, sampler, extra, expected):
    from simulation.experiments.design_size import count_sets
    from simulation.experiments.samplers import build_design
    from simulation.experiments.sweepfile import load_sweep

    path = tmp_path / "s.toml"
    path.write_text(
        f'sampler = "{sampler}"\nsamples = 8\n{extra}'
        "[parameters]\nfacilitation = { low = 0, high = 1 }\n"
        "effect_scale = { low = 0.5, high = 1.5 }\n"
    )
    sweep = load_sweep(path)
    assert count_sets(sweep) == expected == len(build_design(sweep).table)


def test_sobol_on_a_tiny_sample_warns_about_indices_outside_their_range(tmp_path):
    sweep = tmp_path / "ishigami.toml"
    sweep.write_text(
        'sampler = "sobol"\nsamples = 4\n[parameters]\n'
        + "".join(f"x{i} = {{ low = -3.14159, high = 3.14159 }}\n" for i in (1, 2, 3))
    )
    out = tmp_path / "o"
    engine = subprocess.run(
        [
            sys.executable, "-m", "simulation.cli.sweep_runner", str(sweep),
            "--out", str(out), "--no-progress",
            "--function", "simulation.experiments.testfunctions:ishigami",
            "--registry", "simulation.experiments.testfunctions:ishigami_registry",
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert engine.returncode == 0, engine.stderr
    result = run_cli("sensitivity", str(out), "-q")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and ".py:" not in result.stderr
    assert re.search(r"^warning: \d+ Sobol S1 indices lie outside \[0, 1\]", result.stderr, re.M)
    assert "use more samples (now 4)" in result.stderr


def descendants_of(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        children = children_of(todo.pop())
        todo.extend(children - found)
        found |= children
    return found


@pytest.mark.slow
@pytest.mark.parametrize(
    ("engine", "sig"),
    [(["--workers", "2"], signal.SIGTERM), (["--dask-local", "2"], signal.SIGKILL)],
)
def test_terminated_sweep_leaves_no_worker(tmp_path, engine, sig):
    sweep = tmp_path / "s.toml"
    sweep.write_text(
        'sampler = "lhs"\nsamples = 400\nscale = 0.001\n'
        "[parameters]\nfacilitation = { low = 0, high = 1 }\n"
    )
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), "sweep", str(sweep), "--out", str(tmp_path / "o"),
         "-q", *engine],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not list((tmp_path / "o" / "runs").glob("*")):
            time.sleep(0.3)  # the first batch is written: the workers are running
        workers = descendants_of(proc.pid)
        assert len(workers) >= 2, workers
    finally:
        proc.send_signal(sig)
        proc.wait(timeout=60)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(alive(p) for p in workers):
        time.sleep(0.3)
    assert not [p for p in workers if alive(p)], "a worker outlived the sweep command"


# ---------------------------------------------------------------------------- review of issue 16
SMALL_SWEEP = (
    'name = "small"\nsampler = "grid"\nscale = 0.001\n'
    "[parameters]\nfacilitation = { values = [0, 1] }\n"
)


def run_cli_env(*args: str, env: dict[str, str], cwd: Path = ROOT, timeout: int = 120):
    return subprocess.run(
        [sys.executable, str(ROOT / "run.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )


def test_sweep_out_never_writes_into_a_folder_of_other_files(tmp_path):
    sweep = tmp_path / "sw.toml"
    sweep.write_text(SMALL_SWEEP)
    userdocs = tmp_path / "userdocs"
    userdocs.mkdir()
    (userdocs / "summary.csv").write_text("precious\n")
    result = run_cli("sweep", str(sweep), "--out", str(userdocs), "--workers", "1")
    assert_one_line_error(result, "--out", "not a sweep folder")
    assert (userdocs / "summary.csv").read_text() == "precious\n"
    assert {p.name for p in userdocs.iterdir()} == {"summary.csv"}
    other = tmp_path / "other"
    other.mkdir()
    (other / "manifest.json").write_text(json.dumps({"name": "another-sweep"}))
    result = run_cli("sweep", str(sweep), "--out", str(other), "--workers", "1")
    assert_one_line_error(result, "--out", "another sweep")
    assert {p.name for p in other.iterdir()} == {"manifest.json"}
    result = run_cli("sweep", str(sweep), "--out", str(tmp_path / "a\x07b"))
    assert_one_line_error(result, "--out", "control characters")


def test_sweep_into_its_own_folder_resumes(tmp_path):
    sweep = tmp_path / "sw.toml"
    sweep.write_text(SMALL_SWEEP)
    out = tmp_path / "o"
    out.mkdir()  # as a sweep leaves it when its scheduler never answered: no manifest yet
    for name in (".lock", "design.parquet", "plan.parquet"):
        (out / name).write_text("")
    for _ in range(2):
        result = run_cli("sweep", str(sweep), "--out", str(out), "--workers", "1", "--quiet")
        assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "args",
    [["run", "baseline", *TINY], ["sweep", "sw.toml", "--workers", "1"], []],
)
def test_default_results_folder_that_is_a_file_is_refused_before_work(tmp_path, args):
    (tmp_path / "sw.toml").write_text(SMALL_SWEEP)
    (tmp_path / "results").write_text("not a folder\n")
    result = run_cli(*args, cwd=tmp_path, timeout=60)
    assert_one_line_error(result, "results")
    assert "Simulating" not in result.stderr
    assert (tmp_path / "results").read_text() == "not a folder\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_results_folder_is_refused_before_work(tmp_path):
    (tmp_path / "results").mkdir()
    (tmp_path / "results").chmod(0o555)
    try:
        result = run_cli("run", "baseline", *TINY, cwd=tmp_path, timeout=60)
    finally:
        (tmp_path / "results").chmod(0o755)
    assert_one_line_error(result, "results", "permission denied")


def _accept_and_say_nothing(server: socket.socket, held: list) -> None:
    while True:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        held.append(conn)  # kept open, never answered: as a web server waiting for a request


@pytest.mark.slow
def test_scheduler_that_never_answers_gives_up_with_one_line(tmp_path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list = []
    threading.Thread(target=_accept_and_say_nothing, args=(server, held), daemon=True).start()
    port = server.getsockname()[1]
    sweep = tmp_path / "sw.toml"
    sweep.write_text(SMALL_SWEEP)
    started = time.monotonic()
    try:
        result = run_cli(
            "sweep", str(sweep), "--scheduler", f"tcp://127.0.0.1:{port}",
            "--out", str(tmp_path / "o"), timeout=150,
        )  # fmt: skip
    finally:
        server.close()
        for conn in held:
            conn.close()
    assert_one_line_error(result, "--scheduler", f"127.0.0.1:{port}")
    assert time.monotonic() - started < 120


def test_second_run_into_the_same_out_is_refused_while_the_first_simulates(tmp_path):
    out = tmp_path / "same"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), "run", "baseline", "--out", str(out),
         "--scale", "0.003", "--end-year", "2030", "--replicates", "2", "--workers", "1", "-q"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        marker = f".incomplete-same-{first.pid}"
        while not (tmp_path / marker).exists() and time.monotonic() < deadline:
            assert first.poll() is None, first.communicate()
            time.sleep(0.05)
        second = run_cli("run", "baseline", "--out", str(out), *TINY, cwd=tmp_path)
        assert_one_line_error(second, "same", "another run")
    finally:
        stdout, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".incomplete")]


def test_out_that_is_a_dangling_symbolic_link_is_refused_before_work(tmp_path):
    link = tmp_path / "dl"
    link.symlink_to(tmp_path / "missing" / "place")
    for args in (["run", "baseline", *TINY], ["sweep", "scenarios/sweeps/teaching-grid.toml"]):
        result = run_cli(*args, "--out", str(link), timeout=60)
        assert_one_line_error(result, "--out", "symbolic link")
        assert "Simulating" not in result.stderr
    assert not (tmp_path / "missing").exists()


def test_results_that_cannot_be_moved_into_place_leave_no_incomplete_folder(tmp_path):
    from simulation.runs.folders import atomic_folder

    final = tmp_path / "out"
    with (
        pytest.raises(FileExistsError, match="could not be moved into place"),
        atomic_folder(final) as tmp,
    ):
        (tmp / "x.csv").write_text("1\n")
        final.mkdir()
        (final / "someone-elses.csv").write_text("2\n")  # written meanwhile
    assert {p.name for p in tmp_path.iterdir()} == {"out"}
    assert {p.name for p in final.iterdir()} == {"someone-elses.csv"}


def _deep_toml(path: Path) -> Path:
    path.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    return path


def _bad_manifest(folder: Path, text: str) -> Path:
    folder.mkdir()
    (folder / "manifest.json").write_text(text)
    return folder


@pytest.mark.parametrize(
    ("make", "fragments"),
    [
        (lambda t: ["run", "a" * 300], ["scenario", "aaaa"]),
        (lambda t: ["compare", "baseline", "b" * 300], ["scenario", "bbbb"]),
        (lambda t: ["sweep", "scenarios/sweeps/teaching-grid.toml", "--max-runs", str(10**20)],
         ["--max-runs", "100,000,000"]),
        (lambda t: ["sensitivity", str(_bad_manifest(t / "bad", "{not json"))],
         ["manifest.json", "not a readable sweep manifest"]),
        (lambda t: ["sensitivity", str(_bad_manifest(t / "list", "[1, 2]"))],
         ["manifest.json", "not a sweep manifest"]),
        (lambda t: ["sensitivity", str(_bad_manifest(t / "null", '{"name": "x", "design": null}'))],
         ["manifest.json", "'design' is not a JSON object"]),
        (lambda t: ["sweep", str(_deep_toml(t / "deep.toml"))], ["deep.toml", "nested too deeply"]),
        (lambda t: ["app", "--host", "8.8.8.8", "--port", "0"], ["--host", "8.8.8.8"]),
        (lambda t: ["schema", "--out", str(_file(t / "afile") / "x")], ["--out", "afile"]),
        (lambda t: ["run", "strategic", "--municipality", "Nowhere"],
         ["--municipality", "Nowhere"]),
        (lambda t: ["run", "strategic", "--region", "Nowhere"], ["--region", "Nowhere"]),
        (lambda t: ["run", "scenarios/sweeps/teaching-grid.toml"], ["is a sweep file", "sweep"]),
        (lambda t: ["sweep", "strategic"], ["is a scenario file", "python run.py run"]),
        (lambda t: ["sweep", "scenarios/sweeps/teaching-grid.toml", "--dask-local", "2",
                    "--scheduler", "tcp://127.0.0.1:8786"], ["--dask-local", "--scheduler"]),
        (lambda t: ["sweep", str(_named(t / "star.toml", "a*b"))], ["name", "'*'"]),
        (lambda t: ["sweep", str(_named(t / "dash.toml", "-x"))], ["name", "'-'"]),
        (lambda t: ["sweep", str(_named(t / "space.toml", "a b"))], ["name", "' '"]),
    ],
)  # fmt: skip
def test_review_mistakes_give_one_line(tmp_path, make, fragments):
    args = make(tmp_path)
    before = files_under(tmp_path)
    result = run_cli(*args, cwd=tmp_path, timeout=120)
    assert_one_line_error(result, *fragments)
    assert "municipalities[" not in result.stderr and "regions[" not in result.stderr
    assert files_under(tmp_path) == before


def _file(path: Path) -> Path:
    path.write_text("x")
    return path


def _named(path: Path, name: str) -> Path:
    path.write_text(SMALL_SWEEP.replace('name = "small"', f"name = {json.dumps(name)}"))
    return path


@pytest.mark.parametrize("value", ["abc", "-5", "0", str(10**12)])
def test_max_runs_environment_variable_that_is_not_allowed(tmp_path, value):
    result = run_cli_env(
        "sweep", "scenarios/sweeps/teaching-grid.toml", "--out", str(tmp_path / "o"),
        env={"WELFARE_MAX_RUNS": value},
    )  # fmt: skip
    assert_one_line_error(result, "WELFARE_MAX_RUNS")
    assert not (tmp_path / "o").exists()


def test_huge_manifest_is_refused_without_reading_it(tmp_path):
    folder = tmp_path / "big"
    folder.mkdir()
    with open(folder / "manifest.json", "wb") as handle:
        handle.truncate(60_000_000)  # sparse: no disk used
    assert_one_line_error(run_cli("sensitivity", str(folder)), "manifest.json", "too large")


def test_resume_and_no_resume_together_is_a_usage_error():
    result = run_cli("sweep", "scenarios/sweeps/teaching-grid.toml", "--resume", "--no-resume")
    assert result.returncode == 2
    assert "not allowed with" in result.stderr
    assert "2 a mistake" in run_cli("--help").stdout


def test_ipv6_addresses_are_bracketed_in_urls():
    from simulation.app import _url_host

    assert _url_host("::1") == "[::1]"
    assert _url_host("127.0.0.1") == "127.0.0.1"


def test_compare_of_files_with_different_seeds_says_which_seed_is_used(tmp_path):
    for name, seed in (("b3", 3), ("s9", 9)):
        (tmp_path / f"{name}.toml").write_text(
            f'name = "{name}"\nextends = "baseline"\nseed = {seed}\n'
        )
    out = tmp_path / "o"
    result = run_cli(
        "compare", str(tmp_path / "b3.toml"), str(tmp_path / "s9.toml"), "--out", str(out),
        *TINY, "-q",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1 and "b3 3" in notes[0] and "s9 9" in notes[0] and "--seed" in notes[0]
    result = run_cli(
        "compare", str(tmp_path / "b3.toml"), str(tmp_path / "s9.toml"), "--out",
        str(tmp_path / "o2"), *TINY, "-q", "--seed", "5",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "note: " not in result.stderr
