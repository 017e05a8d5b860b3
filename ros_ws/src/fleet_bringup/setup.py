"""Build script of the fleet_bringup ROS 2 package (ament_python)."""

from glob import glob

from setuptools import find_packages, setup

PACKAGE = "fleet_bringup"
# The repository's site files, so that the demo site is the simulation's default. `sites` is a
# symbolic link to the repository's missions/sites, so that no installed file's path leaves the
# package: colcon --symlink-install mirrors each one at its path under the build base, and a
# `../..` path would land outside it. A copy of the package outside the repository installs
# none (then give site:=).
SITES = "sites"

setup(
    name=PACKAGE,
    version="0.1.0",
    packages=find_packages(exclude=["test"]),
    data_files=[
        ("share/ament_index/resource_index/packages", [f"resource/{PACKAGE}"]),
        (f"share/{PACKAGE}", ["package.xml"]),
        (f"share/{PACKAGE}/launch", glob("launch/*.launch.py")),
        (f"share/{PACKAGE}/config", glob("config/*.yaml") + glob("config/*.config")),
        (f"share/{PACKAGE}/sites", glob(f"{SITES}/*.yaml")),
    ],
    # fleet_protocol and simulation come from pip, not rosdep (see package.xml).
    install_requires=["setuptools"],
    zip_safe=True,
    maintainer="maintainers",
    maintainer_email="maintainers@users.noreply.b-seed-75460e8a.example",
    description="Launch files for our robots on Nav2: one real robot, or a simulated site.",
    license="Apache-2.0",
)
