"""The activity accumulator: a robot driven through days with a controllable clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from fleet_protocol.site import Site
from fleet_server.fleet.activity import ActivityTracker, DayActivity, Observation
from fleet_server.missions.activity import MissionActivity
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.settings import DEFAULT_SITES_DIR
from fleet_server.sites.sites import load_site_file
from tests.fleet_server.small_site import SMALL_SITE

DEMO = load_site_file(DEFAULT_SITES_DIR / "longgang-demo.yaml")
FENCE = "longgang-geofence"
INSIDE = (300.0, 500.0)  # the service hall's ticket machine
OUTSIDE = (-200.0, 0.0)  # west of the programme's boundary
# 10:00 in Shanghai (UTC+8) on 1 May 2024.
START = datetime(2024, 5, 1, 2, 0, tzinfo=timezone.utc)
MAY_1, MAY_2 = date(2024, 5, 1), date(2024, 5, 2)
CAP_S = 60.0


class SimRobot:
    """A robot reporting to the tracker on a fake clock."""

    def __init__(self, tracker: ActivityTracker, serial: str = "dog-01", site: Site = DEMO) -> None:
        self.tracker = tracker
        self.serial = serial
        self.map_id = site.map_id
        self.now = START
        self.x, self.y = INSIDE

    def report(
        self, *, online: bool = True, active: bool = False, at: tuple[float, float] | None = None
    ) -> None:
        if at is not None:
            self.x, self.y = at
        seen = Observation(self.serial, self.now, online, self.x, self.y, self.map_id, active)
        self.tracker.observe(seen)

    def wait(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _tracker(*sites: Site) -> ActivityTracker:
    return ActivityTracker(max_gap_s=CAP_S, sites=sites or (DEMO,))


def _days(tracker: ActivityTracker) -> dict[date, DayActivity]:
    return {record.day: record for record in tracker.take_pending()}


def test_a_robot_online_for_26_hours_is_split_at_local_midnight() -> None:
    tracker = _tracker()
    robot = SimRobot(tracker)
    for _ in range(26 * 360):  # every 10 s for 26 h: 10:00 on 1 May to 12:00 on 2 May, local
        robot.report()
        robot.wait(10)
    robot.report()
    days = _days(tracker)
    assert sorted(days) == [MAY_1, MAY_2]
    assert days[MAY_1].seconds_online == pytest.approx(14 * 3600)
    assert days[MAY_2].seconds_online == pytest.approx(12 * 3600)
    assert days[MAY_1].site_id == "longgang-demo"


def test_an_interval_across_midnight_is_shared_between_the_days() -> None:
    tracker = _tracker()
    robot = SimRobot(tracker)
    robot.now = datetime(2024, 5, 1, 15, 59, 40, tzinfo=timezone.utc)  # 23:59:40 local
    robot.report(active=True)
    robot.wait(30)
    robot.report()
    days = _days(tracker)
    assert days[MAY_1].seconds_online == pytest.approx(20)
    assert days[MAY_2].seconds_online == pytest.approx(10)
    assert days[MAY_2].seconds_active == pytest.approx(10)


def test_a_silence_longer_than_the_offline_timeout_earns_only_the_timeout() -> None:
    tracker = _tracker()
    robot = SimRobot(tracker)
    robot.report()
    robot.wait(10)
    robot.report()
    robot.wait(300)
    robot.report()
    assert _days(tracker)[MAY_1].seconds_online == pytest.approx(10 + CAP_S)


def test_time_offline_earns_nothing() -> None:
    tracker = _tracker()
    robot = SimRobot(tracker)
    robot.report()
    robot.wait(20)
    robot.report(online=False)
    robot.wait(3000)
    robot.report()
    robot.wait(5)
    robot.report()
    assert _days(tracker)[MAY_1].seconds_online == pytest.approx(25)


def test_active_time_is_driving_or_running_an_action_judged_from_the_earlier_report() -> None:
    tracker = _tracker()
    robot = SimRobot(tracker)
    for _ in range(10):
        robot.report(active=True)
        robot.wait(10)
    for _ in range(5):
        robot.report(active=False)
        robot.wait(10)
    robot.report()
    day = _days(tracker)[MAY_1]
    assert day.seconds_online == pytest.approx(150)
    assert day.seconds_active == pytest.approx(100)


def test_time_inside_the_programme_geofence_is_counted_apart() -> None:
    tracker = _tracker()
    robot = SimRobot(tracker)
    robot.report(at=INSIDE)
    robot.wait(50)
    robot.report(at=INSIDE)
    robot.wait(50)
    robot.report(at=OUTSIDE)
    robot.wait(40)
    robot.report(at=OUTSIDE)
    robot.wait(30)
    robot.report(at=INSIDE)
    day = _days(tracker)[MAY_1]
    assert day.seconds_online == pytest.approx(170)
    # Only geofence zones count; the demo's cleaning zones are not evidence.
    assert day.zone_seconds == {FENCE: pytest.approx(100)}


def test_a_hole_in_a_geofence_is_outside_it() -> None:
    square = [[-20, -20], [40, -20], [40, 20], [-20, 20]]
    fence = {
        "id": "fence",
        "kind": "geofence",
        "polygon": square,
        "holes": [[[0, 0], [5, 0], [5, 5]]],
    }
    holed = {**SMALL_SITE, "zones": [fence]}
    site = Site.model_validate(holed)
    tracker = _tracker(site)
    robot = SimRobot(tracker, site=site)
    robot.report(at=(3.0, 1.0))  # in the hole
    robot.wait(20)
    robot.report(at=(10.0, 10.0))  # in the fence
    robot.wait(30)
    robot.report(at=(10.0, 10.0))
    day = _days(tracker)[MAY_1]
    assert day.seconds_online == pytest.approx(50)
    assert day.zone_seconds == {"fence": pytest.approx(30)}


def test_distance_follows_the_reported_path() -> None:
    tracker = _tracker()
    robot = SimRobot(tracker)
    path = [(300.0, 500.0), (330.0, 500.0), (330.0, 540.0), (300.0, 540.0)]
    for point in path:
        robot.report(at=point, active=True)
        robot.wait(20)
    robot.report()  # standing still adds nothing
    assert _days(tracker)[MAY_1].distance_m == pytest.approx(30 + 40 + 30)


def test_a_jump_faster_than_any_robot_drives_is_not_distance() -> None:
    tracker = _tracker()
    robot = SimRobot(tracker)
    robot.report(at=(0.0, 0.0))
    robot.wait(2)
    robot.report(at=(1000.0, 0.0))  # relocalised: 500 m/s
    robot.wait(10)
    robot.report(at=(1010.0, 0.0))
    robot.map_id = "elsewhere"
    robot.wait(10)
    robot.report(at=(0.0, 0.0))  # another map: not comparable
    assert _days(tracker)[MAY_1].distance_m == pytest.approx(10)


def test_pending_activity_is_handed_over_once() -> None:
    tracker = _tracker()
    robot = SimRobot(tracker)
    robot.report()
    robot.wait(10)
    robot.report()
    first = _days(tracker)
    robot.wait(5)
    robot.report()
    second = _days(tracker)
    assert first[MAY_1].seconds_online == pytest.approx(10)
    assert second[MAY_1].seconds_online == pytest.approx(5)
    assert tracker.take_pending() == []


def _mission(mission_id: int, status: MissionStatus, **more: Any) -> Mission:
    return Mission(
        id=mission_id,
        kind="patrol",
        site_id="longgang-demo",
        route=["hall-queue"],
        status=status,
        robot="dog-01",
        **more,
    )


def test_a_mission_counts_once_on_the_local_day_it_completed() -> None:
    tracker = _tracker()
    listener = MissionActivity(tracker, clock=lambda: START)
    # 17:00 UTC on 1 May is 01:00 on 2 May in Shanghai.
    finished = datetime(2024, 5, 1, 17, 0, tzinfo=timezone.utc)
    listener.on_mission(_mission(1, MissionStatus.ASSIGNED))
    listener.on_mission(_mission(1, MissionStatus.RUNNING))
    listener.on_mission(_mission(1, MissionStatus.COMPLETED, finished_at=finished))
    listener.on_mission(_mission(1, MissionStatus.COMPLETED, finished_at=finished))
    listener.on_mission(_mission(2, MissionStatus.RUNNING))
    listener.on_mission(_mission(2, MissionStatus.FAILED, finished_at=finished))
    days = _days(tracker)
    assert list(days) == [MAY_2]
    assert days[MAY_2].missions_completed == 1
    assert days[MAY_2].serial_number == "dog-01"


def test_working_charging_and_battery_used_are_counted_apart() -> None:
    tracker = _tracker()
    seen: list[tuple[bool, bool, float]] = [
        # (active, charging, battery) every 10 s: 20 s working from 80 % to 77 %, 20 s on the
        # charger up to 90 % (a charge action is active, but charging is not work), 10 s idle.
        (True, False, 80.0),
        (True, False, 78.5),
        (True, True, 77.0),
        (True, True, 85.0),
        (False, False, 90.0),
        (False, False, 89.5),
    ]
    for step, (active, charging, battery) in enumerate(seen):
        at = START + timedelta(seconds=10 * step)
        tracker.observe(
            Observation(
                "dog-01", at, True, *INSIDE, DEMO.map_id, active, battery=battery, charging=charging
            )
        )
    day = _days(tracker)[MAY_1]
    assert day.seconds_online == pytest.approx(50)
    assert day.seconds_active == pytest.approx(40)
    assert day.seconds_working == pytest.approx(20)
    assert day.seconds_charging == pytest.approx(20)
    # 80 → 78.5 → 77 spent 3 %; the charge gained; 90 → 89.5 spent 0.5 %.
    assert day.battery_used_percent == pytest.approx(3.5)


def test_a_robot_online_before_it_says_where_it_is_counts_on_its_sites_local_day() -> None:
    """A robot comes online (its connection message) a few seconds before its first state tells
    its map. At 17:00 UTC, 01:00 on 2 May in Shanghai, those seconds belong to the site's 2 May,
    not to a UTC 1 May with no site."""
    tracker = _tracker()
    robot = SimRobot(tracker)
    robot.now = datetime(2024, 5, 1, 17, 0, tzinfo=timezone.utc)
    robot.map_id = None
    robot.report()
    robot.wait(2)
    robot.map_id = DEMO.map_id
    robot.report()
    robot.wait(10)
    robot.report()
    days = _days(tracker)
    assert list(days) == [MAY_2]
    assert days[MAY_2].site_id == "longgang-demo"
    assert days[MAY_2].seconds_online == pytest.approx(12)

    # Lost and found again later: the unplaced seconds stay on the site it was last placed on.
    robot.map_id = None
    robot.wait(5)
    robot.report()
    robot.wait(5)
    robot.report()
    assert {day.day: day.site_id for day in tracker.take_pending()} == {MAY_2: "longgang-demo"}


def test_a_robot_never_placed_on_a_known_site_counts_by_utc_days() -> None:
    tracker = _tracker()
    robot = SimRobot(tracker)
    robot.now = datetime(2024, 5, 1, 17, 0, tzinfo=timezone.utc)
    robot.map_id = "a-map-no-site-has"
    robot.report()
    robot.wait(10)
    robot.report()
    days = _days(tracker)
    assert list(days) == [MAY_1]
    assert days[MAY_1].site_id is None
    assert days[MAY_1].seconds_online == pytest.approx(10)
