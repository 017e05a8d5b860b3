"""The whole fleet paused and resumed from the console's top bar, in Chromium."""

from __future__ import annotations

from collections.abc import Callable

from tests.console.browser import ACCOUNTS, ROBOTS, Console, ConsoleFleet, playwright_api
from tests.waiting import wait_until

expect = playwright_api().expect

OPERATOR = ACCOUNTS["operator"]
VIEWER = ACCOUNTS["viewer"]


def _paused_robots(fleet: ConsoleFleet) -> int:
    return sum(1 for r in fleet.system.api.get("/robots").json() if r["paused"])


def test_an_operator_pauses_and_resumes_the_whole_fleet(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    console = open_console()
    console.log_in(OPERATOR, "robots")
    page = console.page
    control = page.locator("header.top-bar .fleet-control")
    mode = control.locator(".fleet-mode")
    expect(mode).to_have_text("全队运行中")
    expect(control.locator("button")).to_have_text(["暂停全队", "召回全队"])

    # The dialog says what will happen; cancelling sends nothing.
    page.click("[data-action='fleet.pause']")
    dialog = page.locator("dialog[open]")
    expect(dialog.locator("h2")).to_have_text("暂停全部机器人？")
    expect(dialog).to_contain_text(f"将向 {ROBOTS} 台在线机器人发送暂停指令，正在执行的任务")
    dialog.locator("[data-action=cancel]").click()
    expect(dialog).to_have_count(0)
    assert fleet.system.api.get("/fleet/control").json()["mode"] == "running"

    page.click("[data-action='fleet.pause']")
    console.screenshot("fleet-pause-dialog")
    page.locator("dialog[open] button[type=submit]").click()
    expect(mode).to_have_attribute("data-mode", "paused")
    expect(mode).to_have_text("全队已暂停")
    expect(control.locator("button")).to_have_text(["恢复全队", "召回全队"])
    state = fleet.system.api.get("/fleet/control").json()
    assert (state["mode"], state["by"]) == ("paused", OPERATOR.name)
    wait_until(lambda: _paused_robots(fleet) == ROBOTS, what="every robot to pause")
    console.screenshot("fleet-paused")

    # Another console learns of it from the live feed; a viewer sees it but has no buttons.
    viewer = open_console()
    viewer.log_in(VIEWER, "robots")
    expect(viewer.page.locator(".fleet-control .fleet-mode")).to_have_text("全队已暂停")
    expect(viewer.page.locator(".fleet-control button")).to_have_count(0)

    page.click("[data-action='fleet.resume']")
    expect(page.locator("dialog[open]")).to_contain_text("发送继续指令，已暂停的任务继续执行")
    page.locator("dialog[open] button[type=submit]").click()
    expect(mode).to_have_attribute("data-mode", "running")
    expect(viewer.page.locator(".fleet-control .fleet-mode")).to_have_text("全队运行中")
    wait_until(lambda: _paused_robots(fleet) == 0, what="every robot to go on")

    entries = fleet.system.api.get(
        "/logbook", params={"kind": "fleet_control", "site": "longgang-demo"}
    ).json()
    assert [(e["details"]["action"], e["actor"]) for e in entries] == [
        ("pause", OPERATOR.name),
        ("resume", OPERATOR.name),
    ]
