"""Benchmark: altscope.ids.find_identifiers against idutils and refextract.

Generates (seeded, deterministic) a corpus of realistic posts — tweets/toots, blog and news
paragraphs, Reddit comments, with URLs, hashtags, numbers, emoji and some HTML — of which about 2%
carry an identifier in one of many spellings. Measures MB/s on one core for:

- altscope per post: ``find_identifiers(post)`` once per post (``html=True`` for HTML posts);
- altscope batch: ``find_identifiers_many(batch)`` on batches of 1,000 consecutive posts (a
  Jetstream read, a page of search results), each split into its plain and its HTML posts (HTML
  with ``html=True``; the split is not timed) — one Hyperscan scan per batch;
- altscope bulk: ``find_identifiers(chunk)`` on ~1 MB chunks of posts joined by newlines (plain
  and HTML posts in separate chunks, HTML chunks with ``html=True``), as a dump, wikitext or log
  would be scanned — the same function;
- idutils: ``detect_identifier_schemes`` over whitespace tokens (how one finds ids in text with it);
- refextract: its DOI/arXiv regular expressions (the cheap part of its reference parser) and,
  on a sample, ``extract_references_from_string``.

and checks recall: every planted identifier must be found. Only the tools' own calls are timed
(best of three for altscope), with the garbage collector off; turning results into sets of values
for the recall check is not. Usage::

    .venv/bin/python bench/find_identifiers.py --size-mb 100
    .venv/bin/python bench/find_identifiers.py --size-mb 5      # quick run

The corpus is generated in memory (nothing is written unless ``--save`` is given, to bench/data/).
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from altscope.ids import Found, find_identifiers, find_identifiers_many

SEED = 20240501
IDENTIFIER_SHARE = 0.02
CHUNK_BYTES = 1_000_000  # bulk mode: posts joined into chunks of about this size
BATCH_POSTS = 1_000  # batch mode: posts per batch

_WORD_TEXT = (
    "the be to of and a in that have it for not on with he as you do at this but his by from "
    "they we say her she or an will my one all would there their what so up out if about who "
    "get which go me when make can like time no just him know take people into year your good "
    "some could them see other than then now look only come its over think also back after "
    "use two how our work first well way even new want because any these give day most us "
    "research study paper science data results climate health patients model evidence "
    "analysis trial university team found shows published journal researchers new findings "
    "cells brain species water cancer vaccine policy students learning review effect risk "
    "higher lower years million percent global open access preprint thread read interesting "
    "important great amazing congrats colleagues lab grant talk"
)
_WORDS = tuple(_WORD_TEXT.split())
_NAMES = ("Alex", "Sam", "Jordan", "Taylor", "Morgan", "Riley", "Casey", "Jamie", "Robin", "Kim")
_HOSTS = (
    "t.co", "bit.ly", "www.nytimes.com", "www.theguardian.com", "www.bbc.co.uk", "github.com",
    "www.youtube.com", "en.wikipedia.org", "medium.com", "www.reddit.com", "substack.com",
    "www.nature.com", "www.science.org", "phys.org", "www.eurekalert.org", "imgur.com",
)  # fmt: skip
_EMOJI = ("😀", "🎉", "🔥", "👏", "🧪", "📈", "🤔", "❤️", "🙌", "✨", "😂", "🚀")
_TAGS = ("#science", "#OpenAccess", "#AcademicTwitter", "#phdlife", "#climate", "#AI", "#news")


@dataclass(frozen=True)
class Planted:
    """An identifier planted in a post: scheme, altscope normal form, and the spelling used."""

    scheme: str
    value: str
    spelling: str


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _isbn13(rng: random.Random) -> str:
    from altscope.ids.checksums import ean13_check_digit

    body = "978" + _digits(rng, 9)
    return body + ean13_check_digit(body)


def _orcid(rng: random.Random) -> str:
    from altscope.ids.checksums import mod11_2_check_digit

    body = "0000000" + rng.choice("123") + _digits(rng, 7)
    digits = body + mod11_2_check_digit(body)
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def make_identifier(rng: random.Random) -> Planted:
    """One identifier in a random spelling, with the value altscope should find."""
    kind = rng.choices(
        ("doi", "doi", "doi", "doi", "arxiv", "pmid", "pmcid", "isbn", "orcid", "nct", "handle"),
    )[0]
    if kind == "doi":
        prefix = rng.choice(("10.1038", "10.1371", "10.1016", "10.1126", "10.1101", "10.3389"))
        suffix = rng.choice(
            (
                f"s41586-0{_digits(rng, 2)}-{_digits(rng, 5)}-{_digits(rng, 1)}",
                f"journal.pone.{_digits(rng, 7)}",
                f"j.cell.{_digits(rng, 4)}.{_digits(rng, 2)}.{_digits(rng, 3)}",
                f"science.abc{_digits(rng, 4)}",
                f"{_digits(rng, 4)}.{_digits(rng, 2)}.{_digits(rng, 2)}.{_digits(rng, 6)}",
                f"fpsyg.{_digits(rng, 4)}.{_digits(rng, 5)}",
            )
        )
        doi = f"{prefix}/{suffix}"
        spelling = rng.choice(
            (
                f"https://doi.org/{doi}",
                f"doi:{doi}",
                f"DOI: {doi}",
                doi,
                f"http://dx.doi.org/{doi}",
                f"https://doi.org/{doi}?utm_source=twitter&utm_medium=social",
                f"({doi})",
                f"https://www.example-journal.com/doi/full/{doi}",
                f"{doi}.",
                f"https://doi.org/{doi.replace('/', '%2F')}",
            )
        )
        return Planted("doi", doi.lower(), spelling)
    if kind == "arxiv":
        ident = f"{rng.randint(15, 24):02d}{rng.randint(1, 12):02d}.{_digits(rng, 5)}"
        version = rng.choice(("", "", "v2"))
        spelling = rng.choice(
            (f"arXiv:{ident}", f"https://arxiv.org/abs/{ident}", f"arxiv.org/pdf/{ident}")
        )
        return Planted("arxiv", f"arXiv:{ident}{version}", spelling + version)
    if kind == "pmid":
        pmid = str(rng.randint(10_000_000, 39_999_999))
        spelling = rng.choice(
            (f"PMID: {pmid}", f"PMID {pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/")
        )
        return Planted("pmid", pmid, spelling)
    if kind == "pmcid":
        pmc = f"PMC{rng.randint(1_000_000, 9_999_999)}"
        spelling = rng.choice((pmc, f"https://www.ncbi.nlm.nih.gov/pmc/articles/{pmc}/"))
        return Planted("pmcid", pmc, spelling)
    if kind == "isbn":
        isbn = _isbn13(rng)
        hyphenated = f"{isbn[:3]}-{isbn[3]}-{isbn[4:7]}-{isbn[7:12]}-{isbn[12]}"
        spelling = rng.choice((f"ISBN {hyphenated}", f"ISBN: {isbn}", f"ISBN-13 {hyphenated}"))
        return Planted("isbn", isbn, spelling)
    if kind == "orcid":
        orcid = _orcid(rng)
        return Planted("orcid", orcid, rng.choice((f"https://orcid.org/{orcid}", orcid)))
    if kind == "nct":
        nct = f"NCT0{_digits(rng, 7)}"
        return Planted("nct", nct, nct)
    handle = f"{rng.randint(1000, 20000)}/{_digits(rng, 5)}"
    return Planted(
        "handle", handle, rng.choice((f"hdl:{handle}", f"https://hdl.handle.net/{handle}"))
    )


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    for _ in range(rng.randint(0, 2)):
        words.insert(
            rng.randrange(len(words)),
            rng.choice(
                (
                    str(rng.randint(2, 2025)),
                    f"{rng.randint(1, 99)}%",
                    f"${rng.randint(1, 99)}.{rng.randint(10, 99)}",
                    f"{rng.randint(1, 12)}:{rng.randint(10, 59)}pm",
                    f"10.{rng.randint(1, 9)}",
                    rng.choice(_NAMES),
                )
            ),
        )
    return " ".join(words) + rng.choice((".", ".", "!", "?", ":"))


def _url(rng: random.Random) -> str:
    host = rng.choice(_HOSTS)
    path = "".join(rng.choice("abcdefghijkmnopqrstuvwxyzABCDEFGH0123456789") for _ in range(10))
    return f"https://{host}/{path}"


def make_post(rng: random.Random, planted: Planted | None) -> tuple[str, bool]:
    """A post of a random genre; returns (text, is_html)."""
    genre = rng.choices(("tweet", "toot", "blog", "reddit"), weights=(5, 2, 2, 3))[0]
    if genre in ("tweet", "toot"):
        parts = [_sentence(rng, rng.randint(6, 22))]
        if rng.random() < 0.5:
            parts.append(rng.choice(_EMOJI))
        if rng.random() < 0.6:
            parts.append(_url(rng))
        parts.extend(rng.sample(_TAGS, rng.randint(0, 2)))
        if rng.random() < 0.3:
            parts.insert(0, f"@{rng.choice(_NAMES).lower()}{rng.randint(1, 999)}")
    elif genre == "blog":
        parts = [_sentence(rng, rng.randint(8, 25)) for _ in range(rng.randint(3, 8))]
        if rng.random() < 0.5:
            parts.insert(rng.randrange(len(parts)), _url(rng))
    else:
        parts = [_sentence(rng, rng.randint(5, 20)) for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.3:
            parts.append(f"[source]({_url(rng)})")
    if planted is not None:
        parts.insert(rng.randrange(len(parts) + 1), planted.spelling)
    text = " ".join(parts)
    is_html = genre == "toot" or (genre == "blog" and rng.random() < 0.3)
    if is_html:
        linked = text.replace(" #", ' <a href="#" class="hashtag">#')
        text = f"<p>{linked}</p>"
        text = text.replace("&", "&amp;")
    return text, is_html


def make_corpus(
    size_mb: float, seed: int = SEED
) -> tuple[list[str], list[bool], list[Planted | None]]:
    """Posts until ``size_mb`` MB of UTF-8; ~2% carry a planted identifier."""
    rng = random.Random(seed)
    posts: list[str] = []
    html_flags: list[bool] = []
    planted: list[Planted | None] = []
    total = 0
    limit = size_mb * 1_000_000
    while total < limit:
        ident = make_identifier(rng) if rng.random() < IDENTIFIER_SHARE else None
        text, is_html = make_post(rng, ident)
        posts.append(text)
        html_flags.append(is_html)
        planted.append(ident)
        total += len(text.encode())
    return posts, html_flags, planted


# --- the tools ---------------------------------------------------------------------------------


def run_altscope(texts: list[str], html_flags: list[bool]) -> list[list[Found]]:
    return [find_identifiers(t, html=h) for t, h in zip(texts, html_flags, strict=True)]


Batch = tuple[list[str], bool, list[int]]  # texts, html, their indexes in the corpus


def make_batches(posts: list[str], html_flags: list[bool]) -> list[Batch]:
    """Batches of BATCH_POSTS consecutive posts, each split into plain and HTML posts."""
    batches = []
    for start in range(0, len(posts), BATCH_POSTS):
        for html in (False, True):
            indexes = [
                i
                for i in range(start, min(start + BATCH_POSTS, len(posts)))
                if html_flags[i] == html
            ]
            batches.append(([posts[i] for i in indexes], html, indexes))
    return batches


def run_altscope_batches(batches: list[Batch]) -> list[list[list[Found]]]:
    return [find_identifiers_many(texts, html=html) for texts, html, _ in batches]


def _batch_values(batches: list[Batch], found: list[list[list[Found]]], n: int) -> list[set[str]]:
    values: list[set[str]] = [set() for _ in range(n)]
    for (_, _, indexes), batch_found in zip(batches, found, strict=True):
        for i, fs in zip(indexes, batch_found, strict=True):
            values[i] = {f.identifier.value for f in fs}
    return values


def _values(found: list[list[Found]]) -> list[set[str]]:
    return [{f.identifier.value for f in fs} for fs in found]


def make_chunks(
    posts: list[str], html_flags: list[bool], planted: list[Planted | None]
) -> tuple[list[str], list[bool], list[list[Planted]]]:
    """Posts joined by newlines into chunks of about CHUNK_BYTES, plain and HTML posts apart;
    returns (chunks, html flags, identifiers planted in each chunk)."""
    chunks: list[str] = []
    flags: list[bool] = []
    plants: list[list[Planted]] = []
    for html in (False, True):
        current: list[str] = []
        current_plants: list[Planted] = []
        size = 0
        for post, flag, plant in zip(posts, html_flags, planted, strict=True):
            if flag != html:
                continue
            current.append(post)
            if plant is not None:
                current_plants.append(plant)
            size += len(post.encode()) + 1
            if size >= CHUNK_BYTES:
                chunks.append("\n".join(current))
                flags.append(html)
                plants.append(current_plants)
                current, current_plants, size = [], [], 0
        if current:
            chunks.append("\n".join(current))
            flags.append(html)
            plants.append(current_plants)
    return chunks, flags, plants


def run_idutils(posts: list[str]) -> list[set[str]]:
    from idutils import detect_identifier_schemes, normalize_pid

    out = []
    for post in posts:
        found = set()
        for token in post.split():
            token = token.strip(".,;:!?()[]<>\"'")
            if not token:
                continue
            schemes = detect_identifier_schemes(token)
            if schemes:
                try:
                    found.add(normalize_pid(token, schemes[0]))
                except Exception:
                    found.add(token)
        out.append(found)
    return out


def _refextract_finders() -> Callable[[str], set[str]]:
    from refextract.references import regexs

    doi_re = regexs.re_doi
    arxiv_res = [regexs.re_arxiv_5digits, regexs.re_arxiv, regexs.re_new_arxiv_5digits]

    def find(post: str) -> set[str]:
        found = {m.group("doi") for m in doi_re.finditer(post)}
        upper = post.upper()  # refextract matches arXiv ids on upper-cased lines
        for pattern in arxiv_res:
            for m in pattern.finditer(upper):
                found.add(f"{m.group('year')}{m.group('month')}.{m.group('num')}")
        return found

    return find


def run_refextract_regex(posts: list[str]) -> list[set[str]]:
    find = _refextract_finders()
    return [find(p) for p in posts]


def run_refextract_full(posts: list[str]) -> list[set[str]]:
    from refextract import extract_references_from_string

    out = []
    for post in posts:
        found = set()
        for ref in extract_references_from_string(post):
            for key in ("doi", "arxiv", "isbn", "url"):
                found.update(ref.get(key, []))
        out.append(found)
    return out


def _found_value(plant: Planted, values: set[str]) -> bool:
    """Values compare case-insensitively, arXiv ids with or without their label."""
    want = plant.value.lower()
    bare = want.removeprefix("arxiv:")
    return want in values or bare in values or any(bare in v for v in values)


def _recall(found: list[set[str]], planted: list[list[Planted]]) -> tuple[float, list[Planted]]:
    """Share of planted identifiers found (per text: the ones planted in it), and the missed."""
    missed: list[Planted] = []
    total = 0
    for got, plants in zip(found, planted, strict=True):
        values = {v.lower() for v in got}
        total += len(plants)
        missed.extend(p for p in plants if not _found_value(p, values))
    return (1 - len(missed) / total if total else 1.0), missed


def _timed(fn: Callable[[], list[Any]], repeat: int = 1) -> tuple[list[Any], float]:
    """Run ``fn`` ``repeat`` times and keep the best time, with the garbage collector off (as
    timeit does): with ~0.5 M posts alive, every full collection would walk the whole corpus and
    dominate what is measured."""
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            result = fn()
            best = min(best, time.perf_counter() - start)
        return result, best
    finally:
        gc.enable()


def _mb(texts: list[str]) -> float:
    return sum(len(t.encode()) for t in texts) / 1e6


@dataclass
class Row:
    name: str
    mb: float
    seconds: float
    recall: float

    @property
    def mbs(self) -> float:
        return self.mb / self.seconds


def measure_altscope(
    posts: list[str], html_flags: list[bool], planted: list[Planted | None], label: str
) -> tuple[list[Row], list[Planted]]:
    """altscope per post, in batches, then in bulk (all chunks, plain chunks, HTML chunks), over
    the same posts; returns the rows and what was missed."""
    found, secs = _timed(lambda: run_altscope(posts, html_flags), repeat=3)
    recall, missed = _recall(_values(found), [[p] if p else [] for p in planted])
    rows = [Row(f"altscope per post ({label})", _mb(posts), secs, recall)]
    batches = make_batches(posts, html_flags)
    found, secs = _timed(lambda: run_altscope_batches(batches), repeat=3)
    recall, batch_missed = _recall(
        _batch_values(batches, found, len(posts)), [[p] if p else [] for p in planted]
    )
    missed += batch_missed
    rows.append(Row(f"altscope batch, {BATCH_POSTS:,} posts ({label})", _mb(posts), secs, recall))
    chunks, chunk_flags, chunk_plants = make_chunks(posts, html_flags, planted)
    parts = []
    all_missed: list[Planted] = []
    for html in (False, True):
        texts = [c for c, f in zip(chunks, chunk_flags, strict=True) if f == html]
        plants = [p for p, f in zip(chunk_plants, chunk_flags, strict=True) if f == html]
        flags = [html] * len(texts)
        found, secs = _timed(lambda: run_altscope(texts, flags), repeat=3)  # noqa: B023
        recall, part_missed = _recall(_values(found), plants)
        all_missed += part_missed
        parts.append(
            Row(f"  of which {'HTML' if html else 'plain'} chunks", _mb(texts), secs, recall)
        )
    n_planted = sum(len(p) for p in chunk_plants)
    rows.append(
        Row(
            f"altscope bulk, 1 MB chunks ({label})",
            sum(r.mb for r in parts),
            sum(r.seconds for r in parts),
            1 - len(all_missed) / n_planted if n_planted else 1.0,
        )
    )
    return rows + parts, missed + all_missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=100.0, help="corpus size (default 100)")
    parser.add_argument(
        "--sample-mb", type=float, default=5.0, help="sample size for the slow tools (default 5)"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--save", action="store_true", help="also write the corpus to bench/data/")
    args = parser.parse_args()

    t0 = time.perf_counter()
    posts, html_flags, planted = make_corpus(args.size_mb, args.seed)
    size = _mb(posts)
    n_planted = sum(p is not None for p in planted)
    print(
        f"corpus: {len(posts):,} posts, {size:.1f} MB, {n_planted:,} with an identifier "
        f"({n_planted / len(posts):.1%}), {sum(html_flags):,} HTML; generated in "
        f"{time.perf_counter() - t0:.1f}s (seed {args.seed})"
    )
    if args.save:
        data = Path(__file__).parent / "data"
        data.mkdir(exist_ok=True)
        (data / f"posts-{args.seed}-{args.size_mb:g}mb.txt").write_text(
            "\n\x1e\n".join(posts), "utf-8"
        )

    # A sample (every k-th post, so planted ids are kept proportionally) for the slow tools.
    step = max(1, round(size / args.sample_mb))
    sample = list(range(0, len(posts), step))
    s_posts = [posts[i] for i in sample]
    s_flags = [html_flags[i] for i in sample]
    s_planted = [planted[i] for i in sample]
    s_size = _mb(s_posts)

    corpus_rows, missed = measure_altscope(posts, html_flags, planted, "corpus")
    sample_rows, _ = measure_altscope(s_posts, s_flags, s_planted, "sample")
    per_post, batch, bulk = sample_rows[0], sample_rows[1], sample_rows[2]
    others = []
    s_plants = [[p] if p else [] for p in s_planted]
    found, secs = _timed(lambda: run_refextract_regex(s_posts))
    others.append(Row("refextract DOI+arXiv regexes", s_size, secs, _recall(found, s_plants)[0]))
    found, secs = _timed(lambda: run_idutils(s_posts))
    others.append(Row("idutils detect over tokens", s_size, secs, _recall(found, s_plants)[0]))
    full_sample = s_posts[: max(1, len(s_posts) // 20)]
    found, secs = _timed(lambda: run_refextract_full(full_sample))
    recall = _recall(found, s_plants[: len(full_sample)])[0]
    others.append(Row("refextract extract_references_from_string", _mb(full_sample), secs, recall))

    head = f"{'tool':46} {'MB':>7} {'seconds':>8} {'MB/s':>8} {'recall':>7}"
    print(f"\n{head} {'per-post x':>10} {'batch x':>8} {'bulk x':>8}")
    for row in corpus_rows + sample_rows[:3]:
        print(f"{row.name:46} {row.mb:7.2f} {row.seconds:8.2f} {row.mbs:8.1f} {row.recall:7.1%}")
    for row in others:
        print(
            f"{row.name:46} {row.mb:7.2f} {row.seconds:8.2f} {row.mbs:8.1f} {row.recall:7.1%}"
            f" {per_post.mbs / row.mbs:10.1f} {batch.mbs / row.mbs:8.1f} {bulk.mbs / row.mbs:8.1f}"
        )
    print(
        "\nThe x columns: how many times faster altscope is, per post, in batches and in bulk, "
        f"on the same {s_size:.1f} MB sample in this process (refextract's full parser ran on "
        "1/20 of it). "
        "One core, one process."
    )
    print(
        f"altscope missed {len(missed)} of {n_planted} planted identifiers "
        "(per post, in batches or in bulk)"
    )
    for plant in missed[:10]:
        print(f"  missed {plant.scheme}: {plant.spelling!r} (want {plant.value})")


if __name__ == "__main__":
    main()
