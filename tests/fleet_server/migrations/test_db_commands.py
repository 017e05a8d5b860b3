"""`fleet db upgrade` and `fleet db current` as an operator runs them, on a SQLite file; and
`fleet serve` refusing a database behind head when it may not upgrade it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from fleet_server.migrations.config import head_revision
from tests.fleet_server.migrations.databases import make_as_before_migrations
from tests.system import script

ROOT = Path(__file__).resolve().parents[3]


def _fleet(url: str, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    # This checkout's code, whichever one the console script was installed from.
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "FLEET_DATABASE_URL": url, **settings}
    return subprocess.run(
        [script("fleet"), *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_upgrade_creates_an_empty_database_and_current_says_where_it_stands(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'fleet.db'}"
    head = head_revision()

    empty = _fleet(url, "db", "current")
    assert empty.returncode == 1
    assert "empty (no revision)" in empty.stdout and head in empty.stdout

    upgraded = _fleet(url, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"created the schema; now at revision {head} (head)" in upgraded.stdout

    current = _fleet(url, "db", "current")
    assert current.returncode == 0, current.stderr
    assert current.stdout.strip() == f"database at revision {head} (head)"


def test_upgrade_adopts_a_database_made_before_migrations(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fleet.db'}"
    make_as_before_migrations(url)

    adopted = _fleet(url, "db", "upgrade")
    assert adopted.returncode == 0, adopted.stderr
    assert "adopted the database made before migrations" in adopted.stdout
    assert _fleet(url, "db", "current").returncode == 0


def test_serve_refuses_a_database_behind_head_naming_the_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fleet.db'}"
    refused = _fleet(url, "serve", "--port", "9", FLEET_DATABASE_AUTO_UPGRADE="false")
    assert refused.returncode == 1
    assert "fleet db upgrade" in refused.stderr and "empty" in refused.stderr
