"""The console's shell, map and robots pages in Chromium against a running fleet."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from tests.console.browser import ACCOUNTS, Console, ConsoleFleet, playwright_api
from tests.wire import WireRecorder

expect = playwright_api().expect

OPERATOR = ACCOUNTS["operator"]
FLEET_NAV = ["地图", "概览", "机器人", "任务", "事件", "告警", "计划", "模板"]
FLEET_NAV_EN = [
    "Map",
    "Overview",
    "Robots",
    "Missions",
    "Incidents",
    "Alerts",
    "Schedules",
    "Templates",
]
LONG_PATROL = ["street-sw", "street-s1", "street-s2", "street-s3", "street-se", "street-e1"]


def test_logging_in_with_a_wrong_then_the_right_password(
    open_console: Callable[[], Console],
) -> None:
    console = open_console()
    console.open()
    page = console.page
    expect(page.locator("form.login h1")).to_have_text("机器人集群调度台")
    console.screenshot("login")
    page.fill("input[name=username]", OPERATOR.name)
    page.fill("input[name=password]", "not-the-password")
    page.click("form.login button[type=submit]")
    expect(page.locator(".login-error")).to_have_text("用户名或密码不正确。")

    page.fill("input[name=password]", OPERATOR.password)
    page.click("form.login button[type=submit]")
    expect(page.locator(".user-name")).to_have_text(OPERATOR.name)
    expect(page.locator(".user-role")).to_have_text("调度员")
    expect(page.locator(".main-nav a")).to_have_text(FLEET_NAV)
    expect(page.locator(".connection")).to_have_attribute("data-connection", "live")

    page.click("[data-action=logout]")
    expect(page.locator("form.login")).to_be_visible()
    page.reload()
    expect(page.locator("form.login")).to_be_visible(), "logging out forgets the token"


def _positions_on_the_wire(wire: WireRecorder, serial: str) -> list[tuple[float, float, float]]:
    """(wall-clock time, x, y) of each state and visualization message of the robot."""
    to_wall = time.time() - time.monotonic()
    found = []
    for message in wire.messages:
        if message.serial_number != serial or message.subtopic not in ("state", "visualization"):
            continue
        position = message.json().get("agvPosition")
        if position:
            found.append((message.received_at + to_wall, position["x"], position["y"]))
    return found


def test_every_robot_is_on_the_map_and_moves_live_over_the_feed(
    open_console: Callable[[], Console], fleet: ConsoleFleet, wire: WireRecorder
) -> None:
    console = open_console()
    console.log_in(OPERATOR)
    page = console.page
    icons = page.locator("svg.site-map g.robot")
    expect(icons).to_have_count(len(fleet.robots))
    assert sorted(icons.evaluate_all("els => els.map(e => e.dataset.robot)")) == fleet.robots
    assert any("/api/v1/live?token=" in url for url in console.live_sockets)
    read_before = len(console.api_requests("/robots"))

    created = fleet.system.api.post(
        "/missions",
        json={"kind": "patrol", "site": "longgang-demo", "route": LONG_PATROL, "rounds": 3},
    )
    assert created.status_code == 201, created.text
    serial = created.json()["robot"]
    icon = page.locator(f'svg.site-map g.robot[data-robot="{serial}"]')
    # Each move the map draws (a new position), with the browser's wall-clock time.
    icon.evaluate(
        """icon => {
            window.drawn = [];
            let last = icon.dataset.x + "," + icon.dataset.y;
            new MutationObserver(() => {
                const now = icon.dataset.x + "," + icon.dataset.y;
                if (now === last) return;
                last = now;
                const [x, y] = now.split(",").map(Number);
                window.drawn.push([Date.now() / 1000, x, y]);
            }).observe(icon, { attributes: true, attributeFilter: ["data-x", "data-y"] });
        }"""
    )
    start = console.robot_position(serial)
    expect(icon).to_have_attribute("data-status", "working")
    page.wait_for_function(
        """([serial, x, y]) => {
            const icon = document.querySelector(`svg.site-map g.robot[data-robot="${serial}"]`);
            return Math.hypot(icon.dataset.x - x, icon.dataset.y - y) > 5;
        }""",
        arg=[serial, *start],
    )
    # It keeps moving while the page only listens: no robot is read again over REST.
    moved = console.robot_position(serial)
    page.wait_for_function(
        """([serial, x, y]) => {
            const icon = document.querySelector(`svg.site-map g.robot[data-robot="${serial}"]`);
            return Math.hypot(icon.dataset.x - x, icon.dataset.y - y) > 5;
        }""",
        arg=[serial, *moved],
    )
    assert console.api_requests("/robots")[read_before:] == []
    # Every move on the map came within a second of the robot's message carrying that position.
    sent = _positions_on_the_wire(wire, serial)
    lags = []
    for shown_at, x, y in page.evaluate("window.drawn"):
        times = [at for at, sx, sy in sent if abs(sx - x) < 0.006 and abs(sy - y) < 0.006]
        assert times, f"the map drew ({x}, {y}), which {serial} never reported"
        lags.append(shown_at - min(times))
    assert len(lags) >= 2 and max(lags) < 1.0, lags
    expect(page.locator('.state-counts li[data-status="working"] .count')).not_to_have_text("0")
    console.screenshot("map")

    # A robot driving at a hundred times real speed is no mouse target: the keyboard opens it.
    icon.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".robot-detail .robot-title")).to_have_text(serial)
    expect(page.locator(".robot-detail [data-field=state] .badge")).to_have_attribute(
        "data-status", "working"
    )
    expect(page.locator(f'svg.site-map polyline.track[data-track="{serial}"]')).to_be_attached()
    expect(page.locator(".robot-detail [data-field=mission] a")).to_have_text(
        f"#{created.json()['id']}"
    )
    console.screenshot("map-robot-detail")
    fleet.system.api.post(f"/missions/{created.json()['id']}/cancel")


def _scale(console: Console) -> float:
    return float(console.page.locator("svg.site-map").get_attribute("data-scale") or "nan")


def _view_box(console: Console) -> list[float]:
    box = console.page.locator("svg.site-map").get_attribute("viewBox") or ""
    return [float(part) for part in box.split()]


def _wait_for_scale(console: Console, scale: float) -> None:
    console.page.wait_for_function(
        "s => Math.abs(document.querySelector('svg.site-map').dataset.scale - s) < 0.001",
        arg=scale,
    )


def test_the_map_pans_and_zooms_with_mouse_and_buttons(
    open_console: Callable[[], Console],
) -> None:
    console = open_console()
    console.log_in(OPERATOR)
    page = console.page
    svg = page.locator("svg.site-map")
    expect(svg).to_have_attribute("data-scale", re.compile(r"^\d"))
    fitted = _scale(console)
    # guide-01 stands alone at the forecourt's dock: a mouse click on it opens its detail.
    page.click('svg.site-map g.robot[data-robot="guide-01"] .body')
    expect(page).to_have_url(re.compile("#/map/guide-01$"))
    expect(page.locator(".robot-detail .robot-title")).to_have_text("guide-01")
    assert _scale(console) == fitted, "opening a robot keeps the view"

    page.click('[data-action="map.zoomIn"]')
    _wait_for_scale(console, fitted / 1.5)
    box = svg.bounding_box()
    assert box is not None
    x0, y0 = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    before = _view_box(console)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 200, y0 + 100, steps=5)
    page.mouse.up()
    after = _view_box(console)
    scale = _scale(console)
    assert abs((before[0] - after[0]) - 200 * scale) < 2 * scale, "dragged right: view moves left"
    assert abs((before[1] - after[1]) - 100 * scale) < 2 * scale

    page.mouse.wheel(0, -400)
    page.wait_for_function(
        "s => Number(document.querySelector('svg.site-map').dataset.scale) < s", arg=scale * 0.9
    )
    page.click('[data-action="map.fit"]')
    _wait_for_scale(console, fitted)


def test_the_robots_table_filters_and_opens_a_robot(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    console = open_console()
    console.log_in(OPERATOR, "robots")
    page = console.page
    rows = page.locator(".robots-table tbody tr:visible")
    expect(rows).to_have_count(len(fleet.robots))
    expect(page.locator(".robots-table thead th")).to_have_text(
        ["编号", "类型", "状态", "电量", "任务", "最后上报"]
    )
    page.select_option("select[name=kind]", "sanitation")
    sweepers = [serial for serial in fleet.robots if serial.startswith("sweeper")]
    expect(rows).to_have_count(len(sweepers))
    expect(rows.locator("td:nth-child(2)")).to_have_text(["环卫机器人"] * len(sweepers))
    page.select_option("select[name=kind]", "")
    page.fill("input[name=text]", "guide-0")
    expect(rows).to_have_count(len([s for s in fleet.robots if s.startswith("guide")]))
    page.fill("input[name=text]", "")
    page.select_option("select[name=state]", "offline")
    expect(rows).to_have_count(0)
    page.select_option("select[name=state]", "")
    expect(rows).to_have_count(len(fleet.robots))
    console.screenshot("robots")

    serial = fleet.robots[0]
    page.click(f'.robots-table tr[data-robot="{serial}"] td:nth-child(2)')
    expect(page).to_have_url(re.compile(f"#/robots/{serial}$"))
    expect(page.locator(".robot-detail .robot-title")).to_have_text(serial)
    expect(page.locator(".robot-detail dd").nth(7)).to_have_text("FleetSim")
    expect(page.locator(f'svg.site-map g.robot.selected[data-robot="{serial}"]')).to_be_visible()
    console.screenshot("robot-detail")


def test_the_language_toggle_changes_every_label(open_console: Callable[[], Console]) -> None:
    console = open_console()
    console.log_in(OPERATOR)
    page = console.page
    keys = page.evaluate(
        """async () => {
            const { messages } = await import("/console/js/messages.js");
            return [Object.keys(messages.zh).sort(), Object.keys(messages.en).sort()];
        }"""
    )
    assert keys[0] == keys[1], "both dictionaries have the same keys"
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator(".main-nav a")).to_have_text(FLEET_NAV)

    page.click("[data-action=language]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".main-nav a")).to_have_text(FLEET_NAV_EN)
    expect(page.locator("[data-action=logout]")).to_have_text("Log out")
    expect(page.locator(".legend h2")).to_have_text("Legend")
    expect(page.locator(".brand")).to_have_text("Robot Fleet Console")
    console.screenshot("map-english")
    # Every page in English, with nothing missing from the dictionary (checked at teardown).
    for path, heading in (
        ("robots", "Robots"),
        ("missions", "Missions"),
        ("incidents", "Incidents"),
        ("incidents/new", "Report an incident"),
        ("schedules", "Schedules"),
        ("schedules/new", "New schedule"),
        ("templates", "Templates"),
        ("templates/new", "New template"),
        ("templates/street-patrol-zh", "Longcheng Square street patrol (Chinese announcements)"),
        ("missions/new", "New mission"),
    ):
        console.go(path)
        expect(page.locator("main h1").first).to_have_text(heading)
    expect(page.locator(".robots-table")).to_have_count(0)

    page.reload()
    expect(page.locator(".main-nav a")).to_have_text(FLEET_NAV_EN)
    page.click("[data-action=language]")
    expect(page.locator(".main-nav a")).to_have_text(FLEET_NAV)
    expect(page.locator("main h1").first).to_have_text("新建任务")


def test_a_subsidy_officer_sees_only_the_voucher_pages(
    open_console: Callable[[], Console],
) -> None:
    console = open_console()
    console.log_in(ACCOUNTS["subsidy_officer"], "map")
    page = console.page
    expect(page.locator(".main-nav a")).to_have_text(["机器人券"])
    expect(page).to_have_url(re.compile("#/vouchers/programmes$"))
    expect(page.locator(".records-head h1")).to_have_text("机器人券")
    expect(page.locator(".connection")).to_have_count(0)
    assert console.live_sockets == [], "no feed for a role that may not watch the fleet"


def test_incidents_and_checkpoints_are_markers_on_the_map(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    console = open_console()
    console.log_in(OPERATOR)
    page = console.page
    report = {
        "type": "crowd",
        "site": "longgang-demo",
        "location": {"x": 450, "y": 3},
        "source": "camera-7",
        "description": '<img src=x onerror="document.title=1"> crowd at the shops',
    }
    first = fleet.system.api.post("/incidents", json=report)
    assert first.status_code == 201, first.text
    # The same kind of incident at the same spot within the cool-down waits for an operator:
    # it stays open, so its marker stays on the map.
    again = fleet.system.api.post("/incidents", json=report).json()
    assert again["status"] == "open" and again["repeat"]["count"] == 1
    marker = page.locator(f'svg.site-map g.marker.incident[data-incident="{again["id"]}"]')
    expect(marker).to_be_attached()
    expect(marker).to_have_attribute("data-x", "450")
    expect(marker.locator("title")).to_contain_text('<img src=x onerror="document.title=1">')
    assert page.locator("svg.site-map img").count() == 0, "a description is text, never markup"
    # The legend draws each incident state with the map's own marker: the same colours.
    legend = page.locator(".marker-legend li[data-incident-status]")
    expect(legend).to_have_count(4)
    expect(legend.first.locator("path")).not_to_have_css("fill", "")
    legend_fill = legend.first.locator("path").evaluate("el => getComputedStyle(el).fill")
    # Read once the marker is drawn (CI once read it while the map redrew: no style yet).
    expect(marker.locator("path")).to_have_css("fill", legend_fill)
    assert legend.first.get_attribute("data-incident-status") == again["status"]
    expect(legend.locator("span")).to_have_text(
        ["事件：待处理", "事件：已派遣", "事件：已到场", "事件：待确认"]
    )

    patrol = fleet.system.api.post(
        "/missions",
        json={
            "kind": "patrol",
            "site": "longgang-demo",
            "route": ["street-w2", "street-w1", "street-nw"],
            "checkpoints": [
                {"node": "street-w1", "actions": [{"type": "capturePhoto", "params": {}}]}
            ],
        },
    )
    assert patrol.status_code == 201, patrol.text
    flag = page.locator('svg.site-map g.marker.checkpoint[data-checkpoint="street-w1"]')
    expect(flag).to_be_attached()
    console.screenshot("map-markers")
    fleet.system.wait_mission(patrol.json()["id"], "completed")
    expect(flag).to_have_count(0)
