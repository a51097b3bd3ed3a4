"""The demo's made-up world, generated deterministically: outputs, people, posts and counts.

:func:`generate` returns the same :class:`DemoData` for the same ``seed`` and ``now``. Every time
is relative to ``now`` (publications over the last three years, attention decaying after
publication), so the timeline looks fresh whenever the demo is built. Nothing here touches the
database: :mod:`altscope.demo.pipeline` turns the posts into observations for the percolator.

Attention is heavy-tailed (a few outputs get a lot, many a little, some none) and two anomalies
are planted so that scoring's flags have something to find: a burst (three accounts posting
about one paper sixty times within an hour), a jump (one day, thirty-odd brand-new accounts
about one paper nobody else mentions) and a self-declared feed bot.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import Any

from altscope.demo import vocab
from altscope.demo.records import DemoActor, DemoData, DemoMetric, DemoOutput, DemoPost
from altscope.demo.writing import PostWriter, capitalise
from altscope.ids.checksums import ean13_check_digit, issn_check_digit, mod11_2_check_digit
from altscope.records import Author

__all__ = [
    "DEFAULT_SEED",
    "SOURCE_KINDS",
    "DemoActor",
    "DemoData",
    "DemoMetric",
    "DemoOutput",
    "DemoPost",
    "generate",
]

DEFAULT_SEED = 2026
GENERATED_OUTPUTS = 300
SOCIAL_POSTS = 6_400
BURST_POSTS = 60
JUMP_ACCOUNTS = 32

#: Every source kind the demo produces mentions for: key → (name, category).
SOURCE_KINDS: dict[str, tuple[str, str]] = {
    "twitter": ("X (Twitter)", "social_media"),
    "bluesky": ("Bluesky", "social_media"),
    "mastodon": ("Mastodon", "social_media"),
    "facebook": ("Facebook", "social_media"),
    "reddit": ("Reddit", "social_media"),
    "youtube": ("YouTube", "social_media"),
    "qna": ("Q&A (Stack Exchange)", "mentions"),
    "news": ("News", "mentions"),
    "blog": ("Blogs", "mentions"),
    "wikipedia": ("Wikipedia", "mentions"),
    "policy": ("Policy documents", "mentions"),
    "patent": ("Patents", "mentions"),
    "peer_review": ("Peer review", "mentions"),
    "f1000": ("F1000 / Faculty Opinions", "mentions"),
    "syllabus": ("Syllabi", "mentions"),
}

#: How social posts of an output split over the social networks.
SOCIAL_SPLIT = (
    ("twitter", 42),
    ("bluesky", 24),
    ("mastodon", 13),
    ("facebook", 11),
    ("reddit", 10),
)

#: Actors per source (who posts there).
POOL_SIZES = {
    "twitter": 1000,
    "bluesky": 560,
    "mastodon": 330,
    "facebook": 240,
    "reddit": 300,
    "youtube": 70,
    "qna": 120,
    "blog": 150,
    "wikipedia": 160,
    "peer_review": 60,
    "f1000": 40,
    "syllabus": 50,
}

#: Documents (each citing one or more outputs) per source, and how many outputs each cites.
DOCUMENTS = {
    "news": (420, 1, 1),
    "blog": (320, 1, 2),
    "youtube": (100, 1, 1),
    "qna": (140, 1, 2),
    "wikipedia": (300, 1, 2),
    "policy": (60, 1, 4),
    "patent": (60, 1, 3),
    "peer_review": (120, 1, 1),
    "f1000": (80, 1, 1),
    "syllabus": (40, 2, 6),
}

#: Which fields each document source favours (weight multipliers).
FIELD_AFFINITY = {
    "qna": {"cs": 4.0, "physics": 2.0, "social": 1.5},
    "policy": {"medicine": 4.0, "climate": 4.0, "social": 3.0, "ecology": 2.0},
    "patent": {"cs": 4.0, "physics": 3.0, "medicine": 2.0},
    "f1000": {"medicine": 4.0, "ecology": 2.0},
    "youtube": {"physics": 2.0, "climate": 2.0, "cs": 1.5},
}

#: The real, well-known outputs of ``demo_data/outputs.bib`` and what their posts link to.
REAL_OUTPUTS: tuple[tuple[str, str, tuple[str, ...], str, str, str | None, str, int], ...] = (
    # key, title, identifiers, field, type, journal, first author surname, year
    (
        "vaswani2017",
        "Attention Is All You Need",
        ("arxiv:1706.03762",),
        "cs",
        "posted-content",
        None,
        "Vaswani",
        2017,
    ),
    (
        "jumper2021",
        "Highly accurate protein structure prediction with AlphaFold",
        ("doi:10.1038/s41586-021-03819-2",),
        "mixed",
        "journal-article",
        "Nature",
        "Jumper",
        2021,
    ),
    (
        "lecun2015",
        "Deep learning",
        ("doi:10.1038/nature14539",),
        "cs",
        "journal-article",
        "Nature",
        "LeCun",
        2015,
    ),
    (
        "zhu2020",
        "A Novel Coronavirus from Patients with Pneumonia in China, 2019",
        ("doi:10.1056/NEJMoa2001017",),
        "medicine",
        "journal-article",
        "New England Journal of Medicine",
        "Zhu",
        2020,
    ),
    (
        "ioannidis2005",
        "Why Most Published Research Findings Are False",
        ("doi:10.1371/journal.pmed.0020124",),
        "medicine",
        "journal-article",
        "PLoS Medicine",
        "Ioannidis",
        2005,
    ),
    (
        "he2016",
        "Deep Residual Learning for Image Recognition",
        ("doi:10.1109/CVPR.2016.90", "arxiv:1512.03385"),
        "cs",
        "proceedings-article",
        None,
        "He",
        2016,
    ),
    (
        "atlas2012",
        "Observation of a new particle in the search for the Standard Model Higgs boson with the "
        "ATLAS detector at the LHC",
        ("doi:10.1016/j.physletb.2012.08.020", "arxiv:1207.7214"),
        "physics",
        "journal-article",
        "Physics Letters B",
        "ATLAS",
        2012,
    ),
    (
        "watson1953",
        "Molecular Structure of Nucleic Acids: A Structure for Deoxyribose Nucleic Acid",
        ("doi:10.1038/171737a0",),
        "mixed",
        "journal-article",
        "Nature",
        "Watson",
        1953,
    ),
    (
        "kahneman2011",
        "Thinking, Fast and Slow",
        ("isbn:9780374275631",),
        "social",
        "book",
        None,
        "Kahneman",
        2011,
    ),
)
#: Relative attention of the real outputs (the famous ones lead the demo's rankings).
REAL_ATTENTION = {
    "vaswani2017": 60.0,
    "jumper2021": 45.0,
    "lecun2015": 25.0,
    "zhu2020": 30.0,
    "ioannidis2005": 20.0,
    "he2016": 12.0,
    "atlas2012": 10.0,
    "watson1953": 8.0,
    "kahneman2011": 15.0,
}


# --- small helpers --------------------------------------------------------------------------


class Weighted:
    """Weighted choice over a fixed list, by bisecting cumulative weights."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1] if self.cum else 0.0

    def pick(self, rng: random.Random) -> Any:
        return self.items[min(bisect(self.cum, rng.random() * self.total), len(self.items) - 1)]


def orcid(rng: random.Random) -> str:
    """A checksum-valid ORCID iD in the range ORCID assigns."""
    digits = f"0000000{rng.randint(1, 3)}{rng.randint(0, 99_999_999):08d}"[:15]
    full = digits + mod11_2_check_digit(digits)
    return "-".join(full[i : i + 4] for i in range(0, 16, 4))


def issn(first7: str) -> str:
    """An ISSN with its check digit."""
    return f"{first7[:4]}-{first7[4:]}{issn_check_digit(first7)}"


def isbn13(rng: random.Random) -> str:
    """A checksum-valid ISBN-13 (978-1 group)."""
    first12 = f"9781{rng.randint(0, 99_999_999):08d}"
    return first12 + ean13_check_digit(first12)


def _person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(vocab.GIVEN_NAMES), rng.choice(vocab.FAMILY_NAMES)


# --- outputs --------------------------------------------------------------------------------


def _title(rng: random.Random, topic: dict[str, tuple[str, ...]]) -> tuple[str, str]:
    thing = rng.choice(topic["things"])
    method = rng.choice(topic["methods"])
    words = {
        "method": method,
        "method_l": method[:1].lower() + method[1:],
        "thing": thing,
        "Thing": capitalise(thing),
        "outcome": rng.choice(topic["outcomes"]),
        "context": rng.choice(topic["contexts"]),
    }
    return capitalise(rng.choice(vocab.TITLE_PATTERNS).format(**words)), thing


def _authors(rng: random.Random, count: int) -> tuple[Author, ...]:
    people = []
    for _ in range(count):
        given, family = _person(rng)
        people.append(
            Author(
                name=f"{given} {family}",
                given=given,
                family=family,
                orcid=orcid(rng) if rng.random() < 0.6 else None,
                affiliations=(rng.choice(vocab.UNIVERSITIES),),
            )
        )
    return tuple(people)


def _abstract(rng: random.Random, thing: str, topic: dict[str, tuple[str, ...]]) -> str:
    return (
        f"We study {thing} and its relation to {rng.choice(topic['outcomes'])} in "
        f"{rng.choice(topic['contexts'])}. Using data from {rng.randint(3, 90)} sites and "
        f"{rng.randint(200, 90_000):,} observations, we find "
        f"{rng.choice(('a robust', 'a modest', 'a surprising', 'no clear'))} association, with "
        f"implications for {rng.choice(topic['outcomes'])}."
    )


_TYPE_MIX = (
    ("journal-article", 190),
    ("posted-content", 50),
    ("dataset", 20),
    ("book", 15),
    ("book-chapter", 10),
    ("report", 15),
)
_PREPRINT_FIELDS = ("physics", "cs", "climate", "ecology", "social")


def _outputs(rng: random.Random, now: datetime, count: int) -> list[DemoOutput]:
    types = Weighted([t for t, _ in _TYPE_MIX], [w for _, w in _TYPE_MIX])
    fields = list(vocab.FIELDS)
    journals_by_field: dict[str, list[tuple[str, str, int, str]]] = {}
    for journal in vocab.JOURNALS:
        for name in fields if journal[1] == "mixed" else (journal[1],):
            journals_by_field.setdefault(name, []).append(journal)
    outputs: list[DemoOutput] = []
    titles: set[str] = {real[1].casefold() for real in REAL_OUTPUTS}
    books: list[DemoOutput] = []
    serial = 0
    while len(outputs) < count:
        kind = types.pick(rng)
        topic_name = rng.choice(_PREPRINT_FIELDS if kind == "posted-content" else fields)
        topic = vocab.FIELDS[topic_name]
        if kind == "book":
            thing = rng.choice(topic["things"])
            title = rng.choice(vocab.BOOK_TITLES).format(thing=thing, Thing=capitalise(thing))
        else:
            title, thing = _title(rng, topic)
        if kind == "book-chapter" and not books:
            continue
        if title.casefold() in titles:
            continue
        titles.add(title.casefold())
        serial += 1
        # Publication: over the last three years, a little more often recently.
        age = int(1095 * rng.random() ** 1.3)
        published = now.date() - timedelta(days=age)
        attention = 0.0 if rng.random() < 0.14 else rng.paretovariate(1.15)
        attention *= 1.6 if age < 120 else (1.0 if age < 500 else 0.6)
        authors = _authors(rng, rng.choice((1, 2, 3, 3, 4, 5, 6, 8)))
        common: dict[str, Any] = {
            "key": f"g{serial:04d}",
            "field": topic_name,
            "type": kind,
            "title": title,
            "published": published,
            "attention": round(attention, 4),
            "authors": authors,
            "subjects": topic["subjects"][:2],
            "abstract": _abstract(rng, thing, topic),
        }
        if kind == "journal-article" or kind == "report":
            journal = rng.choice(journals_by_field[topic_name])
            publisher, prefix = vocab.PUBLISHERS[journal[2]]
            abbreviation = "".join(w[0] for w in journal[0].split() if w[0].isupper()).lower()
            doi = f"{prefix}/{abbreviation}.{published.year}.{rng.randint(100, 99_999):05d}"
            ids = [f"doi:{doi}"]
            if topic_name in ("medicine", "ecology") and rng.random() < 0.7:
                ids.append(f"pmid:{rng.randint(90_000_000, 99_999_999)}")
                if rng.random() < 0.5:
                    ids.append(f"pmcid:PMC{rng.randint(90_000_000, 99_999_999)}")
            if kind == "report" or rng.random() < 0.1:
                repo_name, handle_prefix = rng.choice(vocab.REPOSITORIES)
                ids.append(f"handle:{handle_prefix}/{rng.randint(1000, 99_999)}")
            if kind == "report":
                ids = [ids[-1]]
                output = DemoOutput(
                    **common,
                    identifiers=tuple(ids),
                    publisher=repo_name,
                    url=f"https://hdl.handle.net/{ids[0][7:]}",
                )
            else:
                output = DemoOutput(
                    **common,
                    identifiers=tuple(ids),
                    container_title=journal[0],
                    issns=(issn(journal[3]),),
                    publisher=publisher,
                    url=f"https://doi.org/{doi}",
                )
        elif kind == "posted-content":
            arxiv = f"{published:%y%m}.{rng.randint(90_000, 99_999)}"
            output = DemoOutput(
                **common,
                identifiers=(f"arxiv:{arxiv}",),
                publisher="arXiv",
                url=f"https://arxiv.org/abs/{arxiv}",
            )
        elif kind == "dataset":
            name, prefix = vocab.DATA_REPOSITORY
            doi = f"{prefix}/cda.{rng.randint(100_000, 999_999)}"
            output = DemoOutput(
                **common, identifiers=(f"doi:{doi}",), publisher=name, url=f"https://doi.org/{doi}"
            )
        elif kind == "book":
            publisher, prefix = rng.choice(vocab.PUBLISHERS)
            isbn = isbn13(rng)
            ids = (f"isbn:{isbn}", f"doi:{prefix}/{isbn}")
            common["authors"] = authors[:2]
            output = DemoOutput(**common, identifiers=ids, publisher=publisher)
            books.append(output)
        else:  # book-chapter
            book = rng.choice(books)
            doi = f"{book.identifier('doi')}.ch{rng.randint(1, 14)}"
            if any(o.identifier("doi") == doi for o in outputs):
                continue
            output = DemoOutput(
                **{**common, "published": book.published},
                identifiers=(f"doi:{doi}",),
                container_title=book.title,
                publisher=book.publisher,
                url=f"https://doi.org/{doi}",
            )
        outputs.append(output)
    return outputs


def _real_outputs(now: datetime) -> list[DemoOutput]:
    return [
        DemoOutput(
            key=key,
            field=field_,
            type=kind,
            title=title,
            identifiers=ids,
            published=date(year, 6, 1),
            attention=REAL_ATTENTION[key],
            container_title=journal,
            authors=(Author(name=surname, family=surname),),
            real=True,
        )
        for key, title, ids, field_, kind, journal, surname, year in REAL_OUTPUTS
    ]


# --- actors ---------------------------------------------------------------------------------


def _location(rng: random.Random, countries: Weighted) -> tuple[str | None, str | None]:
    roll = rng.random()
    if roll < 0.08:
        return None, None
    if roll < 0.12:
        return rng.choice(vocab.VAGUE_LOCATIONS), None
    country = countries.pick(rng)
    return rng.choice(vocab.LOCATIONS[country]), country


def _profile(rng: random.Random, kind: str) -> str:
    topic_name = rng.choice(list(vocab.FIELDS))
    topic = vocab.FIELDS[topic_name]
    return rng.choice(vocab.PROFILES[kind]).format(
        field=topic["subjects"][0].lower(),
        topic=rng.choice(topic["things"]),
        univ=rng.choice(vocab.UNIVERSITIES),
    )


def _handle(rng: random.Random, given: str, family: str) -> str:
    style = rng.randrange(5)
    if style == 0:
        return f"{given}{family}".lower()
    if style == 1:
        return f"{given[0]}{family}".lower()
    if style == 2:
        return f"{given}_{family}{rng.randint(1, 99)}".lower()
    if style == 3:
        return f"dr{family}".lower() if rng.random() < 0.5 else f"{family}lab".lower()
    return f"{given.lower()}.{family.lower()}"


def _account_url(source: str, handle: str, host: str) -> str | None:
    return {
        "twitter": f"https://x.com/{handle}",
        "bluesky": f"https://bsky.app/profile/{handle}",
        "mastodon": f"https://{host}/@{handle.split('@')[0]}",
        "facebook": f"https://www.facebook.com/{handle}",
        "reddit": f"https://www.reddit.com/user/{handle}",
        "youtube": f"https://www.youtube.com/@{handle}",
        "wikipedia": f"https://en.wikipedia.org/wiki/User:{handle}",
    }.get(source)


def _pool(
    rng: random.Random, source: str, size: int, countries: Weighted, kinds: Weighted
) -> list[DemoActor]:
    actors: list[DemoActor] = []
    seen: set[str] = set()
    while len(actors) < size:
        given, family = _person(rng)
        handle = _handle(rng, given, family)
        host = rng.choice(vocab.MASTODON_HOSTS)
        if source == "bluesky":
            handle = f"{handle.replace('_', '-')}.bsky.social"
        elif source == "mastodon":
            handle = f"{handle.replace('.', '_')}@{host}"
        if handle in seen:
            continue
        seen.add(handle)
        kind = kinds.pick(rng)
        if source in ("peer_review", "f1000", "syllabus"):
            kind = "researcher"
        profile = _profile(rng, kind)
        kind = kind if profile else "unknown"  # an empty bio tells nothing
        location, country = _location(rng, countries)
        followers = int(rng.paretovariate(1.1) * (40 if kind == "public" else 150))
        actors.append(
            DemoActor(
                source=source,
                native_id=f"{source}:{len(actors) + 1:05d}",
                handle=handle,
                name=f"{given} {family}" if source != "reddit" else handle,
                profile=profile or None,
                location=location,
                kind=kind,
                country=country,
                followers=min(followers, 2_000_000),
                url=_account_url(source, handle, host),
            )
        )
    return actors


def _organisations(source: str, entries: Sequence[tuple[str, ...]]) -> list[DemoActor]:
    kind = "communicator" if source == "news" else "public"
    profiles = {
        "news": "Newsroom.",
        "policy": "Public body publishing policy.",
        "patent": "Patent applicant.",
    }
    actors = []
    for number, entry in enumerate(entries, 1):
        name, location = entry[0], entry[-1]
        actors.append(
            DemoActor(
                source=source,
                native_id=f"{source}:{number:05d}",
                handle=name,
                name=name,
                profile=profiles[source],
                location=location,
                kind=kind,
                country=None,
                followers=0,
                url=f"https://{entry[1]}/" if len(entry) == 3 else None,
            )
        )
    return actors


def _actors(rng: random.Random, scale: float) -> dict[str, list[DemoActor]]:
    codes = list(vocab.LOCATIONS)
    countries = Weighted(codes, [vocab.COUNTRY_WEIGHTS.get(c, 1) for c in codes])
    kinds = Weighted([k for k, _ in vocab.KIND_SHARES], [w for _, w in vocab.KIND_SHARES])
    pools = {
        source: _pool(rng, source, max(5, round(size * scale)), countries, kinds)
        for source, size in POOL_SIZES.items()
    }
    pools["news"] = _organisations("news", vocab.NEWS_OUTLETS)
    pools["policy"] = _organisations("policy", vocab.POLICY_BODIES)
    pools["patent"] = _organisations("patent", vocab.PATENT_ASSIGNEES)
    return pools


# --- posts ----------------------------------------------------------------------------------


def _published_at(output: DemoOutput) -> datetime:
    return datetime.combine(output.published, time(6), UTC)


def _when(rng: random.Random, output: DemoOutput, now: datetime, style: str) -> datetime:
    """When a mention of ``output`` happens: soon after publication, with a long tail."""
    # Published today: attention starts in the small hours (never after ``now``).
    start = min(_published_at(output), now - timedelta(hours=12))
    if output.real:  # old, famous: steady attention over the last year
        start = now - timedelta(days=365)
    span = max((now - start).total_seconds() - 3600, 60.0)
    if style == "late":  # wikipedia, policy, patents, syllabi: weeks to years later
        offset = span * (0.1 + 0.9 * rng.random()) if span > 60 * 86400 else span * rng.random()
    elif rng.random() < (0.78 if style == "social" else 0.6):
        mean = 5 * 86400 if style == "social" else 12 * 86400
        offset = min(rng.expovariate(1 / mean), span * rng.random())
    else:
        offset = span * rng.random()
    return (start + timedelta(seconds=int(offset))).replace(microsecond=0)


def _posts(
    rng: random.Random,
    scale: float,
    now: datetime,
    outputs: list[DemoOutput],
    pools: dict[str, list[DemoActor]],
    data: DemoData,
) -> None:
    writer = PostWriter(rng, {o.key: o for o in outputs})
    pickers = {
        source: Weighted(pool, [1.0 / (rank + 1) ** 0.5 for rank in range(len(pool))])
        for source, pool in pools.items()
    }
    splits = Weighted([s for s, _ in SOCIAL_SPLIT], [w for _, w in SOCIAL_SPLIT])
    total = sum(o.attention for o in outputs)
    social = SOCIAL_POSTS * scale
    cap = int(social // 14)
    for output in outputs:
        expected = social * output.attention / total
        count = min(int(expected + rng.random()), cap)
        for _ in range(count):
            source = splits.pick(rng)
            actor = pickers[source].pick(rng)
            data.posts.append(
                writer.social(source, actor, output, _when(rng, output, now, "social"))
            )
    for source, (count, least, most) in DOCUMENTS.items():
        affinity = FIELD_AFFINITY.get(source, {})
        weights = []
        for output in outputs:
            # Outputs nobody talks about are not cited either (except in peer review).
            weight = (output.attention + 0.3) * affinity.get(output.field, 1.0)
            if output.attention == 0:
                weight = 0.0
            if source == "syllabus" and output.type in ("book", "book-chapter"):
                weight *= 8
            if source in ("peer_review", "f1000"):
                weight = (output.attention + 0.5) ** 0.4 * affinity.get(output.field, 1.0)
                if output.type not in ("journal-article", "posted-content") or (
                    source == "f1000" and output.attention == 0
                ):
                    weight = 0.0
            weights.append(weight)
        choose = Weighted(outputs, weights)
        style = "late" if source in ("wikipedia", "policy", "patent", "syllabus") else "doc"
        for _ in range(max(2, round(count * scale))):
            cited: list[DemoOutput] = []
            for _ in range(rng.randint(least, most)):
                pick = choose.pick(rng)
                if pick not in cited:
                    cited.append(pick)
            actor = pickers[source].pick(rng)
            at = max(_when(rng, o, now, style) for o in cited)
            data.posts.append(writer.document(source, actor, cited, at))
    _plant_anomalies(rng, now, outputs, pools, data, writer)


def _plant_anomalies(
    rng: random.Random,
    now: datetime,
    outputs: list[DemoOutput],
    pools: dict[str, list[DemoActor]],
    data: DemoData,
    writer: PostWriter,
) -> None:
    """A burst from three accounts about one paper, and a feed bot posting every new paper."""
    made = [o for o in outputs if not o.real]

    def age(output: DemoOutput) -> int:
        return (now.date() - output.published).days

    # The burst: an article about six weeks old with a little organic attention.
    target = min(
        made,
        key=lambda o: (
            o.type != "journal-article",
            abs(age(o) - 40) + 20 * abs(o.attention - 1.5),
            o.key,
        ),
    )
    burst_actors = []
    for number, handle in enumerate(("truthwave_8812", "real_news_4471", "wakeup_now_2093"), 1):
        actor = DemoActor(
            source="twitter",
            native_id=f"twitter:burst{number}",
            handle=handle,
            name=handle.split("_")[0].title(),
            profile="Question everything.",
            location=None,
            kind="public",
            country=None,
            followers=rng.randint(3, 40),
            url=f"https://x.com/{handle}",
        )
        burst_actors.append(actor)
    for actor in burst_actors:  # established accounts: they posted before
        for _ in range(2):
            other = rng.choice(made)
            data.posts.append(
                writer.social("twitter", actor, other, _when(rng, other, now, "social"))
            )
    start = (now - timedelta(days=4)).replace(minute=0, second=0, microsecond=0)
    for i in range(BURST_POSTS):
        actor = burst_actors[i % 3]
        at = start + timedelta(seconds=rng.randint(0, 50 * 60))
        data.posts.append(writer.social("twitter", actor, target, at))
    # A jump: one day, dozens of brand-new accounts that mention nothing else.
    # The jump: an older article nobody else talks about.
    jumped = min(
        (o for o in made if o is not target),
        key=lambda o: (o.type != "journal-article", o.attention, age(o) < 60, o.key),
    )
    day = (now - timedelta(days=9)).replace(hour=0, minute=0, second=0, microsecond=0)
    fresh = []
    for number in range(1, JUMP_ACCOUNTS + 1):
        handle = f"user{rng.randint(10**7, 10**8 - 1)}"
        actor = DemoActor(
            source="twitter",
            native_id=f"twitter:fresh{number:02d}",
            handle=handle,
            name=handle,
            profile=None,
            location=None,
            kind="unknown",
            country=None,
            followers=rng.randint(0, 5),
            url=f"https://x.com/{handle}",
        )
        fresh.append(actor)
        at = day + timedelta(seconds=rng.randint(8 * 3600, 20 * 3600))
        data.posts.append(writer.social("twitter", actor, jumped, at))
    bot = DemoActor(
        source="twitter",
        native_id="twitter:bot1",
        handle="newpapers_bot",
        name="New Papers Bot",
        profile="Automated feed: every new paper in physics and computer science. "
        "I am a bot; replies are not monitored.",
        location=None,
        kind="unknown",
        country=None,
        followers=1850,
        url="https://x.com/newpapers_bot",
        bot=True,
    )
    fed = [o for o in outputs if not o.real and o.field in ("physics", "cs")]
    for output in fed:
        at = datetime.combine(output.published, time(6), UTC) + timedelta(
            minutes=rng.randint(5, 90)
        )
        at = min(at, now - timedelta(minutes=30))
        link = writer.link(output)
        n = writer.next_id()
        native = str(1_790_000_000_000_000_000 + n * 7919)
        data.posts.append(
            DemoPost(
                "twitter",
                native,
                bot.native_id,
                at,
                "text",
                f"New: {output.title} {link} #NewPaper",
                (output.key,),
                f"https://x.com/newpapers_bot/status/{native}",
            )
        )
    pools["twitter"] += [*burst_actors, *fresh, bot]
    data.anomalies = {
        "burst": {
            "output": target.key,
            "actors": [a.native_id for a in burst_actors],
            "posts": BURST_POSTS,
            "at": start.isoformat(),
        },
        "jump": {
            "output": jumped.key,
            "actors": [a.native_id for a in fresh],
            "posts": len(fresh),
            "day": day.date().isoformat(),
        },
        "bot": {"actor": bot.native_id, "posts": len(fed)},
    }


# --- metrics --------------------------------------------------------------------------------


def _months_back(day: date, count: int) -> list[str]:
    months, year, month = [], day.year, day.month
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def _metrics(rng: random.Random, now: datetime, outputs: list[DemoOutput]) -> list[DemoMetric]:
    metrics: list[DemoMetric] = []
    earlier = now - timedelta(days=30)
    for output in outputs:
        if output.real:
            continue
        age_days = (now.date() - output.published).days
        pull = output.attention + 0.5
        readers = int(pull * rng.uniform(8, 30) + age_days / 30 * rng.uniform(0.5, 3))
        if output.type != "dataset":
            for when, share in ((earlier, 0.85), (now, 1.0)):
                metrics.append(
                    DemoMetric(
                        output.key,
                        "mendeley",
                        "readers",
                        when.date().isoformat(),
                        int(readers * share),
                        when,
                    )
                )
        if output.identifier("doi"):
            citations = int(age_days / 365 * pull**0.6 * rng.uniform(1, 6))
            for when, share in ((earlier, 0.9), (now, 1.0)):
                metrics.append(
                    DemoMetric(
                        output.key,
                        "crossref",
                        "citations",
                        when.date().isoformat(),
                        int(citations * share),
                        when,
                    )
                )
        if output.type != "posted-content":
            months = min(12, age_days // 30 + 1)
            base = pull * rng.uniform(40, 140)
            for back, period in enumerate(_months_back(now.date(), months)):
                recency = 0.75 ** max(months - 1 - back - 2, 0) if months < 12 else 0.9**back
                views = int(base * recency * rng.uniform(0.7, 1.3)) + rng.randint(0, 9)
                metrics.append(DemoMetric(output.key, "counter", "views", period, views, now))
                metrics.append(
                    DemoMetric(
                        output.key,
                        "counter",
                        "downloads",
                        period,
                        int(views * rng.uniform(0.1, 0.35)),
                        now,
                    )
                )
    return metrics


# --- the whole world ------------------------------------------------------------------------


def generate(seed: int = DEFAULT_SEED, now: datetime | None = None, scale: float = 1.0) -> DemoData:
    """The demo world for ``seed``, with every time relative to ``now`` (timezone-aware).

    Deterministic: the same seed, ``now`` and ``scale`` give equal data. Without ``now``, the
    start of the current UTC day. ``scale`` shrinks (or grows) the numbers of outputs, people
    and posts (tests use a small world); the planted anomalies are always there.
    """
    if now is None:
        today = datetime.now(UTC).date()
        now = datetime.combine(today, time(0), UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (UTC)")
    now = now.astimezone(UTC)
    data = DemoData(seed=seed, now=now)
    made = _outputs(
        random.Random(f"{seed}:outputs"), now, max(30, round(GENERATED_OUTPUTS * scale))
    )
    data.outputs = [*_real_outputs(now), *made]
    pools = _actors(random.Random(f"{seed}:actors"), scale)
    _posts(random.Random(f"{seed}:posts"), scale, now, data.outputs, pools, data)
    data.actors = {(a.source, a.native_id): a for pool in pools.values() for a in pool}
    data.posts.sort(key=lambda p: (p.occurred_at, p.source, p.native_id))
    data.metrics = _metrics(random.Random(f"{seed}:metrics"), now, data.outputs)
    return data
