"""The alert inbox in Chromium: an incident reported in one console reaches a second one without a
reload (badge, title, list, chime, desktop notification), and an acknowledgement in one shows who
acknowledged in the other; the chime's mute is remembered."""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.console.browser import ACCOUNTS, Console, ConsoleFleet, playwright_api
from tests.console.test_console_operations import SPOT, _click_site_point, _id_in_url

expect = playwright_api().expect

OPERATOR = ACCOUNTS["operator"]
VIEWER = ACCOUNTS["viewer"]
INCIDENT_URL = re.compile(r"#/incidents/(\d+)$")
TITLE = "机器人集群调度台"
# Records each desktop notification the page shows (the browser's own class, permission and all).
RECORD_NOTIFICATIONS = """
window.shownNotifications = [];
window.Notification = class extends window.Notification {
  constructor(title, options) {
    super(title, options);
    window.shownNotifications.push(options.body);
  }
};
"""


def _unacknowledged(fleet: ConsoleFleet) -> int:
    return int(fleet.system.api.get("/alerts", params={"limit": 1}).json()["unacknowledged"])


def _report_on_the_map(console: Console) -> int:
    page = console.page
    console.go("incidents/new")
    expect(page.locator("svg.site-map")).to_have_attribute("data-scale", re.compile(r"^\d"))
    _click_site_point(console, *SPOT)
    page.select_option("select[name=type]", "street_vending")
    page.select_option("select[name=severity]", "high")
    page.click("form.report-form button[type=submit]")
    return _id_in_url(console, INCIDENT_URL)


def test_an_incident_reported_in_one_console_alerts_another_which_sees_who_acknowledged(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    watcher = open_console()
    watcher.page.context.grant_permissions(["notifications"], origin=fleet.base_url)
    watcher.page.context.add_init_script(RECORD_NOTIFICATIONS)
    watcher.log_in(VIEWER, "alerts")
    wall = watcher.page
    badge = wall.locator('.main-nav a[data-page="alerts"]')
    sound = wall.locator("[data-action=alert-sound]")
    before = _unacknowledged(fleet)
    expect(badge).to_have_attribute("data-count", str(before))
    expect(sound).to_have_attribute("aria-pressed", "false")
    # Allowed already: no button asks again.
    expect(wall.locator("[data-action=notifications]")).to_have_count(0)

    officer = open_console()
    officer.log_in(OPERATOR, "alerts")
    desk = officer.page
    expect(desk.locator("[data-action=notifications]")).to_have_text("允许桌面通知")
    incident_id = _report_on_the_map(officer)

    reported = f'tr[data-kind="incident_reported"]:has(a[href="#/incidents/{incident_id}"])'
    row = wall.locator(f".alerts-table {reported}")
    expect(row).to_be_visible()
    expect(row.locator("[data-field=text]")).to_have_text(
        f"新事件 #{incident_id}：占道经营，严重程度：高"
    )
    expect(row.locator(".alert-severity")).to_have_text("高")
    expect(badge).to_have_attribute("data-count", str(before + 1))
    expect(wall).to_have_title(f"({before + 1}) {TITLE}")
    expect(sound).to_have_attribute("data-chimes", "1")
    shown = wall.evaluate("window.shownNotifications")
    assert shown == [f"新事件 #{incident_id}：占道经营，严重程度：高"]
    expect(row.locator("[data-field=acknowledged]")).to_have_count(0)
    expect(row).to_contain_text("待确认")
    watcher.screenshot("alerts-zh")

    # The operator acknowledges it; the wall sees who did, without a reload.
    officer.go("alerts")
    desk.locator(f".alerts-table {reported}").locator("[data-action='alerts.acknowledge']").click()
    expect(row.locator("[data-field=acknowledged]")).to_contain_text(f"{OPERATOR.name} 于")
    expect(row).to_have_attribute("data-acknowledged", "true")
    expect(badge).to_have_attribute("data-count", str(before))
    expect(wall).to_have_title(f"({before}) {TITLE}" if before else TITLE)
    expect(desk.locator(f".alerts-table {reported} [data-field=acknowledged]")).to_be_visible()
    officer.screenshot("alerts-acknowledged-zh")

    # Filters: only acknowledged alerts, only unacknowledged ones, one kind of either.
    desk.select_option("select[name=state]", "acknowledged")
    expect(desk.locator(".alerts-table tbody tr")).to_have_count(1)
    expect(desk.locator(f".alerts-table {reported}")).to_have_attribute("data-acknowledged", "true")
    desk.select_option("select[name=state]", "unacknowledged")
    expect(desk.locator(f".alerts-table {reported}")).to_have_count(0)
    desk.select_option("select[name=kind]", "low_battery")
    desk.select_option("select[name=state]", "all")
    expect(desk.locator(".alerts-table tbody tr[data-kind=incident_reported]")).to_have_count(0)

    # Go-to: the incident's detail.
    row.locator("a[data-goto=incident]").click()
    expect(wall).to_have_url(re.compile(f"#/incidents/{incident_id}$"))

    # Muted, a new alert rings nothing but still counts; the choice outlives a reload.
    sound.click()
    expect(sound).to_have_attribute("aria-pressed", "true")
    held = fleet.system.api.post(
        "/incidents",
        json={
            "type": "street_vending",
            "site": "longgang-demo",
            "location": {"x": SPOT[0], "y": SPOT[1]},
            "source": "camera-0417",
        },
    ).json()
    expect(badge).to_have_attribute("data-count", str(_unacknowledged(fleet)))
    assert _unacknowledged(fleet) > before
    expect(sound).to_have_attribute("data-chimes", "1")
    wall.reload()
    expect(wall.locator("[data-action=alert-sound]")).to_have_attribute("aria-pressed", "true")

    # The same page in English.
    watcher.go("alerts")
    wall.click("[data-action=language]")
    kinds = wall.locator(f'.alerts-table tr:has(a[href="#/incidents/{held["id"]}"])')
    expect(kinds.first).to_be_visible()
    expect(wall.locator(".alerts-table")).to_contain_text(
        f"New incident #{held['id']}: Street vending, severity Medium"
    )
    expect(wall).to_have_title(re.compile(r"^\(\d+\) Robot Fleet Console$"))
    watcher.screenshot("alerts-en")
    wall.click("[data-action=language]")
