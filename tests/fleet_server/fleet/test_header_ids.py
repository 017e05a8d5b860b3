"""Header ids of the server's messages rise per robot and topic, across server restarts."""

from __future__ import annotations

from fleet_server.fleet.header_ids import BLOCK, HeaderIds
from tests.databases import engine_at_head


def test_ids_rise_by_one_per_robot_and_topic(database_url: str) -> None:
    ids = HeaderIds(engine_at_head(database_url))
    assert [ids.next("dog-1", "order") for _ in range(3)] == [0, 1, 2]
    assert ids.next("dog-1", "instantActions") == 0
    assert ids.next("dog-2", "order") == 0
    assert [ids.next("dog-1", "order") for _ in range(BLOCK)][-1] == BLOCK + 2


def test_a_restarted_server_goes_on_above_every_id_it_sent(database_url: str) -> None:
    first = HeaderIds(engine_at_head(database_url))
    sent = [first.next("dog-1", "order") for _ in range(BLOCK + 5)]
    first.next("dog-1", "instantActions")
    # The server stops without a word (killed): the next one starts past its reservations.
    second = HeaderIds(engine_at_head(database_url))
    assert second.next("dog-1", "order") > max(sent)
    assert second.next("dog-1", "instantActions") > 0
    assert second.next("dog-9", "order") == 0
    third = HeaderIds(engine_at_head(database_url))
    assert third.next("dog-1", "order") > second.next("dog-1", "order")
