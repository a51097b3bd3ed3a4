"""Defuse markup that would make the HTML parser take quadratic time.

An HTML tree builder walks its stack of open elements for many tags, so a page of 200,000
nested `<div>`s, or one element with 20,000 attributes, takes minutes to parse (lexbor, like any
parser that follows the HTML Standard). Browsers cap the tree depth; `defuse` does the same
before parsing: it follows the stack of open elements approximately (erring towards a deeper
stack) and drops start tags that would open an element deeper than `MAX_DEPTH`, and the
attributes of a tag that has more than `MAX_ATTRIBUTES`. Documents within those limits come back
unchanged.
"""

from __future__ import annotations

import functools
import re

__all__ = ["MAX_ATTRIBUTES", "MAX_DEPTH", "defuse"]

MAX_DEPTH = 512
MAX_ATTRIBUTES = 1000
_WALK_LIMIT = 64  # how far down the stack an implied close may look (further: assume none)
_SMALL_DOCUMENT_TAGS = 4096  # below this many "<", even quadratic parsing is fast
_SMALL_DOCUMENT_CHARS = 100_000


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TOKEN_RE = re.compile(r"<(?:(!--)|(/?)([A-Za-z][^\s/>]*)([^>]*)>)")
_ATTRIBUTE_RE = re.compile(r"[\s/]+[^\s=/>]+")

_VOID = _words(
    "area base basefont bgsound br col embed frame hr image img input keygen link meta param "
    "source track wbr"
)
_RAW_TEXT = _words("script style textarea title xmp iframe noembed noframes noscript")
_NEVER_PUSHED = frozenset({"html", "head", "body"})
_SPECIAL = _words(
    "address applet area article aside base basefont bgsound blockquote body br button caption "
    "center col colgroup dd details dir div dl dt embed fieldset figcaption figure footer form "
    "frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img input keygen li link "
    "listing main marquee menu meta nav noembed noframes noscript object ol p param plaintext pre "
    "script search section select source style summary table tbody td template textarea tfoot th "
    "thead title tr track ul wbr xmp mi mo mn ms mtext annotation-xml foreignobject desc"
)
_SCOPE_BOUNDARY = _words(
    "applet caption html table td th marquee object template mi mo mn ms mtext annotation-xml "
    "foreignobject desc title"
)
_CLOSES_P = _words(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption "
    "figure footer header hgroup main menu nav ol p search section summary ul h1 h2 h3 h4 h5 h6 "
    "pre listing form li dd dt plaintext xmp table"
)
_SPECIAL_OR_BOUNDARY = _SPECIAL | _SCOPE_BOUNDARY
_P = frozenset({"p"})
_BUTTON_SCOPE_BOUNDARY = _SCOPE_BOUNDARY | {"button"}
# start tag -> (names it closes, names that stop the search)
_LIST_ITEM_STOP = _SPECIAL - {"address", "div", "p"}
_IMPLIED_CLOSE: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "li": (frozenset({"li"}), _LIST_ITEM_STOP),
    "dd": (frozenset({"dd", "dt"}), _LIST_ITEM_STOP),
    "dt": (frozenset({"dd", "dt"}), _LIST_ITEM_STOP),
    "td": (frozenset({"td", "th"}), frozenset({"tr", "table", "template", "html"})),
    "th": (frozenset({"td", "th"}), frozenset({"tr", "table", "template", "html"})),
    "tr": (frozenset({"tr"}), frozenset({"tbody", "thead", "tfoot", "table", "template", "html"})),
    "tbody": (frozenset({"tbody", "thead", "tfoot"}), frozenset({"table", "template", "html"})),
    "thead": (frozenset({"tbody", "thead", "tfoot"}), frozenset({"table", "template", "html"})),
    "tfoot": (frozenset({"tbody", "thead", "tfoot"}), frozenset({"table", "template", "html"})),
    "option": (frozenset({"option"}), frozenset({"select", "datalist", "optgroup", "html"})),
    "optgroup": (frozenset({"option", "optgroup"}), frozenset({"select", "html"})),
}


class _OpenElements:
    """An approximate stack of open elements."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.counts: dict[str, int] = {}

    def push(self, name: str) -> None:
        self.stack.append(name)
        self.counts[name] = self.counts.get(name, 0) + 1

    def pop_to(self, targets: frozenset[str], stop: frozenset[str]) -> None:
        """Pop through the nearest of `targets` unless a `stop` element or the limit comes first."""
        if not any(self.counts.get(name) for name in targets):
            return
        stack = self.stack
        for offset in range(1, min(len(stack), _WALK_LIMIT) + 1):
            name = stack[-offset]
            if name in targets:
                for _ in range(offset):
                    popped = stack.pop()
                    self.counts[popped] -= 1
                return
            if name in stop:
                return

    def in_foreign_content(self) -> bool:
        return bool(self.counts.get("svg") or self.counts.get("math"))


def _too_many_attributes(attributes: str) -> bool:
    if len(attributes) < MAX_ATTRIBUTES * 2:
        return False
    matches = _ATTRIBUTE_RE.finditer(attributes)
    return any(count > MAX_ATTRIBUTES for count, _ in enumerate(matches, start=1))


def defuse(html: str) -> str:
    """Return `html` with over-deep start tags and attribute floods removed (usually unchanged)."""
    if len(html) < _SMALL_DOCUMENT_CHARS and html.count("<") < _SMALL_DOCUMENT_TAGS:
        return html
    pieces: list[str] = []
    copied = 0
    position = 0
    elements = _OpenElements()
    search = _TOKEN_RE.search

    def replace(match: re.Match[str], text: str) -> None:
        nonlocal copied
        pieces.append(html[copied : match.start()])
        pieces.append(text)
        copied = match.end()

    while True:
        match = search(html, position)
        if match is None:
            break
        position = match.end()
        if match.group(1):  # comment: skip to its end
            end = html.find("-->", match.start() + 4)
            if end < 0:
                break
            position = end + 3
            continue
        closing, name, attributes = match.group(2), match.group(3).lower(), match.group(4)
        if closing:
            stop = _SCOPE_BOUNDARY if name in _SPECIAL else _SPECIAL_OR_BOUNDARY
            elements.pop_to(_singleton(name), stop)
            continue
        flooded = _too_many_attributes(attributes)
        if name == "plaintext" or name in _RAW_TEXT or name in _VOID or name in _NEVER_PUSHED:
            if flooded:
                replace(match, f"<{name}>")
            if name == "plaintext":
                break
            if name in _RAW_TEXT:
                end_match = _raw_text_end(name).search(html, position)
                if end_match is None:
                    break
                position = end_match.end()
            continue
        if attributes.endswith("/") and elements.in_foreign_content():
            if flooded:
                replace(match, f"<{name}/>")
            continue
        if name in _CLOSES_P:
            elements.pop_to(_P, _BUTTON_SCOPE_BOUNDARY)
        if name in _IMPLIED_CLOSE:
            targets, stop = _IMPLIED_CLOSE[name]
            elements.pop_to(targets, stop)
        if len(elements.stack) >= MAX_DEPTH:
            replace(match, "")
            continue
        if flooded:
            replace(match, f"<{name}>")
        elements.push(name)
    if not pieces:
        return html
    pieces.append(html[copied:])
    return "".join(pieces)


@functools.lru_cache(maxsize=4096)
def _singleton(name: str) -> frozenset[str]:
    return frozenset({name})


@functools.cache
def _raw_text_end(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{re.escape(name)}[\s/>]", re.IGNORECASE)
