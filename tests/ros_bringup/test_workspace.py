"""Where a launch writes the site's world, map and per-robot files (fleet_bringup.workspace)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from fleet_bringup.layout import LayoutError
from fleet_bringup.workspace import (
    DEFAULT_MAP_RESOLUTION,
    cache_root,
    parse_resolution,
    robot_files,
    site_files,
    write_site_map,
    write_site_world,
)

from fleet_protocol.site import Site
from tests.ros_bringup.conftest import PACKAGE_ROOT


def test_generated_files_go_under_ros_home_unless_a_folder_is_given(tmp_path) -> None:
    assert cache_root({"ROS_HOME": str(tmp_path)}) == tmp_path / "fleet_bringup"
    assert cache_root({"HOME": "/home/ops"}) == Path("/home/ops/.ros/fleet_bringup")
    assert cache_root({"ROS_HOME": "/x"}, str(tmp_path / "c")) == tmp_path / "c"


def test_each_site_and_setting_has_its_own_folder(demo_site: Site, tmp_path) -> None:
    gazebo = site_files(tmp_path, demo_site, "gazebo")
    loopback = site_files(tmp_path, demo_site, "loopback")
    assert gazebo.root == tmp_path / demo_site.id / "gazebo" != loopback.root
    assert gazebo.nav2_parameters("dog_01") == gazebo.root / "dog_01" / "nav2_params.yaml"
    assert robot_files(tmp_path, None).root == tmp_path / "no-site" / "robot"


def test_the_site_map_and_world_are_written(demo_site: Site, tmp_path) -> None:
    files = site_files(tmp_path, demo_site, "gazebo")
    map_yaml = write_site_map(demo_site, files, DEFAULT_MAP_RESOLUTION)
    description = yaml.safe_load(map_yaml.read_text())
    assert description["resolution"] == DEFAULT_MAP_RESOLUTION
    assert (map_yaml.parent / description["image"]).is_file()
    world = write_site_world(demo_site, files)
    text = world.read_text()
    # simulation.launch.py spawns with `create -world <site id>`, and sets the systems through
    # GZ_SIM_SERVER_CONFIG_PATH, which gz sim reads only for a world that names no plugins.
    assert f'<world name="{demo_site.id}">' in text
    assert "<plugin" not in text
    server_config = (PACKAGE_ROOT / "config" / "gz_server.config").read_text()
    assert (
        "gz::sim::systems::Sensors" in server_config
        and "gz::sim::systems::Physics" in server_config
    )


def test_an_unwritable_folder_is_named(demo_site: Site, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    files = site_files(blocker, demo_site, "loopback")
    with pytest.raises(LayoutError, match="cannot write"):
        write_site_map(demo_site, files, 1.0)


@pytest.mark.parametrize("text", ["0", "-0.5", "fine", "inf"])
def test_a_bad_map_resolution_is_named(text: str) -> None:
    with pytest.raises(LayoutError, match="map_resolution"):
        parse_resolution(text)
