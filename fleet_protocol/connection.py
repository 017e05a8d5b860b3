"""The connection message: ONLINE, OFFLINE or CONNECTIONBROKEN (the Last Will)."""

from __future__ import annotations

from enum import Enum

from fleet_protocol.base import Header


class ConnectionState(str, Enum):
    """The vehicle's connection to the broker."""

    ONLINE = "ONLINE"
    OFFLINE = "OFFLINE"
    CONNECTIONBROKEN = "CONNECTIONBROKEN"


class Connection(Header):
    """Retained on the connection topic; the Last Will carries CONNECTIONBROKEN."""

    connection_state: ConnectionState
