"""altscope's own jobs and their schedules."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import inspect
from collections.abc import Mapping
from typing import Any

from altscope.jobs.engine import current_settings
from altscope.jobs.registry import JobError, job, schedule, step
from altscope.store.db import make_engine

#: Outputs one enrichment batch handles.
ENRICH_BATCH = 100
#: Batches one run of ``enrich_pending`` handles at most (the rest waits for the next run).
ENRICH_MAX_BATCHES = 20


def _summary(outcome: Any) -> dict[str, Any]:
    """A plain record of what a batch did (checkpointed, so it must stay simple)."""
    if isinstance(outcome, bool) or outcome is None:
        return {}
    if isinstance(outcome, int):
        return {"attempted": outcome}
    if dataclasses.is_dataclass(outcome) and not isinstance(outcome, type):
        outcome = dataclasses.asdict(outcome)
    if isinstance(outcome, Mapping):
        return {k: v for k, v in outcome.items() if isinstance(v, int | float | str)}
    return {"attempted": len(outcome)} if hasattr(outcome, "__len__") else {}


@step(retries=3, interval=5.0, backoff=3.0)
def enrich_batch(limit: int) -> dict[str, Any]:
    """Retry enrichment of up to ``limit`` outputs whose metadata is missing or failed."""
    try:
        ingest = importlib.import_module("altscope.ingest")
    except ImportError as exc:
        raise JobError(f"metadata enrichment is not available: {exc}") from exc
    settings = current_settings()
    engine = make_engine(settings.database_url)
    try:
        outcome = ingest.enrich_pending(engine, settings, limit)
        if inspect.isawaitable(outcome):
            outcome = asyncio.run(outcome)
    finally:
        engine.dispose()
    return _summary(outcome)


@job("enrich_pending")
def enrich_pending(limit: int = ENRICH_BATCH, batches: int = ENRICH_MAX_BATCHES) -> dict[str, Any]:
    """Retry metadata enrichment (Crossref, DataCite, OpenAlex) of outputs still missing it."""
    totals: dict[str, Any] = {"batches": 0}
    for _ in range(batches):
        done = enrich_batch(limit)
        totals["batches"] += 1
        for key, value in done.items():
            if isinstance(value, int):
                totals[key] = totals.get(key, 0) + value
        # A short batch means nothing is left; without a count, one batch per run is safest.
        if done.get("attempted", 0) < limit:
            break
    return totals


schedule("0 * * * *", "enrich_pending", name="enrich-pending-hourly")
