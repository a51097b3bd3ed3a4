"""schema.org JSON-LD on landing pages: the work's identifiers and a little bibliography.

Only the described work is read: top-level nodes, `@graph` members and the `mainEntity` of a
web page whose type is a creative work (ScholarlyArticle, Article, Dataset, Book, Chapter,
Thesis, ...). Properties that name *other* works (`citation`, `isBasedOn`, `hasPart`,
`isPartOf` identifiers, authors' ids) are never read for identifiers, so cited works do not
leak in. Identifiers come from `identifier` (a string, a PropertyValue or a list of them),
`isbn`, `doi`, and resolver URLs in `@id`, `url` and `sameAs`; all parsing is
`altscope.ids.parse`. Invalid JSON (control characters in strings, trailing commas, comment
wrappers) is repaired where it is cheap to, and otherwise skipped and counted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from altscope.ids import Identifier, IdentifierError, find_identifiers, parse

__all__ = ["WORK_SCHEMES", "JsonLd", "JsonLdWork", "read_jsonld"]

MAX_BLOCK_CHARS = 4_000_000  # a larger JSON-LD block is skipped
MAX_NODES = 1_000  # top-level / @graph nodes looked at per page
_MAX_DEPTH = 4  # mainEntity / isPartOf levels followed

WORK_SCHEMES = frozenset({"doi", "pmid", "pmcid", "arxiv", "handle", "isbn", "ark", "urn"})


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WORK_TYPES = _words(
    "creativework scholarlyarticle medicalscholarlyarticle dataset book chapter thesis report "
    "softwaresourcecode softwareapplication digitaldocument presentationdigitaldocument poster"
)
_PAGE_TYPES = _words("webpage itempage medicalwebpage collectionpage")
_PERIODICAL_TYPES = frozenset({"periodical"})
_PROPERTY_HINTS = {
    "doi": "doi",
    "pmid": "pmid",
    "pubmed": "pmid",
    "pubmedid": "pmid",
    "pmcid": "pmcid",
    "pmc": "pmcid",
    "arxiv": "arxiv",
    "isbn": "isbn",
    "handle": "handle",
    "hdl": "handle",
    "ark": "ark",
    "urn": "urn",
}
_TRAILING_COMMA_RE = re.compile(r",\s*([}\]])")
_WRAPPERS = ("<!--", "-->", "//<![CDATA[", "<![CDATA[", "//]]>", "]]>")


@dataclass(frozen=True, slots=True)
class JsonLdWork:
    """One creative work described in JSON-LD. ``identifiers`` hold (identifier, property,
    strength): ``meta`` when declared, ``url`` when only seen inside one of its URLs."""

    type: str
    identifiers: tuple[tuple[Identifier, str, str], ...]
    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    journal: str | None = None
    issns: tuple[str, ...] = ()
    publisher: str | None = None


@dataclass(frozen=True, slots=True)
class JsonLd:
    """All JSON-LD blocks of a page: the types seen, the works, how many blocks were unreadable."""

    types: tuple[str, ...] = ()
    works: tuple[JsonLdWork, ...] = ()
    invalid_blocks: int = 0
    blocks: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)


def _load(text: str) -> Any:
    """The JSON value of a script's text, repaired where cheap; None when unreadable."""
    text = text.strip()
    for wrapper in _WRAPPERS:
        if wrapper in text:
            text = text.replace(wrapper, "")
    if not text:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    for candidate in (text, _TRAILING_COMMA_RE.sub(r"\1", text)):
        try:
            return json.loads(candidate, strict=False)
        except (ValueError, RecursionError):
            continue
    return None


def _local_types(node: dict[str, Any]) -> list[str]:
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    names = []
    for value in values:
        if isinstance(value, str) and value:
            names.append(value.rsplit("/", 1)[-1].rsplit(":", 1)[-1].rsplit("#", 1)[-1])
    return names


def _is_work(types: list[str]) -> bool:
    return any(t.lower() in _WORK_TYPES or t.lower().endswith("article") for t in types)


def _strings(value: Any) -> Iterator[str]:
    """The string values of a property (a string, or a list of strings)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield str(value)
    elif isinstance(value, list):
        for item in value[:50]:
            if isinstance(item, str):
                yield item


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str | dict)), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _parse_string(value: str, hint: str | None = None) -> tuple[Identifier, str] | None:
    """(identifier, strength) for a value written in JSON-LD, or None."""
    value = value.strip()
    if not value or len(value) > 2048:
        return None
    try:
        identifier = parse(value, hint)
    except IdentifierError:
        return None
    if identifier.scheme in WORK_SCHEMES:
        return identifier, "meta"
    if identifier.scheme == "url":
        for found in find_identifiers(value):
            if found.identifier.scheme == "doi":
                return found.identifier, "url"
    return None


def _hint(property_id: Any) -> str | None:
    if not isinstance(property_id, str):
        return None
    key = property_id.strip().lower().rstrip("/").rsplit("/", 1)[-1].replace(" ", "")
    return _PROPERTY_HINTS.get(key)


def _identifier_values(value: Any) -> Iterator[tuple[str, str | None]]:
    """(text, scheme hint) for each value of an `identifier` property."""
    items = value if isinstance(value, list) else [value]
    for item in items[:50]:
        if isinstance(item, str | int | float) and not isinstance(item, bool):
            yield str(item), None
        elif isinstance(item, dict):
            hint = _hint(item.get("propertyID"))
            for key in ("value", "@value"):
                for text in _strings(item.get(key)):
                    yield text, hint
            for text in _strings(item.get("url")):
                yield text, None
            if set(item) <= {"@id", "@type"}:
                for text in _strings(item.get("@id")):
                    yield text, None


def _work_identifiers(node: dict[str, Any]) -> list[tuple[Identifier, str, str]]:
    found: dict[Identifier, tuple[Identifier, str, str]] = {}

    def add(text: str, hint: str | None, where: str) -> None:
        result = _parse_string(text, hint)
        if result is None and hint is not None:
            result = _parse_string(text)
        if result is not None:
            identifier, strength = result
            previous = found.get(identifier)
            if previous is None or (previous[2] != "meta" and strength == "meta"):
                found[identifier] = (identifier, where, strength)

    for text, hint in _identifier_values(node.get("identifier")):
        add(text, hint, "identifier")
    for key, hint in (("doi", "doi"), ("isbn", "isbn")):
        for text in _strings(node.get(key)):
            add(text, hint, key)
    for key in ("@id", "url", "sameAs"):
        for text in _strings(node.get(key)):
            add(text, None, key)
    return list(found.values())


def _authors(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items[:500]:
        if isinstance(item, dict):
            name = _text(item.get("name"))
            if name is None:
                parts = [_text(item.get("givenName")), _text(item.get("familyName"))]
                name = " ".join(part for part in parts if part) or None
        else:
            name = _text(item)
        if name:
            names.append(name)
    return tuple(dict.fromkeys(names))


def _journal(node: dict[str, Any]) -> tuple[str | None, tuple[str, ...]]:
    """Name and ISSNs of the periodical the work is part of (followed up `isPartOf`)."""
    current = node.get("isPartOf")
    for _ in range(_MAX_DEPTH):
        if isinstance(current, list):
            current = next((item for item in current if isinstance(item, dict)), None)
        if not isinstance(current, dict):
            return None, ()
        if any(t.lower() in _PERIODICAL_TYPES for t in _local_types(current)):
            issns = []
            for text in _strings(current.get("issn")):
                try:
                    issns.append(parse(text, "issn").value)
                except IdentifierError:
                    continue
            return _text(current.get("name")), tuple(dict.fromkeys(issns))
        current = current.get("isPartOf")
    return None, ()


def _work(node: dict[str, Any], types: list[str]) -> JsonLdWork:
    journal, issns = _journal(node)
    date = _text(node.get("datePublished")) or _text(node.get("dateCreated"))
    return JsonLdWork(
        type=types[0],
        identifiers=tuple(_work_identifiers(node)),
        title=_text(node.get("headline")) or _text(node.get("name")),
        authors=_authors(node.get("author") or node.get("creator")),
        date=date,
        journal=journal,
        issns=issns,
        publisher=_text(node.get("publisher")),
    )


def _top_nodes(data: Any) -> Iterator[dict[str, Any]]:
    items = data if isinstance(data, list) else [data]
    for item in items:
        if not isinstance(item, dict):
            continue
        graph = item.get("@graph")
        if graph is not None:
            members = graph if isinstance(graph, list) else [graph]
            yield from (member for member in members if isinstance(member, dict))
            if "@type" in item:
                yield item
        else:
            yield item


def _visit(node: dict[str, Any], depth: int, types: dict[str, None], works: list[JsonLdWork]):
    node_types = _local_types(node)
    for name in node_types:
        types.setdefault(name, None)
    if _is_work(node_types):
        works.append(_work(node, node_types))
    elif depth < _MAX_DEPTH and any(t.lower() in _PAGE_TYPES for t in node_types):
        main = node.get("mainEntity")
        for child in main if isinstance(main, list) else [main]:
            if isinstance(child, dict):
                _visit(child, depth + 1, types, works)


def read_jsonld(blocks: Iterable[str]) -> JsonLd:
    """Read the texts of a page's `application/ld+json` scripts."""
    types: dict[str, None] = {}
    works: list[JsonLdWork] = []
    invalid = total = 0
    notes: list[str] = []
    seen_nodes = 0
    for text in blocks:
        total += 1
        if len(text) > MAX_BLOCK_CHARS:
            invalid += 1
            notes.append(f"JSON-LD block of {len(text):,} characters skipped (too large)")
            continue
        data = _load(text)
        if data is None:
            invalid += 1
            continue
        for node in _top_nodes(data):
            seen_nodes += 1
            if seen_nodes > MAX_NODES:
                break
            _visit(node, 0, types, works)
    if invalid:
        notes.append(f"{invalid} JSON-LD block(s) are not valid JSON")
    return JsonLd(tuple(types), tuple(works), invalid, total, tuple(notes))
