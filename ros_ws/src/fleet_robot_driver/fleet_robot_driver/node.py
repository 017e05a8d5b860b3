"""The rclpy side of the driver: the robot's topics, actions and services behind RobotPort.

With main.py and spin.py, the only modules of the package that import rclpy. Subscription
callbacks run in the executor's thread and only replace the latest value (one reference,
assigned whole, read by the agent's thread); every future and callback meant for the agent goes
through LoopBridge, which hands it over with call_soon_threadsafe. Goals, cancels and service
calls are made in the executor's thread (spin.py says why).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Sequence
from typing import Any

from geometry_msgs.msg import PoseStamped, PoseWithCovarianceStamped
from nav2_msgs.action import NavigateThroughPoses
from nav2_msgs.msg import SpeedLimit
from nav_msgs.msg import Odometry
from rclpy.action.client import ActionClient
from rclpy.node import Node
from rclpy.qos import qos_profile_sensor_data
from sensor_msgs.msg import BatteryState, CompressedImage, Image
from std_msgs.msg import String
from std_srvs.srv import SetBool

from fleet_protocol.orientation import Quaternion
from fleet_robot_driver.bridge import LoopBridge
from fleet_robot_driver.conversions import (
    GoalPose,
    battery_percentage,
    goal_to_pose,
    is_charging,
)
from fleet_robot_driver.parameters import DriverParameters
from fleet_robot_driver.port import (
    ActionGoal,
    CapturedImage,
    DockGoal,
    GoalOutcome,
    GoalRejected,
    RemainingPoses,
)
from fleet_robot_driver.spin import RclpyGoal, SpinThread
from robot_agent.driver import BatteryReading, Pose

try:  # Jazzy and later: opennav_docking's actions live in nav2_msgs
    from nav2_msgs.action import DockRobot, UndockRobot
except ImportError:  # Humble: the opennav_docking backport's own message package
    from opennav_docking_msgs.action import DockRobot, UndockRobot

log = logging.getLogger(__name__)


def _navigation_outcome(status: int, result: Any) -> GoalOutcome:
    # Humble's result is std_msgs/Empty; Jazzy adds error_code and error_msg.
    code = getattr(result, "error_code", None)
    message = getattr(result, "error_msg", "")
    return GoalOutcome(status, None if code is None else int(code), message)


def _docking_outcome(status: int, result: Any) -> GoalOutcome:
    message = getattr(result, "error_msg", "")  # not in the Humble backport's result
    return GoalOutcome(status, int(result.error_code), message, success=bool(result.success))


class RclpyPort:
    """RobotPort on an rclpy node; every name is relative, so the node's namespace applies."""

    def __init__(
        self,
        node: Node,
        parameters: DriverParameters,
        map_id: str,
        bridge: LoopBridge,
        spin: SpinThread,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._node = node
        self._parameters = parameters
        self._map_id = map_id
        self._bridge = bridge
        self._spin = spin
        self._clock = clock
        self._pose: Pose | None = None
        self._speed = 0.0
        self._battery: BatteryReading | None = None
        self._image: tuple[float, Any] | None = None
        self._speed_cap: float | None = None
        p, sensor = parameters, qos_profile_sensor_data  # best effort: matches any publisher
        if p.pose_source == "amcl":
            node.create_subscription(
                PoseWithCovarianceStamped, p.amcl_pose_topic, self._on_amcl, sensor
            )
        node.create_subscription(Odometry, p.odom_topic, self._on_odom, sensor)
        node.create_subscription(BatteryState, p.battery_topic, self._on_battery, sensor)
        if p.image_topic:
            kind = CompressedImage if p.image_compressed else Image
            node.create_subscription(kind, p.image_topic, self._on_image, sensor)
        self._tts = node.create_publisher(String, p.tts_topic, 10) if p.tts_topic else None
        self._speed_limit = node.create_publisher(SpeedLimit, p.speed_limit_topic, 10)
        # Any: rclpy's ActionClient is generic on Kilted and not on Jazzy, and the generated
        # message classes carry no types either way.
        self._navigate: Any = ActionClient(node, NavigateThroughPoses, p.navigate_action)
        self._dock: Any = ActionClient(node, DockRobot, p.dock_action) if p.dock_action else None
        self._undock: Any = (
            ActionClient(node, UndockRobot, p.undock_action)
            if p.dock_action and p.undock_action
            else None
        )
        self._deck: Any = (
            node.create_client(SetBool, p.clean_service) if p.clean_service else None
        )

    # -- servers ---------------------------------------------------------------------------

    async def wait_for_servers(self, timeout: float) -> list[str]:
        """Wait (in worker threads) for each configured server; the names still missing."""
        p = self._parameters
        waits: list[tuple[str, Callable[..., bool]]] = [
            (f"action server {p.navigate_action}", self._navigate.wait_for_server)
        ]
        if self._dock is not None:
            waits.append((f"action server {p.dock_action}", self._dock.wait_for_server))
        if self._undock is not None:
            waits.append((f"action server {p.undock_action}", self._undock.wait_for_server))
        if self._deck is not None:
            waits.append((f"service {p.clean_service}", self._deck.wait_for_service))
        ready = await asyncio.gather(
            *(asyncio.to_thread(wait, timeout_sec=timeout) for _, wait in waits)
        )
        return [name for (name, _), ok in zip(waits, ready, strict=True) if not ok]

    async def navigate(
        self, poses: Sequence[GoalPose], behavior_tree: str, on_remaining: RemainingPoses
    ) -> ActionGoal:
        """Send one NavigateThroughPoses goal through every pose."""
        goal = NavigateThroughPoses.Goal()
        stamped = [self._stamped(pose) for pose in poses]
        if hasattr(goal.poses, "goals"):  # Kilted and later: nav_msgs/Goals
            goal.poses.header.frame_id = self._parameters.map_frame
            goal.poses.goals = stamped
        else:
            goal.poses = stamped
        goal.behavior_tree = behavior_tree

        def feedback(message: Any) -> None:  # executor thread
            self._bridge.call(on_remaining, int(message.feedback.number_of_poses_remaining))

        return await self._send(
            self._navigate, self._parameters.navigate_action, goal, _navigation_outcome, feedback
        )

    async def dock(self, goal: DockGoal) -> ActionGoal:
        """Send a DockRobot goal."""
        if self._dock is None:
            raise GoalRejected("no dock_action configured")
        message = DockRobot.Goal()
        message.use_dock_id = bool(goal.dock_id)
        message.dock_id = goal.dock_id
        if goal.dock_pose is not None:
            message.dock_pose = self._stamped(goal.dock_pose)
        message.dock_type = goal.dock_type
        message.navigate_to_staging_pose = goal.navigate_to_staging_pose
        return await self._send(self._dock, self._parameters.dock_action, message, _docking_outcome)

    async def undock(self, dock_type: str) -> ActionGoal:
        """Send an UndockRobot goal."""
        if self._undock is None:
            raise GoalRejected("no undock_action configured")
        message = UndockRobot.Goal()
        message.dock_type = dock_type
        return await self._send(
            self._undock, self._parameters.undock_action, message, _docking_outcome
        )

    async def set_deck(self, on: bool) -> tuple[bool, str]:
        """Call the cleaning deck's SetBool service."""
        if self._deck is None or not self._deck.service_is_ready():
            return False, f"service {self._parameters.clean_service} is not available"
        request = SetBool.Request()
        request.data = on
        deck = self._deck
        response = await self._spin.call(lambda: deck.call_async(request))
        return bool(response.success), str(response.message)

    async def _send(
        self,
        client: Any,
        name: str,
        goal: Any,
        read: Callable[[int, Any], GoalOutcome],
        feedback: Callable[[Any], None] | None = None,
    ) -> ActionGoal:
        if not client.server_is_ready():
            raise GoalRejected(f"action server {name} is not available")
        handle = await self._spin.call(
            lambda: client.send_goal_async(goal, feedback_callback=feedback)
        )
        if not handle.accepted:
            raise GoalRejected(f"action server {name} refused the goal")
        return RclpyGoal(handle, self._spin, read)

    def _stamped(self, pose: GoalPose) -> PoseStamped:
        message = PoseStamped()
        # A zero stamp asks tf for the latest transform, which is what a goal means.
        message.header.frame_id = self._parameters.map_frame
        message.pose.position.x = pose.x
        message.pose.position.y = pose.y
        q = pose.orientation
        message.pose.orientation.x, message.pose.orientation.y = q.x, q.y
        message.pose.orientation.z, message.pose.orientation.w = q.z, q.w
        return message

    # -- outputs ---------------------------------------------------------------------------

    def say(self, text: str) -> None:
        """Publish the text to the TTS topic."""
        if self._tts is None:
            raise RuntimeError("no tts_topic configured")
        message = String()
        message.data = text
        self._tts.publish(message)

    def limit_speed(self, speed: float | None) -> None:
        """Publish Nav2's speed limit in m/s (0 means none) when it changes."""
        if speed == self._speed_cap:
            return
        self._speed_cap = speed
        message = SpeedLimit()
        message.header.stamp = self._node.get_clock().now().to_msg()
        message.percentage = False
        message.speed_limit = 0.0 if speed is None else float(speed)
        self._speed_limit.publish(message)

    # -- inputs (executor thread in, agent thread out) -------------------------------------

    def pose(self) -> Pose | None:
        """The last map pose."""
        return self._pose

    def speed(self) -> float:
        """Forward speed from odometry."""
        return self._speed

    def battery(self) -> BatteryReading | None:
        """The last battery reading with a known charge."""
        return self._battery

    def latest_image(self) -> CapturedImage | None:
        """The last camera frame, copied out of its message now (not at 30 Hz)."""
        latest = self._image
        if latest is None:
            return None
        received, message = latest
        if self._parameters.image_compressed:
            return CapturedImage(received, message.format, 0, 0, 0, bytes(message.data), True)
        return CapturedImage(
            received,
            message.encoding,
            int(message.width),
            int(message.height),
            int(message.step),
            bytes(message.data),
        )

    def _on_amcl(self, message: PoseWithCovarianceStamped) -> None:
        self._take_pose(message.pose.pose)

    def _on_odom(self, message: Odometry) -> None:
        self._speed = float(message.twist.twist.linear.x)
        if self._parameters.pose_source == "odom":
            self._take_pose(message.pose.pose)

    def _on_battery(self, message: BatteryState) -> None:
        charge = battery_percentage(message.percentage, message.charge, message.capacity)
        if charge is None:
            return
        voltage = float(message.voltage) if math.isfinite(message.voltage) else None
        self._battery = BatteryReading(charge, is_charging(message.power_supply_status), voltage)

    def _on_image(self, message: Any) -> None:
        self._image = (self._clock(), message)

    def _take_pose(self, pose: Any) -> None:
        o = pose.orientation
        goal = GoalPose(
            pose.position.x, pose.position.y, Quaternion(o.x, o.y, o.z, o.w), self._map_id
        )
        try:
            self._pose = goal_to_pose(goal)
        except ValueError as exc:  # an all-zero quaternion: keep the last good pose
            log.warning("ignored a pose without a heading: %s", exc)

