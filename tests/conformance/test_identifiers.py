"""Conformance: shared/conformance/identifiers (idutils detection table, mwcites wikitext).

idutils knows ~40 schemes; altscope supports the ones in ``altscope.ids.SCHEMES``. For a case
whose primary scheme altscope does not support, the README asks only about supported schemes, so
the test asserts that altscope detects nothing idutils would not (no misdetection). Cases that
ask altscope to validate an unsupported scheme, and aspects where altscope's normal form or
resolver deliberately differs, are strict xfails listed in the tables below (see
docs/identifiers.md, "Conformance disagreements").
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from altscope.ids import (
    SCHEMES,
    Identifier,
    IdentifierError,
    detect,
    normalize,
    parse,
    resolver_url,
)
from altscope.ids import isbn as isbn_mod
from altscope.ids.registry import is_valid
from altscope.ids.wikitext import identifiers_in_wikitext

ROOT = Path(__file__).resolve().parents[2]
FOLDER = (
    Path(os.environ.get("ALTSCOPE_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance"))
    / "identifiers"
)
if not (FOLDER / "manifest.json").is_file():
    pytest.skip(f"conformance data not found at {FOLDER}", allow_module_level=True)
CASES = json.loads((FOLDER / "manifest.json").read_text("utf-8"))

# --- where altscope disagrees, and why ---------------------------------------------------------
ISBN_HYPHENS = (
    "altscope's ISBN normal form is the 13 bare digits; idutils prints hyphens, whose positions "
    "come from the ISBN agencies' changing range table"
)
DOI_CASE = "altscope lower-cases DOIs (they are case-insensitive); idutils keeps the case as given"
ARK_RESOLVER = (
    "altscope resolves ARKs through n2t.net (the global ARK resolver); idutils gives none"
)
ARK_FROM_URL = (
    "altscope takes the ARK out of a host URL (ARKs are host-independent); idutils keeps the URL"
)
DISAGREEMENTS: dict[tuple[str, str], str] = {
    **{(f"idutils-{n:03d}", "normalized"): ISBN_HYPHENS for n in (24, 25, 26, 37, 38, 39)},
    ("idutils-023", "normalized"): DOI_CASE,
    ("idutils-023", "url"): DOI_CASE,
    **{(f"idutils-{n:03d}", "url"): ARK_RESOLVER for n in (10, 11, 12, 13)},
    ("idutils-013", "normalized"): ARK_FROM_URL,
    ("idutils-028", "not_misdetected"): (
        "altscope has no EAN-8 scheme, so a bare 8-digit number detects as a possible PMID; "
        "idutils lets EAN-8 hide PMID"
    ),
    ("idutils-is-ean-73513537", "valid"): (
        "altscope validates EAN-13 only (every ISBN-13 is one); EAN-8 codes name no scholarly work"
    ),
    ("idutils-114", "not_misdetected"): (
        "altscope reports every http(s) URL as 'url'; idutils drops 'url' for VIAF URLs only"
    ),
    ("idutils-normalize-none", "normalize_none"): (
        "altscope's normalize() takes a string and raises IdentifierError for None instead of "
        "returning None"
    ),
}
# idutils' name for a scheme -> altscope's (idutils' is_ean takes EAN-13 and EAN-8).
SCHEME_ALIASES = {"ean": "ean13"}
UNSUPPORTED_SCHEMES: dict[str, str] = {}  # idutils schemes altscope does not validate at all


def _param(case: dict, aspect: str, *args: object) -> object:
    marks = [pytest.mark.conformance_kind(f"identifiers/{case['kind']}")]
    reason = DISAGREEMENTS.get((case["id"], aspect))
    scheme = case.get("expected", {}).get("scheme")
    scheme = SCHEME_ALIASES.get(scheme, scheme)
    if reason is None and case["kind"] == "is_scheme" and scheme not in SCHEMES:
        reason = UNSUPPORTED_SCHEMES.get(scheme, f"altscope has no {scheme!r} scheme")
    if reason:
        marks.append(pytest.mark.xfail(strict=True, reason=reason))
    return pytest.param(case, *args, id=case["id"], marks=marks)


def _cases(kind: str, aspect: str, supported: bool | None = None) -> list[object]:
    params = []
    for case in CASES:
        if case["kind"] != kind:
            continue
        if supported is not None:
            is_supported = case["expected"]["primary_scheme"] in SCHEMES
            if is_supported != supported:
                continue
        params.append(_param(case, aspect))
    return params


KIND = "identifier_scheme_normalize_url"


@pytest.mark.parametrize("case", _cases(KIND, "primary", supported=True))
def test_primary_scheme(case: dict) -> None:
    detected = detect(case["input"])
    assert detected, f"{case['input']!r} detected as nothing"
    assert detected[0] == case["expected"]["primary_scheme"]


@pytest.mark.parametrize("case", _cases(KIND, "normalized", supported=True))
def test_normalized(case: dict) -> None:
    expected = case["expected"]
    assert normalize(expected["primary_scheme"], case["input"]) == expected["normalized"]


@pytest.mark.parametrize("case", _cases(KIND, "url", supported=True))
def test_resolver_url(case: dict) -> None:
    expected = case["expected"]
    scheme = expected["primary_scheme"]
    assert resolver_url(scheme, normalize(scheme, case["input"])) == expected["url_https"]


@pytest.mark.parametrize("case", _cases(KIND, "not_misdetected", supported=False))
def test_unsupported_scheme_not_misdetected(case: dict) -> None:
    """A string of a scheme altscope lacks must not be taken for one of altscope's schemes."""
    assert set(detect(case["input"])) <= set(case["expected"]["schemes"])


@pytest.mark.parametrize("case", _cases("is_scheme", "valid"))
def test_is_scheme(case: dict) -> None:
    expected = case["expected"]
    scheme = SCHEME_ALIASES.get(expected["scheme"], expected["scheme"])
    assert is_valid(scheme, case["input"]) is expected["valid"]


_ISBN_KINDS = {"isbn": lambda s: is_valid("isbn", s), "isbn13": isbn_mod.is_isbn13}
_ISBN_KINDS["isbn10"] = isbn_mod.is_isbn10


@pytest.mark.parametrize("case", _cases("is_scheme_multi", "valid"))
def test_is_scheme_multi(case: dict) -> None:
    for name, valid in case["expected"]["valid"].items():
        assert _ISBN_KINDS[name](case["input"]) is valid, name


@pytest.mark.parametrize("case", _cases("detect_schemes_bulk", "schemes"))
def test_detect_schemes_bulk(case: dict) -> None:
    for text in case["inputs"]:
        assert detect(text) == case["expected"]["schemes"], text


@pytest.mark.parametrize("case", _cases("normalize_none", "normalize_none"))
def test_normalize_none(case: dict) -> None:
    try:
        result = normalize(case["expected"]["scheme"], case["input"])
    except IdentifierError:
        result = "IdentifierError"
    assert result == case["expected"]["normalized"]


_WIKI_TYPES = {"pmc": "pmcid"}


@pytest.mark.parametrize("case", _cases("wikitext_identifiers", "identifiers"))
def test_wikitext_identifiers(case: dict) -> None:
    """mwcites runs one extractor per identifier type; so does this test (schemes filter).
    Expected (type, id) pairs are read as altscope identifiers with ``parse(id, scheme)``."""
    text = (FOLDER / case["input_file"]).read_text("utf-8")
    expected = [
        parse(item["id"], _WIKI_TYPES.get(item["type"], item["type"]))
        for item in case["expected"]["identifiers"]
    ]
    schemes = frozenset(ident.scheme for ident in expected)
    found = identifiers_in_wikitext(text, schemes)
    assert found == expected
    assert len(found) == case["expected"]["count"]
    assert all(isinstance(ident, Identifier) for ident in found)
