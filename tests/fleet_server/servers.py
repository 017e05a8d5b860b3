"""A fleet server running in the test process, with a client for its API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient

from fleet_server.accounts.models import Role
from fleet_server.app import create_app
from fleet_server.settings import FleetSettings
from tests.fleet_server.callers import api_key
from tests.waiting import wait_until


@contextmanager
def running_server(settings: FleetSettings) -> Iterator[TestClient]:
    """A running server (lifespan, gateway and batch writer) with a client for its API.

    The client sends an admin's API key with every request unless the request names its own
    credentials (tests about roles) or is made inside `without_credentials`.
    """
    with TestClient(create_app(settings)) as test_client:
        test_client.headers.update(api_key(test_client, "tests-admin", Role.ADMIN))
        wait_until(
            lambda: test_client.get("/api/v1/health").json()["mqtt_connected"],
            what="the gateway to connect",
        )
        yield test_client
