"""Observations: what a source saw (text, HTML or a URL), who posted it, when, and where.

A source builds an :class:`Observation` and hands it to the percolator; it never decides which
output the post is about. ``raw`` keeps the post exactly as received (a Jetstream message, an
RSS item ...): it is stored as evidence, so a mention can be audited and re-derived later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

__all__ = ["Kind", "Observation", "ObservedActor"]

Kind = Literal["text", "html", "url"]

_MEDIA_TYPES = {"text": "text/plain", "html": "text/html", "url": "text/uri-list"}


@dataclass(frozen=True, slots=True)
class ObservedActor:
    """Who posted an observation, as the source knows them.

    ``profile`` is their self-description (bio) and ``location`` the place they give, as
    written ("Berlin, Germany", "🇯🇵 Tokyo"): scoring reads both to tell who and where.
    """

    native_id: str
    handle: str | None = None
    name: str | None = None
    url: str | None = None
    followers: int | None = None
    profile: str | None = None
    location: str | None = None


@dataclass(frozen=True, slots=True)
class Observation:
    """One post, page or link seen by a source.

    ``content`` is the text, the HTML or the URL; ``links`` are URLs the source knows the post
    links to besides its text (facets, embeds, a story's link); ``url`` is where the observation
    itself lives (the post's address, or the page an HTML observation was read from, which is
    also the base for its relative links).
    """

    content: str
    kind: Kind = "text"
    source: str | None = None
    native_id: str | None = None
    url: str | None = None
    occurred_at: datetime | None = None
    actor: ObservedActor | None = None
    title: str | None = None
    links: tuple[str, ...] = ()
    raw: bytes | None = None
    media_type: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.kind not in _MEDIA_TYPES:
            raise ValueError(f"observation kind must be text, html or url, not {self.kind!r}")
        if not isinstance(self.content, str):
            raise TypeError("observation content is text; decode bytes first")

    @classmethod
    def of_text(cls, text: str, **fields) -> Observation:
        return cls(text, "text", **fields)

    @classmethod
    def of_html(cls, html: str, **fields) -> Observation:
        return cls(html, "html", **fields)

    @classmethod
    def of_url(cls, url: str, **fields) -> Observation:
        return cls(url.strip(), "url", **fields)

    def evidence(self) -> tuple[bytes, str]:
        """The bytes to keep as evidence and their media type."""
        if self.raw is not None:
            return self.raw, self.media_type or "application/octet-stream"
        return self.content.encode("utf-8"), self.media_type or _MEDIA_TYPES[self.kind]
