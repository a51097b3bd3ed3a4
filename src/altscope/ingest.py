"""Outputs in: identifiers and import files into the store, then metadata enrichment.

* :func:`add_identifiers`: identifier strings (the ``altscope add`` arguments).
* :func:`import_file` / :func:`import_files`: identifier lists, CSV, BibTeX, RIS, ORCID JSON.
* :func:`enrich_pending` / :func:`enrich_outputs`: ask Crossref, DataCite and OpenAlex.

Every entry is stored in its own savepoint: a broken row is reported with its file and line and
the rest is imported. Importing the same file twice changes nothing: outputs are upserted by
identifier, and a file's metadata never overwrites what a metadata service has provided. When a
service is offline, the output stays stored with its identifiers and the failed attempt is
recorded, so enrichment is retried later; stored metadata is never removed by a failed fetch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, and_, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from altscope.config import Settings
from altscope.ids import Identifier, IdentifierError, not_an_output, parse
from altscope.records import OutputMetadata
from altscope.sources.enrich import Enricher, Enrichment
from altscope.sources.importers import IdRef, ImportFileError, ImportRecord, read_file
from altscope.store.db import transaction
from altscope.store.outputs import (
    SCALAR_FIELDS,
    apply_metadata,
    canonical,
    outputs_needing_enrichment,
    record_enrichment_attempt,
    upsert_output,
)
from altscope.store.schema import Output, OutputIdentifier

__all__ = [
    "EnrichReport",
    "ImportReport",
    "RowError",
    "add_identifiers",
    "aenrich_outputs",
    "aenrich_pending",
    "enrich_outputs",
    "enrich_pending",
    "import_file",
    "import_files",
    "resolve_identifiers",
]

Progress = Callable[[int, int], None]
"""Called with (done, total) as work advances."""

#: Providers whose metadata a file's metadata must not overwrite.
SERVICE_PROVIDERS = frozenset({"crossref", "datacite", "openalex"})
#: Schemes a metadata service can be asked about.
ENRICHABLE = frozenset({"doi", "pmid", "pmcid", "arxiv"})
BATCH = 200


@dataclass(frozen=True, slots=True)
class RowError:
    """Why one entry (or a whole file, ``line=None``) was not imported."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"


@dataclass(slots=True)
class ImportReport:
    """What an import did: outputs ``added`` (new), ``existing`` (already stored, nothing new
    or new aliases added), ``merged`` (the entry joined outputs stored separately), errors."""

    added: int = 0
    existing: int = 0
    merged: int = 0
    errors: list[RowError] = field(default_factory=list)
    output_ids: list[int] = field(default_factory=list)
    _seen: set[int] = field(default_factory=set, repr=False, compare=False)

    @property
    def stored(self) -> int:
        return self.added + self.existing + self.merged

    def note(self, output_id: int) -> None:
        """Remember an output this import touched (once, in order)."""
        if output_id not in self._seen:
            self._seen.add(output_id)
            self.output_ids.append(output_id)

    def extend(self, other: ImportReport) -> None:
        self.added += other.added
        self.existing += other.existing
        self.merged += other.merged
        self.errors.extend(other.errors)
        for output_id in other.output_ids:
            self.note(output_id)


@dataclass(slots=True)
class EnrichReport:
    """What an enrichment run did."""

    attempted: int = 0
    enriched: int = 0
    not_found: int = 0
    failed: int = 0
    unsupported: int = 0  # no identifier a metadata service can be asked about (ISBN, URL...)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (output label, message)


# -- identifiers -----------------------------------------------------------------------------------
def resolve_identifiers(refs: Sequence[IdRef]) -> tuple[list[Identifier], list[str]]:
    """Parse an entry's identifiers: (valid identifiers, problems).

    Optional references (landing-page URLs) that are not persistent identifiers are dropped
    when the entry has a persistent identifier; identifiers of journals, people and
    organisations are refused.
    """
    found: list[Identifier] = []
    problems: list[str] = []
    urls: list[Identifier] = []
    for ref in refs:
        try:
            identifier = parse(ref.text, ref.scheme)
        except IdentifierError as error:
            if not ref.optional:
                problems.append(str(error))
            continue
        elsewhere = not_an_output(identifier)
        if elsewhere is not None:
            if not ref.optional:
                problems.append(f"'{ref.text}' names {elsewhere}, not a research output")
            continue
        if identifier.scheme == "url" and ref.optional:
            urls.append(identifier)
        elif identifier not in found:
            found.append(identifier)
    if not found:
        found.extend(urls[:1])  # a web page with no other identifier is its own output
    return found, problems


# -- storing -------------------------------------------------------------------------------------
def _store(
    session: Session, identifiers: Sequence[Identifier], metadata: OutputMetadata | None
) -> tuple[str, int]:
    """Upsert one output; returns ("added" | "existing" | "merged", output id)."""
    keys = {(i.scheme, i.value) for i in identifiers}
    held = _holders(session, keys)
    owners = {canonical(session, output_id).id for output_id in held.values()}
    if len(owners) == 1 and len(held) == len(keys):
        # Every identifier is already stored, on one output: only gaps may be left to fill.
        output = session.get_one(Output, next(iter(owners)))
        gaps = _file_gaps(output, metadata)
        if gaps is not None:
            apply_metadata(session, output, gaps)
        return "existing", output.id
    output = upsert_output(session, identifiers)
    gaps = _file_gaps(output, metadata)
    if gaps is not None:
        output = apply_metadata(session, output, gaps)
    outcome = "added" if not owners else "existing" if len(owners) == 1 else "merged"
    return outcome, output.id


def _holders(session: Session, keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Which stored output row holds each of ``keys`` (one query)."""
    condition = or_(
        *(and_(OutputIdentifier.scheme == s, OutputIdentifier.value == v) for s, v in keys)
    )
    rows = session.execute(
        select(OutputIdentifier.scheme, OutputIdentifier.value, OutputIdentifier.output_id).where(
            condition
        )
    )
    return {(scheme, value): output_id for scheme, value, output_id in rows}


def _file_gaps(output: Output, metadata: OutputMetadata | None) -> OutputMetadata | None:
    if metadata is None or output.metadata_provider in SERVICE_PROVIDERS:
        return None
    return _only_gaps(output, metadata)


def _only_gaps(output: Output, metadata: OutputMetadata) -> OutputMetadata | None:
    """The part of a file's ``metadata`` that fills fields still empty on ``output``.

    A file never overwrites what is stored (by another file or an earlier import), so importing
    files again, in any order, changes nothing; metadata services overwrite, files fill gaps.
    """
    values = {}
    for name in (*SCALAR_FIELDS, "published"):
        if getattr(output, name) is None and getattr(metadata, name) is not None:
            values[name] = getattr(metadata, name)
    for name in ("issns", "subjects"):
        if not getattr(output, name) and getattr(metadata, name):
            values[name] = list(getattr(metadata, name))
    if not output.authors and metadata.authors:
        values["authors"] = list(metadata.authors)
    if not values:
        return None
    return OutputMetadata(provider=output.metadata_provider or metadata.provider, **values)


def _store_records(
    engine: Engine,
    source: str,
    records: Sequence[ImportRecord],
    report: ImportReport,
    progress: Progress | None = None,
) -> None:
    total = len(records)
    for start in range(0, total, BATCH):
        batch = records[start : start + BATCH]
        with transaction(engine) as session:
            known = _KnownOutputs(session, batch)
            for record in batch:
                _store_one(session, source, record, report, known)
        if progress:
            progress(min(start + BATCH, total), total)


class _KnownOutputs:
    """What a batch's identifiers already name, read in two queries, so that re-importing a
    file costs no per-entry queries. Any write in the batch makes it stale: from then on the
    batch takes the careful path (savepoint and upsert) for every entry."""

    def __init__(self, session: Session, batch: Sequence[ImportRecord]) -> None:
        keys: set[tuple[str, str]] = set()
        self.resolved: dict[int, tuple[list[Identifier], list[str]]] = {}
        for record in batch:
            if not record.error:
                found = resolve_identifiers(record.identifiers)
                self.resolved[id(record)] = found
                keys.update((i.scheme, i.value) for i in found[0])
        self.held: dict[tuple[str, str], int] = {}
        key_list = sorted(keys)
        for start in range(0, len(key_list), 300):
            self.held.update(_holders(session, set(key_list[start : start + 300])))
        self.outputs = {
            output.id: output
            for output in session.scalars(
                select(Output)
                .where(Output.id.in_(set(self.held.values())))
                .options(selectinload(Output.authors))
            )
        }
        self.stale = False

    def unchanged(
        self, identifiers: Sequence[Identifier], metadata: OutputMetadata | None
    ) -> int | None:
        """The output id when storing this entry would change nothing, else ``None``."""
        if self.stale:
            return None
        owners = {self.held.get((i.scheme, i.value)) for i in identifiers}
        owner = owners.pop() if len(owners) == 1 else None
        output = self.outputs.get(owner) if owner is not None else None
        if output is None or output.merged_into is not None:
            return None
        return output.id if _file_gaps(output, metadata) is None else None


def _store_one(
    session: Session,
    source: str,
    record: ImportRecord,
    report: ImportReport,
    known: _KnownOutputs,
) -> None:
    if record.error:
        report.errors.append(RowError(source, record.line, _without_line(record.error)))
        return
    identifiers, problems = known.resolved[id(record)]
    for problem in problems:
        report.errors.append(RowError(source, record.line, problem))
    if not identifiers:
        if not problems:
            report.errors.append(RowError(source, record.line, "no identifier"))
        return
    output_id = known.unchanged(identifiers, record.metadata)
    if output_id is not None:
        outcome = "existing"
    else:
        known.stale = True
        try:
            with session.begin_nested():
                outcome, output_id = _store(session, identifiers, record.metadata)
        except (SQLAlchemyError, ValueError) as error:
            message = str(error).splitlines()[0][:300]
            report.errors.append(RowError(source, record.line, f"not stored: {message}"))
            return
    setattr(report, outcome, getattr(report, outcome) + 1)
    report.note(output_id)


def _without_line(message: str) -> str:
    """Importers prefix messages with "line N: "; the report names the line itself."""
    head, sep, rest = message.partition(": ")
    return rest if sep and head.startswith("line ") and head[5:].isdigit() else message


def add_identifiers(engine: Engine, strings: Iterable[str]) -> ImportReport:
    """Store one output per identifier string (``"10.1038/nature14539"``, ``"PMID:123"``...).

    Errors name the argument's position (``argument:2``).
    """
    records = [
        ImportRecord(line=position, identifiers=[IdRef(text.strip())])
        if text.strip()
        else ImportRecord(line=position, error="empty identifier")
        for position, text in enumerate(strings, start=1)
    ]
    report = ImportReport()
    _store_records(engine, "argument", records, report)
    return report


def import_file(
    engine: Engine,
    path: Path | str,
    format: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one file; a file that cannot be read at all gives one error with ``line=None``."""
    report = ImportReport()
    try:
        parsed = read_file(path, format)
    except ImportFileError as error:
        report.errors.append(RowError(str(path), None, _strip_path(str(error), str(path))))
        return report
    if not parsed.records:
        report.errors.append(
            RowError(str(path), None, f"no entries found (read as {parsed.format})")
        )
        return report
    _store_records(engine, str(path), parsed.records, report, progress)
    return report


def _strip_path(message: str, path: str) -> str:
    return message.removeprefix(f"{path}: ")


def import_files(
    engine: Engine,
    paths: Sequence[Path | str],
    format: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import several files into one report."""
    report = ImportReport()
    for path in paths:
        report.extend(import_file(engine, path, format, progress))
    return report


# -- enrichment ----------------------------------------------------------------------------------
def enrich_pending(
    engine: Engine,
    settings: Settings,
    limit: int = 100,
    retry_after: timedelta = timedelta(0),
    refresh: bool = False,
    progress: Progress | None = None,
) -> EnrichReport:
    """Enrich up to ``limit`` outputs never enriched (whose last failed attempt is older than
    ``retry_after``); with ``refresh``, already enriched outputs too (oldest first)."""
    return asyncio.run(aenrich_pending(engine, settings, limit, retry_after, refresh, progress))


def enrich_outputs(
    engine: Engine,
    settings: Settings,
    output_ids: Sequence[int],
    progress: Progress | None = None,
) -> EnrichReport:
    """Enrich the given outputs (e.g. the ones an import just stored)."""
    return asyncio.run(aenrich_outputs(engine, settings, output_ids, progress))


async def aenrich_pending(
    engine: Engine,
    settings: Settings,
    limit: int = 100,
    retry_after: timedelta = timedelta(0),
    refresh: bool = False,
    progress: Progress | None = None,
) -> EnrichReport:
    """:func:`enrich_pending` for callers already inside an event loop."""
    with transaction(engine) as session:
        if refresh:
            query = (
                select(Output.id)
                .where(Output.merged_into.is_(None))
                .order_by(Output.enriched_at.asc().nulls_first(), Output.id)
                .limit(limit)
            )
            output_ids = list(session.scalars(query))
        else:
            output_ids = [o.id for o in outputs_needing_enrichment(session, limit, retry_after)]
    return await aenrich_outputs(engine, settings, output_ids, progress)


async def aenrich_outputs(
    engine: Engine,
    settings: Settings,
    output_ids: Sequence[int],
    progress: Progress | None = None,
) -> EnrichReport:
    """:func:`enrich_outputs` for callers already inside an event loop."""
    report = EnrichReport()
    todo = _identifiers_of(engine, output_ids)
    total = len(todo)
    done = 0
    chunk = max(1, settings.enrich_concurrency) * 8
    async with Enricher(settings) as enricher:
        for start in range(0, total, chunk):
            part = todo[start : start + chunk]
            askable = [[i for i in ids if i.scheme in ENRICHABLE] for _, ids in part]
            results = await enricher.enrich_many([ids for ids in askable if ids])
            answers = iter(results)
            outcomes = [next(answers) if ids else None for ids in askable]
            _save_enrichments(engine, part, outcomes, report)
            done += len(part)
            if progress:
                progress(done, total)
    return report


def _identifiers_of(
    engine: Engine, output_ids: Sequence[int]
) -> list[tuple[int, list[Identifier]]]:
    found: list[tuple[int, list[Identifier]]] = []
    seen: set[int] = set()
    with transaction(engine) as session:
        for output_id in output_ids:
            output = session.get(Output, output_id)
            if output is None:
                continue
            output = canonical(session, output)
            if output.id in seen:
                continue
            seen.add(output.id)
            found.append((output.id, [Identifier(i.scheme, i.value) for i in output.identifiers]))
    return found


def _save_enrichments(
    engine: Engine,
    part: Sequence[tuple[int, list[Identifier]]],
    outcomes: Sequence[Enrichment | None],
    report: EnrichReport,
) -> None:
    with transaction(engine) as session:
        for (output_id, identifiers), outcome in zip(part, outcomes, strict=True):
            label = str(identifiers[0]) if identifiers else f"output {output_id}"
            report.attempted += 1
            try:
                with session.begin_nested():
                    _save_one(session, output_id, label, outcome, report)
            except (SQLAlchemyError, ValueError) as error:
                report.failed += 1
                report.errors.append((label, f"not saved: {str(error).splitlines()[0][:300]}"))


def _save_one(
    session: Session, output_id: int, label: str, outcome: Enrichment | None, report: EnrichReport
) -> None:
    output = canonical(session, session.get_one(Output, output_id))
    if output.id != output_id and output.enriched_at is not None:
        # Merged during this run into an output already described: apply what was found, but
        # a stale "not found" or error about the alias must not mark the survivor as failed.
        for metadata in outcome.records if outcome else []:
            output = apply_metadata(session, output, metadata)
        report.enriched += 1
        return
    if outcome is None:  # nothing a metadata service can be asked about (ISBN, URL, handle...)
        record_enrichment_attempt(session, output, None, provider=output.metadata_provider)
        report.unsupported += 1
        return
    for metadata in outcome.records:  # least authoritative first: the last one wins
        output = apply_metadata(session, output, metadata)
    if outcome.errors:
        message = "; ".join(outcome.errors)
        record_enrichment_attempt(session, output, message)
        report.failed += 1
        report.errors.append((label, message))
    elif not outcome.records:
        record_enrichment_attempt(session, output, "not found at Crossref, DataCite or OpenAlex")
        report.not_found += 1
    else:
        record_enrichment_attempt(session, output, None, provider=outcome.records[-1].provider)
        report.enriched += 1
