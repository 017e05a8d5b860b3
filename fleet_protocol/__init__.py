"""VDA 5050 v2.1 messages, topic names and the site map format, shared by server and agent."""

from fleet_protocol.base import PROTOCOL_VERSION, Header, utc_now

__all__ = ["PROTOCOL_VERSION", "Header", "utc_now"]
