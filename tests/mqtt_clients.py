"""Plain MQTT clients for security tests: log in (or not) over TLS or plain MQTT, and collect
what arrives, so a test can show what a client can and cannot do on a real broker."""

from __future__ import annotations

import itertools
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

_ids = itertools.count()


@dataclass
class Session:
    """One connection: its connect result, whether it is still up, and what it received."""

    client: mqtt.Client
    refused: str | None = None
    connected: threading.Event = field(default_factory=threading.Event)
    dropped: threading.Event = field(default_factory=threading.Event)
    received: list[tuple[str, bytes, bool]] = field(default_factory=list)
    _acked: set[int] = field(default_factory=set)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    def subscribe(self, *topics: str, timeout: float = 10.0) -> None:
        """Subscribe and wait for the broker's answer (granted or not: the ACL decides what
        is delivered)."""
        for topic in topics:
            result, mid = self.client.subscribe(topic, qos=1)
            assert result == mqtt.MQTT_ERR_SUCCESS
            with self._arrived:
                if not self._arrived.wait_for(lambda m=mid: m in self._acked, timeout):
                    raise AssertionError(f"no SUBACK for {topic} within {timeout} s")

    def publish(self, topic: str, payload: bytes, *, retain: bool = False) -> None:
        """Publish with QoS 1 and wait until the broker has taken it."""
        self.client.publish(topic, payload, qos=1, retain=retain).wait_for_publish(timeout=5)

    def wait_for(self, topic: str, payload: bytes | None = None, timeout: float = 10.0) -> None:
        """Wait until a message on the topic (with this payload) has arrived."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while not any(
                t == topic and (payload is None or p == payload) for t, p, _ in self.received
            ):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"nothing on {topic} within {timeout} s: {self.received}")
                self._arrived.wait(left)

    def topics(self) -> list[str]:
        """The topics of everything received, in order."""
        return [topic for topic, _, _ in self.received]

    def close(self) -> None:
        """Disconnect cleanly."""
        self.client.disconnect()
        self.client.loop_stop()

    def _on_connect(self, _c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            self.refused = str(reason)
        self.connected.set()

    def _on_disconnect(self, _c: Any, _u: Any, _f: Any, _reason: Any, _p: Any) -> None:
        self.dropped.set()

    def _on_subscribe(self, _c: Any, _u: Any, mid: int, _codes: Any, _p: Any) -> None:
        with self._arrived:
            self._acked.add(mid)
            self._arrived.notify_all()

    def _on_message(self, _c: Any, _u: Any, message: mqtt.MQTTMessage) -> None:
        with self._arrived:
            self.received.append((message.topic, bytes(message.payload), bool(message.retain)))
            self._arrived.notify_all()


def connect(
    host: str,
    port: int,
    login: tuple[str, str] | None,
    *,
    ca_file: str | None = None,
    will: tuple[str, bytes] | None = None,
    timeout: float = 10.0,
) -> Session:
    """A session as `login` (None: anonymous), over TLS checked against ca_file when given;
    its `refused` says why the broker turned it away."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"security-test-{next(_ids)}")
    client.reconnect_delay_set(min_delay=60, max_delay=60)  # a dropped session stays down
    session = Session(client)
    client.on_connect = session._on_connect
    client.on_disconnect = session._on_disconnect
    client.on_message = session._on_message
    client.on_subscribe = session._on_subscribe
    if login is not None:
        client.username_pw_set(*login)
    if ca_file is not None:
        client.tls_set_context(ssl.create_default_context(cafile=ca_file))
    if will is not None:
        client.will_set(will[0], will[1], qos=1, retain=True)
    client.connect(host, port, keepalive=30)
    client.loop_start()
    if not session.connected.wait(timeout):
        client.loop_stop()
        raise AssertionError(f"no answer to CONNECT from {host}:{port}")
    return session
