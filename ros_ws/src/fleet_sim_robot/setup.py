"""Build script of the fleet_sim_robot ROS 2 package (ament_python)."""

from setuptools import find_packages, setup

PACKAGE = "fleet_sim_robot"

setup(
    name=PACKAGE,
    version="0.1.0",
    packages=find_packages(exclude=["test"]),
    data_files=[
        ("share/ament_index/resource_index/packages", [f"resource/{PACKAGE}"]),
        (f"share/{PACKAGE}", ["package.xml"]),
    ],
    # simulation (the fleet simulator's kinematics and battery) comes from pip, not rosdep
    # (see package.xml); it is not listed here so that colcon does not try to resolve it.
    install_requires=["setuptools"],
    zip_safe=True,
    maintainer="maintainers",
    maintainer_email="maintainers@users.noreply.b-seed-75460e8a.example",
    description="Simulated ROS 2 robots: Nav2 actions, pose, battery, camera, speech, deck.",
    license="Apache-2.0",
    entry_points={"console_scripts": [f"sim_robots = {PACKAGE}.host:main"]},
)
