"""The Hyperscan path of find_identifiers gives exactly what the plain-regex reference gives.

The reference (``find_reference``) runs every triggered finder over the whole text; the fast path
runs finders only on windows around anchors that one Hyperscan scan finds. Both are compared on
the conformance data (every file and every string in its JSON), on hypothesis-made texts full of
identifier spellings, labels, whitespace, markup and case variants that re.IGNORECASE matches, and
on the find tests themselves with Hyperscan switched off.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import re
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altscope.ids import find
from altscope.ids._locate import IGNORECASE_EXTRA, caseless

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = Path(
    os.environ.get("ALTSCOPE_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance")
)
HYPERSCAN_PLATFORM = platform.machine().lower() in {"x86_64", "amd64", "aarch64", "arm64"}

needs_fast_path = pytest.mark.skipif(
    not find._FAST and not HYPERSCAN_PLATFORM,
    reason="no Hyperscan wheel for this platform: find_identifiers is the reference",
)


def fast(text: str, html: bool) -> list[find.Found]:
    assert find._FAST
    return find.find_identifiers(text, html=html)


def assert_same(text: str) -> None:
    for html in (False, True):
        assert fast(text, html) == find.find_reference(text, html=html), (html, text)


def test_hyperscan_is_installed_where_it_has_wheels() -> None:
    if HYPERSCAN_PLATFORM:
        assert find._FAST, "hyperscan is a dependency on this platform"


def test_ignorecase_extras_are_all_of_unicode() -> None:
    """re.IGNORECASE matches ASCII letters only as themselves and as IGNORECASE_EXTRA; str.lower()
    maps only U+0130 and U+212A to text with ASCII letters (what the trigger test relies on)."""
    letters = re.compile("[a-z]", re.IGNORECASE)
    extra: dict[str, str] = {}
    lowered_to_ascii = []
    for code in range(0x80, sys.maxunicode + 1):
        ch = chr(code)
        if letters.fullmatch(ch):
            letter = next(c for c in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(c, ch, re.I))
            extra[letter] = extra.get(letter, "") + ch
        if any(c.isascii() for c in ch.lower()):
            lowered_to_ascii.append(ch)
    assert extra == IGNORECASE_EXTRA
    assert lowered_to_ascii == ["\u0130", "\u212a"]


def test_caseless_pattern_spells_what_ignorecase_matches() -> None:
    assert caseless("doi") == rb"(?:[dD])(?:[oO])(?:[iI]|\xc4\xb0|\xc4\xb1)"
    assert caseless("ror.org").startswith(rb"(?:[rR])(?:[oO])(?:[rR])\x2e")


# --- conformance data -------------------------------------------------------------------------


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def conformance_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted(CONFORMANCE.rglob("*")):
        if not path.is_file():
            continue
        try:
            content = path.read_text("utf-8")
        except UnicodeDecodeError:
            continue
        texts.append(content)
        if path.suffix == ".json":
            try:
                data = json.loads(content)
            except ValueError:  # a recorded response that is not plain JSON: searched whole
                continue
            texts.extend(s for s in _strings(data) if s.strip())
    return texts


@needs_fast_path
def test_conformance_data_gives_the_same_answers() -> None:
    if not CONFORMANCE.is_dir():
        pytest.skip(f"conformance data not found at {CONFORMANCE}")
    texts = conformance_texts()
    assert len(texts) > 500
    found = 0
    for text in texts:
        assert_same(text)
        found += len(find.find_reference(text))
    assert found > 100  # the data is full of identifiers


# --- hypothesis-made texts ---------------------------------------------------------------------

IDENTIFIERS = [
    "10.1038/s41586-020-1234-5",
    "10.1000/xyz",
    "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
    "10.1007%2Fs00423-015-1364-1",
    "10.1111/nicc.12290#.wlw5yueemak.twitter",
    "10.5555/12345678",
    "10.١٢٣٤/x",
    "10/hvx",
    "10/abc12",
    "PMC123456",
    "PMC1",
    "NCT01234567",
    "0000-0002-1825-0097",
    "0009-0002-1825-0097",
    "0000-0003-1415-9269",
    "hep-th/9901001v2",
    "math.GT/0309136",
    "2101.00001v2",
    "S0169534701023801",
    "S0169-5347(01)02380-1",
    "978-0-13-235088-4",
    "0-9752298-0-X",
    "978 0 902 198 84 1",
    "0378-5955",
    "0378 5955",
    "1234-567X",
    "12082125",
    "10013/epic.10033",
    "13030/tf5p30086k",
    "03yrm5c26",
    "nbn:de:101:1-20120",
]
LABELS = [
    "doi:",
    "DOI: ",
    "doi :",
    "doi=",
    "doi:\u00a0",
    "doi.org/",
    "https://doi.org/",
    "http://dx.doi.org/",
    "https://www.doi.org/doi:",
    "doi.org/info:doi/",
    "doi%3A",
    "info:doi/",
    "urn:doi:",
    "https://hdl.handle.net/",
    "PMID: ",
    "pmid/",
    "PubMed ID ",
    "pubmed id : ",
    "https://pubmed.ncbi.nlm.nih.gov/",
    "https://www.ncbi.nlm.nih.gov/pubmed/",
    "europepmc.org/article/MED/",
    "https://www.ncbi.nlm.nih.gov/pmc/articles/",
    "europepmc.org/abstract/PMC/",
    "arXiv:",
    "arxiv : ",
    "https://export.arxiv.org/abs/",
    "arxiv.org/pdf/",
    "ISBN ",
    "ISBN-13: ",
    "isbn=",
    "{{ISBN|",
    "e-ISSN ",
    "ISSN: ",
    "issn : ",
    "hdl:",
    "hdl: ",
    "urn:",
    "ark:/",
    "https://n2t.net/ark:/",
    "orcid: ",
    "ORCID iD ",
    "https://sandbox.orcid.org/",
    "https://www.ror.org/",
    "PII: ",
    "https://www.sciencedirect.com/science/article/pii/",
    "",
]
NOISE = [
    " ",
    "  ",
    "\n",
    "\t",
    "\u00a0",
    "\u2003",
    "\u3000",
    "\x1c",
    ".",
    ",",
    ";",
    ":",
    ")",
    "(",
    "/",
    "?utm_source=x",
    "#frag",
    "/abstract",
    ".pdf",
    "<b>",
    "</b>",
    "<p>",
    "</p>",
    '<a href="https://doi.org/10.1/x">',
    "<br>",
    "&amp;",
    "&#47;",
    "&#x2F;",
    "&#49;",
    "&lt;/ref&gt;",
    "<!-- c -->",
    "<script>x</script>",
    "-->",
    "\u0130",
    "\u0131",
    "\u017f",
    "\u212a",
    "\u03a3",
    "١٢٣٤",
    "😀",
    "❤️",
    "\u200b",
    "\udc80",
    "10.",
    "10.5",
    "2010.1234",
    "-000",
    "0000-",
    "0009-",
    "PMC",
    "NCT",
    "doi",
    "DoI",
    "do\u0130",
    "d\u0131o",
    "orcid",
    "pii",
    "ror.org",
    "hdl.",
    "word",
    "the ",
    "x",
    "1",
    "12345",
]
_SWAPS = {"i": ["I", "\u0130", "\u0131"], "s": ["S", "\u017f"], "k": ["K", "\u212a"]}


@st.composite
def spelled(draw: st.DrawFn, text: str) -> str:
    """``text`` with some letters in another case or a variant that re.IGNORECASE matches."""
    out = []
    for ch in text:
        if ch.isalpha() and ch.isascii() and draw(st.integers(0, 5)) == 0:
            ch = draw(st.sampled_from([ch.swapcase(), *_SWAPS.get(ch.lower(), [])]))
        out.append(ch)
    return "".join(out)


@st.composite
def identifier_texts(draw: st.DrawFn) -> str:
    pieces = draw(
        st.lists(
            st.one_of(
                st.tuples(
                    st.sampled_from(LABELS).flatmap(spelled), st.sampled_from(IDENTIFIERS)
                ).map("".join),
                st.sampled_from(LABELS).flatmap(spelled),
                st.sampled_from(NOISE),
                st.text(max_size=8),
            ),
            max_size=24,
        )
    )
    return "".join(pieces)


@needs_fast_path
def test_every_label_with_every_identifier() -> None:
    for label in LABELS:
        for identifier in IDENTIFIERS:
            for before, after in (("", ""), ("see ", ". More"), ("<p>x", "</p> y")):
                assert_same(before + label + identifier + after)


@needs_fast_path
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(identifier_texts())
def test_generated_texts_give_the_same_answers(text: str) -> None:
    assert_same(text)


@needs_fast_path
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(identifier_texts(), min_size=20, max_size=80), st.sampled_from([" ", "\n", ""]))
def test_long_generated_texts_give_the_same_answers(texts: list[str], sep: str) -> None:
    """Many anchors in one text: windows merge, and a trigger far from an anchor still counts."""
    assert_same(sep.join(texts))


@needs_fast_path
def test_far_triggers_count_as_in_the_reference() -> None:
    filler = " lorem" * 100
    for text in (
        "orcid" + filler + " 0000-0002-1825-0097",
        "0000-1234-5678-9012" + filler + " ORCID",
        "pii" + filler + " S0169534701023801",
        "PMID" + filler + " pubmed 12082125",
        "doı:10/abc" + filler + " doi",
        "doı:10/abc",
        "ISBN 0-9752298-0-X ıSBN 0-9752298-0-X",
        "<b>1</b>0.1000/x price 10.5",
        "&#49;0.1000/x 10.",
    ):
        assert_same(text)


@needs_fast_path
def test_html_flag_and_bad_input_as_in_the_reference() -> None:
    text = "<b>doi:10.1000/x</b> &amp; PMID: 1234"
    for html in (None, 0, 1, "yes"):
        assert find.find_identifiers(text, html=html) == find.find_reference(text, html=html)  # type: ignore[arg-type]
    for bad in (None, b"doi:10.1000/x", 5):
        for html in (False, True):
            with pytest.raises(TypeError):
                find.find_identifiers(bad, html=html)  # type: ignore[arg-type]


@needs_fast_path
def test_threads_get_their_own_scratch_space() -> None:
    texts = [f"post {i} doi:10.1000/{i} and PMID: {i + 1}" + " word" * (i % 50) for i in range(300)]
    expected = [find.find_reference(t) for t in texts]
    failures: list[str] = []

    def work() -> None:
        for _ in range(20):
            if [find.find_identifiers(t) for t in texts] != expected:
                failures.append(threading.current_thread().name)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures


def test_find_tests_pass_without_hyperscan(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback for platforms without a Hyperscan wheel is the reference: run test_find.py
    through it."""
    spec = importlib.util.spec_from_file_location(
        "_test_find", Path(__file__).with_name("test_find.py")
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(find, "_FAST", False)
    tests = [fn for name, fn in vars(module).items() if name.startswith("test_")]
    assert len(tests) >= 5
    for test in tests:
        test()


# --- batches: find_identifiers_many ------------------------------------------------------------


def assert_batch_same(texts: list[str]) -> None:
    """The batch answer is find_identifiers per text, which is the reference."""
    for html in (False, True):
        expected = [find.find_identifiers(text, html=html) for text in texts]
        assert find.find_identifiers_many(texts, html=html) == expected, html
        assert find.find_identifiers_many(iter(texts), html=html) == expected, html


def glued_pieces() -> list[str]:
    """Every label + identifier cut in two at every point, the pieces in a row: joined without a
    separator, each pair would be one identifier (and each tail runs into the next head)."""
    pieces = []
    for label in LABELS:
        for identifier in IDENTIFIERS:
            whole = label + identifier
            for cut in range(1, len(whole)):
                pieces += [whole[:cut], whole[cut:]]
    return pieces


def test_find_identifiers_many_is_exported() -> None:
    from altscope import ids

    assert ids.find_identifiers_many is find.find_identifiers_many
    assert ids.find_identifiers_many([]) == []
    assert ids.find_identifiers_many(["doi:10.1000/x"]) == [ids.find_identifiers("doi:10.1000/x")]


@needs_fast_path
def test_batch_of_conformance_data() -> None:
    if not CONFORMANCE.is_dir():
        pytest.skip(f"conformance data not found at {CONFORMANCE}")
    texts = conformance_texts()
    for html in (False, True):
        expected = [find.find_reference(text, html=html) for text in texts]
        assert sum(map(len, expected)) > 100
        assert find.find_identifiers_many(texts, html=html) == expected
        for start in range(0, len(texts), 997):  # batches of a harvester's size
            batch = texts[start : start + 997]
            assert find.find_identifiers_many(batch, html=html) == expected[start : start + 997]


@needs_fast_path
def test_batch_pieces_never_glue_into_an_identifier() -> None:
    pieces = glued_pieces()
    assert len(pieces) > 50_000
    found = find.find_identifiers_many(pieces)
    glued = 0  # pairs that glued together would hold an identifier neither piece holds
    for i in range(0, len(pieces), 2):
        alone = {f.identifier for f in found[i] + found[i + 1]}
        glued += any(
            f.identifier not in alone for f in find.find_identifiers(pieces[i] + pieces[i + 1])
        )
    assert glued > 10_000
    assert_batch_same(pieces)
    assert_batch_same(["x", *pieces])  # each tail now followed by the next tail's head


batch_texts = st.one_of(
    identifier_texts(),
    st.just(""),
    st.tuples(st.sampled_from(LABELS), st.sampled_from(IDENTIFIERS), st.integers(0, 60)).map(
        lambda t: (t[0] + t[1])[: t[2]]  # ends mid-identifier
    ),
    st.tuples(st.integers(0, 60), st.sampled_from(LABELS), st.sampled_from(IDENTIFIERS)).map(
        lambda t: (t[1] + t[2])[t[0] :]  # starts mid-identifier
    ),
    st.text(max_size=40),  # any Unicode, NUL and lone surrogates included
    st.lists(identifier_texts(), min_size=10, max_size=40).map(" ".join),  # long
)


@needs_fast_path
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(batch_texts, max_size=40))
def test_generated_batches_give_the_same_answers(texts: list[str]) -> None:
    assert_batch_same(texts)
    for html in (False, True):
        assert find.find_identifiers_many(texts, html=html) == [
            find.find_reference(text, html=html) for text in texts
        ]


@needs_fast_path
def test_batch_with_very_long_texts() -> None:
    filler = " lorem ipsum 10.5 😀" * 20_000
    texts = [
        filler + "doi:10.1000/x" + filler,
        "",
        "<p>" + filler + "<b>1</b>0.1000/y 10." + "</p>",
        "PMID: 1234" + filler + "&#49;0.1000/z 10.",
        filler,
    ]
    assert_batch_same(texts)
    assert find.find_identifiers_many(texts)[0][0].start == len(filler)


@needs_fast_path
def test_batch_with_markup_and_nul() -> None:
    """Tags that join anchor characters, entities, tags left open across texts, NUL in texts."""
    texts = [
        "a<b",
        "1<b>0.1000/x 10.",
        "x &#49;0.1000/y 10. &amp;",
        "c>d 1<i>0.1000/z PMC",
        "<p>doi:10.1000/w</p>",
        "",
        "10.",
    ]
    assert_batch_same(texts)
    assert find.find_identifiers_many(texts, html=True)[1]  # found only after a join
    assert_batch_same([*texts, "doi:10.1000/\x00v", "\x00"])  # texts with NUL: one by one
    assert_batch_same(["doi:10.1000/v\x00", "PMC12"])


def test_batch_without_hyperscan_is_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["see doi:10.1000/x", "", "<b>PMC123</b>", "nothing"]
    monkeypatch.setattr(find, "_FAST", False)
    for html in (False, True):
        assert find.find_identifiers_many(texts, html=html) == [
            find.find_reference(text, html=html) for text in texts
        ]


def test_batch_with_a_non_string_fails_as_per_text() -> None:
    for bad in (None, b"doi:10.1000/x", 5):
        with pytest.raises(TypeError):
            find.find_identifiers_many(["doi:10.1000/x", bad])  # type: ignore[list-item]
