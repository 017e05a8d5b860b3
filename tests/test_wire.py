"""Tests of tests/wire.py: the wire recorder on a real Mosquitto broker."""

from __future__ import annotations

import json

import paho.mqtt.publish as publish
import pytest

from fleet_protocol.connection import ConnectionState
from fleet_protocol.topics import DELIVERY, Subtopic, topic
from tests.broker import MosquittoBroker
from tests.fleet_protocol import samples
from tests.wire import WireRecorder, match


def vda_topic(subtopic: Subtopic, serial: str = samples.SERIAL) -> str:
    return topic("uagv", samples.MANUFACTURER, serial, subtopic)


def send(
    broker: MosquittoBroker, name: str, payload: bytes, *, qos: int = 0, retain: bool = False
) -> None:
    """Publish as another client would (not through the recorder)."""
    publish.single(name, payload, qos=qos, retain=retain, hostname=broker.host, port=broker.port)


def send_as_spec_says(broker: MosquittoBroker, subtopic: Subtopic, payload: bytes) -> None:
    rules = DELIVERY[subtopic]
    send(broker, vda_topic(subtopic), payload, qos=rules.qos, retain=rules.retain)


def test_records_valid_messages_with_qos_and_retain(
    broker: MosquittoBroker, wire: WireRecorder
) -> None:
    send_as_spec_says(
        broker, Subtopic.CONNECTION, samples.connection(ConnectionState.ONLINE).to_json()
    )
    send_as_spec_says(broker, Subtopic.STATE, samples.state().to_json())
    state = wire.wait_for(match("state", serial_number=samples.SERIAL), what="state")
    online = wire.wait_for(
        match(Subtopic.CONNECTION, where=lambda c: c["connectionState"] == "ONLINE")
    )
    assert (state.qos, state.retain) == (0, False)
    assert (online.qos, online.retain) == (1, True)
    assert state.subtopic == "state" and state.serial_number == samples.SERIAL
    assert state.json()["orderId"] == "mission-17-part-1"
    assert wire.violations() == []
    # The retained ONLINE would leak into later tests of this module; clear it.
    send(broker, vda_topic(Subtopic.CONNECTION), b"", qos=1, retain=True)


def test_schema_violation_is_reported_with_topic_and_path(broker: MosquittoBroker) -> None:
    bad = samples.state().to_wire()
    bad["batteryState"]["charging"] = "yes"
    with WireRecorder(broker.host, broker.port) as recorder:
        send_as_spec_says(broker, Subtopic.STATE, json.dumps(bad).encode())
        recorder.wait_for(match("state"))
        with pytest.raises(AssertionError) as caught:
            recorder.assert_all_valid()
    text = str(caught.value)
    assert "1 problem(s) on the wire" in text
    assert vda_topic(Subtopic.STATE) in text
    assert "$.batteryState.charging: 'yes' is not of type 'boolean'" in text


def test_malformed_json_from_another_client_is_reported(broker: MosquittoBroker) -> None:
    with WireRecorder(broker.host, broker.port) as recorder:
        send(broker, vda_topic(Subtopic.ORDER), b"{nodes: [")
        recorder.wait_for(match("order"))
        assert [p for p in recorder.violations() if "payload is not JSON" in p]


def test_injected_bad_input_is_exempt(broker: MosquittoBroker, wire: WireRecorder) -> None:
    wire.inject(vda_topic(Subtopic.ORDER), b"{nodes: [")
    wire.inject(vda_topic(Subtopic.INSTANT_ACTIONS), '{"actions": "all of them"}')
    wire.wait_for(match("instantActions"))
    assert wire.violations() == []
    assert len(wire.messages) == 2
    assert wire.vda_messages() == []


def test_allow_invalid_exempts_exactly_what_it_names(broker: MosquittoBroker) -> None:
    with WireRecorder(broker.host, broker.port) as recorder:
        recorder.allow_invalid(vda_topic(Subtopic.ORDER), b"not json")
        recorder.allow_invalid(vda_topic(Subtopic.STATE, "fuzz-1"))
        send(broker, vda_topic(Subtopic.ORDER), b"not json")
        send(broker, vda_topic(Subtopic.STATE, "fuzz-1"), b"[]")
        send(broker, vda_topic(Subtopic.ORDER), b"also not json")
        recorder.wait_for(lambda m: m.index == 2)
        problems = recorder.violations()
    assert len(problems) == 1
    assert "also not json" in problems[0]


def test_delivery_rules_are_checked(broker: MosquittoBroker) -> None:
    with WireRecorder(broker.host, broker.port) as recorder:
        state = samples.state().to_json()
        send(broker, vda_topic(Subtopic.STATE), state, qos=1)
        send(broker, vda_topic(Subtopic.ORDER, "dog-008"), samples.order().to_json(), retain=True)
        connection = samples.connection(ConnectionState.OFFLINE).to_json()
        send(broker, vda_topic(Subtopic.CONNECTION, "dog-009"), connection, qos=1)
        recorder.wait_for(match("connection", serial_number="dog-009"))
        problems = recorder.violations()
        assert recorder.violations(check_delivery=False) == []
    send(broker, vda_topic(Subtopic.ORDER, "dog-008"), b"", retain=True)
    assert len(problems) == 3
    assert "published with QoS 1, not 0" in problems[0]
    assert "retained, but order is never retained" in problems[1]
    assert "not retained, but connection must be" in problems[2]


def test_other_topics_and_retained_deletions_are_not_checked(
    broker: MosquittoBroker, wire: WireRecorder
) -> None:
    send(broker, "district/events/stall", b"not a VDA 5050 message")
    send(broker, "uagv/v1/m/s/state", b"{}")
    send(broker, vda_topic(Subtopic.FACTSHEET, "gone"), b"", retain=True)
    wire.wait_for(lambda m: m.topic.endswith("gone/factsheet"))
    assert len(wire.messages) == 3
    assert wire.vda_messages()[0].payload == b""
    assert wire.violations() == []


def test_wait_for_times_out_with_what_was_seen(broker: MosquittoBroker, wire: WireRecorder) -> None:
    send(broker, "district/noise", b"hello")
    wire.wait_for(lambda m: m.topic == "district/noise")
    with pytest.raises(AssertionError) as caught:
        wire.wait_for(match("state"), timeout=0.3, what="a state message")
    text = str(caught.value)
    assert "no message a state message within 0.3 s" in text
    assert "district/noise" in text


def test_since_skips_older_messages(broker: MosquittoBroker, wire: WireRecorder) -> None:
    visual = samples.visualization().to_json()
    send_as_spec_says(broker, Subtopic.VISUALIZATION, visual)
    first = wire.wait_for(match("visualization"))
    mark = wire.mark()
    assert mark == first.index + 1
    with pytest.raises(AssertionError):
        wire.wait_for(match("visualization"), timeout=0.2, since=mark)
    send_as_spec_says(broker, Subtopic.VISUALIZATION, visual)
    second = wire.wait_for(match("visualization"), since=mark)
    assert second.index == mark
    assert len(wire.matching(match("visualization"))) == 2


async def test_async_wait_for(broker: MosquittoBroker, wire: WireRecorder) -> None:
    mark = wire.mark()
    send_as_spec_says(broker, Subtopic.STATE, samples.idle_state().to_json())
    found = await wire.async_wait_for(
        match("state", where=lambda s: s["driving"] is False), since=mark
    )
    assert found.json()["batteryState"]["charging"] is True
    with pytest.raises(AssertionError, match=r"within 0\.2 s"):
        await wire.async_wait_for(match("order"), timeout=0.2)


def test_retained_injections_are_removed_when_the_recorder_stops(broker: MosquittoBroker) -> None:
    bad_topic = vda_topic(Subtopic.CONNECTION, "liar")
    with WireRecorder(broker.host, broker.port) as recorder:
        recorder.inject(bad_topic, b"{}", qos=1, retain=True)
        recorder.wait_for(lambda m: m.topic == bad_topic)
    with WireRecorder(broker.host, broker.port) as later:
        send(broker, "district/marker", b"")
        later.wait_for(lambda m: m.topic == "district/marker")
        assert [m for m in later.messages if m.topic == bad_topic] == []


def test_recording_goes_on_after_a_broker_restart(broker: MosquittoBroker) -> None:
    with WireRecorder(broker.host, broker.port) as recorder:
        broker.stop()
        broker.start()
        connection = samples.connection(ConnectionState.ONLINE).to_json()
        # Retained, so the recorder sees it whenever it gets back.
        send(broker, vda_topic(Subtopic.CONNECTION, "phoenix"), connection, qos=1, retain=True)
        seen = recorder.wait_for(match("connection", serial_number="phoenix"), timeout=15)
        assert seen.retain is True
        assert recorder.violations() == []
    send(broker, vda_topic(Subtopic.CONNECTION, "phoenix"), b"", qos=1, retain=True)


def test_from_url(broker: MosquittoBroker) -> None:
    recorder = WireRecorder.from_url(broker.url)
    assert (recorder.host, recorder.port) == (broker.host, broker.port)


def test_publish_sends_by_the_delivery_rules_and_is_checked(broker: MosquittoBroker) -> None:
    with WireRecorder(broker.host, broker.port) as recorder:
        recorder.publish(
            vda_topic(Subtopic.CONNECTION, "pub-1"), samples.connection(ConnectionState.ONLINE)
        )
        recorder.publish(vda_topic(Subtopic.STATE, "pub-1"), samples.state())
        recorder.publish(vda_topic(Subtopic.STATE, "pub-1"), b'{"headerId": 1}')
        recorder.wait_for(lambda m: m.index == 2)
        online, state, _ = recorder.messages
        assert (online.qos, online.retain) == (1, True)
        assert (state.qos, state.retain) == (0, False)
        problems = recorder.violations()
    assert problems and all(p.startswith("#2 ") for p in problems)
    assert any("'timestamp' is a required property" in p for p in problems)
    # The retained ONLINE was deleted when the recorder stopped.
    with WireRecorder(broker.host, broker.port) as later:
        send(broker, "district/marker", b"")
        later.wait_for(lambda m: m.topic == "district/marker")
        assert [m.topic for m in later.messages] == ["district/marker"]
