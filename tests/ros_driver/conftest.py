"""The ROS 2 driver package on sys.path (a colcon package, not pip-installed); its setup.py;
and DDS kept on this machine, a domain per test worker."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path
from typing import Any

import pytest
import setuptools

from tests.ros_environment import configure_ros_environment

PACKAGE_ROOT = Path(__file__).resolve().parents[2] / "ros_ws" / "src" / "fleet_robot_driver"

# Set before any test initialises rclpy: shared memory only, discovery on localhost, and each
# pytest-xdist worker its own domain, so parallel tests never see each other's nodes.
configure_ros_environment()


if str(PACKAGE_ROOT) not in sys.path:
    sys.path.append(str(PACKAGE_ROOT))


def setup_keywords(root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What a ROS package's setup.py passes to setup(), run in its own folder as colcon does."""
    captured: dict[str, Any] = {}
    monkeypatch.chdir(root)
    monkeypatch.setattr(setuptools, "setup", lambda **keywords: captured.update(keywords))
    runpy.run_path(str(root / "setup.py"))
    return captured
