"""The sites' refusals and route findings, as codes with parameters (fleet_server.texts)."""

from __future__ import annotations

from fleet_server.texts import Phrase

SITE_NOT_FOUND = Phrase("site.not_found", "unknown site {site!r}")
NO_NODE = Phrase("site.no_node", "site {site!r} has no node {node!r}")
NO_ROUTE = Phrase("site.no_route", "no route from {start!r} to {goal!r} on site {site!r}")
