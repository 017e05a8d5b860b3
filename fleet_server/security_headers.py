"""Security headers on every HTTP response: a Content-Security-Policy without inline script,
no framing, no MIME sniffing, no referrer, and API answers that are never cached.

A pure ASGI middleware; a header a route sets itself is left as it is.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The console (and every other answer): its own scripts, styles and images only, from this
# origin; data: and blob: images (the favicon, coverage images fetched with credentials); no
# inline script or style, no plugins, no <base>, never inside a frame.
CONSOLE_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# FastAPI's API documentation pages (Swagger UI, ReDoc) load their bundles from the jsDelivr
# CDN and start them with an inline script; those pages alone allow that. They show only the
# OpenAPI document; framing, plugins and <base> stay forbidden.
DOCS_PATHS = ("/docs", "/redoc")
DOCS_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' https://cdn.jsdelivr.net 'unsafe-inline'",
        "style-src 'self' https://cdn.jsdelivr.net https://fonts.googleapis.com 'unsafe-inline'",
        "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly",
        "font-src 'self' https://fonts.gstatic.com",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
API_PREFIX = "/api/"
# Tokens, records and robots' positions: no cache (a shared proxy's, or the browser's) keeps them.
API_CACHE_CONTROL = "no-store"


def headers_for(path: str) -> dict[str, str]:
    """The security headers a response to `path` gets (unless the route set them itself)."""
    docs = any(path == p or path.startswith(p + "/") for p in DOCS_PATHS)
    headers = {"Content-Security-Policy": DOCS_POLICY if docs else CONSOLE_POLICY}
    headers |= COMMON_HEADERS
    if path.startswith(API_PREFIX):
        headers["Cache-Control"] = API_CACHE_CONTROL
    return headers


class SecurityHeaders:
    """Adds `headers_for(path)` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = headers_for(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in wanted.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
