"""A small, realistic database for the web tests: outputs known by DOI, PMID, arXiv, ISBN and
Handle; sources, actors (with kinds and countries), mentions (one removed, one flagged), reader
counts, groups; then scored by altscope.scoring."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from altscope import ids, scoring
from altscope.records import Author, OutputMetadata
from altscope.store.actors import upsert_actor
from altscope.store.db import transaction
from altscope.store.mentions import add_mention, remove_mentions
from altscope.store.metrics import record_metric
from altscope.store.outputs import upsert_output
from altscope.store.schema import Group, MentionFlag
from altscope.store.sources import SourceInfo, ensure_sources
from altscope.store.types import utcnow

SOURCES = (
    SourceInfo("bluesky", "Bluesky", "social_media", "bluesky"),
    SourceInfo("mastodon", "Mastodon", "social_media", "mastodon"),
    SourceInfo("reddit", "Reddit", "social_media", "reddit"),
    SourceInfo("news", "News", "mentions", "news"),
    SourceInfo("blog", "Blogs", "mentions", "blog"),
    SourceInfo("wikipedia", "Wikipedia", "mentions", "wikipedia"),
)

SPECIES_DOI = "10.1038/news.2011.490"
LANCET_DOI = "10.1016/S0140-6736(11)61619-x"
LANCET_PMID = "21148220"
SICI_DOI = "10.1002/(SICI)1097-4636(199706)35:4<485::AID-JBM8>3.0.CO;2-A"
ARXIV = "1108.2455"
ISBN = "978-3-319-25557-6"
HANDLE = "2022/14471"
SILENT_DOI = "10.5555/silent.output"
EVIL_TITLE = '<script>alert("x")</script> & "quotes"'


def _ids(*pairs: tuple[str, str]) -> list[ids.Identifier]:
    return [ids.parse(value, scheme) for scheme, value in pairs]


def build(engine: Engine) -> dict[str, int]:
    """Fill the database; returns output ids by name."""
    now = utcnow()
    day = timedelta(days=1)
    out: dict[str, int] = {}
    with transaction(engine) as session:
        ensure_sources(session, SOURCES)
        species = upsert_output(
            session,
            _ids(("doi", SPECIES_DOI)),
            OutputMetadata(
                provider="test",
                title="Number of species on Earth tagged at 8.7 million",
                authors=[Author("Lucas Mora", orcid="0000-0002-1825-0097"), Author("Ann Other")],
                container_title="Nature News",
                issns=["0028-0836", "1476-4687"],
                publisher="Springer Nature",
                type="journal-article",
                published=date(2011, 8, 23),
                subjects=["science"],
                url="https://www.nature.com/news/2011/110823/full/news.2011.498.html",
            ),
        )
        lancet = upsert_output(
            session,
            _ids(("doi", LANCET_DOI), ("pmid", LANCET_PMID)),
            OutputMetadata(
                provider="test",
                title=EVIL_TITLE,
                container_title="The Lancet",
                issns=["0140-6736"],
                type="journal-article",
                published=date(2011, 12, 1),
            ),
        )
        sici = upsert_output(
            session,
            _ids(("doi", SICI_DOI)),
            OutputMetadata(provider="test", title="A SICI DOI", type="journal-article"),
        )
        preprint = upsert_output(
            session,
            _ids(("arxiv", ARXIV)),
            OutputMetadata(provider="test", title="A preprint", type="posted-content"),
        )
        book = upsert_output(
            session,
            _ids(("isbn", ISBN)),
            OutputMetadata(
                provider="test", title="A book", type="book", published=date(2016, 1, 1)
            ),
        )
        thesis = upsert_output(
            session,
            _ids(("handle", HANDLE)),
            OutputMetadata(provider="test", title="A thesis", type="dissertation"),
        )
        silent = upsert_output(
            session, _ids(("doi", SILENT_DOI)), OutputMetadata(provider="test", title="Quiet")
        )
        out.update(
            species=species.id,
            lancet=lancet.id,
            sici=sici.id,
            preprint=preprint.id,
            book=book.id,
            thesis=thesis.id,
            silent=silent.id,
        )

        alice = upsert_actor(session, "bluesky", "did:plc:alice", handle="alice.bsky.social",
                             name="Alice <b>Researcher</b>", country="GB")  # fmt: skip
        bob = upsert_actor(session, "bluesky", "did:plc:bob", handle="bob.bsky.social",
                           name="Bob", country="US")  # fmt: skip
        carol = upsert_actor(session, "reddit", "carol", handle="carol", name="carol")
        times = iter(range(1, 100))

        def mention(output, source, actor=None, url=None, hours=None, **kw):
            n = next(times)
            return add_mention(
                session,
                output,
                source,
                native_id=f"{source}-{n}",
                url=url or f"https://example.org/{source}/{n}",
                occurred_at=now - (timedelta(hours=hours) if hours is not None else n * day),
                actor=actor,
                title=kw.pop("title", f"Post {n}"),
                snippet=kw.pop("snippet", f"About {SPECIES_DOI}"),
                match_method=kw.pop("match_method", "doi_in_text"),
                match_verification=kw.pop("match_verification", "identifier"),
            )[0]

        flagged = mention(species, "bluesky", alice, hours=2)
        mention(species, "bluesky", alice, hours=30)
        mention(species, "bluesky", bob)
        mention(species, "news", url="https://news.example/story")
        mention(species, "wikipedia", url="https://en.wikipedia.org/wiki/Species")
        mention(species, "blog")
        mention(lancet, "reddit", carol)
        mention(lancet, "reddit", carol)
        mention(sici, "news")
        mention(preprint, "mastodon")
        gone = mention(preprint, "mastodon")
        mention(book, "news")
        mention(thesis, "blog")
        mention(thesis, "bluesky", bob)
        remove_mentions(session, "mastodon", gone.native_id)

        record_metric(session, species, "mendeley", "readers", 40,
                      observed_at=datetime(2024, 5, 1, tzinfo=UTC))  # fmt: skip
        record_metric(session, species, "mendeley", "readers", 42,
                      observed_at=datetime(2024, 6, 1, tzinfo=UTC))  # fmt: skip
        record_metric(session, species, "repository", "downloads", 7, period="2024-05")
        record_metric(session, species, "repository", "downloads", 5, period="2024-06")

        biology = Group(kind="department", name="Biology", external_key="bio")
        lab = Group(kind="lab", name="Lab A", external_key="lab-a", parent=biology)
        session.add_all([biology, lab])
        session.flush()
        biology.outputs.extend([species, lancet, preprint])
        lab.outputs.append(species)
        out.update(biology=biology.id, lab=lab.id, flagged_mention=flagged.id)

    scoring.rescore(engine)
    with transaction(engine) as session:
        from altscope.scoring.rules import default_version

        version = default_version()
        if session.get(MentionFlag, (flagged.id, version)) is None:
            session.add(
                MentionFlag(
                    mention_id=flagged.id,
                    rules_version=version,
                    kind="bot",
                    reason="posted 40 links in an hour",
                )
            )
    return out
