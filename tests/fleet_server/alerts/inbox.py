"""Reading the alert inbox in tests: a page of alerts by filters, and waiting for one."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.waiting import wait_until


def alerts(client: TestClient, **filters: Any) -> list[dict[str, Any]]:
    """The alerts the filters admit, newest first (as GET /alerts pages them)."""
    response = client.get("/api/v1/alerts", params=filters)
    assert response.status_code == 200, response.text
    return list(response.json()["alerts"])


def wait_for_alert(client: TestClient, kind: str, **filters: Any) -> dict[str, Any]:
    """The newest alert of a kind, once there is one."""
    found = wait_until(lambda: alerts(client, kind=kind, **filters), what=f"a {kind} alert")
    return found[0]
