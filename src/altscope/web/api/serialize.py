"""Turning records into JSON: the orjson response and the Altmetric v1 counts shape.

The v1 field names and meanings follow Altmetric's Details Page API v1 documentation (see
docs/api.md for the table of what is filled, how, and what is absent).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

import orjson
from starlette.responses import Response

from altscope.web.api.records import OutputRecord, latest_metrics

ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS


class JSONBytes(Response):
    """A JSON response rendered by orjson (dates as ISO 8601)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=ORJSON_OPTIONS)


def dumps(content: Any) -> bytes:
    return orjson.dumps(content, option=ORJSON_OPTIONS)


#: Altmetric's history windows and citations timeframes (no 6m in v1).
V1_WINDOWS = ("1d", "2d", "3d", "4d", "5d", "6d", "1w", "1m", "3m", "1y", "at")

#: Our source key → the ``cited_by_<name>_count`` field of Altmetric's v1 answer.
V1_SOURCE_FIELDS = {
    "twitter": "tweeters",
    "x": "tweeters",
    "facebook": "fbwalls",
    "news": "msm",
    "blog": "feeds",
    "blogs": "feeds",
    "reddit": "rdts",
    "wikipedia": "wikipedia",
    "policy": "policies",
    "policies": "policies",
    "patent": "patents",
    "patents": "patents",
    "youtube": "videos",
    "video": "videos",
    "stackexchange": "qna",
    "qna": "qna",
    "googleplus": "gplus",
    "pubpeer": "peer_reviews",
    "publons": "peer_reviews",
    "peerreview": "peer_reviews",
    "f1000": "f1000",
    "linkedin": "linkedin",
    "pinterest": "pinners",
    "weibo": "weibo",
    "hackernews": "hackernews",
}
#: Source categories whose accounts count as ``cited_by_*`` (readers and usage do not).
V1_CITED_BY_CATEGORIES = frozenset({"mentions", "social_media", "citations"})

_TYPES = {
    "journal-article": "article",
    "article": "article",
    "proceedings-article": "article",
    "posted-content": "article",
    "preprint": "article",
    "review": "article",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "book-chapter": "chapter",
    "chapter": "chapter",
    "book-section": "chapter",
    "book-part": "chapter",
    "dataset": "dataset",
    "news": "news",
    "clinical-trial": "clinical_trial_study_record",
    "clinical_trial_study_record": "clinical_trial_study_record",
}
_FIELD_SAFE = re.compile(r"[^a-z0-9_]+")


def v1_type(output_type: str | None) -> str:
    """Altmetric's type (article, book, chapter, dataset, news, clinical_trial_study_record)."""
    if not output_type:
        return "article"
    return _TYPES.get(output_type.lower(), "article")


def unix(value: datetime | date | None) -> int | None:
    """Unix seconds (a date counts from its UTC midnight)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(), tzinfo=UTC)
    return int(value.timestamp())


def cited_by_field(source_key: str) -> str:
    name = V1_SOURCE_FIELDS.get(source_key) or _FIELD_SAFE.sub("_", source_key.lower())
    return f"cited_by_{name}_count"


def cited_by_counts(sources: dict[str, Any]) -> dict[str, int]:
    """``cited_by_<source>_count`` for sources with mentions: unique accounts, or posts where
    the source's mentions have no known account (news stories, Wikipedia pages).
    ``cited_by_tweeters_count`` is always present (0 without X/Twitter), as clients expect it."""
    counts: dict[str, int] = {"cited_by_tweeters_count": 0}
    for key, info in sources.items():
        if info.get("category") not in V1_CITED_BY_CATEGORIES:
            continue
        count = int(info.get("accounts") or 0) or int(info.get("posts") or 0)
        if count > 0:
            field = cited_by_field(key)
            counts[field] = counts.get(field, 0) + count
    return counts


def readers_of(record: OutputRecord) -> tuple[dict[str, int], int]:
    """``readers`` ({provider: count}, -1 where unknown; mendeley and downloads always) and
    ``readers_count`` (the sum of known reader counts)."""
    totals = latest_metrics(record.metrics)
    readers: dict[str, int] = {"mendeley": -1}
    downloads = -1
    for (provider, kind), value in sorted(totals.items()):
        if kind == "readers":
            readers[provider] = value
        elif kind == "downloads":
            downloads = max(downloads, 0) + value
    count = sum(v for v in readers.values() if v > 0)
    readers["downloads"] = downloads
    return readers, count


def base_url_of(request_base: str, configured: str | None) -> str:
    return (configured or request_base).rstrip("/")


def images(base: str, output_id: int) -> dict[str, str]:
    return {
        size: f"{base}/badge/id/{output_id}.svg?size={size}"
        for size in ("small", "medium", "large")
    }


def details_url(base: str, output_id: int) -> str:
    return f"{base}/details/{output_id}"


def v1_context(context: dict[str, Any]) -> dict[str, Any]:
    return {name: ctx for name, ctx in context.items() if ctx}


def v1_counts(record: OutputRecord, base: str) -> dict[str, Any]:
    """The Altmetric v1 counts answer for ``record`` (which must have a score)."""
    score = record.score
    assert score is not None
    body: dict[str, Any] = {"altmetric_id": record.id}
    if record.title:
        body["title"] = record.title
    for field, scheme in (("doi", "doi"), ("pmid", "pmid"), ("pmc", "pmcid")):
        value = record.first(scheme)
        if value:
            body[field] = value
    arxiv = record.first("arxiv")
    if arxiv:
        body["arxiv_id"] = arxiv.removeprefix("arXiv:")
    for field, scheme in (("isbns", "isbn"), ("handles", "handle")):
        values = record.all(scheme)
        if values:
            body[field] = values
    nct = record.first("nct")
    if nct:
        body["nct_id"] = nct
    if record.url:
        body["url"] = record.url
    if record.journal:
        body["journal"] = record.journal
    if record.issns:
        body["issns"] = list(record.issns)
    if record.publisher:
        body["publisher"] = record.publisher
    if record.authors:
        body["authors"] = record.authors
        body["authors_or_editors"] = record.authors
    if record.abstract:
        body["abstract"] = record.abstract
    if record.published:
        body["pubdate"] = body["published_on"] = unix(record.published)
    body["type"] = v1_type(record.type)
    body["subjects"] = list(record.subjects)
    body["context"] = v1_context(score.context)
    cited_by = cited_by_counts(score.sources)
    body.update(cited_by)
    body["cited_by_posts_count"] = score.posts
    body["cited_by_accounts_count"] = sum(cited_by.values())
    body["last_updated"] = unix(score.computed_at)
    body["score"] = score.score
    body["history"] = {w: (score.history.get(w) or {}).get("score", 0) for w in V1_WINDOWS}
    body["added_on"] = unix(record.created_at)
    readers, readers_count = readers_of(record)
    body["readers"] = readers
    body["readers_count"] = readers_count
    body["images"] = images(base, record.id)
    body["details_url"] = details_url(base, record.id)
    return body
