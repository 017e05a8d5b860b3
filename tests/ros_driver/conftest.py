"""Puts the ROS 2 driver package on sys.path: it is a colcon package, not pip-installed."""

from __future__ import annotations

import sys
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[2] / "ros_ws" / "src" / "fleet_robot_driver"

if str(PACKAGE_ROOT) not in sys.path:
    sys.path.append(str(PACKAGE_ROOT))
