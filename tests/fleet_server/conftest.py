"""Server fixtures: every server test runs on SQLite and on PostgreSQL, against real Mosquitto."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from fleet_server.settings import DEFAULT_SITES_DIR, FleetSettings
from tests.broker import MosquittoBroker
from tests.databases import (
    engine_at_head,
    fresh_postgres_database,
    postgres_admin_url,
    sqlite_database,
)
from tests.fleet_server.servers import running_server
from tests.fleet_server.small_site import SMALL_SITE


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL, schema at head: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield sqlite_database(tmp_path / "fleet.db")
        return
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip("no PostgreSQL reachable (set FLEET_TEST_POSTGRES_URL)")
    with fresh_postgres_database(admin) as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test's database, schema created."""
    engine = engine_at_head(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sites_dir(tmp_path: Path) -> Path:
    """The test square and the demo site."""
    folder = tmp_path / "sites"
    folder.mkdir()
    (folder / "square.yaml").write_text(yaml.safe_dump(SMALL_SITE))
    for path in DEFAULT_SITES_DIR.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture
def settings(database_url: str, broker: MosquittoBroker, sites_dir: Path) -> FleetSettings:
    """Settings with short timers so tests see offline robots and batches quickly."""
    return FleetSettings(
        database_url=database_url,
        mqtt_url=broker.url,
        sites_dir=sites_dir,
        # The tests' robots are not registered first (test_auto_register.py tests that off).
        auto_register=True,
        offline_timeout_s=2.0,
        offline_check_interval_s=0.2,
        flush_interval_s=0.2,
        telemetry_interval_s=0.5,
        # Robots set to a low charge would go and charge by themselves; the tests of that
        # (missions/test_charger_use.py) turn it on.
        idle_charge_below_percent=0.0,
    )


@pytest.fixture
def client(settings: FleetSettings) -> Iterator[TestClient]:
    """A running server with the test settings, and a client for its API."""
    with running_server(settings) as test_client:
        yield test_client
