"""What a benchmark sees of simulated ROS robots on rclpy: when each action goal was accepted,
and how often a few robots' poses arrive.

A goal's acceptance time is the stamp rclpy's action server puts in the goal's GoalInfo when
it accepts it (the robot's own clock, this machine's system time); it is read from the action's
status topic (`<ns>/<action>/_action/status`, transient local, so a late subscriber still sees
it), so the watcher's own delays do not count. Needs rclpy (ros_ws/tools/setup_ros2.sh); DDS is
the caller's to keep on this machine (FASTDDS_BUILTIN_TRANSPORTS, ROS_AUTOMATIC_DISCOVERY_RANGE,
ROS_DOMAIN_ID in the environment before start()).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

import rclpy
from action_msgs.msg import GoalStatusArray
from geometry_msgs.msg import PoseWithCovarianceStamped
from rclpy.context import Context
from rclpy.executors import SingleThreadedExecutor
from rclpy.node import Node
from rclpy.qos import qos_profile_action_status_default, qos_profile_sensor_data

# The actions of the simulated robot a mission's first goal can go to.
ACTIONS = ("navigate_through_poses", "navigate_to_pose", "undock_robot", "dock_robot")


@dataclass(frozen=True)
class Goal:
    """One goal a robot's action server accepted."""

    action: str
    accepted: float  # seconds since the epoch, the server's stamp


@dataclass
class _Robot:
    goals: list[Goal] = field(default_factory=list)
    seen: set[bytes] = field(default_factory=set)
    poses: list[tuple[float, float, float, float]] = field(default_factory=list)


def _seconds(stamp: object) -> float:
    return float(stamp.sec) + float(stamp.nanosec) * 1e-9  # type: ignore[attr-defined]


class RosWatch:
    """Subscriptions to the robots' action status topics and a sample of their poses."""

    def __init__(self, namespaces: Sequence[str], pose_sample: Sequence[str]) -> None:
        self.namespaces = list(namespaces)
        self._robots = {ns: _Robot() for ns in self.namespaces}
        self._pose_sample = list(pose_sample)
        self._lock = threading.Lock()
        self._context = Context()
        self._node: Node | None = None
        self._executor: SingleThreadedExecutor | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Join the ROS graph and spin in a thread of its own."""
        rclpy.init(context=self._context)
        node = rclpy.create_node("fleet_bench_watch", context=self._context)
        for ns in self.namespaces:
            for action in ACTIONS:
                node.create_subscription(
                    GoalStatusArray,
                    f"/{ns}/{action}/_action/status",
                    partial(self._on_status, ns, action),
                    qos_profile_action_status_default,
                )
        for ns in self._pose_sample:
            node.create_subscription(
                PoseWithCovarianceStamped,
                f"/{ns}/amcl_pose",
                partial(self._on_pose, ns),
                qos_profile_sensor_data,
            )
        self._node = node
        self._executor = SingleThreadedExecutor(context=self._context)
        self._executor.add_node(node)
        self._thread = threading.Thread(target=self._spin, name="ros-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Leave the ROS graph."""
        if self._executor is not None:
            self._executor.shutdown()
        if self._node is not None:
            self._node.destroy_node()
        self._context.try_shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _spin(self) -> None:
        executor = self._executor
        assert executor is not None
        while self._context.ok():
            try:
                executor.spin_once(timeout_sec=0.2)
            except Exception:  # the context shut down under the spin: the watch is over
                if self._context.ok():
                    raise
                return

    def wait_discovered(self, timeout: float) -> bool:
        """Whether every robot's navigate_through_poses status has a publisher in time."""
        assert self._node is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            topics = [f"/{ns}/navigate_through_poses/_action/status" for ns in self.namespaces]
            if all(self._node.count_publishers(topic) for topic in topics):
                return True
            time.sleep(0.2)
        return False

    # -- callbacks (the spinning thread) ---------------------------------------------------

    def _on_status(self, ns: str, action: str, message: GoalStatusArray) -> None:
        with self._lock:
            robot = self._robots[ns]
            for status in message.status_list:
                goal_id = bytes(status.goal_info.goal_id.uuid)
                if goal_id not in robot.seen:
                    robot.seen.add(goal_id)
                    robot.goals.append(Goal(action, _seconds(status.goal_info.stamp)))

    def _on_pose(self, ns: str, message: PoseWithCovarianceStamped) -> None:
        received = time.time()
        position = message.pose.pose.position
        sample = (received, _seconds(message.header.stamp), float(position.x), float(position.y))
        with self._lock:
            self._robots[ns].poses.append(sample)

    # -- what was seen ---------------------------------------------------------------------

    def first_goal(self, ns: str, since: float, action: str | None = None) -> Goal | None:
        """The first goal accepted at or after `since` (of `action`, or of any)."""
        with self._lock:
            goals = [
                goal
                for goal in self._robots[ns].goals
                if goal.accepted >= since and (action is None or goal.action == action)
            ]
        return min(goals, key=lambda goal: goal.accepted, default=None)

    def wait_goal(
        self, ns: str, since: float, timeout: float, action: str | None = None
    ) -> Goal | None:
        """The first goal accepted at or after `since`, waiting for it up to `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            goal = self.first_goal(ns, since, action)
            if goal is not None or time.monotonic() > deadline:
                return goal
            time.sleep(0.02)

    def poses(self, start: float, end: float) -> dict[str, list[tuple[float, float, float, float]]]:
        """The sampled robots' poses received between start and end: (received, stamp, x, y),
        times in seconds since the epoch."""
        with self._lock:
            return {
                ns: [pose for pose in self._robots[ns].poses if start <= pose[0] < end]
                for ns in self._pose_sample
            }
