"""Tests of fleet_protocol.topics: topic names, parsing, QoS and retain."""

from __future__ import annotations

import pytest

from fleet_protocol.topics import (
    DEFAULT_INTERFACE,
    DELIVERY,
    MASTER_SUBSCRIBES,
    VEHICLE_SUBSCRIBES,
    Subtopic,
    TopicAddress,
    parse_topic,
    topic,
    wildcard,
)
from tests.vda_schemas import SUBTOPICS


def test_the_six_subtopics_are_the_schemas() -> None:
    assert {s.value for s in Subtopic} == set(SUBTOPICS)


@pytest.mark.parametrize("subtopic", list(Subtopic))
def test_topic_name(subtopic: Subtopic) -> None:
    assert topic("uagv", "district-robotics", "dog-007", subtopic) == (
        f"uagv/v2/district-robotics/dog-007/{subtopic.value}"
    )


def test_default_interface_is_uagv() -> None:
    assert DEFAULT_INTERFACE == "uagv"
    assert (
        topic(DEFAULT_INTERFACE, "m", "s", Subtopic.INSTANT_ACTIONS) == "uagv/v2/m/s/instantActions"
    )


def test_interface_is_configurable() -> None:
    assert topic("district", "m", "s", Subtopic.ORDER) == "district/v2/m/s/order"


@pytest.mark.parametrize(
    ("interface", "manufacturer", "serial", "bad"),
    [
        ("uagv", "m", "a/b", "serial number"),
        ("uagv", "m+", "s", "manufacturer"),
        ("uagv", "m", "#", "serial number"),
        ("", "m", "s", "interface"),
        ("uagv", "", "s", "manufacturer"),
    ],
)
def test_topic_rejects_levels_that_break_mqtt(
    interface: str, manufacturer: str, serial: str, bad: str
) -> None:
    with pytest.raises(ValueError, match=bad):
        topic(interface, manufacturer, serial, Subtopic.STATE)


@pytest.mark.parametrize("subtopic", list(Subtopic))
def test_parse_topic_inverts_topic(subtopic: Subtopic) -> None:
    name = topic("uagv", "district-robotics", "dog-007", subtopic)
    assert parse_topic(name) == TopicAddress("uagv", "district-robotics", "dog-007", subtopic)


@pytest.mark.parametrize(
    "name", ["uagv/v2/m/state", "uagv/v2/m/s/state/extra", "state", "uagv/v2/m/s/state/"]
)
def test_parse_topic_rejects_wrong_level_count(name: str) -> None:
    with pytest.raises(ValueError, match="5 levels"):
        parse_topic(name)


@pytest.mark.parametrize("version", ["v1", "v3", "2", "V2"])
def test_parse_topic_rejects_other_versions(version: str) -> None:
    with pytest.raises(ValueError, match=f"version '{version}' is not v2"):
        parse_topic(f"uagv/{version}/m/s/state")


@pytest.mark.parametrize("sub", ["status", "State", "instantactions", ""])
def test_parse_topic_rejects_unknown_subtopics(sub: str) -> None:
    with pytest.raises(ValueError, match=f"unknown subtopic '{sub}'"):
        parse_topic(f"uagv/v2/m/s/{sub}")


@pytest.mark.parametrize("subtopic", list(Subtopic))
def test_wildcard_matches_every_vehicle(subtopic: Subtopic) -> None:
    assert wildcard("uagv", subtopic) == f"uagv/v2/+/+/{subtopic.value}"


def test_wildcard_rejects_a_bad_interface() -> None:
    with pytest.raises(ValueError, match="interface"):
        wildcard("a/b", Subtopic.STATE)


def test_connection_is_qos_1_and_retained() -> None:
    assert DELIVERY[Subtopic.CONNECTION].qos == 1
    assert DELIVERY[Subtopic.CONNECTION].retain is True


def test_factsheet_is_retained_at_qos_0() -> None:
    assert DELIVERY[Subtopic.FACTSHEET].qos == 0
    assert DELIVERY[Subtopic.FACTSHEET].retain is True


@pytest.mark.parametrize(
    "subtopic", [Subtopic.ORDER, Subtopic.INSTANT_ACTIONS, Subtopic.STATE, Subtopic.VISUALIZATION]
)
def test_other_subtopics_are_qos_0_and_never_retained(subtopic: Subtopic) -> None:
    assert DELIVERY[subtopic].qos == 0
    assert DELIVERY[subtopic].retain is False


def test_every_subtopic_has_delivery_rules() -> None:
    assert set(DELIVERY) == set(Subtopic)


def test_each_side_subscribes_to_what_the_other_publishes() -> None:
    assert set(VEHICLE_SUBSCRIBES) == {Subtopic.ORDER, Subtopic.INSTANT_ACTIONS}
    assert set(MASTER_SUBSCRIBES) == set(Subtopic) - set(VEHICLE_SUBSCRIBES)
