"""Issue 12 on a real Mosquitto started with what `fleet broker config` wrote: nobody without a
login gets in, a robot reaches only its own topics, the server and real agents work over TLS,
a revoked login is dropped and refused, and unregistered robots never enter the fleet."""

from __future__ import annotations

import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fleet_protocol.topics import Subtopic, topic
from fleet_server.broker.certs import issue_certs
from fleet_server.cli import app
from tests.broker import ConfiguredMosquitto, broker_home, free_port
from tests.mqtt_clients import Session, connect
from tests.system import DEMO_SITE_FILE, System, create_api_key, script
from tests.waiting import wait_until

MANUFACTURER = "FleetSim"  # fleet-sim's
# acl-*: for the access rules; rev-01: revoked; dog-01/02: fleet-sim's two patrol dogs.
ROBOTS = ("acl-a", "acl-b", "rev-01", "dog-01", "dog-02")
HALL_PATROL = ["hall-queue", "hall-wait-w", "hall-desk-1", "hall-desk-2", "hall-desk-3"]


@dataclass
class SecureSite:
    """A broker configured by `fleet broker config`, and what an admin has in hand."""

    home: Path
    config_dir: Path
    env: dict[str, str]
    broker: ConfiguredMosquitto
    ca_file: Path
    server: dict[str, str]  # fleet-server.env
    passwords: dict[str, str]  # robots.txt from `fleet robot add --save-credentials`

    def session(self, login: tuple[str, str] | None, **kwargs: Any) -> Session:
        """A client over TLS, as `login`."""
        return connect("localhost", self.broker.port, login, ca_file=str(self.ca_file), **kwargs)

    def robot(self, serial: str) -> Session:
        """A client logged in as the robot."""
        session = self.session((serial, self.passwords[serial]))
        assert session.refused is None, session.refused
        return session

    def server_session(self) -> Session:
        """A client logged in with the server's account."""
        url = self.server["FLEET_MQTT_URL"]
        username, password = url.split("//", 1)[1].split("@", 1)[0].split(":", 1)
        session = self.session((username, password))
        assert session.refused is None, session.refused
        return session


def _fleet(env: dict[str, str], *args: object) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def _topic(serial: str, subtopic: Subtopic) -> str:
    return topic("uagv", MANUFACTURER, serial, subtopic)


@pytest.fixture(scope="module")
def site() -> Iterator[SecureSite]:
    home = broker_home()
    config_dir = home / "broker"
    env = {"FLEET_DATABASE_URL": f"sqlite:///{home / 'fleet.db'}"}
    port, local_port = free_port(), free_port()
    _fleet(env, "broker", "certs", "-o", config_dir, "--host", "localhost")
    _fleet(
        env, "robot", "add", *ROBOTS, "--kind", "patrol_dog", "--manufacturer", MANUFACTURER,
        "--save-credentials", home / "robots.txt",
    )  # fmt: skip
    _fleet(env, "broker", "config", "-o", config_dir, "--port", port, "--local-port", local_port)
    server_env = {}
    for line in (config_dir / "fleet-server.env").read_text().splitlines():
        if line and not line.startswith("#"):
            name, value = line.split("=", 1)
            server_env[name] = shlex.split(value)[0]
    passwords = dict(line.split() for line in (home / "robots.txt").read_text().splitlines())
    broker = ConfiguredMosquitto(config_dir, port, local_port)
    broker.start()
    try:
        yield SecureSite(
            home, config_dir, env, broker, config_dir / "ca.crt", server_env, passwords
        )
    finally:
        broker.stop()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def fleet(site: SecureSite) -> Iterator[System]:
    """`fleet serve` with the login and settings `fleet broker config` wrote (auto-register
    off, the default), as an operator's API client."""
    settings = {**site.server, "FLEET_AUTO_REGISTER": "false"}
    system = System(
        site.server["FLEET_MQTT_URL"], site.env["FLEET_DATABASE_URL"], site.home, settings
    )
    try:
        yield system
    finally:
        system.stop()


def test_clients_without_a_valid_login_are_refused_on_both_listeners(site: SecureSite) -> None:
    assert site.session(None).refused == "Not authorized"
    assert site.session(("acl-a", "wrong")).refused == "Not authorized"
    assert site.session(("evil-01", "anything")).refused == "Not authorized"
    local = site.broker.local_port
    assert local is not None
    assert connect("127.0.0.1", local, None).refused == "Not authorized"
    plain = connect("127.0.0.1", local, ("acl-a", site.passwords["acl-a"]))
    assert plain.refused is None  # the local listener takes the same logins
    plain.close()


def test_tls_checks_the_brokers_certificate_and_name(site: SecureSite, tmp_path: Path) -> None:
    other_ca = issue_certs(tmp_path, ["localhost"]).ca_cert
    with pytest.raises(ssl.SSLCertVerificationError, match="certificate verify failed"):
        connect("localhost", site.broker.port, None, ca_file=str(other_ca))
    context = ssl.create_default_context(cafile=str(site.ca_file))
    with (
        socket.create_connection(("127.0.0.1", site.broker.port)) as raw,
        pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"),
    ):
        context.wrap_socket(raw, server_hostname="mqtt.elsewhere.example")


def test_a_robot_cannot_speak_for_another(site: SecureSite) -> None:
    server = site.server_session()
    server.subscribe(*(f"uagv/v2/+/+/{sub}" for sub in ("state", "connection", "factsheet")))
    acl_a, acl_b = site.robot("acl-a"), site.robot("acl-b")
    acl_a.publish(_topic("acl-a", Subtopic.CONNECTION), b'{"own": "ONLINE"}', retain=True)
    server.wait_for(_topic("acl-a", Subtopic.CONNECTION))
    # acl-b forges acl-a's state, a retained OFFLINE, a factsheet, and another robot's state;
    # then sends its own state, which the server gets after anything sent before it.
    acl_b.publish(_topic("acl-a", Subtopic.STATE), b"forged state")
    acl_b.publish(_topic("acl-a", Subtopic.CONNECTION), b"forged OFFLINE", retain=True)
    acl_b.publish(_topic("acl-a", Subtopic.FACTSHEET), b"forged factsheet", retain=True)
    acl_b.publish(topic("uagv", "Other", "evil-01", Subtopic.STATE), b"fake robot")
    acl_b.publish(_topic("acl-b", Subtopic.STATE), b"own state")
    server.wait_for(_topic("acl-b", Subtopic.STATE), b"own state")
    forged = [t for t, p, _ in server.received if b"forged" in p or b"fake" in p]
    assert forged == []
    # Nor is anything forged kept for later: a new subscriber gets acl-a's own message.
    later = site.server_session()
    later.subscribe(_topic("acl-a", Subtopic.CONNECTION), _topic("acl-a", Subtopic.FACTSHEET))
    later.wait_for(_topic("acl-a", Subtopic.CONNECTION))
    assert [(t, p) for t, p, _ in later.received] == [
        (_topic("acl-a", Subtopic.CONNECTION), b'{"own": "ONLINE"}')
    ]
    for session in (server, acl_a, acl_b, later):
        session.close()


def test_a_robots_last_will_cannot_be_another_robots_message(site: SecureSite) -> None:
    acl_a = site.robot("acl-a")
    acl_a.publish(_topic("acl-a", Subtopic.CONNECTION), b'{"own": "again"}', retain=True)
    # acl-b's process dies with a Last Will on acl-a's connection topic.
    program = textwrap.dedent(
        f"""
        import ssl, sys, time
        import paho.mqtt.client as mqtt
        from paho.mqtt.enums import CallbackAPIVersion
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="will-forger")
        client.username_pw_set("acl-b", {site.passwords["acl-b"]!r})
        client.tls_set_context(ssl.create_default_context(cafile={str(site.ca_file)!r}))
        client.will_set({_topic("acl-a", Subtopic.CONNECTION)!r}, b"forged will", 1, True)
        client.connect("localhost", {site.broker.port})
        client.loop_start()
        time.sleep(1)
        print("connected" if client.is_connected() else "refused", flush=True)
        time.sleep(60)
        """
    )
    forger = subprocess.Popen([sys.executable, "-c", program], stdout=subprocess.PIPE, text=True)
    try:
        assert forger.stdout is not None and forger.stdout.readline().strip() == "connected"
        forger.send_signal(signal.SIGKILL)  # no DISCONNECT: the broker would send the will
        forger.wait(timeout=10)
        wait_until(lambda: "will-forger closed its connection" in site.broker.log_text())
    finally:
        forger.kill()
    later = site.server_session()
    later.subscribe(_topic("acl-a", Subtopic.CONNECTION))
    later.wait_for(_topic("acl-a", Subtopic.CONNECTION))
    assert [p for _, p, _ in later.received] == [b'{"own": "again"}']
    later.close()
    acl_a.close()


def test_a_robot_reads_only_its_own_orders_and_sends_none(site: SecureSite) -> None:
    server = site.server_session()
    acl_a, acl_b = site.robot("acl-a"), site.robot("acl-b")
    acl_a.subscribe(_topic("acl-a", Subtopic.ORDER))
    acl_b.subscribe(
        _topic("acl-a", Subtopic.ORDER),
        _topic("acl-a", Subtopic.INSTANT_ACTIONS),
        "uagv/v2/+/+/order",
        "#",
    )
    acl_b.publish(_topic("acl-a", Subtopic.ORDER), b"order from acl-b")
    server.publish(_topic("acl-a", Subtopic.ORDER), b"order for acl-a")
    server.publish(_topic("acl-a", Subtopic.INSTANT_ACTIONS), b"actions for acl-a")
    server.publish(_topic("acl-b", Subtopic.ORDER), b"order for acl-b")
    acl_a.wait_for(_topic("acl-a", Subtopic.ORDER), b"order for acl-a")
    acl_b.wait_for(_topic("acl-b", Subtopic.ORDER), b"order for acl-b")
    assert acl_b.topics() == [_topic("acl-b", Subtopic.ORDER)]
    assert [p for _, p, _ in acl_a.received] == [b"order for acl-a"]
    for session in (server, acl_a, acl_b):
        session.close()


def test_an_oversized_packet_disconnects_its_sender(site: SecureSite) -> None:
    server = site.server_session()
    server.subscribe(_topic("acl-a", Subtopic.STATE))
    acl_a = site.robot("acl-a")
    acl_a.client.publish(_topic("acl-a", Subtopic.STATE), b"x" * (2 * 1024 * 1024), qos=0)
    assert acl_a.dropped.wait(10)
    assert "oversize packet" in site.broker.log_text()
    acl_b = site.robot("acl-b")  # the broker carries on
    acl_b.close()
    assert server.received == []
    server.close()


def test_a_renewed_or_revoked_robot_is_dropped_at_once_and_refused_after(
    site: SecureSite,
) -> None:
    env = {**site.env, "FLEET_BROKER_CONFIG_DIR": str(site.config_dir)}
    with_old = site.robot("rev-01")
    renewed = CliRunner().invoke(app, ["robot", "rotate", "rev-01"], env=env)
    assert renewed.exit_code == 0, renewed.output
    assert with_old.dropped.wait(10), "a robot with the old password is still connected"
    assert site.session(("rev-01", site.passwords["rev-01"])).refused == "Not authorized"
    site.passwords["rev-01"] = renewed.stdout.split()[1]
    connected = site.robot("rev-01")
    result = CliRunner().invoke(app, ["robot", "revoke", "rev-01"], env=env)
    assert result.exit_code == 0, result.output
    assert f"broker (pid {site.broker.pid}) told to reload" in result.stderr
    assert connected.dropped.wait(10), "the revoked robot is still connected"
    assert site.session(("rev-01", site.passwords["rev-01"])).refused == "Not authorized"
    # Others stay connected through the reload.
    other = site.robot("acl-a")
    assert not other.dropped.wait(1)
    other.close()


def test_server_and_real_agents_run_a_patrol_over_tls(site: SecureSite, fleet: System) -> None:
    sim = fleet.start(
        "fleet-sim",
        [
            script("fleet-sim"), "--mqtt", f"mqtts://localhost:{site.broker.port}",
            "--mqtt-ca-file", str(site.ca_file), "--credentials", str(site.home / "robots.txt"),
            "--site", str(DEMO_SITE_FILE), "--robots", "2", "--kinds", "patrol_dog",
            "--speed-factor", "50", "--state-interval", "1",
        ],
        {},
    )  # fmt: skip

    def online() -> list[str]:
        robots = [r for r in fleet.api.get("/robots").json() if r["online"] and r["position"]]
        return sorted(r["id"] for r in robots)

    wait_until(lambda: online() == ["dog-01", "dog-02"], what="both dogs online over TLS")
    response = fleet.api.post(
        "/missions",
        json={"kind": "patrol", "site": "longgang-demo", "route": HALL_PATROL, "rounds": 1},
    )
    assert response.status_code == 201, response.text
    done = fleet.wait_mission(response.json()["id"], "completed", timeout=120)
    assert done["progress"]["nodes_passed"] == done["progress"]["nodes_total"]
    assert "Traceback" not in sim.output()


def test_an_admin_registers_a_robot_through_the_api_and_revokes_it(
    site: SecureSite, fleet: System
) -> None:
    admin = {"X-API-Key": create_api_key(site.env["FLEET_DATABASE_URL"], "admin", "sec-admin")}
    body = {"serial_number": "dog-07", "manufacturer": MANUFACTURER, "kind": "patrol_dog"}
    created = fleet.api.post("/robots", json=body, headers=admin)
    assert created.status_code == 201, created.text
    credentials = created.json()["credentials"]
    assert credentials["mqtt_username"] == "dog-07"
    assert credentials["broker"]["reloaded"] is True, credentials["broker"]
    password_file = site.home / "dog-07.password"
    password_file.write_text(credentials["mqtt_password"] + "\n")
    node = {"x": 150.0, "y": -40.0}
    agent = fleet.start(
        "agent-dog-07",
        [
            script("robot-agent"), "--mqtt-url", f"mqtts://localhost:{site.broker.port}",
            "--mqtt-ca-file", str(site.ca_file), "--mqtt-username", "dog-07",
            "--mqtt-password-file", str(password_file), "--serial-number", "dog-07",
            "--manufacturer", MANUFACTURER, "--map-id", "longgang-demo",
            "--x", str(node["x"]), "--y", str(node["y"]),
        ],
        {"AGENT_STATE_INTERVAL": "1"},
    )  # fmt: skip
    wait_until(lambda: fleet.robot("dog-07").get("online"), what="dog-07 online")
    assert credentials["mqtt_password"] not in agent.output()

    revoked = fleet.api.delete("/robots/dog-07/credentials", headers=admin)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["broker"]["reloaded"] is True
    wait_until(lambda: "lost or refused" in agent.output(), what="the agent to be cut off")
    wait_until(lambda: fleet.robot("dog-07").get("online") is False, what="dog-07 offline")
    assert "Not authorized" in wait_until(
        lambda: agent.output().count("lost or refused") >= 2 and agent.output(),
        what="the agent's reconnect to be refused",
    )
    assert fleet.api.delete("/robots/ghost/credentials", headers=admin).status_code == 404
    refused = fleet.api.delete("/robots/dog-01/credentials")  # the operator's key
    assert refused.status_code == 403


def test_an_unregistered_robot_never_enters_the_fleet(site: SecureSite, fleet: System) -> None:
    # Even with a valid login of its own, a robot publishing as a serial the fleet does not
    # have is stopped by the broker; the server's count stays where the broker keeps it.
    def ingest() -> dict[str, int]:
        return dict(fleet.api.get("/health").json()["ingest"])

    rejected = ingest()["rejected_messages"]
    acl_a = site.robot("acl-a")
    acl_a.publish(topic("uagv", MANUFACTURER, "evil-01", Subtopic.STATE), b"{}")
    acl_a.publish(_topic("acl-a", Subtopic.STATE), b"{}")  # arrives after, and is refused
    wait_until(lambda: ingest()["rejected_messages"] > rejected, what="acl-a's state")
    acl_a.close()
    assert site.session(("evil-01", "guess")).refused == "Not authorized"
    assert fleet.api.get("/robots/evil-01").status_code == 404
    assert "unregistered" not in fleet.api.get("/health").json()["rejections"]
