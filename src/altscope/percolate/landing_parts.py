"""Split a landing page into the parts the metadata reader needs, without parsing all of it.

A publisher's page is 30-300 KB, but its metadata sits in `<head>` (meta and link tags, often
JSON-LD) plus a few known elements of the body (JSON-LD scripts, COinS spans). `split_head`
finds where the head ends with a small tokenizer that skips comments and raw-text elements
(scripts, styles, titles), so a `<body>` inside a script string does not end the head early.
`body_fragments` then picks the start tags (and script contents) of the wanted body elements
out of the rest with plain substring search, skipping anything inside an HTML comment.

The head is parsed by the caller with `percolate.html.parse_html` (guarded against quadratic
markup); the fragments are small and parsed on their own. Time is linear in the page size and
dominated by memchr-speed substring search.
"""

from __future__ import annotations

import functools
import re

__all__ = ["MAX_FRAGMENTS", "body_fragments", "split_head"]

MAX_FRAGMENTS = 64  # per marker: more JSON-LD scripts or COinS spans than this are not read

_HEAD_TOKEN_RE = re.compile(
    r"<(?:(!--)|(script|style|title|textarea|noscript|xmp|iframe|noembed|noframes)(?=[\s/>])"
    r"|(?:body|/head)(?=[\s/>]))",
    re.IGNORECASE,
)
# One start tag, attribute values quoted or not (a ">" inside a quoted value does not end it).
# Atomic groups: no backtracking, so a tag that never closes costs one linear scan.
_START_TAG_RE = re.compile(
    r"<([A-Za-z][^\s/>]*)(?>\s+[^\s=>]+(?>\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*+\s*/?>"
)
_MAX_TAG_CHARS = 65_536  # a longer start tag is not read
_MAX_ATTEMPTS = 4 * MAX_FRAGMENTS  # markers looked at per call, found or not


@functools.cache
def _end_tag_re(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{re.escape(name)}[\s/>]", re.IGNORECASE)


def split_head(html: str) -> int:
    """Index where the document's head ends: the first `<body` or `</head` outside comments
    and raw text, or `len(html)` when there is none (the whole document is then read)."""
    position = 0
    search = _HEAD_TOKEN_RE.search
    while True:
        match = search(html, position)
        if match is None:
            return len(html)
        if match.group(1):  # comment
            end = html.find("-->", match.end())
            if end < 0:
                return len(html)
            position = end + 3
        elif match.group(2):  # raw text element: skip to its end tag
            end_match = _end_tag_re(match.group(2).lower()).search(html, match.end())
            if end_match is None:
                return len(html)
            position = end_match.end()
        else:
            return match.start()


def _in_comment(html: str, index: int) -> bool:
    return html.rfind("<!--", 0, index) > html.rfind("-->", 0, index)


def body_fragments(html: str, start: int, marker: str, tag: str) -> list[str]:
    """Markup of the `tag` elements in `html[start:]` whose start tag contains `marker`.

    For `script` the fragment runs to the end tag (the script's content is what is wanted);
    for other tags it is the start tag alone (COinS data sits in an attribute). Elements
    inside comments, and markers that are not inside such a start tag, are skipped.
    """
    fragments: list[str] = []
    position = start
    opening = "<" + tag
    for _ in range(_MAX_ATTEMPTS):
        if len(fragments) >= MAX_FRAGMENTS:
            break
        hit = html.find(marker, position)
        if hit < 0:
            break
        position = hit + len(marker)
        begin = html.rfind("<", start, hit)
        if begin < 0 or html[begin : begin + len(opening)].lower() != opening:
            continue
        start_tag = _START_TAG_RE.match(html, begin, begin + _MAX_TAG_CHARS)
        if start_tag is None or start_tag.end() <= hit or start_tag.group(1).lower() != tag:
            continue
        if _in_comment(html, begin):
            continue
        end = start_tag.end()
        if tag == "script":
            closing = _end_tag_re("script").search(html, end)
            end = closing.start() if closing else len(html)
            fragments.append(html[begin:end] + "</script>")
        else:
            fragments.append(html[begin:end])
        position = max(position, end)
    return fragments
