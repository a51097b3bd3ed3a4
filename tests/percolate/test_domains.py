"""Domain tracking: tracked hosts, URL pattern maps and explicit URL lists (no database)."""

from __future__ import annotations

import pytest

from altscope.ids import Identifier
from altscope.percolate.domains import (
    DomainTracker,
    MapError,
    UrlMap,
    normalize_domain,
    url_key,
    url_key_hash,
)


def test_normalize_domain() -> None:
    assert normalize_domain("https://WWW.Repo.Example.edu/handle/1") == "repo.example.edu"
    assert normalize_domain("repo.example.edu.") == "repo.example.edu"
    assert normalize_domain("bücher.example") == "xn--bcher-kva.example"
    for bad in ("", "localhost", "not a domain", "exa_mple.org", "http://"):
        with pytest.raises(MapError):
            normalize_domain(bad)


def test_url_key_ignores_scheme_www_tracking_and_trailing_slash() -> None:
    a = url_key("https://www.repo.example.edu/handle/123/456/?utm_source=x")
    b = url_key("http://repo.example.edu/handle/123/456")
    assert a == b == "repo.example.edu/handle/123/456"
    assert url_key_hash(a) != url_key_hash("repo.example.edu/handle/123/457")
    assert url_key("https://repo.example.edu/view?id=7") != url_key(
        "https://repo.example.edu/view?id=8"
    )


def test_tracked_domain_covers_subdomains_only() -> None:
    tracker = DomainTracker(["repo.example.edu"])
    assert tracker.tracked_domain("https://repo.example.edu/x") == "repo.example.edu"
    assert tracker.tracked_domain("https://www.repo.example.edu/x") == "repo.example.edu"
    assert tracker.tracked_domain("https://files.repo.example.edu/x") == "repo.example.edu"
    assert tracker.tracked_domain("https://evilrepo.example.edu/x") is None
    assert tracker.tracked_domain("https://example.edu/x") is None
    assert tracker.tracked_domain("not a url") is None


def test_pattern_maps() -> None:
    maps = [
        UrlMap("repo.example.edu", r"/handle/(\d+/\d+)", "handle", "{1}").validate(),
        UrlMap("repo.example.edu", r"/items/(?P<n>\d+)$", "doi", "10.9999/repo.{n}").validate(),
    ]
    tracker = DomainTracker(["repo.example.edu"], maps)
    hits, problems = tracker.identifiers("https://repo.example.edu/handle/1234/5678?show=full")
    assert [h.identifier for h in hits] == [Identifier("handle", "1234/5678")]
    assert hits[0].how.startswith("pattern ")
    hits, _ = tracker.identifiers("https://repo.example.edu/items/42")
    assert [h.identifier for h in hits] == [Identifier("doi", "10.9999/repo.42")]
    assert tracker.identifiers("https://repo.example.edu/about") == ([], [])
    # another domain's URLs are never mapped, even when the pattern would match
    assert tracker.identifiers("https://other.example.org/handle/1234/5678") == ([], [])
    assert problems == []


def test_map_validation() -> None:
    with pytest.raises(MapError, match="scheme"):
        UrlMap("d.example", r"/(\d+)", "nosuch", "{1}").validate()
    with pytest.raises(MapError, match="bad pattern"):
        UrlMap("d.example", r"/(\d+", "doi", "{1}").validate()
    with pytest.raises(MapError, match="group"):
        UrlMap("d.example", r"/(\d+)", "doi", "10.1/{2}").validate()
    with pytest.raises(MapError, match="named group"):
        UrlMap("d.example", r"/(\d+)", "doi", "10.1/{x}").validate()


def test_map_giving_an_invalid_identifier_is_a_problem_not_a_match() -> None:
    url_map = UrlMap("repo.example.edu", r"/isbn/(\d+)", "isbn", "{1}").validate()
    hits, problems = DomainTracker(["repo.example.edu"], [url_map]).identifiers(
        "https://repo.example.edu/isbn/123"
    )
    assert hits == []
    assert problems and "isbn" in problems[0]


def test_explicit_list_and_lookup() -> None:
    listed = {url_key("https://repo.example.edu/record/7"): Identifier("doi", "10.9999/seven")}
    asked: list[str] = []

    def lookup(key_hash: str) -> Identifier | None:
        asked.append(key_hash)
        if key_hash == url_key_hash("https://repo.example.edu/record/8"):
            return Identifier("doi", "10.9999/eight")
        return None

    tracker = DomainTracker(["repo.example.edu"], urls=listed, lookup=lookup)
    hits, _ = tracker.identifiers("http://www.repo.example.edu/record/7/")
    assert [(h.identifier.value, h.how) for h in hits] == [("10.9999/seven", "list")]
    assert asked == []
    hits, _ = tracker.identifiers("https://repo.example.edu/record/8")
    assert [h.identifier.value for h in hits] == ["10.9999/eight"]
    assert tracker.identifiers("https://repo.example.edu/record/9") == ([], [])
    assert tracker.identifiers("https://elsewhere.example.org/record/8") == ([], [])
    assert len(asked) == 2
