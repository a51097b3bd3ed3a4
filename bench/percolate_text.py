"""Benchmark: the percolator's text → identifier stage over a stream of Bluesky-like posts.

Generates (seeded, deterministic) posts shaped like Bluesky Jetstream commit messages — JSON
with ``did``, ``time_us``, ``kind: "commit"``, ``commit.record.text``, ``facets`` (link, mention
and tag features with UTF-8 byte slices; link text shortened the way the Bluesky app shows it)
and ``embed.external.uri`` — and runs, per message, what the Jetstream consumer will run before
anything touches the network or the database:

    message = orjson.loads(line)
    record = message["commit"]["record"]
    links = facet link URIs + embed URI
    Percolator().text_stage(record["text"], links)   # text-id, url-id, url-rule (+ domain-map)

The stream is generated lazily in batches (generation is not timed; parsing and matching are),
so memory must stay flat: the resident set size is sampled every ``--rss-every`` posts.

Peers, measured in the same run on a sample of the same messages (the first ``--sample`` of
the stream, kept before the memory baseline is taken):

- naive regexes: ten identifier regular expressions (DOI, arXiv old and new, PMID, PMCID, ISBN,
  Handle, NCT, PII, shortDOI) run over the text and every link of every post, with no rules;
- idutils: ``detect_identifier_schemes`` over every whitespace token of the text and links,
  then ``normalize_pid`` (how one would find identifiers in text with it).

Usage::

    .venv/bin/python bench/percolate_text.py                 # 1,000,000 posts, ~1 minute
    .venv/bin/python bench/percolate_text.py --posts 100000  # quick run
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import orjson

from altscope.percolate.pipeline import Percolator

SEED = 20240520
BATCH = 5_000

_WORD_TEXT = (
    "the be to of and a in that have it for not on with as you do at this but by from they we "
    "say or an will my one all would there what so up out if about who get which go me when "
    "make can like time no just know take people into year good some could them see other "
    "than then now look only come over think also back after use two how our work first well "
    "way even new want because any these give day most us lol omg wow today tonight coffee "
    "cat dog weekend music game love thanks friends city train rain sun "
    "research study paper science data results climate health patients model evidence "
    "analysis trial university team found shows published journal researchers findings "
    "cells brain species water cancer vaccine policy students learning review effect risk "
    "preprint thread read interesting important great amazing congrats colleagues lab grant"
)
_WORDS = _WORD_TEXT.split()
_EMOJI = ("🎉", "🔥", "😂", "🧵", "📄", "🙏", "✨", "🌍", "🧪", "❤️")
_TAGS = ("science", "AcademicSky", "research", "caturday", "art", "news", "climate", "openaccess")

# Links: (weight, url template, expected identifier or None). {n} is a number, {w} a word.
_LINKS: tuple[tuple[int, str, str | None], ...] = (
    (30, "https://www.theguardian.com/world/2024/may/{n}/{w}-{w}-{w}", None),
    (20, "https://www.youtube.com/watch?v=a{n}b", None),
    (12, "https://bsky.app/profile/someone{n}.bsky.social/post/3k{n}", None),
    (10, "https://www.nytimes.com/2024/05/{n}/science/{w}-{w}.html?smid=bs-share", None),
    (8, "https://github.com/user{n}/{w}", None),
    (6, "https://en.wikipedia.org/wiki/{W}_{W}", None),
    (5, "https://substack.com/@writer{n}/p-{n}", None),
    (3, "https://www.nature.com/articles/s41586-024-{n5}-{d}", "doi:10.1038/s41586-024-{n5}-{d}"),
    (3, "https://doi.org/10.1371/journal.pone.{n7}", "doi:10.1371/journal.pone.{n7}"),
    (2, "https://arxiv.org/abs/2405.{n5}", "arxiv:arXiv:2405.{n5}"),
    (2, "https://www.biorxiv.org/content/10.1101/2024.05.{n2}.{n6}v1",
     "doi:10.1101/2024.05.{n2}.{n6}"),
    (1, "https://pubmed.ncbi.nlm.nih.gov/3{n7}/", "pmid:3{n7}"),
    (1, "https://www.science.org/doi/10.1126/science.adk{n4}", "doi:10.1126/science.adk{n4}"),
    (1, "https://journals.plos.org/plosone/article?id=10.1371/journal.pone.{n7}",
     "doi:10.1371/journal.pone.{n7}"),
    (1, "https://zenodo.org/records/{n7}", "doi:10.5281/zenodo.{n7}"),
)  # fmt: skip
_LINK_WEIGHTS = [w for w, _, _ in _LINKS]
_TEXT_IDS = (
    ("new paper! doi:10.1016/j.cell.2024.0{n2}.0{n2}", "doi:10.1016/j.cell.2024.0{n2}.0{n2}"),
    ("preprint arXiv:2405.{n5} is out", "arxiv:arXiv:2405.{n5}"),
    ("PMID: 3{n7} worth a read", "pmid:3{n7}"),
)


def _fill(template: str, rng: random.Random) -> str:
    def word(_m: re.Match[str]) -> str:
        return rng.choice(_WORDS)

    text = template
    for key, digits in (("{n2}", 2), ("{n4}", 4), ("{n5}", 5), ("{n6}", 6), ("{n7}", 7)):
        while key in text:
            text = text.replace(key, str(rng.randrange(10 ** (digits - 1), 10**digits)), 1)
    while "{n}" in text:
        text = text.replace("{n}", str(rng.randrange(1, 100_000)), 1)
    while "{d}" in text:
        text = text.replace("{d}", str(rng.randrange(0, 10)), 1)
    while "{W}" in text:
        text = text.replace("{W}", rng.choice(_WORDS).capitalize(), 1)
    return re.sub(r"\{w\}", word, text)


def _display(url: str) -> str:
    """How the Bluesky app writes a link in the text: no scheme, cut after ~26 characters."""
    bare = url.split("://", 1)[1]
    return bare if len(bare) <= 30 else bare[:27] + "..."


@dataclass(slots=True)
class Post:
    line: bytes
    expected: tuple[str, ...]


def _message(rng: random.Random, number: int) -> Post:
    words = [rng.choice(_WORDS) for _ in range(rng.randrange(4, 40))]
    text = " ".join(words).capitalize()
    facets: list[dict] = []
    expected: list[str] = []
    embed = None

    def add_facet(fragment: str, feature: dict) -> None:
        nonlocal text
        start = len(text.encode()) + 1
        text = f"{text} {fragment}"
        facets.append(
            {
                "index": {"byteStart": start, "byteEnd": start + len(fragment.encode())},
                "features": [feature],
            }
        )

    roll = rng.random()
    if roll < 0.22:  # a link in the text (as a facet) and often as a card too
        weights = _LINK_WEIGHTS
        _, template, ident = rng.choices(_LINKS, weights=weights)[0]
        seed = rng.random()  # the same draws fill the URL and the identifier it names
        url = _fill(template, random.Random(seed))
        if ident:
            expected.append(_fill(ident, random.Random(seed)))
        add_facet(_display(url), {"$type": "app.bsky.richtext.facet#link", "uri": url})
        if rng.random() < 0.5:
            embed = {
                "$type": "app.bsky.embed.external",
                "external": {"uri": url, "title": " ".join(words[:6]), "description": ""},
            }
    elif roll < 0.24:  # an identifier written in the text
        template, ident = rng.choice(_TEXT_IDS)
        seed = rng.random()
        text = f"{text} {_fill(template, random.Random(seed))}"
        expected.append(_fill(ident, random.Random(seed)))
    if rng.random() < 0.15:
        add_facet(
            f"@friend{rng.randrange(1000)}.bsky.social",
            {"$type": "app.bsky.richtext.facet#mention", "did": f"did:plc:{rng.randrange(10**12)}"},
        )
    if rng.random() < 0.2:
        tag = rng.choice(_TAGS)
        add_facet(f"#{tag}", {"$type": "app.bsky.richtext.facet#tag", "tag": tag})
    if rng.random() < 0.3:
        text = f"{text} {rng.choice(_EMOJI)}"
    record: dict = {
        "$type": "app.bsky.feed.post",
        "createdAt": "2024-05-20T12:00:00.000Z",
        "langs": ["en"],
        "text": text,
    }
    if facets:
        record["facets"] = facets
    if embed:
        record["embed"] = embed
    message = {
        "did": f"did:plc:{rng.randrange(16**24):024x}",
        "time_us": 1716206400000000 + number * 2000,
        "kind": "commit",
        "commit": {
            "rev": f"3ks{number:010d}",
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": f"3ks{rng.randrange(16**10):010x}",
            "record": record,
            "cid": f"bafyreia{rng.randrange(16**20):020x}",
        },
    }
    return Post(orjson.dumps(message), tuple(expected))


def stream(posts: int, seed: int = SEED) -> Iterator[list[Post]]:
    """Batches of generated messages, ``posts`` in all (never all in memory at once)."""
    rng = random.Random(seed)
    made = 0
    while made < posts:
        size = min(BATCH, posts - made)
        yield [_message(rng, made + i) for i in range(size)]
        made += size


# --- what is measured ---------------------------------------------------------------------------


def links_of(record: dict) -> list[str]:
    links = [
        feature["uri"]
        for facet in record.get("facets", ())
        for feature in facet.get("features", ())
        if feature.get("$type") == "app.bsky.richtext.facet#link" and "uri" in feature
    ]
    embed = record.get("embed")
    if embed and embed.get("$type") == "app.bsky.embed.external":
        uri = embed.get("external", {}).get("uri")
        if uri:
            links.append(uri)
    return links


def altscope_stage(percolator: Percolator, line: bytes) -> list:
    record = orjson.loads(line)["commit"]["record"]
    return percolator.text_stage(record.get("text", ""), links_of(record)).matches


_NAIVE = [
    re.compile(p, re.I)
    for p in (
        r"\b10\.\d{4,9}/[^\s\"<>]+",  # DOI
        r"\barxiv:\s*\d{4}\.\d{4,5}(?:v\d+)?",
        r"arxiv\.org/(?:abs|pdf)/\d{4}\.\d{4,5}(?:v\d+)?",
        r"\b(?:[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?",  # old-style arXiv
        r"\bpmid:?\s*\d{1,8}\b|pubmed\.ncbi\.nlm\.nih\.gov/\d{1,8}",
        r"\bPMC\d{4,8}\b",
        r"\b(?:97[89][- ]?)?\d{1,5}[- ]?\d{1,7}[- ]?\d{1,7}[- ]?[\dX]\b",  # ISBN
        r"hdl\.handle\.net/\d+(?:\.\d+)*/\S+",
        r"\bNCT\d{8}\b",
        r"\bS\d{4}-?\d{3}[\dX]\(?\d{2}\)?\d{5}-?[\dX]\b",  # PII
    )
]


def naive_stage(line: bytes) -> int:
    record = orjson.loads(line)["commit"]["record"]
    found = 0
    for piece in (record.get("text", ""), *links_of(record)):
        for pattern in _NAIVE:
            found += len(pattern.findall(piece))
    return found


def idutils_stage(line: bytes) -> int:
    import idutils

    record = orjson.loads(line)["commit"]["record"]
    found = 0
    for piece in (record.get("text", ""), *links_of(record)):
        for token in piece.split():
            token = token.strip(".,;:!?()[]{}'\"")
            if not token:
                continue
            for scheme in idutils.detect_identifier_schemes(token):
                idutils.normalize_pid(token, scheme)
                found += 1
    return found


def rss_mb() -> float:
    """Resident set size of this process (Linux /proc), in MB."""
    with open("/proc/self/statm", "rb") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="posts the peers run on")
    parser.add_argument("--rss-every", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()

    percolator = Percolator()
    sample: list[bytes] = []
    rss: list[tuple[int, float]] = [(0, rss_mb())]
    timed = 0.0
    done = matched = planted = found_planted = 0
    gc.disable()
    try:
        for batch in stream(args.posts, args.seed):
            lines = [post.line for post in batch]
            start = time.perf_counter()
            results = [altscope_stage(percolator, line) for line in lines]
            timed += time.perf_counter() - start
            for post, matches in zip(batch, results, strict=True):
                if matches:
                    matched += 1
                got = {f"{m.identifier.scheme}:{m.identifier.value}".lower() for m in matches}
                for expected in post.expected:
                    planted += 1
                    found_planted += expected.lower() in got
            if len(sample) < args.sample:  # the peers' sample: the first posts of the stream
                sample.extend(lines[: args.sample - len(sample)])
            done += len(batch)
            if done % args.rss_every < BATCH:
                gc.collect()
                rss.append((done, rss_mb()))
            del batch, lines, results
    finally:
        gc.enable()

    rate = done / timed
    print(f"altscope text stage: {done:,} posts in {timed:.2f} s = {rate:,.0f} posts/s (one core)")
    print(f"  posts with a match: {matched:,}; planted identifiers found: ", end="")
    print(f"{found_planted:,}/{planted:,}")
    warm = [mb for n, mb in rss if n >= args.posts * 0.1] or [rss[-1][1]]
    print(
        f"  RSS: start {rss[0][1]:.1f} MB, after 10% {warm[0]:.1f} MB, end {rss[-1][1]:.1f} MB, "
        f"max {max(mb for _, mb in rss):.1f} MB (growth after warm-up "
        f"{rss[-1][1] - warm[0]:+.1f} MB over {len(warm)} samples)"
    )

    def measure(name: str, stage) -> float:
        gc.disable()
        try:
            start = time.perf_counter()
            for line in sample:
                stage(line)
            elapsed = time.perf_counter() - start
        finally:
            gc.enable()
        peer = len(sample) / elapsed
        print(
            f"{name}: {len(sample):,} posts = {peer:,.0f} posts/s; altscope is {rate / peer:.1f}x"
        )
        return peer

    measure("altscope on the sample", lambda line: altscope_stage(percolator, line))
    measure("naive regexes (10 patterns, no rules)", naive_stage)
    try:
        import idutils  # noqa: F401
    except ImportError:
        print("idutils: not installed (pip install idutils) - skipped")
    else:
        measure("idutils over tokens", idutils_stage)


if __name__ == "__main__":
    main()
