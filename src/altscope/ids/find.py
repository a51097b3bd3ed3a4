"""Find every identifier in free text or HTML, with spans into the original string.

Speed comes from a prefilter: a handful of substring tests (C-speed ``in``) decide which scheme
finders can possibly match; a text with no trigger costs one ``lower()`` and those tests. Only the
triggered finders run their precompiled regular expressions.
"""

from __future__ import annotations

import html as html_lib
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator

from altscope.ids import arxiv, doi, isbn, issn, misc, names, people, pubmed
from altscope.ids._types import Found, Identifier
from altscope.ids.registry import DETECT_ORDER

Finder = Callable[[str], Iterator[tuple[int, int, Identifier]]]
_PRIORITY = {scheme: i for i, scheme in enumerate(DETECT_ORDER)}


def _finders(text: str) -> list[Finder]:
    """The finders whose trigger substrings occur in ``text``. Every test is one C-speed scan of
    the text, so triggers are few and shared (``"doi"`` for doi.org and doi:, ``"-000"`` for
    ORCIDs); the finders' own expressions then reject false triggers."""
    found: list[Finder] = []
    if "10." in text:
        found.append(doi.find)
    if "PMC" in text:
        found.append(pubmed.find_pmcid)
    if "NCT" in text:
        found.append(misc.find_nct)
    low = text.lower()
    if "-000" in text or "orcid" in low:
        found.append(people.find_orcid)
    if "doi" in low:
        found.append(doi.find_short)
    if "pmid" in low or "pubmed" in low or "europepmc" in low:
        found.append(pubmed.find_pmid)
    if "arxiv" in low:
        found.append(arxiv.find)
    if "isbn" in low:
        found.append(isbn.find)
    if "issn" in low:
        found.append(issn.find)
    if "hdl." in low or "hdl:" in low:
        found.append(names.find_handle)
    if "urn:" in low:
        found.append(names.find_urn)
    if "ark:" in low:
        found.append(names.find_ark)
    if "pii" in low:
        found.append(misc.find_pii)
    if "ror.org" in low:
        found.append(people.find_ror)
    return found


def _scan(text: str, finders: list[Finder]) -> list[tuple[int, int, Identifier]]:
    """Run the finders and drop matches that overlap an earlier or longer one."""
    hits = [hit for finder in finders for hit in finder(text)]
    if len(hits) > 1:
        hits.sort(key=lambda h: (h[0], -h[1], _PRIORITY[h[2].scheme]))
        kept: list[tuple[int, int, Identifier]] = []
        end = -1
        for hit in hits:
            if hit[0] >= end:
                kept.append(hit)
                end = hit[1]
        hits = kept
    return hits


def find_identifiers(text: str, *, html: bool = False) -> list[Found]:
    """Every identifier in ``text``, in order of appearance. ``html=True`` strips tags and
    decodes entities first; spans still index into the original ``text``."""
    finders = _finders(text)
    if not finders:
        return []
    if not html or ("<" not in text and "&" not in text):
        return [Found(ident, s, e, text[s:e]) for s, e, ident in _scan(text, finders)]
    stripped = StrippedHTML(text)
    finders = _finders(stripped.text)
    found = []
    for s, e, ident in _scan(stripped.text, finders):
        start, end = stripped.original_span(s, e)
        found.append(Found(ident, start, end, text[start:end]))
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


class StrippedHTML:
    """HTML turned into text (inline tags vanish, other tags and comments become a space,
    entities are decoded) together with a map from text offsets back to ``source`` offsets."""

    def __init__(self, source: str) -> None:
        parts: list[str] = []
        # Pieces: (text_start, source_start, source_end, verbatim)
        self._starts: list[int] = []
        self._pieces: list[tuple[int, int, bool]] = []
        out = 0
        pos = 0
        for match in _MARKUP_RE.finditer(source):
            if match.start() > pos:
                self._add(out, pos, match.start(), True)
                parts.append(source[pos : match.start()])
                out += match.start() - pos
            token = match.group()
            if token[0] == "&":
                replacement = html_lib.unescape(token)
            elif match.group(3) and match.group(3).lower() in _INLINE_TAGS:
                replacement = ""
            else:
                replacement = " "
            if replacement:
                self._add(out, match.start(), match.end(), False)
                parts.append(replacement)
                out += len(replacement)
            pos = match.end()
        if pos < len(source):
            self._add(out, pos, len(source), True)
            parts.append(source[pos:])
        self.text = "".join(parts)

    def _add(self, out: int, start: int, end: int, verbatim: bool) -> None:
        self._starts.append(out)
        self._pieces.append((start, end, verbatim))

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span covering text ``[start, end)``."""
        i = bisect_right(self._starts, start) - 1
        src_start, _, verbatim = self._pieces[i]
        source_start = src_start + (start - self._starts[i]) if verbatim else src_start
        j = bisect_right(self._starts, end - 1) - 1
        src_start, src_end, verbatim = self._pieces[j]
        source_end = src_start + (end - self._starts[j]) if verbatim else src_end
        return source_start, source_end
