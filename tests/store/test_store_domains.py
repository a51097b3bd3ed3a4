"""Tracked domains, URL maps and URL lists in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from altscope.store.domains import (
    ListedUrl,
    add_domain,
    add_url_map,
    find_domain,
    list_domains,
    lookup_domain_url,
    remove_domain,
    tracked_domains,
    upsert_domain_urls,
)
from altscope.store.schema import DomainUrl, DomainUrlMap


def _count(session: Session, entity) -> int:
    from sqlalchemy import func, select

    return session.scalar(select(func.count()).select_from(entity))


def test_add_domain_is_idempotent(db_session: Session) -> None:
    row, created = add_domain(db_session, "repo.example.edu")
    assert created and row.follow_links
    again, created_again = add_domain(db_session, "repo.example.edu", note="our repository")
    assert not created_again and again.id == row.id
    assert again.note == "our repository"
    db_session.commit()
    assert [d.domain for d in list_domains(db_session)] == ["repo.example.edu"]


def test_maps_are_idempotent_and_listed(db_session: Session) -> None:
    domain, _ = add_domain(db_session, "repo.example.edu")
    first, created = add_url_map(db_session, domain, r"/handle/(\d+/\d+)", "handle", "{1}")
    same, created_again = add_url_map(db_session, domain, r"/handle/(\d+/\d+)", "handle", "{1}")
    assert created and not created_again and same.id == first.id
    add_url_map(db_session, domain, r"/items/(\d+)", "doi", "10.9999/{1}")
    db_session.commit()
    assert _count(db_session, DomainUrlMap) == 2
    [loaded] = tracked_domains(db_session)
    assert [(m.pattern, m.scheme) for m in loaded.maps] == [
        (r"/handle/(\d+/\d+)", "handle"),
        (r"/items/(\d+)", "doi"),
    ]
    [summary] = list_domains(db_session)
    assert (summary.maps, summary.urls) == (2, 0)


def test_url_lists_add_update_and_leave_alone(db_session: Session) -> None:
    domain, _ = add_domain(db_session, "repo.example.edu")
    rows = [
        ListedUrl(f"{i:064x}", f"https://repo.example.edu/r/{i}", "doi", f"10.9999/r{i}")
        for i in range(1, 1201)  # more than one batch
    ]
    first = upsert_domain_urls(db_session, domain, rows, origin="sitemap.xml")
    assert (first.added, first.updated, first.unchanged) == (1200, 0, 0)
    again = upsert_domain_urls(db_session, domain, rows, origin="sitemap.xml")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1200)
    changed = [ListedUrl(rows[0].url_hash, rows[0].url, "doi", "10.9999/renamed")]
    third = upsert_domain_urls(db_session, domain, changed, origin="list.csv")
    assert (third.added, third.updated, third.unchanged) == (0, 1, 0)
    db_session.commit()
    assert lookup_domain_url(db_session, rows[0].url_hash) == ("doi", "10.9999/renamed")
    assert lookup_domain_url(db_session, rows[5].url_hash) == ("doi", "10.9999/r6")
    assert lookup_domain_url(db_session, "0" * 64) is None
    assert list_domains(db_session)[0].urls == 1200


def test_remove_domain_takes_its_maps_and_urls(db_session: Session) -> None:
    domain, _ = add_domain(db_session, "repo.example.edu")
    add_url_map(db_session, domain, r"/x/(\d+)", "doi", "10.9999/{1}")
    upsert_domain_urls(
        db_session, domain, [ListedUrl("a" * 64, "https://repo.example.edu/1", "doi", "10.9999/1")]
    )
    db_session.commit()
    assert remove_domain(db_session, "repo.example.edu")
    db_session.commit()
    assert find_domain(db_session, "repo.example.edu") is None
    assert _count(db_session, DomainUrlMap) == 0
    assert _count(db_session, DomainUrl) == 0
    assert not remove_domain(db_session, "repo.example.edu")
