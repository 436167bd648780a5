"""docs/results.md is generated from a main-job folder, and the README quotes only its numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from simulation.cli.main import main as cli_main
from simulation.documents import results_summary

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def job(tmp_path_factory) -> Path:
    """A tiny main job: the three scenarios, two parameter draws, two seed-only replicates."""
    out = tmp_path_factory.mktemp("job") / "run"
    argv = ["compare", "baseline", "patchwork", "strategic", "--draws", "2", "--replicates", "2"]
    argv += ["--scale", "0.002", "--end-year", "2029", "--out", str(out)]
    assert cli_main(argv) == 0
    return out


def test_the_document_quotes_the_folders_account(job):
    text = results_summary.render(job)
    economy = pd.read_csv(job / "economy.csv")
    row = economy[
        (economy.scenario == "strategic")
        & (economy.account == "budget")
        & (economy.payer == "total")
    ].iloc[0]
    line = next(x for x in text.splitlines() if x.startswith("| strategic | all public budgets |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[2] == f"{row['net_saving_pv_dkk'] / 1e9:,.1f}"
    assert cells[5] == f"{row['net_saving_undiscounted_dkk'] / 1e9:,.1f}"
    # the central value is the seed-only replicates' mean saving, recomputed here
    seed = pd.read_csv(job / "seed_only.csv")
    run = "replicate" if "replicate" in seed.columns else "draw"
    sel = seed[(seed.account == "budget") & (seed.payer == "total")]
    cost = sel.pivot_table(index=run, columns="scenario", values="pv_net_cost")
    assert cells[4] == f"{(cost['baseline'] - cost['strategic']).mean() / 1e9:,.1f}"
    assert "2 parameter draws" in text


def test_a_folder_without_the_files_is_one_clear_error(tmp_path, capsys):
    assert results_summary.main(["--from", str(tmp_path), "--out", str(tmp_path / "x.md")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and "manifest.json" in err[0]
    assert not (tmp_path / "x.md").exists()


def _numbers(text: str) -> set[str]:
    text = text.replace("\u2212", "-")
    return {m.strip("+-") for m in re.findall(r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?", text)}


def test_every_number_of_the_readme_headline_is_in_docs_results():
    """The README's "What it says so far" quotes docs/results.md, never a stale run."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What it says so far", 1)[1].split("\n## ", 1)[0]
    results = (ROOT / "docs" / "results.md").read_text(encoding="utf-8")
    # section numbers of documents the README points to are not results
    section = re.sub(r"section \d+", "", section)
    missing = sorted(_numbers(section) - _numbers(results))
    assert not missing, f"README numbers not in docs/results.md: {missing}"
