"""Outputs in and out: upsert by identifiers, metadata, lookups, enrichment bookkeeping.

An identifier value names one output (``UNIQUE(scheme, value)``). Upserting identifiers that
belong to several outputs merges them into the lowest id (see :mod:`altscope.store.merge`).
Concurrent upserts of the same identifier are safe on both backends: identifiers are inserted
with ``ON CONFLICT DO NOTHING`` and then read back; an output created by the loser of a race is
folded into the winner's and removed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Protocol

from sqlalchemy import or_, select, tuple_
from sqlalchemy.orm import Session

from altscope.records import Author, OutputMetadata
from altscope.store._insert import upsert_insert
from altscope.store.merge import canonical, merge_outputs
from altscope.store.metrics import record_metric
from altscope.store.schema import Output, OutputAuthor, OutputIdentifier
from altscope.store.types import utcnow

__all__ = [
    "apply_metadata",
    "canonical",
    "find_output",
    "merge_outputs",
    "outputs_needing_enrichment",
    "record_enrichment_attempt",
    "upsert_output",
]

log = logging.getLogger(__name__)

Key = tuple[str, str]
MAX_ERROR_LENGTH = 2000


class IdentifierLike(Protocol):
    """``altscope.ids.Identifier`` or anything with a normalised scheme and value."""

    @property
    def scheme(self) -> str: ...

    @property
    def value(self) -> str: ...


def _keys(identifiers: Iterable[IdentifierLike]) -> list[Key]:
    keys = sorted({(i.scheme, i.value) for i in identifiers})
    for scheme, value in keys:
        if not scheme or not value:
            raise ValueError(f"empty identifier {scheme}:{value}")
    return keys


def _owners(session: Session, keys: Sequence[Key]) -> dict[Key, Output]:
    """Which output (as stored, not resolved) holds each of ``keys``."""
    if not keys:
        return {}
    condition = tuple_(OutputIdentifier.scheme, OutputIdentifier.value).in_(keys)
    rows = session.execute(
        select(OutputIdentifier.scheme, OutputIdentifier.value, Output)
        .join(Output, Output.id == OutputIdentifier.output_id)
        .where(condition)
    )
    return {(s, v): output for s, v, output in rows}


def _canonicals(session: Session, outputs: Iterable[Output]) -> dict[int, Output]:
    """The distinct canonical outputs of ``outputs``, by id."""
    found = (canonical(session, output) for output in outputs)
    return {output.id: output for output in found}


def find_output(session: Session, scheme: str, value: str) -> Output | None:
    """The (canonical) output known by ``scheme:value`` (normalised), or ``None``."""
    output = _owners(session, [(scheme, value)]).get((scheme, value))
    return None if output is None else canonical(session, output)


def _merge_all(session: Session, outputs: dict[int, Output]) -> Output:
    """Merge the given (canonical) outputs into the one with the lowest id."""
    survivor, *others = (outputs[i] for i in sorted(outputs))
    for other in others:
        merge_outputs(session, survivor, other)
    return survivor


def _attach(
    session: Session,
    output: Output,
    keys: Sequence[Key],
    *,
    fresh: bool,
    owners: dict[Key, Output] | None = None,
) -> Output:
    """Give ``output`` the identifiers ``keys``; merge where they already name other outputs.

    ``owners`` is what :func:`_owners` said for ``keys``, if the caller just asked. Returns the
    output they all belong to in the end. A ``fresh`` output (created by this upsert) that
    finds its identifiers taken by a concurrent writer is merged away and deleted.
    """
    if not keys:
        return output
    if owners is None:
        owners = _owners(session, keys)
    missing = [key for key in keys if key not in owners]
    if missing:
        now = utcnow()
        insert = upsert_insert(session, OutputIdentifier).values(
            [{"scheme": s, "value": v, "output_id": output.id, "added_at": now} for s, v in missing]
        )
        session.execute(insert.on_conflict_do_nothing(index_elements=["scheme", "value"]))
        session.expire(output, ["identifiers"])
        owners = _owners(session, keys)  # a concurrent writer may have taken some
    others = _canonicals(session, owners.values())
    others.pop(output.id, None)
    if not others:
        return output
    if fresh:
        survivor = _merge_all(session, others)
        merge_outputs(session, survivor, output)
        session.delete(output)
        session.flush()
        return survivor
    return _merge_all(session, {**others, output.id: output})


def upsert_output(
    session: Session,
    identifiers: Sequence[IdentifierLike],
    metadata: OutputMetadata | None = None,
) -> Output:
    """The output known by any of ``identifiers``, created if none is; idempotent.

    Missing identifiers are added; outputs that turn out to share identifiers are merged
    (lowest id survives); ``metadata``, if given, is applied (see :func:`apply_metadata`).
    """
    keys = _keys(identifiers)
    if not keys:
        raise ValueError("an output needs at least one identifier")
    owners = _owners(session, keys)
    existing = _canonicals(session, owners.values())
    if existing:
        output = _merge_all(session, existing)
        fresh = False
    else:
        output = Output()
        session.add(output)
        session.flush()
        fresh = True
    output = _attach(session, output, keys, fresh=fresh, owners=owners)
    if metadata is not None:
        output = apply_metadata(session, output, metadata)
    return output


def _parse_identifiers(texts: Sequence[str], provider: str) -> list[IdentifierLike]:
    if not texts:
        return []
    from altscope.ids import parse

    parsed = []
    for text in texts:
        try:
            parsed.append(parse(text))
        except ValueError as error:
            log.warning("%s metadata: skipping identifier %r: %s", provider, text, error)
    return parsed


def _set_authors(output: Output, authors: Sequence[Author]) -> None:
    """Make ``output.authors`` equal ``authors``, updating rows in place (no churn)."""
    rows = output.authors
    for position, author in enumerate(authors):
        if position == len(rows):
            rows.append(OutputAuthor(position=position, name=author.name))
        row = rows[position]
        row.name, row.given, row.family = author.name, author.given, author.family
        row.orcid = author.orcid
        if row.affiliations != list(author.affiliations):
            row.affiliations = list(author.affiliations)
    del rows[len(authors) :]


SCALAR_FIELDS = (
    "title",
    "container_title",
    "publisher",
    "type",
    "abstract",
    "language",
    "url",
)


def apply_metadata(session: Session, output: Output, metadata: OutputMetadata) -> Output:
    """Store what ``metadata`` knows about ``output``; returns the (possibly merged) output.

    Known values overwrite, unknown ones (``None``, empty lists) leave what is stored. Further
    identifiers (``metadata.identifiers``, e.g. ``"pmid:123"``) are added; when one already
    names another output, the two are merged. A citation count becomes a metric snapshot.
    """
    output = canonical(session, output)
    extra = _keys(_parse_identifiers(metadata.identifiers, metadata.provider))
    output = _attach(session, output, extra, fresh=False)

    for field in SCALAR_FIELDS:
        value = getattr(metadata, field)
        if value is not None and getattr(output, field) != value:
            setattr(output, field, value)
    if metadata.published is not None and output.published != metadata.published:
        output.published = metadata.published
    for field in ("issns", "subjects"):
        values = list(dict.fromkeys(getattr(metadata, field)))
        if values and getattr(output, field) != values:
            setattr(output, field, values)
    if metadata.authors:
        _set_authors(output, metadata.authors)
    if output.metadata_provider != metadata.provider:
        output.metadata_provider = metadata.provider
    session.flush()
    if metadata.citation_count is not None:
        record_metric(session, output, metadata.provider, "citations", metadata.citation_count)
    return output


def outputs_needing_enrichment(
    session: Session, limit: int, retry_after: timedelta
) -> list[Output]:
    """Outputs never enriched, whose last attempt (if any) is older than ``retry_after``.

    Never-tried outputs come first, then the longest-waiting ones.
    """
    cutoff = utcnow() - retry_after
    query = (
        select(Output)
        .where(
            Output.merged_into.is_(None),
            Output.enriched_at.is_(None),
            or_(
                Output.enrich_last_attempt_at.is_(None),
                Output.enrich_last_attempt_at <= cutoff,
            ),
        )
        .order_by(Output.enrich_last_attempt_at.asc().nulls_first(), Output.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def record_enrichment_attempt(
    session: Session, output: Output, error: str | None, provider: str | None = None
) -> None:
    """Note an enrichment attempt: ``error=None`` marks the output enriched (by ``provider``)."""
    output = canonical(session, output)
    now = utcnow()
    output.enrich_attempts = (output.enrich_attempts or 0) + 1
    output.enrich_last_attempt_at = now
    if error is None:
        output.enriched_at = now
        output.enrich_last_error = None
        output.enrich_provider = provider or output.metadata_provider
    else:
        output.enrich_last_error = error[:MAX_ERROR_LENGTH]
    session.flush()
