"""The map tells what is happening: missions and incidents beside it, planned routes, responder
lines, zone names, scale and north, robots that glide, the wall mode and the phone layout."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from tests.console.browser import ACCOUNTS, Console, ConsoleFleet, playwright_api
from tests.console.patrols import HALL_LOOP, long_patrol
from tests.waiting import wait_until

expect = playwright_api().expect

OPERATOR = ACCOUNTS["operator"]
# Beside the metro exit on Longfu Road: a street vendor there sends the nearest patrol dog.
SPOT = {"x": 304.0, "y": 3.0}


def _points(console: Console, selector: str) -> list[tuple[float, float]]:
    """A polyline's points in site coordinates (the map draws y as -y)."""
    text = console.page.locator(selector).get_attribute("points") or ""
    pairs = [pair.split(",") for pair in text.split()]
    return [(float(x), -float(y)) for x, y in pairs]


def test_the_map_lists_what_is_under_way_and_draws_where_robots_are_going(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    console = open_console()
    console.log_in(OPERATOR, "map")
    page = console.page
    site = fleet.system.api.get("/sites/longgang-demo").json()
    nodes = {node["id"]: (node["x"], node["y"]) for node in site["nodes"]}
    with long_patrol(fleet) as patrol:
        item = page.locator(f'.activity [data-mission="{patrol["id"]}"]')
        expect(item).to_contain_text(f"#{patrol['id']} · 巡逻")
        robot = fleet.system.mission(patrol["id"])["robot"]
        expect(item).to_contain_text(robot)
        # The expected arrival names the end of the round, the first node of the loop again; in
        # minutes once the feed has shown the robot driving for ten seconds.
        expect(item.locator("[data-field=eta]")).to_have_text(
            re.compile(r"^约 \d+ 分钟后到达 取号机$"), timeout=30_000
        )
        plan = f'svg.site-map polyline.plan[data-mission="{patrol["id"]}"]'
        expect(page.locator(plan)).to_be_attached()
        points = _points(console, plan)
        ahead = fleet.system.mission(patrol["id"])["progress"]["ahead"]
        assert len(points) >= 2 and points[-1] == nodes[ahead[-1]]
        # It starts where the robot is drawn (within the few metres one second of driving takes).
        wait_until(lambda: math.dist(_points(console, plan)[0], console.robot_position(robot)) < 3)

        # A reported street vendor: the dog sent to it gets a line to the incident.
        created = fleet.system.api.post(
            "/incidents",
            json={
                "type": "street_vending",
                "site": "longgang-demo",
                "location": SPOT,
                "source": "camera-0417",
            },
        )
        assert created.status_code == 201, created.text
        incident = created.json()
        # The line lasts only while the dog is on its way or on the scene (a nearby dog may have
        # answered within a second), so it is read whole in one look as soon as it is drawn.
        line = wait_until(
            lambda: page.evaluate(
                """(id) => {
                    const line = document.querySelector(
                        `svg.site-map line.responder[data-incident="${id}"]`);
                    return line && {x2: line.getAttribute("x2"), y2: line.getAttribute("y2"),
                                    robot: line.getAttribute("data-robot")};
                }""",
                incident["id"],
            ),
            timeout=15,
            what="the responder line",
        )
        assert (line["x2"], line["y2"]) == ("304", "-3")
        assert line["robot"] == fleet.system.api.get(f"/incidents/{incident['id']}").json()["robot"]
        entry = page.locator(f'.activity [data-incident="{incident["id"]}"]')
        expect(entry).to_contain_text("占道经营")
        console.screenshot("map-activity")

        # Clicking a mission shows where its robot is going: the view centres on its plan.
        page.set_viewport_size({"width": 1600, "height": 900})
        item.locator("button").click()
        hall = [nodes[node] for node in HALL_LOOP]

        def centre() -> tuple[float, float]:
            box = page.locator("svg.site-map").get_attribute("viewBox") or ""
            x, y, width, height = (float(v) for v in box.split())
            return (x + width / 2, -(y + height / 2))

        # Within the hall: the plan runs from the robot through the loop's nodes.
        xs, ys = [p[0] for p in hall], [p[1] for p in hall]
        wait_until(lambda: min(xs) - 20 <= centre()[0] <= max(xs) + 20)
        assert min(ys) - 20 <= centre()[1] <= max(ys) + 20


def _is_round(metres: float) -> bool:
    """Whether a length is 1, 2 or 5 times a power of ten."""
    leading = metres / 10 ** math.floor(math.log10(metres))
    return any(math.isclose(leading, step) for step in (1, 2, 5))


def test_the_scale_bar_north_arrow_and_zone_names_follow_the_zoom(
    open_console: Callable[[], Console],
) -> None:
    console = open_console()
    console.log_in(OPERATOR, "map")
    page = console.page
    scale = page.locator(".map-scale")
    expect(scale.locator(".north-arrow")).to_contain_text("北")

    def bar() -> tuple[float, float, float]:
        metres = float(scale.get_attribute("data-metres") or "nan")
        width = scale.locator(".scale-bar").evaluate("el => el.getBoundingClientRect().width")
        per_px = float(page.locator("svg.site-map").get_attribute("data-scale") or "nan")
        return metres, width, per_px

    metres, width, per_px = bar()
    # The bar is as long on screen as its metres at this zoom, and a round length.
    assert abs(width - metres / per_px) < 1.5
    assert _is_round(metres)
    # The square's name needs more room than the whole site's view leaves it; zoomed in, it shows.
    label = page.locator('svg.site-map text.zone-label[data-zone="longcheng-square"]')
    expect(label).to_be_hidden()
    expect(page.locator('svg.site-map text.zone-label[data-zone="uc-forecourt"]')).to_be_visible()
    for _ in range(4):
        page.click("[data-action='map.zoomIn']")
    expect(label).to_be_visible()
    expect(label).to_have_text("龙城广场")
    zoomed_metres, zoomed_width, zoomed_per_px = bar()
    assert zoomed_metres < metres
    assert abs(zoomed_width - zoomed_metres / zoomed_per_px) < 1.5
    console.screenshot("map-zoomed-names")


def test_robots_glide_from_one_reported_pose_to_the_next(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    console = open_console()
    console.log_in(OPERATOR, "map")
    page = console.page
    with long_patrol(fleet) as patrol:
        robot = fleet.system.mission(patrol["id"])["robot"]
        icon = page.locator(f'svg.site-map g.robot[data-robot="{robot}"]')
        expect(icon).to_be_attached()
        # Between two reports the icon is under way: a running transition of its transform.
        wait_until(
            lambda: icon.evaluate(
                """el => el.getAnimations().some(
                    (a) => a.transitionProperty === "transform" && a.playState === "running")"""
            )
        )


def test_the_wall_mode_fills_the_screen_and_cycles_to_open_incidents(
    open_console: Callable[[], Console], fleet: ConsoleFleet
) -> None:
    console = open_console()
    page = console.page
    page.set_viewport_size({"width": 3840, "height": 2160})
    console.log_in(OPERATOR, "map")
    icon = page.locator("svg.site-map g.robot").first
    expect(icon).to_be_attached()
    normal = icon.evaluate("el => el.getBoundingClientRect().width")
    page.click("[data-action=wall]")
    expect(page).to_have_url(re.compile("#/wall$"))
    expect(page.locator(".top-bar")).to_be_hidden()
    svg = page.locator("svg.site-map")
    box = svg.bounding_box()
    assert box is not None and box["height"] > 2000, "the map runs from the top to the bottom"
    wall_icon = page.locator("svg.site-map g.robot").first
    expect(wall_icon).to_be_attached()
    wait_until(lambda: wall_icon.evaluate("el => el.getBoundingClientRect().width") > 1.8 * normal)
    robots = fleet.system.api.get("/robots").json()
    expect(page.locator("[data-field=wall-counts] .count")).to_have_count(6)
    shown = page.locator("[data-field=wall-counts] .count").all_text_contents()
    assert sum(int(n) for n in shown) == len(robots)
    console.screenshot("wall-4k")

    # Every three seconds the view moves on: to an open incident, and back to the whole site.
    # The fleet is paused so that no robot answers the incident and it stays open.
    assert fleet.system.api.post("/fleet/pause").status_code == 200
    try:
        created = fleet.system.api.post(
            "/incidents",
            json={
                "type": "crowd",
                "site": "longgang-demo",
                "location": {"x": 450, "y": 3},
                "source": "camera-7",
            },
        )
        assert created.status_code == 201, created.text
        console.go("wall/3")
        focus = page.locator("[data-field=wall-focus]")
        expect(focus).to_have_attribute("data-incident", str(created.json()["id"]), timeout=10_000)
        expect(focus).to_have_text(f"正在显示事件 #{created.json()['id']}")
        console.screenshot("wall-incident")
        expect(focus).not_to_have_attribute("data-incident", re.compile("."), timeout=10_000)
    finally:
        assert fleet.system.api.post("/fleet/resume").status_code == 200
    page.click("[data-action=leave-wall]")
    expect(page.locator(".top-bar")).to_be_visible()


def test_on_a_phone_the_navigation_scrolls_and_the_map_comes_first(
    open_console: Callable[[], Console],
) -> None:
    console = open_console()
    page = console.page
    page.set_viewport_size({"width": 390, "height": 844})
    console.log_in(OPERATOR, "map")
    links = page.locator(".main-nav a")
    expect(links.first).to_be_visible()
    heights = links.evaluate_all("els => els.map((el) => el.getBoundingClientRect().height)")
    widths = links.evaluate_all("els => els.map((el) => el.getBoundingClientRect().width)")
    # No label is broken into a character per line: each link is one line, wider than tall.
    assert all(w > h for w, h in zip(widths, heights, strict=True)), (widths, heights)
    assert len(set(round(h) for h in heights)) == 1
    map_box = page.locator("svg.site-map").bounding_box()
    side_box = page.locator("aside.side").bounding_box()
    assert map_box is not None and side_box is not None
    assert map_box["width"] > 350 and side_box["y"] >= map_box["y"] + map_box["height"] - 1
    console.screenshot("phone-map")
    console.go("robots")
    table = page.locator("table.data")
    expect(table).to_be_visible()
    cells = table.locator("tbody tr").first.locator("td")
    tall = cells.evaluate_all("els => els.map((el) => el.getBoundingClientRect().height)")
    assert max(tall) < 60, "no cell wraps its name onto many lines"
    console.screenshot("phone-robots")
