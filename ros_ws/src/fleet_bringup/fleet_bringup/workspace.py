"""The files a launch writes before it starts anything: world, map, docks, Nav2 copies, robots.

They go under $ROS_HOME/fleet_bringup/<site id>/<setting>/ (ROS_HOME defaults to ~/.ros) and are
rewritten on every launch, so they always match the site file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from fleet_bringup.layout import LayoutError
from fleet_protocol.site import Site
from simulation.world_export import write_map, write_world

# Metres per map cell. The demo site is a district, 1.4 km x 0.7 km: at 5 cm its map would have
# 400 million cells, and every robot's global costmap and planner would hold them all.
DEFAULT_MAP_RESOLUTION = 0.5


@dataclass(frozen=True)
class SiteFiles:
    """Where one launch's generated files live."""

    root: Path

    @property
    def world(self) -> Path:
        """The gz sim world (SDF)."""
        return self.root / "world.sdf"

    @property
    def map_base(self) -> Path:
        """The map's path without suffix (map.pgm and map.yaml)."""
        return self.root / "map"

    @property
    def map_yaml(self) -> Path:
        """The map_server YAML."""
        return self.root / "map.yaml"

    @property
    def docks(self) -> Path:
        """The docking server's dock database."""
        return self.root / "docks.yaml"

    @property
    def robots(self) -> Path:
        """The robots file of fleet_sim_robot's simulated robots."""
        return self.root / "robots.json"

    def nav2_parameters(self, namespace: str) -> Path:
        """One robot's Nav2 parameter file."""
        return self.root / namespace / "nav2_params.yaml"


def cache_root(environ: Mapping[str, str], override: str = "") -> Path:
    """The folder for generated files: the `cache_dir` argument, else $ROS_HOME/fleet_bringup."""
    if override.strip():
        return Path(override).expanduser()
    ros_home = environ.get("ROS_HOME") or str(Path(environ.get("HOME", "~")) / ".ros")
    return Path(ros_home).expanduser() / "fleet_bringup"


def site_files(root: Path, site: Site, setting: str) -> SiteFiles:
    """The files of a site in one setting (gazebo, loopback, robot)."""
    return SiteFiles(root / site.id / setting)


def robot_files(root: Path, site: Site | None) -> SiteFiles:
    """The files of real robots, under their site when one is given."""
    return SiteFiles(root / (site.id if site is not None else "no-site") / "robot")


def parse_resolution(text: str) -> float:
    """The `map_resolution` launch argument: metres per cell, more than 0."""
    try:
        resolution = float(text)
    except ValueError:
        raise LayoutError(f"map_resolution: {text!r} is not a number") from None
    if not math.isfinite(resolution) or resolution <= 0:
        raise LayoutError(f"map_resolution: must be more than 0 metres, got {text!r}")
    return resolution


def write_site_map(site: Site, files: SiteFiles, resolution: float) -> Path:
    """Write the Nav2 map of the site; the path of its YAML."""
    try:
        write_map(site, files.map_base, resolution)
    except OSError as error:
        raise LayoutError(f"cannot write {error.filename}: {error.strerror}") from None
    return files.map_yaml


def write_site_world(site: Site, files: SiteFiles) -> Path:
    """Write the gz sim world of the site; its path."""
    try:
        return write_world(site, files.world)
    except OSError as error:
        raise LayoutError(f"cannot write {error.filename}: {error.strerror}") from None
