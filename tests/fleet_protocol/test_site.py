"""Tests of fleet_protocol.site: the site map format and its validation messages."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from fleet_protocol.site import Site, SiteEdge, SiteError, ZoneKind, site_from_mapping

SITES_DIR = Path(__file__).resolve().parents[2] / "missions" / "sites"


def site_data(**changes: Any) -> dict[str, Any]:
    """A small valid site: a square street loop with a spur to a dock, and two zones."""
    data: dict[str, Any] = {
        "id": "square",
        "name": "广场 Square",
        "timezone": "Asia/Shanghai",
        "nodes": [
            {"id": "sw", "x": 0, "y": 0, "name": "south-west corner"},
            {"id": "se", "x": 100, "y": 0},
            {"id": "ne", "x": 100, "y": 80},
            {"id": "nw", "x": 0, "y": 80},
            {"id": "dock-a", "x": -10, "y": -10},
        ],
        "edges": [
            {"start": "sw", "end": "se"},
            {"start": "se", "end": "ne"},
            {"start": "ne", "end": "nw", "oneway": True, "max_speed": 0.8},
            {"start": "nw", "end": "sw"},
            {"start": "sw", "end": "dock-a"},
        ],
        "docks": [{"id": "charger-1", "node": "dock-a", "chargers": 2}],
        "zones": [
            {
                "id": "forecourt",
                "kind": "cleaning",
                "polygon": [[10, 10], [90, 10], [90, 70], [10, 70]],
                "holes": [[[40, 30], [60, 30], [60, 50]]],
            },
            {
                "id": "fence",
                "kind": "geofence",
                "polygon": [[-20, -20], [120, -20], [120, 100], [-20, 100]],
            },
        ],
    }
    data.update(changes)
    return copy.deepcopy(data)


def invalid(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Site.model_validate(data)
    assert message in str(caught.value)


def test_valid_site_parses() -> None:
    site = Site.model_validate(site_data())
    assert site.map_id == "square"
    assert site.node_ids() == {"sw", "se", "ne", "nw", "dock-a"}
    assert site.dock_nodes() == ["dock-a"]
    assert site.docks[0].chargers == 2
    assert site.zone("forecourt").kind is ZoneKind.CLEANING
    assert site.edges[2].oneway is True and site.edges[0].oneway is False
    assert site.edges[2].max_speed == 0.8


def test_edge_id_joins_its_nodes() -> None:
    assert SiteEdge(start="sw", end="se").id == "sw--se"


def test_node_lookup_names_a_missing_node() -> None:
    site = Site.model_validate(site_data())
    assert site.node("ne").x == 100
    with pytest.raises(KeyError, match="site 'square' has no node 'nowhere'"):
        site.node("nowhere")
    with pytest.raises(KeyError, match="has no zone 'lake'"):
        site.zone("lake")


@pytest.mark.parametrize(
    ("x", "y", "nearest"),
    [
        (1, 1, "sw"),
        (99, 2, "se"),
        (60, 79, "ne"),
        (-9, -12, "dock-a"),
        (45, 35, "sw"),
        (1000, 1000, "ne"),
    ],
)
def test_nearest_node(x: float, y: float, nearest: str) -> None:
    assert Site.model_validate(site_data()).nearest_node(x, y).id == nearest


def test_timezone_defaults_to_utc() -> None:
    data = site_data()
    del data["timezone"]
    assert Site.model_validate(data).timezone == "UTC"


def test_edge_to_an_unknown_node_is_named() -> None:
    data = site_data()
    data["edges"].append({"start": "ne", "end": "ghost"})
    invalid(data, "edge ne->ghost: unknown node 'ghost'")


def test_duplicate_node_is_named() -> None:
    data = site_data()
    data["nodes"].append({"id": "se", "x": 5, "y": 5})
    invalid(data, "node 'se' is defined twice")


def test_duplicate_edge_is_named() -> None:
    data = site_data()
    data["edges"].append({"start": "sw", "end": "se"})
    invalid(data, "edge sw->se is defined twice")


def test_edge_to_itself_is_named() -> None:
    data = site_data()
    data["edges"].append({"start": "ne", "end": "ne"})
    invalid(data, "edge ne->ne connects a node to itself")


def test_dock_on_an_unknown_node_is_named() -> None:
    data = site_data()
    data["docks"].append({"id": "charger-2", "node": "roof"})
    invalid(data, "dock 'charger-2': unknown node 'roof'")


def test_duplicate_dock_and_zone_are_named() -> None:
    data = site_data()
    data["docks"].append({"id": "charger-1", "node": "sw"})
    invalid(data, "dock 'charger-1' is defined twice")
    data = site_data()
    data["zones"].append(data["zones"][1])
    invalid(data, "zone 'fence' is defined twice")


def test_disconnected_node_is_named() -> None:
    data = site_data()
    data["nodes"].append({"id": "island", "x": 500, "y": 500})
    invalid(data, "node 'island' is not connected to node 'sw'")


def test_one_way_edges_still_connect() -> None:
    data = site_data()
    data["edges"] = [
        {"start": "sw", "end": "se", "oneway": True},
        {"start": "se", "end": "ne", "oneway": True},
        {"start": "ne", "end": "nw", "oneway": True},
        {"start": "nw", "end": "sw", "oneway": True},
        {"start": "dock-a", "end": "sw", "oneway": True},
    ]
    assert len(Site.model_validate(data).edges) == 5


def test_bad_timezone_is_named() -> None:
    invalid(site_data(timezone="Mars/Olympus_Mons"), "unknown timezone 'Mars/Olympus_Mons'")
    invalid(site_data(timezone="../etc/passwd"), "unknown timezone")


def test_zone_needs_three_points_and_holes_too() -> None:
    data = site_data()
    data["zones"][1]["polygon"] = [[0, 0], [1, 1]]
    invalid(data, "polygon")
    data = site_data()
    data["zones"][0]["holes"] = [[[1, 1], [2, 2]]]
    invalid(data, "hole 0 needs at least 3 points")


def test_unknown_zone_kind_is_rejected() -> None:
    data = site_data()
    data["zones"][0]["kind"] = "parking"
    invalid(data, "kind")


@pytest.mark.parametrize("bad_id", ["", "has space", "a/b", "x" * 65])
def test_bad_identifier_is_rejected(bad_id: str) -> None:
    data = site_data()
    data["nodes"][0]["id"] = bad_id
    invalid(data, "nodes.0.id")


def test_unknown_key_is_rejected() -> None:
    data = site_data()
    data["nodes"][0]["z"] = 3
    invalid(data, "nodes.0.z")


def test_dock_needs_a_charger() -> None:
    data = site_data()
    data["docks"][0]["chargers"] = 0
    invalid(data, "chargers")


def test_site_without_nodes_is_rejected() -> None:
    invalid(site_data(nodes=[], edges=[], docks=[]), "nodes")


def test_site_is_immutable() -> None:
    site = Site.model_validate(site_data())
    with pytest.raises(ValidationError):
        site.nodes[0].x = 5  # type: ignore[misc]


@pytest.mark.parametrize("path", sorted(SITES_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_sites_are_valid(path: Path) -> None:
    site = Site.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert site.node_ids()


def test_names_in_each_language_are_kept() -> None:
    data = site_data(names={"zh": "广场", "en": "Square"})
    data["nodes"][0]["names"] = {"en": "South-west corner"}
    data["docks"][0].update(name="充电桩", names={"en": "Charger"})
    data["zones"][0]["names"] = {"zh": "前广场", "en": "Forecourt"}
    site = Site.model_validate(data)
    assert site.names == {"zh": "广场", "en": "Square"}
    assert site.name == "广场 Square"
    assert site.node("sw").names == {"en": "South-west corner"}
    assert site.docks[0].name == "充电桩"
    assert site.docks[0].names == {"en": "Charger"}
    assert site.zone("forecourt").names["en"] == "Forecourt"


def test_site_without_names_still_parses() -> None:
    site = Site.model_validate(site_data())
    assert site.names == {}
    assert site.node("se").names == {}
    assert site.docks[0].name is None


@pytest.mark.parametrize(
    ("element", "names", "message"),
    [
        ("nodes", {"fr": "Coin"}, "unknown language 'fr' (use en or zh)"),
        ("nodes", {"en": "  "}, "the en name is empty"),
        ("zones", {"zh": ""}, "the zh name is empty"),
        ("docks", {"en": "x" * 201}, "the en name is longer than 200 characters"),
    ],
)
def test_bad_names_are_named(element: str, names: dict[str, str], message: str) -> None:
    data = site_data()
    data[element][0]["names"] = names
    element_id = data[element][0]["id"]
    with pytest.raises(SiteError) as caught:
        site_from_mapping(data, "square.yaml")
    text = str(caught.value)
    where = f"{element}[0].names ({element[:-1]} {element_id})"
    assert text.startswith(f"site file square.yaml: {where}")
    assert message in text


def test_bad_site_names_are_named() -> None:
    with pytest.raises(SiteError, match=r"square\.yaml: names: unknown language 'de'"):
        site_from_mapping(site_data(names={"de": "Platz"}), "square.yaml")


def test_demo_site_has_english_names_for_every_named_element() -> None:
    site = Site.model_validate(
        yaml.safe_load((SITES_DIR / "longgang-demo.yaml").read_text(encoding="utf-8"))
    )
    assert site.names == {"zh": "龙岗区示范场景", "en": "Longgang demo site"}
    named = [*site.nodes, *site.zones, *site.docks]
    assert [e.id for e in named if e.name and "en" not in e.names] == []
    assert site.node("street-sw").names["en"] == "Longfu Rd / Qinglin Rd junction"
    assert site.zone("longcheng-square").names["en"] == "Longcheng Square"
