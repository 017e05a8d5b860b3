"""Which X-Request-ID a request keeps: a short plain one; anything else gets a new id."""

from __future__ import annotations

import pytest

from fleet_server.request_ids import request_id

# Fixed values: test ids are collected once per xdist worker and must be the same in each.
KEPT = [
    "2b755537-27e7-4311-84af-678e443acacd",
    "Root=1-5759e988-bd862e3fe1be46a994272793",
    "ops-check-0001",
    "a" * 128,
    "trace:span/1+2",
]
REPLACED = [
    None,
    "",
    "a" * 129,
    "two words",
    'x" "level": "CRITICAL',
    "line\nbreak",
    "tab\there",
    "请求-1",
    "semi;colon",
]


@pytest.mark.parametrize("sent", KEPT)
def test_a_short_plain_id_is_kept(sent: str) -> None:
    assert request_id(sent) == sent


@pytest.mark.parametrize("sent", REPLACED)
def test_anything_else_gets_a_new_id(sent: str | None) -> None:
    made = request_id(sent)
    assert made != sent
    assert len(made) == 32 and made.isalnum()
    assert request_id(sent) != made  # a new one each time
