"""Build script of the fleet_robot_driver ROS 2 package (ament_python)."""

from glob import glob

from setuptools import find_packages, setup

PACKAGE = "fleet_robot_driver"

setup(
    name=PACKAGE,
    version="0.1.0",
    packages=find_packages(exclude=["test"]),
    data_files=[
        ("share/ament_index/resource_index/packages", [f"resource/{PACKAGE}"]),
        (f"share/{PACKAGE}", ["package.xml"]),
        (f"share/{PACKAGE}/config", glob("config/*.yaml")),
        (f"share/{PACKAGE}/launch", glob("launch/*.launch.py")),
    ],
    # robot_agent comes from pip, not rosdep (see package.xml); it is not listed here so that
    # colcon does not try to resolve it.
    install_requires=["setuptools"],
    zip_safe=True,
    maintainer="maintainers",
    maintainer_email="maintainers@users.noreply.b-seed-75460e8a.example",
    description="The robot_agent Driver for ROS 2 robots (Nav2, pose, battery, docking).",
    license="Apache-2.0",
    entry_points={
        "console_scripts": [f"agent = {PACKAGE}.main:main"],
        # robot-agent --driver ros loads the driver through this group.
        "robot_agent.drivers": [f"ros = {PACKAGE}.main:create_driver"],
    },
)
