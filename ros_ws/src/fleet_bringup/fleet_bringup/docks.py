"""The site's docks as an opennav_docking dock database (the file its `dock_database` reads).

The database is keyed by the site's dock id, which is what the fleet sends as a `dock` action's
`dockId` and the driver passes on as DockRobot's dock_id. Its format (jazzy branch of
ros-navigation/navigation2, nav2_docking/README.md): a top-level `docks` mapping of
name -> {type, frame, pose: [x, y, yaw], id}.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from fleet_bringup.layout import docked_pose
from fleet_protocol.site import Site

# The one dock plugin configured in config/nav2_params.yaml (docking_server.dock_plugins).
DOCK_PLUGIN = "charging_dock"
MAP_FRAME = "map"


def dock_database(site: Site) -> dict[str, Any]:
    """The docking server's database of the site's docks, in the map frame."""
    docks: dict[str, Any] = {}
    for dock in site.docks:
        pose = docked_pose(site, dock)
        docks[dock.id] = {
            "type": DOCK_PLUGIN,
            "frame": MAP_FRAME,
            "pose": [round(pose.x, 4), round(pose.y, 4), round(pose.yaw, 6)],
            "id": dock.id,
        }
    return {"docks": docks}


def write_dock_database(site: Site, path: Path) -> Path:
    """Write the dock database YAML; the docking server reads it on configure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    header = f"# Docks of site {site.id}, written by fleet_bringup from the site file.\n"
    text = yaml.safe_dump(dock_database(site), sort_keys=False, allow_unicode=True)
    path.write_text(header + text, encoding="utf-8")
    return path
