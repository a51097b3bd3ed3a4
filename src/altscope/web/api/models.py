"""Response and request models of the native API (they make its OpenAPI schema)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field


class IdentifierOut(BaseModel):
    scheme: str
    value: str


class AuthorOut(BaseModel):
    name: str
    orcid: str | None = None
    affiliations: list[str] = []


class SourceTotals(BaseModel):
    name: str | None = None
    category: str | None = None
    posts: int = 0
    accounts: int = 0
    score: float = 0.0


class ScoreSummary(BaseModel):
    rules_version: str
    score: float = Field(description="Unrounded attention score")
    display_score: int = Field(description="What badges show")
    posts: int
    accounts: int
    computed_at: datetime


class Links(BaseModel):
    self: str
    details: str
    badge: str
    mentions: str
    score: str
    explain: str
    history: str
    context: str
    people: str
    categories: str


class OutputOut(BaseModel):
    id: int
    title: str | None = None
    journal: str | None = None
    issns: list[str] = []
    publisher: str | None = None
    type: str | None = None
    published: date | None = None
    subjects: list[str] = []
    abstract: str | None = None
    url: str | None = None
    identifiers: list[IdentifierOut]
    authors: list[AuthorOut] = []
    score: ScoreSummary | None = None
    details_url: str
    links: Links


class ActorOut(BaseModel):
    id: int
    name: str | None = None
    handle: str | None = None
    url: str | None = None
    kind: str | None = None
    country: str | None = None


class FlagOut(BaseModel):
    kind: str
    reason: str


class MentionOut(BaseModel):
    id: int
    source: str
    source_name: str
    occurred_at: datetime | None = None
    harvested_at: datetime
    url: str | None = None
    title: str | None = None
    snippet: str | None = None
    actor: ActorOut | None = None
    match_method: str | None = None
    match_verification: str | None = None
    evidence_id: int | None = None
    landing_evidence_id: int | None = None
    flag: FlagOut | None = Field(None, description="Set when anomaly detection excluded it")


class Page(BaseModel):
    total: int
    page: int
    per_page: int


class MentionPage(Page):
    results: list[MentionOut]


class ScoreFlag(BaseModel):
    kind: str
    reason: str = ""
    mentions: int = 0
    points_excluded: float = 0.0


class ScoreOut(ScoreSummary):
    output_id: int
    sources: dict[str, SourceTotals]
    categories: dict[str, int]
    history: dict[str, dict[str, float]]
    context: dict[str, dict[str, float] | None]
    flags: list[ScoreFlag]
    first_seen_at: datetime | None = None
    last_mention_at: datetime | None = None


class DailyPoint(BaseModel):
    day: date
    source: str
    posts: int
    score: float


class HistoryOut(BaseModel):
    output_id: int
    rules_version: str
    windows: dict[str, dict[str, float]] = Field(
        description="Score and posts gained in the last 1d ... 1y, and at (all time)"
    )
    daily: list[DailyPoint]


class ContextOut(BaseModel):
    output_id: int
    rules_version: str
    context: dict[str, dict[str, float] | None]


class PeopleOut(BaseModel):
    output_id: int
    kinds: dict[str, int]
    countries: dict[str, int]


class CategoriesOut(BaseModel):
    output_id: int
    rules_version: str
    categories: dict[str, int]


class ExplainOut(BaseModel):
    model_config = {"extra": "allow"}

    output_id: int
    version: str | None = None
    score: float | None = None


class SourceOut(BaseModel):
    key: str
    name: str
    category: str
    active: bool


class GroupOut(BaseModel):
    id: int
    kind: str
    name: str
    external_key: str | None = None
    parent_id: int | None = None
    outputs: int


class GroupDetail(GroupOut):
    children: list[GroupOut]


class GroupPage(Page):
    results: list[GroupOut]


class ScoredOutput(BaseModel):
    id: int
    title: str | None = None
    identifiers: list[IdentifierOut]
    score: float | None = None
    display_score: int | None = None
    posts: int = 0
    details_url: str


class ScoredOutputPage(Page):
    results: list[ScoredOutput]


class LookupIn(BaseModel):
    identifiers: list[str] = Field(
        description="Up to 1,000 identifiers, each written any accepted way: 10.1038/..., "
        "doi:10.1038/..., https://doi.org/..., pmid:123, arXiv:1706.03762 ..."
    )


class LookupResult(BaseModel):
    input: str
    found: bool
    scheme: str | None = None
    value: str | None = None
    error: str | None = None
    output_id: int | None = None
    score: float | None = None
    display_score: int | None = None
    posts: int | None = None
    details_url: str | None = None


class LookupSummary(BaseModel):
    requested: int
    found: int
    not_found: int
    invalid: int


class LookupOut(BaseModel):
    results: list[LookupResult]
    summary: LookupSummary


def drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}
