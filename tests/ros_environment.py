"""DDS kept on this machine for the ROS 2 tests, and a domain of its own for each test worker.

Imported by the ROS test folders' conftest files before any test initialises rclpy.
FLEET_TEST_ROS_DOMAIN_BASE moves the domains (default 60: worker gwN gets 60 + N), so that two
checkouts tested at once on one machine do not see each other's nodes.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest

DEFAULT_DOMAIN_BASE = 60
# ROS_DOMAIN_ID is at most 101 with Fast DDS's default ports (232 in general): keep below it.
DOMAINS = 40


def configure_ros_environment() -> int:
    """Set the DDS variables for this process (and its children): the worker's domain id."""
    os.environ.setdefault("FASTDDS_BUILTIN_TRANSPORTS", "SHM")
    os.environ.setdefault("ROS_AUTOMATIC_DISCOVERY_RANGE", "LOCALHOST")
    base = int(os.environ.get("FLEET_TEST_ROS_DOMAIN_BASE", DEFAULT_DOMAIN_BASE))
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    domain = base + (int(worker) % DOMAINS if worker.isdigit() else 0)
    os.environ["ROS_DOMAIN_ID"] = str(domain)
    return domain


def import_rclpy() -> ModuleType:
    """rclpy, or a skip of the calling test module where it is absent; a failure instead where
    FLEET_REQUIRE_ROS=1 (CI, which installs it with ros_ws/tools/setup_ros2.sh)."""
    if os.environ.get("FLEET_REQUIRE_ROS") == "1":
        return importlib.import_module("rclpy")
    return pytest.importorskip("rclpy", reason="ROS 2 (rclpy) is not installed")
