"""HTTP hardening around the whole app: the client address behind a proxy, request body limits and the
security headers of every response. Pure ASGI middleware, so nothing reaches a route (or reads a body)
before these checks.

- Client address: proxy headers (`X-Forwarded-For`, `X-Forwarded-Proto`) are honoured only when the
  connection comes from an address in HANDOFF_TRUSTED_PROXIES (uvicorn's ProxyHeadersMiddleware with that
  list); by default nobody is trusted and the socket's peer is the client, so a forged header cannot pick
  the address that sign-in throttling keys on.
- Body limits: a declared `Content-Length` over the limit is refused with 413 before the app runs; a
  streamed body is counted as it is read (Starlette's RequestBodyLimitMiddleware) and refused the moment it
  passes the limit. Uploads get HANDOFF_MAX_FILE_MB plus multipart overhead, everything else
  HANDOFF_MAX_REQUEST_KB.
- Headers: a CSP without inline script, eval or framing; nosniff; no referrer; `no-store` on everything but
  static assets and responses that set their own caching (page images: private); HSTS over HTTPS.
"""

from collections.abc import Collection
from typing import Any, Final, cast

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.problems import problem

MULTIPART_OVERHEAD: Final = 64 * 1024
CSP: Final = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Swagger UI (served from the package, signed-in only) sets inline styles; its scripts are still files.
DOCS_CSP: Final = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
DOCS_PATH: Final = "/docs"
STATIC_PREFIX: Final = "/static/"
HEADERS: Final = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS: Final = "max-age=31536000; includeSubDomains"


class SecurityHeadersMiddleware:
    """Adds the security headers to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
                headers.setdefault("content-security-policy", DOCS_CSP if path == DOCS_PATH else CSP)
                if not path.startswith(STATIC_PREFIX):
                    headers.setdefault("cache-control", "no-store")
                if https:
                    headers.setdefault("strict-transport-security", HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimitMiddleware:
    """Refuses request bodies over the limit of their route with 413, before or while they are read."""

    def __init__(
        self, app: ASGIApp, *, default_bytes: int, upload_bytes: int, upload_paths: Collection[str]
    ) -> None:
        self.app = app
        self.default_bytes = default_bytes
        self.upload_bytes = upload_bytes + MULTIPART_OVERHEAD
        self.upload_paths = frozenset(upload_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_bytes if scope["path"] in self.upload_paths else self.default_bytes
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            response = problem(
                413,
                "request_too_large",
                "The request is over the size limit",
                f"the request body is {_size(int(declared))}; this address takes at most {_size(limit)}",
            )
            await response(scope, receive, send)
            return
        await RequestBodyLimitMiddleware(self.app, limit)(scope, receive, send)


def trusted_proxy_headers(app: ASGIApp, trusted: Collection[str]) -> ASGIApp:
    """The app behind uvicorn's proxy-header handling for the listed proxies only (none: the app itself)."""
    if not trusted:
        return app
    return cast(ASGIApp, ProxyHeadersMiddleware(cast(Any, app), trusted_hosts=list(trusted)))


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / 1024 / 1024:.1f} MB"
    return f"{count / 1024:.0f} KB"
