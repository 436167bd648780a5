"""Municipality and region names: resolve what a person types to a DST code.

Strategists type municipality names as they know them: ``"København"``, ``"Koebenhavn"``,
``"kobenhavn"``, ``"Århus"``, ``"Aarhus"``, ``"Høje Taastrup"``, ``"Hoeje-Taastrup"``,
``"Lyngby Taarbaek"``, ``"101"`` or ``101``. This module turns any of these into the 3-digit
municipality code of Statistics Denmark (101-860), and region names such as ``"Hovedstaden"``,
``"Region Sjælland"`` or ``"Sjaelland"`` into the 4-digit region code (1081-1085).

Matching compares *normalised* forms: lower case, Danish letters spelled out (æ -> ae,
ø -> oe, å -> aa), other accents dropped, spaces, hyphens and punctuation removed, and a
trailing word ``kommune`` (with a genitive ``s``) ignored. Each official name is also known by
its plain-letter spellings (æ -> a or e, ø -> o, å -> a), so ``"Kobenhavn"`` and
``"Tarnby"`` resolve too. An unknown name raises :class:`PlaceError` whose message names the
nearest valid names::

    >>> resolve_municipality("Koebenhavn")
    101
    >>> resolve_region("Sjaelland")
    1085
    >>> resolve_municipality("Koebenhaven")
    Traceback (most recent call last):
    ...
    simulation.inputs.places.PlaceError: unknown municipality 'Koebenhaven'; did you mean
    København (101)?
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from simulation.inputs.geography import municipalities, regions

__all__ = [
    "PlaceError",
    "normalise",
    "resolve_municipality",
    "resolve_municipalities",
    "resolve_region",
    "municipality_name",
    "region_name",
    "region_of",
    "municipalities_in",
    "municipality_codes",
    "region_codes",
]

#: How a Danish letter may be spelled without it: the standard transliteration first.
_DANISH = {"æ": ("ae", "a", "e"), "ø": ("oe", "o"), "å": ("aa", "a")}
#: Other letters a keyboard may produce for the same sound (German umlauts).
_OTHER = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
#: Common English and historical names.
_MUNICIPALITY_ALIASES = {"copenhagen": 101, "elsinore": 217, "arhus": 751, "alborg": 851}
_REGION_ALIASES = {
    1081: ("nordjylland", "northdenmark", "northjutland"),
    1082: ("midtjylland", "centraldenmark", "centraljutland"),
    1083: ("syddanmark", "southerndenmark", "southdenmark"),
    1084: ("hovedstaden", "capital", "capitaldenmark"),
    1085: ("sjaelland", "zealand"),
}
_FILLER_REGION_WORDS = ("region", "of", "the")


class PlaceError(ValueError):
    """An unknown municipality or region, with the nearest valid names.

    Attributes:
        text: what was given.
        kind: ``"municipality"`` or ``"region"``.
        suggestions: the nearest valid codes, best first (may be empty).
    """

    def __init__(self, message: str, text: object, kind: str, suggestions: tuple[int, ...] = ()):
        super().__init__(message)
        self.text = text
        self.kind = kind
        self.suggestions = suggestions


def _fold(text: str) -> str:
    """Lower-case, spell out non-Danish umlauts and drop other accents, keep æ, ø, å."""
    s = unicodedata.normalize("NFC", text).lower()
    for letter, spelled in _OTHER.items():
        s = s.replace(letter, spelled)
    out = []
    for ch in s:
        if ch in _DANISH:
            out.append(ch)
            continue
        decomposed = unicodedata.normalize("NFKD", ch)
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(out)


def _squeeze(text: str) -> str:
    return re.sub(r"[^a-z0-9æøå]", "", text)


def normalise(text: str) -> str:
    """Return the normalised form of a place name used for matching.

    Lower case; æ, ø and å spelled ae, oe and aa; other accents dropped; every character that is
    not a letter or digit removed.

    Args:
        text: A name as typed.

    Returns:
        For example ``"hoejetaastrup"`` for ``"Høje-Taastrup"``.
    """
    s = _fold(text)
    for letter, spellings in _DANISH.items():
        s = s.replace(letter, spellings[0])
    return _squeeze(s)


def _spellings(name: str) -> set[str]:
    """Every ASCII spelling of an official name (each Danish letter in each of its forms)."""
    folded = _squeeze(_fold(name))
    options = [_DANISH.get(ch, (ch,)) for ch in folded]
    return {"".join(parts) for parts in itertools.product(*options)}


@dataclass(frozen=True)
class _Index:
    exact: dict[str, int]
    loose: dict[str, int]
    names: dict[int, str]


def _build_index(names: dict[int, str], aliases: dict[str, int]) -> _Index:
    exact: dict[str, int] = {}
    loose: dict[str, int] = {}
    ambiguous: set[str] = set()
    for code, name in names.items():
        exact[normalise(name)] = code
    for key, code in aliases.items():
        exact.setdefault(key, code)
    for code, name in names.items():
        for key in _spellings(name):
            if key in exact:
                continue
            if key in loose and loose[key] != code:
                ambiguous.add(key)
            loose[key] = code
    for key in ambiguous:
        del loose[key]
    return _Index(exact=exact, loose=loose, names=dict(names))


@cache
def _municipality_table() -> tuple[dict[int, str], dict[int, int]]:
    table = municipalities()
    names = {int(c): str(n) for c, n in zip(table["code"], table["name"], strict=True)}
    region = {int(c): int(r) for c, r in zip(table["code"], table["region_code"], strict=True)}
    return names, region


@cache
def _region_names() -> dict[int, str]:
    table = regions()
    return {int(c): str(n) for c, n in zip(table["region_code"], table["region_name"], strict=True)}


@cache
def _municipality_index() -> _Index:
    return _build_index(_municipality_table()[0], _MUNICIPALITY_ALIASES)


def _region_key(text: str) -> str:
    words = re.split(r"[\s\-_.,]+", _fold(text).strip())
    kept = [w for w in words if w and w not in _FILLER_REGION_WORDS]
    s = "".join(kept)
    for letter, spellings in _DANISH.items():
        s = s.replace(letter, spellings[0])
    return _squeeze(s)


@cache
def _region_index() -> _Index:
    names = _region_names()
    aliases: dict[str, int] = {}
    for code, keys in _REGION_ALIASES.items():
        for key in keys:
            aliases[key] = code
    short = {code: re.sub(r"^Region\s+", "", name) for code, name in names.items()}
    index = _build_index(short, aliases)
    # Also accept the official name in full ("Region Hovedstaden" -> "regionhovedstaden").
    for code, name in names.items():
        index.exact.setdefault(normalise(name), code)
    return _Index(exact=index.exact, loose=index.loose, names=names)


def municipality_codes() -> tuple[int, ...]:
    """Return the 98 municipality codes in ascending order."""
    return tuple(sorted(_municipality_table()[0]))


def region_codes() -> tuple[int, ...]:
    """Return the 5 region codes in ascending order."""
    return tuple(sorted(_region_names()))


def municipality_name(code: int) -> str:
    """Return the official name of a municipality.

    Args:
        code: 3-digit municipality code.

    Raises:
        PlaceError: if the code is not a municipality.
    """
    names = _municipality_table()[0]
    if code not in names:
        raise PlaceError(f"unknown municipality code {code!r}", code, "municipality")
    return names[code]


def region_name(code: int) -> str:
    """Return the official name of a region (for example ``"Region Hovedstaden"``).

    Args:
        code: Region code 1081-1085.

    Raises:
        PlaceError: if the code is not a region.
    """
    names = _region_names()
    if code not in names:
        raise PlaceError(f"unknown region code {code!r}", code, "region")
    return names[code]


def region_of(code: int) -> int:
    """Return the region code of a municipality.

    Args:
        code: 3-digit municipality code.

    Raises:
        PlaceError: if the code is not a municipality.
    """
    region = _municipality_table()[1]
    if code not in region:
        raise PlaceError(f"unknown municipality code {code!r}", code, "municipality")
    return region[code]


@cache
def municipalities_in(region: int) -> tuple[int, ...]:
    """Return the codes of the municipalities of one region, ascending.

    Args:
        region: Region code 1081-1085.

    Raises:
        PlaceError: if the code is not a region.
    """
    region_name(region)
    return tuple(sorted(c for c, r in _municipality_table()[1].items() if r == region))


def _label(index: _Index, code: int) -> str:
    return f"{index.names[code]} ({code})"


def _or_list(items: list[str], conjunction: str = "or") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def _nearest(index: _Index, key: str, n: int = 3) -> tuple[int, ...]:
    keys = list(index.exact) + list(index.loose)
    found: list[int] = []
    for match in difflib.get_close_matches(key, keys, n=4 * n, cutoff=0.6):
        code = index.exact.get(match, index.loose.get(match))
        if code is not None and code not in found:
            found.append(code)
    return tuple(found[:n])


def _lookup(index: _Index, key: str) -> int | None:
    if key in index.exact:
        return index.exact[key]
    return index.loose.get(key)


def _as_code(text: object) -> int | None:
    """Return the number in ``text`` when it is a code (int or digits), else ``None``."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text
    if isinstance(text, str) and re.fullmatch(r"[0-9]+", text.strip()):
        return int(text.strip())
    return None


def _check_type(text: object, kind: str, example: str) -> None:
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        raise PlaceError(
            f"a {kind} must be given by name or code, such as {example}; got {text!r}",
            text,
            kind,
        )


def resolve_municipality(text: str | int) -> int:
    """Return the 3-digit code of the municipality that ``text`` names.

    Args:
        text: A code (``101``, ``"101"``, ``"0101"``) or a name in any case, with Danish
            letters or their ASCII spellings (``"Koebenhavn"``, ``"kobenhavn"``,
            ``"Hoeje-Taastrup"``, ``"Lyngby Taarbaek"``), with or without ``"Kommune"``.

    Returns:
        The municipality code.

    Raises:
        PlaceError: if nothing matches; the message names the nearest municipalities.
    """
    _check_type(text, "municipality", "'Aarhus' or 751")
    index = _municipality_index()
    code = _as_code(text)
    if code is not None:
        if code in index.names:
            return code
        if code in _region_names():
            raise PlaceError(
                f"{text!r} is the code of {region_name(code)}, a region, not a municipality;"
                " municipality codes have 3 digits (101-860)",
                text,
                "municipality",
            )
        nearest = sorted(index.names, key=lambda c: (abs(c - code), c))[:2]
        raise PlaceError(
            f"unknown municipality code {text!r}; did you mean "
            f"{_or_list([f'{c} {index.names[c]}' for c in nearest])}?",
            text,
            "municipality",
            tuple(nearest),
        )
    assert isinstance(text, str)
    key = normalise(text)
    if not key:
        raise PlaceError(
            f"empty municipality name {text!r}; give a name such as 'Aarhus' or a code such as 751",
            text,
            "municipality",
        )
    candidates = [key]
    stripped = re.sub(r"(regions)?kommune$", "", key)
    if stripped != key and stripped:
        candidates += [stripped, stripped.removesuffix("s")]
    for candidate in candidates:
        found = _lookup(index, candidate)
        if found is not None:
            return found
    region = _lookup(_region_index(), _region_key(text))
    if region is not None:
        raise PlaceError(
            f"{text!r} is a region ({region_name(region)}), not a municipality; give it as a"
            " region instead",
            text,
            "municipality",
        )
    nearest = _nearest(index, stripped or key)
    hint = (
        f"did you mean {_or_list([_label(index, c) for c in nearest])}?"
        if nearest
        else "give a name such as 'Aarhus' or a 3-digit code such as 751"
        " (`python run.py list municipalities` lists all 98)"
    )
    raise PlaceError(f"unknown municipality {text!r}; {hint}", text, "municipality", nearest)


def resolve_municipalities(
    items: str | int | list[str | int] | tuple[str | int, ...],
) -> tuple[int, ...]:
    """Resolve one or several municipalities; return their distinct codes in ascending order.

    Args:
        items: One name or code, or a sequence of them.

    Raises:
        PlaceError: for the first item that does not resolve.
    """
    if isinstance(items, (str, int)):
        items = [items]
    return tuple(sorted({resolve_municipality(item) for item in items}))


def resolve_region(text: str | int) -> int:
    """Return the code (1081-1085) of the region that ``text`` names.

    Args:
        text: A code (``1084`` or ``"1084"``) or a name with or without ``"Region"``, in any
            case, with Danish letters or their ASCII spellings (``"Region Hovedstaden"``,
            ``"hovedstaden"``, ``"Sjaelland"``), or an English name (``"Capital Region"``).

    Returns:
        The region code.

    Raises:
        PlaceError: if nothing matches; the message names the nearest regions.
    """
    _check_type(text, "region", "'Hovedstaden' or 1084")
    index = _region_index()
    all_regions = _or_list([_label(index, c) for c in region_codes()], "and")
    code = _as_code(text)
    if code is not None:
        if code in index.names:
            return code
        if code in _municipality_table()[0]:
            raise PlaceError(
                f"{text!r} is the code of {municipality_name(code)}, a municipality, not a"
                f" region; the regions are {all_regions}",
                text,
                "region",
            )
        raise PlaceError(
            f"unknown region code {text!r}; the regions are {all_regions}", text, "region"
        )
    assert isinstance(text, str)
    key = _region_key(text)
    found = _lookup(index, key) if key else None
    if found is None:
        found = _lookup(index, normalise(text))
    if found is not None:
        return found
    municipality = _lookup(_municipality_index(), normalise(text))
    if municipality is not None:
        region = region_of(municipality)
        raise PlaceError(
            f"{text!r} is a municipality ({municipality_name(municipality)}, in"
            f" {region_name(region)}), not a region; did you mean {_label(index, region)}?",
            text,
            "region",
            (region,),
        )
    nearest = _nearest(index, key) if key else ()
    hint = (
        f"did you mean {_or_list([_label(index, c) for c in nearest])}?"
        if nearest
        else f"the regions are {all_regions}"
    )
    raise PlaceError(f"unknown region {text!r}; {hint}", text, "region", nearest)
