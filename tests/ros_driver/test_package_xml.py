"""The colcon package manifests: format 3 with the elements colcon and rosdep need.

Both ROS packages of the workspace are checked with catkin_pkg's parser, the one colcon-ros and
rosdep read package.xml with; the format 3 XSD itself is not at hand here.
"""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ET

import pytest
from catkin_pkg.package import parse_package

from tests.ros_driver.conftest import PACKAGE_ROOT, setup_keywords

WORKSPACE_SOURCES = PACKAGE_ROOT.parent
ROS_PACKAGES = ("fleet_robot_driver", "fleet_bringup", "fleet_sim_robot")
SCHEMA_LINE = (
    '<?xml-model href="http://download.ros.org/schema/package_format3.xsd" '
    'schematypens="http://www.w3.org/2001/XMLSchema"?>'
)


@pytest.mark.parametrize("name", ROS_PACKAGES)
# catkin_pkg's condition parser uses pyparsing names that pyparsing 3.3 deprecates.
@pytest.mark.filterwarnings("ignore:'[A-Za-z]+' (argument is )?deprecated:DeprecationWarning")
def test_package_xml_is_valid_format_3_for_catkin_pkg_without_warnings(name: str) -> None:
    path = WORKSPACE_SOURCES / name / "package.xml"
    warnings: list[str] = []
    package = parse_package(str(path), warnings=warnings)  # raises InvalidPackage on errors
    assert warnings == []
    assert package.package_format == 3
    assert package.name == name == path.parent.name
    assert package.get_build_type() == "ament_python"
    assert [d.name for d in package.buildtool_depends] == ["ament_python"]
    assert path.read_text(encoding="utf-8").splitlines()[1] == SCHEMA_LINE


def test_package_xml_is_a_format_3_ament_python_manifest() -> None:
    root = ET.parse(PACKAGE_ROOT / "package.xml").getroot()
    assert root.tag == "package" and root.get("format") == "3"
    assert root.findtext("name") == "fleet_robot_driver" == PACKAGE_ROOT.name
    for element in ("version", "description", "license"):
        assert (root.findtext(element) or "").strip(), element
    maintainer = root.find("maintainer")
    assert maintainer is not None and maintainer.get("email") and (maintainer.text or "").strip()
    assert [e.text for e in root.findall("buildtool_depend")] == ["ament_python"]
    assert root.findtext("export/build_type") == "ament_python"


def test_package_xml_declares_the_ros_interfaces_the_driver_uses() -> None:
    root = ET.parse(PACKAGE_ROOT / "package.xml").getroot()
    depends = {e.text for e in root.findall("exec_depend")}
    assert depends >= {
        "rclpy",
        "nav2_msgs",
        "geometry_msgs",
        "sensor_msgs",
        "std_msgs",
        "std_srvs",
        "opennav_docking_msgs",
    }


def test_package_has_its_ament_resource_marker_and_matching_setup_files() -> None:
    assert (PACKAGE_ROOT / "resource" / "fleet_robot_driver").is_file()
    assert 'PACKAGE = "fleet_robot_driver"' in (PACKAGE_ROOT / "setup.py").read_text()
    assert "$base/lib/fleet_robot_driver" in (PACKAGE_ROOT / "setup.cfg").read_text()


def test_setup_entry_points_name_functions_of_the_driver_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entry_points = setup_keywords(PACKAGE_ROOT, monkeypatch)["entry_points"]
    targets = {
        group: dict(tuple(part.strip() for part in entry.split("=")) for entry in entries)
        for group, entries in entry_points.items()
    }
    # `ros2 run fleet_robot_driver agent`, and `robot-agent --driver ros` through the agent's
    # driver entry-point group.
    assert targets["console_scripts"] == {"agent": "fleet_robot_driver.main:main"}
    assert targets["robot_agent.drivers"] == {"ros": "fleet_robot_driver.main:create_driver"}
    main = ast.parse((PACKAGE_ROOT / "fleet_robot_driver" / "main.py").read_text())
    defined = {n.name for n in main.body if isinstance(n, ast.FunctionDef)}
    assert {"main", "create_driver"} <= defined
