"""The missions' shared state: every unfinished mission, the parts it uses, and its listeners."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from fleet_protocol.base import utc_now
from fleet_server.errors import NotFound
from fleet_server.fleet.live import FleetRegistry
from fleet_server.fleet.models.robot import Robot
from fleet_server.fleet.outbox import Outbox, instant_action
from fleet_server.isolation import LoopFailures
from fleet_server.missions import texts
from fleet_server.missions.allocation import DEFAULT_SPEED_M_S, BatteryModel
from fleet_server.missions.charger_use import ChargerKeeper
from fleet_server.missions.chargers import ChargerBook
from fleet_server.missions.fleet_hold import FleetHold
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.missions.orders import ReleasePolicy
from fleet_server.missions.plans import MissionPlan
from fleet_server.missions.reconcile import OrderReconciler
from fleet_server.missions.robot_choice import RobotChooser
from fleet_server.sites.sites import SiteRegistry
from fleet_server.texts import Text

ACTIVE = (
    MissionStatus.ASSIGNED,
    MissionStatus.RUNNING,
    MissionStatus.PAUSED,
    MissionStatus.CHARGING,
)


class MissionListener(Protocol):
    """Told when a mission changes (assigned, progressed, re-queued, ended) or ends a visit."""

    def on_mission(self, mission: Mission) -> None:
        """The mission's status, robot, reason or results changed."""

    def on_checkpoint(self, mission: Mission, visit: dict[str, Any]) -> None:
        """Every action of one checkpoint visit has ended."""


class MissionCore:
    """Owns every unfinished mission; finished ones live only in the database."""

    def __init__(
        self,
        *,
        store: Any,
        registry: FleetRegistry,
        sites: SiteRegistry,
        outbox: Outbox,
        policy: ReleasePolicy,
        offline_grace_s: float = 30.0,
        battery_floor: float = 20.0,
        priorities: dict[str, int] | None = None,
        battery: BatteryModel | None = None,
        default_speed_m_s: float = DEFAULT_SPEED_M_S,
        preemptible_kinds: Iterable[str] = (),
        lost_robot_policy: Mapping[str, str] | None = None,
        failures: LoopFailures | None = None,
        clock: Callable[[], datetime] = utc_now,
        idle_charge_below_percent: float = 30.0,
    ) -> None:
        self.store = store
        self.registry = registry
        self.sites = sites
        self.outbox = outbox
        self.policy = policy
        self.clock = clock
        self._unfinished: dict[int, Mission] = {}
        self._dirty: set[int] = set()
        self.priorities = priorities or {}
        self.battery_floor = battery_floor
        # Which robot holds which dock's charger: one robot per charger, none sent to a full dock.
        self.chargers = ChargerBook()
        self.chooser = RobotChooser(
            sites,
            battery or BatteryModel(percent_per_km=6.0, reserve_percent=10.0),
            default_speed_m_s=default_speed_m_s,
            chargers=self.chargers,
        )
        # Kinds of work an incident response may interrupt (none: responses wait for a robot).
        self.preemptible_kinds = frozenset(preemptible_kinds)
        self.listeners: list[MissionListener] = []
        self.offline_grace = timedelta(seconds=offline_grace_s)
        # What becomes of a mission whose robot is lost (offline past the grace), by kind:
        # "requeue" (resume where it stopped, with any robot) or "fail" (the default).
        self.lost_robot_policy = dict(lost_robot_policy or {})
        self.failures = failures or LoopFailures()
        # Robots running orders the server does not stand behind are told to cancel them.
        self.reconciler = OrderReconciler(registry, outbox, clock)
        # Active missions whose robot is offline: since when, and why.
        self._offline_since: dict[int, tuple[datetime, Text]] = {}
        # Compiled plans of assigned missions (actions, lane positions), reused by every release.
        self._plans: dict[int, MissionPlan] = {}
        # Responses waiting for a robot to stop preempted work: respond mission → preempted one.
        self._preempting: dict[int, int] = {}
        # Dock missions take a charger when assigned and give it back when the robot leaves.
        self.charger_keeper = ChargerKeeper(self.chargers, sites, clock)
        self.listeners.insert(0, self.charger_keeper)
        # An idle robot below this charge goes to a free charger by itself (missions.idle_charging).
        self.idle_charge_below_percent = idle_charge_below_percent
        # The whole fleet paused or recalled holds queued work back (missions.fleet_control).
        self.fleet_hold = FleetHold()

    def get(self, mission_id: int) -> Mission:
        """One mission, or NotFound."""
        mission = self._unfinished.get(mission_id) or self.store.get_mission(mission_id)
        if mission is None:
            raise NotFound(texts.NOT_FOUND.of(mission=mission_id))
        return mission

    def _robot_of(self, mission: Mission) -> Robot | None:
        """The mission's robot, if it has one the fleet still knows."""
        if mission.robot is None or not self.registry.knows(mission.robot):
            return None
        return self.registry.get(mission.robot)

    def _control(self, mission: Mission, action_type: str) -> None:
        assert mission.robot is not None
        action = instant_action(action_type)
        mission.control_action_id = action.action_id
        mission.control_action_type = action_type
        self.store.save_mission(mission)
        self.outbox.send_instant_actions(self.registry.get(mission.robot), [action])

    def _notify(self, mission: Mission) -> None:
        for listener in self.listeners:
            self._tell(listener.on_mission, mission)

    def _notify_visit(self, mission: Mission, visit: dict[str, Any]) -> None:
        for listener in self.listeners:
            self._tell(listener.on_checkpoint, mission, visit)

    def _tell(self, call: Callable[..., None], mission: Mission, *more: Any) -> None:
        """A listener's failure (logbook, live feed, incidents) is its own, not the mission's:
        it is recorded and the other listeners are still told."""
        try:
            call(mission, *more)
        except Exception as exc:
            listener = type(getattr(call, "__self__", call)).__name__
            self.failures.record(f"mission listener {listener}", f"mission {mission.id}", exc)
