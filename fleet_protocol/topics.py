"""The one place that knows VDA 5050 topic names, QoS levels and retain flags."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

DEFAULT_INTERFACE = "uagv"
MAJOR_VERSION = "v2"


class Subtopic(str, Enum):
    """The six VDA 5050 subtopics."""

    ORDER = "order"
    INSTANT_ACTIONS = "instantActions"
    STATE = "state"
    VISUALIZATION = "visualization"
    CONNECTION = "connection"
    FACTSHEET = "factsheet"


@dataclass(frozen=True)
class Delivery:
    """How a subtopic is published."""

    qos: int
    retain: bool


DELIVERY: dict[Subtopic, Delivery] = {
    Subtopic.ORDER: Delivery(qos=0, retain=False),
    Subtopic.INSTANT_ACTIONS: Delivery(qos=0, retain=False),
    Subtopic.STATE: Delivery(qos=0, retain=False),
    Subtopic.VISUALIZATION: Delivery(qos=0, retain=False),
    Subtopic.CONNECTION: Delivery(qos=1, retain=True),
    Subtopic.FACTSHEET: Delivery(qos=0, retain=True),
}

# Subtopics each side subscribes to.
VEHICLE_SUBSCRIBES = (Subtopic.ORDER, Subtopic.INSTANT_ACTIONS)
MASTER_SUBSCRIBES = (
    Subtopic.STATE,
    Subtopic.VISUALIZATION,
    Subtopic.CONNECTION,
    Subtopic.FACTSHEET,
)


@dataclass(frozen=True)
class TopicAddress:
    """A parsed topic: which vehicle and which subtopic."""

    interface: str
    manufacturer: str
    serial_number: str
    subtopic: Subtopic


def _check_level(name: str, value: str) -> None:
    if not value or any(ch in value for ch in "/+#"):
        raise ValueError(f"{name} {value!r} cannot be used as an MQTT topic level")


def topic(interface: str, manufacturer: str, serial_number: str, subtopic: Subtopic) -> str:
    """The topic of one vehicle's subtopic."""
    _check_level("interface", interface)
    _check_level("manufacturer", manufacturer)
    _check_level("serial number", serial_number)
    return f"{interface}/{MAJOR_VERSION}/{manufacturer}/{serial_number}/{subtopic.value}"


def wildcard(interface: str, subtopic: Subtopic) -> str:
    """The subscription that matches one subtopic of every vehicle."""
    _check_level("interface", interface)
    return f"{interface}/{MAJOR_VERSION}/+/+/{subtopic.value}"


def parse_topic(name: str) -> TopicAddress:
    """Split a topic into vehicle and subtopic; ValueError names what is wrong."""
    parts = name.split("/")
    if len(parts) != 5:
        raise ValueError(f"topic {name!r} does not have 5 levels")
    interface, version, manufacturer, serial_number, sub = parts
    if version != MAJOR_VERSION:
        raise ValueError(f"topic {name!r}: version {version!r} is not {MAJOR_VERSION}")
    try:
        subtopic = Subtopic(sub)
    except ValueError:
        raise ValueError(f"topic {name!r}: unknown subtopic {sub!r}") from None
    return TopicAddress(interface, manufacturer, serial_number, subtopic)
