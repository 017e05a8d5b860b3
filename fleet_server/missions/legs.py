"""Work longer than one charge, planned in legs: where a leg ends, how much to charge before the
rest, when the robot is back at work, and whether another robot finishes sooner (no I/O)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from fleet_protocol.site import Site
from fleet_server.missions.allocation import BatteryModel
from fleet_server.missions.chargers import ChargerBook
from fleet_server.missions.plans import nearest_dock
from fleet_server.sites.routing import NoRoute, RouteGraph

Point = tuple[float, float]

# Charge (percent) added to a charging target for what the energy figures may underestimate.
CHARGE_MARGIN_PERCENT = 5.0
# A robot starts work longer than a charge only with charge for at least this much of it.
LEAST_LEG_PERCENT = 10.0
# Another robot takes the rest of a mission over only if it finishes this much sooner.
HANDOVER_GAIN = timedelta(minutes=1)


@dataclass(frozen=True)
class LegRules:
    """Figures for planning legs until a robot's own are known: the charging rate (percent per
    minute) and the speed (m/s) at which drives are timed."""

    charge_percent_per_min: float = 1.0
    speed_m_s: float = 1.0


def used(battery: BatteryModel, metres: float) -> float:
    """Charge (percent) a drive this long uses, the reserve not counted."""
    return battery.needed(metres) - battery.reserve_percent


def plan_length(site: Site, positions: dict[str, Point], nodes: Sequence[str]) -> float:
    """Metres along the nodes (site nodes, or a plan's own by their positions)."""
    points = [positions[n] if n in positions else _xy(site, n) for n in nodes]
    return sum(math.dist(a, b) for a, b in itertools.pairwise(points))


def _xy(site: Site, node_id: str) -> Point:
    node = site.node(node_id)
    return node.x, node.y


def steps_of(site: Site, positions: dict[str, Point], nodes: Sequence[str]) -> list[float]:
    """Metres from each node of a plan to the next (the first step is 0)."""
    points = [positions[n] if n in positions else _xy(site, n) for n in nodes]
    return [0.0, *(math.dist(a, b) for a, b in itertools.pairwise(points))]


def leg_end(
    steps: Sequence[float],
    to_charger: Sequence[float],
    charge: float,
    battery: BatteryModel,
    floor: float,
    way: BatteryModel | None = None,
) -> int | None:
    """The plan index where the leg under way ends, or None if the charge covers the whole plan.

    The leg ends at the last node the robot reaches with its charge still at the floor or above
    and enough left for the way from there to a free charger with the reserve kept (`battery`:
    the work's figures, `way`: the plain drive's, where a cleaning deck makes them differ). 0
    means it must charge before it starts.
    """
    metres = 0.0
    last_ok = 0
    for index, (step, away) in enumerate(zip(steps, to_charger, strict=True)):
        metres += step
        left = charge - used(battery, metres)
        if left < floor or left < (way or battery).needed(away):
            return last_ok
        last_ok = index
    return None


def level_for(
    battery: BatteryModel,
    work_m: float,
    after_m: float,
    floor: float,
    way: BatteryModel | None = None,
) -> float:
    """The charge (percent) work of `work_m` takes staying at the floor, then the way of
    `after_m` to a charger with the reserve kept (`way`: that drive's figures, if not the
    work's)."""
    use = used(battery, work_m)
    return max(floor + use, use + (way or battery).needed(after_m))


def charge_target(
    battery: BatteryModel,
    rest_m: float,
    after_m: float,
    floor: float,
    way: BatteryModel | None = None,
) -> float:
    """The charge (percent) a robot takes on before the rest of its mission (way back included):
    level_for it, plus a margin; a full battery at most (work longer than that is done in
    further legs)."""
    return min(100.0, level_for(battery, rest_m, after_m, floor, way) + CHARGE_MARGIN_PERCENT)


def starts_in_legs(
    battery: BatteryModel, charge: float, to_start_m: float, whole_m: float, extra: float = 0.0
) -> bool:
    """Whether a robot may start work longer than a full charge: it has the charge to reach the
    work, do a first leg of it and come back to a charger near where it started (`extra`:
    what the work takes beyond its drive, a cleaning deck's load)."""
    whole = np.array([battery.needed(whole_m) + extra])
    back = np.array([battery.needed(2 * to_start_m)])
    return bool(legs_allowed(whole, back, charge)[0])


def legs_allowed(
    whole_needed: NDArray[np.float64], back_needed: NDArray[np.float64], charge: float
) -> NDArray[np.bool_]:
    """starts_in_legs for many pieces of work at once (joint assignment): each whole piece needs
    more than a full battery, and the charge covers the way there and back with a first leg."""
    return (whole_needed > 100.0) & (charge >= back_needed + LEAST_LEG_PERCENT)


def way_to_charger(
    graph: RouteGraph,
    site: Site,
    node: str,
    chargers: ChargerBook | None = None,
    serial_number: str | None = None,
) -> float:
    """Metres from a site node to the nearest dock with a charger free (any dock if none is,
    or without a book); 0 if no dock can be reached (nothing to plan for)."""
    try:
        if chargers is None:
            return nearest_dock(graph, site, node)[1]
        choice = chargers.nearest(graph, site, node, serial_number or "")
        return 0.0 if choice is None else choice.distance_m
    except NoRoute:
        return 0.0


def charge_minutes(charge: float, target: float, rules: LegRules) -> float:
    """Minutes on the charger from `charge` to `target`."""
    return max(0.0, target - charge) / rules.charge_percent_per_min


def drive_time(metres: float, rules: LegRules) -> timedelta:
    """How long a drive this long takes."""
    return timedelta(seconds=metres / rules.speed_m_s)


def clock_time(moment: datetime, timezone: str) -> str:
    """HH:MM of a moment in a site's timezone."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%H:%M")


@dataclass(frozen=True)
class Handover:
    """Another robot to take the rest of a mission over, when it finishes, and how much sooner
    than the charging robot."""

    serial_number: str
    finishes_at: datetime
    gain: timedelta


def best_handover(
    charging_finishes_at: datetime, offers: Sequence[tuple[str, datetime]]
) -> Handover | None:
    """The robot (of serial and finishing time offers) that finishes soonest, if it beats the
    charging robot by HANDOVER_GAIN at least; ties by serial number."""
    if not offers:
        return None
    serial, finishes = min(offers, key=lambda offer: (offer[1], offer[0]))
    gain = charging_finishes_at - finishes
    if gain < HANDOVER_GAIN:
        return None
    return Handover(serial, finishes, gain)


def charger_distances(
    graph: RouteGraph, site: Site, chargers: ChargerBook, serial_number: str
) -> dict[str, float]:
    """Metres from each site node to the nearest dock with a charger free for the robot (to the
    nearest dock if every one is taken)."""
    docks = [d for d in site.docks if chargers.free(site.id, d, serial_number) > 0] or site.docks
    nearest: dict[str, float] = {}
    for dock in docks:
        for node, metres in graph.distances_to(dock.node).items():
            nearest[node] = min(metres, nearest.get(node, math.inf))
    return nearest


def plan_to_charger(
    site: Site, positions: dict[str, Point], nodes: Sequence[str], to_dock: dict[str, float]
) -> list[float]:
    """For each node of a plan, metres to a charger (a plan's own node through the site node
    nearest to it); 0 where no dock can be reached."""
    away = []
    for node in nodes:
        if node in positions:
            x, y = positions[node]
            entry = site.nearest_node(x, y)
            away.append(math.dist((x, y), (entry.x, entry.y)) + to_dock.get(entry.id, 0.0))
        else:
            away.append(to_dock.get(node, 0.0))
    return away
