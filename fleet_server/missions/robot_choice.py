"""Which robot takes a mission: capable, on its site, near, and charged enough (no I/O)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from fleet_protocol.site import Site
from fleet_server.coverage.plan import CoveragePlan
from fleet_server.fleet.models.robot import Robot
from fleet_server.missions import reasons
from fleet_server.missions.allocation import (
    DEFAULT_SPEED_M_S,
    BatteryModel,
    Candidate,
    Choice,
    rank_by_distance,
)
from fleet_server.missions.chargers import ChargerBook
from fleet_server.missions.legs import starts_in_legs, way_to_charger
from fleet_server.missions.models.mission import Mission
from fleet_server.missions.planning import plan_patrol
from fleet_server.missions.plans import (
    driven_route,
    is_cleaning,
    mission_coverage,
    required_actions,
)
from fleet_server.sites.sites import SiteRegistry
from fleet_server.texts import Text, figure


def fits(mission: Mission, robot: Robot, required: set[str]) -> bool:
    """Whether the robot may do the mission: the one asked for, of its kind, with every action,
    and with a known position."""
    kind = mission.definition.get("robot_kind")
    return (
        mission.requested_robot in (None, robot.serial_number)
        and (kind is None or robot.kind.value == kind)
        and required <= set(robot.actions)
        and robot.x is not None
        and robot.y is not None
    )


@dataclass
class RobotChooser:
    """Ranks robots for missions; keeps each queued mission's coverage plan and length."""

    sites: SiteRegistry
    battery: BatteryModel
    # Each robot's own figures (learned from its telemetry); `battery` where none is given.
    energy_of: Callable[[Robot], BatteryModel] | None = None
    # How fast a robot whose factsheet gives no speedMax is taken to drive (predicted times).
    default_speed_m_s: float = DEFAULT_SPEED_M_S
    # Which chargers are free: the way a mission needs after its work is to a free one.
    chargers: ChargerBook | None = None
    _coverage: dict[int, CoveragePlan] = field(default_factory=dict)
    # Per mission: metres through it and on to a dock, and of those with the deck down.
    _length: dict[int, tuple[float, float]] = field(default_factory=dict)

    def battery_of(self, robot: Robot) -> BatteryModel:
        """How much charge the robot's drives take: its own figures, or the settings'."""
        return self.battery if self.energy_of is None else self.energy_of(robot)

    def battery_for(self, robot: Robot, mission: Mission) -> BatteryModel:
        """The robot's figures for this mission's work: a cleaning's km carry the deck's load
        (BatteryModel.with_deck, once the robot's speed is learned)."""
        model = self.battery_of(robot)
        return model.with_deck() if is_cleaning(mission) else model

    def forget(self, mission_id: int) -> None:
        """Drop what was kept for a mission (it was assigned, or ended)."""
        self._coverage.pop(mission_id, None)
        self._length.pop(mission_id, None)

    def choose(
        self, mission: Mission, robots: list[Robot], no_legs: Collection[str] = ()
    ) -> tuple[Choice | None, Text | None]:
        """The nearest robot of `robots` able to do the mission, or None and why it waits;
        robots in `no_legs` (on an automatic charge) may not start work in legs."""
        site = self.sites.get(mission.site_id)
        required = required_actions(mission)
        candidates = [
            Candidate(r.serial_number, r.x, r.y)
            for r in robots
            if fits(mission, r, required) and r.x is not None and r.y is not None
        ]
        kind = mission.definition.get("robot_kind")
        what = (
            reasons.ROBOT_OF_KIND.of(robot_kind=kind)
            if kind
            else reasons.NAMED_ROBOT.of(robot=mission.requested_robot)
            if mission.requested_robot
            else reasons.ANY_ROBOT.of()
        )
        if not candidates:
            if required:
                return None, reasons.WAITING_IDLE_ABLE.of(
                    who=what, site=site.id, actions=sorted(required)
                )
            return None, reasons.WAITING_IDLE.of(who=what, site=site.id)
        limit = mission.definition.get("max_distance_m")
        length = self.length(mission, site)
        deck_m = self.deck_metres(mission, site)
        needed = 0.0
        ranked = rank_by_distance(self.sites.graph(site.id), candidates, self.first_goal(mission))
        by_serial = {r.serial_number: r for r in robots}
        for choice in ranked:
            if limit is not None and choice.distance_m > float(limit):
                return None, reasons.WAITING_WITHIN.of(who=what, metres=figure(float(limit), 1))
            robot = by_serial[choice.serial_number]
            battery = robot.battery
            model = self.battery_of(robot)
            # The drives at the plain figures, and the deck's load over a cleaning's lanes.
            deck = model.deck_per_km() * deck_m / 1000.0
            needed = model.needed(choice.distance_m + length) + deck
            if mission.kind == "dock" or (battery is not None and battery >= needed):
                return choice, None
            # Work longer than a full charge is done in legs (missions.legs).
            if (
                battery is not None
                and robot.serial_number not in no_legs
                and starts_in_legs(model, battery, choice.distance_m, length, deck)
            ):
                return choice, None
        if not ranked:
            return None, reasons.WAITING_REACH.of(who=what, site=site.id)
        return None, reasons.WAITING_CHARGE.of(who=what, percent=figure(needed))

    def first_goal(self, mission: Mission) -> str:
        """The site node a robot heads for first (what 'nearest' is measured to)."""
        site = self.sites.get(mission.site_id)
        resume_at = mission.definition.get("resume_at")
        if resume_at is not None:
            node = mission.plan[int(resume_at)]
            return node if node in site.node_ids() else self._coverage_entry(mission, site)
        if is_cleaning(mission):
            return self._coverage_entry(mission, site)
        if mission.kind != "dock":
            return mission.route[0]
        dock_id = mission.definition.get("dock")
        return next((d.node for d in site.docks if d.id == dock_id), site.docks[0].node)

    def _coverage_entry(self, mission: Mission, site: Site) -> str:
        return site.nearest_node(*self.coverage(mission, site).waypoints[0]).id

    def coverage(self, mission: Mission, site: Site) -> CoveragePlan:
        """The mission's coverage plan for choosing a robot (kept: queued missions are tried
        often)."""
        assert mission.id is not None
        if mission.id not in self._coverage:
            self._coverage[mission.id] = mission_coverage(mission, site)
        return self._coverage[mission.id]

    def length(self, mission: Mission, site: Site) -> float:
        """Metres from the first stop through the mission and on to the nearest dock."""
        return self._lengths(mission, site)[0]

    def deck_metres(self, mission: Mission, site: Site) -> float:
        """Of those, the metres driven with the cleaning deck down (a cleaning's lanes)."""
        return self._lengths(mission, site)[1]

    def _lengths(self, mission: Mission, site: Site) -> tuple[float, float]:
        assert mission.id is not None
        if mission.id not in self._length:
            self._length[mission.id] = self._measure(mission, site)
        return self._length[mission.id]

    def _measure(self, mission: Mission, site: Site) -> tuple[float, float]:
        if mission.kind == "dock":
            return 0.0, 0.0
        graph = self.sites.graph(site.id)
        if is_cleaning(mission):
            cover = self.coverage(mission, site)
            end = site.nearest_node(*cover.waypoints[-1]).id
            after = way_to_charger(graph, site, end, self.chargers)
            return cover.length_m + after, cover.length_m
        if mission.kind in ("service", "respond"):
            nodes, length = graph.path_through(mission.route)
        else:
            # A patrol until an end time needs charge for one round; more rounds are done in
            # charging legs (missions.charging).
            rounds = 1 if mission.definition.get("until") else mission.rounds
            plan = plan_patrol(graph, mission.route[0], driven_route(mission), rounds)
            nodes, length = plan.nodes, plan.length_m
        return length + way_to_charger(graph, site, nodes[-1], self.chargers), 0.0
