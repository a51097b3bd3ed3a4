"""What a fetch gives back: :class:`FetchResult`, and :class:`Reason`, why a fetch failed."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Reason(StrEnum):
    """Why a fetch gave no usable answer (``FetchResult.reason_code``); compares equal to str."""

    BAD_URL = "bad-url"  # not an absolute URL with a host, or with user:password@
    BAD_SCHEME = "bad-scheme"  # not http or https
    SSRF_BLOCKED = "ssrf-blocked"  # the host is or resolves to a refused address
    DNS_ERROR = "dns-error"  # the host name does not resolve
    CONNECTION_ERROR = "connection-error"  # refused, reset, TLS failure
    TIMEOUT = "timeout"  # the total time or a single read ran over its limit
    TOO_LARGE = "too-large"  # the body, on the wire or decoded, is over its limit
    BAD_ENCODING = "bad-encoding"  # corrupt or unsupported Content-Encoding
    BAD_RESPONSE = "bad-response"  # not valid HTTP, or the connection broke mid-body
    REDIRECT_LOOP = "redirect-loop"  # a redirect came back to a URL already visited
    TOO_MANY_REDIRECTS = "too-many-redirects"
    ROBOTS_DISALLOWED = "robots-disallowed"  # robots.txt forbids it (or could not be read)
    RATE_LIMITED = "rate-limited"  # 429 / 503 with a Retry-After longer than we wait
    HOST_BUSY = "host-busy"  # waited too long for a turn at the host (local queue)
    BAD_STATUS = "bad-status"  # the final answer is not 2xx
    NOT_HTML = "not-html"  # the content type is not one the caller accepts
    INTERNAL_ERROR = "internal-error"  # a bug: logged with its traceback


# Local conditions, not facts about the URL: never cached.
UNCACHED_REASONS = frozenset({Reason.HOST_BUSY, Reason.RATE_LIMITED, Reason.INTERNAL_ERROR})


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The outcome of fetching (or resolving) one URL. ``error`` and ``reason_code`` are both
    ``None`` exactly when the fetch succeeded.

    ``redirects`` lists, in order, the URLs that answered with a redirect (the first is ``url``
    when there was any); ``final_url`` is the last URL requested. ``headers`` are the final
    answer's, names in lower case (repeated headers joined with ", "). ``charset`` is the one
    declared in ``Content-Type`` (not checked: it may lie; :meth:`text` copes). ``body`` is the
    decoded body, or ``None`` when it was not read (errors, ``resolve``, ``HEAD``).
    """

    url: str
    final_url: str
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    content_type: str | None = None
    charset: str | None = None
    redirects: tuple[str, ...] = ()
    error: str | None = None
    reason_code: Reason | None = None
    elapsed: float = 0.0
    from_cache: bool = False

    @property
    def ok(self) -> bool:
        return self.reason_code is None

    @property
    def chain(self) -> tuple[str, ...]:
        """Every URL requested, from ``url`` to ``final_url``."""
        return (*self.redirects, self.final_url)

    def text(self) -> str | None:
        """The body decoded as a browser would (declared charset, meta tag, UTF-8, cp1252)."""
        if self.body is None:
            return None
        from altscope.percolate.html import decode_html

        return decode_html(self.body, self.charset)

    def cached(self) -> FetchResult:
        return replace(self, from_cache=True)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (body in base64), for caches that store results outside memory."""
        return {
            "url": self.url,
            "final_url": self.final_url,
            "status": self.status,
            "headers": dict(self.headers),
            "body": None if self.body is None else base64.b64encode(self.body).decode("ascii"),
            "content_type": self.content_type,
            "charset": self.charset,
            "redirects": list(self.redirects),
            "error": self.error,
            "reason_code": None if self.reason_code is None else str(self.reason_code),
            "elapsed": self.elapsed,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FetchResult:
        """The inverse of :meth:`to_dict`."""
        body = data.get("body")
        reason = data.get("reason_code")
        return cls(
            url=data["url"],
            final_url=data["final_url"],
            status=data.get("status"),
            headers=dict(data.get("headers") or {}),
            body=None if body is None else base64.b64decode(body),
            content_type=data.get("content_type"),
            charset=data.get("charset"),
            redirects=tuple(data.get("redirects") or ()),
            error=data.get("error"),
            reason_code=None if reason is None else Reason(reason),
            elapsed=float(data.get("elapsed") or 0.0),
        )
