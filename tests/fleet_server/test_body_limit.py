"""Request bodies over FLEET_MAX_BODY_BYTES are refused with 413 before they are parsed, whether
they declare their length or stream it in chunks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fleet_server.body_limit import BodyLimit
from fleet_server.settings import FleetSettings
from tests.fleet_server.servers import running_server

LIMIT = 4096


@pytest.fixture
def limited(settings: FleetSettings) -> Iterator[TestClient]:
    """A server that takes bodies of at most LIMIT bytes."""
    with running_server(settings.model_copy(update={"max_body_bytes": LIMIT})) as client:
        yield client


def _report(padding: int) -> bytes:
    """A valid incident report, `padding` spaces longer than it needs to be."""
    body = {"type": "crowd", "site": "square", "node": "A", "source": "camera-7"}
    return json.dumps(body).encode() + b" " * padding


def _refused(response: Any) -> None:
    assert response.status_code == 413, response.text
    assert response.json() == {
        "detail": f"request body too large: at most {LIMIT} bytes are accepted",
        "code": "request.body_too_large",
        "params": {"limit": LIMIT},
    }


def test_a_body_declared_too_large_is_refused_and_nothing_is_stored(limited: TestClient) -> None:
    headers = {"content-type": "application/json"}
    _refused(limited.post("/api/v1/incidents", content=_report(LIMIT), headers=headers))
    assert limited.get("/api/v1/incidents").json() == []
    # Just within the limit it is an ordinary request.
    fits = _report(LIMIT - len(_report(0)))
    assert len(fits) == LIMIT
    assert limited.post("/api/v1/incidents", content=fits, headers=headers).status_code == 201


def test_a_body_streamed_without_a_length_is_counted(limited: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield _report(0)
        for _ in range(100):
            yield b" " * 1024

    response = limited.post(
        "/api/v1/incidents", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    _refused(response)
    assert limited.get("/api/v1/incidents").json() == []
    # The limit holds for forms (logging in) too, before any password is checked.
    form = {"username": "li.wei", "password": "x" * 1000}
    limited.headers.pop("X-API-Key")
    _refused(limited.post("/api/v1/auth/token", data=form | {"padding": "y" * LIMIT}))
    assert limited.get("/api/v1/health").json()["logins"]["failed"] == 0


class _Downstream:
    """The app behind the limit: records the body it was given."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


async def _call(
    app: Any, chunks: list[bytes], headers: list[tuple[bytes, bytes]]
) -> tuple[list[dict[str, Any]], int]:
    """Send a request streamed in `chunks`; the messages sent back and how many were read."""
    read = 0

    async def receive() -> dict[str, Any]:
        nonlocal read
        if read == len(chunks):
            return {"type": "http.disconnect"}
        read += 1
        return {"type": "http.request", "body": chunks[read - 1], "more_body": read < len(chunks)}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
    await app(scope, receive, send)
    return sent, read


async def test_a_stream_is_cut_off_as_soon_as_it_passes_the_limit() -> None:
    downstream = _Downstream()
    app = BodyLimit(downstream, max_bytes=LIMIT)
    chunks = [b"x" * 1000] * 100
    sent, read = await _call(app, chunks, headers=[])
    assert sent[0]["status"] == 413
    assert (b"connection", b"close") in sent[0]["headers"]
    assert read == 5, "the fifth kilobyte passes the limit; nothing after it is read"
    assert downstream.bodies == []
    # A length that understates the body does not get it in.
    lie = [(b"content-length", b"10")]
    sent, read = await _call(app, chunks, headers=lie)
    assert sent[0]["status"] == 413 and read == 5 and downstream.bodies == []
    # A declared length over the limit is answered without reading anything.
    sent, read = await _call(app, chunks, headers=[(b"content-length", b"100000")])
    assert sent[0]["status"] == 413 and read == 0
    # Within the limit, the app gets the whole body, in one piece.
    sent, read = await _call(app, [b"a" * 1000, b"b" * 1000], headers=[])
    assert sent[0]["status"] == 204
    assert downstream.bodies == [b"a" * 1000 + b"b" * 1000]
