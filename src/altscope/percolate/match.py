"""Matches and skips: what the percolator found in an observation, and what it refused.

A :class:`Match` is an identifier with how it was found (``method``) and how sure we are
(``verification``, see :mod:`altscope.percolate.verify`). Methods, cheapest first:

- ``text-id``: an identifier written in the text;
- ``url-id``: an identifier written inside a URL the observation links to;
- ``url-rule``: an identifier a publisher's URL pattern gives away (``percolate.rules``);
- ``domain-map``: a tracked domain's URL pattern or URL list (``percolate.domains``);
- ``landing-meta``: the landing page's own metadata (meta tags, JSON-LD, COinS ...);
- ``landing-body-verified``: a DOI only in the page's body, that resolves back to the page's site;
- ``title-match``: a tracked output's title, corroborated by an author or the journal.

A :class:`Skip` records a candidate that was not matched and why (a short reason code).
"""

from __future__ import annotations

from dataclasses import dataclass

from altscope.ids import Identifier
from altscope.percolate.verify import EXACT

__all__ = [
    "DOMAIN_MAP",
    "EXACT",
    "LANDING_BODY_VERIFIED",
    "LANDING_META",
    "METHODS",
    "OUTPUT_SCHEMES",
    "TEXT_ID",
    "TITLE_MATCH",
    "URL_ID",
    "URL_RULE",
    "Match",
    "Skip",
]

TEXT_ID = "text-id"
URL_ID = "url-id"
URL_RULE = "url-rule"
DOMAIN_MAP = "domain-map"
LANDING_META = "landing-meta"
LANDING_BODY_VERIFIED = "landing-body-verified"
TITLE_MATCH = "title-match"
METHODS = (TEXT_ID, URL_ID, URL_RULE, DOMAIN_MAP, LANDING_META, LANDING_BODY_VERIFIED, TITLE_MATCH)

#: Schemes that name research outputs (ORCID, ROR and ISSN name people, places and journals).
OUTPUT_SCHEMES = frozenset(
    {"doi", "shortdoi", "pmid", "pmcid", "arxiv", "isbn", "handle", "urn", "ark", "nct", "pii"}
)


@dataclass(frozen=True, slots=True)
class Match:
    """An identifier an observation refers to, and how it was found.

    ``url`` is the link it came from (as written in the observation), ``landing_url`` the page
    it was read from and ``landing_sha256`` that page's fingerprint (the hash of the body kept as
    evidence); ``detail`` says which tag, rule, pattern or corroboration; ``output_id`` is set
    when the match names a stored output directly (title-match).
    """

    identifier: Identifier
    method: str
    verification: str
    url: str | None = None
    landing_url: str | None = None
    landing_sha256: str | None = None
    detail: str = ""
    output_id: int | None = None


@dataclass(frozen=True, slots=True)
class Skip:
    """A candidate (URL, identifier or title) that gave no match, and why."""

    subject: str
    reason: str
    detail: str = ""
