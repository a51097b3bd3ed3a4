"""COinS: OpenURL ContextObjects in `<span class="Z3988" title="...">` (Zotero, EPrints, DSpace).

The title attribute is a URL-encoded OpenURL 1.0 KEV context object:
``ctx_ver=Z39.88-2004&rft_id=info:doi/10.1234/x&rft_id=info:pmid/123&rft.isbn=...``.
`read_coins` returns the identifiers and the few bibliographic fields it names; identifier
parsing is `altscope.ids.parse`.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from urllib.parse import parse_qsl

from altscope.ids import Identifier, IdentifierError, parse

__all__ = ["Coins", "read_coins"]

MAX_TITLE_CHARS = 20_000

# "info:" URI namespaces (the OpenURL registry) -> altscope scheme
_INFO_SCHEMES = {
    "info:doi/": "doi",
    "info:pmid/": "pmid",
    "info:pmcid/": "pmcid",
    "info:arxiv/": "arxiv",
    "info:hdl/": "handle",
    "info:isbn/": "isbn",
    "urn:isbn:": "isbn",
}
_FIELDS = frozenset(
    {"rft.atitle", "rft.btitle", "rft.title", "rft.jtitle", "rft.date", "rft_val_fmt"}
)
_WORK_SCHEMES = frozenset({"doi", "pmid", "pmcid", "arxiv", "handle", "isbn", "ark", "urn"})


@dataclass(frozen=True, slots=True)
class Coins:
    """What one COinS span says: identifiers (with the key each came from) and a little more."""

    identifiers: tuple[tuple[Identifier, str], ...]
    title: str | None = None
    journal: str | None = None
    date: str | None = None
    authors: tuple[str, ...] = ()
    issns: tuple[str, ...] = ()


def _identifier(value: str) -> Identifier | None:
    lowered = value.lower()
    for prefix, scheme in _INFO_SCHEMES.items():
        if lowered.startswith(prefix):
            try:
                return parse(value[len(prefix) :], scheme)
            except IdentifierError:
                return None
    try:
        identifier = parse(value)
    except IdentifierError:
        return None
    return identifier if identifier.scheme in _WORK_SCHEMES else None


def read_coins(title: str | None) -> Coins | None:
    """The identifiers and bibliographic fields of a COinS title attribute (None: not COinS)."""
    if not title or len(title) > MAX_TITLE_CHARS or "rft" not in title:
        return None
    identifiers: dict[Identifier, str] = {}
    fields: dict[str, str] = {}
    authors: list[str] = []
    issns: list[str] = []
    for key, raw in parse_qsl(title.strip(), keep_blank_values=False):
        value = raw.strip()
        key = key.strip().lower()
        if key == "rft_id":
            identifier = _identifier(value)
            if identifier is not None:
                identifiers.setdefault(identifier, "rft_id")
        elif key == "rft.isbn":
            with contextlib.suppress(IdentifierError):
                identifiers.setdefault(parse(value, "isbn"), key)
        elif key in ("rft.issn", "rft.eissn"):
            with contextlib.suppress(IdentifierError):
                issns.append(parse(value, "issn").value)
        elif key == "rft.au":
            authors.append(value)
        elif key in _FIELDS:
            fields.setdefault(key, value)
    journal_format = fields.get("rft_val_fmt", "").endswith(":journal")
    plain_title = fields.get("rft.title")
    return Coins(
        identifiers=tuple(identifiers.items()),
        title=fields.get("rft.atitle")
        or fields.get("rft.btitle")
        or (None if journal_format else plain_title),
        journal=fields.get("rft.jtitle") or (plain_title if journal_format else None),
        date=fields.get("rft.date"),
        authors=tuple(dict.fromkeys(authors)),
        issns=tuple(dict.fromkeys(issns)),
    )
