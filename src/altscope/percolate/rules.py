"""URL rules: identifiers that a publisher's or repository's URL pattern gives away.

The rules live in a TOML table (``url_rules.toml`` next to this module, see docs/url-rules.md);
each names its hosts, a regular expression for the path (and optionally for query parameters)
with named groups, and what it yields: an identifier built from a template (``10.1038/{id}``),
a PII to turn into a DOI (``lookup = "pii-to-doi"``), or only the news that the URL is a landing
page worth fetching (``lookup = "needs-landing-page"``). Every value goes through
:func:`altscope.ids.parse`, so it is validated and in the same normal form as anywhere else.

Matching: the URL is normalised (:func:`altscope.percolate.urls.normalize_url`), its host is
looked up in an index (exact host, then parent domains for ``*.`` entries, then ``name.*``
entries, then rules for any host), and the first rule whose patterns match wins. Nothing here
touches the network.
"""

from __future__ import annotations

import logging
import re
import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import parse_qsl, unquote, urlsplit

from altscope.ids import SCHEMES, Identifier, IdentifierError, parse
from altscope.percolate.urls import normalize_url

__all__ = [
    "LOOKUPS",
    "Example",
    "Lookup",
    "RuleError",
    "RuleMatch",
    "RuleSet",
    "UrlRule",
    "apply_rules",
    "check_examples",
    "check_rule",
    "default_rules",
    "load_rules",
    "parse_rules",
    "rules_markdown",
]

logger = logging.getLogger(__name__)

Lookup = Literal["pii-to-doi", "needs-landing-page"]
LOOKUPS: tuple[str, ...] = ("pii-to-doi", "needs-landing-page")
NEEDS_LANDING_PAGE = "needs-landing-page"

# Host prefixes that serve the same pages as the bare host (desktop and mobile sites).
ALIAS_PREFIXES: tuple[str, ...] = ("www.", "m.", "mobile.")
# What ``name.*`` may stand for: a top-level domain, or a second-level one under a country code.
_TLD_RE = re.compile(r"[a-z]{2,6}(?:\.[a-z]{2,3})?")
_HOST_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*")
_HOST_CACHE_SIZE = 4096
# Longer URLs are not looked at (no publisher URL is this long; it bounds the regex work).
MAX_URL_LENGTH = 4096

_RULE_KEYS = frozenset(
    {"name", "publisher", "hosts", "path", "query", "scheme", "value", "lookup", "note"}
    | {"contains", "examples", "no_match"}
)
DEFAULT_RULES_FILE = "url_rules.toml"


class RuleError(ValueError):
    """A rule table is malformed; the message names the file and the rule."""


@dataclass(frozen=True, slots=True)
class Example:
    """A URL and what its rule must make of it: ``scheme:value`` or ``needs-landing-page``."""

    url: str
    expect: str


@dataclass(frozen=True, slots=True)
class UrlRule:
    """One URL pattern of one publisher or repository."""

    name: str
    publisher: str
    hosts: tuple[str, ...]
    path: re.Pattern[str]
    query: tuple[tuple[str, re.Pattern[str]], ...] = ()
    scheme: str | None = None
    value: str | None = None
    lookup: Lookup | None = None
    note: str = ""
    contains: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    no_match: tuple[str, ...] = ()
    source: str = ""

    def groups(self, path: str, query: Mapping[str, str]) -> dict[str, str] | None:
        """The named groups when ``path`` (decoded) and ``query`` match this rule, else None."""
        found = self.path.fullmatch(path)
        if found is None:
            return None
        groups = {k: v for k, v in found.groupdict().items() if v is not None}
        for key, pattern in self.query:
            value = query.get(key)
            hit = pattern.fullmatch(value) if value is not None else None
            if hit is None:
                return None
            groups.update({k: v for k, v in hit.groupdict().items() if v is not None})
        return groups


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """What a rule made of a URL.

    ``identifier`` is None when ``lookup`` is ``needs-landing-page``: the URL alone does not say
    which work it is, its landing page must be read. With ``pii-to-doi`` the identifier is a PII
    whose DOI only the resolver or Crossref can tell."""

    rule: str
    identifier: Identifier | None
    lookup: Lookup | None
    url: str


@dataclass(slots=True)
class _HostIndex:
    exact: dict[str, list[UrlRule]] = field(default_factory=dict)
    parent: dict[str, list[UrlRule]] = field(default_factory=dict)  # "*.example.org"
    prefix: dict[str, list[UrlRule]] = field(default_factory=dict)  # "books.google.*"
    anywhere: list[UrlRule] = field(default_factory=list)  # "*"
    _cache: dict[str, list[UrlRule]] = field(default_factory=dict)

    def add(self, rule: UrlRule) -> None:
        for host in rule.hosts:
            if host == "*":
                self.anywhere.append(rule)
            elif host.startswith("*."):
                self.parent.setdefault(host[2:], []).append(rule)
            elif host.endswith(".*"):
                self.prefix.setdefault(host[:-2], []).append(rule)
            else:
                self.exact.setdefault(host, []).append(rule)

    def candidates(self, host: str) -> list[UrlRule]:
        """Rules that may apply to ``host``, most specific first, then the any-host rules."""
        return self.specific(host) + self.anywhere

    def specific(self, host: str) -> list[UrlRule]:
        """The rules written for ``host`` (not the any-host ones), most specific first."""
        cached = self._cache.get(host)
        if cached is not None:
            return cached
        if len(self._cache) >= _HOST_CACHE_SIZE:
            self._cache.clear()
        found = self._cache[host] = self._lookup(host)
        return found

    def _lookup(self, host: str) -> list[UrlRule]:
        names = [host]
        for alias in ALIAS_PREFIXES:
            if host.startswith(alias) and len(host) > len(alias):
                names.append(host[len(alias) :])
                break
        found: list[UrlRule] = []
        for name in names:
            found += self.exact.get(name, ())
        for name in names:
            labels = name.split(".")
            for i in range(1, len(labels) - 1):
                found += self.parent.get(".".join(labels[i:]), ())
        if self.prefix:
            for name in names:
                labels = name.split(".")
                for i in range(1, len(labels)):
                    rules = self.prefix.get(".".join(labels[:i]))
                    if rules and _TLD_RE.fullmatch(".".join(labels[i:])):
                        found += rules
        return found  # a rule listed twice is only tried twice, which is harmless


class RuleSet:
    """A loaded, validated rule table, indexed by host."""

    def __init__(self, rules: Iterable[UrlRule]) -> None:
        self.rules: tuple[UrlRule, ...] = tuple(rules)
        self._by_name = {rule.name: rule for rule in self.rules}
        self._index = _HostIndex()
        for rule in self.rules:
            self._index.add(rule)

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self):
        return iter(self.rules)

    def get(self, name: str) -> UrlRule | None:
        """The rule called ``name``, or None."""
        return self._by_name.get(name)

    def merged(self, extra: RuleSet) -> RuleSet:
        """A rule set where ``extra``'s rules come first and replace same-named rules here."""
        return RuleSet([*extra.rules, *(r for r in self.rules if r.name not in extra._by_name)])

    def _may_match(self, url: str, lowered: str) -> bool:
        """False when no rule can match: the host has no rules of its own and the URL lacks
        the ``contains`` text of every any-host rule. Saves normalising most URLs."""
        try:
            host = (urlsplit(url.strip()).hostname or "").rstrip(".")
        except ValueError:
            return True  # let normalize_url say what is wrong
        if not host.isascii() or self._index.specific(host):
            return True
        return any(
            not rule.contains or any(text in lowered for text in rule.contains)
            for rule in self._index.anywhere
        )

    def apply(self, url: str) -> list[RuleMatch]:
        """The match of the first rule that fits ``url`` (a list of at most one, for now).

        A URL that is not an absolute http(s) URL, or that a rule turns into an invalid
        identifier, gives no match (logged at debug level)."""
        if not isinstance(url, str) or len(url) > MAX_URL_LENGTH:
            return []
        lowered = unquote(url).lower() if "%" in url else url.lower()
        if not self._may_match(url, lowered):
            return []
        try:
            normal = normalize_url(url)
        except ValueError as exc:
            logger.debug("url rules: skipped %.200r: %s", url, exc)
            return []
        parts = urlsplit(normal)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return []
        rules = self._index.candidates(parts.hostname)
        if not rules:
            return []
        path = unquote(parts.path)
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        query = _query(parts.query)
        for rule in rules:
            if rule.contains and not any(text in lowered for text in rule.contains):
                continue
            groups = rule.groups(path, query)
            if groups is None:
                continue
            match = _yield(rule, groups, normal)
            return [match] if match is not None else []
        return []


def _query(query: str) -> dict[str, str]:
    """Query parameters by lower-case name (the first of repeated names wins)."""
    params: dict[str, str] = {}
    if query:
        for key, value in parse_qsl(query, keep_blank_values=True):
            params.setdefault(key.lower(), value)
    return params


def _yield(rule: UrlRule, groups: dict[str, str], url: str) -> RuleMatch | None:
    if rule.scheme is None or rule.value is None:
        return RuleMatch(rule.name, None, rule.lookup, url)
    try:
        value = rule.value.format_map(groups)
    except KeyError:  # an optional group the template needs did not take part in the match
        logger.debug("url rules: rule %s matched %s without the groups it needs", rule.name, url)
        return None
    try:
        identifier = parse(value, rule.scheme)
    except IdentifierError:
        logger.info("url rules: rule %s built %r from %s, not a valid %s", rule.name, value, url,
                    rule.scheme)  # fmt: skip
        return None
    return RuleMatch(rule.name, identifier, rule.lookup, url)


# --- loading and validation ------------------------------------------------------------------


def _fail(source: str, name: str, message: str) -> RuleError:
    return RuleError(f"{source}: rule {name!r}: {message}")


def _compile(source: str, name: str, what: str, pattern: object) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern:
        raise _fail(source, name, f"{what} must be a non-empty string (a regular expression)")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise _fail(source, name, f"bad regular expression in {what}: {exc}") from exc


def _check_host(source: str, name: str, host: object) -> str:
    if not isinstance(host, str):
        raise _fail(source, name, f"host {host!r} is not a string")
    if host == "*":
        return host
    bare = host.removeprefix("*.").removesuffix(".*")
    if host.startswith("*.") and host.endswith(".*"):
        raise _fail(source, name, f"host {host!r}: use either '*.' or '.*', not both")
    if host != host.lower() or not _HOST_RE.fullmatch(bare):
        raise _fail(source, name, f"host {host!r} is not a lower-case host name (no scheme/path)")
    if host.startswith(ALIAS_PREFIXES):
        raise _fail(source, name, f"host {host!r}: leave out 'www.'/'m.', they are implied")
    return host


def _template_fields(source: str, name: str, template: str) -> set[str]:
    fields: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise _fail(source, name, f"bad value template {template!r}: {exc}") from exc
    for _, field_name, spec, conversion in parsed:
        if field_name is None:
            continue
        if not field_name.isidentifier() or spec or conversion:
            raise _fail(source, name, f"value template {template!r}: use plain {{group}} fields")
        fields.add(field_name)
    return fields


def _examples(source: str, name: str, raw: object) -> tuple[Example, ...]:
    if not isinstance(raw, list):
        raise _fail(source, name, "examples must be a list of {url, expect} tables")
    out = []
    for item in raw:
        if not (isinstance(item, dict) and set(item) == {"url", "expect"}):
            raise _fail(source, name, f"example {item!r} must have exactly 'url' and 'expect'")
        out.append(Example(str(item["url"]), str(item["expect"])))
    return tuple(out)


def _rule(source: str, raw: object, index: int) -> UrlRule:
    if not isinstance(raw, dict):
        raise RuleError(f"{source}: rule #{index + 1} is not a table")
    name = raw.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise RuleError(f"{source}: rule #{index + 1}: 'name' must be lower-case-with-hyphens")
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise _fail(source, name, f"unknown keys {sorted(unknown)}")
    hosts = raw.get("hosts")
    if not isinstance(hosts, list) or not hosts:
        raise _fail(source, name, "'hosts' must be a non-empty list")
    path = _compile(source, name, "path", raw.get("path"))
    query_raw = raw.get("query", {})
    if not isinstance(query_raw, dict):
        raise _fail(source, name, "'query' must be a table of parameter = regex")
    query = tuple(
        (key.lower(), _compile(source, name, f"query.{key}", pattern))
        for key, pattern in query_raw.items()
    )
    lookup = raw.get("lookup")
    if lookup is not None and lookup not in LOOKUPS:
        raise _fail(source, name, f"lookup {lookup!r} is not one of {', '.join(LOOKUPS)}")
    scheme, value = raw.get("scheme"), raw.get("value")
    if lookup == NEEDS_LANDING_PAGE:
        if scheme is not None or value is not None:
            raise _fail(source, name, "a needs-landing-page rule yields no scheme/value")
    else:
        if scheme not in SCHEMES:
            raise _fail(source, name, f"scheme {scheme!r} is not one of {', '.join(SCHEMES)}")
        if not isinstance(value, str) or not value:
            raise _fail(source, name, "'value' (a template such as '10.1038/{id}') is required")
        groups = set(path.groupindex) | {g for _, p in query for g in p.groupindex}
        missing = _template_fields(source, name, value) - groups
        if missing:
            raise _fail(source, name, f"value template uses groups {sorted(missing)} "
                        f"that the patterns do not define")  # fmt: skip
    if lookup == "pii-to-doi" and scheme != "pii":
        raise _fail(source, name, "lookup 'pii-to-doi' needs scheme 'pii'")
    contains = raw.get("contains", [])
    if not (
        isinstance(contains, list)
        and all(isinstance(t, str) and t and t == t.lower() for t in contains)
    ):
        raise _fail(source, name, "'contains' must be a list of non-empty lower-case strings")
    if "*" in hosts and not contains:
        raise _fail(source, name, "a rule for any host ('*') needs 'contains' (a text it needs)")
    no_match = raw.get("no_match", [])
    if not isinstance(no_match, list) or not all(isinstance(u, str) for u in no_match):
        raise _fail(source, name, "'no_match' must be a list of URLs")
    return UrlRule(
        name=name,
        publisher=str(raw.get("publisher", name)),
        hosts=tuple(_check_host(source, name, host) for host in hosts),
        path=path,
        query=query,
        scheme=cast("str | None", scheme),
        value=cast("str | None", value),
        lookup=cast("Lookup | None", lookup),
        note=str(raw.get("note", "")),
        contains=tuple(contains),
        examples=_examples(source, name, raw.get("examples", [])),
        no_match=tuple(no_match),
        source=source,
    )


def parse_rules(text: str, source: str = "<rules>") -> RuleSet:
    """Validate a rule table given as TOML text; raises RuleError naming the bad rule."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{source}: not valid TOML: {exc}") from exc
    unknown = set(data) - {"rules"}
    if unknown:
        raise RuleError(f"{source}: unknown top-level keys {sorted(unknown)} (expected [[rules]])")
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list):
        raise RuleError(f"{source}: 'rules' must be an array of tables ([[rules]])")
    rules = [_rule(source, raw, i) for i, raw in enumerate(raw_rules)]
    seen: set[str] = set()
    for rule in rules:
        if rule.name in seen:
            raise _fail(source, rule.name, "the name is used twice")
        seen.add(rule.name)
    return RuleSet(rules)


@cache
def default_rules() -> RuleSet:
    """The rules shipped with altscope (loaded and validated once)."""
    text = resources.files("altscope.percolate").joinpath(DEFAULT_RULES_FILE).read_text("utf-8")
    return parse_rules(text, DEFAULT_RULES_FILE)


def load_rules(extra: str | Path | None = None) -> RuleSet:
    """The shipped rules, with the rules of the TOML file ``extra`` (if given) merged in front:
    a user rule with the name of a shipped rule replaces it."""
    rules = default_rules()
    if extra is None:
        return rules
    path = Path(extra)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise RuleError(f"{path}: cannot read URL rules: {exc.strerror or exc}") from exc
    return rules.merged(parse_rules(text, str(path)))


def apply_rules(url: str, rules: RuleSet | None = None) -> list[RuleMatch]:
    """What the URL rules make of ``url`` (the shipped rules unless ``rules`` is given)."""
    return (rules or default_rules()).apply(url)


# --- self-test and documentation -------------------------------------------------------------


def _expected(expect: str) -> Identifier | None:
    if expect == NEEDS_LANDING_PAGE:
        return None
    scheme, sep, value = expect.partition(":")
    if not sep:
        raise IdentifierError(f"expect {expect!r} is not 'scheme:value' or {NEEDS_LANDING_PAGE}")
    return parse(value, scheme)


def check_rule(rules: RuleSet, rule: UrlRule) -> list[str]:
    """Problems with one rule's own examples, as applied within ``rules``; empty when it passes.

    A rule needs at least one example and one ``no_match`` URL; every example must be matched
    by this rule (not shadowed by an earlier one) and give the expected identifier, and no
    ``no_match`` URL may be matched by it."""
    where = f"{rule.source}: rule {rule.name!r}"
    problems: list[str] = []
    if not rule.examples:
        problems.append(f"{where}: has no examples")
    if not rule.no_match:
        problems.append(f"{where}: has no no_match URL")
    for example in rule.examples:
        try:
            expected = _expected(example.expect)
        except IdentifierError as exc:
            problems.append(f"{where}: example {example.url}: {exc}")
            continue
        want = [(rule.name, expected, rule.lookup)]
        have = [(m.rule, m.identifier, m.lookup) for m in rules.apply(example.url)]
        if have != want:
            problems.append(f"{where}: example {example.url}: expected {want}, got {have}")
    for url in rule.no_match:
        if any(m.rule == rule.name for m in rules.apply(url)):
            problems.append(f"{where}: matched its no_match URL {url}")
    return problems


def check_examples(rules: RuleSet) -> list[str]:
    """Problems with every rule's examples (see :func:`check_rule`); empty when all pass.

    Use it on a user's rule file merged with the shipped rules: ``check_examples(load_rules(p))``.
    """
    return [problem for rule in rules for problem in check_rule(rules, rule)]


def _yield_text(rule: UrlRule) -> str:
    if rule.lookup == NEEDS_LANDING_PAGE:
        return "needs landing page"
    template = rule.value or ""
    text = (
        f"{rule.scheme} from the address"
        if re.fullmatch(r"\{\w+\}", template)
        else (f"{rule.scheme} `{template}`")
    )
    return f"{text}, then {rule.lookup}" if rule.lookup else text


def rules_markdown(rules: RuleSet) -> str:
    """The Markdown table of covered sites that docs/url-rules.md shows."""
    lines = [
        "| publisher / site | rule | hosts | yields | example |",
        "|---|---|---|---|---|",
    ]
    for rule in sorted(rules, key=lambda r: (r.publisher.casefold(), r.name)):
        hosts = ", ".join(f"`{h}`" for h in rule.hosts)
        example = f"`{rule.examples[0].url}`" if rule.examples else ""
        lines.append(
            f"| {rule.publisher} | `{rule.name}` | {hosts} | {_yield_text(rule)} | {example} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m altscope.percolate.rules [--markdown] [FILE]``: check a rule file's examples
    (merged with the shipped rules), or print the table of covered sites."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    markdown = "--markdown" in args
    files = [a for a in args if a != "--markdown"]
    try:
        rules = load_rules(files[0] if files else None)
    except RuleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if markdown:
        print(rules_markdown(rules), end="")
        return 0
    problems = check_examples(rules)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(rules)} rules, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
