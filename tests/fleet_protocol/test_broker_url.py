"""Tests of fleet_protocol.broker_url: mqtt:// and mqtts:// URLs."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from fleet_protocol.broker_url import (
    BrokerAddress,
    check_ca_file,
    parse_broker_url,
    redact_url,
    tls_context,
)


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


@pytest.mark.parametrize(
    "url",
    [
        "mqtts://fleet:hunter2-secret@broker:notaport",
        "ftp://fleet:hunter2-secret@broker",
        "mqtt://fleet:hunter2-secret@",
        "mqtt://fleet:hunter2/secret@broker:1883",
    ],
)
def test_errors_never_repeat_the_password(url: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_broker_url(url)
    assert "hunter2" not in str(raised.value)
    assert "fleet:***@" in str(raised.value)


def test_redact_url_hides_only_the_password() -> None:
    assert redact_url("mqtts://fleet:s3cret@broker:8883") == "mqtts://fleet:***@broker:8883"
    assert redact_url("mqtt://fleet@broker") == "mqtt://fleet@broker"
    assert redact_url("mqtt://broker:1883") == "mqtt://broker:1883"


def test_display_has_user_host_and_port_but_no_password() -> None:
    address = parse_broker_url("mqtts://dog-01:s3cret@broker.example")
    assert address.display == "mqtts://dog-01@broker.example:8883"
    assert parse_broker_url("mqtt://[::1]").display == "mqtt://[::1]:1883"


def test_a_login_given_apart_from_the_url() -> None:
    address = parse_broker_url("mqtts://broker").with_login("dog-01", "s3cret")
    assert (address.username, address.password, address.tls) == ("dog-01", "s3cret", True)
    assert parse_broker_url("mqtt://b").with_login(None, None) == parse_broker_url("mqtt://b")
    with pytest.raises(ValueError, match="either in the URL or separately") as twice:
        parse_broker_url("mqtt://a:s3cret@b").with_login("dog-01", "other")
    assert "s3cret" not in str(twice.value)
    with pytest.raises(ValueError, match="without a user name"):
        parse_broker_url("mqtt://b").with_login(None, "s3cret")


def test_a_ca_file_needs_mqtts_and_must_exist(tmp_path: Path) -> None:
    ca = tmp_path / "ca.crt"
    with pytest.raises(ValueError, match="does not exist"):
        check_ca_file(ca, "mqtts://broker")
    ca.write_text("x")
    check_ca_file(ca, "mqtts://broker")
    check_ca_file(None, "mqtt://broker")
    with pytest.raises(ValueError, match=r"is not mqtts://"):
        check_ca_file(ca, "mqtt://broker")


def test_the_tls_context_checks_certificate_and_host_name() -> None:
    context = tls_context(None)
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.minimum_version is ssl.TLSVersion.TLSv1_2
