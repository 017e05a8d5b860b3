"""Exporting a site: the gz sim world and the Nav2 map agree with the site file."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from fleet_protocol.site import ZoneKind
from simulation.chargers import CHARGER_GAP, CHARGER_SIZE, charger_pose
from simulation.cli import main
from simulation.site_file import load_site
from simulation.world_export import (
    FREE,
    FREE_THRESH,
    OCCUPIED,
    OCCUPIED_THRESH,
    UNKNOWN,
    OccupancyGrid,
    boundary,
    occupancy_grid,
    world_sdf,
)

DEMO = Path(__file__).resolve().parents[2] / "missions" / "sites" / "longgang-demo.yaml"

# A 40 x 20 m yard without a geofence, a 4 x 4 m no-go pit north of its middle, and one dock.
YARD = """\
id: yard
name: Yard
nodes:
  - {id: a, x: 0, y: 0}
  - {id: b, x: 30, y: 0}
  - {id: c, x: 30, y: 10}
edges:
  - {start: a, end: b}
  - {start: b, end: c}
docks:
  - {id: dock-yard, node: c}
zones:
  - {id: pit, kind: no_go, polygon: [[10, 6], [14, 6], [14, 10], [10, 10]]}
"""


@pytest.fixture
def yard_file(tmp_path: Path) -> Path:
    path = tmp_path / "yard.yaml"
    path.write_text(YARD)
    return path


def models(sdf: str) -> dict[str, list[float]]:
    """Each model's name and pose in an SDF world."""
    world = ET.fromstring(sdf).find("world")
    assert world is not None
    poses = {}
    for model in world.findall("model"):
        pose = model.findtext("pose", "0 0 0 0 0 0")
        poses[model.attrib["name"]] = [float(v) for v in pose.split()]
    return poses


def read_pgm(path: Path) -> tuple[int, int, bytes]:
    """Width, height and pixels of a P5 PGM written with single-space/newline separators."""
    data = path.read_bytes()
    magic, size, maxval, pixels = data.split(b"\n", 3)
    assert magic == b"P5"
    assert maxval == b"255"
    width, height = (int(v) for v in size.split())
    assert len(pixels) == width * height
    return width, height, pixels


def map_server_class(value: int) -> str:
    """How Nav2's map_server (trinary, negate 0) reads a pixel with our thresholds."""
    occ = (255 - value) / 255
    if occ > OCCUPIED_THRESH:
        return "occupied"
    if occ < FREE_THRESH:
        return "free"
    return "unknown"


def test_pixel_values_load_as_the_intended_classes() -> None:
    assert map_server_class(FREE) == "free"
    assert map_server_class(OCCUPIED) == "occupied"
    assert map_server_class(UNKNOWN) == "unknown"


def test_world_has_a_wall_per_boundary_edge_kerbs_and_docks() -> None:
    site = load_site(DEMO)
    root = ET.fromstring(world_sdf(site))
    assert root.tag == "sdf"
    assert root.attrib["version"] == "1.9"
    poses = models(world_sdf(site))
    assert "ground_plane" in poses
    assert root.find("world/light[@type='directional']") is not None
    fence = next(z for z in site.zones if z.kind is ZoneKind.GEOFENCE).polygon
    walls = sorted(name for name in poses if name.startswith("boundary_wall_"))
    assert len(walls) == len(fence)
    # Each wall sits on the midpoint of its edge, half its height up, turned along the edge.
    for i, (start, end) in enumerate(zip(fence, [*fence[1:], fence[0]], strict=True)):
        x, y, z, _, _, yaw = poses[f"boundary_wall_{i}"]
        assert (x, y) == pytest.approx(((start[0] + end[0]) / 2, (start[1] + end[1]) / 2))
        assert z == pytest.approx(0.6)
        assert yaw == pytest.approx(math.atan2(end[1] - start[1], end[0] - start[0]))
    for zone in (z for z in site.zones if z.kind is ZoneKind.NO_GO):
        kerbs = [name for name in poses if name.startswith(f"{zone.id}_kerb_")]
        assert len(kerbs) == len(zone.polygon)
        assert all(poses[name][2] == pytest.approx(0.075) for name in kerbs)
    for dock in site.docks:
        assert poses[dock.id] == pytest.approx(
            [*charger_pose(site, dock)[:2], 0.15, 0, 0, charger_pose(site, dock)[2]]
        )


def test_a_robot_docked_on_the_dock_node_stands_clear_of_the_charger_box() -> None:
    site = load_site(DEMO)
    poses = models(world_sdf(site))
    for dock in site.docks:
        node = site.node(dock.node)
        x, y, _, _, _, yaw = poses[dock.id]
        # The box's centre lies straight ahead of a robot on the node facing the way it drove in
        # (the bringup's docked pose), its near face CHARGER_GAP away.
        along = (x - node.x) * math.cos(yaw) + (y - node.y) * math.sin(yaw)
        across = -(x - node.x) * math.sin(yaw) + (y - node.y) * math.cos(yaw)
        assert across == pytest.approx(0, abs=1e-9)
        assert along - CHARGER_SIZE[0] / 2 == pytest.approx(CHARGER_GAP)
        assert CHARGER_GAP > 0.08  # the Gazebo stand-in's front overhang


def test_world_models_are_static_boxes_of_the_stated_size(yard_file: Path) -> None:
    root = ET.fromstring(world_sdf(load_site(yard_file)))
    wall = root.find("world/model[@name='boundary_wall_0']")
    kerb = root.find("world/model[@name='pit_kerb_0']")
    assert wall is not None
    assert kerb is not None
    assert wall.findtext("static") == "true"
    # Yard boundary: nodes' box (0..30 x 0..10) plus 5 m; the first edge runs along y = -5.
    assert wall.findtext("link/collision/geometry/box/size") == "40.2 0.2 1.2"
    assert wall.findtext("pose") == "15 -5 0.6 0 0 0"
    assert kerb.findtext("link/visual/geometry/box/size") == "4.2 0.2 0.15"


def test_map_is_free_occupied_and_unknown_where_the_site_says() -> None:
    site = load_site(DEMO)
    grid = occupancy_grid(site, 0.5)
    for node in site.nodes:
        assert grid.value_at(node.x, node.y) == FREE, node.id
    for zone in (z for z in site.zones if z.kind is ZoneKind.NO_GO):
        xs, ys = zip(*zone.polygon, strict=True)
        centre = (sum(xs) / len(xs), sum(ys) / len(ys))
        assert grid.value_at(*centre) == OCCUPIED, zone.id
    # The geofence's north-east corner is cut off: (1330, 610) lies outside it.
    assert grid.value_at(1330, 610) == UNKNOWN
    assert grid.value_at(-81.5, 0) == UNKNOWN
    # Points on the boundary edges, including the slanted ones, are walls.
    ring = boundary(site)
    for start, end in zip(ring, [*ring[1:], ring[0]], strict=True):
        for t in (0.1, 0.5, 0.9):
            point = (start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1]))
            assert grid.value_at(*point) == OCCUPIED, point


def test_map_origin_is_the_lower_left_corner(yard_file: Path) -> None:
    grid = occupancy_grid(load_site(yard_file), 1.0)
    # Boundary -5..35 x -5..15, plus 2 m of unknown on every side.
    assert grid.origin == (-7.0, -7.0)
    assert (grid.width, grid.height) == (44, 24)
    # The bottom row of the image is the lowest y; the top row the highest.
    assert grid.pixel_of(-6.5, -6.5) == (0, 23)
    assert grid.pixel_of(-6.5, 16.5) == (0, 0)
    assert grid.value_at(0, 0) == FREE
    assert grid.value_at(12, 8) == OCCUPIED
    assert grid.value_at(12, 2) == FREE  # the pit's mirror image: rows are not flipped
    assert grid.value_at(20, -5) == OCCUPIED
    assert grid.value_at(20, -6.5) == UNKNOWN


def test_finer_resolution_scales_the_image(yard_file: Path) -> None:
    site = load_site(yard_file)
    coarse, fine = occupancy_grid(site, 1.0), occupancy_grid(site, 0.25)
    assert (fine.width, fine.height) == (coarse.width * 4, coarse.height * 4)
    assert fine.origin == coarse.origin


def test_resolution_must_be_positive(yard_file: Path) -> None:
    with pytest.raises(ValueError, match="resolution"):
        occupancy_grid(load_site(yard_file), 0)


def test_cli_writes_the_map_files(yard_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "maps" / "yard"
    main(["export-map", str(yard_file), "--resolution", "0.5", "-o", str(out)])
    description = yaml.safe_load((tmp_path / "maps" / "yard.yaml").read_text())
    assert description == {
        "image": "yard.pgm",
        "mode": "trinary",
        "resolution": 0.5,
        "origin": [-7, -7, 0],
        "negate": 0,
        "occupied_thresh": OCCUPIED_THRESH,
        "free_thresh": FREE_THRESH,
    }
    width, height, pixels = read_pgm(tmp_path / "maps" / "yard.pgm")
    assert (width, height) == (88, 48)
    # Row 0 is the top of the image: y = 8 (in the pit) is row 47 - (8 + 7) / 0.5 = 17,
    # and its mirror row 30 (y = 0.75) is free; x = 12 is column (12 + 7) / 0.5 = 38.
    assert pixels[17 * width + 38] == OCCUPIED
    assert pixels[30 * width + 38] == FREE
    assert pixels[0] == UNKNOWN
    grid = OccupancyGrid(width, height, 0.5, (-7.0, -7.0), pixels)
    assert grid.value_at(30, 10) == FREE
    assert grid.value_at(-6, -6) == UNKNOWN


def test_cli_writes_the_world(yard_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "yard.sdf"
    main(["export-gazebo", str(yard_file), "-o", str(out)])
    poses = models(out.read_text())
    # Beyond its node c (30, 10), reached from b to the south: 0.13 m gap plus half the box.
    assert poses["dock-yard"] == pytest.approx([30, 10.43, 0.15, 0, 0, math.pi / 2])
    assert len([name for name in poses if name.startswith("boundary_wall_")]) == 4
    assert len([name for name in poses if name.startswith("pit_kerb_")]) == 4


def test_cli_names_a_missing_site_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("export-gazebo", "export-map"):
        with pytest.raises(SystemExit) as caught:
            main([command, str(tmp_path / "nosuch.yaml")])
        assert caught.value.code == 2
        err = capsys.readouterr().err
        assert "nosuch.yaml" in err
        assert "cannot read" in err


@pytest.mark.parametrize("resolution", ["0", "-0.5", "fine"])
def test_cli_names_a_bad_resolution(
    resolution: str, yard_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["export-map", str(yard_file), "--resolution", resolution, "-o", str(tmp_path / "m")])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "--resolution" in err
    assert repr(resolution) in err
    assert not (tmp_path / "m.pgm").exists()


def test_simulator_options_still_select_the_simulator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The old form reaches the simulator's own checks (here: the site file), not the exporters.
    with pytest.raises(SystemExit) as caught:
        main(["--site", str(tmp_path / "nosuch.yaml"), "--robots", "2"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "nosuch.yaml" in err
    assert "export" not in err
