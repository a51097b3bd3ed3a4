"""Verification: how sure the percolator is that a match is right.

Vocabulary (``Match.verification``), strongest evidence first:

- ``exact``: the identifier is written out in the observation (text-id, url-id);
- ``resolver-confirmed``: the DOI resolver was asked and knows the DOI (for a DOI found only in a
  page's body: it also resolves back to the page's site);
- ``recognised-domain``: the page's host is known for the DOI's prefix (from the URL rules,
  a tracked domain, or configuration), so the page is the publisher's own;
- ``unverified``: nothing could be checked (offline, or the resolver did not answer).

:class:`DomainPrefixes` holds the host ↔ DOI-prefix knowledge; :func:`same_site` decides
whether a DOI resolves "back to the page's site".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlsplit

__all__ = [
    "EXACT",
    "RECOGNISED_DOMAIN",
    "RESOLVER_CONFIRMED",
    "UNVERIFIED",
    "VERIFICATIONS",
    "DomainPrefixes",
    "doi_prefix",
    "is_example_doi",
    "same_site",
    "site_of",
]

EXACT = "exact"
RESOLVER_CONFIRMED = "resolver-confirmed"
RECOGNISED_DOMAIN = "recognised-domain"
UNVERIFIED = "unverified"
VERIFICATIONS = (EXACT, RESOLVER_CONFIRMED, RECOGNISED_DOMAIN, UNVERIFIED)

#: DOI prefixes reserved for examples and tests (Crossref's, DataCite's): never a real work.
EXAMPLE_PREFIXES = frozenset({"10.5555", "10.5072"})

_PREFIX_RE = re.compile(r"^(10\.\d{4,9})/")
# Second-level labels under which a country's registrable names sit (example.co.uk).
_SHARED_SECOND_LEVEL = frozenset({"ac", "co", "com", "edu", "gov", "net", "org", "or", "ne", "go"})


def doi_prefix(doi: str) -> str | None:
    """``"10.1038/nature1"`` → ``"10.1038"``."""
    found = _PREFIX_RE.match(doi)
    return found.group(1) if found else None


def is_example_doi(doi: str) -> bool:
    """A DOI under an example or test prefix (10.5555, 10.5072): refused as a match."""
    return doi_prefix(doi) in EXAMPLE_PREFIXES


def _host(url_or_host: str) -> str:
    text = url_or_host.strip()
    if "://" in text:
        try:
            text = urlsplit(text).hostname or ""
        except ValueError:
            return ""
    text = text.rstrip(".").lower()
    return text[4:] if text.startswith("www.") else text


def site_of(url_or_host: str) -> str:
    """The registrable part of a host, roughly: ``a.b.example.org`` → ``example.org``,
    ``x.example.co.uk`` → ``example.co.uk``."""
    labels = _host(url_or_host).split(".")
    if len(labels) <= 2:
        return ".".join(labels)
    if len(labels[-1]) == 2 and labels[-2] in _SHARED_SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def same_site(a: str, b: str) -> bool:
    """Whether two URLs (or hosts) belong to the same site (``www.``, subdomains ignored)."""
    site_a, site_b = site_of(a), site_of(b)
    return bool(site_a) and site_a == site_b


class DomainPrefixes:
    """Which hosts are known to publish under which DOI prefixes."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._prefixes: dict[str, set[str]] = defaultdict(set)
        for host, prefix in pairs:
            self.add(host, prefix)

    def add(self, host: str, prefix: str) -> None:
        self._prefixes[_host(host)].add(prefix)

    def __len__(self) -> int:
        return sum(len(p) for p in self._prefixes.values())

    def prefixes(self, host: str) -> set[str]:
        """The prefixes known for ``host`` or any parent domain of it."""
        name = _host(host)
        found: set[str] = set()
        while name:
            found |= self._prefixes.get(name, set())
            _, _, name = name.partition(".")
        return found

    def recognised(self, url_or_host: str, doi: str) -> bool:
        prefix = doi_prefix(doi)
        return prefix is not None and prefix in self.prefixes(url_or_host)

    @classmethod
    def from_rules(cls, rules: Iterable[object]) -> DomainPrefixes:
        """Host ↔ prefix pairs read off URL rules that build DOIs from a literal prefix
        (``value = "10.1038/{id}"`` on ``nature.com``)."""
        table = cls()
        for rule in rules:
            if getattr(rule, "scheme", None) != "doi":
                continue
            prefix = doi_prefix(getattr(rule, "value", None) or "")
            if prefix is None:
                continue
            for host in getattr(rule, "hosts", ()):
                if host == "*" or host.endswith(".*"):
                    continue
                table.add(host.removeprefix("*."), prefix)
        return table
