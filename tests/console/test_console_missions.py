"""The console's missions pages in Chromium: create, watch, pause, resume, cancel, results."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx

from tests.console.browser import ACCOUNTS, Console, ConsoleFleet, playwright_api
from tests.console.patrols import HALL_LOOP, long_patrol
from tests.waiting import wait_until

expect = playwright_api().expect

OPERATOR = ACCOUNTS["operator"]
VIEWER = ACCOUNTS["viewer"]
CLICKED_ROUTE = ["street-s1", "street-s2", "street-s3"]
MISSION_URL = re.compile(r"#/missions/(\d+)$")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _mission_id(console: Console) -> int:
    expect(console.page).to_have_url(MISSION_URL)
    found = MISSION_URL.search(console.page.url)
    assert found is not None
    return int(found.group(1))


def test_a_patrol_made_by_clicking_nodes_runs_to_completion(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    console = open_console()
    console.log_in(OPERATOR, "missions")
    page = console.page
    page.click("[data-action=new-mission]")
    expect(page).to_have_url(re.compile("#/missions/new$"))
    expect(page.locator("button[data-action=create]")).to_be_disabled()
    for node in CLICKED_ROUTE:
        page.click(f'svg.site-map.picking g.node[data-node="{node}"]')
    route = page.locator(".route-list li[data-node]")
    expect(route).to_have_count(len(CLICKED_ROUTE))
    assert route.evaluate_all("els => els.map(e => e.dataset.node)") == CLICKED_ROUTE
    expect(route.first).to_contain_text("龙福路 公交站")
    expect(page.locator("svg.site-map .route-badge")).to_have_count(len(CLICKED_ROUTE))
    expect(page.locator("select[name=robot]")).to_have_value("")
    console.screenshot("mission-new")

    page.click("button[data-action=create]")
    mission_id = _mission_id(console)
    created = fleet.system.mission(mission_id)
    assert created["kind"] == "patrol"
    assert created["route"] == CLICKED_ROUTE
    assert created["requested_robot"] is None, "the server chose the nearest robot"
    status = page.locator(".mission-detail [data-field=status] .badge")
    expect(status).to_have_attribute("data-status", "completed", timeout=60_000)
    expect(status).to_have_text("已完成")
    expect(page.locator(".mission-detail [role=progressbar]")).to_have_attribute(
        "aria-valuenow", "100"
    )
    expect(page.locator(".mission-detail [data-field=robot] a")).to_have_text(created["robot"])
    assert fleet.system.mission(mission_id)["status"] == "completed"
    # Why this robot: the chosen one with its prediction, and the other robots with why they lost.
    choice = page.locator("[data-field=assignment]")
    expect(choice.locator("h2")).to_have_text("派单说明")
    expect(choice.locator("[data-field=assignment-robot] a")).to_have_text(created["robot"])
    expect(choice.locator("[data-field=assignment-predicted]")).to_contain_text("m）")
    expect(choice.locator("[data-field=assignment-charge]")).to_contain_text("%")
    runners_up = choice.locator("[data-field=runners-up] > li")
    expect(runners_up.first).to_be_visible()
    shown = fleet.system.api.get(f"/missions/{mission_id}").json()["assignment"]["runners_up"]
    expect(runners_up).to_have_count(len(shown))
    # The reason in Chinese, from its code: its figures, and none of the server's English.
    reason = runners_up.first.locator("[data-field=runner-up-reason]")
    expect(reason).not_to_have_text(shown[0]["reason"])
    for value in shown[0]["reason_text"]["params"].values():
        if isinstance(value, int | float):
            expect(reason).to_contain_text(str(value))
    console.screenshot("mission-assignment")


def test_a_patrol_built_on_the_map_has_checkpoints_where_the_dog_speaks_and_photographs(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    console = open_console()
    console.log_in(OPERATOR, "missions/new")
    page = console.page
    for node in CLICKED_ROUTE:
        page.click(f'svg.site-map.picking g.node[data-node="{node}"]')
    page.click("[data-action=add-checkpoint]")
    first = page.locator(".checkpoint-row").nth(0)
    expect(first.locator("select[name=node]")).to_have_value(CLICKED_ROUTE[0])
    first.locator("select[name=node]").select_option(CLICKED_ROUTE[1])
    first.locator("input[name=say_zh]").fill("请勿占道经营，谢谢配合")
    first.locator("input[name=say_en]").fill("Please keep the pavement clear")
    first.locator("input[name=repeat]").fill("2")
    first.locator("input[name=photo]").check()
    first.locator("select[name=direction]").select_option("left")
    # A second checkpoint takes the first node no other checkpoint has; with nothing to do it
    # is refused at its own row, before anything is sent.
    page.click("[data-action=add-checkpoint]")
    second = page.locator(".checkpoint-row").nth(1)
    expect(second.locator("select[name=node]")).to_have_value(CLICKED_ROUTE[0])
    expect(page.locator("svg.site-map g.marker.checkpoint")).to_have_count(2)
    page.click("button[data-action=create]")
    expect(second.locator(":scope > .field-error")).to_have_text(
        "检查点至少要有一个动作（播报、拍照或停留）"
    )
    assert page.url.endswith("#/missions/new"), "nothing was sent"
    second.locator("input[name=dwell]").fill("2")
    console.screenshot("mission-new-checkpoints")

    page.click("button[data-action=create]")
    mission_id = _mission_id(console)
    created = fleet.system.mission(mission_id)
    assert created["route"] == CLICKED_ROUTE
    assert created["definition"]["checkpoints"] == [
        {
            "node": CLICKED_ROUTE[1],
            "actions": [
                {
                    "type": "announce",
                    "params": {"text": "请勿占道经营，谢谢配合", "language": "zh", "repeat": 2},
                },
                {
                    "type": "announce",
                    "params": {
                        "text": "Please keep the pavement clear",
                        "language": "en",
                        "repeat": 2,
                    },
                },
                {"type": "capturePhoto", "params": {"direction": "left"}},
            ],
            "on_failure": "skip",
            "retries": 0,
        },
        {
            "node": CLICKED_ROUTE[0],
            "actions": [{"type": "dwell", "params": {"seconds": 2}}],
            "on_failure": "skip",
            "retries": 0,
        },
    ]
    status = page.locator(".mission-detail [data-field=status] .badge")
    expect(status).to_have_attribute("data-status", "completed", timeout=90_000)
    expect(page.locator("[data-field=checkpoint-summary]")).to_have_text("检查点完成 2/2")
    spoken = page.locator("ol.visits > li").filter(has_text="语音播报")
    expect(spoken.locator(".action-status")).to_have_text(["完成", "完成", "完成"])


def test_a_template_patrol_shows_its_checkpoint_results(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    console = open_console()
    console.log_in(OPERATOR, "missions/new")
    page = console.page
    page.click("button[role=tab][data-mode=template]")
    page.select_option("select[name=template]", "market-patrol-en")
    expect(page.locator("[data-field=template-description]")).to_contain_text("清林路与市场街")
    page.click("button[data-action=create]")
    mission_id = _mission_id(console)
    status = page.locator(".mission-detail [data-field=status] .badge")
    expect(status).to_have_attribute("data-status", "completed", timeout=90_000)
    expect(page.locator("[data-field=checkpoint-summary]")).to_have_text("检查点完成 2/2")
    rows = page.locator("ol.visits > li")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("龙城市场街 北段")
    expect(rows.first.locator(".action-status")).to_have_text(["完成", "完成", "完成"])
    expect(rows.first).to_contain_text("语音播报")
    expect(page.locator(".result h2")).to_have_text("任务结果")
    done = fleet.system.mission(mission_id)
    assert done["route"][0] == "street-w1"
    page.locator(".result").scroll_into_view_if_needed()
    console.screenshot("mission-result")


def test_a_cleaning_shows_its_coverage_image_and_is_cancelled_with_a_confirmation(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    created = fleet.system.api.post(
        "/missions",
        json={"kind": "clean", "site": "longgang-demo", "zone": "longcheng-square", "width": 4.0},
    )
    assert created.status_code == 201, created.text
    mission_id = created.json()["id"]
    fleet.system.wait_mission(mission_id, "running")
    console = open_console()
    console.log_in(OPERATOR, f"missions/{mission_id}")
    page = console.page
    image = page.locator("img[data-field=coverage-image]")
    expect(image).to_have_attribute("src", re.compile("^blob:"))
    page.wait_for_function(
        "() => document.querySelector('img[data-field=coverage-image]')?.naturalWidth > 0"
    )

    expect(page.locator("svg.site-map path.zone.focus")).to_have_attribute(
        "data-zone", "longcheng-square"
    )
    # Some lanes cleaned first, so that the result has coverage to show.
    wait_until(
        lambda: fleet.system.mission(mission_id)["progress"]["nodes_passed"] >= 12,
        what="a few lanes cleaned",
    )
    cancel = page.locator("[data-controls=mission] button[data-action='mission.cancel']")
    cancel.click()
    expect(cancel).to_have_text("确认取消？")
    assert fleet.system.mission(mission_id)["status"] == "running", "one click cancels nothing"
    cancel.click()
    status = page.locator(".mission-detail [data-field=status] .badge")
    expect(status).to_have_attribute("data-status", "cancelled")
    expect(page.locator(".mission-detail [data-field=reason]")).to_have_text("已由操作员取消")
    expect(page.locator("[data-controls=mission] button")).to_have_count(0)
    covered = page.locator("[data-field=coverage] dd").first
    expect(covered).to_have_text(re.compile(r"^[1-9][\d.]* %$"))
    page.wait_for_function(
        "() => document.querySelector('img[data-field=coverage-image]')?.naturalWidth > 0"
    )
    page.locator(".result").scroll_into_view_if_needed()
    console.screenshot("mission-coverage")


def test_pausing_and_resuming_a_robot_from_its_detail(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    with long_patrol(fleet) as mission:
        serial = mission["robot"]
        console = open_console()
        console.log_in(OPERATOR, f"robots/{serial}")
        page = console.page
        state = page.locator(".robot-detail [data-field=state] .badge")
        controls = page.locator("[data-controls=robot] button")
        expect(state).to_have_attribute("data-status", "working")
        expect(controls).to_have_text(["暂停", "取消任务"])

        page.click("[data-controls=robot] button[data-action='robot.pause']")
        expect(state).to_have_attribute("data-status", "paused")
        expect(state).to_have_text("已暂停")
        expect(page.locator(".notice-ok")).to_have_text("已发送暂停指令。")
        assert fleet.system.robot(serial)["paused"] is True
        assert fleet.system.mission(mission["id"])["status"] == "paused"
        still = console.robot_position(serial)
        expect(controls).to_have_text(["继续", "取消任务"])
        assert console.robot_position(serial) == still, "a paused robot stays where it is"

        page.click("[data-controls=robot] button[data-action='robot.resume']")
        expect(state).to_have_attribute("data-status", "working")
        page.wait_for_function(
            """([serial, x, y]) => {
                const icon = document.querySelector(`g.robot[data-robot="${serial}"]`);
                return Math.hypot(icon.dataset.x - x, icon.dataset.y - y) > 1;
            }""",
            arg=[serial, *still],
        )
        assert fleet.system.mission(mission["id"])["status"] == "running"

        page.click("[data-controls=robot] button[data-action='robot.cancel']")
        page.click("[data-controls=robot] button[data-action='robot.cancel']")
        expect(page.locator(".robot-detail [data-field=mission]")).to_have_text("无")
        expect(controls).to_have_count(0)
        assert fleet.system.mission(mission["id"])["status"] == "cancelled"


def test_a_viewer_sees_missions_but_can_neither_create_nor_control_them(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    with long_patrol(fleet) as mission:
        serial = mission["robot"]
        viewer = open_console()
        viewer.log_in(VIEWER, "missions")
        page = viewer.page
        rows = page.locator(".missions-table tbody tr")
        expect(rows.first).to_have_attribute("data-mission", str(mission["id"]))
        expect(rows.first.locator(".badge")).to_have_text("执行中")
        expect(page.locator("[data-action=new-mission]")).to_have_count(0)

        viewer.go("missions/new")
        expect(page.locator("main")).to_contain_text("您的角色不能创建任务。")
        expect(page.locator("button[data-action=create]")).to_have_count(0)
        viewer.go(f"missions/{mission['id']}")
        expect(page.locator(".mission-detail [data-field=status] .badge")).to_have_text("执行中")
        expect(page.locator("[data-controls=mission] button")).to_have_count(0)
        viewer.go(f"robots/{serial}")
        expect(page.locator(".robot-detail [data-field=mission] a")).to_have_text(
            f"#{mission['id']}"
        )
        expect(page.locator("[data-controls=robot] button")).to_have_count(0)

        # The server refuses what the console does not offer.
        headers = {"Authorization": f"Bearer {fleet.token(VIEWER)}"}
        base = f"{fleet.base_url}/api/v1"
        body = {"kind": "patrol", "site": "longgang-demo", "route": HALL_LOOP}
        assert httpx.post(f"{base}/missions", json=body, headers=headers).status_code == 403
        assert httpx.post(f"{base}/robots/{serial}/pause", headers=headers).status_code == 403
        assert httpx.get(f"{base}/missions", headers=headers).status_code == 200

        operator = open_console()
        operator.log_in(OPERATOR, "missions")
        expect(operator.page.locator(".missions-table tbody tr")).to_have_count(
            len(fleet.system.api.get("/missions").json())
        )
        expect(operator.page.locator("[data-action=new-mission]")).to_be_visible()
        operator.screenshot("missions")


RECORD_PROGRESS = """() => {
  window.progressSeen = [];
  const note = () => {
    const shown = document.querySelector(".mission-detail [data-field=progress-text]");
    const text = shown?.textContent;
    if (text && window.progressSeen.at(-1) !== text) window.progressSeen.push(text);
  };
  const watched = { subtree: true, childList: true, characterData: true };
  new MutationObserver(note).observe(document.body, watched);
}"""


def test_a_patrol_counts_its_drawn_route_and_shows_when_each_checkpoint_was_reached(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    console = open_console()
    console.log_in(OPERATOR, "missions")
    page = console.page
    page.evaluate(RECORD_PROGRESS)
    announce = {"type": "announce", "params": {"text": "请勿占道经营", "language": "zh"}}
    created = fleet.system.api.post(
        "/missions",
        json={
            "kind": "patrol",
            "site": "longgang-demo",
            "route": ["street-s2", "street-s3", "street-se", "street-e1"],
            "rounds": 2,
            "checkpoints": [{"node": "street-se", "actions": [announce]}],
        },
    )
    assert created.status_code == 201, created.text
    mission_id = created.json()["id"]
    console.go(f"missions/{mission_id}")
    status = page.locator(".mission-detail [data-field=status] .badge")
    expect(status).to_have_attribute("data-status", "completed", timeout=90_000)
    progress = page.locator(".mission-detail [data-field=progress-text]")
    expect(progress).to_have_text("第 2/2 轮 · 巡逻点 4/4")

    # What the page said while it ran: the 4 drawn nodes of each round, the way back apart,
    # never a round 0 or the plan's node count.
    seen = page.evaluate("window.progressSeen")
    assert not [text for text in seen if "第 0/" in text or "个节点" in text], seen
    for text in ("第 1/2 轮 · 巡逻点 1/4", "第 1/2 轮 · 巡逻点 4/4 · 返回起点"):
        assert text in seen, seen

    # Each visit says when the robot got there: the server's time of it, not the mission's start.
    done = fleet.system.mission(mission_id)
    visits = page.locator("ol.visits > li")
    expect(visits).to_have_count(2)
    for shown, visit in zip(visits.all(), done["results"]["checkpoints"], strict=True):
        reached = datetime.fromisoformat(visit["reached_at"])
        assert reached > datetime.fromisoformat(done["started_at"])
        local = reached.astimezone(SHANGHAI)
        expect(shown.locator(".visit-head .muted")).to_contain_text(
            f"到达时间 {local:%m/%d %H:%M:%S}"
        )
    console.screenshot("mission-progress-arrival")
