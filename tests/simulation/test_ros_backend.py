"""`fleet-sim --backend ros` without ROS: the robots file, the agents' options, the DDS settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fleet_protocol.kinds import RobotKind
from simulation.cli import main
from simulation.fleet import FleetConfig, plan_robots
from simulation.ros_backend import driver_options, fleet_spec, ros_environment
from simulation.ros_spec import FleetSpec, SpecError
from simulation.site_file import load_site

DEMO = Path(__file__).resolve().parents[2] / "missions" / "sites" / "longgang-demo.yaml"


def config(robots: int = 3) -> FleetConfig:
    return FleetConfig(mqtt_url="mqtt://127.0.0.1", site=load_site(DEMO), robots=robots)


def test_the_robots_file_holds_the_built_in_simulator_s_robots() -> None:
    fleet = config(4)
    planned = plan_robots(fleet)
    spec = FleetSpec.from_mapping(json.loads(fleet_spec(fleet, planned).to_json()))
    assert [(r.serial_number, r.kind) for r in spec.robots] == [
        (r.serial_number, r.kind) for r in planned
    ]
    site = fleet.site
    for robot, plan in zip(spec.robots, planned, strict=True):
        node = site.node(plan.start_node)
        assert (robot.x, robot.y, robot.map_id) == (node.x, node.y, site.map_id)
        assert robot.battery == plan.driver.battery().charge
        assert robot.energy == plan.driver.energy
    assert [r.namespace for r in spec.robots] == ["/dog_01", "/sweeper_01", "/guide_01", "/dog_02"]
    street = site.node(next(d.node for d in site.docks if d.id == "dock-street"))
    assert spec.docks["dock-street"] == (street.x, street.y)
    assert spec.speed_factor == fleet.speed_factor


def robots_file(**changes: object) -> dict[str, object]:
    data = json.loads(fleet_spec(config(2), plan_robots(config(2))).to_json())
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"version": 9}, "version: expected 1, got 9"),
        ({"speed_factor": 0}, "speed_factor: must be positive"),
        ({"robots": []}, "robots: expected a non-empty list"),
        ({"docks": {"d": [1]}}, r"docks.d: expected \[x, y\]"),
    ],
)
def test_a_bad_robots_file_is_refused_naming_the_field(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(SpecError, match=message):
        FleetSpec.from_mapping(robots_file(**changes))


def test_a_bad_robot_is_named_by_its_place_in_the_file() -> None:
    data = robots_file()
    data["robots"][1]["battery"] = 120  # type: ignore[index]
    with pytest.raises(SpecError, match=r"robots\[1\].battery: must be a percentage 0..100"):
        FleetSpec.from_mapping(data)
    data = robots_file()
    data["robots"][1]["serial_number"] = "dog_01"  # type: ignore[index]
    with pytest.raises(SpecError, match="two robots share a ROS namespace"):
        FleetSpec.from_mapping(data)


def test_each_kind_s_agent_is_told_the_simulated_robot_s_speaker_camera_and_deck() -> None:
    dog = driver_options(RobotKind.PATROL_DOG)
    assert (dog["tts_topic"], dog["image_topic"]) == ("speech", "camera/image_raw")
    assert "clean_service" not in dog
    sweeper = driver_options(RobotKind.SANITATION)
    assert sweeper["clean_service"] == "cleaning_deck"
    assert "tts_topic" not in sweeper and "image_topic" not in sweeper
    assert driver_options(RobotKind.SERVICE)["speed_max"] == "1.0"


def test_a_large_fleet_s_drivers_wait_longer_for_their_robots() -> None:
    # Each driver discovers every robot's and agent's endpoints in the shared domain.
    assert driver_options(RobotKind.PATROL_DOG)["startup_timeout"] == "30"
    assert driver_options(RobotKind.PATROL_DOG, fleet_size=10)["startup_timeout"] == "30"
    assert driver_options(RobotKind.PATROL_DOG, fleet_size=40)["startup_timeout"] == "80"


def test_the_children_keep_dds_on_this_machine_in_the_domain_given() -> None:
    env = ros_environment(
        {"PATH": "/bin", "FASTDDS_BUILTIN_TRANSPORTS": "UDPv4", "ROS_DOMAIN_ID": "7"}, 61
    )
    assert env["FASTDDS_BUILTIN_TRANSPORTS"] == "SHM"
    assert env["ROS_AUTOMATIC_DISCOVERY_RANGE"] == "LOCALHOST"
    assert env["ROS_DOMAIN_ID"] == "61" and env["PATH"] == "/bin"
    with pytest.raises(ValueError, match=r"0\.\.232"):
        ros_environment({}, 233)


def test_a_domain_id_out_of_range_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--site", str(DEMO), "--backend", "ros", "--ros-domain-id", "300"])
    assert caught.value.code == 2
    assert "--ros-domain-id: '300' must be 0..232" in capsys.readouterr().err
