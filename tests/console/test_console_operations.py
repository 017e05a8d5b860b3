"""The console's incident, schedule and template pages in Chromium against a running fleet."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.console.browser import ACCOUNTS, Console, ConsoleFleet, playwright_api
from tests.waiting import wait_until

expect = playwright_api().expect

OPERATOR = ACCOUNTS["operator"]
VIEWER = ACCOUNTS["viewer"]
FLEET_NAV = ["地图", "概览", "机器人", "任务", "事件", "告警", "计划", "模板"]
# Beside the metro exit on Longfu Road: on the street, inside the geofence (as in `fleet demo`).
SPOT = (304.0, 3.0)
INCIDENT_URL = re.compile(r"#/incidents/(\d+)$")
SCHEDULE_URL = re.compile(r"#/schedules/(\d+)$")


def _click_site_point(console: Console, x: float, y: float) -> None:
    """Click the map where it draws the site point (x, y)."""
    screen = console.page.evaluate(
        """([x, y]) => {
            const svg = document.querySelector("svg.site-map");
            const point = new DOMPoint(x, -y).matrixTransform(svg.getScreenCTM());
            return [point.x, point.y];
        }""",
        [x, y],
    )
    console.page.mouse.click(*screen)


def _id_in_url(console: Console, pattern: re.Pattern[str]) -> int:
    expect(console.page).to_have_url(pattern)
    found = pattern.search(console.page.url)
    assert found is not None
    return int(found.group(1))


def _report(fleet: ConsoleFleet, **fields: Any) -> dict[str, Any]:
    body = {
        "type": "street_vending",
        "site": "longgang-demo",
        "location": {"x": SPOT[0], "y": SPOT[1]},
        "source": "camera-0417",
        **fields,
    }
    created = fleet.system.api.post("/incidents", json=body)
    assert created.status_code == 201, created.text
    return dict(created.json())


def test_an_incident_reported_on_the_map_is_dispatched_and_answered(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    console = open_console()
    console.log_in(OPERATOR, "incidents")
    page = console.page
    page.click("[data-action=report-incident]")
    expect(page).to_have_url(re.compile("#/incidents/new$"))
    page.click("form.report-form button[type=submit]")
    expect(page.locator("[data-field=location] .field-error")).to_have_text(
        "请在地图上点击事件位置。"
    )
    expect(page.locator("svg.site-map")).to_have_attribute("data-scale", re.compile(r"^\d"))
    _click_site_point(console, *SPOT)
    spot = page.locator("svg.site-map g.marker.spot")
    assert abs(float(spot.get_attribute("data-x") or "nan") - SPOT[0]) < 1.5
    assert abs(float(spot.get_attribute("data-y") or "nan") - SPOT[1]) < 1.5
    page.select_option("select[name=type]", "street_vending")
    page.select_option("select[name=severity]", "high")
    page.fill("textarea[name=description]", "地铁口人行道上有摊位")
    console.screenshot("incident-report")
    page.click("form.report-form button[type=submit]")

    incident_id = _id_in_url(console, INCIDENT_URL)
    reported = fleet.system.api.get(f"/incidents/{incident_id}").json()
    assert reported["source"] == f"console:{OPERATOR.name}"
    assert reported["severity"] == "high" and reported["type"] == "street_vending"
    assert abs(reported["location"]["x"] - SPOT[0]) < 1.5
    detail = page.locator(".incident-detail")
    status = detail.locator("[data-field=status] .badge")
    # The dog walks over, speaks and photographs; the feed brings each step. The incident then
    # waits for the operator (tests/console/test_console_evidence.py confirms one).
    expect(status).to_have_attribute("data-status", "awaiting_confirmation", timeout=30_000)
    expect(status).to_have_text("待确认")
    robot = fleet.system.api.get(f"/incidents/{incident_id}").json()["robot"]
    assert robot.startswith("dog-")
    expect(detail.locator("[data-field=robot] a")).to_have_text(robot)
    expect(detail.locator("[data-field=mission] a")).to_have_text(re.compile(r"^#\d+$"))
    steps = detail.locator("ol.timeline li")
    expect(steps).to_have_count(4)
    assert steps.evaluate_all("els => els.map(e => e.dataset.step)") == [
        "reported",
        "dispatched",
        "on_scene",
        "answered",
    ]
    expect(steps.nth(1)).to_contain_text(f"已派遣 {robot}")
    expect(detail.locator("[data-field=evidence] figure.photo")).not_to_have_count(0)
    expect(detail.locator("ol.logbook li").first).to_contain_text("上报：占道经营")
    expect(page.locator("[data-controls=incident] button")).to_have_text(
        ["确认已解决", "再次派遣", "转人工处理"]
    )
    console.screenshot("incident-detail")

    console.go("incidents")
    page.select_option("select[name=group]", "all")
    row = page.locator(f'.incidents-table tr[data-incident="{incident_id}"]')
    expect(row.locator(".badge")).to_have_text("待确认")
    expect(row).to_contain_text(robot)


def test_a_repeat_held_by_the_cool_down_is_escalated_dispatched_sent_again_and_resolved(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    # The previous test's dog visited this spot: the same kind of report here is held.
    held = _report(fleet, description="again at the metro exit")
    assert held["status"] == "open" and held["mission_id"] is None
    assert held["repeat"]["count"] >= 1
    console = open_console()
    console.log_in(OPERATOR)
    page = console.page
    marker = page.locator(f'svg.site-map g.marker.incident[data-incident="{held["id"]}"]')
    expect(marker).to_be_attached()
    # A dog may stand on the spot: the keyboard opens the marker under it. The feed may redraw
    # the markers (the first test's incident, awaiting confirmation, is drawn there too) between
    # focus and key, so the operator tries again as a person would.

    def opened() -> bool:
        marker.focus()
        page.keyboard.press("Enter")
        return page.url.endswith(f"#/incidents/{held['id']}")

    wait_until(opened, timeout=15, interval=0.5, what="the marker to open its incident")
    expect(page).to_have_url(re.compile(f"#/incidents/{held['id']}$"))
    detail = page.locator(".incident-detail")
    expect(detail.locator("[data-field=reason]")).to_contain_text("冷却期")
    expect(detail.locator("[data-field=repeat]")).to_have_text(f"重复 ×{held['repeat']['count']}")
    buttons = page.locator("[data-controls=incident] button")
    expect(buttons).to_have_text(["派遣机器人", "标记解决", "转人工处理"])

    page.click("[data-action='incident.escalate']")
    dialog = page.locator("dialog[open]")
    dialog.locator("textarea[name=note]").fill("摊主情绪激动，转城管中队现场处理")
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_have_count(0)
    status = detail.locator("[data-field=status] .badge")
    expect(status).to_have_attribute("data-status", "escalated")
    # Said as what happened (handed to people), not 已上报, which read like the 上报事件 button.
    expect(status).to_have_text("已转人工")
    expect(detail.locator("ol.timeline li[data-step=escalated]")).to_contain_text(
        "摊主情绪激动，转城管中队现场处理"
    )
    expect(buttons).to_have_text(["派遣机器人"])

    page.click("[data-action='incident.dispatch']")
    expect(detail.locator("[data-field=robot] a")).to_have_text(re.compile(r"^dog-"))
    expect(status).to_have_attribute("data-status", "awaiting_confirmation", timeout=30_000)
    # Not resolved: the operator sends a robot once more from there.
    expect(buttons).to_have_text(["确认已解决", "再次派遣", "转人工处理"])
    first_mission = fleet.system.api.get(f"/incidents/{held['id']}").json()["mission_id"]
    page.click("[data-action='incident.dispatchAgain']")
    sent_again = wait_until(
        lambda: (
            (i := fleet.system.api.get(f"/incidents/{held['id']}").json())["mission_id"]
            != first_mission
            and i["status"] == "awaiting_confirmation"
            and i
        ),
        what="the second robot's answer",
    )
    assert sent_again["resolved_by"] is None
    expect(status).to_have_attribute("data-status", "awaiting_confirmation")

    # Another report there is held again; the operator closes it with a note.
    again = _report(fleet, type="street_vending", description="vendor left on their own")
    console.go(f"incidents/{again['id']}")
    expect(status).to_have_attribute("data-status", "open")
    page.click("[data-action='incident.resolve']")
    dialog.locator("button[type=submit]").click()
    expect(dialog.locator("[data-field=note] .field-error")).to_contain_text("至少 1 个字符")
    dialog.locator("textarea[name=note]").fill("摊主已自行离开")
    dialog.locator("button[type=submit]").click()
    expect(status).to_have_attribute("data-status", "resolved")
    expect(detail.locator("[data-field=resolution]")).to_have_text("摊主已自行离开")
    closed = fleet.system.api.get(f"/incidents/{again['id']}").json()
    assert closed["resolved_by"] == OPERATOR.name and closed["mission_id"] is None

    console.go("incidents")
    page.select_option("select[name=group]", "all")
    rows = page.locator(".incidents-table tbody tr")
    expect(rows).to_have_count(len(fleet.system.api.get("/incidents").json()))
    expect(rows.locator("[data-field=repeat]")).to_have_count(2)
    console.screenshot("incidents")


def test_a_schedule_shows_the_api_message_at_its_field_and_then_its_next_runs(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    console = open_console()
    console.log_in(OPERATOR, "schedules")
    page = console.page
    page.click("[data-action=new-schedule]")
    expect(page).to_have_url(re.compile("#/schedules/new$"))
    form = page.locator("form.schedule-form")
    form.locator("select[name=copy]").select_option("market-patrol-en")
    # The template's patrol fills the form: its route and its two checkpoints.
    expect(form.locator(".route-list li[data-node]").first).to_have_attribute(
        "data-node", "street-w1"
    )
    expect(form.locator(".checkpoint-row")).to_have_count(2)
    expect(page.locator("svg.site-map .route-badge")).to_have_count(8)
    form.locator("input[name=name]").fill("夜市巡逻")
    for day in ("mon", "tue", "wed", "thu", "fri"):
        form.locator(f"input[name=days][value={day}]").uncheck()
    form.locator("input[name=days][value=sat]").check()
    form.locator("input[name=times]").fill("20:00, 25:00")
    form.locator("button[type=submit]").click()
    times_error = form.locator("[data-field='recurrence.times'] .field-error")
    expect(times_error).to_contain_text("“25:00”不是 00:00 到 23:59 之间的本地时间")
    expect(form.locator("input[name=times]")).to_have_attribute("aria-invalid", "true")
    assert fleet.system.api.get("/schedules").json() == [], "nothing was stored"
    console.screenshot("schedule-new-error")

    form.locator("input[name=times]").fill("20:00, 22:30")
    form.locator("button[type=submit]").click()
    schedule_id = _id_in_url(console, SCHEDULE_URL)
    stored = fleet.system.api.get(f"/schedules/{schedule_id}").json()
    assert stored["recurrence"]["days"] == ["sat"]
    assert stored["recurrence"]["times"] == ["20:00", "22:30"]
    assert stored["mission"]["route"][0] == "street-w1"
    runs = page.locator("ol.next-runs li")
    expect(runs).to_have_count(10)
    first = stored["next_runs"][0]  # "2026-11-28T20:00:00+08:00"
    expect(runs.first).to_have_text(re.compile(rf"^{first[:10]} 周六 {first[11:16]}$"))
    expect(page.locator(".schedule-detail [data-field=recurrence-text]")).to_have_text(
        "周六 20:00, 22:30"
    )
    console.screenshot("schedule-detail")

    # A change of rule is checked the same way, and the next runs follow it.
    edit = page.locator("form.schedule-form")
    edit.locator("select[name=kind]").select_option("interval")
    edit.locator("input[name=every_minutes]").fill("0")
    edit.locator("button[type=submit]").click()
    expect(edit.locator("[data-field='recurrence.every_minutes'] .field-error")).to_have_text(
        "应大于或等于 1"
    )
    edit.locator("input[name=every_minutes]").fill("90")
    edit.locator("button[type=submit]").click()
    rule = page.locator(".schedule-detail [data-field=recurrence-text]")
    expect(rule).to_contain_text("每 90 分钟")
    assert fleet.system.api.get(f"/schedules/{schedule_id}").json()["recurrence"]["kind"] == (
        "interval"
    )

    console.go("schedules")
    expect(page.locator(f'.schedules-table tr[data-schedule="{schedule_id}"]')).to_contain_text(
        "夜市巡逻"
    )
    console.screenshot("schedules")


def test_a_template_is_drawn_and_starts_a_mission(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    console = open_console()
    console.log_in(OPERATOR, "templates")
    page = console.page
    rows = page.locator(".templates-table tbody tr")
    expect(rows).to_have_count(len(fleet.system.api.get("/templates").json()))
    console.screenshot("templates")
    page.click('.templates-table tr[data-template="market-patrol-en"] td:nth-child(3)')
    expect(page).to_have_url(re.compile("#/templates/market-patrol-en$"))
    expect(page.locator("svg.site-map .route-badge")).to_have_count(8)
    expect(page.locator("svg.site-map g.marker.checkpoint")).to_have_count(2)
    expect(page.locator(".template-detail [data-field=mission-summary]")).to_contain_text(
        "龙城市场街 北段"
    )
    console.screenshot("template-detail")

    page.click("form.start-form button[type=submit]")
    mission_url = re.compile(r"#/missions/(\d+)$")
    mission_id = _id_in_url(console, mission_url)
    mission = fleet.system.mission(mission_id)
    assert mission["kind"] == "patrol" and mission["route"][0] == "street-w1"
    expect(page.locator(".mission-detail [data-field=status] .badge")).to_have_attribute(
        "data-status", re.compile("assigned|running|completed")
    )
    fleet.system.api.post(f"/missions/{mission_id}/cancel")


def test_a_viewer_reads_incidents_schedules_and_templates_without_buttons_to_change_them(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    incident = fleet.system.api.get("/incidents").json()[0]
    schedule = fleet.system.api.get("/schedules").json()[0]
    console = open_console()
    console.log_in(VIEWER, "incidents")
    page = console.page
    expect(page.locator(".main-nav a")).to_have_text(FLEET_NAV)
    page.select_option("select[name=group]", "all")
    expect(page.locator(f'.incidents-table tr[data-incident="{incident["id"]}"]')).to_be_visible()
    expect(page.locator("[data-action=report-incident]")).to_have_count(0)
    console.go(f"incidents/{incident['id']}")
    expect(page.locator(".incident-detail [data-field=status] .badge")).to_be_visible()
    expect(page.locator("[data-controls=incident] button")).to_have_count(0)
    expect(page.locator("ol.logbook")).to_have_count(0), "viewers do not read the logbook"
    console.go("incidents/new")
    expect(page.locator("main")).to_contain_text("您的角色不能上报事件。")

    console.go("schedules")
    expect(page.locator(f'.schedules-table tr[data-schedule="{schedule["id"]}"]')).to_be_visible()
    expect(page.locator("[data-action=new-schedule]")).to_have_count(0)
    console.go(f"schedules/{schedule['id']}")
    expect(page.locator("ol.next-runs li")).to_have_count(10)
    expect(page.locator("form, [data-action='schedule.delete']")).to_have_count(0)

    console.go("templates/market-patrol-en")
    expect(page.locator(".template-detail [data-field=mission-summary]")).to_be_visible()
    expect(page.locator("form, [data-action='template.delete']")).to_have_count(0)
    console.go("templates")
    expect(page.locator("[data-action=new-template]")).to_have_count(0)
    console.go("vouchers")
    expect(page).to_have_url(re.compile("#/map$")), "no voucher pages for a viewer"


def test_the_console_works_under_its_security_headers_and_a_violation_would_be_seen(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    console = open_console()
    page = console.page
    response = page.goto(f"{fleet.base_url}/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    for directive in (
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in policy, policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"

    # Every fleet page, the live feed and the gauges (widths set through the style object).
    console.log_in(OPERATOR, "robots")
    gauge = page.locator(".robots-table .gauge-fill").first
    expect(gauge).to_be_attached()
    assert gauge.evaluate("el => el.style.width").endswith("%")
    for path in ("map", "missions", "incidents", "schedules", "templates", "missions/new"):
        console.go(path)
        expect(page.locator("main")).not_to_be_empty()
    assert console.live_sockets, "the live feed connects under connect-src 'self'"
    assert console.errors == [], "nothing the console does violates its policy"

    # The watch is real: an inline script and a style attribute are blocked, and reported.
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
            document.body.setAttribute("style", "background: red");
        }"""
    )
    for _ in range(50):
        if len(console.errors) >= 2:
            break
        page.wait_for_timeout(100)  # the tab's events arrive while Playwright waits
    assert page.evaluate("() => window.injected === undefined"), "the inline script did not run"
    assert any("script-src" in error for error in console.errors), console.errors
    assert any("style-src" in error for error in console.errors), console.errors
    console.errors.clear()


def test_a_template_is_made_and_changed_with_the_mission_form(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    console = open_console()
    console.log_in(OPERATOR, "templates/new")
    page = console.page
    form = page.locator("form.template-form")
    form.locator("input[name=id]").fill("plaza-scrub")
    form.locator("input[name=name_zh]").fill("广场洗地")
    form.locator("select[name=kind]").select_option("clean")
    zone = form.locator("select[name=zone]").input_value()
    expect(page.locator(f'svg.site-map path[data-zone="{zone}"]')).to_have_class(
        re.compile(r"\bfocus\b")
    )
    form.locator("select[name=mode]").select_option("scrub")
    form.locator("input[name=width]").fill("9")
    form.locator("button[type=submit]").click()
    # The server's refusal is shown at the field it names, and nothing is stored.
    expect(form.locator("[data-field=width] .field-error")).to_have_text("应小于或等于 5")
    assert fleet.system.api.get("/templates/plaza-scrub").status_code == 404
    console.screenshot("template-new-error")
    form.locator("input[name=width]").fill("1.5")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile("#/templates/plaza-scrub$"))
    stored = fleet.system.api.get("/templates/plaza-scrub").json()
    given = {key: value for key, value in stored["mission"].items() if value is not None}
    assert given == {
        "kind": "clean",
        "site": "longgang-demo",
        "zone": zone,
        "mode": "scrub",
        "width": 1.5,
    }

    # A patrol template changed in the form keeps what the form does not show.
    before = fleet.system.api.get("/templates/market-patrol-en").json()["mission"]
    console.go("templates/market-patrol-en")
    edit = page.locator("form.template-form")
    expect(edit.locator(".checkpoint-row")).to_have_count(len(before["checkpoints"]))
    edit.locator("input[name=rounds]").fill("3")
    edit.locator(".checkpoint-row").first.locator("input[name=dwell]").fill("5")
    edit.locator("button[type=submit]").click()
    expect(page.locator(".template-detail [data-field=mission-summary]")).to_contain_text("3")
    after = fleet.system.api.get("/templates/market-patrol-en").json()["mission"]
    assert after["rounds"] == 3
    assert after["route"] == before["route"]
    first_actions = after["checkpoints"][0]["actions"]
    assert {"type": "dwell", "params": {"seconds": 5}} in first_actions
    assert [a for a in first_actions if a["type"] != "dwell"] == [
        a for a in before["checkpoints"][0]["actions"] if a["type"] != "dwell"
    ]
    assert after["checkpoints"][1:] == before["checkpoints"][1:]


# Every text of a table header or of a cell not made to wrap, that the browser broke over lines.
BROKEN_CELLS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll("table.data th, table.data td:not(.wrap)")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(node);
      const tops = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
      if (tops.size > 1) broken.push(node.textContent);
    }
  }
  return broken;
}"""


def test_tables_keep_headers_names_and_ids_on_one_line_at_1600_px(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    _report(fleet, description="摊贩占用人行道，影响行人通行，请尽快派机器人前往现场劝离并拍照留证")
    console = open_console()
    console.log_in(OPERATOR, "robots")
    page = console.page
    assert page.viewport_size == {"width": 1600, "height": 900}
    for table, path in (
        ("robots-table", "robots"),
        ("missions-table", "missions"),
        ("incidents-table", "incidents"),
        ("templates-table", "templates"),
    ):
        console.go(path)
        if path == "incidents":
            page.select_option("select[name=group]", "all")
        expect(page.locator(f"table.{table} tbody tr").first).to_be_visible()
        assert page.evaluate(BROKEN_CELLS) == [], path
        console.screenshot(f"table-{path}")
    nav = page.locator(".main-nav a")
    heights = {round(box["height"]) for box in (a.bounding_box() for a in nav.all()) if box}
    assert len(heights) == 1, "every navigation link on one line"
