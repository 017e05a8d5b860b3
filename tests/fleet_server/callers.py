"""Calling the API in tests: API keys by role, creating records, valid credit codes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from fleet_server.accounts.models import Role
from fleet_server.vouchers.uscc import check_character

API_KEY_HEADER = "X-API-Key"


def api_key(client: TestClient, name: str, role: Role) -> dict[str, str]:
    """Headers carrying a new API key with this role."""
    _, key = client.app.state.fleet.accounts.create_api_key(name, role)  # type: ignore[attr-defined]
    return {API_KEY_HEADER: key}


@contextmanager
def without_credentials(client: TestClient) -> Iterator[TestClient]:
    """The client without the admin key it sends by default (see servers.running_server)."""
    key = client.headers.pop(API_KEY_HEADER)
    try:
        yield client
    finally:
        client.headers[API_KEY_HEADER] = key


def create_record(client: TestClient, url: str, body: dict[str, Any], who: dict[str, str]) -> Any:
    """POST a new record and return it, asserting it was created."""
    response = client.post(url, json=body, headers=who)
    assert response.status_code == 201, response.text
    return response.json()


def credit_code(serial: int) -> str:
    """A valid Unified Social Credit Code, different for each serial."""
    first17 = f"91440307MA{serial:07d}"
    return first17 + check_character(first17)
