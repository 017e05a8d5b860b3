"""Evidence in Chromium: a patrol dog answers an incident; its photo, fetched with the operator's
token, shows in the incident, the mission's checkpoint results and the logbook, with the words it
spoke and when; the incident waits until the operator confirms it resolved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.console.browser import ACCOUNTS, Console, ConsoleFleet, playwright_api

expect = playwright_api().expect

OPERATOR = ACCOUNTS["operator"]
VIEWER = ACCOUNTS["viewer"]
# Loaded (complete) and decoded to real pixels.
LOADED = "img => img.complete && img.naturalWidth"


def _report(fleet: ConsoleFleet) -> dict[str, Any]:
    body = {
        "type": "street_vending",
        "site": "longgang-demo",
        "node": "street-s2",
        "source": "camera-0417",
        "description": "地铁口人行道上有摊位",
    }
    created = fleet.system.api.post("/incidents", json=body)
    assert created.status_code == 201, created.text
    return dict(created.json())


def test_a_dogs_photo_and_words_show_and_the_incident_waits_for_the_operator(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    reported = _report(fleet)
    console = open_console()
    console.log_in(OPERATOR, f"incidents/{reported['id']}")
    page = console.page
    detail = page.locator(".incident-detail")
    status = detail.locator("[data-field=status] .badge")
    expect(status).to_have_attribute("data-status", "awaiting_confirmation", timeout=60_000)
    expect(status).to_have_text("待确认")
    expect(detail.locator("[data-field=awaiting]")).to_contain_text("请查看照片和喊话记录")

    incident = fleet.system.api.get(f"/incidents/{reported['id']}").json()
    (photo_id,) = incident["evidence"]
    figure = detail.locator(f'[data-field=evidence] figure.photo[data-photo="{photo_id}"]')
    expect(figure).to_have_attribute("data-state", "shown", timeout=20_000)
    image = figure.locator("img")
    assert image.evaluate(LOADED) == 320
    assert image.get_attribute("src", timeout=1000).startswith("blob:")
    expect(image).to_have_attribute("alt", f"{incident['robot']} 拍摄的现场照片 {photo_id}")

    said = detail.locator("ol.spoken li")
    expect(said).to_have_count(2)
    expect(said.nth(0)).to_contain_text("请勿占道经营")
    expect(said.nth(0)).to_contain_text(f"{incident['robot']}（中文）")
    expect(said.nth(1)).to_contain_text("do not trade here")
    times = said.locator("time").evaluate_all("els => els.map(e => e.textContent)")
    assert all(text and text != "—" for text in times), times

    steps = detail.locator("ol.timeline li")
    assert steps.evaluate_all("els => els.map(e => e.dataset.step)") == [
        "reported",
        "dispatched",
        "on_scene",
        "answered",
    ]
    expect(steps.nth(3)).to_contain_text("已完成处置，等待人工确认")
    buttons = page.locator("[data-controls=incident] button")
    expect(buttons).to_have_text(["确认已解决", "再次派遣", "转人工处理"])

    # The logbook's photo entry shows the image and the hash the server recorded.
    record = fleet.system.api.get(f"/photos/{photo_id}/record").json()
    entry = detail.locator("ol.logbook li[data-kind=photo]")
    expect(entry.locator("img")).to_have_count(1)
    expect(entry).to_contain_text(f"SHA-256：{record['sha256']}")
    expect(entry.locator("figure.photo")).to_have_attribute("data-state", "shown")
    assert entry.locator("img").evaluate(LOADED) == 320
    detail.locator("[data-field=evidence]").scroll_into_view_if_needed()
    console.screenshot("incident-evidence")

    # The mission's checkpoint results show the same photo and the words.
    console.go(f"missions/{incident['mission_id']}")
    visit = page.locator("ol.visits li.visit").first
    photo = visit.locator("li[data-action-type=capturePhoto] figure.photo img")
    expect(photo).to_have_count(1)
    expect(visit.locator("li[data-action-type=capturePhoto] figure.photo")).to_have_attribute(
        "data-state", "shown"
    )
    assert photo.evaluate(LOADED) == 320
    expect(visit.locator("li[data-action-type=announce] q").first).to_contain_text("请勿占道经营")
    page.locator(".result").scroll_into_view_if_needed()
    console.screenshot("mission-evidence")

    # The operator confirms; the incident is resolved by them, not by the robot.
    console.go(f"incidents/{reported['id']}")
    page.click("[data-action='incident.resolve']")
    dialog = page.locator("dialog[open]")
    expect(dialog.locator("h2, h3").first).to_contain_text(f"确认事件 #{reported['id']} 已解决")
    dialog.locator("textarea[name=note]").fill("摊主已离开，现场已恢复")
    dialog.locator("button[type=submit]").click()
    expect(status).to_have_attribute("data-status", "resolved")
    expect(buttons).to_have_count(0)
    closed = fleet.system.api.get(f"/incidents/{reported['id']}").json()
    assert (
        closed["resolved_by"] == OPERATOR.name and closed["resolution"] == "摊主已离开，现场已恢复"
    )


def test_a_viewer_sees_the_photo_but_cannot_confirm(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    answered = [
        i for i in fleet.system.api.get("/incidents").json() if i["evidence"] and i["robot"]
    ]
    assert answered, "the previous test's incident"
    incident = answered[0]
    console = open_console()
    console.log_in(VIEWER, f"incidents/{incident['id']}")
    figure = console.page.locator(".incident-detail [data-field=evidence] figure.photo")
    expect(figure).to_have_attribute("data-state", "shown")
    assert figure.locator("img").evaluate(LOADED) == 320
    expect(console.page.locator("[data-controls=incident] button")).to_have_count(0)
