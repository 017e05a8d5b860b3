"""The simulated ROS robot's body without ROS: routes as Nav2 counts them, failures, docks, deck.

A hand-moved clock drives the fleet simulator's Body and SimBattery underneath.
"""

from __future__ import annotations

import pytest
from fleet_sim_robot.base import SimBase
from fleet_sim_robot.outcomes import (
    DOCK_NOT_IN_DB,
    DOCK_NOT_VALID,
    FAILED_TO_MAKE_PROGRESS,
    FAILED_TO_STAGE,
    Activity,
    Outcome,
)

from fleet_protocol.kinds import RobotKind
from robot_agent.driver import Pose
from simulation.power import DOCKING_SECONDS
from simulation.profiles import profile_for
from simulation.ros_spec import RobotSpec

MAP = "m"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def make(
    kind: RobotKind = RobotKind.PATROL_DOG, x: float = 0.0, battery: float = 80.0
) -> tuple[SimBase, Clock]:
    clock = Clock()
    spec = RobotSpec("r-1", kind, x, 0.0, 0.0, MAP, battery, profile_for(kind).energy)
    docks = {"dock-a": (0.0, 0.0), "dock-b": (10.0, 0.0)}
    return SimBase(spec, 2.0, docks, clock), clock


def poses(*xs: float) -> list[Pose]:
    return [Pose(x, 0.0, 0.0, MAP) for x in xs]


def run(activity: Activity, clock: Clock, step: float = 0.1, limit: int = 10_000) -> Outcome:
    for _ in range(limit):
        clock.now += step
        outcome = activity.advance()
        if outcome is not None:
            return outcome
    raise AssertionError("the activity did not end")


def test_a_route_counts_poses_and_distance_down_as_nav2_does() -> None:
    base, clock = make()
    route = base.drive(poses(3.0, 6.0, 9.0))
    assert (route.poses_remaining, route.distance_remaining()) == (3, pytest.approx(9.0))
    seen = []
    while (outcome := route.advance()) is None:
        seen.append((route.poses_remaining, route.distance_remaining()))
        clock.now += 0.1
    assert outcome == Outcome(True)
    counts = [count for count, _ in seen]
    assert counts == sorted(counts, reverse=True) and min(counts) == 1
    # Speed x2: the dog's 1.5 m/s makes 9 m in 3 s, i.e. 30 steps of 0.1 s.
    assert len(seen) == pytest.approx(30, abs=1)
    assert route.poses_remaining == 0 and base.pose().x == pytest.approx(9.0)


def test_driving_costs_charge_by_the_km_and_standing_costs_idle_charge() -> None:
    base, clock = make()
    start = base.battery_level()
    run(base.drive(poses(300.0)), clock, step=1.0)
    figures = profile_for(RobotKind.PATROL_DOG).energy
    seconds = 300.0 / profile_for(RobotKind.PATROL_DOG).speed
    expected = 0.3 * figures.drive_per_km + seconds / 60 * figures.idle_per_min
    assert start - base.battery_level() == pytest.approx(expected, rel=0.01)


def test_an_injected_failure_stops_after_the_poses_asked_for_and_is_used_once() -> None:
    base, clock = make()
    base.fail_next_navigation(207, "goal in a wall", after_poses=1)
    outcome = run(base.drive(poses(3.0, 6.0)), clock)
    assert outcome == Outcome(False, 207, "goal in a wall")
    assert base.pose().x == pytest.approx(3.0)
    assert run(base.drive(poses(6.0)), clock) == Outcome(True)


def test_an_empty_battery_stops_the_robot_with_a_controller_error() -> None:
    base, clock = make(battery=0.01)
    outcome = run(base.drive(poses(500.0)), clock, step=1.0)
    assert outcome.error_code == FAILED_TO_MAKE_PROGRESS and "battery empty" in outcome.error_msg
    assert 0.0 < base.pose().x < 500.0


def test_a_cancelled_route_stands_where_it_was() -> None:
    base, clock = make()
    route = base.drive(poses(50.0))
    clock.now += 1.0
    route.advance()
    route.cancel()
    stopped = base.pose().x
    clock.now += 5.0
    assert route.advance() is not None and base.pose().x == stopped and 0 < stopped < 50


def test_docking_drives_to_the_named_dock_then_charges_there() -> None:
    base, clock = make(x=4.0)
    docking = base.dock("dock-b", 0.0, 0.0, navigate=True)
    outcome = run(docking, clock)
    assert outcome == Outcome(True)
    assert base.docked == "dock-b" and base.pose().x == pytest.approx(10.0)
    level = base.battery_level()
    clock.now += 60.0
    assert base.battery.charging and base.battery_level() > level
    undocking = base.undock()
    assert run(undocking, clock) == Outcome(True)
    assert base.docked is None and not base.battery.charging


def test_docking_takes_the_docking_time_in_sim_time() -> None:
    base, clock = make()
    docking = base.dock("dock-a", 0.0, 0.0, navigate=False)
    clock.now += DOCKING_SECONDS / 2 - 0.1  # speed x2
    assert docking.advance() is None
    clock.now += 0.2
    assert docking.advance() == Outcome(True)


@pytest.mark.parametrize(
    ("dock_id", "x", "navigate", "code"),
    [
        ("dock-z", 0.0, True, DOCK_NOT_IN_DB),
        (None, 5.0, True, DOCK_NOT_VALID),  # no dock at the pose given
        ("dock-b", 0.0, False, FAILED_TO_STAGE),  # 10 m away, told not to drive there
    ],
)
def test_docking_fails_with_the_docking_server_s_codes(
    dock_id: str | None, x: float, navigate: bool, code: int
) -> None:
    base, clock = make()
    outcome = run(base.dock(dock_id, x, 0.0, navigate), clock)
    assert not outcome.succeeded and outcome.error_code == code
    assert base.docked is None


def test_the_deck_draws_its_load_until_raised() -> None:
    base, clock = make(RobotKind.SANITATION)
    idle = _drain(base, clock)
    assert base.set_deck(True) == (True, "deck down")
    working = _drain(base, clock)
    clean = profile_for(RobotKind.SANITATION).energy.work("clean")
    assert working - idle == pytest.approx(clean * 2 / 60, rel=0.01)  # per wall s at speed x2
    assert base.set_deck(False) == (True, "deck up")
    assert _drain(base, clock) == pytest.approx(idle)


def _drain(base: SimBase, clock: Clock, seconds: float = 10.0) -> float:
    before = base.battery_level()
    clock.now += seconds
    return (before - base.battery_level()) / seconds


def test_words_are_recorded_and_cost_their_speaking_time() -> None:
    base, clock = make()
    idle = _drain(base, clock)
    words = "Please keep the pavement clear. " * 3  # 96 characters: 7.4 s, 3.7 s at speed x2
    base.speak(words)
    assert base.spoken == [words]
    speaking = _drain(base, clock, seconds=1.0)
    announce = profile_for(RobotKind.PATROL_DOG).energy.work("announce")
    assert speaking - idle == pytest.approx(announce * 2 / 60, rel=0.01)
    clock.now += 3.0
    assert _drain(base, clock) == pytest.approx(idle), "the load ends with the words"
