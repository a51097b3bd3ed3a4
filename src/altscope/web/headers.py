"""Security headers on every answer, and CORS for what other sites embed or call.

Every response gets a Content-Security-Policy (unless the route set its own),
``X-Content-Type-Options: nosniff`` and a Referrer-Policy. Badges, ``embed.js`` and the
read-only APIs (``/badge/``, ``/embed.js``, ``/v1/``, ``/api/``) answer any origin
(``Access-Control-Allow-Origin: *``, never with credentials); preflight ``OPTIONS`` requests
there are answered here. Pure ASGI middleware: it only appends precomputed header pairs.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'self'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]
CSP = (b"content-security-policy", CONTENT_SECURITY_POLICY.encode())
CORS_PREFIXES = ("/badge/", "/embed.js", "/v1/", "/api/")
CORS_METHODS = {"GET", "HEAD", "POST"}
CORS_HEADERS: list[tuple[bytes, bytes]] = [
    (b"access-control-allow-origin", b"*"),
    (
        b"access-control-expose-headers",
        b"ETag, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset",
    ),
]
PREFLIGHT_HEADERS: list[tuple[bytes, bytes]] = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-allow-methods", b"GET, HEAD, POST, OPTIONS"),
    (b"access-control-allow-headers", b"Content-Type, If-None-Match, X-API-Key"),
    (b"access-control-max-age", b"86400"),
    (b"content-length", b"0"),
]


#: What the middleware adds to an answer of a cross-origin path (``/badge/``, ``/v1/``) that
#: sets no CSP of its own: for hot paths that answer before the middleware runs.
CORS_ANSWER_HEADERS: list[tuple[bytes, bytes]] = [CSP, *SECURITY_HEADERS, *CORS_HEADERS]


def is_cors_path(path: str) -> bool:
    return path.startswith(CORS_PREFIXES)


def _has_origin(scope: Scope) -> bool:
    return any(key == b"origin" for key, _ in scope.get("headers", ()))


class SecurityHeadersMiddleware:
    """Adds the security headers, and CORS headers on the public cross-origin paths."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cors = is_cors_path(scope["path"])
        if cors and scope["method"] == "OPTIONS" and _has_origin(scope):
            await send(
                {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [*PREFLIGHT_HEADERS, *SECURITY_HEADERS, CSP],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        cors = cors and scope["method"] in CORS_METHODS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if not any(key.lower() == b"content-security-policy" for key, _ in headers):
                    headers.append(CSP)
                headers.extend(SECURITY_HEADERS)
                if cors:
                    headers.extend(CORS_HEADERS)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
