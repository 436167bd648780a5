"""References that resolve: the documents and docstrings name only modules, objects and files
that are in the repository, and cite original sources rather than notes kept outside it.

Scanned: the documents under ``docs/``, the READMEs, every ``.py`` under ``simulation/`` (and the
examples in ``docs/``), the scenario files and the data files' source texts
(``simulation/inputs/data/*.csv``, from which ``docs/parameters.md`` is generated). Paths under
``results/`` other than its README are the outputs of runs (not kept in the repository) and are
not checked.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted(
    [
        *(ROOT / "docs").rglob("*.md"),
        ROOT / "README.md",
        ROOT / "results" / "README.md",
        ROOT / "benchmarks" / "README.md",
    ]
)
SOURCES = sorted([*(ROOT / "simulation").rglob("*.py"), *(ROOT / "docs").rglob("*.py")])
DATA = sorted((ROOT / "simulation" / "inputs" / "data").glob("*.csv"))
SCENARIOS = sorted((ROOT / "scenarios").rglob("*.toml"))
TEXTS = DOCUMENTS + SOURCES
TOP_LEVEL = ("simulation", "docs", "tests", "scenarios", "results", "benchmarks", ".ci")

DOTTED = re.compile(r"(?<![\w./-])simulation(?:\.[A-Za-z_]\w*)+")
BACKTICKED = re.compile(r"`+([^`\n]+?)`+")
LINK = re.compile(r"\]\(([^)\s]+)\)")
FORBIDDEN = re.compile(
    r"\bDESIGN(?:\.md\b|\s+(?:section\s+)?\d)"
    r"|\bFACTS\b"
    r"|\bECONOMICS\b"
    r"|\.\./shared\b"
    r"|/work/shared\b"
)


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def dotted_references(text: str) -> set[str]:
    """Every ``simulation.x.y`` a text names (in backticks, roles, ``python -m``, or code)."""
    return {m.group(0).rstrip(".") for m in DOTTED.finditer(text)}


# packages that exist only in an installed wheel, and the folder of the checkout they map
WHEEL_ONLY = {"simulation._scenarios": ROOT / "scenarios"}


def resolves(name: str) -> bool:
    """Whether ``name`` is a module of the package, or an attribute (chain) of one."""
    if name in WHEEL_ONLY:
        return WHEEL_ONLY[name].is_dir()
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        module_name = ".".join(parts[:cut])
        try:
            spec = importlib.util.find_spec(module_name)
        except (ModuleNotFoundError, ValueError):
            spec = None
        if spec is None:
            continue
        obj = importlib.import_module(module_name)
        for attribute in parts[cut:]:
            if not hasattr(obj, attribute):
                # an instance attribute the class sets in a method
                return inspect.isclass(obj) and f"self.{attribute} =" in inspect.getsource(obj)
            obj = getattr(obj, attribute)
        return True
    return False


def path_references(path: Path, text: str) -> set[tuple[str, Path]]:
    """Repository paths a text names: backticked paths from the root, and relative links."""
    out = set()
    for m in BACKTICKED.finditer(text):
        token = m.group(1).strip().split("::")[0].split(":")[0]
        token = token.split()[0] if token.split() else ""
        if token.startswith("./"):
            token = token[2:]
        first = token.split("/")[0]
        if ("/" in token and first in TOP_LEVEL) or token in ("README.md", "pyproject.toml"):
            # from the repository's root, or (a folder's README) from the file's own folder
            here = path.parent / token
            if here.exists():
                out.add((token, here))
            elif first != "results" or token == "results/README.md":
                out.add((token, ROOT / token))
    if path.suffix == ".md":
        for m in LINK.finditer(text):
            target = m.group(1).split("#")[0]
            if not target or re.match(r"^[a-z]+:", target):
                continue
            out.add((target, (path.parent / target)))
    return {(token, full) for token, full in out if not re.search(r"[*<>{}$]|\.\.\.|YYYY", token)}


@pytest.mark.parametrize("path", TEXTS, ids=relative)
def test_dotted_references_name_modules_that_exist(path):
    missing = sorted(n for n in dotted_references(path.read_text()) if not resolves(n))
    assert not missing, f"{relative(path)} names modules or objects that do not exist: {missing}"


@pytest.mark.parametrize("path", DOCUMENTS + SOURCES, ids=relative)
def test_file_references_exist(path):
    missing = sorted(
        token
        for token, full in path_references(path, path.read_text())
        if not full.resolve().exists()
    )
    assert not missing, f"{relative(path)} refers to files not in the repository: {missing}"


@pytest.mark.parametrize("path", TEXTS + DATA + SCENARIOS, ids=relative)
def test_no_references_to_files_outside_the_repository(path):
    found = sorted({m.group(0) for m in FORBIDDEN.finditer(path.read_text())})
    assert not found, (
        f"{relative(path)} cites notes outside the repository ({found}): cite the original "
        "source (publisher, title, year, URL) or the repository's own document instead"
    )


def test_the_checks_catch_bad_references(tmp_path):
    """A planted bad reference of each kind is found (the checks can fail)."""
    assert not resolves("simulation.app.server")
    assert not resolves("simulation.app.figures")
    assert not resolves("simulation.year.needs.NoSuchThing")
    assert resolves("simulation.year.needs.NeedModel.step_cells")
    assert resolves("simulation.cli.main")
    assert resolves("simulation.app.controller.ClassroomController.settings_version")
    assert not resolves("simulation.app.controller.ClassroomController.no_such_setting")
    text = "see `simulation.app.server` and :func:`simulation.report.html.nothing_here`."
    planted = {"simulation.app.server", "simulation.report.html.nothing_here"}
    assert dotted_references(text) == planted
    doc = tmp_path / "x.md"
    text = "`docs/NOPE.md`, [odd](../docs/ODD.md), `simulation/inputs/data/areas.csv`, [n](gone.md)"
    found = {token for token, full in path_references(doc, text) if not full.resolve().exists()}
    assert "docs/NOPE.md" in found and "gone.md" in found
    assert "simulation/inputs/data/areas.csv" not in found
    for bad in ("DESIGN 3.3", "see FACTS.md", "(FACTS 4.1)", "../shared/DESIGN.md", "ECONOMICS.md"):
        assert FORBIDDEN.search(bad), bad
    for fine in ("store.DESIGN_MATRIX", "DESIGN = 'design.parquet'", "the design"):
        assert not FORBIDDEN.search(fine), fine
