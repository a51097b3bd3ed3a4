"""altscope's own jobs and their schedules."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from altscope import ingest
from altscope.jobs.engine import current_settings
from altscope.jobs.registry import job, schedule, step
from altscope.store.db import make_engine

#: Outputs one enrichment batch handles.
ENRICH_BATCH = 100
#: Batches one run of ``enrich_pending`` handles at most (the rest waits for the next run).
ENRICH_MAX_BATCHES = 20
#: An output whose enrichment failed is tried again after this many minutes.
ENRICH_RETRY_AFTER_MINUTES = 30
#: Error messages kept in a batch's summary.
ENRICH_ERRORS_KEPT = 20


@step(retries=3, interval=5.0, backoff=3.0)
def enrich_batch(limit: int, retry_after_minutes: int) -> dict[str, Any]:
    """Enrich up to ``limit`` outputs still without metadata; a plain summary of what happened."""
    settings = current_settings()
    engine = make_engine(settings.database_url)
    try:
        report = ingest.enrich_pending(
            engine, settings, limit, retry_after=timedelta(minutes=retry_after_minutes)
        )
    finally:
        engine.dispose()
    return {
        "attempted": report.attempted,
        "enriched": report.enriched,
        "not_found": report.not_found,
        "failed": report.failed,
        "errors": [f"{label}: {message}" for label, message in report.errors][:ENRICH_ERRORS_KEPT],
    }


@job("enrich_pending")
def enrich_pending(
    limit: int = ENRICH_BATCH,
    batches: int = ENRICH_MAX_BATCHES,
    retry_after_minutes: int = ENRICH_RETRY_AFTER_MINUTES,
) -> dict[str, Any]:
    """Retry metadata enrichment (Crossref, DataCite, OpenAlex) of outputs still missing it."""
    totals: dict[str, Any] = {
        "batches": 0,
        "attempted": 0,
        "enriched": 0,
        "not_found": 0,
        "failed": 0,
        "errors": [],
    }
    # An output that fails in one batch is not due again in the next one, unless retries are
    # immediate: then one batch, or the same failures would be tried over and over.
    for _ in range(batches if retry_after_minutes > 0 else 1):
        done = enrich_batch(limit, retry_after_minutes)
        totals["batches"] += 1
        for key in ("attempted", "enriched", "not_found", "failed"):
            totals[key] += done[key]
        totals["errors"] = (totals["errors"] + done["errors"])[:ENRICH_ERRORS_KEPT]
        if done["attempted"] < limit:
            break
    return totals


schedule("0 * * * *", "enrich_pending", name="enrich-pending-hourly")


#: Outputs one run of ``drain_score_queue`` updates at most (the rest waits for the next run).
SCORE_QUEUE_BATCH = 1000


@step(retries=3, interval=5.0, backoff=3.0)
def drain_scores(limit: int) -> int:
    """Update the rollups of up to ``limit`` queued outputs; how many were updated."""
    from altscope import scoring

    engine = make_engine(current_settings().database_url)
    try:
        return scoring.drain_score_queue(engine, limit=limit)
    finally:
        engine.dispose()


@job("drain_score_queue")
def drain_score_queue(limit: int = SCORE_QUEUE_BATCH) -> dict[str, Any]:
    """Update the score rollups of outputs that received new or removed mentions."""
    return {"updated": drain_scores(limit)}


@step(retries=2, interval=30.0, backoff=2.0)
def rescore_step(version: str | None) -> dict[str, Any]:
    """A full rescore under ``version`` (None: the configured one); its report."""
    from altscope import scoring

    engine = make_engine(current_settings().database_url)
    try:
        report = scoring.rescore(engine, version)
    finally:
        engine.dispose()
    return {
        "version": report.version,
        "outputs": report.outputs,
        "mentions": report.mentions,
        "flagged": report.flagged,
        "seconds": report.seconds,
    }


@job("rescore")
def rescore(version: str | None = None) -> dict[str, Any]:
    """Recompute every output's score, categories, history and context (full rescore)."""
    return rescore_step(version)


schedule("* * * * *", "drain_score_queue", name="drain-score-queue-minutely")
schedule("30 3 * * *", "rescore", name="rescore-nightly")
