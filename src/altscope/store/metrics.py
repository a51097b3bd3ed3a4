"""Metric snapshots: counts (readers, citations, views, downloads ...) of outputs over time."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from altscope.store._insert import upsert_insert
from altscope.store.merge import canonical
from altscope.store.schema import MetricSnapshot, Output
from altscope.store.types import utcnow


def record_metric(
    session: Session,
    output: Output | int,
    provider: str,
    kind: str,
    value: int,
    *,
    period: str | None = None,
    observed_at: datetime | None = None,
) -> MetricSnapshot:
    """Record ``value`` for (output, provider, kind, period).

    Observing a different value again updates the row (value and ``observed_at``); the same
    value changes nothing, so repeated imports are idempotent.

    ``period`` defaults to the UTC day of ``observed_at`` (``2024-05-17``), the right slot for
    running totals; per-month usage gives ``2024-05``.
    """
    if value < 0:
        raise ValueError(f"{provider} {kind}: negative count {value}")
    row = canonical(session, output)
    observed_at = observed_at or utcnow()
    if observed_at.tzinfo is None:
        raise ValueError("naive observed_at: give a timezone-aware datetime (UTC)")
    period = period or observed_at.astimezone(UTC).date().isoformat()
    values = {
        "output_id": row.id,
        "provider": provider,
        "kind": kind,
        "period": period,
        "value": value,
        "observed_at": observed_at,
    }
    insert = upsert_insert(session, MetricSnapshot).values(values)
    session.execute(
        insert.on_conflict_do_update(
            index_elements=["output_id", "provider", "kind", "period"],
            set_={"value": insert.excluded.value, "observed_at": insert.excluded.observed_at},
            where=MetricSnapshot.value != insert.excluded.value,
        )
    )
    return session.scalars(
        select(MetricSnapshot)
        .where(
            MetricSnapshot.output_id == row.id,
            MetricSnapshot.provider == provider,
            MetricSnapshot.kind == kind,
            MetricSnapshot.period == period,
        )
        .execution_options(populate_existing=True)
    ).one()


def latest_metrics(session: Session, output: Output | int) -> dict[tuple[str, str], int]:
    """The most recent value of each (provider, kind) for an output."""
    row = canonical(session, output)
    latest: dict[tuple[str, str], int] = {}
    snapshots = session.scalars(
        select(MetricSnapshot)
        .where(MetricSnapshot.output_id == row.id)
        .order_by(MetricSnapshot.observed_at, MetricSnapshot.id)
    )
    for snapshot in snapshots:
        latest[(snapshot.provider, snapshot.kind)] = snapshot.value
    return latest
