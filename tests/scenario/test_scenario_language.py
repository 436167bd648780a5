"""Tests for simulation.scenario: the scenario language, extends, validation and round trips."""

import math
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simulation.scenario as scenario_module
import simulation.scenario.reading as scenario_reading
from simulation.actors.public_units import regional_areas
from simulation.inputs.places import municipality_codes, municipality_name, region_codes
from simulation.inputs.registry import registry
from simulation.scenario import (
    AREAS,
    Scenario,
    ScenarioError,
    load_scenario,
    sample_variation,
    to_toml,
    validate_files,
)

LEVERS = [k for k, p in registry().items() if p.kind == "lever"]
PER_UNIT = [k for k, p in registry().items() if p.kind == "lever" and p.per_unit]
# the uncertain numbers (dotted names, with a group) appear in a scenario only where it sets them
UNCERTAINTIES = [k for k, p in registry().items() if p.kind == "uncertainty" and not p.group]
SETTINGS = [k for k, p in registry().items() if p.kind == "setting"]
MUNICIPAL_AREAS = [a for a in AREAS if a not in regional_areas()]


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value


# --------------------------------------------------------------------------- the language

FULL = """
name = "strategic-aabenraa"
description = "Strategic, with more coordinators in Aabenraa."
scale = 0.02
seed = 7
replicates = 3
end_year = 2040
municipalities = ["Aabenraa", "Koebenhavn", 751]
regions = ["Nordjylland"]

[levers]
facilitation = 1
public_role = "driver"
action_plan = true
adoption = 0.5

[uncertainties]
effect_scale = 0.5

[areas.elderly_care]
public_role = "enabler"
facilitation = 1.5

[region."Hovedstaden"]
facilitation = 2.0

[region."Hovedstaden".areas.health]
competence = 0.8

[municipality."Aabenraa"]
facilitation = 2.5

[municipality."Aabenraa".areas.employment]
public_role = "enabler"
facilitation = 3

[variation]
quality_assurance = { dist = "bernoulli", p = 0.2, value = 0.5 }
public_role = { dist = "choice", values = ["driver", "enabler"], weights = [3, 1] }
action_plan = { dist = "bernoulli", p = 0.25 }
competence = { dist = "triangular", low = 0, mode = 0.1, high = 0.5 }
scaling = { dist = "uniform", low = 0, high = 0.5 }
"""


def test_full_example(tmp_path):
    s = load_scenario(write(tmp_path, "full.toml", FULL))
    assert s.name == "strategic-aabenraa"
    assert s.settings == {"scale": 0.02, "seed": 7, "replicates": 3, "end_year": 2040}
    assert (s.scale, s.seed, s.replicates, s.end_year) == (0.02, 7, 3, 2040)
    assert set(s.levers) == set(LEVERS) and set(s.uncertainties) == set(UNCERTAINTIES)
    assert s.levers["facilitation"] == 1.0 and isinstance(s.levers["facilitation"], float)
    assert s.levers["action_plan"] is True
    assert s.uncertainties["effect_scale"] == 0.5
    assert s.uncertainties["fertility"] == registry()["fertility"].default
    nordjylland = {c for c in municipality_codes() if 773 <= c <= 860 and c not in (779, 791)}
    assert set(s.municipalities) == {101, 580, 751} | nordjylland
    assert list(s.municipalities) == sorted(s.municipalities)
    assert s.area_overrides == {"elderly_care": {"public_role": "enabler", "facilitation": 1.5}}
    assert s.region_overrides == {1084: {"facilitation": 2.0}}
    assert s.region_area_overrides == {(1084, "health"): {"competence": 0.8}}
    assert s.municipality_overrides == {580: {"facilitation": 2.5}}
    assert s.municipality_area_overrides == {
        (580, "employment"): {"public_role": "enabler", "facilitation": 3.0}
    }
    assert s.variation["quality_assurance"] == {
        "dist": "bernoulli",
        "p": 0.2,
        "value": 0.5,
        "otherwise": 0.0,
    }
    assert s.variation["action_plan"]["value"] is True
    assert s.variation["action_plan"]["otherwise"] is False
    assert s.variation["public_role"]["weights"] == (3.0, 1.0)
    assert s.path == tmp_path / "full.toml"
    assert s.sources == [tmp_path / "full.toml"]


def test_the_documented_example_is_valid(tmp_path):
    doc = scenario_module.__doc__
    example = doc.split("An example with every part::")[1].split("**Welfare areas**")[0]
    text = "\n".join(line[4:] for line in example.splitlines())
    text = text.replace('extends = "strategic.toml"', "")
    s = load_scenario(write(tmp_path, "example.toml", text))
    assert s.name == "strategic-aabenraa"
    assert set(s.variation) == {"facilitation", "quality_assurance", "public_role", "action_plan"}


def test_defaults_and_name_from_the_file(tmp_path):
    s = load_scenario(write(tmp_path, "my-plan.toml", 'description = "x"\n'))
    assert s.name == "my-plan"
    assert s.settings == {k: registry()[k].default for k in SETTINGS}
    assert s.levers == {k: registry()[k].default for k in LEVERS}
    assert s.municipalities is None
    assert len(s.simulated_municipalities()) == 98
    assert s.variation == {}


def test_all_selects_everything_and_single_names_are_accepted(tmp_path):
    assert load_scenario(write(tmp_path, "a.toml", 'municipalities = "all"')).municipalities is None
    s = load_scenario(write(tmp_path, "b.toml", 'municipalities = "Aabenraa"'))
    assert s.municipalities == (580,)
    s = load_scenario(write(tmp_path, "c.toml", "regions = [1084]\nmunicipalities = ['Aarhus']"))
    assert 751 in s.municipalities and 101 in s.municipalities


def test_choice_values_are_case_insensitive_and_integral_floats_are_whole(tmp_path):
    s = load_scenario(write(tmp_path, "a.toml", 'seed = 3.0\n[levers]\npublic_role = "Enabler"'))
    assert s.levers["public_role"] == "enabler"
    assert s.seed == 3 and isinstance(s.seed, int)


def test_utf8_bom_is_accepted(tmp_path):
    path = write(tmp_path, "bom.toml", b'\xef\xbb\xbfname = "K\xc3\xb8ge"\n')
    assert load_scenario(path).name == "Køge"


# --------------------------------------------------------------------------- bad input

BAD = [
    # (kind, file text, key that must be named, words the message must contain)
    ("unknown lever", "[levers]\nfacilitaton = 1", "levers.facilitaton", "'facilitation'"),
    ("out of range", "[levers]\nfacilitation = 9", "levers.facilitation", "from 0 to 3"),
    ("text for number", '[levers]\nfacilitation = "1.0"', "levers.facilitation", "without quotes"),
    ("bool for number", "[levers]\nfacilitation = true", "levers.facilitation", "a number"),
    ("number for bool", "[levers]\naction_plan = 1", "levers.action_plan", "true or false"),
    ("text for bool", '[levers]\naction_plan = "yes"', "levers.action_plan", "true or false"),
    ("unknown choice", '[levers]\npublic_role = "drivr"', "levers.public_role", "'driver'"),
    ("unquoted text", "[levers]\npublic_role = driver", "levers.public_role", "line 2, column"),
    ("decimal comma", "[levers]\nfacilitation = 0,5", "levers.facilitation", "0.5"),
    ("duplicate key", "[levers]\ncompetence = 1\ncompetence = 0", "levers.competence", "twice"),
    ("bad header", "[levers\nfacilitation = 1", "levers", "line 1"),
    ("unknown top key", "scael = 0.1", "scael", "'scale'"),
    ("lever at top", "facilitation = 1", "facilitation", "[levers]"),
    ("settings table", "[settings]\nscale = 0.1", "settings", "top of the file"),
    ("setting in levers", "[levers]\nseed = 3", "levers.seed", "top of the file"),
    (
        "uncertainty in levers",
        "[levers]\neffect_scale = 1",
        "levers.effect_scale",
        "[uncertainties]",
    ),
    (
        "unknown uncertainty",
        "[uncertainties]\neffect_scal = 1",
        "uncertainties.effect_scal",
        "'effect_scale'",
    ),
    (
        "uncertainty range",
        "[uncertainties]\nfertility = 5",
        "uncertainties.fertility",
        "from 1.3 to 2",
    ),
    ("scale out of range", "scale = 2", "scale", "0.0001 to 1"),
    ("seed not whole", "seed = 1.5", "seed", "whole number"),
    ("replicates zero", "replicates = 0", "replicates", "from 1 to 1000"),
    ("end year text", 'end_year = "2050"', "end_year", "without quotes"),
    ("seed is a date", "seed = 2024-01-01", "seed", "date"),
    ("scale is nan", "scale = nan", "scale", "0.0001 to 1"),
    ("name not text", "name = 5", "name", "text in quotes"),
    ("name with slash", 'name = "a/b"', "name", "without /"),
    ("extends not text", "extends = 1", "extends", "text"),
    ("levers not a table", "levers = 1", "levers", "must be a table"),
    ("array of tables", "[[levers]]\nfacilitation = 1", "levers", "must be a table"),
    ("unknown area", "[areas.elderly]\nfacilitation = 1", "areas.elderly", "'elderly_care'"),
    ("area at top", "[elderly_care]\nfacilitation = 1", "elderly_care", "[areas.elderly_care]"),
    (
        "area not per unit",
        "[areas.health]\nadoption = 0.5",
        "areas.health.adoption",
        "whole country",
    ),
    (
        "area unknown lever",
        "[areas.health]\ncompetense = 0.5",
        "areas.health.competense",
        "'competence'",
    ),
    (
        "area value range",
        "[areas.health]\ncompetence = -1",
        "areas.health.competence",
        "from 0 to 1",
    ),
    ("area not a table", "[areas]\nhealth = 1", "areas.health", "must be a table"),
    (
        "unknown municipality",
        '[municipality."Koebenhaven"]\nfacilitation = 1',
        "municipality.Koebenhaven",
        "did you mean København (101)?",
    ),
    (
        "municipality list typo",
        'municipalities = ["Aarhus", "Aabenra"]',
        "municipalities[1]",
        "Aabenraa (580)",
    ),
    ("municipality code", "municipalities = [102]", "municipalities[0]", "101"),
    (
        "municipalities table",
        '[municipalities."Aabenraa"]\nscaling = 1',
        "municipalities",
        "[municipality.",
    ),
    ("empty selection", "municipalities = []", "municipalities", "selects nothing"),
    ("selection not a list", "regions = 1.5", "regions", "list of names"),
    ("unknown region", 'regions = ["Hovedstad"]', "regions[0]", "Region Hovedstaden (1084)"),
    ("unknown region table", '[region."Jylland"]\nscaling = 1', "region.Jylland", "did you mean"),
    (
        "same region twice",
        '[region.Hovedstaden]\nscaling = 1\n[region."Region Hovedstaden"]\ncompetence = 1',
        'region."Region Hovedstaden"',
        "same region",
    ),
    (
        "municipality override of uncertainty",
        "[municipality.Aabenraa]\neffect_scale = 1",
        "municipality.Aabenraa.effect_scale",
        "[uncertainties]",
    ),
    (
        "municipality area typo",
        "[municipality.Aabenraa.areas.employmnt]\nscaling = 1",
        "municipality.Aabenraa.areas.employmnt",
        "'employment'",
    ),
    (
        "region override not per unit",
        "[region.Sjaelland]\nscale = 1",
        "region.Sjaelland.scale",
        "run setting",
    ),
    (
        "unknown distribution",
        '[variation]\nscaling = { dist = "uniformm", low = 0, high = 1 }',
        "variation.scaling.dist",
        "'uniform'",
    ),
    (
        "missing dist",
        "[variation]\nscaling = { low = 0, high = 1 }",
        "variation.scaling.dist",
        "missing",
    ),
    (
        "variation out of range",
        '[variation]\nfacilitation = { dist = "uniform", low = 0, high = 5 }',
        "variation.facilitation.high",
        "from 0 to 3",
    ),
    (
        "variation low above high",
        '[variation]\nfacilitation = { dist = "uniform", low = 1, high = 0.5 }',
        "variation.facilitation.high",
        "at least low",
    ),
    (
        "variation missing field",
        '[variation]\nscaling = { dist = "uniform", low = 0 }',
        "variation.scaling.high",
        "needs low, high",
    ),
    (
        "bernoulli p above 1",
        '[variation]\nquality_assurance = { dist = "bernoulli", p = 1.5, value = 0.5 }',
        "variation.quality_assurance.p",
        "from 0 to 1",
    ),
    (
        "bernoulli without value",
        '[variation]\nquality_assurance = { dist = "bernoulli", p = 0.5 }',
        "variation.quality_assurance.value",
        "missing",
    ),
    (
        "unknown distribution field",
        '[variation]\ncoverage = { dist = "bernoulli", p = 0.5, valu = 1 }',
        "variation.coverage.valu",
        "'value'",
    ),
    (
        "variation of a national lever",
        '[variation]\nadoption = { dist = "uniform", low = 0, high = 1 }',
        "variation.adoption",
        "whole country",
    ),
    ("variation not a table", "[variation]\nscaling = 0.5", "variation.scaling", "[levers]"),
    (
        "uniform of a bool lever",
        '[variation]\naction_plan = { dist = "uniform", low = 0, high = 1 }',
        "variation.action_plan.dist",
        "bernoulli",
    ),
    (
        "choice weights length",
        '[variation]\npublic_role = { dist = "choice", values = ["driver", "enabler"],'
        " weights = [1] }",
        "variation.public_role.weights",
        "2 non-negative",
    ),
    (
        "choice weights negative",
        '[variation]\npublic_role = { dist = "choice", values = ["driver"], weights = [-1] }',
        "variation.public_role.weights[0]",
        "non-negative",
    ),
    (
        "choice value wrong",
        '[variation]\npublic_role = { dist = "choice", values = ["driver", "enablr"] }',
        "variation.public_role.values[1]",
        "'enabler'",
    ),
    (
        "choice values empty",
        '[variation]\npublic_role = { dist = "choice", values = [] }',
        "variation.public_role.values",
        "non-empty",
    ),
    (
        "unknown variation lever",
        '[variation]\nscalling = { dist = "none" }',
        "variation.scalling",
        "'scaling'",
    ),
    ("bad escape", 'name = "a\\q"', "name", "line 1"),
    ("capital True", "[levers]\naction_plan = True", "levers.action_plan", "lower case"),
    ("missing parent", 'extends = "patchwrk.toml"', "extends", "not found"),
]


@pytest.mark.parametrize(("kind", "text", "key", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_names_file_and_key(tmp_path, kind, text, key, words):
    path = write(tmp_path, "bad.toml", text)
    error = error_of(path)
    message = str(error)
    assert error.file == str(path)
    assert error.key == key, message
    assert message.startswith(f"{path}: {key}: "), message
    assert words in message, message
    assert "\n" not in message
    assert "Traceback" not in message


def test_there_are_at_least_twenty_kinds_of_bad_input():
    assert len(BAD) >= 20


def test_missing_file_suggests_the_nearest(tmp_path):
    write(tmp_path, "strategic.toml", "seed = 1")
    error = error_of(tmp_path / "stratgic.toml")
    wanted = tmp_path / "strategic.toml"
    assert str(error) == f"{tmp_path / 'stratgic.toml'}: file not found; did you mean {wanted}?"
    assert error.key is None
    assert "does not exist" in str(error_of(tmp_path / "nope" / "x.toml"))


def test_folder_is_not_a_scenario(tmp_path):
    (tmp_path / "folder.toml").mkdir()
    assert "is a folder" in str(error_of(tmp_path / "folder.toml"))


def test_empty_and_comment_only_files(tmp_path):
    assert "file is empty" in str(error_of(write(tmp_path, "a.toml", "")))
    assert "file is empty" in str(error_of(write(tmp_path, "b.toml", "  \n\n")))
    assert "file is empty" in str(error_of(write(tmp_path, "c.toml", "# only a comment\n")))


def test_not_utf8(tmp_path):
    error = error_of(write(tmp_path, "latin1.toml", 'name = "Køge"'.encode("latin-1")))
    assert "not UTF-8" in str(error) and "line 1, column 10" in str(error)


def test_errors_survive_pickling(tmp_path):
    import pickle

    error = error_of(write(tmp_path, "p.toml", "seed = -1"))
    again = pickle.loads(pickle.dumps(error))
    assert (str(again), again.file, again.key) == (str(error), error.file, error.key)


def test_unreadable_file(tmp_path, monkeypatch):
    path = write(tmp_path, "locked.toml", "seed = 1")

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert str(error_of(path)) == f"{path}: cannot read the file: permission denied"


def test_too_large_file(tmp_path):
    path = write(tmp_path, "huge.toml", "# x\n" * 300_000)
    assert "too large" in str(error_of(path))


def test_syntax_error_gives_line_and_column(tmp_path):
    path = write(tmp_path, "s.toml", "seed = 1\n\n[levers]\npublic_role = enabler\n")
    message = str(error_of(path))
    assert "line 4, column 15" in message
    assert '"enabler"' in message


def test_validate_files(tmp_path):
    good = write(tmp_path, "good.toml", "seed = 2")
    bad = write(tmp_path, "bad.toml", "seed = -2")
    errors = validate_files([good, bad, tmp_path / "missing.toml"])
    assert [e.file for e in errors] == [str(bad), str(tmp_path / "missing.toml")]
    assert validate_files([good]) == []


# --------------------------------------------------------------------------- extends


def test_three_level_chain(tmp_path):
    write(
        tmp_path,
        "base.toml",
        'description = "the base"\nscale = 0.05\nseed = 3\nmunicipalities = ["Aarhus"]\n'
        "[levers]\nfacilitation = 1\ncompetence = 0.5\n"
        "[areas.health]\nscaling = 0.1\ncompetence = 0.2\n"
        '[variation]\nquality_assurance = { dist = "uniform", low = 0, high = 0.3 }\n'
        'coverage = { dist = "bernoulli", p = 0.5, value = 1 }\n'
        'scaling = { dist = "uniform", low = 0, high = 0.3 }\n',
    )
    (tmp_path / "sub").mkdir()
    write(
        tmp_path / "sub",
        "middle.toml",
        'extends = "../base.toml"\nname = "middle"\nseed = 4\n'
        "[levers]\ncompetence = 0.9\n[areas.health]\nscaling = 0.4\n"
        '[variation]\nquality_assurance = { dist = "bernoulli", p = 0.1, value = 1 }\n'
        'coverage = { dist = "none" }\n',
    )
    child = write(
        tmp_path / "sub",
        "child.toml",
        'extends = "middle"\nregions = ["Hovedstaden"]\n[levers]\nscaling = 0.2\n',
    )
    s = load_scenario(child)
    assert s.name == "child"  # never inherited
    assert s.description == "the base"  # inherited when absent
    assert s.settings["scale"] == 0.05 and s.seed == 4
    assert s.levers["facilitation"] == 1.0 and s.levers["competence"] == 0.9
    assert s.levers["scaling"] == 0.2
    assert s.area_overrides == {"health": {"scaling": 0.4, "competence": 0.2}}  # merged deeply
    assert s.variation == {  # replaced whole; 'none' removes; a child's lever drops a variation
        "quality_assurance": {"dist": "bernoulli", "p": 0.1, "value": 1.0, "otherwise": 0.0}
    }
    assert 751 not in s.municipalities and 101 in s.municipalities  # selection replaced
    assert s.sources == [child, tmp_path / "sub" / "middle.toml", tmp_path / "sub/../base.toml"]


def test_extends_finds_shipped_scenarios(tmp_path, monkeypatch):
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    write(shipped, "strategic.toml", "[levers]\nfacilitation = 2")
    monkeypatch.setattr(scenario_reading, "SCENARIO_DIR", shipped)
    (tmp_path / "home").mkdir()
    copy = write(tmp_path / "home", "mine.toml", 'extends = "strategic.toml"\nseed = 5')
    assert load_scenario(copy).levers["facilitation"] == 2.0


def test_error_in_parent_names_the_parent(tmp_path):
    parent = write(tmp_path, "parent.toml", "[levers]\nfacilitation = 30")
    child = write(tmp_path, "child.toml", 'extends = "parent.toml"')
    error = error_of(child)
    assert error.file == str(parent) and error.key == "levers.facilitation"


@pytest.mark.parametrize("length", [1, 2, 3])
def test_cycles(tmp_path, length):
    names = [f"s{i}.toml" for i in range(length)]
    for i, name in enumerate(names):
        write(tmp_path, name, f'extends = "{names[(i + 1) % length]}"')
    error = error_of(tmp_path / names[0])
    assert error.key == "extends"
    assert "extends cycle: " in str(error)
    chain = str(error).split("extends cycle: ")[1].split(" -> ")
    assert len(chain) == length + 1 and chain[0] == chain[-1]


def test_missing_parent_suggests(tmp_path):
    write(tmp_path, "patchwork.toml", "seed = 1")
    error = error_of(write(tmp_path, "c.toml", 'extends = "patchwrk.toml"'))
    assert '"patchwork.toml"' in str(error) and error.key == "extends"


# --------------------------------------------------------------------------- levers per unit


def test_lever_for_precedence(tmp_path):
    s = load_scenario(
        write(
            tmp_path,
            "p.toml",
            "[levers]\nfacilitation = 0.1\n"
            "[region.Syddanmark]\nfacilitation = 0.2\n"
            "[areas.employment]\nfacilitation = 0.3\n"
            "[region.Syddanmark.areas.employment]\nfacilitation = 0.4\n"
            "[municipality.Aabenraa]\nfacilitation = 0.5\n"
            "[municipality.Aabenraa.areas.employment]\nfacilitation = 0.6\n"
            '[variation]\nfacilitation = { dist = "uniform", low = 0, high = 3 }\n',
        )
    )
    drawn = {"facilitation": 2.9}
    assert s.lever_for(101, "health")["facilitation"] == 0.1  # base (variation excluded)
    assert s.lever_for(101, "health", drawn)["facilitation"] == 2.9  # draw beats base
    assert s.lever_for(461, "health", drawn)["facilitation"] == 0.2  # region beats draw
    assert s.lever_for(101, "employment", drawn)["facilitation"] == 0.3  # area beats region
    assert s.lever_for(461, "employment", drawn)["facilitation"] == 0.4  # region x area
    assert s.lever_for(580, "health", drawn)["facilitation"] == 0.5  # municipality
    assert s.lever_for(580, "employment", drawn)["facilitation"] == 0.6  # municipality x area
    assert set(s.lever_for(101, "health")) == set(LEVERS)
    assert s.overridden(101, "health") == frozenset()
    assert s.overridden(580, "health") == {"facilitation"}
    with pytest.raises(ValueError):
        s.lever_for(101, "housing")
    with pytest.raises(ValueError):
        s.lever_for(999, "health")
    with pytest.raises(ValueError):
        s.lever_for(101, "health", {"nonsense": 1})


def test_sample_variation(tmp_path):
    s = load_scenario(write(tmp_path, "v.toml", FULL))
    for spec in s.variation.values():
        a = sample_variation(spec, np.random.default_rng(5), 200)
        b = sample_variation(spec, np.random.default_rng(5), 200)
        assert list(a) == list(b) and len(a) == 200
    rng = np.random.default_rng(1)
    qa = sample_variation(s.variation["quality_assurance"], rng, 10_000)
    assert set(np.unique(qa)) <= {0.0, 0.5} and 0.15 < (qa == 0.5).mean() < 0.25
    role = sample_variation(s.variation["public_role"], rng, 10_000)
    assert 0.70 < (role == "driver").mean() < 0.80
    plan = sample_variation(s.variation["action_plan"], rng, 10_000)
    assert plan.dtype == bool and 0.2 < plan.mean() < 0.3
    comp = sample_variation(s.variation["competence"], rng, 1000)
    assert comp.min() >= 0 and comp.max() <= 0.5
    assert isinstance(sample_variation(s.variation["scaling"], rng), float)
    flat = {"dist": "triangular", "low": 0.2, "mode": 0.2, "high": 0.2}
    assert sample_variation(flat, rng, 3).tolist() == [0.2, 0.2, 0.2]


# --------------------------------------------------------------------------- copies and dicts


def test_with_settings_levers_uncertainties_places(tmp_path):
    s = load_scenario(write(tmp_path, "w.toml", FULL))
    t = s.with_settings(scale=0.001, seed=9)
    assert t.scale == 0.001 and t.seed == 9 and s.seed == 7
    u = s.with_levers(scaling=0.7, public_role="enabler")
    assert u.levers["scaling"] == 0.7 and "scaling" not in u.variation
    assert "public_role" not in u.variation and "quality_assurance" in u.variation
    assert s.with_uncertainties(effect_scale=0).uncertainties["effect_scale"] == 0.0
    assert s.with_places(municipalities=["Koebenhavn"]).municipalities == (101,)
    assert s.with_places(regions=["Sjaelland"]).municipalities == tuple(
        c for c in municipality_codes() if c in {253, 259, 265, 269} or 306 <= c <= 390
    )
    assert s.with_places().municipalities is None
    assert s.with_places("Aarhus", 1084).municipalities == tuple(
        sorted({751} | {c for c in municipality_codes() if c < 253 or c in (260, 270, 400)})
    )
    with pytest.raises(ScenarioError) as info:
        s.with_settings(scale=5)
    assert str(info.value).startswith(f"{s.path} (override): scale: must be a number")
    with pytest.raises(ScenarioError, match="did you mean 'facilitation'"):
        s.with_levers(facilitaton=1)
    with pytest.raises(ScenarioError, match="is a run setting"):
        s.with_levers(seed=1)
    with pytest.raises(ScenarioError, match="true or false"):
        s.with_levers(action_plan=1)
    with pytest.raises(ScenarioError, match=r"Aabenraa \(580\)"):
        s.with_places(municipalities=["Aabenra"])


def test_from_dict():
    s = Scenario.from_dict({"levers": {"facilitation": 2}}, name="sweep-1")
    assert s.name == "sweep-1" and s.path is None and s.levers["facilitation"] == 2.0
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict({"levers": {"facilitation": -2}}, name="sweep-2")
    assert str(info.value).startswith("<sweep-2>: levers.facilitation: ")
    with pytest.raises(ScenarioError, match="empty"):
        Scenario.from_dict({})
    with pytest.raises(ScenarioError, match="table of keys"):
        Scenario.from_dict([1, 2])  # type: ignore[arg-type]


def test_from_dict_extends_relative_to_path(tmp_path):
    write(tmp_path, "p.toml", "[levers]\ncompetence = 0.3")
    s = Scenario.from_dict({"extends": "p.toml"}, path=tmp_path / "virtual.toml")
    assert s.levers["competence"] == 0.3 and s.name == "scenario"


def test_scenarios_cannot_be_mutated_or_hashed(tmp_path):
    s = load_scenario(write(tmp_path, "f.toml", "seed = 1"))
    with pytest.raises(AttributeError):
        s.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        hash(s)


# --------------------------------------------------------------------------- round trips


def test_resolved_toml_round_trip(tmp_path):
    write(tmp_path, "parent.toml", FULL)
    child = write(
        tmp_path,
        "child.toml",
        'extends = "parent.toml"\nname = "child"\n[municipality."Høje Taastrup"]\ncompetence = 1\n',
    )
    s = load_scenario(child)
    text = s.resolved_toml()
    assert "extends" not in tomllib.loads(text)
    assert str(child) in text and str(tmp_path / "parent.toml") in text
    again = load_scenario(write(tmp_path, "resolved.toml", text))
    assert again == s
    assert again.sources == [tmp_path / "resolved.toml"]
    assert Scenario.from_dict(s.to_dict()) == s


place_names = st.sampled_from([municipality_name(c) for c in municipality_codes()])


@st.composite
def valid_documents(draw):
    """Random valid scenario documents."""

    def value_of(name):
        p = registry()[name]
        if p.type == "bool":
            return draw(st.booleans())
        if p.type == "choice":
            return draw(st.sampled_from(p.choices))
        if p.type == "int":
            return draw(st.integers(int(p.low), int(p.high)))
        return draw(st.floats(p.low, p.high, allow_nan=False))

    def unit_levers():
        names = draw(st.lists(st.sampled_from(PER_UNIT), unique=True, max_size=3))
        return {n: value_of(n) for n in names}

    doc = {}
    for name in draw(st.lists(st.sampled_from(SETTINGS), unique=True)):
        doc[name] = value_of(name)
    if draw(st.booleans()):
        doc["municipalities"] = draw(st.lists(place_names, min_size=1, max_size=3))
    if draw(st.booleans()):
        doc["regions"] = draw(st.lists(st.sampled_from(region_codes()), min_size=1, max_size=2))
    doc["levers"] = {n: value_of(n) for n in draw(st.lists(st.sampled_from(LEVERS), unique=True))}
    doc["uncertainties"] = {
        n: value_of(n) for n in draw(st.lists(st.sampled_from(UNCERTAINTIES), unique=True))
    }
    doc["areas"] = {a: unit_levers() for a in draw(st.lists(st.sampled_from(AREAS), unique=True))}
    doc["municipality"] = {}
    for place in draw(st.lists(place_names, unique=True, max_size=3)):
        body = unit_levers()
        if draw(st.booleans()):
            body["areas"] = {
                a: unit_levers()
                # the regional areas are set per region only (the region is their strategist)
                for a in draw(st.lists(st.sampled_from(MUNICIPAL_AREAS), unique=True, max_size=2))
            }
        doc["municipality"][place] = body
    variation = {}
    for lever in draw(st.lists(st.sampled_from(PER_UNIT), unique=True, max_size=4)):
        p = registry()[lever]
        if p.type == "float":
            lo, hi = sorted([value_of(lever), value_of(lever)])
            variation[lever] = {"dist": "uniform", "low": lo, "high": hi}
        else:
            variation[lever] = {"dist": "choice", "values": [value_of(lever), value_of(lever)]}
    doc["variation"] = variation
    return doc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_documents())
def test_valid_documents_round_trip(tmp_path_factory, doc):
    folder = tmp_path_factory.mktemp("valid")
    s = load_scenario(write(folder, "doc.toml", to_toml(doc)))
    again = load_scenario(write(folder, "again.toml", s.resolved_toml()))
    assert again == s


# --------------------------------------------------------------------------- property tests

_names = [
    "name",
    "description",
    "extends",
    "levers",
    "uncertainties",
    "areas",
    "region",
    "municipality",
    "municipalities",
    "regions",
    "variation",
    "dist",
    "low",
    "high",
    "p",
    "value",
    "values",
    "weights",
    "uniform",
    "bernoulli",
    "choice",
    "none",
    "Aarhus",
    "Hovedstaden",
    *SETTINGS,
    *LEVERS,
    *UNCERTAINTIES,
    *AREAS,
]
keys = st.one_of(st.sampled_from(_names), st.text(max_size=8))
scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(["Aarhus", "driver", "all", "uniform", "bernoulli", "none", "x.toml"]),
    st.dates(),
    st.datetimes(),
    st.times(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=25,
)
documents = st.dictionaries(keys, values, max_size=8)
structured = st.fixed_dictionaries(
    {},
    optional={
        "levers": st.dictionaries(st.sampled_from(LEVERS) | keys, scalars, max_size=4),
        "uncertainties": st.dictionaries(
            st.sampled_from(UNCERTAINTIES) | keys, scalars, max_size=3
        ),
        "areas": st.dictionaries(
            st.sampled_from(AREAS) | keys,
            st.dictionaries(st.sampled_from(LEVERS) | keys, scalars, max_size=3),
            max_size=3,
        ),
        "municipality": st.dictionaries(place_names | keys, values, max_size=3),
        "variation": st.dictionaries(
            st.sampled_from(PER_UNIT) | keys,
            st.dictionaries(
                st.sampled_from(
                    ["dist", "low", "high", "mode", "p", "value", "otherwise", "values", "weights"]
                ),
                st.one_of(scalars, st.lists(scalars, max_size=3)),
                max_size=4,
            ),
            max_size=3,
        ),
        "scale": scalars,
        "seed": scalars,
        "municipalities": st.lists(st.one_of(place_names, scalars), max_size=3),
    },
)


def _load_or_error(path: Path) -> None:
    try:
        s = load_scenario(path)
    except ScenarioError as error:
        assert str(error).startswith(str(path)) or " -> " in str(error) or "extends" in str(error)
        assert error.message
    else:
        assert isinstance(s, Scenario)
        assert load_scenario(write(path.parent, "resolved.toml", s.resolved_toml())) == s


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_give_only_scenario_errors(tmp_path_factory, data):
    _load_or_error(write(tmp_path_factory.mktemp("bytes"), "random.toml", data))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_random_toml_documents_give_only_scenario_errors(tmp_path_factory, doc):
    _load_or_error(write(tmp_path_factory.mktemp("doc"), "random.toml", to_toml(doc)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(structured)
def test_random_scenario_shaped_documents_give_only_scenario_errors(tmp_path_factory, doc):
    _load_or_error(write(tmp_path_factory.mktemp("shaped"), "random.toml", to_toml(doc)))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(keys, values.filter(lambda v: True), max_size=6))
def test_to_toml_round_trips_through_tomllib(doc):
    text = to_toml(doc)
    assert _same(tomllib.loads(text), doc)


def _same(a, b) -> bool:
    if isinstance(b, float) and math.isnan(b):
        return isinstance(a, float) and math.isnan(a)
    if isinstance(b, dict):
        return isinstance(a, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in b)
    if isinstance(b, list | tuple):
        return isinstance(a, list) and len(a) == len(b) and all(map(_same, a, b))
    return type(a) is type(b) and a == b


def test_to_toml_rejects_what_toml_cannot_hold():
    with pytest.raises(TypeError):
        to_toml({"a": None})
    with pytest.raises(TypeError):
        to_toml({1: 2})  # type: ignore[dict-item]


SHIPPED = sorted(
    p for p in scenario_module.SCENARIO_DIR.glob("**/*.toml") if "sweeps" not in p.parts
)


@pytest.mark.skipif(not SHIPPED, reason="no shipped scenarios")
@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scenarios_are_valid_and_round_trip(tmp_path, path):
    s = load_scenario(path)
    assert load_scenario(write(tmp_path, "resolved.toml", s.resolved_toml())) == s
