"""The fleet_bringup package: its launch files, what they use, and what setup.py installs."""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path
from typing import Any

import pytest
from catkin_pkg.package import Package, parse_package

from tests.ros_bringup.conftest import DRIVER_ROOT, PACKAGE_ROOT, REPOSITORY
from tests.ros_driver.conftest import setup_keywords

LAUNCH_FILES = sorted((PACKAGE_ROOT / "launch").glob("*.launch.py"))
# Python modules the launch files may import without an exec_depend: ours (the package itself,
# and the repository's, pip-installed) and the standard library.
NOT_ROS_PACKAGES = {"fleet_bringup", "fleet_protocol", "simulation", *sys.stdlib_module_names}
# Calls whose first argument (or `package=`) names a ROS package.
PACKAGE_CALLS = {"get_package_share_directory", "FindPackageShare", "get_package_prefix"}
NODE_CALLS = {"Node", "ComposableNode", "LifecycleNode"}
# Command-line tools the launch files run, by the ROS package that provides them.
TOOL_PACKAGES = {"ros2 topic": "ros2topic", "xacro": "xacro"}
# catkin_pkg's condition parser uses pyparsing names that pyparsing 3.3 deprecates.
pytestmark = pytest.mark.filterwarnings(
    "ignore:'[A-Za-z]+' (argument is )?deprecated:DeprecationWarning"
)


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _exec_depends(distro: str) -> set[str]:
    package: Package = parse_package(str(PACKAGE_ROOT / "package.xml"))
    package.evaluate_conditions({"ROS_DISTRO": distro, "ROS_VERSION": "2"})
    return {d.name for d in package.exec_depends if d.evaluated_condition}


def _packages_used(tree: ast.Module) -> set[str]:
    used = set()
    for call in (node for node in ast.walk(tree) if isinstance(node, ast.Call)):
        name = getattr(call.func, "id", getattr(call.func, "attr", ""))
        if name in PACKAGE_CALLS and call.args and isinstance(call.args[0], ast.Constant):
            used.add(call.args[0].value)
        if name in NODE_CALLS:
            used |= {
                k.value.value
                for k in call.keywords
                if k.arg == "package" and isinstance(k.value, ast.Constant)
            }
        if name == "FindExecutable":
            used |= {TOOL_PACKAGES[k.value.value] for k in call.keywords if k.arg == "name"}
    text = ast.unparse(tree)
    used |= {package for tool, package in TOOL_PACKAGES.items() if repr(tool.split()[0]) in text}
    return used


def _imports(tree: ast.Module) -> dict[str, list[str]]:
    imported: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.setdefault(node.module, []).extend(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                imported.setdefault(alias.name, [])
    return imported


def _installed(keywords: dict[str, Any]) -> dict[str, set[Path]]:
    return {
        folder: {Path(source).resolve() for source in sources}
        for folder, sources in keywords["data_files"]
    }


def test_there_are_the_two_launch_files() -> None:
    assert [p.name for p in LAUNCH_FILES] == ["robot.launch.py", "simulation.launch.py"]


@pytest.mark.parametrize("path", LAUNCH_FILES, ids=lambda p: p.name)
def test_each_launch_file_parses_and_defines_generate_launch_description(path: Path) -> None:
    tree = _tree(path)
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert "generate_launch_description" in functions
    assert functions["generate_launch_description"].args.args == []
    assert ast.get_docstring(tree)


@pytest.mark.parametrize("path", LAUNCH_FILES, ids=lambda p: p.name)
def test_what_a_launch_file_imports_from_fleet_bringup_exists(path: Path) -> None:
    for module, names in _imports(_tree(path)).items():
        if module.split(".")[0] in {"fleet_bringup", "fleet_protocol"}:
            loaded = importlib.import_module(module)
            missing = [name for name in names if not hasattr(loaded, name)]
            assert missing == [], f"{path.name}: {module} has no {missing}"


def test_every_package_the_launch_files_use_is_an_exec_depend() -> None:
    declared = _exec_depends("jazzy")
    for path in LAUNCH_FILES:
        tree = _tree(path)
        used = _packages_used(tree)
        python = {module.split(".")[0] for module in _imports(tree)} - NOT_ROS_PACKAGES
        assert used, path.name
        assert used - {"fleet_bringup"} <= declared, f"{path.name}: {used - declared}"
        assert python <= declared, f"{path.name}: {python - declared}"


def test_the_simulation_packages_are_left_out_on_humble() -> None:
    humble, jazzy = _exec_depends("humble"), _exec_depends("jazzy")
    simulation = {"nav2_loopback_sim", "nav2_minimal_tb3_sim", "ros_gz_sim", "ros_gz_bridge"}
    assert simulation <= jazzy
    assert not simulation & humble
    assert {"nav2_bringup", "fleet_robot_driver", "launch", "launch_ros"} <= humble


def test_setup_installs_every_launch_and_config_file_and_the_sites(monkeypatch) -> None:
    installed = _installed(setup_keywords(PACKAGE_ROOT, monkeypatch))
    for folder in ("launch", "config"):
        files = {p.resolve() for p in (PACKAGE_ROOT / folder).iterdir() if p.is_file()}
        assert files and installed[f"share/fleet_bringup/{folder}"] == files
    sites = {p.resolve() for p in (REPOSITORY / "missions" / "sites").glob("*.yaml")}
    assert installed["share/fleet_bringup/sites"] == sites
    assert {PACKAGE_ROOT / "package.xml"} == installed["share/fleet_bringup"]
    marker = installed["share/ament_index/resource_index/packages"]
    assert marker == {(PACKAGE_ROOT / "resource" / "fleet_bringup").resolve()}


@pytest.mark.parametrize("root", [PACKAGE_ROOT, DRIVER_ROOT], ids=lambda p: p.name)
def test_every_installed_file_is_named_by_a_path_inside_its_package(
    root: Path, monkeypatch
) -> None:
    # colcon build --symlink-install mirrors each data file at its path under the package's
    # build folder; a path with `..` would make it write outside the build base (seen with
    # colcon-core 0.21 and a --build-base of another depth than the sources).
    for folder, sources in setup_keywords(root, monkeypatch)["data_files"]:
        for source in sources:
            assert ".." not in Path(source).parts, f"{folder}: {source}"
            assert not Path(source).is_absolute(), f"{folder}: {source}"


def test_the_driver_the_launch_files_start_is_what_its_package_installs(monkeypatch) -> None:
    keywords = setup_keywords(DRIVER_ROOT, monkeypatch)
    scripts = {entry.split("=")[0].strip() for entry in keywords["entry_points"]["console_scripts"]}
    assert "agent" in scripts
    driver_yaml = (DRIVER_ROOT / "config" / "driver.yaml").resolve()
    assert driver_yaml in _installed(keywords)["share/fleet_robot_driver/config"]
    for path in LAUNCH_FILES:
        text = path.read_text()
        assert 'executable="agent"' in text and 'name="fleet_robot_driver"' in text
        assert '"config", "driver.yaml"' in text
    # The node name matches the key of the driver's own parameter file.
    assert "/**/fleet_robot_driver:" in driver_yaml.read_text()
