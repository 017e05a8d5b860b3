"""The ROS-free logic of the ROS 2 driver: poses, goal runs, Nav2 errors and battery readings."""

from __future__ import annotations

import ast
import math
from pathlib import Path
from typing import Any

import pytest
from fleet_robot_driver import conversions
from fleet_robot_driver.conversions import (
    LOCALIZATION_ERROR,
    PATH_FOLLOWING_ERROR,
    PATH_PLANNING_ERROR,
    GoalPose,
    battery_percentage,
    goal_runs,
    goal_to_pose,
    is_charging,
    nav2_error,
    node_goal_poses,
    pose_to_goal,
)

from fleet_protocol.order import Order
from fleet_protocol.orientation import Quaternion, yaw_to_quaternion
from fleet_protocol.state import ErrorLevel
from robot_agent.driver import Pose
from robot_agent.errors import NAVIGATION_ERROR
from tests.robot_agent.messages import MAP, action, order, payload

LINE = [("A", 0.0, 0.0), ("B", 3.0, 0.0), ("C", 6.0, 0.0), ("D", 9.0, 0.0), ("E", 12.0, 0.0)]


def parse(message: dict[str, Any]) -> Order:
    return Order.model_validate_json(payload(message))


def run_ids(runs: list[list[Any]]) -> list[list[str]]:
    return [[n.node_id for n in run] for run in runs]


def test_the_module_imports_no_ros() -> None:
    tree = ast.parse(Path(conversions.__file__).read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    roots = {name.split(".")[0] for name in imported}
    assert roots <= {"__future__", "math", "collections", "dataclasses", "fleet_protocol"} | {
        "robot_agent"
    }


# --- Angles and quaternions ----------------------------------------------------------------


def test_poses_round_trip_through_goal_poses_with_their_map() -> None:
    pose = Pose(1.5, -2.0, -math.pi, "floor-2")
    goal = pose_to_goal(pose)
    assert (goal.x, goal.y, goal.map_id) == (1.5, -2.0, "floor-2")
    assert goal.orientation == yaw_to_quaternion(math.pi)
    back = goal_to_pose(goal)
    assert (back.x, back.y, back.map_id) == (1.5, -2.0, "floor-2")
    assert back.theta == pytest.approx(math.pi)


def test_goal_pose_from_an_amcl_style_quaternion() -> None:
    tilted = GoalPose(0.0, 0.0, Quaternion(0.0, 0.0, math.sin(0.4), math.cos(0.4)), MAP)
    assert goal_to_pose(tilted).theta == pytest.approx(0.8)


# --- Node positions to goal poses ----------------------------------------------------------


def test_nodes_with_theta_keep_it_and_nodes_without_face_the_direction_of_travel() -> None:
    message = order("o1", [("A", 0.0, 0.0), ("B", 0.0, 2.0), ("C", 0.0, 2.0), ("D", -1.0, 2.0)])
    message["nodes"][3]["nodePosition"]["theta"] = -math.pi  # the same heading as pi
    nodes = parse(message).nodes
    goals = node_goal_poses(nodes[1:], start=Pose(0.0, 0.0, 0.25, MAP))
    yaws = [goal_to_pose(g).theta for g in goals]
    # B: driven north from A, so it faces north; C: same place as B, keeps B's heading;
    # D: its own theta.
    assert yaws == pytest.approx([math.pi / 2, math.pi / 2, math.pi])
    assert [(g.x, g.y, g.map_id) for g in goals] == [
        (0.0, 2.0, MAP),
        (0.0, 2.0, MAP),
        (-1.0, 2.0, MAP),
    ]


def test_a_node_without_theta_where_the_robot_stands_keeps_the_robot_heading() -> None:
    nodes = parse(order("o1", [("A", 1.0, 1.0)])).nodes
    [goal] = node_goal_poses(nodes, start=Pose(1.0, 1.0, -2.0, MAP))
    assert goal_to_pose(goal).theta == pytest.approx(-2.0)


def test_a_node_driven_towards_minus_x_faces_pi() -> None:
    nodes = parse(order("o1", [("A", 5.0, 0.0), ("B", 1.0, 0.0)])).nodes
    goals = node_goal_poses(nodes[1:], start=Pose(5.0, 0.0, 0.0, MAP))
    assert goal_to_pose(goals[0]).theta == pytest.approx(math.pi)


# --- Goal runs -----------------------------------------------------------------------------


def test_released_nodes_without_blocking_actions_form_one_goal() -> None:
    parsed = parse(order("o1", LINE))
    assert run_ids(goal_runs(parsed.nodes[1:], parsed.edges)) == [["B", "C", "D", "E"]]


def test_a_blocking_node_action_ends_the_run_at_that_node() -> None:
    hard = {"C": [action("dwell", "w1", "HARD", seconds=1)]}
    soft = {"D": [action("capturePhoto", "p1", "SOFT")]}
    parsed = parse(order("o1", LINE, node_actions={**hard, **soft}))
    runs = goal_runs(parsed.nodes[1:], parsed.edges)
    assert run_ids(runs) == [["B", "C"], ["D"], ["E"]]


def test_a_blocking_action_on_the_last_node_still_gives_one_run() -> None:
    parsed = parse(order("o1", LINE, node_actions={"E": [action("dock", "d1")]}))
    assert run_ids(goal_runs(parsed.nodes[1:], parsed.edges)) == [["B", "C", "D", "E"]]


def test_non_blocking_actions_do_not_split_runs() -> None:
    announce = {"C": [action("announce", "a1", "NONE", text="hi")]}
    parsed = parse(order("o1", LINE, node_actions=announce))
    assert run_ids(goal_runs(parsed.nodes[1:], parsed.edges)) == [["B", "C", "D", "E"]]


def test_a_blocking_edge_action_ends_the_run_before_the_edge() -> None:
    parsed = parse(order("o1", LINE, edge_actions={"C-D": [action("clean", "c1", "SOFT")]}))
    assert run_ids(goal_runs(parsed.nodes[1:], parsed.edges)) == [["B", "C"], ["D", "E"]]


def test_runs_stop_at_the_end_of_the_base_and_come_in_sequence_order() -> None:
    parsed = parse(
        order("o1", LINE, released=3, node_actions={"B": [action("dwell", "w1", seconds=1)]})
    )
    shuffled = list(reversed(parsed.nodes[1:]))
    assert run_ids(goal_runs(shuffled, parsed.edges)) == [["B"], ["C"]]


def test_no_released_nodes_give_no_runs() -> None:
    parsed = parse(order("o1", LINE, released=1))
    assert goal_runs(parsed.nodes[1:], parsed.edges) == []
    assert goal_runs([]) == []


def test_runs_can_be_split_from_nodes_alone() -> None:
    parsed = parse(order("o1", LINE, node_actions={"B": [action("dwell", "w1", seconds=1)]}))
    assert run_ids(goal_runs(parsed.nodes)) == [["A", "B"], ["C", "D", "E"]]


# --- Nav2 errors ---------------------------------------------------------------------------


def test_code_none_is_no_error() -> None:
    assert nav2_error(0, "") is None


@pytest.mark.parametrize(
    ("code", "error_type", "level", "name"),
    [
        (308, PATH_PLANNING_ERROR, ErrorLevel.WARNING, "planner NO_VALID_PATH"),
        (208, PATH_PLANNING_ERROR, ErrorLevel.WARNING, "planner NO_VALID_PATH"),
        (309, PATH_PLANNING_ERROR, ErrorLevel.WARNING, "planner NO_VIAPOINTS_GIVEN"),
        (301, PATH_PLANNING_ERROR, ErrorLevel.FATAL, "planner INVALID_PLANNER"),
        (105, PATH_FOLLOWING_ERROR, ErrorLevel.WARNING, "controller FAILED_TO_MAKE_PROGRESS"),
        (101, PATH_FOLLOWING_ERROR, ErrorLevel.FATAL, "controller INVALID_CONTROLLER"),
        (102, LOCALIZATION_ERROR, ErrorLevel.WARNING, "controller TF_ERROR"),
        (503, PATH_PLANNING_ERROR, ErrorLevel.WARNING, "smoother SMOOTHED_PATH_IN_COLLISION"),
        (9101, NAVIGATION_ERROR, ErrorLevel.FATAL, "navigator FAILED_TO_LOAD_BEHAVIOR_TREE"),
        (9103, NAVIGATION_ERROR, ErrorLevel.WARNING, "navigator TIMEOUT"),
        (9002, LOCALIZATION_ERROR, ErrorLevel.WARNING, "navigator TF_ERROR"),
    ],
)
def test_known_nav2_codes_map_to_vda_errors(
    code: int, error_type: str, level: ErrorLevel, name: str
) -> None:
    error = nav2_error(code, " planner said no ")
    assert error is not None
    assert (error.error_type, error.error_level) == (error_type, level)
    assert error.description == f"{name} (Nav2 error code {code}): planner said no"
    assert (error.code, error.message) == (code, "planner said no")


def test_an_unknown_code_is_a_generic_error_keeping_code_and_message() -> None:
    error = nav2_error(4242, "route server exploded")
    assert error is not None
    assert (error.error_type, error.error_level) == (NAVIGATION_ERROR, ErrorLevel.WARNING)
    assert error.description == "unknown Nav2 error code 4242: route server exploded"
    assert (error.code, error.message) == (4242, "route server exploded")
    unlisted_in_a_known_range = nav2_error(199)
    assert unlisted_in_a_known_range is not None
    assert unlisted_in_a_known_range.error_type == NAVIGATION_ERROR
    assert unlisted_in_a_known_range.description == "unknown Nav2 error code 199"


def test_a_failure_without_code_humble_style_is_a_generic_error() -> None:
    error = nav2_error(None)
    assert error is not None
    assert error.error_type == NAVIGATION_ERROR and error.code is None
    assert error.description == "navigation failed (no Nav2 error code)"


def test_a_nav2_error_becomes_the_driver_error_the_agent_reports() -> None:
    fatal = nav2_error(201, "no planner GridBased")
    warning = nav2_error(208)
    assert fatal is not None and warning is not None
    raised = fatal.to_driver_error()
    assert (raised.error_type, raised.fatal) == (PATH_PLANNING_ERROR, True)
    assert (
        raised.description == "planner INVALID_PLANNER (Nav2 error code 201): no planner GridBased"
    )
    assert warning.to_driver_error().fatal is False


# --- Battery -------------------------------------------------------------------------------

NAN = float("nan")


@pytest.mark.parametrize(
    ("percentage", "charge", "capacity", "expected"),
    [
        (0.5, NAN, NAN, 50.0),
        (0.0, NAN, NAN, 0.0),
        (1.0, 1.0, 10.0, 100.0),  # percentage wins over charge / capacity
        (NAN, 7.5, 10.0, 75.0),
        (None, 2.0, 8.0, 25.0),
        (1.2, NAN, NAN, 100.0),
        (-0.1, NAN, NAN, 0.0),
        (NAN, 12.0, 10.0, 100.0),
        (NAN, 5.0, 0.0, None),
        (NAN, NAN, 10.0, None),
        (NAN, 5.0, NAN, None),
        (NAN, NAN, NAN, None),
        (float("inf"), NAN, NAN, None),
    ],
)
def test_battery_percentage(
    percentage: float | None, charge: float, capacity: float, expected: float | None
) -> None:
    result = battery_percentage(percentage, charge, capacity)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


def test_battery_percentage_from_percentage_alone() -> None:
    assert battery_percentage(0.42) == pytest.approx(42.0)
    assert battery_percentage(NAN) is None


@pytest.mark.parametrize(
    ("status", "charging"), [(0, False), (1, True), (2, False), (3, False), (4, False)]
)
def test_charging_only_when_the_power_supply_says_charging(status: int, charging: bool) -> None:
    assert is_charging(status) is charging
