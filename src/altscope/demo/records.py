"""The demo world's plain records: outputs, accounts, posts and metric counts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from altscope.records import Author, OutputMetadata

__all__ = ["DemoActor", "DemoData", "DemoMetric", "DemoOutput", "DemoPost"]


@dataclass(frozen=True, slots=True)
class DemoOutput:
    """One research output: made up (``real`` False) or one of the shipped real ones."""

    key: str
    field: str
    type: str
    title: str
    identifiers: tuple[str, ...]
    published: date
    attention: float
    container_title: str | None = None
    issns: tuple[str, ...] = ()
    publisher: str | None = None
    authors: tuple[Author, ...] = ()
    subjects: tuple[str, ...] = ()
    abstract: str | None = None
    url: str | None = None
    real: bool = False

    def identifier(self, scheme: str) -> str | None:
        """The value of this output's ``scheme`` identifier, if it has one."""
        prefix = f"{scheme}:"
        return next((i[len(prefix) :] for i in self.identifiers if i.startswith(prefix)), None)

    def metadata(self) -> OutputMetadata:
        """What the store keeps about the output."""
        return OutputMetadata(
            provider="demo",
            title=self.title,
            authors=list(self.authors),
            container_title=self.container_title,
            issns=list(self.issns),
            publisher=self.publisher,
            type=self.type,
            published=self.published,
            subjects=list(self.subjects),
            abstract=self.abstract,
            url=self.url,
        )


@dataclass(frozen=True, slots=True)
class DemoActor:
    """Someone who posts: ``kind`` and ``country`` are what the profile is written to show."""

    source: str
    native_id: str
    handle: str
    name: str
    profile: str | None
    location: str | None
    kind: str
    country: str | None
    followers: int
    url: str | None = None
    bot: bool = False


@dataclass(frozen=True, slots=True)
class DemoPost:
    """One post, story, edit or document as its source would deliver it."""

    source: str
    native_id: str
    actor: str
    occurred_at: datetime
    kind: str  # text | html
    content: str
    cites: tuple[str, ...]  # output keys the post is about (what the generator meant)
    url: str | None = None
    title: str | None = None

    def raw(self, actor: DemoActor) -> bytes:
        """The post as received (kept as evidence): one JSON document."""
        record: dict[str, Any] = {
            "source": self.source,
            "id": self.native_id,
            "url": self.url,
            "created_at": self.occurred_at.isoformat().replace("+00:00", "Z"),
            "author": {"id": actor.native_id, "handle": actor.handle, "name": actor.name},
            "title": self.title,
            "html" if self.kind == "html" else "text": self.content,
        }
        return json.dumps(record, ensure_ascii=False, sort_keys=True).encode()


@dataclass(frozen=True, slots=True)
class DemoMetric:
    """A count from a metrics provider (readers, citations, views, downloads)."""

    output: str
    provider: str
    kind: str
    period: str
    value: int
    observed_at: datetime


@dataclass(slots=True)
class DemoData:
    """Everything the demo stores, for one seed and one ``now``."""

    seed: int
    now: datetime
    outputs: list[DemoOutput] = field(default_factory=list)
    actors: dict[tuple[str, str], DemoActor] = field(default_factory=dict)
    posts: list[DemoPost] = field(default_factory=list)
    metrics: list[DemoMetric] = field(default_factory=list)
    anomalies: dict[str, Any] = field(default_factory=dict)

    def actor_of(self, post: DemoPost) -> DemoActor:
        return self.actors[(post.source, post.actor)]
