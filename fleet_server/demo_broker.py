"""The demo's embedded MQTT broker: amqtt, with its subscription table safe to loop over."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import version
from typing import TYPE_CHECKING, Any, TypeVar

from amqtt.broker import Broker

if TYPE_CHECKING:
    from _collections_abc import dict_items

K = TypeVar("K")
V = TypeVar("V")

CHECKED_AMQTT = "0.12.1"


class SnapshotDict(dict[K, V]):
    """A dict whose loops (`for key in d`, `d.items()`) run over a copy taken as they start,
    so a task may add or remove entries while another awaits in the middle of a loop."""

    def __iter__(self) -> Iterator[K]:
        return iter(super().copy())

    def items(self) -> dict_items[K, V]:
        return super().copy().items()


class DemoBroker(Broker):  # type: ignore[misc]  # amqtt ships no type hints
    """amqtt's Broker with its subscription table made a SnapshotDict; nothing else differs.

    Why: amqtt (checked against 0.12.1; upstream has the same code) keeps every client's
    subscriptions in one dict, `Broker._subscriptions`, and loops over it while awaiting:
    `_handle_client_session` runs `for topic in self._subscriptions:` and awaits the delivery
    of matching retained messages to the new client inside the loop (`_run_broadcast` awaits
    inside `for ... in self._subscriptions.items()` too). When several clients connect at once,
    another client's SUBSCRIBE adds a topic filter during that await, the loop raises
    "dictionary changed size during iteration", and amqtt drops the new client's connection
    (asyncio logs the traceback; the robot is gone until its agent times out and reconnects).
    amqtt's broker.py loops over the table in only those two forms, so SnapshotDict copies in
    `__iter__` and `items()`; lookups, inserts and deletes stay those of a plain dict.
    """

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        table = getattr(self, "_subscriptions", None)
        if type(table) is not dict or table:
            # Fail loudly: a silent no-op here would bring the race back unnoticed.
            raise RuntimeError(
                f"amqtt {version('amqtt')}: Broker._subscriptions is not the empty dict this "
                f"demo's broker expects (checked against amqtt {CHECKED_AMQTT}); review "
                "fleet_server/demo_broker.py against the installed amqtt's broker.py"
            )
        self._subscriptions: SnapshotDict[str, list[Any]] = SnapshotDict()


def broker_config(port: int) -> dict[str, Any]:
    """amqtt's configuration for the demo: one plain TCP listener on 127.0.0.1, anonymous."""
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"127.0.0.1:{port}"}},
        "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
    }


async def start_embedded_broker(port: int) -> DemoBroker:
    """An amqtt broker on 127.0.0.1:port (demo only; deployments use a real broker)."""
    broker = DemoBroker(broker_config(port))
    await broker.start()
    return broker
