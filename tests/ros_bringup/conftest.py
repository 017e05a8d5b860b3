"""Puts the ROS 2 bringup package on sys.path (a colcon package, not pip-installed), and the
driver package beside it, whose parameter names the bringup's driver parameters must match."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from fleet_protocol.site import Site
from simulation.site_file import load_site

REPOSITORY = Path(__file__).resolve().parents[2]
PACKAGE_ROOT = REPOSITORY / "ros_ws" / "src" / "fleet_bringup"
DRIVER_ROOT = REPOSITORY / "ros_ws" / "src" / "fleet_robot_driver"
DEMO_SITE = REPOSITORY / "missions" / "sites" / "longgang-demo.yaml"

for root in (PACKAGE_ROOT, DRIVER_ROOT):
    if str(root) not in sys.path:
        sys.path.append(str(root))


@pytest.fixture(scope="module")
def demo_site() -> Site:
    """The demo site of the repository."""
    return load_site(DEMO_SITE)
