"""Taking an incident report: the place checked against the site, repeats and their cool-down,
and the respond mission for the nearest capable robot (or an escalation when none can go)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from shapely.geometry import Point, Polygon

from fleet_protocol.site import Site, ZoneKind
from fleet_server.coverage.geometry import CoverageError
from fleet_server.errors import Invalid, NotFound
from fleet_server.incidents import reasons
from fleet_server.incidents.logbook_texts import (
    INCIDENT_HELD,
    INCIDENT_REPORTED,
    INCIDENT_REPORTED_AGAIN,
)
from fleet_server.incidents.models.incident import Incident, IncidentCreate
from fleet_server.incidents.responses import RESPONSES, respond_definition
from fleet_server.incidents.texts import (
    IN_NO_GO_ZONE,
    NO_ROOM_TO_CLEAN,
    OFF_SITE,
    UNKNOWN_NODE,
    UNKNOWN_SITE,
)
from fleet_server.incidents.tracking import IncidentTracking
from fleet_server.missions.models.mission import Mission
from fleet_server.missions.plans import mission_coverage, required_actions
from fleet_server.missions.robot_choice import fits
from fleet_server.texts import Text, figure

# A reported location this close to a node is that node (no extra stop beside it).
ON_NODE_M = 0.5


class IncidentReporting(IncidentTracking):
    """Records reports and sends a robot to each one that is not held by a cool-down."""

    def report(self, request: IncidentCreate, reporter: str) -> Incident:
        """Record a report, flag repeats, and send a robot unless a cool-down holds it."""
        try:
            site = self.sites.get(request.site)
        except NotFound:
            raise Invalid(UNKNOWN_SITE.of(site=request.site), field="site") from None
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
        self._log(
            incident,
            reporter,
            INCIDENT_REPORTED_AGAIN.of(
                type=incident.type.value, source=request.source, repeat_of=incident.repeat_of
            )
            if incident.repeat_of
            else INCIDENT_REPORTED.of(type=incident.type.value, source=request.source),
        )
        held = self._cooldown(earlier)
        if held is not None:
            incident.explain(
                reasons.HELD_COOLDOWN.of(
                    incident=held.id, ago=_hours(self.clock() - _visited(held))
                )
            )
            self._save(incident)
            self._log(incident, "fleet", INCIDENT_HELD.of(reason=incident.why))
            return incident
        self._dispatch(incident, site)
        # As it is now: the robot may have been sent already.
        return self.get(incident.id or 0)

    def _place(self, request: IncidentCreate, site: Site) -> tuple[float, float, str]:
        """Where the incident is: (x, y) and the node a robot heads for."""
        if request.node is not None:
            if request.node not in site.node_ids():
                raise Invalid(UNKNOWN_NODE.of(node=request.node, site=site.id), field="node")
            found = site.node(request.node)
            return found.x, found.y, found.id
        assert request.location is not None
        x, y = request.location.x, request.location.y
        fences = [z for z in site.zones if z.kind is ZoneKind.GEOFENCE]
        here = Point(x, y)
        if fences and not any(Polygon(z.polygon, z.holes).covers(here) for z in fences):
            # A list: the console joins the names as its language does.
            names = [z.id for z in fences]
            raise Invalid(OFF_SITE.of(x=x, y=y, site=site.id, geofences=names), field="location")
        for zone in site.zones:
            if zone.kind is ZoneKind.NO_GO and Polygon(zone.polygon, zone.holes).covers(here):
                raise Invalid(IN_NO_GO_ZONE.of(x=x, y=y, zone=zone.id), field="location")
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
            refusal = NO_ROOM_TO_CLEAN.of(x=incident.x, y=incident.y, problem=str(exc))
            raise Invalid(refusal, field="location") from None

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
        incident.explain(mission.why)
        self._save(incident)
        # The mission may have been assigned inside add(), before its id was on the incident.
        self.on_mission(mission)

    def _why_no_robot_can_go(self, mission: Mission, goal: str) -> Text | None:
        """Why no robot on the site could take the response, or None if one could."""
        required = required_actions(mission)
        kind = mission.definition["robot_kind"]
        able = [
            r
            for r in self.missions.registry.all()
            if r.online and r.map_id == mission.site_id and fits(mission, r, required)
        ]
        if not able:
            return reasons.NO_ROBOT_ABLE.of(
                robot_kind=kind, site=mission.site_id, actions=sorted(required)
            )
        graph = self.sites.graph(mission.site_id)
        to_scene = graph.distances_to(goal)
        nearest = min(
            to_scene.get(graph.nearest(r.x or 0.0, r.y or 0.0)[0], math.inf) for r in able
        )
        if nearest > self.policy.max_distance_m:
            return (
                reasons.NO_ROBOT_WITHIN.of(
                    robot_kind=kind,
                    limit=figure(self.policy.max_distance_m, 1),
                    nearest=figure(nearest),
                )
                if math.isfinite(nearest)
                else reasons.NO_ROBOT_REACHES.of(robot_kind=kind)
            )
        return None


def _visited(incident: Incident) -> datetime:
    return incident.on_scene_at or incident.dispatched_at or incident.created_at


def _hours(delta: timedelta) -> Text:
    minutes = int(delta.total_seconds() // 60)
    if minutes >= 60:
        return reasons.HOURS_MINUTES.of(hours=minutes // 60, minutes=minutes % 60)
    return reasons.MINUTES.of(minutes=minutes)
