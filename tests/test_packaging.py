"""The server's data comes from the installed `missions` package, never from the source tree.

The wheel's round trip (build, install elsewhere, run `fleet demo`) is .ci/wheel_smoke.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest

from fleet_server.schedules.templates import checked_template_files
from fleet_server.settings import (
    DEFAULT_SITES_DIR,
    DEFAULT_TEMPLATES_DIR,
    FleetSettings,
    packaged_data_dir,
)
from fleet_server.sites.sites import SiteRegistry

REPOSITORY = Path(__file__).resolve().parents[1]
SHIPPED_PACKAGES = ["fleet_protocol", "fleet_server", "robot_agent", "simulation", "missions"]
# A path built from a module's own location that climbs out of its package.
CLIMBS_OUT = re.compile(r"__file__.*(parents\s*\[|\.parent\.parent)|PROJECT_ROOT")


def test_the_demo_site_and_the_templates_are_found_through_the_package() -> None:
    assert packaged_data_dir("sites") == Path(str(files("missions") / "sites"))
    assert (files("missions") / "sites" / "longgang-demo.yaml").is_file()
    sites = SiteRegistry.from_directory(packaged_data_dir("sites"))
    assert [site.id for site in sites.all()] == ["longgang-demo"]
    # Every shipped template is for the demo site, so each one loads (none skipped).
    templates = checked_template_files(packaged_data_dir("templates"), sites)
    assert len(templates) == len(list(packaged_data_dir("templates").glob("*.yaml"))) >= 6


def test_settings_default_to_the_packaged_folders_and_the_environment_overrides_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FLEET_SITES_DIR", raising=False)
    monkeypatch.delenv("FLEET_TEMPLATES_DIR", raising=False)
    settings = FleetSettings()
    assert settings.sites_dir == DEFAULT_SITES_DIR == packaged_data_dir("sites")
    assert settings.templates_dir == DEFAULT_TEMPLATES_DIR == packaged_data_dir("templates")

    monkeypatch.setenv("FLEET_SITES_DIR", str(tmp_path / "sites"))
    monkeypatch.setenv("FLEET_TEMPLATES_DIR", str(tmp_path / "templates"))
    settings = FleetSettings()
    assert settings.sites_dir == tmp_path / "sites"
    assert settings.templates_dir == tmp_path / "templates"


def test_an_editable_install_reads_the_checkouts_missions_folder(tmp_path: Path) -> None:
    # From a folder outside the checkout, so only the installed package can find it: an edit
    # of missions/ shows without reinstalling.
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "from fleet_server.settings import DEFAULT_SITES_DIR, DEFAULT_TEMPLATES_DIR\n"
            "print(DEFAULT_SITES_DIR)\nprint(DEFAULT_TEMPLATES_DIR)",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert found.returncode == 0, f"installed with pip install -e . ?\n{found.stderr}"
    assert found.stdout.splitlines() == [
        str(REPOSITORY / "missions" / "sites"),
        str(REPOSITORY / "missions" / "templates"),
    ]


def test_shipped_code_reads_no_file_outside_its_package() -> None:
    climbing = [
        f"{path.relative_to(REPOSITORY)}:{number}: {line.strip()}"
        for package in SHIPPED_PACKAGES
        for path in sorted((REPOSITORY / package).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if CLIMBS_OUT.search(line)
    ]
    assert climbing == []
