"""The percolator and the database: its configuration from the store, its results into mentions.

- :func:`load_percolator`: a :class:`Percolator` knowing the tracked domains (their URL maps,
  and URL lists looked up in the database on demand) and the titles of the tracked outputs;
- :func:`percolate_observation`: run the ladder over one observation;
- :func:`record_percolation`: keep the observation as evidence, keep every landing page a
  match was read from as evidence too, and add one mention per matched tracked output, each
  pointing at both. Identifiers that name no tracked output are reported, never invented as
  outputs. Recording the same result twice leaves the same rows.

Network work happens with no database transaction open; recording is one short transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from altscope.ids import Identifier
from altscope.ids.arxiv import unversioned
from altscope.percolate.domains import DomainTracker, UrlMap
from altscope.percolate.match import Match
from altscope.percolate.observation import Observation
from altscope.percolate.pipeline import (
    Fetcher,
    PercolationResult,
    Percolator,
    PercolatorOptions,
)
from altscope.percolate.rules import RuleSet
from altscope.percolate.titles import TitleIndex, TrackedTitle
from altscope.store.actors import upsert_actor
from altscope.store.db import transaction
from altscope.store.domains import lookup_domain_url, tracked_domains
from altscope.store.evidence import store_evidence
from altscope.store.mentions import add_mention
from altscope.store.outputs import find_output
from altscope.store.schema import Evidence, Output
from altscope.store.types import utcnow

__all__ = [
    "RecordReport",
    "load_percolator",
    "load_titles",
    "load_tracker",
    "percolate_and_record",
    "percolate_observation",
    "record_percolation",
]

SNIPPET_CHARS = 500
_PREFERRED_SCHEMES = ("doi", "arxiv", "pmid", "pmcid", "isbn", "handle")


@dataclass(slots=True)
class RecordReport:
    """What recording one percolation did."""

    evidence: Evidence | None = None
    new_mentions: int = 0
    mentions: list[tuple[int, Match, bool]] = field(default_factory=list)
    unknown: list[Identifier] = field(default_factory=list)
    landing_evidence: dict[str, int] = field(default_factory=dict)


# --- loading the percolator's knowledge ---------------------------------------------------------


def _identifier_lookup(bind: Engine | Session) -> Callable[[str], Identifier | None]:
    def lookup(key_hash: str) -> Identifier | None:
        if isinstance(bind, Session):
            found = lookup_domain_url(bind, key_hash)
        else:
            with transaction(bind) as session:
                found = lookup_domain_url(session, key_hash)
        return None if found is None else Identifier(*found)

    return lookup


def load_tracker(session: Session, lookup_bind: Engine | Session | None = None) -> DomainTracker:
    """The tracked domains and their URL maps; listed URLs are looked up through
    ``lookup_bind`` (an engine, or a session) when asked."""
    domains = tracked_domains(session)
    maps = [
        UrlMap(domain.domain, m.pattern, m.scheme, m.template)
        for domain in domains
        for m in domain.maps
    ]
    return DomainTracker(
        [d.domain for d in domains if d.follow_links],
        maps,
        lookup=_identifier_lookup(lookup_bind if lookup_bind is not None else session),
    )


def _preferred(identifiers: list[Any]) -> Identifier | None:
    ranked = sorted(
        identifiers,
        key=lambda i: (
            _PREFERRED_SCHEMES.index(i.scheme) if i.scheme in _PREFERRED_SCHEMES else 99,
            i.value,
        ),
    )
    return Identifier(ranked[0].scheme, ranked[0].value) if ranked else None


def load_titles(session: Session) -> TitleIndex:
    """The titles (with authors, journal, ISSNs, date) of every tracked output."""
    outputs = session.scalars(
        select(Output)
        .where(Output.merged_into.is_(None), Output.title.is_not(None))
        .options(selectinload(Output.authors), selectinload(Output.identifiers))
    )
    return TitleIndex(
        TrackedTitle.build(
            output.id,
            output.title or "",
            authors=[a.family or a.name for a in output.authors],
            journals=[output.container_title],
            issns=output.issns or (),
            published=output.published,
            identifier=_preferred(list(output.identifiers)),
        )
        for output in outputs
    )


def load_percolator(
    bind: Engine | Session,
    *,
    options: PercolatorOptions | None = None,
    rules: RuleSet | None = None,
    titles: bool = True,
    doi_resolver_url: str | None = None,
    crossref_url: str | None = None,
) -> Percolator:
    """A percolator that knows the database's tracked domains and (``titles``) tracked titles."""
    options = options or PercolatorOptions()

    def build(session: Session) -> Percolator:
        return Percolator(
            rules=rules,
            tracker=load_tracker(session, bind),
            titles=load_titles(session) if titles and options.title_matching else None,
            options=options,
            doi_resolver_url=doi_resolver_url,
            crossref_url=crossref_url,
        )

    if isinstance(bind, Session):
        return build(bind)
    with transaction(bind) as session:
        return build(session)


# --- running and recording ----------------------------------------------------------------------


async def percolate_observation(
    bind: Engine | Session,
    observation: Observation,
    fetcher: Fetcher | None = None,
    *,
    percolator: Percolator | None = None,
) -> PercolationResult:
    """Run the ladder over ``observation`` (offline without ``fetcher``).

    Pass a ``percolator`` from :func:`load_percolator` when percolating many observations:
    loading one reads the tracked domains and titles.
    """
    if percolator is None:
        percolator = load_percolator(bind)
    return await percolator.percolate(observation, fetcher)


def _lookup_keys(identifier: Identifier) -> list[tuple[str, str]]:
    keys = [(identifier.scheme, identifier.value)]
    if identifier.scheme == "arxiv" and unversioned(identifier.value) != identifier.value:
        keys.append(("arxiv", unversioned(identifier.value)))
    return keys


def _output_of(session: Session, match: Match) -> Output | None:
    if match.output_id is not None:
        return session.get(Output, match.output_id)
    for scheme, value in _lookup_keys(match.identifier):
        output = find_output(session, scheme, value)
        if output is not None:
            return output
    return None


def _snippet(observation: Observation) -> str | None:
    if observation.kind == "html":
        from altscope.percolate.html import html_to_text

        text = html_to_text(observation.content)
    else:
        text = observation.content
    text = " ".join(text.split())
    return text[:SNIPPET_CHARS] or None


def record_percolation(
    session: Session,
    result: PercolationResult,
    *,
    keep_unmatched: bool = True,
) -> RecordReport:
    """Keep the evidence and add a mention per tracked output ``result`` matched.

    The observation needs a ``source`` (a registered source key) to make mentions. It is kept
    as evidence always (``keep_unmatched=False``: only when it matched a tracked output); the
    landing pages matches were read from are kept as evidence (media type of the page) and
    each mention points to its page (``landing_evidence_id``).
    """
    observation = result.observation
    report = RecordReport()
    targets: dict[int, tuple[Output, Match]] = {}
    for match in result.matches:
        output = _output_of(session, match)
        if output is None:
            report.unknown.append(match.identifier)
            continue
        targets.setdefault(output.id, (output, match))
    if not targets and not keep_unmatched:
        return report
    body, media_type = observation.evidence()
    report.evidence = store_evidence(session, body, media_type, observation.source, observation.url)
    if not targets:
        return report
    if observation.source is None:
        raise ValueError("recording mentions needs the observation's source")
    pages: dict[str, Evidence] = {}
    for _, match in targets.values():
        sha = match.landing_sha256
        if sha and sha not in pages and sha in result.pages:
            page = result.pages[sha]
            pages[sha] = store_evidence(
                session,
                page.body,
                (page.content_type or "text/html").split(";", 1)[0].strip() or "text/html",
                None,
                page.final_url,
                fetched_at=utcnow(),
            )
            report.landing_evidence[sha] = pages[sha].id
    actor = None
    if observation.actor is not None:
        who = observation.actor
        actor = upsert_actor(
            session,
            observation.source,
            who.native_id,
            handle=who.handle,
            name=who.name,
            url=who.url,
            followers=who.followers,
            profile=who.profile,
            location=who.location,
        )
    native_id = observation.native_id
    if not native_id and not observation.url:
        native_id = f"sha256:{report.evidence.sha256}"
    snippet = _snippet(observation)
    for output, match in targets.values():
        mention, created = add_mention(
            session,
            output,
            observation.source,
            native_id=native_id,
            url=observation.url,
            occurred_at=observation.occurred_at,
            actor=actor,
            title=observation.title,
            snippet=snippet,
            match_method=match.method,
            match_verification=match.verification,
            evidence=report.evidence,
            landing_evidence=pages.get(match.landing_sha256 or ""),
        )
        report.mentions.append((mention.output_id, match, created))
        report.new_mentions += created
    return report


async def percolate_and_record(
    engine: Engine,
    observation: Observation,
    fetcher: Fetcher | None = None,
    *,
    percolator: Percolator | None = None,
    keep_unmatched: bool = True,
) -> tuple[PercolationResult, RecordReport]:
    """Percolate (no transaction open while fetching), then record in one transaction."""
    result = await percolate_observation(engine, observation, fetcher, percolator=percolator)
    with transaction(engine) as session:
        report = record_percolation(session, result, keep_unmatched=keep_unmatched)
    return result, report
