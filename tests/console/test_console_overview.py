"""The overview (the fleet's day in figures), a robot's battery chart and a mission's playback
in Chromium, against a running simulated fleet with known history written into its database."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, delete

from fleet_protocol.base import utc_now
from fleet_server.db import session_scope
from fleet_server.fleet.models.activity import RobotDay
from fleet_server.schema import open_database
from tests.console.browser import ACCOUNTS, Console, ConsoleFleet, playwright_api
from tests.console.patrols import HALL_LOOP
from tests.fleet_server.reports.history import fill_incidents, fill_missions, fill_robot_days
from tests.waiting import wait_until

expect = playwright_api().expect

VIEWER = ACCOUNTS["viewer"]
REPORTS = ("missions", "incidents", "patrols", "cleaning", "utilisation")


@pytest.fixture(scope="module")
def history(fleet: ConsoleFleet) -> None:
    """The known history of tests/fleet_server/reports/history.py in the fleet's database."""
    engine = open_database(fleet.system.database_url, upgrade=False)
    try:
        today = utc_now().astimezone(ZoneInfo("Asia/Shanghai")).date()
        # A fleet started before the site's midnight has days of its own before today, which the
        # known history replaces.
        with session_scope(engine) as session:
            session.execute(delete(RobotDay).where(col(RobotDay.day) < today))
        fill_missions(engine, today)
        fill_incidents(engine, today)
        fill_robot_days(engine, today)
    finally:
        engine.dispose()


def _reports(fleet: ConsoleFleet, span: str) -> dict[str, Any]:
    answers = {
        name: fleet.system.api.get(f"/reports/{name}", params={"span": span}) for name in REPORTS
    }
    answers["robots-now"] = fleet.system.api.get("/reports/robots-now")
    for name, answer in answers.items():
        assert answer.status_code == 200, (name, answer.text)
    return {name: answer.json() for name, answer in answers.items()}


def _tile(console: Console, key: str) -> str:
    value = console.page.locator(f'[data-kpi="{key}"] .kpi-value').get_attribute("data-value")
    assert value is not None, key
    return value


def _open_overview(console: Console, span: str) -> None:
    console.go(f"overview/{span}")
    expect(console.page.locator(".overview-status")).to_have_attribute("data-loaded", "true")


def test_the_overview_tiles_show_the_apis_figures_and_the_charts_their_bars(
    open_console: Callable[[], Console], fleet: ConsoleFleet, history: None
) -> None:
    console = open_console()
    console.log_in(VIEWER)
    page = console.page
    page.click('.main-nav a[data-page="overview"]')
    expect(page).to_have_url(re.compile("#/overview/today$"))
    expect(page.locator(".overview-status")).to_have_attribute("data-loaded", "true")
    page.click('.span-switch a[data-span="7d"]')
    _open_overview(console, "7d")
    api = _reports(fleet, "7d")

    # The known history's figures (nothing the live fleet does adds to them in a test's time).
    assert _tile(console, "missions-completed") == str(api["missions"]["total"]["completed"]) == "4"
    assert _tile(console, "missions-failed") == str(api["missions"]["total"]["failed"]) == "1"
    assert float(_tile(console, "response-p50")) == api["incidents"]["response_p50_s"] == 60.0
    assert float(_tile(console, "response-p90")) == api["incidents"]["response_p90_s"] == 108.0
    expect(page.locator('[data-kpi="response-p50"] .kpi-value')).to_have_text("1 分钟")
    expect(page.locator('[data-kpi="response-p90"] .kpi-value')).to_have_text("1 分 48 秒")
    assert float(_tile(console, "patrol-coverage")) == api["patrols"]["checkpoint_percent"] == 83.3
    assert float(_tile(console, "area-cleaned")) == api["cleaning"]["area_m2"] == 300.5
    expect(page.locator('[data-kpi="area-cleaned"] .kpi-value')).to_have_text("300.5 平方米")
    # The live robots work on while the page is open: their day grows between the two reads.
    assert float(_tile(console, "utilisation")) == pytest.approx(
        api["utilisation"]["utilisation"], abs=0.05
    )
    now = {
        state: int(_tile(console, f"robots-{state}"))
        for state in ("working", "idle", "charging", "offline")
    }
    assert sum(now.values()) <= api["robots-now"]["total"] == len(fleet.robots)

    # Missions per day: 7 days, done and failed stacked; two days ago 2 done and 1 failed.
    bars = page.locator('[data-chart="missions"] svg.chart rect.bar')
    expect(bars).to_have_count(14)
    days = [d["day"] for d in api["missions"]["days"]]
    two_ago = days.index(
        (utc_now().astimezone(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=2)).isoformat()
    )
    done = page.locator(
        f'[data-chart="missions"] rect.bar[data-series="completed"][data-index="{two_ago}"]'
    )
    expect(done).to_have_attribute("data-value", "2")
    expect(done.locator("title")).to_have_text(f"{days[two_ago][5:]} · 完成: 2")
    failed = page.locator(
        f'[data-chart="missions"] rect.bar[data-series="failed"][data-index="{two_ago}"]'
    )
    expect(failed).to_have_attribute("data-value", "1")
    # Area per day, energy per day (a point a day), utilisation per robot (a bar per robot).
    expect(page.locator('[data-chart="area"] rect.bar')).to_have_count(7)
    expect(page.locator('[data-chart="energy"] circle.point')).to_have_count(7)
    robots = len(api["utilisation"]["robots"])
    expect(page.locator('[data-chart="utilisation"] rect.bar')).to_have_count(robots)
    assert robots >= 2
    console.screenshot("overview-7d-zh")
    page.locator('[data-chart="utilisation"]').scroll_into_view_if_needed()
    console.screenshot("overview-7d-zh-charts")

    page.click("[data-action=language]")
    _open_overview(console, "7d")
    expect(page.locator('[data-kpi="response-p90"] .kpi-value')).to_have_text("1 min 48 s")
    expect(page.locator('[data-kpi="area-cleaned"] .kpi-label')).to_have_text("Area cleaned")
    expect(done.locator("title")).to_have_text(f"{days[two_ago][5:]} · Done: 2")
    console.screenshot("overview-7d-en")

    page.click('.span-switch a[data-span="30d"]')
    _open_overview(console, "30d")
    expect(page.locator('[data-chart="missions"] rect.bar')).to_have_count(60)
    assert _tile(console, "missions-completed") == "5"


def test_a_robots_detail_charts_its_battery_from_its_history(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    serial = fleet.robots[0]

    def history() -> list[dict[str, Any]]:
        answer = fleet.system.api.get(f"/robots/{serial}/history", params={"points": 300})
        assert answer.status_code == 200, answer.text
        points = list(answer.json())
        return points if len(points) >= 3 else []

    before = len(wait_until(history, timeout=60, what=f"{serial}'s telemetry"))
    console = open_console()
    console.log_in(VIEWER, f"robots/{serial}")
    page = console.page
    points = page.locator('.robot-detail [data-chart="battery"] svg.chart circle.point')
    expect(points.first).to_be_visible()
    shown = points.count()
    assert before <= shown <= len(history())
    first = points.first
    battery = history()[0]["battery"]
    expect(first).to_have_attribute(
        "data-value", str(int(battery)) if battery == int(battery) else str(battery)
    )
    expect(first.locator("title")).to_contain_text("电量")
    expect(page.locator(".robot-detail .chart-legend li")).to_have_text(["作业", "充电", "空闲"])
    console.screenshot("robot-battery-zh")
    page.click("[data-action=language]")
    expect(page.locator(".robot-detail .chart-legend li")).to_have_text(
        ["Working", "Charging", "Idle"]
    )
    expect(points.first.locator("title")).to_contain_text("Battery")
    console.screenshot("robot-battery-en")


def test_a_running_patrol_plays_back_on_the_map_from_its_telemetry(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    created = fleet.system.api.post(
        "/missions",
        json={"kind": "patrol", "site": "longgang-demo", "route": HALL_LOOP, "rounds": 20},
    )
    assert created.status_code == 201, created.text
    mission_id = created.json()["id"]
    try:
        fleet.system.wait_mission(mission_id, "running")

        def track() -> list[dict[str, Any]]:
            points = list(fleet.system.api.get(f"/missions/{mission_id}/track").json())
            return points if len(points) >= 3 else []

        before = wait_until(track, timeout=90, what="the patrol's telemetry")
        console = open_console()
        console.log_in(VIEWER, f"missions/{mission_id}")
        page = console.page
        panel = page.locator('[data-field="playback"]')
        expect(panel.locator("h2")).to_have_text("回放")
        panel.locator('[data-action="playback.toggle"]').click()
        path = page.locator("svg.site-map polyline.playback-path")
        expect(path).to_have_attribute("data-points", re.compile(r"^\d+$"))
        drawn = int(path.get_attribute("data-points") or "0")
        assert (
            len(before)
            <= drawn
            <= len(fleet.system.api.get(f"/missions/{mission_id}/track").json())
        )
        marker = page.locator("svg.site-map g.playback-robot")
        toggle = panel.locator('[data-action="playback.toggle"]')
        # Playing: the button offers to pause, until the robot reaches the track's end (on a busy
        # machine the short track may be played through before the first look).
        wait_until(
            lambda: toggle.inner_text() == "⏸ 暂停"
            or marker.get_attribute("data-index") == str(drawn - 1),
            what="the playback to play",
        )
        expect(marker).not_to_have_attribute("data-index", "0")
        # The slider stops the playback and puts the robot where the first sample has it.
        panel.locator('[data-field="playback-slider"]').fill("0")
        expect(marker).to_have_attribute("data-index", "0")
        assert float(marker.get_attribute("data-x") or "nan") == before[0]["x"]
        assert float(marker.get_attribute("data-y") or "nan") == before[0]["y"]
        expect(panel.locator('[data-action="playback.toggle"]')).to_have_text("▶ 回放")
        expect(panel.locator('[data-field="playback-time"]')).to_contain_text(
            before[0]["serial_number"]
        )
        console.screenshot("mission-playback-zh")
    finally:
        if fleet.system.mission(mission_id)["status"] in ("queued", "running", "paused"):
            fleet.system.api.post(f"/missions/{mission_id}/cancel")
            fleet.system.wait_mission(mission_id, "cancelled")
