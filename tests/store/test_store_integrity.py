"""Unique constraints, failed transactions and concurrent writers."""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from store_helpers import count, doi, pmid

from altscope.store.db import run_in_transaction, session_factory, transaction
from altscope.store.evidence import store_evidence
from altscope.store.mentions import add_mention
from altscope.store.outputs import find_output, upsert_output
from altscope.store.schema import (
    Actor,
    Cursor,
    Evidence,
    Mention,
    MetricSnapshot,
    Output,
    OutputIdentifier,
)

# -- unique constraints ---------------------------------------------------------------------


def _violates(session: Session, add: Callable[[Session], None]) -> None:
    add(session)
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_unique_constraints_hold(db_session: Session, sources) -> None:
    s = db_session
    output = upsert_output(s, [doi("10.9/u")])
    store_evidence(s, b"body", "text/plain", "wikipedia")
    mention, _ = add_mention(s, output, "wikipedia", native_id="n1")
    s.add(Actor(source_id=sources["bluesky"].id, native_id="did:1"))
    s.add(MetricSnapshot(output_id=output.id, provider="p", kind="k", period="2024", value=1))
    s.add(Cursor(name="c", value=1))
    s.commit()
    output_id, wiki, bsky = output.id, sources["wikipedia"].id, sources["bluesky"].id
    dedup_key = mention.dedup_key

    _violates(
        s, lambda s: s.add(OutputIdentifier(scheme="doi", value="10.9/u", output_id=output_id))
    )
    body_hash = hashlib.sha256(b"body").hexdigest()
    _violates(s, lambda s: s.add(Evidence(sha256=body_hash, data=b"", size=0, media_type="x")))
    _violates(s, lambda s: s.add(Mention(output_id=output_id, source_id=wiki, dedup_key=dedup_key)))
    _violates(s, lambda s: s.add(Actor(source_id=bsky, native_id="did:1")))
    _violates(
        s,
        lambda s: s.add(
            MetricSnapshot(output_id=output_id, provider="p", kind="k", period="2024", value=2)
        ),
    )
    _violates(s, lambda s: s.add(Cursor(name="c", value=2)))
    _violates(s, lambda s: s.add(Mention(output_id=10**9, source_id=wiki, dedup_key="z" * 64)))

    # Nothing of the failed attempts is left; what was committed is intact.
    assert count(s, OutputIdentifier) == 1
    assert count(s, Evidence) == 1
    assert count(s, Mention) == 1
    assert count(s, Actor) == 1
    assert s.get(Cursor, "c").value == 1


# -- failed transactions --------------------------------------------------------------------


def test_a_failed_transaction_loses_nothing(engine: Engine, sources) -> None:
    with transaction(engine) as session:
        output = upsert_output(session, [doi("10.9/kept")])
        add_mention(session, output, "wikipedia", native_id="kept")

    with pytest.raises(RuntimeError, match="harvest broke"), transaction(engine) as session:
        output = upsert_output(session, [doi("10.9/kept"), pmid("777")])
        other = upsert_output(session, [doi("10.9/new")])
        add_mention(session, output, "wikipedia", native_id="new")
        add_mention(session, other, "bluesky", native_id="new")
        raise RuntimeError("harvest broke")

    with session_factory(engine)() as session:
        assert count(session, Output) == 1
        assert [str(i) for i in session.scalars(select(OutputIdentifier))] == ["doi:10.9/kept"]
        assert session.scalars(select(Mention.native_id)).all() == ["kept"]
        assert find_output(session, "pmid", "777") is None


def test_savepoints_roll_back_with_their_transaction(engine: Engine) -> None:
    """A savepoint opened first thing must not commit on release (pysqlite pitfall)."""
    with session_factory(engine)() as session:
        with session.begin_nested():
            upsert_output(session, [doi("10.9/inner")])
        try:
            with session.begin_nested():
                upsert_output(session, [doi("10.9/failed-row")])
                raise ValueError("broken row")
        except ValueError:
            pass
        assert find_output(session, "doi", "10.9/inner") is not None
        assert find_output(session, "doi", "10.9/failed-row") is None
        session.rollback()

    with session_factory(engine)() as session:
        assert count(session, Output) == 0


# -- concurrency ----------------------------------------------------------------------------


def test_racing_upserts_of_one_identifier_make_one_output(engine: Engine) -> None:
    """The second writer waits for the first, then finds its output instead of duplicating."""
    first_wrote = threading.Event()
    results: dict[str, int] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction(engine) as session:
                results["first"] = upsert_output(session, [doi("10.9/race"), pmid("1")]).id
                first_wrote.set()
                time.sleep(0.5)  # hold the uncommitted row while the second writer starts
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
            first_wrote.set()

    def second() -> None:
        first_wrote.wait(10)
        try:
            with transaction(engine) as session:
                results["second"] = upsert_output(session, [doi("10.9/race"), pmid("2")]).id
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert results["second"] == results["first"]

    with session_factory(engine)() as session:
        assert count(session, Output) == 1  # the loser's output was folded in and deleted
        output = session.get(Output, results["first"])
        assert sorted(map(str, output.identifiers)) == ["doi:10.9/race", "pmid:1", "pmid:2"]


@pytest.mark.slow
def test_many_writers_upserting_overlapping_identifiers(engine: Engine) -> None:
    """Writers upsert the same works by DOI, by PMID and by both, in random orders."""
    works = range(25)
    writers = 6
    errors: list[BaseException] = []
    barrier = threading.Barrier(writers)

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        jobs = [(w, kind) for w in works for kind in ("doi", "pmid", "both")]
        rng.shuffle(jobs)
        barrier.wait()
        try:
            for work, kind in jobs:
                ids = {
                    "doi": [doi(f"10.9/w{work}")],
                    "pmid": [pmid(str(1000 + work))],
                    "both": [pmid(str(1000 + work)), doi(f"10.9/w{work}")],
                }[kind]
                run_in_transaction(engine, lambda s, ids=ids: upsert_output(s, ids))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors

    with session_factory(engine)() as session:
        assert count(session, OutputIdentifier) == 2 * len(works)
        assert count(session, Output, Output.merged_into.is_(None)) == len(works)
        per_output = session.execute(
            select(OutputIdentifier.output_id, func.count())
            .group_by(OutputIdentifier.output_id)
            .having(func.count() != 2)
        ).all()
        assert per_output == []
        for work in works:
            by_doi = find_output(session, "doi", f"10.9/w{work}")
            by_pmid = find_output(session, "pmid", str(1000 + work))
            assert by_doi is not None and by_doi.id == by_pmid.id


def test_postgres_fixture_is_really_postgres(postgres_url: str) -> None:
    from altscope.store.db import make_engine

    engine = make_engine(postgres_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version()")).scalar().startswith("PostgreSQL")
    engine.dispose()


def test_run_in_transaction_does_not_retry_real_errors(engine: Engine) -> None:
    calls = []

    def work(session: Session) -> None:
        calls.append(1)
        session.add(Cursor(name="dup", value=1))
        session.flush()
        session.add(Cursor(name="dup", value=2))
        session.flush()

    with pytest.raises(IntegrityError):
        run_in_transaction(engine, work)
    assert len(calls) == 1


@pytest.mark.postgres_only
def test_run_in_transaction_retries_a_deadlock(engine: Engine) -> None:
    with transaction(engine) as session:
        session.add_all([Cursor(name="a", value=0), Cursor(name="b", value=0)])
    both_locked_one = threading.Barrier(2)
    attempts = {"first": 0, "second": 0}
    errors: list[BaseException] = []

    def bump(session: Session, name: str) -> None:
        session.execute(text("UPDATE cursors SET value = '1' WHERE name = :n"), {"n": name})

    def run(me: str, first_row: str, second_row: str) -> None:
        def work(session: Session) -> None:
            attempts[me] += 1
            bump(session, first_row)
            if attempts[me] == 1:
                both_locked_one.wait(5)
            bump(session, second_row)

        try:
            run_in_transaction(engine, work)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [
        threading.Thread(target=run, args=("first", "a", "b")),
        threading.Thread(target=run, args=("second", "b", "a")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert sorted(attempts.values()) == [1, 2]  # PostgreSQL broke the deadlock; one retried
