"""Percolator-style candidates in a text or URL: ``plain-doi``, ``doi-url``, ``shortdoi-url``,
``pii`` and, for hosts in a given list, ``landing-page-url``. Values are as written in the text."""

from __future__ import annotations

import re
from collections.abc import Collection
from urllib.parse import urlsplit

from altscope.ids.find import find_identifiers

_URL_RE = re.compile(r"https?://[^\s<>\"'|{}\\^`]+", re.IGNORECASE)
_RESOLVER_RE = re.compile(r"(?:https?://)?(?:dx\.|www\.)?doi\.org/", re.IGNORECASE)
_LABEL_RE = re.compile(r"\A(?:urn:doi:|info:doi/|doi\s?[:=]\s?)", re.IGNORECASE)


def candidates(text: str | None, landing_domains: Collection[str] = ()) -> list[tuple[str, str]]:
    """(type, value) pairs in order of appearance."""
    if not text:
        return []
    hits: list[tuple[int, str, str]] = []
    taken: list[tuple[int, int]] = []
    for found in find_identifiers(text):
        scheme = found.identifier.scheme
        if scheme == "doi":
            if _RESOLVER_RE.match(found.text):
                hits.append((found.start, "doi-url", found.text))
            else:
                label = _LABEL_RE.match(found.text)
                hits.append((found.start, "plain-doi", found.text[label.end() if label else 0 :]))
        elif scheme == "shortdoi":
            hits.append((found.start, "shortdoi-url", found.text))
        elif scheme == "pii":
            hits.append((found.start, "pii", found.text))
        else:
            continue
        taken.append((found.start, found.end))
    if landing_domains:
        for match in _URL_RE.finditer(text):
            if any(s < match.end() and e > match.start() for s, e in taken):
                continue
            host = (urlsplit(match.group()).hostname or "").lower()
            if host in landing_domains:
                hits.append((match.start(), "landing-page-url", match.group()))
    hits.sort()
    return [(kind, value) for _, kind, value in hits]
