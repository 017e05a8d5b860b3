"""Per-kind simulation profiles: speed, size, energy figures and series description."""

from __future__ import annotations

from dataclasses import dataclass

from fleet_protocol.kinds import RobotKind
from simulation.energy import EnergyFigures


@dataclass(frozen=True)
class KindProfile:
    """How a simulated robot of one kind moves, how big it is and how its battery behaves."""

    series_description: str
    speed: float  # cruising speed, m/s
    turn_rate: float  # rad/s when turning on the spot
    width: float  # metres
    length: float
    height: float
    energy: EnergyFigures  # the kind's consumption and charging; each robot varies around it
    serial_prefix: str  # serial numbers look like dog-01, sweeper-01, guide-01


PROFILES: dict[RobotKind, KindProfile] = {
    RobotKind.PATROL_DOG: KindProfile(
        series_description="Quadruped street patrol robot with speaker and camera",
        speed=1.5,
        turn_rate=1.5,
        width=0.5,
        length=1.1,
        height=0.7,
        # About 3.5 h of walking at 1.5 m/s per charge (0.12 + 4.0 x 0.09 = 0.48 %/min), 14 h
        # lying by with its sensors on; full from empty in about 1.5 h.
        energy=EnergyFigures(
            drive_per_km=4.0,
            idle_per_min=0.12,
            charge_per_min=1.1,
            work_per_min={"announce": 0.05, "capturePhoto": 0.02, "dwell": 0.0, "dock": 0.3},
        ),
        serial_prefix="dog",
    ),
    RobotKind.SANITATION: KindProfile(
        series_description="Autonomous plaza sweeper-scrubber",
        speed=0.8,
        turn_rate=0.6,
        width=1.2,
        length=1.8,
        height=1.5,
        # About 2.2 h with the deck down at 0.8 m/s (0.05 + 4.5 x 0.048 + 0.5 = 0.77 %/min),
        # 6 h driving with the deck up, 33 h standing; full from empty in about 2 h.
        energy=EnergyFigures(
            drive_per_km=4.5,
            idle_per_min=0.05,
            charge_per_min=0.85,
            work_per_min={"clean": 0.5, "dwell": 0.0, "dock": 0.2},
        ),
        serial_prefix="sweeper",
    ),
    RobotKind.SERVICE: KindProfile(
        series_description="Indoor reception and delivery robot for the public service hall",
        speed=1.0,
        turn_rate=1.2,
        width=0.55,
        length=0.6,
        height=1.3,
        # A working day: about 10 h of driving at 1 m/s (0.08 + 1.5 x 0.06 = 0.17 %/min), 10 h
        # greeting, 21 h standing with its screen on; full from empty in about 1.4 h.
        energy=EnergyFigures(
            drive_per_km=1.5,
            idle_per_min=0.08,
            charge_per_min=1.2,
            work_per_min={
                "announce": 0.05,
                "greet": 0.08,
                "handover": 0.02,
                "dwell": 0.0,
                "dock": 0.1,
            },
        ),
        serial_prefix="guide",
    ),
    RobotKind.OTHER: KindProfile(
        series_description="Generic simulated mobile robot",
        speed=1.0,
        turn_rate=1.0,
        width=0.6,
        length=0.8,
        height=1.0,
        energy=EnergyFigures(drive_per_km=3.0, idle_per_min=0.08, charge_per_min=1.0),
        serial_prefix="robot",
    ),
}


def profile_for(kind: RobotKind) -> KindProfile:
    """The simulation profile of a robot kind."""
    return PROFILES[kind]
