"""The project installs like a package: a wheel with the scenarios, a console script, a version.

The slow test builds the sdist and the wheel from a copy of the sources, installs the wheel into a
fresh virtual environment and runs the command line from an empty folder. The new environment
has no access to the system's packages; the dependencies come from this test's environment
through a ``.pth`` file (so the test needs no network), while ``welfare-abm`` itself comes only
from the wheel.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

from simulation.cli.main import main
from simulation.cli.version import version
from simulation.scenario import ScenarioError, load_scenario
from simulation.shipped import checkout_root, find_scenario, scenario_dir

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- fast checks
def test_every_package_is_listed_for_the_wheel():
    from setuptools import find_packages

    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = set(find_packages(str(ROOT), include=["simulation", "simulation.*"]))
    data = {"simulation._scenarios"} | {
        f"simulation._scenarios.{p.name}" for p in (ROOT / "scenarios").iterdir() if p.is_dir()
    }
    assert listed == found | data, (
        "pyproject.toml's [tool.setuptools] packages must list every package under simulation/"
    )


def test_one_version_source():
    expected = PYPROJECT["project"]["version"]
    assert version() == expected
    import simulation

    assert simulation.__version__ == expected
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^version: (\S+)$", cff, re.M).group(1) == expected


@pytest.mark.parametrize("prog", ["run.py", "welfare-abm", "python -m simulation"])
def test_version_option(prog, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"], prog=prog)
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"welfare-abm {PYPROJECT['project']['version']}"


def test_licence_and_citation():
    assert PYPROJECT["project"]["license"] == "Apache-2.0"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert "cff-version: 1.2.0" in cff and "license: Apache-2.0" in cff


def test_checkout_finds_its_scenarios():
    assert checkout_root() == ROOT
    assert scenario_dir() == ROOT / "scenarios"


@pytest.mark.parametrize(
    ("name", "file"),
    [
        ("strategic", "strategic.toml"),
        ("strategic.toml", "strategic.toml"),
        ("scenarios/strategic.toml", "strategic.toml"),
        ("levers/scaling", "levers/scaling.toml"),
        ("scaling", "levers/scaling.toml"),
        ("sweeps/teaching-grid", "sweeps/teaching-grid.toml"),
    ],
)
def test_find_scenario(name, file):
    assert find_scenario(name) == scenario_dir() / file


@pytest.mark.parametrize("name", ["", "nosuch", "../pyproject", "/etc/passwd"])
def test_find_scenario_none(name):
    assert find_scenario(name) is None


def test_load_scenario_by_name_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_scenario("strategic").name == "strategic"
    assert load_scenario("levers/scaling").sources[0] == scenario_dir() / "levers/scaling.toml"
    # A file of that name in the folder comes first; its extends still finds shipped names.
    (tmp_path / "strategic.toml").write_text(
        'name = "mine"\nextends = "levers/scaling"\nseed = 7\n', encoding="utf-8"
    )
    mine = load_scenario("strategic.toml")
    assert mine.name == "mine" and mine.seed == 7
    assert mine.sources[1] == scenario_dir() / "levers/scaling.toml"
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario("nosuch")


# --------------------------------------------------------------------------- the wheel
def _copy_sources(to: Path) -> None:
    """Copy what the build reads (a clean copy: no build/ or egg-info in the checkout)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    to.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "CITATION.cff"):
        shutil.copy2(ROOT / name, to / name)
    for name in ("simulation", "scenarios"):
        shutil.copytree(ROOT / name, to / name, ignore=ignore)


def _run(args: list[str | Path], cwd: Path, env: dict[str, str], timeout: float = 300):
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.mark.slow
def test_wheel_installs_and_runs_from_any_folder(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["MPLBACKEND"] = "Agg"
    src, dist, venv, work = (tmp_path / n for n in ("src", "dist", "venv", "work"))
    _copy_sources(src)
    work.mkdir()

    # The sdist, then the wheel built from the sdist (so the sdist must carry the scenarios).
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, src], tmp_path, env)
    (wheel,) = dist.glob("welfare_abm-*.whl")

    # A fresh environment without the system's packages; this environment's site-packages
    # (the dependencies) on its path through a .pth file, welfare-abm only from the wheel.
    _run([sys.executable, "-m", "venv", "--without-pip", venv], tmp_path, env)
    python = venv / "bin" / "python"
    purelib = Path(
        _run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], work, env
        ).stdout.strip()
    )
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (purelib / "_welfare_abm_test_deps.pth").write_text("\n".join(sorted(ours)) + "\n")
    _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps"]
        + ["--no-index", wheel],
        tmp_path,
        env,
    )
    script = venv / "bin" / "welfare-abm"

    where = _run(
        [
            python,
            "-c",
            "import simulation, simulation.shipped as s; "
            "print(simulation.__file__); print(s.scenario_dir())",
        ],
        work,
        env,
    ).stdout.split()
    assert Path(where[0]).is_relative_to(venv), "simulation was not imported from the wheel"
    assert Path(where[1]) == Path(where[0]).parent / "_scenarios"

    expected = f"welfare-abm {PYPROJECT['project']['version']}"
    assert _run([script, "--version"], work, env).stdout.strip() == expected
    assert _run([python, "-m", "simulation", "--version"], work, env).stdout.strip() == expected

    listing = _run([script, "list", "scenarios"], work, env).stdout
    for name in ("baseline.toml", "patchwork.toml", "strategic.toml", "levers/scaling.toml"):
        assert name in listing

    _run(
        [
            python,
            "-c",
            "from simulation.scenario import load_scenario; "
            "load_scenario('strategic'); load_scenario('levers/scaling')",
        ],
        work,
        env,
    )
    _run([script, "validate", "strategic", "sweeps/teaching-grid"], work, env)

    out = work / "out"
    _run(
        [script, "run", "baseline", "--scale", "0.002", "--end-year", "2028", "--out", out]
        + ["--quiet", "--workers", "1"],
        work,
        env,
    )
    assert (out / "summary.csv").is_file() and (out / "report.html").is_file()
    assert not list(work.glob("results*")), "the run wrote outside --out"
