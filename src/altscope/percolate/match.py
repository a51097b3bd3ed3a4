"""Identifiers written in an observation, each with how it was found.

The cheapest rungs of the percolator's ladder: identifiers in the text (``text-id``) and
identifiers inside the URLs the observation links to (``url-id``). Both are read verbatim, so
their verification is ``exact``. Later rungs (URL rules, landing pages, title matching) build on
the same :class:`Match`.
"""

from __future__ import annotations

from dataclasses import dataclass

from altscope.ids import Identifier, find_identifiers
from altscope.percolate.candidates import find_urls
from altscope.percolate.html import html_links, html_to_text

TEXT_ID = "text-id"
URL_ID = "url-id"
EXACT = "exact"


@dataclass(frozen=True, slots=True)
class Match:
    """An identifier an observation refers to, and how it was found."""

    identifier: Identifier
    method: str
    verification: str


def _in_urls(text: str, urls: list[str]) -> list[Identifier]:
    return [found.identifier for url in urls for found in find_identifiers(url)]


def match_observation(text: str, *, html: bool = False, base_url: str | None = None) -> list[Match]:
    """Every identifier ``text`` (plain text, or HTML when ``html``) refers to, in order, once.

    An identifier seen both in a URL and in the prose is reported once, as ``url-id``.
    """
    plain = html_to_text(text) if html else text
    urls = find_urls(plain)
    if html:
        urls += html_links(text, base_url)
    from_urls = _in_urls(plain, urls)
    linked = set(from_urls)
    matches = [Match(identifier, URL_ID, EXACT) for identifier in dict.fromkeys(from_urls)]
    for found in find_identifiers(plain):
        if found.identifier not in linked:
            linked.add(found.identifier)
            matches.append(Match(found.identifier, TEXT_ID, EXACT))
    return matches
