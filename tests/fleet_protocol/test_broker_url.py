"""Tests of fleet_protocol.broker_url: mqtt:// and mqtts:// URLs."""

from __future__ import annotations

import pytest

from fleet_protocol.broker_url import BrokerAddress, parse_broker_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mqtt://localhost", BrokerAddress("localhost", 1883)),
        ("mqtt://127.0.0.1:18830", BrokerAddress("127.0.0.1", 18830)),
        ("mqtts://broker.example", BrokerAddress("broker.example", 8883, tls=True)),
        ("mqtts://broker.example:9883", BrokerAddress("broker.example", 9883, tls=True)),
        ("mqtt://fleet:s3cret@broker:1884", BrokerAddress("broker", 1884, "fleet", "s3cret")),
        ("mqtt://fleet@broker", BrokerAddress("broker", 1883, "fleet", None)),
        ("mqtt://[::1]:1883", BrokerAddress("::1", 1883)),
    ],
)
def test_parse(url: str, expected: BrokerAddress) -> None:
    assert parse_broker_url(url) == expected


def test_user_and_password_are_percent_decoded() -> None:
    address = parse_broker_url("mqtt://robot%40district:p%3Ass%2Fw%40rd@broker")
    assert address.username == "robot@district"
    assert address.password == "p:ss/w@rd"


def test_host_name_is_lower_cased() -> None:
    assert parse_broker_url("mqtt://Broker.Local").host == "broker.local"


@pytest.mark.parametrize("url", ["tcp://broker:1883", "http://broker", "broker:1883", ""])
def test_other_schemes_are_rejected(url: str) -> None:
    with pytest.raises(ValueError, match="scheme must be mqtt or mqtts"):
        parse_broker_url(url)


@pytest.mark.parametrize("url", ["mqtt://", "mqtt://:1883", "mqtt://user@"])
def test_missing_host_is_rejected(url: str) -> None:
    with pytest.raises(ValueError, match="has no host"):
        parse_broker_url(url)


@pytest.mark.parametrize(
    "url", ["mqtt://broker:notaport", "mqtt://broker:70000", "mqtt://broker:-1"]
)
def test_invalid_port_is_rejected(url: str) -> None:
    with pytest.raises(ValueError, match="invalid port"):
        parse_broker_url(url)


def test_the_url_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="'amqp://x'"):
        parse_broker_url("amqp://x")
