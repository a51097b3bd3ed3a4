"""Aliases: following ``merged_into`` and merging two outputs that are one work.

Merging moves everything of ``other`` to ``keep``: identifiers, mentions (dedup keys are
recomputed; a post recorded for both stays once), group memberships, metric snapshots (on a
clash the later observation wins), missing metadata and authors, enrichment state and older
aliases. ``other`` stays as an empty alias with ``merged_into = keep.id``; its score rollups
are dropped and ``keep`` goes on the score queue.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from altscope.store.keys import mention_dedup_key
from altscope.store.schema import (
    Mention,
    MetricSnapshot,
    Output,
    OutputAuthor,
    OutputIdentifier,
    OutputScore,
    ScoreQueue,
    group_outputs,
)
from altscope.store.types import utcnow

#: Metadata columns copied from a merged output when the survivor lacks them.
METADATA_FIELDS = (
    "title",
    "container_title",
    "publisher",
    "type",
    "published",
    "abstract",
    "language",
    "url",
    "metadata_provider",
)
LIST_FIELDS = ("issns", "subjects")
ENRICHMENT_FIELDS = ("enriched_at", "enrich_provider")


def canonical(session: Session, output: Output | int) -> Output:
    """The output that ``output`` (a row or an id) stands for, following ``merged_into``."""
    row = session.get(Output, output) if isinstance(output, int) else output
    if row is None:
        raise LookupError(f"no output with id {output}")
    seen: set[int] = set()
    while row.merged_into is not None:
        if row.id in seen:
            raise RuntimeError(f"merged_into cycle through output {row.id}")
        seen.add(row.id)
        row = session.get(Output, row.merged_into)
        if row is None:
            raise LookupError(f"output {output} is merged into a missing output")
    return row


def merge_outputs(session: Session, keep: Output, other: Output) -> Output:
    """Merge ``other`` into ``keep`` (both first resolved to canonical outputs); returns keep."""
    keep, other = canonical(session, keep), canonical(session, other)
    if keep.id == other.id:
        return keep
    session.flush()

    session.execute(
        update(OutputIdentifier)
        .where(OutputIdentifier.output_id == other.id)
        .values(output_id=keep.id)
    )
    _move_mentions(session, keep, other)
    _move_groups(session, keep, other)
    _move_snapshots(session, keep, other)
    _fill_metadata(session, keep, other)
    session.execute(
        update(Output).where(Output.merged_into == other.id).values(merged_into=keep.id)
    )
    other.merged_into = keep.id
    keep.updated_at = utcnow()
    _move_scores(session, keep, other)
    session.flush()
    for row in (keep, other):
        session.expire(row, ["identifiers", "groups", "authors"])
    return keep


def _move_mentions(session: Session, keep: Output, other: Output) -> None:
    mentions = session.scalars(select(Mention).where(Mention.output_id == other.id)).all()
    for mention in mentions:
        key = mention_dedup_key(mention.source.key, mention.native_id, mention.url, keep.id)
        twin = session.scalar(select(Mention).where(Mention.dedup_key == key))
        if twin is not None:
            for field in (
                "actor_id",
                "evidence_id",
                "landing_evidence_id",
                "occurred_at",
                "title",
                "snippet",
            ):
                if getattr(twin, field) is None:
                    setattr(twin, field, getattr(mention, field))
            session.delete(mention)
        else:
            mention.output_id, mention.dedup_key = keep.id, key
        session.flush()


def _move_scores(session: Session, keep: Output, other: Output) -> None:
    """The alias loses its rollups and queue entry; the survivor is queued for rescoring."""
    from altscope.store.mentions import queue_rescore

    session.execute(delete(OutputScore).where(OutputScore.output_id == other.id))
    session.execute(delete(ScoreQueue).where(ScoreQueue.output_id == other.id))
    queue_rescore(session, [keep.id])


def _move_groups(session: Session, keep: Output, other: Output) -> None:
    already = select(group_outputs.c.group_id).where(group_outputs.c.output_id == keep.id)
    session.execute(
        update(group_outputs)
        .where(group_outputs.c.output_id == other.id, group_outputs.c.group_id.not_in(already))
        .values(output_id=keep.id)
    )
    session.execute(delete(group_outputs).where(group_outputs.c.output_id == other.id))


def _move_snapshots(session: Session, keep: Output, other: Output) -> None:
    def slot(s: MetricSnapshot) -> tuple[str, str, str]:
        return (s.provider, s.kind, s.period)

    kept = {
        slot(s): s
        for s in session.scalars(select(MetricSnapshot).where(MetricSnapshot.output_id == keep.id))
    }
    for snapshot in session.scalars(
        select(MetricSnapshot).where(MetricSnapshot.output_id == other.id)
    ).all():
        twin = kept.get(slot(snapshot))
        if twin is None:
            snapshot.output_id = keep.id
            continue
        if snapshot.observed_at > twin.observed_at:
            twin.value, twin.observed_at = snapshot.value, snapshot.observed_at
        session.delete(snapshot)
    session.flush()


def _fill_metadata(session: Session, keep: Output, other: Output) -> None:
    for field in METADATA_FIELDS + ENRICHMENT_FIELDS:
        if getattr(keep, field) is None and getattr(other, field) is not None:
            setattr(keep, field, getattr(other, field))
    for field in LIST_FIELDS:
        if not getattr(keep, field) and getattr(other, field):
            setattr(keep, field, list(getattr(other, field)))
    has_authors = session.scalar(select(OutputAuthor.id).where(OutputAuthor.output_id == keep.id))
    if has_authors is None:
        session.execute(
            update(OutputAuthor).where(OutputAuthor.output_id == other.id).values(output_id=keep.id)
        )
    else:
        session.execute(delete(OutputAuthor).where(OutputAuthor.output_id == other.id))
