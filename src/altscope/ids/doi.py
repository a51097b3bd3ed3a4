"""DOI and shortDOI: parse, clean up, find in text, and trim against a registry.

Normal form: a DOI is case-insensitive, so its value is lower-cased (``10.1002/(sici)...``);
a shortDOI is ``10/<code>`` in lower case. Resolver: ``https://doi.org/<value>``.

Free text is messy: DOIs come URL-encoded (``%2F``), followed by share fragments
(``#.xyz.twitter``), tracking queries (``?utm_...``), publisher tails (``/abstract``, ``.pdf``),
HTML (``</ref>``, ``&lt;``), emoji, zero-width characters and closing brackets. :func:`clean_suffix`
removes all that with regular rules; where only the DOI registry can say where a DOI ends, use
:func:`trim_to_registered` with an ``exists(doi) -> bool`` callable.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from urllib.parse import unquote

from altscope.ids._types import END, Identifier

# Characters that may not appear in a DOI found in running text: whitespace, quotes, wiki/template
# syntax, zero-width and format characters, general punctuation, symbols, arrows, dingbats, CJK
# punctuation, full-width forms and emoji (U+2000-U+2BFF, U+3000-U+303F, U+FE00-U+FE0F,
# U+FF00-U+FFEF, U+1F000-U+1FAFF).
_STOP = (
    r"\s\"'|{}\\^`\u00ad\u2000-\u2bff\u3000-\u303f\ufe00-\ufe0f\ufeff\uff00-\uffef"
    r"\U0001f000-\U0001faff"
)
_SUFFIX = f"[^{_STOP}]"

FIND_RE = re.compile(rf"10\.\d{{4,9}}(?:\.\d+)*(?:/|%2[Ff]){_SUFFIX}+")
_STRICT_RE = re.compile(r"10\.\d+(?:\.\d+)*/\S+\Z")

# A resolver URL or label just before a DOI: extends the span found in text to cover it.
_LABEL_BEFORE_RE = re.compile(
    r"(?:(?:https?://)?(?:dx\.|www\.)?doi\.org/|(?:https?://)?(?:dx\.|www\.)?hdl\.handle\.net/)"
    r"(?:doi:|urn:doi:|info:doi/|doi%3a)?\s?\Z"
    r"|(?:\burn:doi:|\binfo:doi/|\bdoi(?:%3a|\s?[:=]\s?))\Z",
    re.IGNORECASE,
)

# Where a DOI found in text stops, whatever follows: a query, a fragment (except the SICI check
# character '#' at the very end), a session id, HTML tags and entities, the end of an HTML comment.
_HTML_TAGS = (
    "ref|span|div|br|p|a|i|b|em|strong|sup|sub|small|li|ul|ol|td|tr|th|table|code|pre|nowiki"
    "|references|img|hr|h[1-6]|blockquote|cite|abbr|wbr|u|s|font|center|meta|link|title"
)
_CUT_RE = re.compile(
    r"\?|#(?!\Z)|;jsessionid|&(?:quot|nbsp|apos|#\d+|#x[0-9a-f]+);|&[\w.\-]+="
    rf"|(?:<|&lt;)/|(?:<|&lt;)(?:{_HTML_TAGS})\b|-->",
    re.IGNORECASE,
)
_CUT_START_RE = re.compile(r"[?#;&<]|-->")  # how every _CUT_RE match begins
# Publisher page tails after a DOI in a URL (.../abstract, .../full, .pdf ...).
_TAIL_RE = re.compile(
    r"(?:/(?:abstract|full|fulltext|full-text|pdf|epdf|pdfdirect|pdfplus|html|xml|meta|references"
    r"|citedby|summary|suppinfo|figures|tables|toc|epub|issuetoc|ris|bibtex)"
    r"|\.(?:pdf|html?|full|abstract|xml|epub)|/)\Z",
    re.IGNORECASE,
)
# A title slug after the DOI in a URL path (/criminal-law-issues-in-...): lower-case words.
_SLUG_RE = re.compile(r"/[a-z]{2,}(?:-[a-z0-9]+)+(?:/|\Z)")
_TRAILING = ".,;:!?*'\"~_#"
_PREFIX_RE = re.compile(r"10\.\d+(?:\.\d+)*(?:/|%2[Ff])")
_CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}

# Resolver prefixes and labels accepted by parse().
_PARSE_PREFIX_RE = re.compile(
    r"\A(?:(?:https?:/{1,2})?(?:dx\.|www\.)?doi\.org/|(?:https?:/{1,2})?(?:dx\.)?hdl\.handle\.net/)?"
    r"(?:doi:\s*|urn:doi:|info:doi/|doi/)?",
    re.IGNORECASE,
)
_DATAONE_RE = re.compile(r"\Adoi_(10\.\d+(?:\.\d+)*)_(.+)\Z", re.IGNORECASE)
_ZERO_WIDTH_RE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")

# shortDOI: 10/<code> (Crossref shortDOI service); found in text only behind doi.org or doi:10/.
_SHORT_CODE = r"[a-z0-9]{2,16}"
_SHORT_PARSE_RE = re.compile(
    rf"\A(?:(?:https?://)?(?:dx\.|www\.)?doi\.org/)?(?:doi:\s*|urn:|info:doi/)?(?:10/)?({_SHORT_CODE})\Z",
    re.IGNORECASE,
)
_SHORT_STRICT_RE = re.compile(
    rf"\A(?:(?:(?:https?://)?(?:dx\.|www\.)?doi\.org/)(?:doi:|urn:|info:doi/)?(?:10/)?"
    rf"|(?:doi:\s*)?10/)({_SHORT_CODE})\Z",
    re.IGNORECASE,
)
SHORT_FIND_RE = re.compile(
    rf"(?:(?:https?://)?(?:dx\.|www\.)?doi\.org/(?:doi:|urn:|info:doi/)?(?:10/)?|\bdoi:\s?10/)"
    rf"({_SHORT_CODE})(?![\w./%@-])",
    re.IGNORECASE,
)
# Pages of the doi.org web site that look like shortDOI codes.
_NOT_SHORT = frozenset({"help", "index", "faq", "about", "contact", "search", "the", "services"})
_BARE_SHORT_RE = re.compile(rf"(?<![\w/.])10/({_SHORT_CODE})(?![\w/.])", re.IGNORECASE)


def clean_suffix(raw: str) -> str:
    """Cut a raw DOI (as found in text or a URL) where the DOI ends; returns the kept prefix."""
    cut = _CUT_RE.search(raw) if _CUT_START_RE.search(raw) else None
    if cut:
        raw = raw[: cut.start()]
    prefix = _PREFIX_RE.match(raw)
    prefix_end = prefix.end() if prefix else 0
    slug = _SLUG_RE.search(raw, prefix_end)
    if slug:
        raw = raw[: slug.start()]
    while len(raw) > prefix_end:
        tail = _TAIL_RE.search(raw, prefix_end)
        if tail and tail.start() >= prefix_end:
            raw = raw[: tail.start()]
            continue
        last = raw[-1]
        if last in _TRAILING:
            if last == "#" and raw.endswith("-#"):
                break
            raw = raw[:-1]
        elif last in _CLOSERS and raw.count(_CLOSERS[last]) < raw.count(last):
            raw = raw[:-1]
        elif last == "-" and raw.endswith("--"):
            raw = raw.rstrip("-")
        else:
            break
    return raw


def _decode(raw: str) -> str:
    if "%" in raw:
        raw = unquote(raw)
    if "&" in raw:
        raw = html.unescape(raw)
    return raw


def normalize_doi(text: str) -> str | None:
    """The normal form of one DOI written any accepted way, or None when it is not a DOI."""
    s = _ZERO_WIDTH_RE.sub("", text).strip()
    if "%" in s:
        s = unquote(s)
    dataone = _DATAONE_RE.match(s)
    if dataone:
        s = f"{dataone.group(1)}/{dataone.group(2)}"
    s = s[_PARSE_PREFIX_RE.match(s).end() :]  # type: ignore[union-attr]
    s = clean_suffix(s)
    if "&" in s:
        s = html.unescape(s)
    if not _STRICT_RE.match(s):
        return None
    return s.lower()


def normalize_shortdoi(text: str, *, bare: bool = False) -> str | None:
    """``10/<code>`` for a shortDOI (``10/hvx``, ``doi.org/hvx``); a bare code only if ``bare``."""
    s = text.strip()
    match = (_SHORT_PARSE_RE if bare else _SHORT_STRICT_RE).match(s)
    if not match or match.group(1).lower() in _NOT_SHORT:
        return None
    return f"10/{match.group(1).lower()}"


def resolver_url(value: str) -> str:
    """``https://doi.org/<value>`` (for DOIs and shortDOIs)."""
    return f"https://doi.org/{value}"


def find(text: str, pos: int = 0, endpos: int = END) -> Iterator[tuple[int, int, Identifier]]:
    """DOIs in running text: (start, end, identifier); the span includes a resolver or label."""
    for match in FIND_RE.finditer(text, pos, endpos):
        if match.start() and text[match.start() - 1].isdigit():
            continue  # "2010.1234/..." is not a DOI
        raw = clean_suffix(match.group())
        value = _decode(raw)
        slash = value.find("/")
        if slash < 0 or slash == len(value) - 1:
            continue
        yield (
            _label_start(text, match.start()),
            match.start() + len(raw),
            Identifier("doi", value.lower()),
        )


def _label_start(text: str, start: int) -> int:
    """Where a resolver URL or label just before ``start`` begins (``start`` when none is)."""
    # Cheap tests first: every label ends in one of "/:=a" or whitespace, holds "do" or "hd",
    # and begins at most 12 characters ahead of them (https://www.doi.org/).
    if not start or (text[start - 1] not in "/:=aA" and not text[start - 1].isspace()):
        return start
    pos = max(0, start - 48)
    lookback = text[pos:start].lower()
    do, hd = lookback.find("do"), lookback.find("hd")
    if do < 0 and hd < 0:
        return start
    if len(lookback) == start - pos:  # lower() kept the offsets
        pos += max(0, (do if hd < 0 or 0 <= do < hd else hd) - 12)
    label = _LABEL_BEFORE_RE.search(text, pos, start)
    return label.start() if label else start


def find_short(text: str, pos: int = 0, endpos: int = END) -> Iterator[tuple[int, int, Identifier]]:
    """shortDOIs behind a doi.org resolver or a ``doi:10/`` label."""
    for match in SHORT_FIND_RE.finditer(text, pos, endpos):
        code = match.group(1).lower()
        if code in _NOT_SHORT or (code.isdigit() and len(code) < 3):
            continue
        yield match.start(), match.end(), Identifier("shortdoi", f"10/{code}")


def bare_shortdois(text: str) -> list[str]:
    """Bare ``10/<code>`` strings in text; only worth anything with a shortDOI lookup."""
    return [f"10/{m.group(1).lower()}" for m in _BARE_SHORT_RE.finditer(text)]


# --- trimming against a DOI registry -----------------------------------------------------------


def drop_right_char(text: str) -> str:
    """``text`` without its last character (a whole code point, never half an emoji)."""
    return text[:-1]


def registry_candidates(doi: str, max_drops: int = 3) -> list[str]:
    """Candidate DOIs to ask a registry about, best first: the DOI, then shorter path prefixes,
    then the DOI with up to ``max_drops`` characters dropped from the right."""
    slash = doi.find("/")
    out = [doi]
    cut = len(doi)
    while True:
        cut = doi.rfind("/", 0, cut)
        if cut <= slash:
            break
        out.append(doi[:cut])
    shorter = doi
    for _ in range(max_drops):
        shorter = drop_right_char(shorter)
        if len(shorter) <= slash + 1:
            break
        out.append(shorter)
    return list(dict.fromkeys(c for c in out if len(c) > slash + 1))


def trim_to_registered(candidate: str, exists: Callable[[str], bool]) -> str | None:
    """The longest registered DOI that ``candidate`` starts with (by the rules of
    :func:`registry_candidates`), or None; ``exists`` is the registry lookup."""
    doi = normalize_doi(candidate)
    if doi is None:
        return None
    for option in registry_candidates(doi):
        if exists(option):
            return option
    return None
