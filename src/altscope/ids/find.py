"""Find every identifier in free text or HTML, with spans into the original string.

Each scheme finder runs only when one of its trigger substrings occurs in the text (``"10."``,
``"PMC"``, ``"pmid"`` in the lower-cased text, ...): :func:`find_reference` does exactly that with
substring tests and whole-text regular expressions.

:func:`find_identifiers` gets the same answer faster. One Hyperscan pass
(:mod:`altscope.ids._locate`) finds every trigger key and every *anchor*: a pattern that each match
of a finder's expression contains, at most ``before`` characters after the match starts. The finder
then runs only on windows around its anchors, from ``before`` characters ahead of one to a space
at least ``after`` characters past it (or the end of the text): its expression can match
whitespace only less than ``after`` characters past the anchor (or ahead of it), so a match never
crosses a window's end, lookarounds see whitespace there or the end of the text, which they treat
alike, and lookbehinds see the whole text (``finditer(text, pos, endpos)``). A text without anchors
costs one scan. :func:`find_identifiers_many` scans a whole batch of texts at once and calls
:func:`find_identifiers` only on the texts that scan picks. Without Hyperscan (no wheel for the
platform) both are :func:`find_reference`; tests/ids/test_fast_path.py checks that all give the
same answers.
docs/identifiers.md "Performance" has the figures.
"""

from __future__ import annotations

import html as html_lib
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from altscope.ids import arxiv, doi, isbn, issn, misc, names, people, pubmed
from altscope.ids._locate import Located, Locator, caseless, collect, utf8
from altscope.ids._types import END, Found, Identifier
from altscope.ids.registry import DETECT_ORDER

Hit = tuple[int, int, Identifier]
Finder = Callable[[str, int, int], Iterator[Hit]]
_PRIORITY = {scheme: i for i, scheme in enumerate(DETECT_ORDER)}


@dataclass(frozen=True, slots=True)
class Trigger:
    """A finder runs when one of ``exact`` occurs in the text or one of ``folded`` in the
    lower-cased text. ``anchor`` is a Hyperscan byte pattern every match contains, or an expression
    run over the text only once the finder is triggered (for an anchor so common that scanning for
    it would slow every text down); without one the ``folded`` keys are the anchors, in every case
    variant ``re.IGNORECASE`` matches. ``reach`` is (before, after) as described above."""

    finder: Finder
    exact: tuple[str, ...] = ()
    folded: tuple[str, ...] = ()
    anchor: bytes | re.Pattern[str] | None = None
    reach: tuple[int, int] = (0, 0)


# Triggers are few and shared ("doi" for doi.org and doi:, "-000" for ORCIDs); the finders' own
# expressions reject false triggers. Reaches, from the expressions: the longest resolver prefix
# ahead of the anchor (https://www. is 12), the last \s? or separator after it.
TRIGGERS = (
    # 10. and four bytes that may be digits (\d is any Unicode digit: UTF-8 bytes >= 0x80).
    Trigger(doi.find, exact=("10.",), anchor=rb"10\.[0-9\x80-\xff]{4}"),
    # https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1
    Trigger(pubmed.find_pmcid, exact=("PMC",), anchor=b"PMC", reach=(42, 0)),
    Trigger(misc.find_nct, exact=("NCT",), anchor=b"NCT"),
    # https://sandbox.orcid.org/0000-
    Trigger(
        people.find_orcid, exact=("-000",), folded=("orcid",), anchor=b"000[09]-", reach=(26, 0)
    ),
    # https://www.doi.org/ ; doi: 10/ ; the anchor is "doi:", one whitespace (one ASCII byte or
    # one multi-byte character) and "10/", or "doi.org/" without the "10." of a DOI after it.
    Trigger(
        doi.find_short,
        folded=("doi",),
        anchor=caseless("doi")
        + rb"(?::(?:[\x09-\x0d\x1c-\x20]|[\x80-\xff]{2,3})?10/"
        + rb"|\.[oO][rR][gG]/(?:[^1]|1[^0]|10[^.]|1?0?$))",
        reach=(12, 5),
    ),
    # https://www.ncbi.nlm.nih.gov/pubmed/ ; pubmed id : 1
    Trigger(pubmed.find_pmid, folded=("pmid", "pubmed", "europepmc"), reach=(29, 13)),
    # https://export.arxiv.org ; arxiv : 1
    Trigger(arxiv.find, folded=("arxiv",), reach=(15, 8)),
    # isbn-13 : 9 7 8 ... (twelve separators)
    Trigger(isbn.find, folded=("isbn",), reach=(0, 35)),
    # e-issn : 1234 567X
    Trigger(issn.find, folded=("issn",), reach=(2, 13)),
    # https://hdl.handle.net ; hdl: 1
    Trigger(names.find_handle, folded=("hdl.", "hdl:"), reach=(8, 5)),
    Trigger(names.find_urn, folded=("urn:",)),
    # https://arks.org/ark:
    Trigger(names.find_ark, folded=("ark:",), reach=(17, 0)),
    # S and four digits (a PII is found anywhere once "pii" occurs in the text).
    Trigger(misc.find_pii, folded=("pii",), anchor=re.compile(r"S\d{4}")),
    # https://www.ror.org
    Trigger(people.find_ror, folded=("ror.org",), reach=(12, 0)),
)


_EXACT_KEYS = tuple(k for t in TRIGGERS for k in t.exact)


def _resolve(hits: list[Hit]) -> list[Hit]:
    """Drop matches that overlap an earlier or longer one."""
    if len(hits) > 1:
        hits.sort(key=lambda h: (h[0], -h[1], _PRIORITY[h[2].scheme]))
        kept: list[Hit] = []
        end = -1
        for hit in hits:
            if hit[0] >= end:
                kept.append(hit)
                end = hit[1]
        hits = kept
    return hits


def _found(text: str, hits: list[Hit], stripped: StrippedHTML | None = None) -> list[Found]:
    if stripped is None:
        return [Found(ident, s, e, text[s:e]) for s, e, ident in hits]
    found = []
    for s, e, ident in hits:
        start, end = stripped.original_span(s, e)
        found.append(Found(ident, start, end, text[start:end]))
    return found


# --- the reference: substring tests and whole-text expressions ---------------------------------


def _finders(text: str) -> list[Finder]:
    """The finders whose trigger substrings occur in ``text``."""
    exact = {k for k in _EXACT_KEYS if k in text}
    low = text.lower()
    return [
        t.finder
        for t in TRIGGERS
        if any(k in exact for k in t.exact) or any(k in low for k in t.folded)
    ]


def _scan(text: str, finders: list[Finder]) -> list[Hit]:
    return _resolve([hit for finder in finders for hit in finder(text, 0, END)])


def find_reference(text: str, *, html: bool = False) -> list[Found]:
    """What :func:`find_identifiers` returns, found without Hyperscan."""
    finders = _finders(text)
    if not finders:
        return []
    if not html or ("<" not in text and "&" not in text):
        return _found(text, _scan(text, finders))
    stripped = StrippedHTML(text)
    return _found(text, _scan(stripped.text, _finders(stripped.text)), stripped)


# --- Hyperscan: finders on windows around anchors ----------------------------------------------


def _triggered(trigger: Trigger, text: str, keys: Sequence[tuple[str, int]]) -> bool:
    """The reference's trigger test from the located keys: ``k in text.lower()`` exactly when some
    spelling of ``k`` that re.IGNORECASE matches lower-cases to contain ``k``."""
    for key, start in keys:
        if key in text[start : start + len(key)].lower():
            return True
    return any(key in text for key in trigger.exact)


def _any_triggered(text: str, located: Located | None) -> bool:
    if located is not None:
        for keys in located.keys.values():
            for key, start in keys:
                if key in text[start : start + len(key)].lower():
                    return True
    return any(key in text for key in _EXACT_KEYS)


def _windows(text: str, anchors: list[int], before: int, after: int) -> list[list[int]]:
    """Merged [pos, endpos) windows around anchors, each ending at a space (any whitespace would
    do) or the end of the text; see the module docstring."""
    if len(anchors) == 1:
        return [[max(0, anchors[0] - before), _space_after(text, anchors[0] + after)]]
    windows: list[list[int]] = []
    for anchor in sorted(anchors):
        if windows and anchor - before <= windows[-1][1]:
            if anchor + after > windows[-1][1]:
                windows[-1][1] = _space_after(text, anchor + after)
        else:
            windows.append([max(0, anchor - before), _space_after(text, anchor + after)])
    return windows


def _space_after(text: str, pos: int) -> int:
    space = text.find(" ", pos)
    return space if space >= 0 else len(text)


def _search(text: str, located: Located | None) -> list[Hit]:
    if located is None:
        return []
    hits: list[Hit] = []
    for index, anchors in located.anchors.items():
        trigger = TRIGGERS[index]
        if not _triggered(trigger, text, located.keys.get(index, ())):
            continue
        if isinstance(trigger.anchor, re.Pattern):  # anchored by its keys until triggered
            anchors = [match.start() for match in trigger.anchor.finditer(text)]
        for pos, endpos in _windows(text, anchors, *trigger.reach):
            hits.extend(trigger.finder(text, pos, endpos))
    return _resolve(hits)


def _find_in_html(text: str, located: Located | None) -> list[Found]:
    # Stripping removes text, so the stripped text holds no anchor unless the raw text does, an
    # entity is decoded into one, or a removed tag joins one.
    if located is None and "&" not in text:
        return []
    if not _any_triggered(text, located):
        return []
    stripped = StrippedHTML(text)
    return _found(text, _search(stripped.text, _LOCATOR.locate(stripped.text)), stripped)


try:
    _LOCATOR = Locator(
        [
            (
                t.anchor if isinstance(t.anchor, bytes) else None,
                t.folded,
                not isinstance(t.anchor, bytes),
            )
            for t in TRIGGERS
        ]
    )
except ImportError:  # no Hyperscan wheel for this platform
    _FAST = False
else:
    _FAST = True
    _SCANS, _local = _LOCATOR.scans, _LOCATOR.local


def find_identifiers(text: str, *, html: bool = False) -> list[Found]:
    """Every identifier in ``text``, in order of appearance. ``html=True`` strips tags and
    decodes entities first; spans still index into the original ``text``."""
    if not _FAST:
        return find_reference(text, html=html)
    markup = ("<" in text or "&" in text) if html else False
    # _LOCATOR.locate(text, markup), inlined: most texts hold nothing, and for them the call
    # would be a tenth of the time.
    try:
        data = text.encode()
    except UnicodeEncodeError:
        data = utf8(text)
    except AttributeError:  # not a str: fail as the reference does
        return find_reference(text, html=html)
    matches: list[tuple[int, int]] = []
    try:
        scratches = _local.scratches
    except AttributeError:
        scratches = _LOCATOR.scratches()
    _SCANS[markup](data, collect, 0, matches, scratches[markup])
    located = _LOCATOR.located(text, data, matches) if matches else None
    if markup:
        return _find_in_html(text, located)
    if located is None:
        return []
    return [Found(ident, s, e, text[s:e]) for s, e, ident in _search(text, located)]


# A batch is scanned joined by NUL, which is in no pattern but the shortDOI anchor's [^1],
# 1[^0], 10[^.] (there for the end of the text): every match of a text's own scan ends in the
# text or on the NUL after it in the joined scan too, and NULs ahead of the end tell the text.
# A match across texts only costs a search that finds nothing.
_SEPARATOR = "\x00"


def find_identifiers_many(texts: Iterable[str], *, html: bool = False) -> list[list[Found]]:
    """For each of ``texts``, what ``find_identifiers(text, html=html)`` returns.

    One Hyperscan scan of the texts joined by NUL tells which texts hold an anchor, a trigger key
    or (with ``html``) a tag between anchor characters; only those and HTML texts with entities
    are searched, with :func:`find_identifiers`. Texts holding NUL are searched one by one."""
    texts = list(texts)
    if not _FAST or len(texts) < 2:
        return [find_identifiers(text, html=html) for text in texts]
    try:
        data = utf8(_SEPARATOR.join(texts))
    except TypeError:  # a text is not a str: fail as find_identifiers does
        data = b""
    if data.count(0) != len(texts) - 1:
        return [find_identifiers(text, html=html) for text in texts]
    search: set[int] = set()
    index = pos = 0
    for end in sorted(_LOCATOR.batch_ends(data, bool(html))):
        index += data.count(0, pos, end - 1)
        pos = end - 1
        search.add(index)
    if html:  # an entity can decode into an anchor
        search.update(i for i, text in enumerate(texts) if "&" in text)
    found: list[list[Found]] = [[] for _ in texts]
    for i in search:
        found[i] = find_identifiers(texts[i], html=html)
    return found


# --- HTML to text with an offset map -----------------------------------------------------------

_INLINE_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "dfn",
        "em",
        "font",
        "i",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "wbr",
    ]
)
_MARKUP_RE = re.compile(
    r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<(/?)([a-zA-Z][\w:-]*)[^>]*>"
    r"|&(?:#\d{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[a-zA-Z][a-zA-Z0-9]{1,31};)",
    re.DOTALL | re.IGNORECASE,
)


_unescape = lru_cache(maxsize=4096)(html_lib.unescape)


class StrippedHTML:
    """HTML turned into text (inline tags vanish, other tags and comments become a space,
    entities are decoded) together with a map from text offsets back to ``source`` offsets."""

    def __init__(self, source: str) -> None:
        parts: list[str] = []
        starts: list[int] = []  # where each piece begins in the text
        pieces: list[tuple[int, int, bool]] = []  # (source_start, source_end, verbatim)
        out = pos = 0
        for match in _MARKUP_RE.finditer(source):
            start, end = match.span()
            if start > pos:
                starts.append(out)
                pieces.append((pos, start, True))
                parts.append(source[pos:start])
                out += start - pos
            if source[start] == "&":
                replacement = _unescape(match[0])
            elif match[3] and match[3].lower() in _INLINE_TAGS:
                replacement = ""
            else:
                replacement = " "
            if replacement:
                starts.append(out)
                pieces.append((start, end, False))
                parts.append(replacement)
                out += len(replacement)
            pos = end
        if pos < len(source):
            starts.append(out)
            pieces.append((pos, len(source), True))
            parts.append(source[pos:])
        self.text = "".join(parts)
        self._starts = starts
        self._pieces = pieces

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span covering text ``[start, end)``."""
        i = bisect_right(self._starts, start) - 1
        src_start, _, verbatim = self._pieces[i]
        source_start = src_start + (start - self._starts[i]) if verbatim else src_start
        j = bisect_right(self._starts, end - 1) - 1
        src_start, src_end, verbatim = self._pieces[j]
        source_end = src_start + (end - self._starts[j]) if verbatim else src_end
        return source_start, source_end
