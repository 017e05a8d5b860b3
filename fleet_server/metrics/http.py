"""HTTP requests counted by route template (never the raw path: ids would make a series each)
and status, with a latency histogram; an ASGI middleware, so streaming answers are timed whole."""

from __future__ import annotations

import time
from typing import Any

from fastapi import routing
from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Absent from a FastAPI that includes routers eagerly: app.routes then lists every route whole.
_route_contexts = getattr(routing, "iter_route_contexts", None)

# A request no route matched (a 404 for an unknown path, a scanner's probe): one label for all.
UNMATCHED = "unmatched"
# Any other method (a client may send any word) is counted as this one.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD = "other"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class HttpMetrics:
    """Requests by method, route template and status, and their latency."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "fleet_http_requests",
            "HTTP requests answered, by method, route template and status code",
            ["method", "route", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "fleet_http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer, by method and route template",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request."""
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)


def route_templates(routes: list[BaseRoute]) -> dict[int, str]:
    """The full path template of each route object the router may put in a request's scope
    (an included router's routes are known by their own path, without its prefix)."""
    if _route_contexts is None:
        return {id(route): getattr(route, "path", "") for route in routes}
    return {id(c.original_route): c.path or "" for c in _route_contexts(routes)}


class RequestMetrics:
    """Times every HTTP request and counts it under the template of the route that took it;
    the app's HttpMetrics are found on app.state.fleet (none before the lifespan started)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._templates: dict[int, str] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; count it when it is answered."""
        fleet = getattr(scope["app"].state, "fleet", None) if scope["type"] == "http" else None
        if fleet is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises before answering

        async def sent(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sent)
        finally:
            method = scope["method"] if scope["method"] in METHODS else OTHER_METHOD
            seconds = time.perf_counter() - started
            fleet.metrics.http.observe(method, self._template(scope), status, seconds)

    def _template(self, scope: Scope) -> str:
        route: Any = scope.get("route")
        if route is None:
            # A mounted app (the console's files) leaves no route, only its path in root_path.
            mounted = scope.get("root_path", "")[len(scope.get("app_root_path", "")) :]
            return mounted or UNMATCHED
        if self._templates is None:
            self._templates = route_templates(scope["app"].routes)
        return self._templates.get(id(route)) or getattr(route, "path", None) or UNMATCHED
