"""The simulated ROS robot and the ROS driver (colcon packages, not pip-installed) on sys.path;
DDS kept on this machine, a domain per test worker; and what a child process needs to find them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ros_environment import configure_ros_environment

REPOSITORY = Path(__file__).resolve().parents[2]
ROS_SOURCES = REPOSITORY / "ros_ws" / "src"
SIM_ROBOT_ROOT = ROS_SOURCES / "fleet_sim_robot"
DRIVER_ROOT = ROS_SOURCES / "fleet_robot_driver"
PACKAGE_ROOTS = (SIM_ROBOT_ROOT, DRIVER_ROOT)

configure_ros_environment()

for _root in PACKAGE_ROOTS:
    if str(_root) not in sys.path:
        sys.path.append(str(_root))


@pytest.fixture(scope="session")
def ros_child_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The environment of a child process that runs this checkout's ROS packages.

    colcon (or ros_ws/tools/setup_ros2.sh, with pip) would install them, and with them the
    `ros` driver that `robot-agent --driver ros` finds by its entry point. Here their metadata
    is written to a temporary folder put first on PYTHONPATH with their sources, so the checkout
    under test is what runs, whatever else is installed.
    """
    metadata = tmp_path_factory.mktemp("ros-packages")
    for root in PACKAGE_ROOTS:
        subprocess.run(
            [sys.executable, "setup.py", "-q", "egg_info", "--egg-base", str(metadata)],
            cwd=root,
            check=True,
            capture_output=True,
        )
    paths = [str(metadata), *map(str, PACKAGE_ROOTS), str(REPOSITORY)]
    inherited = os.environ.get("PYTHONPATH")
    yield {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([*paths, *([inherited] if inherited else [])]),
    }
