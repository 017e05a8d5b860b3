"""The alert inbox: raising an alert (a repeat while unacknowledged counts on the open one),
acknowledging one or many, and telling listeners (the live feed) of each change."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from fleet_protocol.base import utc_now
from fleet_server.alerts.models import AcknowledgeMany, Alert, AlertKind, AlertSeverity
from fleet_server.alerts.refusals import ALERT_NOT_FOUND
from fleet_server.alerts.store import UNACKNOWLEDGED, AlertFilter, AlertStore
from fleet_server.alerts.texts import code_of, said
from fleet_server.errors import NotFound

log = logging.getLogger(__name__)

AlertEvent = Literal["raised", "repeated", "acknowledged"]


@dataclass(frozen=True)
class AlertDraft:
    """What a watcher saw: the kind, how urgent, its words' parameters and its subject."""

    kind: AlertKind
    severity: AlertSeverity
    params: dict[str, Any] = field(default_factory=dict)
    site_id: str | None = None
    robot: str | None = None
    incident_id: int | None = None
    mission_id: int | None = None
    # When it happened (now, when not given).
    at: datetime | None = None


class AlertListener(Protocol):
    """Told of every alert raised, repeated or acknowledged."""

    def on_alert(self, alert: Alert, event: AlertEvent, unacknowledged: int) -> None:
        """The alert as it is now, what happened to it, and how many await acknowledging."""


class AlertService:
    """Keeps the inbox: one open alert per kind and subject, each change told to the listeners."""

    def __init__(self, store: AlertStore, clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.clock = clock
        self.listeners: list[AlertListener] = []
        # Watchers raise from the event loop and from worker threads: one raise at a time, so
        # that two repeats of one subject cannot both open an alert.
        self._lock = threading.Lock()

    def raise_alert(self, draft: AlertDraft) -> Alert:
        """Open an alert, or count a repeat on the unacknowledged one of the same kind and subject
        (its words and severity then say the latest, its severity never lower)."""
        at = draft.at or self.clock()
        with self._lock:
            alert = self.store.open_alert(draft.kind, draft.robot, draft.incident_id)
            event: AlertEvent = "raised" if alert is None else "repeated"
            if alert is None:
                alert = Alert(
                    kind=draft.kind,
                    severity=draft.severity,
                    code=code_of(draft.kind),
                    message="",
                    robot=draft.robot,
                    incident_id=draft.incident_id,
                    created_at=at,
                    count=0,
                )
            alert.severity = max(draft.severity, alert.severity, key=lambda s: s.rank)
            words = said(draft.kind, draft.params)
            alert.params = words.wire_params()
            alert.message = words.message
            alert.site_id = draft.site_id or alert.site_id
            alert.robot = draft.robot or alert.robot
            alert.mission_id = draft.mission_id or alert.mission_id
            alert.count += 1
            alert.last_at = at
            self.store.save(alert)
            unacknowledged = self.store.count(UNACKNOWLEDGED)
        log.info("alert %s (%s, %d×): %s", alert.id, alert.kind.value, alert.count, alert.message)
        self._tell([alert], event, unacknowledged)
        return alert

    def get(self, alert_id: int) -> Alert:
        """One alert, or NotFound."""
        alert = self.store.get(Alert, alert_id)
        if alert is None:
            raise NotFound(ALERT_NOT_FOUND.of(alert=alert_id))
        return alert

    def acknowledge(self, alert_id: int, by: str) -> Alert:
        """Acknowledge one alert; one acknowledged already keeps who did it and when."""
        self.get(alert_id)
        self._acknowledge([alert_id], by)
        return self.get(alert_id)

    def acknowledge_many(self, request: AcknowledgeMany, by: str) -> tuple[list[Alert], int]:
        """Acknowledge these alerts (or every unacknowledged one); those acknowledged already are
        left as they are. Returns the ones acknowledged now and how many remain."""
        return self._acknowledge(None if request.all else request.ids, by)

    def unacknowledged(self) -> int:
        """How many alerts await acknowledging."""
        return self.store.count(UNACKNOWLEDGED)

    def page(self, where: AlertFilter, offset: int, limit: int) -> tuple[list[Alert], int]:
        """A page of alerts newest first, and how many match."""
        return self.store.page(where, offset, limit)

    def _acknowledge(self, ids: list[int] | None, by: str) -> tuple[list[Alert], int]:
        with self._lock:
            done = self.store.acknowledge(ids, by, self.clock())
            remaining = self.store.count(UNACKNOWLEDGED)
        if done:
            log.info("%s acknowledged %d alert(s)", by, len(done))
            self._tell(done, "acknowledged", remaining)
        return done, remaining

    def _tell(self, alerts: list[Alert], event: AlertEvent, unacknowledged: int) -> None:
        for alert in alerts:
            for listener in self.listeners:
                try:
                    listener.on_alert(alert, event, unacknowledged)
                except Exception:
                    # The alert is stored; a listener that fails must not undo or hide that.
                    log.exception("alert listener %s failed", type(listener).__name__)
