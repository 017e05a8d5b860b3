"""The simulated robot's body: turning on the spot and driving straight, paid for by its battery."""

from __future__ import annotations

import math
from collections.abc import Sequence

from robot_agent.driver import Pose, PoseReached
from simulation.battery import SimBattery

REACHED = 1e-6  # metres / radians counted as "there"


class Body:
    """Where the robot is and how fast it goes. A step of sim time is spent segment by segment
    (a turn, a stretch of straight driving), each paid for from the battery, so a battery that
    empties mid-step stops the robot where it emptied. Time left in a step after the robot has
    arrived (or stopped) is not spent here: the battery settles it from that instant on, once
    the motion releases it."""

    def __init__(self, pose: Pose, turn_rate: float, battery: SimBattery) -> None:
        self.x, self.y, self.theta = pose.x, pose.y, pose.theta
        self.map_id = pose.map_id
        self.speed = 0.0
        self._turn_rate = turn_rate
        self._battery = battery

    def pose(self) -> Pose:
        """Where the robot is now."""
        return Pose(self.x, self.y, self.theta, self.map_id)

    def advance(
        self,
        poses: Sequence[Pose],
        index: int,
        seconds: float,
        speed: float,
        on_pose_reached: PoseReached,
        limit: int,
    ) -> int:
        """Spend up to `seconds` (sim) turning and driving towards poses[index:limit]; the index
        of the next pose to reach."""
        budget = seconds
        while index < limit:
            target = poses[index]
            distance = math.hypot(target.x - self.x, target.y - self.y)
            if distance > REACHED:
                heading = math.atan2(target.y - self.y, target.x - self.x)
                budget, done = self._turn_towards(heading, budget)
                if not done:
                    break
                budget, done = self._drive(heading, distance, speed, budget)
                if not done:
                    break
                self.x, self.y = target.x, target.y
            if index == len(poses) - 1:
                budget, done = self._turn_towards(target.theta, budget)
                if not done:
                    break
            on_pose_reached(index)
            index += 1
        else:
            self.speed = 0.0
        return index

    def seconds_to(
        self,
        poses: Sequence[Pose],
        index: int,
        speed: float,
        limit: int,
        horizon: float = math.inf,
    ) -> float:
        """Sim seconds of turning and driving until poses[limit - 1] is reached from here; once
        past `horizon`, a time past it (a long route costs no more than its next stretch)."""
        x, y, theta = self.x, self.y, self.theta
        seconds = 0.0
        for position in range(index, limit):
            if seconds > horizon:
                return seconds
            target = poses[position]
            distance = math.hypot(target.x - x, target.y - y)
            if distance > REACHED:
                heading = math.atan2(target.y - y, target.x - x)
                seconds += abs(math.remainder(heading - theta, math.tau)) / self._turn_rate
                seconds += distance / speed
                x, y, theta = target.x, target.y, heading
        if limit == len(poses) and index < limit:
            seconds += abs(math.remainder(poses[-1].theta - theta, math.tau)) / self._turn_rate
        return seconds

    def _turn_towards(self, heading: float, budget: float) -> tuple[float, bool]:
        """Turn on the spot towards heading: the time left over, and whether the turn is done
        (not done: out of time, or out of charge with time left over)."""
        delta = math.remainder(heading - self.theta, math.tau)
        if abs(delta) <= REACHED:
            return budget, True
        self.speed = 0.0
        needed = abs(delta) / self._turn_rate
        seconds = min(needed, budget)
        share = self._battery.spend(seconds, 0.0)
        if share == 1.0 and seconds == needed:
            self.theta = math.remainder(heading, math.tau)
            return budget - needed, True
        turned = math.copysign(self._turn_rate * seconds * share, delta)
        self.theta = math.remainder(self.theta + turned, math.tau)
        return budget - seconds, False

    def _drive(
        self, heading: float, distance: float, speed: float, budget: float
    ) -> tuple[float, bool]:
        """Drive straight along heading towards a point `distance` ahead: the time left over,
        and whether the robot got there (the caller puts it exactly on the point)."""
        needed = distance / speed
        seconds = min(needed, budget)
        share = self._battery.spend(seconds, speed * seconds)
        if share == 1.0 and seconds == needed:
            self.speed = speed
            return budget - needed, True
        travelled = speed * seconds * share
        self.x += math.cos(heading) * travelled
        self.y += math.sin(heading) * travelled
        self.speed = speed if share == 1.0 else 0.0
        return budget - seconds, False
