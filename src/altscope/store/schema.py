"""The database schema: typed SQLAlchemy 2 models, one schema for SQLite and PostgreSQL.

Only portable types are used. Times are timezone-aware UTC (:class:`UTCDateTime`); ids are
BIGINT on PostgreSQL and the rowid on SQLite. Any change here needs an Alembic revision
(``altscope/store/migrations``); a test fails when models and migrations drift apart.
"""

from __future__ import annotations

import zlib
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from altscope.ids import Identifier
from altscope.store.types import BigIntId, UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: The categories a source belongs to (PlumX-style).
SOURCE_CATEGORIES = ("mentions", "social_media", "citations", "captures", "usage")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict: JSON(),
        list: JSON(),
    }


group_outputs = Table(
    "group_outputs",
    Base.metadata,
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
    Column("output_id", ForeignKey("outputs.id", ondelete="CASCADE"), primary_key=True),
    Column("added_at", UTCDateTime(), nullable=False, default=utcnow),
    Index("ix_group_outputs_output_id", "output_id"),
)


class Output(Base):
    """A research output (article, dataset, book, preprint ...) and its bibliographic metadata.

    An output merged into another keeps ``merged_into`` (the survivor's id) so that old
    references still resolve; everything else moved to the survivor.
    """

    __tablename__ = "outputs"
    __table_args__ = (
        Index("ix_outputs_enrichment", "enriched_at", "enrich_last_attempt_at"),
        Index("ix_outputs_container_title", "container_title"),
        Index("ix_outputs_published", "published"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    merged_into: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("outputs.id", ondelete="SET NULL"), index=True
    )

    # Bibliographic metadata (from the provider named in metadata_provider).
    title: Mapped[str | None] = mapped_column(Text)
    container_title: Mapped[str | None] = mapped_column(Text)
    issns: Mapped[list] = mapped_column(default=list)
    publisher: Mapped[str | None] = mapped_column(Text)
    type: Mapped[str | None] = mapped_column(String(64))
    published: Mapped[date | None] = mapped_column(Date)
    subjects: Mapped[list] = mapped_column(default=list)
    abstract: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(32))
    url: Mapped[str | None] = mapped_column(Text)
    metadata_provider: Mapped[str | None] = mapped_column(String(64))

    # Metadata enrichment state.
    enrich_attempts: Mapped[int] = mapped_column(Integer, default=0)
    enrich_last_attempt_at: Mapped[datetime | None]
    enrich_last_error: Mapped[str | None] = mapped_column(Text)
    enriched_at: Mapped[datetime | None]
    enrich_provider: Mapped[str | None] = mapped_column(String(64))

    identifiers: Mapped[list[OutputIdentifier]] = relationship(
        back_populates="output",
        order_by="(OutputIdentifier.scheme, OutputIdentifier.value)",
        passive_deletes=True,
    )
    authors: Mapped[list[OutputAuthor]] = relationship(
        order_by="OutputAuthor.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    groups: Mapped[list[Group]] = relationship(
        secondary=group_outputs, back_populates="outputs", passive_deletes=True
    )

    def identifier(self, scheme: str) -> str | None:
        """The first value of ``scheme`` this output is known by (``None`` if none)."""
        return next((i.value for i in self.identifiers if i.scheme == scheme), None)

    def __repr__(self) -> str:
        return f"<Output {self.id}{f' → {self.merged_into}' if self.merged_into else ''}>"


class OutputIdentifier(Base):
    """One persistent identifier (already normalised) of an output. A value names one output."""

    __tablename__ = "identifiers"
    __table_args__ = (UniqueConstraint("scheme", "value"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    scheme: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(1024))
    output_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("outputs.id", ondelete="CASCADE"), index=True
    )
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    output: Mapped[Output] = relationship(back_populates="identifiers")

    def __str__(self) -> str:
        return str(Identifier(self.scheme, self.value))


class OutputAuthor(Base):
    """An author of an output, in the order the metadata provider gave."""

    __tablename__ = "authors"
    __table_args__ = (UniqueConstraint("output_id", "position"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    output_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("outputs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    given: Mapped[str | None] = mapped_column(Text)
    family: Mapped[str | None] = mapped_column(Text)
    orcid: Mapped[str | None] = mapped_column(String(19), index=True)
    affiliations: Mapped[list] = mapped_column(default=list)


class Group(Base):
    """A set of outputs: a department, research group, person, collection, institution ..."""

    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("kind", "external_key"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text)
    external_key: Mapped[str | None] = mapped_column(String(255))
    parent_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("groups.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Group | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Group]] = relationship(back_populates="parent")
    outputs: Mapped[list[Output]] = relationship(
        secondary=group_outputs, back_populates="groups", passive_deletes=True
    )


class Source(Base):
    """A place attention comes from (wikipedia, bluesky, crossref citations, mendeley ...)."""

    __tablename__ = "sources"
    __table_args__ = (
        CheckConstraint(
            "category IN ('mentions', 'social_media', 'citations', 'captures', 'usage')",
            name="category",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32))
    weight_key: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    deprecated_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<Source {self.key}>"


class Actor(Base):
    """Who posted a mention, as one source knows them."""

    __tablename__ = "actors"
    __table_args__ = (UniqueConstraint("source_id", "native_id"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    native_id: Mapped[str] = mapped_column(String(255))
    handle: Mapped[str | None] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(Text)
    followers: Mapped[int | None] = mapped_column(BigInteger)
    profile: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(8))
    #: The profile's free-text location, as the source gave it.
    location: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # What scoring derived (altscope.scoring.people / places); ``*_rule`` names the rule.
    #: public, researcher, practitioner, communicator or unknown (NULL: not classified yet).
    kind: Mapped[str | None] = mapped_column(String(32))
    kind_rule: Mapped[str | None] = mapped_column(String(128))
    country_rule: Mapped[str | None] = mapped_column(String(128))
    # Posting behaviour across all outputs, refreshed by every full rescore.
    mention_count: Mapped[int | None] = mapped_column(BigInteger)
    output_count: Mapped[int | None] = mapped_column(BigInteger)
    #: The share (0..1) of this actor's posted outputs that come from its most posted publisher.
    top_publisher_share: Mapped[float | None] = mapped_column(Float)
    stats_at: Mapped[datetime | None]

    source: Mapped[Source] = relationship()


class Evidence(Base):
    """A raw observation exactly as received, zlib-compressed, stored once per content hash."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(255))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime | None]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)

    source: Mapped[Source | None] = relationship()

    def body(self) -> bytes:
        """The observation's bytes, decompressed."""
        return zlib.decompress(self.data)

    def text(self, encoding: str = "utf-8") -> str:
        return self.body().decode(encoding, errors="replace")


class Mention(Base):
    """One post (or story, reference, citation ...) by one actor on one source about one output."""

    __tablename__ = "mentions"
    __table_args__ = (
        Index("ix_mentions_output_id_occurred_at", "output_id", "occurred_at"),
        Index("ix_mentions_source_id_occurred_at", "source_id", "occurred_at"),
        Index("ix_mentions_source_id_native_id", "source_id", "native_id"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    output_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("outputs.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    actor_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("actors.id", ondelete="SET NULL"), index=True
    )
    url: Mapped[str | None] = mapped_column(Text)
    native_id: Mapped[str | None] = mapped_column(String(512))
    occurred_at: Mapped[datetime | None]
    harvested_at: Mapped[datetime] = mapped_column(default=utcnow)
    title: Mapped[str | None] = mapped_column(Text)
    snippet: Mapped[str | None] = mapped_column(Text)
    match_method: Mapped[str | None] = mapped_column(String(64))
    match_verification: Mapped[str | None] = mapped_column(String(64))
    evidence_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("evidence.id", ondelete="SET NULL"), index=True
    )
    #: The fetched landing page the match was read from (kept as evidence), if any.
    landing_evidence_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("evidence.id", ondelete="SET NULL"), index=True
    )
    dedup_key: Mapped[str] = mapped_column(String(64), unique=True)
    removed_at: Mapped[datetime | None]

    output: Mapped[Output] = relationship()
    source: Mapped[Source] = relationship()
    actor: Mapped[Actor | None] = relationship()
    evidence: Mapped[Evidence | None] = relationship(foreign_keys=[evidence_id])
    landing_evidence: Mapped[Evidence | None] = relationship(foreign_keys=[landing_evidence_id])


class MetricSnapshot(Base):
    """A count (readers, citations, views, downloads ...) of an output from a provider.

    ``period`` says what the count covers: a day (``2024-05-17``) for running totals observed
    that day, a month (``2024-05``) for per-month usage. One row per (output, provider, kind,
    period); observing again updates it.
    """

    __tablename__ = "metric_snapshots"
    __table_args__ = (UniqueConstraint("output_id", "provider", "kind", "period"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    output_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("outputs.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(20))
    value: Mapped[int] = mapped_column(BigInteger)
    observed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Cursor(Base):
    """A named checkpoint (stream cursor, last harvest time ...) holding any JSON value."""

    __tablename__ = "cursors"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[dict | list | str | int | float | None] = mapped_column(JSON(none_as_null=True))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class TrackedDomain(Base):
    """A repository or digital library whose links are always followed (see docs/percolator.md)."""

    __tablename__ = "tracked_domains"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain: Mapped[str] = mapped_column(String(255), unique=True)
    follow_links: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    note: Mapped[str | None] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    maps: Mapped[list[DomainUrlMap]] = relationship(
        back_populates="tracked_domain",
        order_by="DomainUrlMap.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class DomainUrlMap(Base):
    """A URL pattern of a tracked domain: regex → identifier (scheme + template)."""

    __tablename__ = "domain_url_maps"
    __table_args__ = (UniqueConstraint("domain_id", "pattern", "scheme", "template"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("tracked_domains.id", ondelete="CASCADE"))
    pattern: Mapped[str] = mapped_column(String(1024))
    scheme: Mapped[str] = mapped_column(String(32))
    template: Mapped[str] = mapped_column(String(1024))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    tracked_domain: Mapped[TrackedDomain] = relationship(back_populates="maps")


class DomainUrl(Base):
    """One URL of a tracked domain and the identifier it is (from a sitemap or a list)."""

    __tablename__ = "domain_urls"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    domain_id: Mapped[int] = mapped_column(
        ForeignKey("tracked_domains.id", ondelete="CASCADE"), index=True
    )
    url_hash: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(Text)
    scheme: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(1024))
    origin: Mapped[str | None] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class FetchCacheEntry(Base):
    """What fetching a URL gave (long for success, short for failure), until ``expires_at``.

    The body, when kept, is evidence (``evidence_id``); ``summary`` holds the rest.
    """

    __tablename__ = "fetch_cache"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(Text)
    status: Mapped[int | None] = mapped_column(Integer)
    final_url: Mapped[str | None] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[dict] = mapped_column(default=dict)
    evidence_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("evidence.id", ondelete="SET NULL"), index=True
    )
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class DoiCheck(Base):
    """Whether the DOI resolver knows a DOI (``registered`` NULL: it could not tell), until
    ``expires_at``."""

    __tablename__ = "doi_checks"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    doi: Mapped[str] = mapped_column(String(1024), unique=True)
    registered: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[int | None] = mapped_column(Integer)
    resolver_url: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class ScoreRules(Base):
    """A named version of the scoring rules, kept verbatim so it stays computable forever."""

    __tablename__ = "score_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutputScore(Base):
    """An output's attention rollup under one rules version (see altscope.scoring).

    ``score`` is unrounded; ``display_score`` is what badges show. The JSON columns hold the
    per-source counts, the PlumX-style categories, the history windows, the score in context and
    the anomaly flags, in the shapes documented in docs/scoring.md.
    """

    __tablename__ = "output_scores"
    __table_args__ = (Index("ix_output_scores_rules_version_score", "rules_version", "score"),)

    output_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("outputs.id", ondelete="CASCADE"), primary_key=True
    )
    rules_version: Mapped[str] = mapped_column(String(64), primary_key=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    display_score: Mapped[int] = mapped_column(BigInteger, default=0)
    posts: Mapped[int] = mapped_column(BigInteger, default=0)
    accounts: Mapped[int] = mapped_column(BigInteger, default=0)
    sources: Mapped[dict] = mapped_column(default=dict)
    categories: Mapped[dict] = mapped_column(default=dict)
    history: Mapped[dict] = mapped_column(default=dict)
    context: Mapped[dict] = mapped_column(default=dict)
    flags: Mapped[list] = mapped_column(default=list)
    first_seen_at: Mapped[datetime | None]
    last_mention_at: Mapped[datetime | None]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class MentionFlag(Base):
    """A mention that anomaly detection excluded from the score under a rules version, and why."""

    __tablename__ = "mention_flags"

    mention_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("mentions.id", ondelete="CASCADE"), primary_key=True
    )
    rules_version: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)


class ScoreQueue(Base):
    """Outputs whose rollups are stale (a mention arrived); the scorer drains it."""

    __tablename__ = "score_queue"

    output_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("outputs.id", ondelete="CASCADE"), primary_key=True
    )
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiKey(Base):
    """A key for the API: only its SHA-256 is stored; ``prefix`` lets people tell keys apart."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Requests allowed per minute (NULL: the server's default for keyed requests).
    rate_limit: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
