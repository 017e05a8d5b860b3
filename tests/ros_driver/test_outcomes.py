"""Nav2 feedback as poses passed, and ended goals (navigation, docking) as VDA 5050 errors."""

from __future__ import annotations

import pytest
from fleet_robot_driver.conversions import LOCALIZATION_ERROR, PATH_PLANNING_ERROR
from fleet_robot_driver.outcomes import (
    DOCKING_ERROR,
    PoseProgress,
    docking_failure,
    navigation_failure,
)
from fleet_robot_driver.port import (
    STATUS_ABORTED,
    STATUS_CANCELED,
    STATUS_SUCCEEDED,
    GoalOutcome,
)

from fleet_protocol.state import ErrorLevel
from robot_agent.errors import NAVIGATION_ERROR


def test_feedback_reports_each_passed_pose_once_and_the_last_only_on_success() -> None:
    reached: list[int] = []
    progress = PoseProgress(4, reached.append)
    for remaining in (4, 4, 3, 3, 1, 2, 1, 1):  # a late, larger count is ignored
        progress.remaining(remaining)
    assert reached == [0, 1, 2], "the last pose stays until the goal succeeds"
    progress.remaining(0)  # even a zero count (never sent by bt_navigator) holds the last pose
    assert reached == [0, 1, 2]
    progress.succeeded()
    assert reached == [0, 1, 2, 3] and progress.reached == 4


def test_success_without_any_feedback_reports_every_pose() -> None:
    reached: list[int] = []
    progress = PoseProgress(3, reached.append)
    progress.succeeded()
    assert reached == [0, 1, 2]


def test_a_succeeded_goal_is_no_error() -> None:
    assert navigation_failure(GoalOutcome(STATUS_SUCCEEDED, 0)) is None


@pytest.mark.parametrize(
    ("outcome", "error_type", "level", "text"),
    [
        (GoalOutcome(STATUS_ABORTED, 208, "blocked"), PATH_PLANNING_ERROR, ErrorLevel.WARNING,
         "planner NO_VALID_PATH (Nav2 error code 208): blocked"),
        (GoalOutcome(STATUS_ABORTED, 102), LOCALIZATION_ERROR, ErrorLevel.WARNING,
         "controller TF_ERROR (Nav2 error code 102)"),
        (GoalOutcome(STATUS_ABORTED, 9101), NAVIGATION_ERROR, ErrorLevel.FATAL,
         "navigator FAILED_TO_LOAD_BEHAVIOR_TREE (Nav2 error code 9101)"),
        (GoalOutcome(STATUS_ABORTED, None), NAVIGATION_ERROR, ErrorLevel.WARNING,
         "navigation failed (no Nav2 error code)"),
        (GoalOutcome(STATUS_ABORTED, 0), NAVIGATION_ERROR, ErrorLevel.WARNING,
         "Nav2 ended the goal ABORTED"),
        (GoalOutcome(STATUS_CANCELED), NAVIGATION_ERROR, ErrorLevel.WARNING,
         "Nav2 cancelled the goal (not the agent)"),
    ],
)
def test_failed_navigation_goals_become_errors(
    outcome: GoalOutcome, error_type: str, level: ErrorLevel, text: str
) -> None:
    error = navigation_failure(outcome)
    assert error is not None
    assert (error.error_type, error.description) == (error_type, text)
    assert error.fatal is (level is ErrorLevel.FATAL)


def test_docking_results_say_which_dock_and_why() -> None:
    assert docking_failure(GoalOutcome(STATUS_SUCCEEDED, 0, success=True), "dock d1") is None
    unknown = docking_failure(GoalOutcome(STATUS_ABORTED, 901, "", success=False), "dock d1")
    assert unknown is not None and unknown.error_type == DOCKING_ERROR
    assert unknown.description == "dock d1: DOCK_NOT_IN_DB (error code 901)"
    assert unknown.fatal, "a dock missing from the database will not appear on retry"
    charge = docking_failure(
        GoalOutcome(STATUS_ABORTED, 906, "no current", success=False), "dock d1"
    )
    assert charge is not None and not charge.fatal
    assert charge.description == "dock d1: FAILED_TO_CHARGE (error code 906): no current"
    # A server that says SUCCEEDED but success False has still failed.
    odd = docking_failure(GoalOutcome(STATUS_SUCCEEDED, 0, success=False), "undock")
    assert odd is not None and odd.description == "undock: failed"
    cancelled = docking_failure(GoalOutcome(STATUS_CANCELED), "undock")
    assert cancelled is not None and "cancelled" in cancelled.description
