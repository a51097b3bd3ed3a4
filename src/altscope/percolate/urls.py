"""URL normalisation, equality and clean-up for the percolator.

`normalize_url` gives one canonical spelling per URL so that the same page seen in two posts
yields the same key. It only applies changes that keep the meaning of the URL for any real
server: case of scheme and host, IDNA, default ports, percent-encoding, dot segments, session ids,
tracking parameters and non-routing fragments. It never sorts query parameters or drops a
trailing slash (both can change what a server returns); `clean_resolved_url` goes further for
URLs that a DOI resolved to, following Lagotto's rules.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import SplitResult, urlsplit, urlunsplit

try:  # IDNA 2008 with UTS #46 mapping; `idna` comes with aiohttp/yarl.
    import idna as _idna
except ImportError:  # pragma: no cover - the stdlib codec (IDNA 2003) is the fallback.
    _idna = None

__all__ = [
    "NON_LANDING_PAGE_MARKERS",
    "SESSION_PARAMETERS",
    "TRACKING_PARAMETERS",
    "QueryRule",
    "UrlEquality",
    "clean_resolved_url",
    "is_http_url",
    "is_non_landing_page",
    "normalize_url",
    "url_equality",
]

UrlEquality = Literal["exact", "basic"]

_HTTP_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class QueryRule:
    """A query parameter to drop: matched by name (case-insensitive) and optionally by value.

    `name` ending in `*` is a prefix. `value`, when given, must equal the parameter's value
    (case-insensitive) for the rule to apply.
    """

    name: str
    value: str | None = None

    def matches(self, key: str, val: str) -> bool:
        key = key.casefold()
        pattern = self.name.casefold()
        hit = key.startswith(pattern[:-1]) if pattern.endswith("*") else key == pattern
        return hit and (self.value is None or val.casefold() == self.value.casefold())


def _rules(*specs: str) -> tuple[QueryRule, ...]:
    """Build rules from `name` or `name=value` strings."""
    out = []
    for spec in specs:
        name, _, value = spec.partition("=")
        out.append(QueryRule(name, value or None))
    return tuple(out)


# Parameters that only say where a click came from; removing them never changes the page.
TRACKING_PARAMETERS: tuple[QueryRule, ...] = _rules(
    # campaign tags: Google Analytics, Matomo/Piwik, Webtrends (WT.mc_id, wt_mc), HubSpot ads
    "utm_*",
    "mtm_*",
    "pk_campaign",
    "pk_kwd",
    "pk_source",
    "pk_medium",
    "WT.*",
    "wt_*",
    "hsa_*",
    # click ids of ad and social platforms
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "ttclid",
    "li_fat_id",
    "igshid",
    "igsh",
    "_ga",
    "_gl",
    "rb_clickid",
    "_branch_match_id",
    # Facebook share plumbing
    "fb_action_ids",
    "fb_action_types",
    "fb_source",
    "fb_ref",
    "action_object_map",
    "action_type_map",
    "action_ref_map",
    # mailing tools: Mailchimp, HubSpot, Marketo, Eloqua, Vero, Omeda
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "__hstc",
    "__hssc",
    "__hsfp",
    "hsCtaTracking",
    "mkt_tok",
    "elqTrackId",
    "elqTrack",
    "elqaid",
    "elqat",
    "vero_id",
    "vero_conv",
    "oly_anon_id",
    "oly_enc_id",
    # social schedulers and share widgets
    "hootPostID",
    "platform=hootsuite",
    "soc_src",
    "soc_trk",
    "ref_src",
    "s_cid",
    # publisher referral tags: Elsevier/ScienceDirect and IEEE (Lagotto removes the last two)
    "dgcid",
    "via=ihub",
    "reload=true",
)

# Session identifiers that servers put in URLs; they never identify a page.
SESSION_PARAMETERS: tuple[QueryRule, ...] = _rules(
    "jsessionid",
    "phpsessid",
    "aspsessionid*",
    "cfid",
    "cftoken",
)

# `;jsessionid=...` (J2EE) path parameter, in the path or glued onto the last query value.
_PATH_SESSION_RE = re.compile(r";(?:jsessionid|phpsessid|sid)=[^?#&/]*", re.IGNORECASE)

# Substrings of resolved URLs that mean "not the work's landing page" (cookie walls, errors).
NON_LANDING_PAGE_MARKERS: tuple[str, ...] = (
    "/action/cookieabsent",  # Atypon sites (Taylor & Francis, Informa Healthcare, ...)
    "cookieabsent",
    "cookies_not_supported",  # Springer Nature
    "/cookie-absent",
    "/nocookies",
    "/error/cookie",
)

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PATH_SAFE = _UNRESERVED | frozenset("!$&'()*+,;=:@/")
_QUERY_SAFE = _UNRESERVED | frozenset("&=+;")
_FRAGMENT_SAFE = _UNRESERVED | frozenset("!$&'()*+,;=:@/?")
_HEX = frozenset("0123456789abcdefABCDEF")
_ASCII_HOST_RE = re.compile(r"^[a-z0-9._-]+$")
_WHITESPACE_IN_URL_RE = re.compile(r"[\t\n\r]")
_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _canonical_escapes(text: str, safe: frozenset[str]) -> str:
    """Decode escapes of unreserved characters, upper-case the rest, escape unsafe characters."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "%" and i + 2 < n and text[i + 1] in _HEX and text[i + 2] in _HEX:
            decoded = chr(int(text[i + 1 : i + 3], 16))
            out.append(decoded if decoded in _UNRESERVED else "%" + text[i + 1 : i + 3].upper())
            i += 3
            continue
        if ch in safe:
            out.append(ch)
        else:
            out.extend(f"%{byte:02X}" for byte in ch.encode("utf-8", "surrogatepass"))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4."""
    if "." not in path:
        return path
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    result = "/".join(output)
    if path.startswith("/") and not result.startswith("/"):
        result = "/" + result
    return result


def _normalize_host(host: str) -> str:
    host = host.rstrip(".").lower()
    if not host:
        raise ValueError("URL has no host")
    if ":" in host:
        try:
            return f"[{ipaddress.IPv6Address(host.strip('[]')).compressed}]"
        except ValueError as exc:
            raise ValueError(f"invalid IPv6 host: {host!r}") from exc
    if host.isascii():
        if not _ASCII_HOST_RE.match(host):
            raise ValueError(f"invalid host: {host!r}")
        return host
    try:
        if _idna is not None:
            return _idna.encode(host, uts46=True).decode("ascii")
        return host.encode("idna").decode("ascii")  # pragma: no cover
    except (UnicodeError, ValueError) as exc:  # idna.IDNAError is a UnicodeError
        raise ValueError(f"invalid internationalised host: {host!r}") from exc


def _split(url: str) -> SplitResult:
    """Split a URL the way browsers read it: trimmed, without tabs and newlines."""
    if not isinstance(url, str):
        raise TypeError(f"URL must be a string, not {type(url).__name__}")
    text = _WHITESPACE_IN_URL_RE.sub("", url.strip(" \t\n\r\f\v\x00"))
    if not _SCHEME_RE.match(text):
        raise ValueError(f"not an absolute URL: {url[:200]!r}")
    try:
        return urlsplit(text)
    except ValueError as exc:
        raise ValueError(f"unparseable URL: {url[:200]!r}") from exc


def _keep_param(key: str, value: str, rules: tuple[QueryRule, ...]) -> bool:
    return not any(rule.matches(key, value) for rule in rules)


def _normalize_query(query: str) -> str:
    kept: list[str] = []
    for part in query.split("&"):
        if not part:
            continue
        part = _PATH_SESSION_RE.sub("", part)
        key, _, value = part.partition("=")
        plain_key = _percent_decode_ascii(key)
        plain_value = _percent_decode_ascii(value)
        if not _keep_param(plain_key, plain_value, TRACKING_PARAMETERS + SESSION_PARAMETERS):
            continue
        if part:
            kept.append(_canonical_escapes(part, _QUERY_SAFE))
    return "&".join(kept)


def _percent_decode_ascii(text: str) -> str:
    """Decode %XX escapes for matching parameter names and values (never for output)."""
    if "%" not in text:
        return text
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), text)


def _keep_fragment(fragment: str) -> bool:
    """Keep fragments that route single-page applications (`#!/...`, `#/...`)."""
    return fragment.startswith(("!", "/"))


def normalize_url(url: str) -> str:
    """Return the canonical form of an absolute URL.

    Raises ValueError when `url` is not an absolute URL with a valid host. Non-HTTP URLs
    (mailto:, ftp:, ...) only get their scheme lower-cased.
    """
    parts = _split(url)
    scheme = parts.scheme.lower()
    if scheme not in _HTTP_SCHEMES:
        return urlunsplit((scheme, parts.netloc, parts.path, parts.query, parts.fragment))

    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"invalid port in URL: {url[:200]!r}") from exc
    host = _normalize_host(parts.hostname or "")
    netloc = host
    if parts.username is not None or parts.password is not None:
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = f"{_canonical_escapes(userinfo, _UNRESERVED | frozenset(':'))}@{host}"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"

    path = parts.path.replace("\\", "/")
    path = _PATH_SESSION_RE.sub("", path)
    path = _remove_dot_segments(_canonical_escapes(path, _PATH_SAFE)) or "/"
    query = _normalize_query(parts.query)
    fragment = parts.fragment if _keep_fragment(parts.fragment) else ""
    fragment = _canonical_escapes(fragment, _FRAGMENT_SAFE)
    return urlunsplit((scheme, netloc, path, query, fragment))


def is_http_url(url: object) -> bool:
    """True for an absolute http(s) URL with a valid host."""
    if not isinstance(url, str) or not url.strip():
        return False
    try:
        parts = _split(url)
        if parts.scheme.lower() not in _HTTP_SCHEMES:
            return False
        _ = parts.port
        _normalize_host(parts.hostname or "")
    except ValueError:
        return False
    return True


def _host_and_path(url: str) -> tuple[str, str]:
    parts = urlsplit(normalize_url(url))
    path = parts.path.rstrip("/") or "/"
    return (parts.hostname or "").casefold(), path.casefold()


def url_equality(a: str | None, b: str | None) -> UrlEquality | None:
    """How equal two http(s) URLs are, as the Crossref percolator grades landing pages.

    - "exact": the same URL once normalised (scheme, host case, tracking parameters, ...);
    - "basic": same host and path, ignoring scheme, query, case and a trailing slash;
    - None: different, or either is missing or not an http(s) URL.
    """
    if not (is_http_url(a) and is_http_url(b)):
        return None
    assert a is not None and b is not None
    if a == b or normalize_url(a) == normalize_url(b):
        return "exact"
    if _host_and_path(a) == _host_and_path(b):
        return "basic"
    return None


def is_non_landing_page(url: str) -> bool:
    """True when a resolved URL is a cookie wall or error page rather than a landing page."""
    lowered = url.casefold()
    return any(marker in lowered for marker in NON_LANDING_PAGE_MARKERS)


def clean_resolved_url(url: str | None) -> str | None:
    """Clean the URL a DOI resolved to (Lagotto's rules), or None when it is not usable.

    Returns None for missing or non-http(s) URLs and for cookie walls and error pages, which
    must count as "could not be resolved", never as the work's landing page. Otherwise the URL
    is normalised (session ids and tracking parameters removed, query percent-encoded) and a
    trailing slash after a non-empty path is dropped.
    """
    if not is_http_url(url):
        return None
    assert url is not None
    if is_non_landing_page(url):
        return None
    normalized = normalize_url(url)
    parts = urlsplit(normalized)
    path = parts.path.rstrip("/") if parts.path != "/" else parts.path
    return urlunsplit((parts.scheme, parts.netloc, path or "/", parts.query, parts.fragment))
