"""Every page of the console in Chinese, with data of every kind, shows no English the operator
would have to read: each Latin word on a page must be an id or code of the data, a unit or a
standard acronym, or text that a person or a robot typed. And the top bar fits at 1600 px in
both languages for every role.

The rule for text that people and robots typed (an incident's description and source, a robot's
error, an announcement, a place name): the test takes each such text out of the page's text
before it looks for words, by its exact value: what the test itself typed (TYPED), and what the
data holds of it (World.names, read from the API). Beside that, an element the console marks
as English (lang="en": the language switch's own name, a quote of what a robot said in English)
is English on purpose and is skipped, and so is a code the console shows as one (in <code>: an
audit action beside its name). No other mark is needed on the pages."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.broker import MosquittoBroker
from tests.console.browser import ACCOUNTS, Console, ConsoleFleet, playwright_api
from tests.console.scripted_dog import ScriptedDog
from tests.console.voucher_records import VoucherRecords, build_voucher_records
from tests.waiting import wait_until

expect = playwright_api().expect

ADMIN = ACCOUNTS["admin"]
OFFICER = ACCOUNTS["subsidy_officer"]
SITE = "longgang-demo"
SPOT = {"x": 304.0, "y": 3.0}  # beside the metro exit on Longfu Road (a vendor hotspot)
CHECKPOINT_ROUTE = ["street-s1", "street-s2", "street-s3"]
HALL_LOOP = ["hall-queue", "hall-wait-w", "hall-desk-1", "hall-desk-2", "hall-desk-3"]

TABS = [
    "programmes", "issued", "enterprises", "institutions", "contracts", "units", "claims",
    "settlements", "clawbacks", "audit",
]  # fmt: skip
# Units and standard acronyms a Chinese page may show as they are: the short list. Beside them
# two notations a Chinese operator reads as they are: the site's x/y axes and the HH:MM time
# format; and P90, the percentile of a response time, as Chinese dashboards write it.
UNITS = {"m", "km", "s", "min", "h", "kWh", "x", "y", "HH:MM", "P90"}
ACRONYMS = {"ID", "API", "MQTT", "VDA 5050", "SHA-256", "UTC", "PNG", "CSV", "JSON", "ROS"}
# A photo's media type, as the logbook records it (a code of the file, not a word).
MEDIA_TYPES = {"image/png", "image/jpeg"}
# The example the template form gives of an id (ids are Latin: lower-case letters and digits).
EXAMPLE_IDS = {"night-patrol"}
# What the test types as people and robots, some of it in English as people and robots do:
# taken out of the page text before the check.
ROBOT_ERROR = ("motorFault", "left drive motor over temperature")
CAMERA = "camera-0417"
SAID_EN = "Please keep the pavement clear"
HELD_NOTE = "again at the metro exit"
CROWD_NOTE = "crowd gathering near the gate"
LITTER_NOTE = "vendor left their rubbish behind"
TYPED = [*ROBOT_ERROR, CAMERA, SAID_EN, HELD_NOTE, CROWD_NOTE, LITTER_NOTE]
TOKEN = re.compile(r"[A-Za-z0-9_.:/@#+\-]*[A-Za-z][A-Za-z0-9_.:/@#+\-]*")
# A hash, or an id that ends in one (a photo's: photo-dog-01-38a3ad4403e746f8).
HASH = re.compile(r"([\w.\-]+-)?[0-9a-f]{8,}")
# A node the server made for a mission's plan (a cleaning lane's m3-c36, an incident's m5-spot).
PLAN_NODE = re.compile(r"m\d+-(c\d+|spot|n\d+)")
EDGES = ".:/#-+@"  # punctuation taken off a word's ends
FILE_NAME = re.compile(r"[\w.\-]+\.(json|csv|png|jpg|yaml|zip)")

# The page's visible words: the main part, the top bar, open dialogs and notices, the titles
# (tooltips) of what is shown, the map's SVG titles, the options of its selects and the
# placeholders of its inputs, and the tab's title.
VISIBLE_TEXT = """() => {
  const shown = (el) => el.getClientRects().length > 0;
  const out = [document.title];
  // Marked as English on purpose (lang="en"): the language switch's own name, the English a
  // robot spoke. Their text is listed first, to be taken out of the rest.
  const english = [...document.querySelectorAll("[lang^=en]")].filter(shown);
  const skip = english.map((el) => el.innerText || el.getAttribute("aria-label") || "");
  // Codes shown as codes (<code>: an audit action beside its name, the fields a change touched).
  for (const el of document.querySelectorAll("main code")) if (shown(el)) skip.push(el.innerText);
  for (const el of document.querySelectorAll("header.top-bar, main, dialog[open], .notices")) {
    if (shown(el)) out.push(el.innerText);
  }
  const scope = "header.top-bar, main, dialog[open]";
  for (const root of document.querySelectorAll(scope)) {
    for (const el of root.querySelectorAll("[title]")) {
      if (shown(el)) out.push(el.getAttribute("title"));
    }
    for (const el of root.querySelectorAll("svg title")) out.push(el.textContent);
    for (const el of root.querySelectorAll("select option")) out.push(el.textContent);
    for (const el of root.querySelectorAll("input[placeholder], textarea[placeholder]")) {
      if (shown(el)) out.push(el.getAttribute("placeholder"));
    }
    for (const el of root.querySelectorAll("[aria-label]")) {
      if (shown(el)) out.push(el.getAttribute("aria-label"));
    }
  }
  return { text: out.join("\\n"), skip };
}"""
# Settled: the main part's text has not changed for 400 ms and nothing says it is loading; a
# page the live feed keeps changing (the robots' table) is read after 2.5 s.
SETTLED = """() => {
  const text = document.querySelector("main")?.innerText || "";
  const now = performance.now();
  if (now - window.walkStart > 2500) return true;
  if (window.walkText !== text) {
    window.walkText = text;
    window.walkSince = now;
    return false;
  }
  return now - window.walkSince > 400 && !/加载中|正在加载/.test(text) && text.trim() !== "";
}"""


@dataclass
class World:
    """The data the walk shows: ids to look at, and the ids and codes a page may show."""

    missions: dict[str, int] = field(default_factory=dict)
    incidents: dict[str, int] = field(default_factory=dict)
    schedules: list[int] = field(default_factory=list)
    claims: list[int] = field(default_factory=list)
    records: VoucherRecords | None = None
    codes: set[str] = field(default_factory=set)
    # Text people or robots put into the data: the site's place names, the templates' names
    # and announcements, the words robots spoke at incidents.
    names: set[str] = field(default_factory=set)


def _ids_in(value: Any, keys: set[str], into: set[str]) -> None:
    """Every string under one of the keys, anywhere in a JSON answer."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in keys and isinstance(item, str):
                into.add(item)
            else:
                _ids_in(item, keys, into)
    elif isinstance(value, list):
        for item in value:
            _ids_in(item, keys, into)


ID_KEYS = {
    "id", "robot", "robot_id", "requested_robot", "node", "nodes", "zone", "site", "site_id",
    "serial_number", "manufacturer", "prefix", "number", "uscc", "order_id", "charger",
    "template", "map_id", "username", "actor", "timezone", "contract_number", "models", "model",
    "decided_by", "filed_by", "created_by", "issued_by", "by", "last_node_id",
}  # fmt: skip


def _post(client: httpx.Client, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = client.post(path, json=body if body is not None else {})
    assert response.status_code in (200, 201), (path, response.text)
    return dict(response.json())


def _incident(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    body = {"type": "street_vending", "site": SITE, "source": CAMERA, **fields}
    if "node" not in body:
        body.setdefault("location", SPOT)
    return _post(api, "/incidents", body)


def _wait_incident(api: httpx.Client, incident_id: int, status: str) -> dict[str, Any]:
    return dict(
        wait_until(
            lambda: (i := api.get(f"/incidents/{incident_id}").json())["status"] == status and i,
            timeout=60,
            what=f"incident {incident_id} {status}",
        )
    )


def _node(fleet: ConsoleFleet, node_id: str) -> dict[str, Any]:
    site = fleet.system.api.get(f"/sites/{SITE}").json()
    return next(n for n in site["nodes"] if n["id"] == node_id)


def _build(fleet: ConsoleFleet, broker: MosquittoBroker, dogs: list[ScriptedDog]) -> World:
    api = fleet.system.api
    world = World()
    # A patrol whose checkpoint speaks in both languages and takes a photo: completed.
    patrol = _post(
        api,
        "/missions",
        {
            "kind": "patrol",
            "site": SITE,
            "route": CHECKPOINT_ROUTE,
            "checkpoints": [
                {
                    "node": CHECKPOINT_ROUTE[1],
                    "actions": [
                        {"type": "announce", "params": {"text": "请勿占道经营", "language": "zh"}},
                        {
                            "type": "announce",
                            "params": {"text": SAID_EN, "language": "en"},
                        },
                        {"type": "capturePhoto", "params": {"direction": "left"}},
                    ],
                }
            ],
        },
    )
    world.missions["completed"] = patrol["id"]
    # A long patrol in the hall, cancelled while it runs.
    long = _post(
        api, "/missions", {"kind": "patrol", "site": SITE, "route": HALL_LOOP, "rounds": 20}
    )
    world.missions["cancelled"] = long["id"]
    fleet.system.wait_mission(long["id"], "running")
    _post(api, f"/missions/{long['id']}/cancel")
    fleet.system.wait_mission(long["id"], "cancelled")
    # A cleaning, completed or still going: its coverage.
    clean = _post(
        api, "/missions", {"kind": "clean", "site": SITE, "zone": "longcheng-square", "width": 4.0}
    )
    world.missions["clean"] = clean["id"]

    # Incidents: one a dog answered (awaiting confirmation), a repeat the cool-down holds, one
    # escalated, one resolved by a person.
    answered = _incident(api, severity="high", description="地铁口人行道上有摊位")
    world.incidents["awaiting_confirmation"] = answered["id"]
    fleet.system.wait_mission(patrol["id"], "completed", timeout=90)
    _wait_incident(api, answered["id"], "awaiting_confirmation")
    held = _incident(api, description=HELD_NOTE)
    assert held["status"] == "open" and held["repeat"], held
    world.incidents["held"] = held["id"]
    escalated = _incident(api, type="crowd", description=CROWD_NOTE)
    _post(api, f"/incidents/{escalated['id']}/escalate", {"note": "转城管中队现场处理"})
    world.incidents["escalated"] = escalated["id"]
    resolved = _incident(api, type="litter", description=LITTER_NOTE)
    _post(api, f"/incidents/{resolved['id']}/resolve", {"note": "摊主已自行离开"})
    world.incidents["resolved"] = resolved["id"]

    # Two dogs the test drives: one takes an incident and stays on its way (dispatched); the
    # other fails its patrol with a FATAL error, and a patrol asked of it waits.
    far = _node(fleet, "street-ne")
    walker = ScriptedDog(broker.host, broker.port, "dog-91", far["x"], far["y"])
    dogs.append(walker)
    wait_until(lambda: fleet.system.robot("dog-91").get("position"), what="dog-91 placed")
    dispatched = _incident(api, type="litter", node="street-ne", description="天桥下有垃圾")
    world.incidents["dispatched"] = dispatched["id"]
    _wait_incident(api, dispatched["id"], "dispatched")
    other = _node(fleet, "street-n1")
    broken = ScriptedDog(broker.host, broker.port, "dog-92", other["x"], other["y"])
    dogs.append(broken)
    wait_until(lambda: fleet.system.robot("dog-92").get("position"), what="dog-92 placed")
    doomed = _post(
        api,
        "/missions",
        {"kind": "patrol", "site": SITE, "route": ["street-n1", "street-n2"], "robot": "dog-92"},
    )
    fleet.system.wait_mission(doomed["id"], "running")
    broken.fail(*ROBOT_ERROR)
    fleet.system.wait_mission(doomed["id"], "failed")
    world.missions["failed"] = doomed["id"]
    waiting = _post(
        api,
        "/missions",
        {"kind": "patrol", "site": SITE, "route": ["street-n1", "street-n2"], "robot": "dog-92"},
    )
    assert waiting["status"] == "queued", waiting
    world.missions["waiting"] = waiting["id"]

    # A third that reported once and went quiet: offline by the time the walk reads it.
    gone = ScriptedDog(broker.host, broker.port, "dog-93", other["x"], other["y"])
    wait_until(lambda: fleet.system.robot("dog-93").get("position"), what="dog-93 placed")
    gone.close()

    # A schedule (the templates are the ones the server ships).
    schedule = _post(
        api,
        "/schedules",
        {
            "name": "夜市巡逻",
            "mission": {"kind": "patrol", "site": SITE, "route": CHECKPOINT_ROUTE},
            "recurrence": {"kind": "weekly", "days": ["sat"], "times": ["20:00", "22:30"]},
        },
    )
    world.schedules.append(schedule["id"])

    # Users and API keys (the admin's), and the alerts so far acknowledged in part.
    admin = httpx.Client(
        base_url=f"{fleet.base_url}/api/v1",
        headers={"Authorization": f"Bearer {fleet.token(ADMIN)}"},
        timeout=10,
    )
    with admin:
        user = {"name": "wang.fang", "role": "operator", "password": "pw-wang-1234"}
        _post(admin, "/users", user)
        _post(admin, "/users", {**user, "name": "zhao.lei"})
        assert admin.patch("/users/zhao.lei", json={"disabled": True}).status_code == 200
        _post(admin, "/apikeys", {"name": "camera-analytics", "role": "operator"})
        old_key = _post(admin, "/apikeys", {"name": "old-camera", "role": "viewer"})
        assert admin.delete(f"/apikeys/{old_key['id']}").status_code == 204
        first = api.get("/alerts", params={"limit": 1}).json()["alerts"]
        if first:
            _post(api, f"/alerts/{first[0]['id']}/acknowledge")

        # The voucher programme: last year's claims and cases, and today's claim whose rule
        # checks ran (rule 8 failed: the unit has no days of activity yet).
        world.records = build_voucher_records(fleet.system.database_url)
        officer = httpx.Client(
            base_url=f"{fleet.base_url}/api/v1/vouchers",
            headers={"Authorization": f"Bearer {fleet.token(OFFICER)}"},
            timeout=10,
        )
        with officer:
            claim = _post(officer, "/claims", {"contract_id": world.records.contract})
            # One lock-in case closed (recovered pro rata), the other left open.
            closing = {"outcome": "recovered", "recovery": "pro_rata", "reason": "停用超过 30 天"}
            _post(officer, f"/clawbacks/{world.records.cases[0]}/close", closing)
            world.claims = [c["id"] for c in officer.get("/claims").json()]
            assert claim["id"] in world.claims
            for path in (
                "/units", "/contracts", "/enterprises", "/institutions", "/issued", "/claims",
                "/settlements", "/clawbacks",
            ):  # fmt: skip
                _ids_in(officer.get(path).json(), ID_KEYS, world.codes)

        for path in ("/users", "/apikeys"):
            answer = admin.get(path).json()
            _ids_in(answer, ID_KEYS | {"name"}, world.codes)
    robots = [r["id"] for r in api.get("/robots").json()]
    for path in (
        f"/sites/{SITE}", "/templates", "/missions?limit=500", "/schedules",
        *(f"/robots/{robot}" for robot in robots),
    ):  # fmt: skip
        _ids_in(api.get(path).json(), ID_KEYS, world.codes)
    _ids_in(api.get(f"/sites/{SITE}").json(), {"name"}, world.names)
    _ids_in(api.get("/templates").json(), {"name", "name_zh", "name_en", "text"}, world.names)
    for incident in api.get("/incidents", params={"limit": 1000}).json():
        world.names.update(said["text"] for said in incident["spoken"])
    # As a word is read off a page: without punctuation at its ends (a key prefix's fk_x1Y-).
    world.codes |= {code.strip(EDGES) for code in world.codes}
    return world


@pytest.fixture(scope="module")
def world(fleet: ConsoleFleet, broker: MosquittoBroker) -> Iterator[World]:
    """Data of every kind on the module's fleet (built once)."""
    dogs: list[ScriptedDog] = []
    try:
        yield _build(fleet, broker, dogs)
    finally:
        for dog in dogs:
            dog.close()


def latin_words(text: str, world: World) -> list[str]:
    """The Latin words of a page's text that are not ids, codes, units, acronyms or typed."""
    codes = world.codes
    for typed in sorted([*TYPED, *world.names], key=len, reverse=True):
        text = text.replace(typed, " ")
    for acronym in ACRONYMS:
        text = re.sub(rf"(?<![A-Za-z]){re.escape(acronym)}(?![A-Za-z])", " ", text)
    found = []
    for raw in TOKEN.findall(text):
        # A time and an actor drawn side by side read as one word: 01:48:05tests-operator.
        token = re.sub(r"^\d{1,2}:\d{2}(:\d{2})?", "", raw).strip(EDGES)
        if (
            not token
            or token in codes
            or token in EXAMPLE_IDS
            or token in UNITS
            or token in MEDIA_TYPES
            # One character of a code (a credit code's check character, named in a refusal).
            or (len(token) == 1 and token.isupper())
            or HASH.fullmatch(token)
            or FILE_NAME.fullmatch(token)
            or PLAN_NODE.fullmatch(token)
            or token.lstrip("#").isdigit()
        ):
            continue
        found.append(token)
    return found


class Walk:
    """The pages visited, and on each the lines that showed Latin words (with the words)."""

    def __init__(self, console: Console, world: World) -> None:
        self.console = console
        self.world = world
        self.leaks: dict[str, dict[str, list[str]]] = {}

    def look(self, name: str) -> None:
        """Read the page as it is now and note each line with words that should not be there."""
        seen = self.console.page.evaluate(VISIBLE_TEXT)
        text = seen["text"]
        for english in sorted(seen["skip"], key=len, reverse=True):
            text = text.replace(english, " ") if english.strip() else text
        for line in text.splitlines():
            words = latin_words(line, self.world)
            if words:
                self.leaks.setdefault(name, {})[" ".join(line.split())[:160]] = words

    def words(self) -> dict[str, list[str]]:
        """Each page's Latin words, each once."""
        return {
            page: list(dict.fromkeys(word for words in lines.values() for word in words))
            for page, lines in self.leaks.items()
        }

    def report(self) -> str:
        """Each page with the lines that showed the words."""
        return "\n".join(
            f"{page}:\n" + "\n".join(f"    {line}" for line in lines)
            for page, lines in self.leaks.items()
        )

    def visit(self, path: str, ready: str | None = None, name: str | None = None) -> None:
        """Open a page, wait until it has settled, and read it (noted by its path or name)."""
        page = self.console.page
        page.evaluate("() => { window.walkStart = performance.now(); window.walkText = null; }")
        self.console.go(path)
        if ready:
            expect(page.locator(ready).first).to_be_attached()
        page.wait_for_function(SETTLED, polling=100, timeout=15_000)
        self.look(name or path)


def test_every_page_in_chinese_shows_no_english_but_ids_codes_and_typed_text(
    open_console: Callable[[], Console], fleet: ConsoleFleet, world: World
) -> None:
    console = open_console()
    page = console.page
    console.log_in(ADMIN, "map")
    walk = Walk(console, world)
    robots = [*fleet.robots, "dog-91", "dog-92", "dog-93"]
    walk.visit("map", "svg.site-map g.robot")
    walk.visit("overview/day", ".kpi-grid > *")
    walk.visit("overview/week", ".kpi-grid > *")
    walk.visit("robots", ".robots-table tbody tr")
    for robot in robots:
        walk.visit(f"robots/{robot}")
    walk.visit("missions", ".missions-table tbody tr")
    for mission in world.missions.values():
        walk.visit(f"missions/{mission}", ".mission-detail [data-field=status] .badge")
    walk.visit("missions/new", "svg.site-map")
    walk.visit("incidents", ".incidents-table tbody tr")
    page.select_option("select[name=group]", "all")
    every = len(fleet.system.api.get("/incidents").json())
    expect(page.locator(".incidents-table tbody tr")).to_have_count(every)
    walk.look("incidents (all)")
    for incident in world.incidents.values():
        walk.visit(f"incidents/{incident}", ".incident-detail [data-field=status] .badge")
    walk.visit("incidents/new", "svg.site-map")
    walk.visit("alerts", ".alerts-table tbody tr")
    walk.visit("schedules", ".schedules-table tbody tr")
    for schedule in world.schedules:
        walk.visit(f"schedules/{schedule}", "ol.next-runs li")
    walk.visit("schedules/new", "form.schedule-form")
    walk.visit("templates", ".templates-table tbody tr")
    for template in fleet.system.api.get("/templates").json():
        walk.visit(f"templates/{template['id']}", ".template-detail")
    walk.visit("templates/new", "form.template-form")
    walk.visit("users", ".users-table tbody tr")
    for tab in TABS:
        walk.visit(f"vouchers/{tab}", f".tab-body[data-tab={tab}] .panel")
    for claim in world.claims:
        walk.visit(f"vouchers/claims/{claim}", "ol.checks > li")
    assert world.records is not None
    for case in world.records.cases:
        walk.visit(f"vouchers/clawbacks/{case}", ".case-detail")

    # The fleet-wide pause's dialog, opened and left without sending anything.
    page.click("header.top-bar [data-action='fleet.pause']")
    expect(page.locator("dialog[open]")).to_be_visible()
    walk.look("dialog: pause the fleet")
    page.click("dialog[open] [data-action=cancel]")
    expect(page.locator("dialog[open]")).to_have_count(0)
    walk.visit("wall", "svg.site-map")  # the top bar hidden
    console.screenshot("walk-wall-zh")

    # A refused form: the server's refusal at its field, and the notice of a refused action.
    walk.visit("schedules/new", "form.schedule-form")
    form = page.locator("form.schedule-form")
    form.locator("select[name=copy]").select_option("market-patrol-en")
    form.locator("input[name=name]").fill("夜市巡逻")
    form.locator("input[name=times]").fill("20:00, 25:00")
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-field='recurrence.times'] .field-error")).to_be_visible()
    walk.look("schedules/new (refused)")

    # A refused action: the admin may not remove their own account; the notice says why.
    walk.visit("users", ".users-table tbody tr")
    own = page.locator(".users-table tbody tr", has_text=ADMIN.name)
    own.locator("[data-action='users.remove']").click()
    own.locator("[data-action='users.remove']").click()
    expect(page.locator(".notices .notice-error")).to_be_visible()
    walk.look("users (refused)")
    expect(page.locator(".notices .notice")).to_have_count(0, timeout=10_000)

    # The officer's voucher pages have the forms, and a refused one says why at its field.
    page.click("header.top-bar [data-action=logout]")
    console.log_in(OFFICER, "vouchers/programmes")
    for tab in TABS:
        ready = f".tab-body[data-tab={tab}] .panel"
        walk.visit(f"vouchers/{tab}", ready, name=f"vouchers/{tab} (officer)")
    walk.visit("vouchers/enterprises", "form[data-form=enterprise]")
    form = page.locator("form[data-form=enterprise]")
    form.locator("input[name=name]").fill("龙岗测试企业")
    form.locator("input[name=uscc]").fill("91440307MA5F00001X")
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-field=uscc] .field-error")).to_be_visible()
    walk.look("vouchers/enterprises (refused)")
    assert walk.words() == {}, "English on the Chinese pages:\n" + walk.report()


# Each thing of the top bar that is cut: text wider than its box, or a box outside the bar.
CUT_IN_TOP_BAR = """() => {
  const bar = document.querySelector("header.top-bar");
  const outer = bar.getBoundingClientRect();
  const cut = [];
  const nav = bar.querySelector(".main-nav");
  if (nav && nav.scrollWidth > nav.clientWidth + 1) cut.push("nav scrolls");
  for (const el of bar.querySelectorAll("a, button, .brand, .user-name, .user-role, .connection")) {
    if (el.getClientRects().length === 0) continue;
    const box = el.getBoundingClientRect();
    const within = nav && nav.contains(el) ? nav.getBoundingClientRect() : outer;
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== "inline") {
      cut.push(el.textContent.trim());
    } else if (box.left < within.left - 1 || box.right > within.right + 1) {
      cut.push(el.textContent.trim());
    }
  }
  return cut;
}"""


def test_the_top_bar_fits_at_1600_px_for_every_role_in_both_languages(
    open_console: Callable[[], Console],
) -> None:
    console = open_console()
    page = console.page
    assert page.viewport_size == {"width": 1600, "height": 900}
    cut: dict[str, list[str]] = {}
    for account in ACCOUNTS.values():
        console.log_in(account)
        for language in ("zh", "en"):
            expect(page.locator("header.top-bar .main-nav a").first).to_be_visible()
            found = page.evaluate(CUT_IN_TOP_BAR)
            if found:
                cut[f"{account.role} {language}"] = found
            console.screenshot(f"top-bar-{account.role}-{language}")
            page.click("header.top-bar [data-action=language]")
        page.click("header.top-bar [data-action=logout]")
        expect(page.locator("form.login")).to_be_visible()
    assert cut == {}, cut
