"""Incident response: a report becomes a respond mission for the nearest capable robot, and the
incident follows that mission through open → dispatched → on_scene → resolved | escalated."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from shapely.geometry import Point, Polygon

from fleet_protocol.base import utc_now
from fleet_protocol.site import Site, ZoneKind
from fleet_server.coverage.geometry import CoverageError
from fleet_server.errors import Conflict, Invalid, NotFound
from fleet_server.incidents.logbook import Logbook
from fleet_server.incidents.models.incident import Incident, IncidentCreate, IncidentStatus
from fleet_server.incidents.models.logbook import EntryKind
from fleet_server.incidents.responses import RESPONSES, CleanArea, respond_definition
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.missions.plans import mission_coverage, required_actions
from fleet_server.missions.robot_choice import fits
from fleet_server.missions.service import MissionService

log = logging.getLogger(__name__)

# A reported location this close to a node is that node (no extra stop beside it).
ON_NODE_M = 0.5
EVIDENCE_ACTIONS = frozenset({"capturePhoto"})


@dataclass(frozen=True)
class IncidentPolicy:
    """The district's settings for incident response."""

    # A response not under way this long after the report is escalated to a person.
    dispatch_timeout_s: float = 120.0
    # Only robots within this route distance go; none within it escalates at once.
    max_distance_m: float = 1500.0
    # An incident of the same type this close to one handled this recently is a repeat.
    repeat_radius_m: float = 30.0
    repeat_window_h: float = 24.0
    # No robot is sent to a repeat within this many hours of the last visit (0: always send).
    cooldown_h: float = 2.0
    clean: CleanArea = field(default_factory=lambda: CleanArea(half_side_m=4.0, width_m=1.0))


class IncidentListener(Protocol):
    """Told when an incident changes."""

    def on_incident(self, incident: Incident) -> None:
        """The incident was saved: reported, moved along, closed or given evidence."""


class IncidentService:
    """Takes reports, sends robots, and keeps each incident's lifecycle and log entries."""

    def __init__(
        self,
        *,
        store: Any,
        missions: MissionService,
        logbook: Logbook,
        policy: IncidentPolicy,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.missions = missions
        self.sites = missions.sites
        self.logbook = logbook
        self.policy = policy
        self.clock = clock
        self.listeners: list[IncidentListener] = []

    # ---- queries

    def get(self, incident_id: int) -> Incident:
        """One incident, or NotFound."""
        incident = self.store.get(Incident, incident_id)
        if incident is None:
            raise NotFound(f"unknown incident {incident_id}")
        return incident  # type: ignore[no-any-return]

    # ---- reports

    def report(self, request: IncidentCreate, reporter: str) -> Incident:
        """Record a report, flag repeats, and send a robot unless a cool-down holds it."""
        try:
            site = self.sites.get(request.site)
        except NotFound:
            raise Invalid(f"unknown site {request.site!r}", field="site") from None
        x, y, node = self._place(request, site)
        incident = Incident(
            type=request.type,
            site_id=site.id,
            x=x,
            y=y,
            node=node,
            severity=request.severity,
            source=request.source,
            description=request.description,
            text=request.text,
            text_en=request.text_en,
            reported_by=reporter,
            created_at=self.clock(),
        )
        self._check_response_fits(incident, site)
        earlier = self._handled_nearby(incident)
        incident.repeat_of = [e.id for e in earlier if e.id is not None]
        self._save(incident)
        repeat = f"; repeat of {_ids(incident.repeat_of)}" if incident.repeat_of else ""
        self._log(incident, reporter, f"{incident.type.value} reported by {request.source}{repeat}")
        held = self._cooldown(earlier)
        if held is not None:
            incident.reason = (
                f"cool-down: a robot visited incident {held.id} here "
                f"{_hours(self.clock() - _visited(held))} ago; dispatch it yourself or resolve it"
            )
            self._save(incident)
            self._log(incident, "fleet", f"held: {incident.reason}")
            return incident
        self._dispatch(incident, site)
        # As it is now: the robot may have been sent already.
        return self.get(incident.id or 0)

    def _place(self, request: IncidentCreate, site: Site) -> tuple[float, float, str]:
        """Where the incident is: (x, y) and the node a robot heads for."""
        if request.node is not None:
            if request.node not in site.node_ids():
                raise Invalid(f"unknown node {request.node!r} on site {site.id!r}", field="node")
            found = site.node(request.node)
            return found.x, found.y, found.id
        assert request.location is not None
        x, y = request.location.x, request.location.y
        fences = [z for z in site.zones if z.kind is ZoneKind.GEOFENCE]
        here = Point(x, y)
        if fences and not any(Polygon(z.polygon, z.holes).covers(here) for z in fences):
            names = ", ".join(z.id for z in fences)
            raise Invalid(
                f"location ({x:g}, {y:g}) is off site {site.id!r}: outside its geofence ({names})",
                field="location",
            )
        for zone in site.zones:
            if zone.kind is ZoneKind.NO_GO and Polygon(zone.polygon, zone.holes).covers(here):
                raise Invalid(
                    f"location ({x:g}, {y:g}) is inside no-go zone {zone.id!r}; "
                    "no robot may go there",
                    field="location",
                )
        return x, y, site.nearest_node(x, y).id

    def _check_response_fits(self, incident: Incident, site: Site) -> None:
        """A litter spot must leave room to clean around it."""
        response = RESPONSES[incident.type]
        if not response.clean:
            return
        probe = Mission(kind="respond", site_id=site.id, route=[incident.node])
        probe.definition = respond_definition(incident, response, self.policy.clean, None)
        try:
            mission_coverage(probe, site)
        except CoverageError as exc:
            raise Invalid(
                f"cannot clean around ({incident.x:g}, {incident.y:g}): {exc}", field="location"
            ) from None

    def _handled_nearby(self, incident: Incident) -> list[Incident]:
        since = self.clock() - timedelta(hours=self.policy.repeat_window_h)
        return [
            e
            for e in self.store.handled_incidents(incident.site_id, incident.type, since)
            if math.hypot(e.x - incident.x, e.y - incident.y) <= self.policy.repeat_radius_m
        ]

    def _cooldown(self, earlier: list[Incident]) -> Incident | None:
        """The latest visit nearby still inside the cool-down, if any."""
        if self.policy.cooldown_h <= 0 or not earlier:
            return None
        latest = max(earlier, key=_visited)
        if self.clock() - _visited(latest) < timedelta(hours=self.policy.cooldown_h):
            return latest
        return None

    # ---- sending a robot

    def _dispatch(self, incident: Incident, site: Site) -> None:
        """Create the respond mission, or escalate at once if no robot could ever take it."""
        response = RESPONSES[incident.type]
        definition = respond_definition(
            incident, response, self.policy.clean, self.policy.max_distance_m
        )
        node = site.node(incident.node)
        if not response.clean and math.hypot(node.x - incident.x, node.y - incident.y) > ON_NODE_M:
            definition["spot"] = [incident.x, incident.y]
        mission = Mission(
            kind="respond",
            site_id=incident.site_id,
            route=[incident.node],
            priority=self.missions.priorities.get("respond", 0),
            definition=definition,
        )
        unable = self._why_no_robot_can_go(mission, incident.node)
        if unable is not None:
            self._escalate(incident, unable, "fleet")
            return
        self.missions.add(mission)
        incident.mission_id = mission.id
        incident.reason = mission.reason
        self._save(incident)
        # The mission may have been assigned inside add(), before its id was on the incident.
        self.on_mission(mission)

    def _why_no_robot_can_go(self, mission: Mission, goal: str) -> str | None:
        """Why no robot on the site could take the response, or None if one could."""
        required = required_actions(mission)
        kind = mission.definition["robot_kind"]
        able = [
            r
            for r in self.missions.registry.all()
            if r.online and r.map_id == mission.site_id and fits(mission, r, required)
        ]
        if not able:
            return (
                f"no online {kind} robot on site {mission.site_id} can do "
                f"{', '.join(sorted(required))}"
            )
        graph = self.sites.graph(mission.site_id)
        to_scene = graph.distances_to(goal)
        nearest = min(
            to_scene.get(graph.nearest(r.x or 0.0, r.y or 0.0)[0], math.inf) for r in able
        )
        if nearest > self.policy.max_distance_m:
            return (
                f"no {kind} robot within {self.policy.max_distance_m:g} m "
                f"(the nearest is {nearest:.0f} m away)"
                if math.isfinite(nearest)
                else f"no {kind} robot can reach the incident"
            )
        return None

    # ---- lifecycle from the respond mission

    def on_mission(self, mission: Mission) -> None:
        """Move the incident along as its respond mission goes."""
        incident_id = mission.definition.get("incident")
        if mission.kind != "respond" or incident_id is None:
            return
        incident = self.store.get(Incident, incident_id)
        if incident is None or incident.status.finished or incident.mission_id != mission.id:
            return
        if mission.status.finished:
            self._mission_ended(incident, mission)
            return
        if mission.robot and incident.status is IncidentStatus.OPEN:
            incident.status = IncidentStatus.DISPATCHED
            incident.robot = mission.robot
            incident.dispatched_at = self.clock()
            incident.reason = None
            self._save(incident)
            self._log(incident, mission.robot, f"robot {mission.robot} sent")
        elif incident.status is IncidentStatus.OPEN and mission.reason != incident.reason:
            incident.reason = mission.reason
            self._save(incident)
        if incident.status is IncidentStatus.DISPATCHED and _on_scene(mission):
            incident.status = IncidentStatus.ON_SCENE
            incident.on_scene_at = self.clock()
            self._save(incident)
            self._log(incident, mission.robot or "fleet", f"robot {mission.robot} on scene")

    def on_checkpoint(self, mission: Mission, visit: dict[str, Any]) -> None:
        """Keep the evidence (photo ids) a respond mission's actions reported."""
        incident_id = mission.definition.get("incident")
        if mission.kind != "respond" or incident_id is None:
            return
        incident = self.store.get(Incident, incident_id)
        if incident is None:
            return
        evidence = [
            a["result"]
            for a in visit["actions"]
            if a["type"] in EVIDENCE_ACTIONS and a["status"] == "FINISHED" and a["result"]
        ]
        if evidence:
            incident.evidence = [*incident.evidence, *evidence]
            self._save(incident)

    def _mission_ended(self, incident: Incident, mission: Mission) -> None:
        if mission.status is MissionStatus.COMPLETED:
            failed = [
                a
                for visit in mission.results.get("checkpoints", [])
                for a in visit["actions"]
                if a["status"] != "FINISHED"
            ]
            if not failed:
                done = _done_actions(mission)
                self._resolve(incident, f"robot {mission.robot} finished: {done}", "robot")
                return
            what = ", ".join(f"{a['type']} ({a['result'] or a['status'].lower()})" for a in failed)
            self._escalate(incident, f"robot {mission.robot} could not finish: {what}", "fleet")
            return
        self._escalate(
            incident, f"mission {mission.id} {mission.status.value}: {mission.reason}", "fleet"
        )

    # ---- operators and timers

    def resolve(self, incident_id: int, note: str, by: str) -> Incident:
        """An operator closes the incident; a robot still on its way is called off."""
        incident = self._resolve(self._unfinished(incident_id, "resolve"), note, by)
        self._call_off(incident)
        return incident

    def escalate(self, incident_id: int, note: str, by: str) -> Incident:
        """An operator hands the incident to people; a robot still on its way is called off."""
        incident = self._escalate(self._unfinished(incident_id, "escalate"), note, by)
        self._call_off(incident)
        return incident

    def dispatch(self, incident_id: int, by: str) -> Incident:
        """An operator sends a robot to an incident a cool-down held (or one escalated)."""
        incident = self.get(incident_id)
        waiting = incident.status is IncidentStatus.OPEN and incident.mission_id is None
        if not waiting and incident.status is not IncidentStatus.ESCALATED:
            raise Conflict(
                f"incident {incident_id} is {incident.status.value}"
                + (f" with mission {incident.mission_id}" if incident.mission_id else "")
                + "; only a held or escalated incident is dispatched by hand"
            )
        incident.status = IncidentStatus.OPEN
        incident.reason = None
        incident.escalated_at = None
        self._save(incident)
        self._log(incident, by, f"dispatched by {by}")
        self._dispatch(incident, self.sites.get(incident.site_id))
        return self.get(incident_id)

    def check_overdue(self) -> None:
        """Escalate incidents whose robot has not set off within the dispatch timeout."""
        limit = timedelta(seconds=self.policy.dispatch_timeout_s)
        now = self.clock()
        for incident in self.store.unfinished_incidents():
            if incident.status is not IncidentStatus.OPEN or incident.mission_id is None:
                continue
            if now - incident.created_at < limit:
                continue
            why = f"no robot set off within {self.policy.dispatch_timeout_s:g} s"
            if incident.reason:
                why += f" ({incident.reason})"
            try:
                self._call_off(self._escalate(incident, why, "fleet"))
            except Exception as exc:
                # The others are still escalated; this one is tried again at the next check.
                self.missions.failures.record("incident check", f"incident {incident.id}", exc)

    def _unfinished(self, incident_id: int, verb: str) -> Incident:
        incident = self.get(incident_id)
        if incident.status.finished:
            raise Conflict(f"cannot {verb} incident {incident_id}: it is {incident.status.value}")
        return incident

    def _call_off(self, incident: Incident) -> None:
        """Cancel the respond mission of a closed incident if it is still under way (the
        incident being closed already, the cancellation does not change it)."""
        if incident.mission_id is None:
            return
        if not self.missions.get(incident.mission_id).status.finished:
            self.missions.cancel(incident.mission_id)

    def _resolve(self, incident: Incident, note: str, by: str) -> Incident:
        incident.status = IncidentStatus.RESOLVED
        incident.resolved_at = self.clock()
        incident.resolved_by = by
        incident.resolution = note
        incident.reason = None
        self._save(incident)
        self._log(incident, by, f"resolved: {note}")
        return incident

    def _escalate(self, incident: Incident, why: str, by: str) -> Incident:
        incident.status = IncidentStatus.ESCALATED
        incident.escalated_at = self.clock()
        incident.reason = why
        self._save(incident)
        self._log(incident, by, f"escalated: {why}")
        log.info("incident %s escalated: %s", incident.id, why)
        return incident

    def _save(self, incident: Incident) -> None:
        self.store.save(incident)
        for listener in self.listeners:
            listener.on_incident(incident)

    def _log(self, incident: Incident, actor: str, summary: str) -> None:
        self.logbook.append(
            EntryKind.INCIDENT,
            site_id=incident.site_id,
            x=incident.x,
            y=incident.y,
            node=incident.node,
            robot=incident.robot,
            mission_id=incident.mission_id,
            incident_id=incident.id,
            actor=actor,
            summary=summary,
            details={
                "type": incident.type.value,
                "status": incident.status.value,
                "severity": incident.severity.value,
                "source": incident.source,
                "repeat_of": incident.repeat_of,
            },
        )


def _on_scene(mission: Mission) -> bool:
    """Whether the robot has reached the incident (the stop with the actions, or the lanes)."""
    visits = mission.results.get("checkpoints", [])
    if visits:
        return visits[0]["reached_at"] is not None
    return mission.nodes_passed >= mission.approach_nodes > 0


def _done_actions(mission: Mission) -> str:
    actions = [a for v in mission.results.get("checkpoints", []) for a in v["actions"]]
    if not actions:
        return "cleaned around the spot"
    return ", ".join(a["type"] + (f" ({a['result']})" if a["result"] else "") for a in actions)


def _visited(incident: Incident) -> datetime:
    return incident.on_scene_at or incident.dispatched_at or incident.created_at


def _ids(ids: list[int]) -> str:
    return ", ".join(str(i) for i in ids)


def _hours(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"
