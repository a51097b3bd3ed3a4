"""Domain tracking: repositories and digital libraries whose links are always followed.

A tracked domain (``repository.example.edu``) covers its host and every subdomain, with or
without ``www.``. For items whose landing pages carry no usable meta tags, a domain can map
URLs to identifiers in two ways:

- URL patterns: a regular expression searched in the (normalised) URL, a scheme and a template
  whose ``{1}``, ``{2}`` ... (groups), ``{name}`` (named groups) and ``{0}`` (the whole match)
  are filled in, e.g. ``/handle/(\\d+/\\d+)`` → ``handle`` ``{1}``;
- explicit lists: URL → identifier pairs (from a sitemap or a CSV/TSV list), looked up by
  :func:`url_key` (scheme, ``www.``, tracking parameters and a trailing slash do not matter).

Matches found here are method ``domain-map``, verification ``recognised-domain``.
"""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from altscope.ids import Identifier, IdentifierError, parse
from altscope.percolate.urls import normalize_url

__all__ = [
    "DomainTracker",
    "MapError",
    "UrlMap",
    "domain_of",
    "normalize_domain",
    "render_template",
    "url_key",
    "url_key_hash",
]

_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9-]{1,63}$")


class MapError(ValueError):
    """A domain, pattern or template that cannot be used."""


def normalize_domain(text: str) -> str:
    """``"https://WWW.Repo.example.edu/x"`` → ``"repo.example.edu"``; raises :class:`MapError`."""
    value = text.strip()
    if "://" in value:
        value = urlsplit(value).hostname or ""
    value = value.strip().rstrip(".").lower()
    if value.startswith("www."):
        value = value[4:]
    try:
        value = value.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise MapError(f"not a domain name: {text!r}") from error
    if not _DOMAIN_RE.match(value) or "." not in value:
        raise MapError(f"not a domain name: {text!r}")
    return value


def domain_of(url: str) -> str:
    """The host of ``url``, lower case, without ``www.`` (``""`` when there is none)."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def url_key(url: str) -> str:
    """The key an explicit URL list is looked up by: normalised, without scheme, ``www.`` and
    trailing slash."""
    try:
        normal = normalize_url(url)
    except ValueError:
        normal = url.strip()
    parts = urlsplit(normal)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    port = f":{parts.port}" if parts.port else ""
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{port}{path}{query}"


def url_key_hash(url: str) -> str:
    """SHA-256 (hex) of :func:`url_key`: the stored, indexable form."""
    return hashlib.sha256(url_key(url).encode("utf-8")).hexdigest()


def _placeholders(template: str) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as error:
        raise MapError(f"bad template {template!r}: {error}") from error


def render_template(template: str, match: re.Match[str]) -> str:
    """Fill ``template`` from a regular-expression match (see the module docs)."""
    groups = [match.group(0), *(g or "" for g in match.groups())]
    named = {k: v or "" for k, v in match.groupdict().items()}
    return template.format(*groups, **named)


@dataclass(frozen=True, slots=True)
class UrlMap:
    """A URL pattern of a tracked domain and the identifier it names."""

    domain: str
    pattern: str
    scheme: str
    template: str

    def compiled(self) -> re.Pattern[str]:
        return _compile(self.pattern)

    def validate(self) -> UrlMap:
        """Itself, after checking the pattern, the scheme and the template's placeholders."""
        from altscope.ids import SCHEMES

        if self.scheme not in SCHEMES:
            known = ", ".join(SCHEMES)
            raise MapError(f"unknown identifier scheme {self.scheme!r}; known: {known}")
        regex = _compile(self.pattern)
        for name in _placeholders(self.template):
            if name.isdigit():
                if int(name) > regex.groups:
                    raise MapError(
                        f"template {self.template!r} uses group {{{name}}} but the pattern has "
                        f"{regex.groups} group(s)"
                    )
            elif name not in regex.groupindex:
                raise MapError(f"template {self.template!r} uses {{{name}}}: no such named group")
            elif not name:
                raise MapError(f"template {self.template!r}: use numbered placeholders like {{1}}")
        return self

    def identifier(self, url: str) -> Identifier | None:
        """The identifier this map gives ``url``; ``None`` when the pattern does not match.

        Raises :class:`MapError` when it matches but the filled-in template is not a valid
        identifier of the scheme.
        """
        found = _compile(self.pattern).search(url)
        if found is None:
            return None
        value = render_template(self.template, found)
        try:
            return parse(value, self.scheme)
        except IdentifierError as error:
            raise MapError(f"{self.scheme} {value!r} from {url}: {error}") from error


_COMPILED: dict[str, re.Pattern[str]] = {}


def _compile(pattern: str) -> re.Pattern[str]:
    compiled = _COMPILED.get(pattern)
    if compiled is None:
        try:
            compiled = re.compile(pattern)
        except re.error as error:
            raise MapError(f"bad pattern {pattern!r}: {error}") from error
        _COMPILED[pattern] = compiled
    return compiled


@dataclass(frozen=True, slots=True)
class DomainHit:
    """An identifier a tracked domain's maps give a URL."""

    identifier: Identifier
    domain: str
    how: str  # "list" or "pattern <regex>"


class DomainTracker:
    """The tracked domains with their URL maps; answers "is this URL tracked, and what is it?"."""

    def __init__(
        self,
        domains: Iterable[str] = (),
        maps: Iterable[UrlMap] = (),
        urls: Mapping[str, Identifier] | None = None,
        *,
        lookup=None,
    ) -> None:
        """``urls`` maps :func:`url_key` values to identifiers; ``lookup(key_hash)`` (e.g. a
        database query) is asked for keys not in ``urls``."""
        self.domains = frozenset(normalize_domain(d) for d in domains)
        self._maps: dict[str, list[UrlMap]] = {}
        for url_map in maps:
            self._maps.setdefault(normalize_domain(url_map.domain), []).append(url_map)
        self._urls = dict(urls or {})
        self._lookup = lookup

    def __bool__(self) -> bool:
        return bool(self.domains)

    def tracked_domain(self, url: str) -> str | None:
        """The tracked domain ``url`` belongs to, or ``None``."""
        host = domain_of(url)
        while host:
            if host in self.domains:
                return host
            _, _, host = host.partition(".")
        return None

    def identifiers(self, url: str) -> tuple[list[DomainHit], list[str]]:
        """What the maps of ``url``'s tracked domain say it is: (hits, problems)."""
        domain = self.tracked_domain(url)
        if domain is None:
            return [], []
        hits: list[DomainHit] = []
        problems: list[str] = []
        key = url_key(url)
        listed = self._urls.get(key)
        if listed is None and self._lookup is not None:
            listed = self._lookup(hashlib.sha256(key.encode("utf-8")).hexdigest())
        if listed is not None:
            hits.append(DomainHit(listed, domain, "list"))
        for url_map in self._maps.get(domain, ()):
            try:
                identifier = url_map.identifier(url)
            except MapError as error:
                problems.append(str(error))
                continue
            if identifier is not None and all(h.identifier != identifier for h in hits):
                hits.append(DomainHit(identifier, domain, f"pattern {url_map.pattern}"))
        return hits, problems
