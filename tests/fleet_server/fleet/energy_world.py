"""A synthetic robot for the energy learner's tests: known figures, a coarse battery gauge, and
the state messages (and poses) a real one would send while it drives, works, idles and charges."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from fleet_protocol.kinds import RobotKind
from fleet_protocol.state import (
    ActionState,
    ActionStatus,
    AgvPosition,
    BatteryState,
    EStop,
    OperatingMode,
    SafetyState,
    State,
)
from fleet_server.fleet.energy_model import EnergyModel
from fleet_server.fleet.models.robot import Robot

START = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Truth:
    """What the robot really uses, percent: per km driven (the motors only), per minute on
    (always), per minute of each action on top, and gained per minute on a charger."""

    drive_per_km: float
    idle_per_min: float
    charge_per_min: float
    work_per_min: dict[str, float] = field(default_factory=dict)

    def all_in_per_km(self, speed: float) -> float:
        """Everything a km of driving at `speed` (m/s) uses: the motors and being on."""
        return self.drive_per_km + self.idle_per_min * 1000.0 / speed / 60.0


class SyntheticRobot:
    """Drives back and forth on a line, reporting to an EnergyModel as the registry would."""

    def __init__(
        self,
        model: EnergyModel,
        serial: str,
        truth: Truth,
        *,
        kind: RobotKind = RobotKind.PATROL_DOG,
        resolution: float = 1.0,
        state_every_s: float = 5.0,
        seed: int = 1,
        level: float = 95.0,
    ) -> None:
        self.model = model
        self.truth = truth
        self.robot = Robot(serial_number=serial, manufacturer="Synth", kind=kind)
        self.robot.x, self.robot.y, self.robot.map_id = 0.0, 0.0, "synth"
        self.resolution = resolution
        self.state_every = state_every_s
        self.rng = random.Random(seed)
        self.level = level
        self.now = START
        self.header = 0
        self.direction = 1.0
        self.actions: dict[str, str] = {}  # running action id -> type
        self.ended: dict[str, str] = {}
        self.charging = False
        self.driving = False
        self.used = 0.0  # percent actually used off the charger (for prediction tests)

    # -- what happens -------------------------------------------------------------------------

    def drive(self, metres: float, speed: float = 1.5, actions: tuple[str, ...] = ()) -> None:
        """Drive `metres` (turning back at the line's ends), reporting as it goes."""
        self._start(actions)
        self.driving = True
        self._report()
        left = metres
        while left > 1e-9:
            seconds = min(self.state_every, left / speed)
            self._advance(seconds, speed)
            left -= seconds * speed
            self._report()
        self.driving = False
        self._finish()
        self._report()

    def stand(self, seconds: float, actions: tuple[str, ...] = ()) -> None:
        """Stand `seconds`, running `actions` the whole time."""
        self._start(actions)
        self._report()
        self._pass(seconds)
        self._finish()
        self._report()

    def charge(self, until: float) -> None:
        """Charge on a dock up to `until` percent."""
        self.charging = True
        self._report()
        while self.level < until:
            seconds = min(self.state_every, (until - self.level) / self.truth.charge_per_min * 60)
            self.now += timedelta(seconds=seconds)
            self.level = min(100.0, self.level + self.truth.charge_per_min * seconds / 60)
            self._report()
        self.charging = False
        self._report()

    def silent(self, seconds: float, metres: float = 0.0) -> None:
        """A gap: the robot works but the server hears nothing (a network outage)."""
        self._advance(seconds, metres / seconds)

    def swap_battery(self, to: float) -> None:
        """Someone puts a fresh battery in (a jump the learner must not take as data)."""
        self.level = to

    # -- the world -----------------------------------------------------------------------------

    def _pass(self, seconds: float) -> None:
        while seconds > 1e-9:
            step = min(self.state_every, seconds)
            self._advance(step, 0.0)
            seconds -= step
            self._report()

    def _advance(self, seconds: float, speed: float) -> None:
        """Time passes: the robot moves (poses every second) and its battery drains."""
        done = 0.0
        while done < seconds - 1e-9:
            step = min(1.0, seconds - done)
            done += step
            self.now += timedelta(seconds=step)
            self._move(step * speed)
            self.model.on_pose(self.robot)
        minutes = seconds / 60
        work = sum(self.truth.work_per_min.get(a, 0.0) for a in self.actions.values())
        use = (
            self.truth.drive_per_km * seconds * speed / 1000
            + (self.truth.idle_per_min + work) * minutes
        )
        self.used += use
        self.level = max(0.0, self.level - use)

    def _move(self, metres: float) -> None:
        assert self.robot.x is not None
        x = self.robot.x + self.direction * metres
        if not 0 <= x <= 400:  # turn back at the ends of a 400 m line
            self.direction = -self.direction
            x = min(400.0, max(0.0, x))
        self.robot.x = x

    def _start(self, actions: tuple[str, ...]) -> None:
        for kind in actions:
            self.actions[f"a{self.header}-{kind}"] = kind

    def _finish(self) -> None:
        self.ended = dict(self.actions)
        self.actions = {}

    def gauge(self) -> float:
        """The battery as its gauge reports it: in steps of `resolution`."""
        return math.floor(self.level / self.resolution) * self.resolution

    def _report(self) -> None:
        self.header += 1
        self.robot.battery = self.gauge()
        self.robot.charging = self.charging
        states = [
            ActionState(action_id=i, action_type=k, action_status=ActionStatus.RUNNING)
            for i, k in self.actions.items()
        ] + [
            ActionState(action_id=i, action_type=k, action_status=ActionStatus.FINISHED)
            for i, k in self.ended.items()
        ]
        assert self.robot.x is not None
        message = State(
            header_id=self.header,
            timestamp=self.now,
            manufacturer="Synth",
            serial_number=self.robot.serial_number,
            order_id="",
            order_update_id=0,
            last_node_id="",
            last_node_sequence_id=0,
            driving=self.driving,
            paused=False,
            operating_mode=OperatingMode.AUTOMATIC,
            node_states=[],
            edge_states=[],
            action_states=states,
            errors=[],
            agv_position=AgvPosition(
                x=self.robot.x, y=0.0, theta=0.0, map_id="synth", position_initialized=True
            ),
            battery_state=BatteryState(battery_charge=self.gauge(), charging=self.charging),
            safety_state=SafetyState(e_stop=EStop.NONE, field_violation=False),
        )
        self.model.on_state(self.robot, message, self.now)


def working_day(robot: SyntheticRobot, hours: float, *, glitches: bool = True) -> None:
    """Patrol work: drives of varied length, announcements, waits, idle spells and charging,
    with (when `glitches`) network gaps and a battery swap now and then."""
    rng = robot.rng
    end = robot.now + timedelta(hours=hours)
    while robot.now < end:
        if robot.level < 30:
            robot.charge(until=rng.uniform(85, 95))
            continue
        choice = rng.random()
        if choice < 0.45:
            robot.drive(rng.uniform(100, 900), speed=1.5)
        elif choice < 0.6:
            robot.stand(rng.uniform(20, 90), actions=("announce",))
        elif choice < 0.75:
            robot.stand(rng.uniform(60, 300), actions=("dwell",))
        else:
            robot.stand(rng.uniform(60, 600))
        if glitches and rng.random() < 0.03:
            robot.silent(rng.uniform(200, 900), metres=rng.uniform(0, 500))
        if glitches and rng.random() < 0.01:
            robot.swap_battery(rng.uniform(90, 100))
