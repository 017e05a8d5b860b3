"""Where a dock's charger stands in a simulated world, and the heading a robot docks with.

A robot docked at a site's dock stands on the dock's node, facing into the charger, in every
world: the fleet server plans on the node, fleet_sim_robot docks on it, and the gz sim world
(world_export) puts the charger's box just beyond it, so that a robot on the node touches
nothing. The ROS bringup's dock database and start poses use the same heading.
"""

from __future__ import annotations

import math

from fleet_protocol.orientation import normalize_angle
from fleet_protocol.site import Dock, Site

CHARGER_SIZE = (0.6, 0.6, 0.3)  # the box standing for a charger: depth, width, height (m)
# Between a docked robot's base frame (on the node) and the charger's face: the Gazebo
# stand-in's front overhang from its base frame (TurtleBot3 Waffle: 0.08 m) and 5 cm.
CHARGER_GAP = 0.13


def node_heading(site: Site, node_id: str) -> float:
    """The heading along the node's first edge, away from it (0 for a node without edges)."""
    node = site.node(node_id)
    for edge in site.edges:
        if node_id in (edge.start, edge.end):
            other = site.node(edge.end if edge.start == node_id else edge.start)
            return math.atan2(other.y - node.y, other.x - node.x)
    return 0.0


def approach_heading(site: Site, dock: Dock) -> float:
    """The heading a robot drives into the dock: from the node its first edge comes from."""
    if not any(dock.node in (edge.start, edge.end) for edge in site.edges):
        return 0.0
    return normalize_angle(node_heading(site, dock.node) + math.pi)


def charger_pose(site: Site, dock: Dock) -> tuple[float, float, float]:
    """The charger box's centre and yaw: beyond the dock's node along the approach heading,
    its face CHARGER_GAP in front of a robot docked on the node."""
    node = site.node(dock.node)
    yaw = approach_heading(site, dock)
    reach = CHARGER_GAP + CHARGER_SIZE[0] / 2
    return node.x + reach * math.cos(yaw), node.y + reach * math.sin(yaw), yaw
