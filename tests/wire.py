"""A recorder of everything on the MQTT wire, checked against the official VDA 5050 schemas.

Use it (through the ``wire`` fixture of tests/conftest.py) in any test that puts messages on a
broker. It subscribes to ``#`` with MQTT v5 from a background thread (paho-mqtt's own network
loop), so it works the same in sync and async tests, and records every message with its topic,
payload, QoS and retain flag as published (the subscription asks for retain-as-published).

Which messages are checked
    A message is a VDA 5050 message when its topic parses with
    ``fleet_protocol.topics.parse_topic`` (``interface/v2/manufacturer/serial/subtopic``). Those
    are validated against the schema of the topic's last level, and their QoS and retain flag
    against ``fleet_protocol.topics.DELIVERY``. Messages on other topics are recorded but not
    checked. A zero-length payload on a retained subtopic (connection, factsheet) is MQTT's
    "delete the retained message", not a VDA 5050 message, and is skipped.

Publishing from the test
    - ``wire.publish(topic, message)`` sends a message (bytes, str or a fleet_protocol model)
      through the recorder's own client, with the subtopic's QoS and retain flag unless given.
      It is checked like everything else: use it to play a well-behaved vehicle or master.
    - ``wire.inject(topic, payload, qos=0, retain=False)`` sends deliberately bad (or any) input
      and exempts exactly that (topic, payload) from the checks.
    - ``wire.allow_invalid(topic, payload=None)`` exempts messages the test published with a
      client of its own: that exact payload on that topic, or any payload on it if None.
    Whatever the recorder published retained is deleted from the broker when it stops, so it
    cannot leak into the next test of the module (the broker fixture is per module).

Waiting
    ``wait_for(predicate, timeout)`` blocks until a recorded message matches (messages recorded
    before the call count too, from index ``since``); ``async_wait_for`` is the same for async
    tests (it polls, so it never blocks the event loop that may run the server). ``match(...)``
    builds the usual predicates: by subtopic, serial number and a condition on the decoded JSON.

The ``wire`` fixture calls ``assert_all_valid()`` when the test ends; set
``wire.check_on_teardown = False`` in a test that cannot meet it, and say why.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode
from paho.mqtt.subscribeoptions import SubscribeOptions

from fleet_protocol.base import WireModel
from fleet_protocol.broker_url import parse_broker_url
from fleet_protocol.topics import DELIVERY, Subtopic, TopicAddress, parse_topic
from tests.vda_schemas import schema_errors

_client_ids = itertools.count(1)


def _address(topic: str) -> TopicAddress | None:
    try:
        return parse_topic(topic)
    except ValueError:
        return None


@dataclass(frozen=True)
class WireMessage:
    """One message seen on the broker."""

    index: int
    topic: str
    payload: bytes
    qos: int
    retain: bool
    received_at: float = field(compare=False)

    @property
    def address(self) -> TopicAddress | None:
        """The VDA 5050 address of the topic, or None if it is not a VDA 5050 topic."""
        return _address(self.topic)

    @property
    def subtopic(self) -> str | None:
        """The VDA 5050 subtopic (order, state ...), or None on another topic."""
        address = self.address
        return address.subtopic.value if address else None

    @property
    def serial_number(self) -> str | None:
        """The vehicle's serial number from the topic, or None on another topic."""
        address = self.address
        return address.serial_number if address else None

    def json(self) -> Any:
        """The decoded JSON payload; ValueError if it is not JSON."""
        return json.loads(self.payload)

    def __str__(self) -> str:
        text = self.payload[:200].decode("utf-8", errors="replace")
        flags = f"qos={self.qos}{' retained' if self.retain else ''}"
        return f"#{self.index} {self.topic} [{flags}] {text}"


Predicate = Callable[[WireMessage], bool]


def _as_bytes(payload: bytes | str) -> bytes:
    return payload.encode() if isinstance(payload, str) else bytes(payload)


def match(
    subtopic: Subtopic | str | None = None,
    *,
    serial_number: str | None = None,
    manufacturer: str | None = None,
    where: Callable[[Any], bool] | None = None,
) -> Predicate:
    """A predicate on VDA 5050 messages: subtopic, vehicle, and a condition on the JSON body.

    ``where`` gets the decoded payload; messages that are not JSON never match.
    """
    wanted = subtopic.value if isinstance(subtopic, Subtopic) else subtopic

    def predicate(message: WireMessage) -> bool:
        address = message.address
        if address is None:
            return False
        if wanted is not None and address.subtopic.value != wanted:
            return False
        if serial_number is not None and address.serial_number != serial_number:
            return False
        if manufacturer is not None and address.manufacturer != manufacturer:
            return False
        if where is None:
            return True
        try:
            body = message.json()
        except ValueError:
            return False
        return bool(where(body))

    return predicate


class WireRecorder:
    """Records every message on a broker and checks the VDA 5050 ones (see the module doc)."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.check_on_teardown = True
        self._messages: list[WireMessage] = []
        self._changed = threading.Condition()
        self._subscribed = threading.Event()
        self._exempt_exact: set[tuple[str, bytes]] = set()
        self._exempt_topics: set[str] = set()
        self._retained_topics: set[str] = set()
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"wire-recorder-{next(_client_ids)}-{id(self):x}",
            protocol=mqtt.MQTTv5,
        )
        self._client.reconnect_delay_set(min_delay=1, max_delay=2)
        self._client.on_connect = self._on_connect
        self._client.on_subscribe = self._on_subscribe
        self._client.on_message = self._on_message

    @classmethod
    def from_url(cls, url: str) -> WireRecorder:
        """A recorder for the broker at mqtt://host:port."""
        address = parse_broker_url(url)
        return cls(address.host, address.port)

    # -- life cycle -------------------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> None:
        """Connect, subscribe to everything and wait until the broker confirmed it."""
        self._client.connect(self.host, self.port, keepalive=30)
        self._client.loop_start()
        if not self._subscribed.wait(timeout):
            self._client.loop_stop()
            raise RuntimeError(f"wire recorder could not subscribe on {self.host}:{self.port}")

    def stop(self) -> None:
        """Delete what it published retained, disconnect and stop the network thread."""
        for topic in sorted(self._retained_topics):
            if not self._client.is_connected():
                break  # the broker is gone (a test stopped it); nothing is left to clean
            try:
                self._client.publish(topic, b"", qos=1, retain=True).wait_for_publish(timeout=2)
            except (RuntimeError, ValueError):
                break
        self._client.disconnect()
        self._client.loop_stop()

    def __enter__(self) -> WireRecorder:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- paho callbacks (network thread) ----------------------------------------------------

    def _on_connect(
        self,
        client: mqtt.Client,
        userdata: Any,
        flags: mqtt.ConnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        if reason_code.is_failure:
            return
        # Subscribed again on every (re)connect: a test may restart the broker.
        client.subscribe("#", options=SubscribeOptions(qos=2, retainAsPublished=True))

    def _on_subscribe(
        self,
        client: mqtt.Client,
        userdata: Any,
        mid: int,
        reason_codes: list[ReasonCode],
        properties: Properties | None,
    ) -> None:
        if all(not code.is_failure for code in reason_codes):
            self._subscribed.set()

    def _on_message(self, client: mqtt.Client, userdata: Any, msg: mqtt.MQTTMessage) -> None:
        with self._changed:
            self._messages.append(
                WireMessage(
                    index=len(self._messages),
                    topic=msg.topic,
                    payload=bytes(msg.payload),
                    qos=msg.qos,
                    retain=bool(msg.retain),
                    received_at=time.monotonic(),
                )
            )
            self._changed.notify_all()

    # -- publishing from the test ----------------------------------------------------------

    def publish(
        self,
        topic: str,
        message: WireModel | bytes | str,
        *,
        qos: int | None = None,
        retain: bool | None = None,
    ) -> None:
        """Publish a message that is checked like any other; QoS and retain per its subtopic."""
        data = message.to_json() if isinstance(message, WireModel) else _as_bytes(message)
        address = _address(topic)
        rules = DELIVERY[address.subtopic] if address else None
        self._send(
            topic,
            data,
            qos=qos if qos is not None else (rules.qos if rules else 0),
            retain=retain if retain is not None else (rules.retain if rules else False),
        )

    def inject(
        self, topic: str, payload: bytes | str, *, qos: int = 0, retain: bool = False
    ) -> None:
        """Publish a deliberately bad (or any) message that the checks must ignore."""
        data = _as_bytes(payload)
        self.allow_invalid(topic, data)
        self._send(topic, data, qos=qos, retain=retain)

    def _send(self, topic: str, data: bytes, *, qos: int, retain: bool) -> None:
        if retain:
            self._retained_topics.add(topic)
        info = self._client.publish(topic, data, qos=qos, retain=retain)
        info.wait_for_publish(timeout=5)

    def allow_invalid(self, topic: str, payload: bytes | str | None = None) -> None:
        """Exempt a message the test publishes itself: this payload on this topic, or any."""
        if payload is None:
            self._exempt_topics.add(topic)
        else:
            self._exempt_exact.add((topic, _as_bytes(payload)))

    def _is_exempt(self, message: WireMessage) -> bool:
        if message.topic in self._exempt_topics:
            return True
        if (message.topic, message.payload) in self._exempt_exact:
            return True
        return not message.payload and message.topic in self._retained_topics

    # -- what was seen ----------------------------------------------------------------------

    @property
    def messages(self) -> list[WireMessage]:
        """A snapshot of every message recorded so far, in arrival order."""
        with self._changed:
            return list(self._messages)

    def mark(self) -> int:
        """The index the next message will get: pass it as ``since`` to wait for news only."""
        with self._changed:
            return len(self._messages)

    def matching(self, predicate: Predicate, since: int = 0) -> list[WireMessage]:
        """The recorded messages from index ``since`` on that match."""
        return [m for m in self.messages[since:] if predicate(m)]

    def vda_messages(self) -> list[WireMessage]:
        """The recorded messages on VDA 5050 topics, deliberate bad input excluded."""
        return [m for m in self.messages if m.address is not None and not self._is_exempt(m)]

    def wait_for(
        self, predicate: Predicate, timeout: float = 10.0, *, since: int = 0, what: str = ""
    ) -> WireMessage:
        """The first message from index ``since`` that matches; AssertionError after timeout."""
        deadline = time.monotonic() + timeout
        checked = since
        with self._changed:
            while True:
                for message in self._messages[checked:]:
                    if predicate(message):
                        return message
                checked = max(checked, len(self._messages))
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(self._timeout_report(what, timeout, since))
                self._changed.wait(remaining)

    async def async_wait_for(
        self, predicate: Predicate, timeout: float = 10.0, *, since: int = 0, what: str = ""
    ) -> WireMessage:
        """Like wait_for, without blocking the event loop."""
        deadline = time.monotonic() + timeout
        checked = since
        while True:
            recorded = self.messages
            for message in recorded[checked:]:
                if predicate(message):
                    return message
            checked = max(checked, len(recorded))
            if time.monotonic() >= deadline:
                raise AssertionError(self._timeout_report(what, timeout, since))
            await asyncio.sleep(0.02)

    def _timeout_report(self, what: str, timeout: float, since: int) -> str:
        recent = self.messages[since:][-10:]
        listing = "\n  ".join(str(m) for m in recent) or "(nothing)"
        return (
            f"no message {what or 'matching the predicate'} within {timeout:g} s "
            f"(from #{since}); last messages seen:\n  {listing}"
        )

    # -- checks -----------------------------------------------------------------------------

    def violations(self, *, check_delivery: bool = True) -> list[str]:
        """Every schema (and QoS/retain) violation among the recorded VDA 5050 messages."""
        problems: list[str] = []
        for message in self.messages:
            address = message.address
            if address is None or self._is_exempt(message):
                continue
            delivery = DELIVERY[address.subtopic]
            if not message.payload and delivery.retain:
                continue  # clearing a retained message
            for error in schema_errors(address.subtopic.value, message.payload):
                problems.append(f"{message}\n    {error}")
            if check_delivery:
                problems.extend(self._delivery_problems(message, address.subtopic))
        return problems

    @staticmethod
    def _delivery_problems(message: WireMessage, subtopic: Subtopic) -> Sequence[str]:
        expected = DELIVERY[subtopic]
        problems = []
        if message.qos != expected.qos:
            problems.append(f"{message}\n    published with QoS {message.qos}, not {expected.qos}")
        if message.retain and not expected.retain:
            problems.append(f"{message}\n    retained, but {subtopic.value} is never retained")
        if expected.retain and not message.retain:
            problems.append(f"{message}\n    not retained, but {subtopic.value} must be")
        return problems

    def assert_all_valid(self, *, check_delivery: bool = True) -> None:
        """Assert every recorded VDA 5050 message validates (and has its QoS and retain flag)."""
        problems = self.violations(check_delivery=check_delivery)
        if problems:
            raise AssertionError(f"{len(problems)} problem(s) on the wire:\n" + "\n".join(problems))
