"""The colcon package manifest: format 3 with the elements colcon and rosdep need."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.ros_driver.conftest import PACKAGE_ROOT


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
