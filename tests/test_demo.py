"""`fleet demo`, as a newcomer runs it: broker, server and six simulated robots; Ctrl-C stops it."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
from pathlib import Path
from typing import Any

import aiomqtt
import httpx
import pytest
from amqtt.broker import Broker

from fleet_server.demo_broker import DemoBroker, broker_config
from tests.broker import free_port
from tests.system import Process, script
from tests.waiting import wait_until


def test_demo_runs_the_whole_loop_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    demo = Process(
        "demo",
        [script("fleet"), "demo", "--port", str(port), "--speed-factor", "20"],
        {
            "FLEET_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
            "FLEET_DATA_DIR": str(tmp_path / "data"),
        },
        tmp_path,
    )
    try:
        # Every request the banner shows carries the operator API key the demo made.
        found = wait_until(
            lambda: re.search(r"X-API-Key: (\S+)'", demo.output()),
            timeout=60,
            what="the banner with the demo's operator key",
        )
        base_url = f"http://127.0.0.1:{port}/api/v1"
        assert httpx.get(f"{base_url}/robots", timeout=10).status_code == 401
        api = httpx.Client(base_url=base_url, headers={"X-API-Key": found.group(1)}, timeout=10)
        headers = {"content-type": "application/json"}

        def robots() -> list[dict]:
            try:
                found = [r for r in api.get("/robots").json() if r["online"] and r["position"]]
            except httpx.HTTPError:
                return []
            return found if len(found) == 6 else []

        online = wait_until(robots, timeout=60, what="six simulated robots online")
        assert sorted(r["kind"] for r in online) == [
            "patrol_dog",
            "patrol_dog",
            "sanitation",
            "sanitation",
            "service",
            "service",
        ]
        banner = demo.output()
        assert f"http://127.0.0.1:{port}/docs" in banner
        # The embedded broker has no logins: the banner says it never listens on a network.
        broker = re.search(r"^  MQTT broker:\s+(.*)$", banner, re.MULTILINE)
        assert broker is not None, banner
        assert broker.group(1).startswith("mqtt://127.0.0.1:")
        assert "listens on 127.0.0.1 only" in broker.group(1)
        # The console's line names the page the server serves.
        console = re.search(r"^  Console:\s+(\S+)", banner, re.MULTILINE)
        assert console is not None, banner
        assert console.group(1) == f"http://127.0.0.1:{port}/"
        page = httpx.get(console.group(1), timeout=10)
        assert page.status_code == 200 and 'src="/console/js/main.js"' in page.text
        # The banner's own example request works.
        body = re.search(r"-d '(\{.*\})'", banner)
        assert body is not None, banner
        created = api.post("/missions", content=body.group(1), headers=headers)
        assert created.status_code == 201, created.text
        mission_id = created.json()["id"]
        wait_until(
            lambda: api.get(f"/missions/{mission_id}").json()["progress"]["nodes_passed"] >= 2,
            timeout=60,
            what="the demo patrol to make progress",
        )

        # So does its incident report.
        incident_body = re.findall(r"-d '(\{.*\})'", banner)[-1]
        reported = api.post("/incidents", content=incident_body, headers=headers)
        assert reported.status_code == 201, reported.text
        incident_id = reported.json()["id"]
        sent = wait_until(
            lambda: (i := api.get(f"/incidents/{incident_id}").json())["robot"] and i,
            timeout=60,
            what="a patrol dog to be sent to the demo incident",
        )
        assert sent["robot"].startswith("dog-") and sent["status"] != "escalated"
        # The dog answers, and its photo reaches the server: the demo's robots log in as
        # themselves.
        answered = wait_until(
            lambda: (i := api.get(f"/incidents/{incident_id}").json())["evidence"] and i,
            timeout=90,
            what="the dog's photo of the demo incident",
        )
        assert answered["status"] == "awaiting_confirmation", answered["reason"]
        photo = answered["evidence"][0]
        wait_until(
            lambda: api.get(f"/photos/{photo}").status_code == 200,
            what="the photo to be uploaded",
        )

        demo.popen.send_signal(signal.SIGINT)
        assert demo.popen.wait(timeout=30) == 0
        log = demo.output()
        assert "fleet stopped" in log
        assert "Traceback" not in log, log
    finally:
        demo.stop()


class _PausingBroker(DemoBroker):
    """The demo's broker, stopped once inside the loop over its subscription table that amqtt
    runs for a connecting client "late", at the await where the race happens, until told to go
    on: what CPU load does by chance, done on purpose."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.paused = asyncio.Event()
        self.go_on = asyncio.Event()

    async def _publish_retained_messages_for_subscription(
        self, subscription: tuple[str, int], session: Any
    ) -> None:
        if session.client_id == "late" and not self.paused.is_set():
            self.paused.set()
            await self.go_on.wait()
        await super()._publish_retained_messages_for_subscription(subscription, session)


async def test_a_client_connecting_while_another_subscribes_stays_on_the_demo_broker() -> None:
    port = free_port()
    broker = _PausingBroker(broker_config(port))
    await broker.start()
    try:
        async with aiomqtt.Client("127.0.0.1", port, identifier="early", timeout=5) as early:
            await early.subscribe("early/#")
            async with aiomqtt.Client("127.0.0.1", port, identifier="late", timeout=5) as late:
                await asyncio.wait_for(broker.paused.wait(), timeout=5)
                # Acknowledged: the table has grown while late's connect is looping over it.
                await early.subscribe("more/#")
                broker.go_on.set()
                await late.subscribe("late/news")
                await early.publish("late/news", b"still here")
                message = await asyncio.wait_for(anext(late.messages), timeout=5)
                assert message.payload == b"still here"
    finally:
        await broker.shutdown()


async def test_the_demo_broker_refuses_an_amqtt_whose_subscription_table_it_does_not_know(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    amqtt_init = Broker.__init__

    def without_the_table(self: Broker, *args: Any, **kwargs: Any) -> None:
        amqtt_init(self, *args, **kwargs)
        del self._subscriptions

    monkeypatch.setattr(Broker, "__init__", without_the_table)
    with pytest.raises(RuntimeError, match=r"checked against amqtt 0\.12\.1"):
        DemoBroker(broker_config(free_port()))


def test_bad_settings_and_site_files_are_named_before_anything_starts(tmp_path: Path) -> None:
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "broken.yaml").write_text(
        "id: x\nname: X\nnodes:\n  - {id: a, x: 0, y: 0}\nedges:\n  - {start: a, end: b}\n"
    )
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "bad.yaml").write_text(
        "id: bad\nname: Bad\n"
        "mission: {kind: patrol, site: longgang-demo, route: [street-sw, nowhere]}\n"
    )
    cases = [
        ({"FLEET_SITES_DIR": str(sites)}, "broken.yaml: edge a->b: unknown node 'b'"),
        (
            {"FLEET_TEMPLATES_DIR": str(templates)},
            "bad.yaml: mission.route[1]: unknown node 'nowhere'",
        ),
        ({"FLEET_MQTT_URL": "http://broker"}, "FLEET_MQTT_URL"),
        ({"FLEET_OFFLINE_TIMEOUT_S": "-1"}, "FLEET_OFFLINE_TIMEOUT_S"),
    ]
    for env, message in cases:
        for command in ("serve", "demo"):
            result = subprocess.run(
                [script("fleet"), command],
                env={**os.environ, **env},
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert result.returncode == 2, (command, env, result.stderr)
            assert message in result.stderr, (command, env, result.stderr)
