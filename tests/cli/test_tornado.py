"""``python run.py tornado``: screening, one-way runs at the planned values, clear errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation.cli.main import main
from simulation.inputs.uncertainties import collapsed, uncertain

TINY = ["--scale", "0.002", "--end-year", "2028", "--workers", "1", "-q"]


def test_a_tiny_tornado_runs_each_top_number_at_its_low_and_high(tmp_path):
    out = tmp_path / "t"
    assert main(["tornado", "--top", "2", "--draws", "4", "--out", str(out), *TINY]) == 0
    tornado = pd.read_csv(out / "tornado.csv")
    runs = pd.read_csv(out / "tornado_runs.csv")
    screening = pd.read_csv(out / "screening.csv")
    table = uncertain()
    assert len(tornado) == 2
    assert set(tornado.parameter) == set(screening.parameter.head(2))
    for row in tornado.itertuples():
        assert row.low == pytest.approx(table[row.parameter].low)
        assert row.high == pytest.approx(table[row.parameter].high)
        for level in ("low", "high"):
            run = runs[(runs.parameter == row.parameter) & (runs.level == level)]
            assert len(run) == 1
            # the number at its end, every other one at its central value
            assert run[row.parameter].iloc[0] == pytest.approx(getattr(row, level))
            others = [p for p in tornado.parameter if p != row.parameter]
            for other in others:
                assert run[other].iloc[0] == pytest.approx(collapsed()[other])
            outcome = run["outcome"].iloc[0]
            assert getattr(row, f"outcome_{level}") == pytest.approx(outcome)
    central = runs[runs.level == "central"]["outcome"].iloc[0]
    assert np.isfinite(central) and (tornado.central == central).all()
    assert (out / "figures" / "tornado.svg").is_file()


def _fake_psa(folder, n=8):
    rng = np.random.default_rng(0)
    names = list(uncertain())[:3]
    draws = pd.DataFrame({"draw": range(n), "seed": range(1, n + 1)})
    for name in names:
        u = uncertain()[name]
        draws[name] = rng.uniform(u.low, u.high, n) if u.high > u.low else u.central
    rows = []
    for d in range(n):
        for scenario, cost in (("patchwork", 0.0), ("strategic", 1e9 * draws[names[0]][d])):
            rows.append(
                {
                    "draw": d,
                    "scenario": scenario,
                    "account": "budget",
                    "payer": "total",
                    "pv_net_cost": cost,
                }
            )
    folder.mkdir()
    draws.to_csv(folder / "draws.csv", index=False)
    pd.DataFrame(rows).to_csv(folder / "psa.csv", index=False)
    (folder / "report.html").write_text(
        '<html lang="en"><p class="note" id="tornado-slot">none yet</p></html>', encoding="utf-8"
    )
    (folder / "manifest.json").write_text("{}", encoding="utf-8")
    return names


def test_from_a_psa_folder_it_screens_its_draws_and_adds_the_chart(tmp_path):
    folder = tmp_path / "psa"
    names = _fake_psa(folder)
    assert main(["tornado", "--from", str(folder), "--top", "1", *TINY]) == 0
    tornado = pd.read_csv(folder / "tornado.csv")
    assert list(tornado.parameter) == [names[0]]  # the one that moves the difference
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert 'id="fig-tornado"' in page and "none yet" not in page
    assert "tornado" in (folder / "manifest.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--top", "0"], "--top must be a whole number from 1 to 200"),
        (["--seeds", "0"], "--seeds must be a whole number"),
        (["--draws", "2"], "--draws must be a whole number from 3"),
        (["--from", "no/such/folder"], "no such results folder"),
        (["strategic"], "compares strategic with patchwork"),
    ],
)
def test_bad_input_is_one_clear_error(args, message, capsys, tmp_path):
    status = main(["tornado", *args, "--out", str(tmp_path / "x"), *TINY])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 1 and len(err) == 1
    assert err[0].startswith("error:") and message in err[0]
    assert not (tmp_path / "x").exists()


def test_a_folder_without_a_psa_is_refused(tmp_path, capsys):
    (tmp_path / "plain").mkdir()
    assert main(["tornado", "--from", str(tmp_path / "plain"), *TINY]) == 1
    assert "no draws.csv and psa.csv" in capsys.readouterr().err
