"""Tests for simulation.inputs.places: municipality and region names and codes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulation.inputs.geography import municipalities
from simulation.inputs.places import (
    PlaceError,
    municipalities_in,
    municipality_codes,
    municipality_name,
    normalise,
    region_codes,
    region_name,
    region_of,
    resolve_municipalities,
    resolve_municipality,
    resolve_region,
)

TABLE = municipalities()
NAMES = dict(zip(TABLE["code"].astype(int), TABLE["name"], strict=True))


def ascii_spelling(name: str) -> str:
    for letter, spelled in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        name = name.replace(letter, spelled).replace(letter.upper(), spelled.capitalize())
    return name


def plain_spelling(name: str) -> str:
    for letter, spelled in (("æ", "e"), ("ø", "o"), ("å", "a")):
        name = name.replace(letter, spelled).replace(letter.upper(), spelled.upper())
    return name


def test_there_are_98_municipalities_and_5_regions():
    assert len(municipality_codes()) == 98
    assert region_codes() == (1081, 1082, 1083, 1084, 1085)
    assert sum(len(municipalities_in(r)) for r in region_codes()) == 98


@pytest.mark.parametrize("code", sorted(NAMES))
def test_every_municipality_resolves_from_every_spelling(code):
    name = NAMES[code]
    for text in (
        name,
        name.lower(),
        name.upper(),
        ascii_spelling(name),
        ascii_spelling(name).lower(),
        ascii_spelling(name).replace("-", " "),
        plain_spelling(name),
        f"{name} Kommune",
    ):
        assert resolve_municipality(text) == code, text
    assert resolve_municipality(code) == code
    assert resolve_municipality(str(code)) == code
    assert resolve_municipality(f"0{code}") == code
    assert resolve_municipality(f" {code} ") == code


def test_ascii_spellings_are_all_distinct():
    keys = {normalise(ascii_spelling(name)) for name in NAMES.values()}
    assert len(keys) == 98


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Koebenhavn", 101),
        ("kobenhavn", 101),
        ("KØBENHAVN", 101),
        ("Københavns Kommune", 101),
        ("Copenhagen", 101),
        ("Aabenraa", 580),
        ("Århus", 751),
        ("Aarhus", 751),
        ("aarhus kommune", 751),
        ("Hoeje-Taastrup", 169),
        ("Høje Taastrup", 169),
        ("hoje-taastrup", 169),
        ("Lyngby-Taarbæk", 173),
        ("Lyngby Taarbaek", 173),
        ("lyngbytaarbak", 173),
        ("Ringkobing-Skjern", 760),
        ("Aero", 492),
        ("Ærø", 492),
        ("Tarnby", 185),
        ("Bornholms Regionskommune", 400),
        ("Faaborg Midtfyn", 430),
    ],
)
def test_examples(text, code):
    assert resolve_municipality(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (1081, 1081),
        ("1085", 1085),
        ("Region Hovedstaden", 1084),
        ("Hovedstaden", 1084),
        ("hovedstaden", 1084),
        ("HOVEDSTADEN", 1084),
        ("Sjaelland", 1085),
        ("Sjælland", 1085),
        ("Region Sjælland", 1085),
        ("sjalland", 1085),
        ("Syddanmark", 1083),
        ("Region Syddanmark", 1083),
        ("Nordjylland", 1081),
        ("Midtjylland", 1082),
        ("region-midtjylland", 1082),
        ("Capital Region of Denmark", 1084),
        ("Region Zealand", 1085),
        ("North Denmark Region", 1081),
    ],
)
def test_regions(text, code):
    assert resolve_region(text) == code


def test_unknown_municipality_names_the_nearest():
    with pytest.raises(PlaceError) as info:
        resolve_municipality("Koebenhaven")
    assert str(info.value) == "unknown municipality 'Koebenhaven'; did you mean København (101)?"
    assert info.value.suggestions == (101,)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Aabenra", 580),
        ("Fredriksberg", 147),
        ("Hojetastrup", 169),
        ("Silkebrog", 740),
        ("Lyngby", 173),
        ("Odens", 461),
    ],
)
def test_suggestions(text, expected):
    with pytest.raises(PlaceError) as info:
        resolve_municipality(text)
    assert expected in info.value.suggestions
    assert NAMES[expected] in str(info.value)


def test_unknown_without_any_near_name_explains_what_is_allowed():
    with pytest.raises(PlaceError, match="3-digit code"):
        resolve_municipality("zzzzqqq")


def test_unknown_code():
    with pytest.raises(PlaceError, match="unknown municipality code '102'; did you mean 101"):
        resolve_municipality("102")


def test_region_given_as_municipality_and_vice_versa():
    with pytest.raises(PlaceError, match="is a region"):
        resolve_municipality("Hovedstaden")
    with pytest.raises(PlaceError, match="a region, not a municipality"):
        resolve_municipality(1084)
    with pytest.raises(PlaceError, match="did you mean Region Midtjylland"):
        resolve_region("Aarhus")
    with pytest.raises(PlaceError, match="a municipality, not a region"):
        resolve_region(101)


def test_unknown_region_names_the_nearest():
    with pytest.raises(PlaceError, match=r"did you mean Region Hovedstaden \(1084\)\?"):
        resolve_region("Hovedstad")
    with pytest.raises(PlaceError, match="the regions are"):
        resolve_region(1086)


@pytest.mark.parametrize("bad", [True, False, None, 1.5, [101], "", "   ", "-", "²", "1\n0\n1"])
def test_wrong_types_and_empty_names(bad):
    with pytest.raises(PlaceError):
        resolve_municipality(bad)
    with pytest.raises(PlaceError):
        resolve_region(bad)


def test_lookups():
    assert municipality_name(101) == "København"
    assert region_name(1084) == "Region Hovedstaden"
    assert region_of(580) == 1083
    assert 101 in municipalities_in(1084)
    assert resolve_municipalities(["Aarhus", "Århus", 101]) == (101, 751)
    assert resolve_municipalities("Aarhus") == (751,)
    for fn, arg in (
        (municipality_name, 1),
        (region_name, 1),
        (region_of, 9),
        (municipalities_in, 1),
    ):
        with pytest.raises(PlaceError):
            fn(arg)


def test_normalise():
    assert normalise("Høje-Taastrup") == "hoejetaastrup"
    assert normalise("  Lyngby-Taarbæk ") == "lyngbytaarbaek"
    assert normalise("Ærø") == "aeroe"


@given(st.one_of(st.text(max_size=30), st.integers(), st.binary().map(repr)))
def test_anything_resolves_or_raises_place_error(text):
    for resolve in (resolve_municipality, resolve_region):
        try:
            code = resolve(text)
        except PlaceError as error:
            assert str(error)
        else:
            assert code in municipality_codes() or code in region_codes()
