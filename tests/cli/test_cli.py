"""The command line end to end: runs, reports, bad input, interruption, a new user's path."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import sigint_as_at_a_terminal

ROOT = Path(__file__).resolve().parents[2]
FAST = ["--scale", "0.003", "--end-year", "2030", "--replicates", "2", "--workers", "1"]


def run_cli(*args: str, cwd: Path = ROOT, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, str(ROOT / "run.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def read_until(stream, pattern: re.Pattern[str], limit: int = 100_000) -> str | None:
    """Read a text stream character by character until ``pattern`` matches (progress bars
    redraw with carriage returns, so lines do not end); ``None`` at the end of the stream."""
    seen = ""
    while len(seen) < limit:
        char = stream.read(1)
        if not char:
            return None
        seen += char
        if pattern.search(seen[-200:]):
            return seen
    return None


def assert_user_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 1, result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ") or "\nerror: " in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


# ---------------------------------------------------------------------------- good runs
def test_run_one_municipality_by_ascii_name(tmp_path):
    out = tmp_path / "aabenraa"
    result = run_cli("run", "strategic", "--municipality", "Aabenraa", "--out", str(out), *FAST)
    assert result.returncode == 0, result.stderr
    assert (out / "report.html").exists()
    table = pd.read_parquet(out / "timeseries.parquet")
    assert set(table.municipality) == {580}  # Aabenraa
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["municipalities"]["strategic"] == [580]
    assert manifest["seeds"] == [1, 2]
    assert (out / "scenarios" / "strategic.toml").exists()


def test_compare_three_scenarios_produces_every_figure_and_the_key_table(tmp_path):
    out = tmp_path / "cmp"
    result = run_cli(
        "compare",
        "baseline",
        "patchwork",
        "strategic",
        "--region",
        "Nordjylland",
        "--out",
        str(out),
        *FAST,
    )
    assert result.returncode == 0, result.stderr
    figures = {p.stem for p in (out / "figures").glob("*.png")}
    expected = {
        "net_cost_by_scenario",
        "cost_by_area",
        "difference_by_area",
        "mobilisation",
        "population_pyramid",
        "tile_map_strategic",
        "tile_map_patchwork",
    }
    assert expected <= figures
    assert {p.stem for p in (out / "figures").glob("*.svg")} == figures
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("<figure") >= len(expected)
    assert "Net public cost 2030" in html and "<table" in html
    assert "http://" not in html and "https://" not in html
    for name in ("summary.csv", "key_figures.csv", "timeseries.parquet", "manifest.json"):
        assert (out / name).exists()
    assert "Difference to Baseline" in result.stdout  # the key-figure table is printed


def test_danish_report(tmp_path):
    out = tmp_path / "da"
    result = run_cli(
        "run", "baseline", "--municipality", "Læsø", "--lang", "da", "--out", str(out), *FAST
    )
    assert result.returncode == 0, result.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'lang="da"' in html
    assert "Nøgletal" in html and "Offentlig nettoudgift" in html
    svg = (out / "figures" / "cost_by_area.svg").read_text(encoding="utf-8")
    assert "Ældrepleje" in svg


def test_list_and_validate():
    levers = run_cli("list", "levers")
    assert levers.returncode == 0 and "quality_assurance" in levers.stdout
    assert "allowed: a number from 0 to 1" in levers.stdout
    for what in ("uncertainties", "scenarios", "municipalities", "metrics", "regions"):
        assert run_cli("list", what).returncode == 0, what
    ok = run_cli("validate", "scenarios/strategic.toml", "scenarios/sweeps/teaching-grid.toml")
    assert ok.returncode == 0, ok.stderr


def test_help_everywhere():
    for args in ([], ["run"], ["compare"], ["sweep"], ["list"], ["validate"], ["app"]):
        result = run_cli(*args, "--help")
        assert result.returncode == 0 and "usage" in result.stdout.lower(), args


# ---------------------------------------------------------------------------- bad input
BAD_SCENARIOS = {
    "unknown_lever": ("[levers]\nfacilitaton = 1.0\n", ["levers.facilitaton", "facilitation"]),
    "out_of_range": ("[levers]\nfacilitation = 9.0\n", ["levers.facilitation", "0 to 3"]),
    "wrong_type": ('[levers]\nfacilitation = "lots"\n', ["levers.facilitation"]),
    "bool_for_number": ("[levers]\ncompetence = true\n", ["levers.competence"]),
    "bad_choice": ('[levers]\npublic_role = "boss"\n', ["levers.public_role", "driver"]),
    "unknown_uncertainty": ("[uncertainties]\neffect_scal = 1.0\n", ["effect_scale"]),
    "unknown_top_key": ("replicate = 3\n", ["replicate"]),
    "unknown_area": ("[areas.eldercare]\nfacilitation = 1.0\n", ["eldercare", "elderly_care"]),
    "unknown_municipality": ('municipalities = ["Koebenhaven"]\n', ["Koebenhaven", "København"]),
    "unknown_region": ('regions = ["Hovedstad"]\n', ["Hovedstad"]),
    "toml_syntax": ("[levers]\nfacilitation = = 1\n", ["line 2"]),
    "negative_scale": ("scale = -0.1\n", ["scale"]),
    "empty_file": ("", ["empty"]),
    "missing_parent": ('extends = "nonexistent.toml"\n', ["nonexistent.toml"]),
    "variation_bad_dist": (
        '[variation]\nfacilitation = { dist = "normal", low = 0, high = 1 }\n',
        ["variation.facilitation"],
    ),
    "per_unit_non_unit_lever": ("[areas.health]\nadoption = 0.5\n", ["adoption"]),
    "lever_at_top_level": ("facilitation = 1.0\n", ["facilitation"]),
    "end_year_out_of_range": ("end_year = 2070\n", ["end_year"]),
}


@pytest.mark.parametrize("kind", sorted(BAD_SCENARIOS))
def test_bad_scenario_file_gives_one_clear_message(tmp_path, kind):
    text, fragments = BAD_SCENARIOS[kind]
    path = tmp_path / f"{kind}.toml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("run", str(path), "--out", str(tmp_path / "out"), *FAST)
    assert_user_error(result, path.name, *fragments)
    assert not (tmp_path / "out").exists()
    assert_user_error(run_cli("validate", str(path)), path.name)


def test_extends_cycle(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    assert_user_error(run_cli("validate", str(tmp_path / "a.toml")), "a.toml", "cycle")


def test_missing_file_directory_and_binary(tmp_path):
    assert_user_error(run_cli("run", str(tmp_path / "nothere.toml")), "nothere.toml")
    assert_user_error(run_cli("validate", str(tmp_path)), str(tmp_path.name))
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00\x01scale = 1")
    assert_user_error(run_cli("validate", str(binary)), "binary.toml")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--municipality", "Koebenhaven"], ["Koebenhaven", "København"]),
        (["--region", "Jylland"], ["Jylland"]),
        (["--scale", "0"], ["scale"]),
        (["--scale", "2"], ["scale"]),
        (["--end-year", "2060"], ["end"]),
        (["--replicates", "0"], ["replicates"]),
        (["--workers", "0"], ["workers"]),
    ],
)
def test_bad_command_line_values(tmp_path, args, fragments):
    result = run_cli("run", "baseline", "--out", str(tmp_path / "o"), *args)
    assert_user_error(result, *fragments)
    assert not (tmp_path / "o").exists()


def test_unknown_scenario_name():
    assert_user_error(run_cli("run", "strategc"), "strategc")


def test_existing_output_folder_is_not_overwritten(tmp_path):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "something.txt").write_text("keep me")
    result = run_cli("run", "baseline", "--out", str(out), *FAST)
    assert_user_error(result, "taken")
    assert (out / "something.txt").read_text() == "keep me"


def test_bad_sweep_file(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text(
        'sampler = "sobol"\nsamples = 8\n[parameters]\nfacilitaton = { low = 0, high = 1 }\n'
    )
    assert_user_error(run_cli("sweep", str(path), "--out", str(tmp_path / "s")), "facilitaton")


# ---------------------------------------------------------------------------- interruption
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_interrupted_run_leaves_no_folder_that_looks_complete(tmp_path, sig):
    out = tmp_path / "interrupted"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "run.py"),
            "compare",
            "baseline",
            "strategic",
            "--scale",
            "0.01",
            "--replicates",
            "10",
            "--workers",
            "1",
            "--out",
            str(out),
            "--progress",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=sigint_as_at_a_terminal,
    )
    # interrupt mid-run: once the progress bar shows a finished run, not after a fixed time
    header = proc.stderr.readline()
    assert header.startswith("Simulating"), header
    shown = read_until(proc.stderr, re.compile(r"\b([1-9]|1[0-9])/20\b"))
    assert shown, "the progress bar never showed a finished run"
    proc.send_signal(sig)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    assert not out.exists()
    leftovers = list(tmp_path.glob(".incomplete-*"))
    for folder in leftovers:
        assert not (folder / "manifest.json").exists()


# ---------------------------------------------------------------------------- a new user
def test_new_user_copies_strategic_changes_one_lever_for_one_municipality(tmp_path):
    text = (ROOT / "scenarios" / "strategic.toml").read_text(encoding="utf-8")
    text = text.replace(
        'extends = "baseline.toml"', f'extends = "{ROOT / "scenarios" / "baseline.toml"}"'
    )
    text = text.replace('name = "strategic"', 'name = "my-strategy"')
    text += '\n[municipality."Aabenraa"]\nquality_assurance = 1.0\n'
    mine = tmp_path / "my-strategy.toml"
    mine.write_text(text, encoding="utf-8")
    assert run_cli("validate", str(mine)).returncode == 0
    out = tmp_path / "mine"
    result = run_cli(
        "compare", "baseline", str(mine), "--municipality", "Aabenraa", "--out", str(out), *FAST
    )
    assert result.returncode == 0, result.stderr
    resolved = (out / "scenarios" / "my-strategy.toml").read_text(encoding="utf-8")
    assert "quality_assurance = 1.0" in resolved
    assert "Aabenraa" in resolved
    assert (out / "report.html").exists()
