"""Per-kind simulation profiles: speed, size, battery behaviour and series description."""

from __future__ import annotations

from dataclasses import dataclass

from fleet_protocol.kinds import RobotKind


@dataclass(frozen=True)
class KindProfile:
    """How a simulated robot of one kind moves, how big it is and how its battery behaves."""

    series_description: str
    speed: float  # cruising speed, m/s
    turn_rate: float  # rad/s when turning on the spot
    width: float  # metres
    length: float
    height: float
    drain_moving: float  # battery percent per hour of driving
    drain_idle: float  # battery percent per hour standing still
    charge_rate: float  # battery percent per hour on the charger
    serial_prefix: str  # serial numbers look like dog-01, sweeper-01, guide-01


PROFILES: dict[RobotKind, KindProfile] = {
    RobotKind.PATROL_DOG: KindProfile(
        series_description="Quadruped street patrol robot with speaker and camera",
        speed=1.5,
        turn_rate=1.5,
        width=0.5,
        length=1.1,
        height=0.7,
        drain_moving=30.0,
        drain_idle=3.0,
        charge_rate=60.0,
        serial_prefix="dog",
    ),
    RobotKind.SANITATION: KindProfile(
        series_description="Autonomous plaza sweeper-scrubber",
        speed=0.8,
        turn_rate=0.6,
        width=1.2,
        length=1.8,
        height=1.5,
        drain_moving=20.0,
        drain_idle=1.5,
        charge_rate=30.0,
        serial_prefix="sweeper",
    ),
    RobotKind.SERVICE: KindProfile(
        series_description="Indoor reception and delivery robot for the public service hall",
        speed=1.0,
        turn_rate=1.2,
        width=0.55,
        length=0.6,
        height=1.3,
        drain_moving=12.0,
        drain_idle=2.0,
        charge_rate=50.0,
        serial_prefix="guide",
    ),
    RobotKind.OTHER: KindProfile(
        series_description="Generic simulated mobile robot",
        speed=1.0,
        turn_rate=1.0,
        width=0.6,
        length=0.8,
        height=1.0,
        drain_moving=15.0,
        drain_idle=2.0,
        charge_rate=50.0,
        serial_prefix="robot",
    ),
}

# Extra drain while the sanitation deck (brushes, vacuum) runs, percent per hour.
CLEANING_DECK_DRAIN = 10.0


def profile_for(kind: RobotKind) -> KindProfile:
    """The simulation profile of a robot kind."""
    return PROFILES[kind]
