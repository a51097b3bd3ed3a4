"""Benchmark: landing-page metadata extraction, altscope against extruct and BeautifulSoup.

Generates (seeded, deterministic) publisher-like landing pages of 30-150 KB in several
templates — Highwire/Springer-style (citation_*, Dublin Core, PRISM, Open Graph, dozens of
citation_reference tags), OJS (DC.Identifier holding an article number, DC.Identifier.DOI),
JSON-LD-first (OUP/figshare-style ScholarlyArticle with PropertyValue identifiers), EPrints
(eprints.* tags and a COinS span), body-only pages (no meta DOI: the visible text is read) and
404 error pages — each with inline styles and scripts (holding decoy DOIs), navigation, an
article body and a reference list full of cited DOIs. The conformance pages of
../shared/conformance/landing_pages are added when present (read in place, never copied).

Then, on the same pages in the same process (garbage collector off while timing):

- altscope: ``extract_landing(page_bytes, page_url)`` (best of three passes);
- extruct: ``extruct.extract(page_bytes, base_url=page_url)`` with its default syntaxes
  (microdata, JSON-LD, Open Graph, microformats, RDFa, Dublin Core), and again restricted to
  ``json-ld, opengraph, dublincore`` (closest to what altscope reads);
- BeautifulSoup (lxml tree builder): every ``<meta name|property content>``, the canonical link
  and the JSON-LD scripts (json.loads).

It prints pages/second, the ratios, and altscope's accuracy on the generated pages (the page's
DOI found, no cited DOI returned, error pages empty). Usage::

    .venv/bin/python bench/landing_pages.py                 # 1,000 pages, ~2 minutes
    .venv/bin/python bench/landing_pages.py --pages 200     # quick run

extruct and beautifulsoup4 are benchmark extras (``pip install extruct beautifulsoup4 lxml``).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from altscope.percolate.landing import extract_landing

# XHTML conformance pages parsed as HTML make BeautifulSoup warn once per page.
warnings.filterwarnings("ignore", message="It looks like you.re using an HTML parser")

SEED = 20240601


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


ROOT = Path(__file__).resolve().parents[1]
CONFORMANCE = Path(
    os.environ.get("ALTSCOPE_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance")
)

_WORDS = _words(
    "the of and in to a is that for with as was on by were are this be from at an which or "
    "we patients study results analysis data model cells protein expression treatment risk "
    "group clinical effect significant increased associated between during after response "
    "levels compared using observed control mice gene samples function role population "
    "method approach network structure temperature climate species soil water growth rate "
    "survey participants cohort trial outcome mortality dose therapy tumour cancer infection"
)
_SURNAMES = _words("Smith Garcia Chen Müller Rossi Kowalski Nakamura Silva Okafor Dubois Novak")
_GIVEN = _words("Ana Ben Chloé Dmitri Eun Farah Goran Hana Ivo Jun Kofi Lena Mateo Nia Omar")
_JOURNALS = (
    "Journal of Applied Ecology",
    "Critical Care",
    "BMC Public Health",
    "Physical Review Letters",
    "International Journal of Circumpolar Health",
    "Management Science",
)
_PREFIXES = ("10.1186", "10.1002", "10.1016", "10.1371", "10.3402", "10.1093", "10.1287")
_HOSTS = ("www.example-press.org", "journals.example.com", "repository.example.edu")
TEMPLATES = ("highwire", "ojs", "jsonld", "eprints", "body_only", "error")
_WEIGHTS = (40, 15, 20, 10, 12, 3)


@dataclass(frozen=True)
class Page:
    url: str
    body: bytes
    template: str
    doi: str | None  # what altscope must find (declared, or the first body DOI)
    cited: tuple[str, ...]  # DOIs of cited works that must never be returned as meta


def _sentence(rng: random.Random, low: int = 8, high: int = 30) -> str:
    words = rng.choices(_WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 9)))


def _doi(rng: random.Random) -> str:
    prefix = rng.choice(_PREFIXES)
    return (
        f"{prefix}/s{rng.randint(10000, 99999)}-{rng.randint(2000, 2024)}-{rng.randint(100, 9999)}"
    )


def _authors(rng: random.Random) -> list[str]:
    return [f"{rng.choice(_GIVEN)} {rng.choice(_SURNAMES)}" for _ in range(rng.randint(1, 12))]


def _script(rng: random.Random, kilobytes: int) -> str:
    """Inline JavaScript of about `kilobytes`, with decoy DOIs inside strings."""
    lines = ["window.dataLayer = window.dataLayer || [];"]
    size = 0
    while size < kilobytes * 1024:
        number, name, word = rng.randint(1, 9999), rng.randint(0, 10**6), rng.choice(_WORDS)
        line = (
            f"dataLayer.push({{'event':'view','content':'{_doi(rng)}','n':{number}}});"
            f" function f{name}(a,b){{return a<b?'<body>':b+'{word}';}}"
        )
        lines.append(line)
        size += len(line)
    return "<script>\n" + "\n".join(lines) + "\n</script>"


def _style(rng: random.Random, kilobytes: int) -> str:
    rules = []
    size = 0
    while size < kilobytes * 1024:
        color = rng.randint(0, 0xFFFFFF)
        rule = (
            f".c{rng.randint(0, 10**5)} {{ margin: {rng.randint(0, 40)}px; color: #{color:06x}; }}"
        )
        rules.append(rule)
        size += len(rule)
    return "<style>" + "\n".join(rules) + "</style>"


def _references(rng: random.Random, count: int) -> tuple[str, list[str], list[str]]:
    """(reference list HTML, citation_reference meta tags, cited DOIs)."""
    items, metas, cited = [], [], []
    for number in range(1, count + 1):
        doi = _doi(rng)
        cited.append(doi)
        title = _sentence(rng, 5, 12)
        journal = rng.choice(_JOURNALS)
        year = rng.randint(1980, 2023)
        metas.append(
            f'<meta name="citation_reference" content="citation_title={title}; '
            f"citation_author={rng.choice(_SURNAMES)}; citation_journal_title={journal}; "
            f'citation_publication_date={year}; citation_doi={doi}" />'
        )
        items.append(
            f'<li id="ref{number}">{rng.choice(_SURNAMES)} {rng.choice(_GIVEN)[0]}. {title} '
            f"<i>{journal}</i>. {year}. "
            f'<a href="https://doi.org/{doi}">https://doi.org/{doi}</a></li>'
        )
    return '<ol class="references">' + "\n".join(items) + "</ol>", metas, cited


def _body(rng: random.Random, title: str, references: str, extra: str = "") -> str:
    nav = "".join(
        f'<li><a href="/section/{word}">{word.title()}</a></li>' for word in rng.sample(_WORDS, 25)
    )
    sections = "".join(
        f"<section><h2>{_sentence(rng, 2, 5)}</h2>"
        + "".join(f"<p>{_paragraph(rng)}</p>" for _ in range(rng.randint(2, 8)))
        + "</section>"
        for _ in range(rng.randint(3, 10))
    )
    return (
        f'<body><header><nav><ul class="menu">{nav}</ul></nav></header>'
        f'<main><article><h1 class="title">{title}</h1>{extra}'
        f'<div class="abstract"><h2>Abstract</h2><p>{_paragraph(rng)}</p></div>'
        f"{sections}<h2>References</h2>{references}</article></main>"
        f"<footer><p>{_sentence(rng)}</p><!-- legacy doi 10.9999/commented-out --></footer>"
        f"{_script(rng, rng.randint(2, 12))}</body>"
    )


def _head(rng: random.Random, title: str, tags: list[str]) -> str:
    generic = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="description" content="{_sentence(rng)}">',
        '<meta name="robots" content="index, follow">',
        '<meta name="twitter:card" content="summary">',
        '<link rel="stylesheet" href="/static/site.css">',
    ]
    return (
        f"<head><title>{title} | {rng.choice(_JOURNALS)}</title>"
        + "\n".join(generic + tags)
        + _style(rng, rng.randint(2, 10))
        + _script(rng, rng.randint(3, 20))
        + "</head>"
    )


def _page(rng: random.Random, index: int, template: str) -> Page:
    host = rng.choice(_HOSTS)
    doi = _doi(rng)
    url = f"https://{host}/articles/{index}"
    title = _sentence(rng, 6, 16).rstrip(".")
    authors = _authors(rng)
    journal = rng.choice(_JOURNALS)
    date = f"{rng.randint(2000, 2024)}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}"
    references, reference_metas, cited = _references(rng, rng.randint(15, 90))
    og = [
        f'<meta property="og:title" content="{title}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:url" content="{url}">',
    ]
    tags: list[str] = []
    extra = ""
    expected: str | None = doi
    if template == "highwire":
        tags += [f'<meta name="citation_title" content="{title}">']
        tags += [f'<meta name="citation_author" content="{name}">' for name in authors]
        tags += [
            f'<meta name="citation_journal_title" content="{journal}">',
            f'<meta name="citation_publication_date" content="{date}">',
            '<meta name="citation_issn" content="1364-8535">',
            f'<meta name="citation_doi" content="{doi}">',
            f'<meta name="citation_pdf_url" content="https://{host}/track/pdf/{doi}?site={host}">',
            f'<meta name="dc.identifier" content="doi:{doi}">',
            f'<meta name="prism.doi" content="{doi}">',
            f'<meta name="prism.url" content="https://{host}/articles/{doi}">',
            f'<meta name="dc.title" content="{title}">',
            f'<link rel="canonical" href="{url}">',
            *reference_metas,
            *og,
        ]
    elif template == "ojs":
        tags += [
            f'<meta name="DC.Identifier" content="{index}">',
            f'<meta name="DC.Identifier.DOI" content="{doi}">',
            f'<meta name="DC.Identifier.URI" content="{url}">',
            f'<meta name="DC.Title" content="{title}">',
            '<meta name="DC.Source.ISSN" content="1797-237X">',
            *[f'<meta name="DC.Creator.PersonalName" content="{name}">' for name in authors],
            f'<meta name="citation_title" content="{title}">',
            f'<meta name="citation_doi" content="{doi}">',
            f'<meta name="citation_date" content="{date}">',
        ]
    elif template == "jsonld":
        graph = {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebSite", "url": f"https://{host}/", "name": journal},
                {
                    "@type": "ScholarlyArticle",
                    "@id": url,
                    "headline": title,
                    "identifier": [
                        {"@type": "PropertyValue", "propertyID": "DOI", "value": doi},
                        {
                            "@type": "PropertyValue",
                            "propertyID": "publisher-id",
                            "value": str(index),
                        },
                    ],
                    "sameAs": f"https://doi.org/{doi}",
                    "author": [{"@type": "Person", "name": name} for name in authors],
                    "datePublished": date.replace("/", "-"),
                    "citation": [
                        {"@type": "ScholarlyArticle", "identifier": f"https://doi.org/{c}"}
                        for c in cited[:20]
                    ],
                },
            ],
        }
        extra = f'<script type="application/ld+json">{json.dumps(graph)}</script>'
        tags += [*og, f'<link rel="canonical" href="{url}">']
    elif template == "eprints":
        tags += [
            f'<meta name="eprints.title" content="{title}">',
            *[f'<meta name="eprints.creators_name" content="{name}">' for name in authors],
            f'<meta name="eprints.id_number" content="doi:{doi}">',
            f'<meta name="eprints.date" content="{date}">',
            f'<meta name="eprints.publication" content="{journal}">',
            f'<meta name="DC.title" content="{title}">',
        ]
        extra = (
            '<span class="Z3988" title="ctx_ver=Z39.88-2004&amp;rft_val_fmt=info%3Aofi%2Ffmt'
            f"%3Akev%3Amtx%3Ajournal&amp;rft_id=info%3Adoi%2F{doi.replace('/', '%2F')}"
            f'&amp;rft.atitle={title.replace(" ", "+")}"></span>'
        )
    elif template == "body_only":
        extra = f'<p class="cite">Cite as: {authors[0]}. {title}. https://doi.org/{doi}</p>'
        tags += og
    else:  # error
        expected = None
        title = "404 Not Found"
        tags += og
        extra = f"<p>The article {doi} was not found.</p>"
    html = "<!DOCTYPE html>\n<html lang=en>" + _head(rng, title, tags)
    html += _body(rng, title, references, extra) + "</html>"
    return Page(url, html.encode("utf-8"), template, expected, tuple(cited))


def generate(count: int, seed: int = SEED) -> list[Page]:
    rng = random.Random(seed)
    templates = rng.choices(TEMPLATES, weights=_WEIGHTS, k=count)
    return [_page(rng, index, template) for index, template in enumerate(templates)]


def conformance_pages() -> list[Page]:
    folder = CONFORMANCE / "landing_pages"
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        return []
    pages = []
    for case in json.loads(manifest.read_text("utf-8")):
        body = (folder / case["input_file"]).read_bytes()
        pages.append(Page(case["input"]["page_url"], body, "conformance", None, ()))
    return pages


# --- the contenders ------------------------------------------------------------------------


def run_altscope(page: Page) -> Any:
    status = 404 if page.template == "error" else None
    return extract_landing(page.body, page.url, status=status)


def _extruct(syntaxes: list[str] | None) -> Callable[[Page], Any]:
    import extruct

    def run(page: Page) -> Any:
        if syntaxes is None:
            return extruct.extract(page.body, base_url=page.url)
        return extruct.extract(page.body, base_url=page.url, syntaxes=syntaxes)

    return run


def run_soup(page: Page) -> Any:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.body, "lxml")
    metas: dict[str, list[str]] = {}
    for node in soup.find_all("meta"):
        name = node.get("name") or node.get("property")
        content = node.get("content")
        if name and content:
            metas.setdefault(name.lower(), []).append(content)
    canonical = soup.find("link", rel="canonical")
    blocks = []
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            blocks.append(json.loads(script.string or ""))
        except ValueError:
            continue
    return metas, canonical.get("href") if canonical else None, blocks


def timed(run: Callable[[Page], Any], pages: list[Page]) -> float:
    """Seconds to run over all pages, garbage collector off."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        for page in pages:
            run(page)
        return time.perf_counter() - start
    finally:
        gc.enable()


def accuracy(pages: list[Page]) -> tuple[int, int, list[str]]:
    """(correct, checked, problems) for altscope on the generated pages."""
    correct = checked = 0
    problems: list[str] = []
    for page in pages:
        if page.template == "conformance":
            continue
        checked += 1
        meta = run_altscope(page)
        values = {found.identifier.value for found in meta.identifiers if found.strength != "body"}
        leaked = values & set(page.cited)
        if page.template == "body_only":
            ok = meta.doi is None and bool(meta.body_dois)
            ok = ok and meta.body_dois[0].identifier.value == page.doi
        elif page.template == "error":
            ok = not meta.identifiers and meta.error is not None
        else:
            ok = meta.doi is not None and meta.doi.value == page.doi
        if ok and not leaked:
            correct += 1
        elif len(problems) < 5:
            problems.append(f"{page.template} {page.url}: doi={meta.doi} leaked={sorted(leaked)}")
    return correct, checked, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000, help="generated pages (default 1000)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--no-conformance", action="store_true", help="do not add the conformance pages"
    )
    args = parser.parse_args()

    pages = generate(args.pages, args.seed)
    if not args.no_conformance:
        pages += conformance_pages()
    sizes = [len(page.body) for page in pages]
    generated = [len(page.body) for page in pages if page.template != "conformance"]
    templates = {
        name: sum(p.template == name for p in pages) for name in (*TEMPLATES, "conformance")
    }
    print(f"{len(pages)} pages, {sum(sizes) / 1e6:.1f} MB; {templates}")
    print(
        f"generated pages: median {statistics.median(generated) / 1024:.0f} KB"
        f" (min {min(generated) / 1024:.0f}, max {max(generated) / 1024:.0f})"
    )
    correct, checked, problems = accuracy(pages)
    print(f"altscope accuracy on generated pages: {correct}/{checked}")
    for problem in problems:
        print("  ", problem)

    contenders: list[tuple[str, Callable[[Page], Any]]] = [
        ("altscope extract_landing", run_altscope)
    ]
    try:
        contenders += [
            ("extruct (default syntaxes)", _extruct(None)),
            (
                "extruct (json-ld, opengraph, dublincore)",
                _extruct(["json-ld", "opengraph", "dublincore"]),
            ),
        ]
    except ImportError:
        print("extruct not installed: pip install extruct")
    try:
        import bs4  # noqa: F401

        contenders.append(("BeautifulSoup(lxml) meta tags", run_soup))
    except ImportError:
        print("beautifulsoup4 not installed: pip install beautifulsoup4 lxml")

    results: dict[str, float] = {}
    for name, run in contenders:
        passes = 3 if run is run_altscope else 1
        seconds = min(timed(run, pages) for _ in range(passes))
        results[name] = len(pages) / seconds
        print(
            f"{name:44} {results[name]:10,.0f} pages/s"
            f"  ({seconds * 1000 / len(pages):7.2f} ms/page)"
        )
    ours = results["altscope extract_landing"]
    for name, rate in results.items():
        if name != "altscope extract_landing":
            print(f"altscope / {name:40} {ours / rate:8.1f}x")


if __name__ == "__main__":
    main()
