"""The percolator: turns observations (text, URLs, HTML) into candidate identifiers.

- `altscope.percolate.urls`: URL normalisation, equality and clean-up of resolved URLs;
- `altscope.percolate.html`: visible text, links, feed links and canonical URL of HTML;
- `altscope.percolate.candidates`: candidates (plain DOIs, DOI links, PIIs, landing pages, ...).
"""

from altscope.percolate.candidates import (
    Candidate,
    HtmlCandidates,
    candidates_from_html,
    candidates_from_text,
    candidates_from_url,
    extract_html,
    find_urls,
)
from altscope.percolate.html import (
    FeedLink,
    canonical_url,
    decode_html,
    feed_links,
    html_links,
    html_to_text,
)
from altscope.percolate.urls import clean_resolved_url, is_http_url, normalize_url, url_equality

__all__ = [
    "Candidate",
    "FeedLink",
    "HtmlCandidates",
    "candidates_from_html",
    "candidates_from_text",
    "candidates_from_url",
    "canonical_url",
    "clean_resolved_url",
    "decode_html",
    "extract_html",
    "feed_links",
    "find_urls",
    "html_links",
    "html_to_text",
    "is_http_url",
    "normalize_url",
    "url_equality",
]
