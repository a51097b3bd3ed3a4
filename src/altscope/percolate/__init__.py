"""The percolator: turns observations (text, URLs, HTML) into the research outputs they name.

- `altscope.percolate.pipeline`: the ladder (:class:`Percolator`), cheapest rung first;
- `altscope.percolate.record`: the ladder with the database (``percolate_observation``,
  ``record_percolation``: mentions with evidence and landing-page evidence);
- `altscope.percolate.observation` / `match`: observations in, matches and skips out;
- `altscope.percolate.rules`, `domains`, `landing`, `titles`, `verify`: the rungs;
- `altscope.percolate.fetch`: the safe fetcher (the one way a URL found in the wild is fetched);
- `altscope.percolate.urls`: URL normalisation, equality and clean-up of resolved URLs;
- `altscope.percolate.html`: visible text, links, feed links and canonical URL of HTML;
- `altscope.percolate.candidates`: candidates (plain DOIs, DOI links, PIIs, landing pages, ...).

The database and network parts are imported on first use (``altscope.percolate.SafeFetcher``
does not cost an aiohttp import until it is asked for).
"""

from importlib import import_module
from typing import Any

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
from altscope.percolate.landing import LandingMeta, extract_landing
from altscope.percolate.match import Match, Skip
from altscope.percolate.observation import Observation, ObservedActor
from altscope.percolate.pipeline import (
    LandingPage,
    PercolationResult,
    Percolator,
    PercolatorOptions,
)
from altscope.percolate.rules import RuleMatch, apply_rules
from altscope.percolate.urls import clean_resolved_url, is_http_url, normalize_url, url_equality

_LAZY = {
    "SafeFetcher": "altscope.percolate.fetch",
    "FetchResult": "altscope.percolate.fetch_result",
    "Reason": "altscope.percolate.fetch_result",
    "MemoryFetchCache": "altscope.percolate.fetch_cache",
    "load_percolator": "altscope.percolate.record",
    "percolate_observation": "altscope.percolate.record",
    "percolate_and_record": "altscope.percolate.record",
    "record_percolation": "altscope.percolate.record",
    "RecordReport": "altscope.percolate.record",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'altscope.percolate' has no attribute {name!r}")
    return getattr(import_module(module), name)


__all__ = [
    "Candidate",
    "FeedLink",
    "HtmlCandidates",
    "LandingMeta",
    "LandingPage",
    "Match",
    "Observation",
    "ObservedActor",
    "PercolationResult",
    "Percolator",
    "PercolatorOptions",
    "RuleMatch",
    "Skip",
    "apply_rules",
    "extract_landing",
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
    *_LAZY,
]
