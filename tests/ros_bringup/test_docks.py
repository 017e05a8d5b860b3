"""The opennav_docking dock database made from the site's docks (fleet_bringup.docks)."""

from __future__ import annotations

import pytest
import yaml
from fleet_bringup.docks import DOCK_PLUGIN, MAP_FRAME, dock_database, write_dock_database

from fleet_protocol.site import Site, site_from_mapping
from simulation.chargers import approach_heading


def test_every_site_dock_is_in_the_database_at_its_node(demo_site: Site) -> None:
    docks = dock_database(demo_site)["docks"]
    assert list(docks) == [dock.id for dock in demo_site.docks]
    for dock in demo_site.docks:
        entry = docks[dock.id]
        node = demo_site.node(dock.node)
        x, y, yaw = entry["pose"]
        assert (x, y) == pytest.approx((node.x, node.y))
        assert yaw == pytest.approx(approach_heading(demo_site, dock), abs=1e-6)
        assert entry["frame"] == MAP_FRAME
        assert entry["type"] == DOCK_PLUGIN
        assert entry["id"] == dock.id


def test_the_written_file_has_opennav_dockings_layout(demo_site: Site, tmp_path) -> None:
    path = write_dock_database(demo_site, tmp_path / "site" / "docks.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(data) == {"docks"}
    for entry in data["docks"].values():
        # parseDockFile requires type and a pose of three numbers; frame defaults to map.
        assert {"type", "pose", "frame"} <= set(entry)
        assert len(entry["pose"]) == 3
        assert all(isinstance(value, float) for value in entry["pose"])


def test_a_site_without_docks_has_an_empty_database() -> None:
    site = site_from_mapping(
        {"id": "yard", "name": "Yard", "nodes": [{"id": "a", "x": 0, "y": 0}]}, "test"
    )
    assert dock_database(site) == {"docks": {}}
