"""Generate ``docs/parameters.md``: every number of the model with its unit, source and confidence.

The table is made from the data files, so the documentation cannot drift from what the model
uses; a test checks that the committed file is up to date. Regenerate it with
``python -m simulation.documents.parameter_table``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from simulation.inputs.data import read_table, source_lines
from simulation.shipped import checkout_root

__all__ = ["render", "write", "DOC_PATH"]

#: The repository's document (``docs/`` in the current folder when the package is installed).
DOC_PATH = (checkout_root() or Path.cwd()) / "docs" / "parameters.md"

_TABLES = (  # every table the model reads, in the order of the documentation
    ("areas.csv", "Welfare areas and their calibration targets"),
    ("spending.csv", "Reported spending per area, in 2026 prices"),
    ("price_index.csv", "Price index to 2026 prices"),
    ("need_levels.csv", "Need levels"),
    ("service_use.csv", "Services a need case uses"),
    ("service_prices.csv", "Prices of services and transfers by payer"),
    ("fixed_costs.csv", "Fixed part of each area's cost"),
    ("integration_exits.csv", "Where integration leavers go"),
    ("welfare_economics.csv", "The welfare-economic account"),
    ("need_prevalence.csv", "Need prevalence by age"),
    ("statutory_services.csv", "Statutory services in every baseline"),
    ("initiative_types.csv", "Kinds of initiative and their evidence"),
    ("demography.csv", "Demography"),
    ("volunteering.csv", "Volunteering"),
    ("actors.csv", "Non-public actors"),
    ("strategy.csv", "Strategy mechanisms and lever costs"),
    ("offending.csv", "Reoffending"),
    ("emigration_profile.csv", "Emigration by age"),
    ("internal_moves.csv", "Moves between municipalities by age"),
    ("age_groups.csv", "FRKM126 age groups"),
)


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(frame: pd.DataFrame) -> str:
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    rows = [
        "| " + " | ".join(_cell(v) for v in row) + " |" for row in frame.itertuples(index=False)
    ]
    return "\n".join([head, rule, *rows])


def _provenance(name: str) -> str:
    lines = [line.lstrip("# ").strip() for line in source_lines(name)]
    return " ".join(lines)


def render() -> str:
    """Return the parameter documentation as Markdown."""
    parts = [
        "# Parameters",
        "",
        "Generated from the data files in `simulation/inputs/data/` by `python -m "
        "simulation.documents.parameter_table`; do not edit by hand. Confidence: A official "
        "statistics, B secondary source quoting an official one, C old or indirect, "
        "`assumption` our own choice with the reasoning given, `calibrated` set so that the model "
        "reproduces data.",
        "",
        "## Levers, uncertainties and settings (`parameters.csv`)",
        "",
    ]
    reg = read_table("parameters.csv")
    reg = reg[
        [
            "name",
            "kind",
            "type",
            "default",
            "low",
            "high",
            "unit",
            "question",
            "description",
            "source",
            "confidence",
        ]
    ]
    parts += [_markdown(reg), ""]
    for name, title in _TABLES:
        parts += [f"## {title} (`{name}`)", "", _provenance(name), ""]
        parts += [_markdown(read_table(name)), ""]
    parts += ["## Tables used as they are", ""]
    for name in (
        "frkm126_municipal_population.csv",
        "frkm126_national.csv",
        "lifetable_hmd.csv",
        "asfr_hfd.csv",
        "population_hmd.csv",
        "municipalities_geo.csv",
        "municipalities_adjacency.csv",
        "tile_grid.csv",
        "metrics.csv",
    ):
        parts += [f"- `{name}`: {_provenance(name)}"]
    return "\n".join(parts) + "\n"


def write(path: Path = DOC_PATH) -> Path:
    """Write the Markdown to ``path`` and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8")
    return path


if __name__ == "__main__":
    sys.stdout.write(f"wrote {write()}\n")
