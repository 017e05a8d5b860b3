"""One simulated robot on rclpy, in the robot's namespace.

It serves Nav2's and the docking server's actions, and publishes its pose, battery and camera;
it listens to its speaker's topic and serves its cleaning deck. Everything runs in the
executor's one thread: a goal's execute callback starts an activity on the robot (base.py) and
awaits a future that the node's timer completes when the activity ends, so many robots share
one thread without locks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from geometry_msgs.msg import PoseStamped, PoseWithCovarianceStamped
from nav2_msgs.action import NavigateThroughPoses, NavigateToPose
from nav2_msgs.msg import SpeedLimit
from nav_msgs.msg import Odometry
from rclpy.action.server import ActionServer, CancelResponse, GoalResponse
from rclpy.duration import Duration
from rclpy.node import Node
from rclpy.qos import qos_profile_sensor_data
from rclpy.task import Future
from sensor_msgs.msg import BatteryState, Image
from std_msgs.msg import String
from std_srvs.srv import SetBool

from fleet_protocol.kinds import KIND_ACTIONS
from fleet_sim_robot import messages
from fleet_sim_robot.activities import Route
from fleet_sim_robot.base import SimBase
from fleet_sim_robot.injection import FailureParameters
from fleet_sim_robot.outcomes import CANCELLED, Activity, Outcome
from robot_agent.driver import Pose
from simulation.ros_spec import DECK_SERVICE, IMAGE_TOPIC, SPEECH_TOPIC

try:  # Jazzy and later: opennav_docking's actions live in nav2_msgs
    from nav2_msgs.action import DockRobot, UndockRobot
except ImportError:  # Humble: the opennav_docking backport's own message package
    from opennav_docking_msgs.action import DockRobot, UndockRobot

log = logging.getLogger(__name__)

NODE_NAME = "fleet_sim_robot"
# Wall seconds between two ticks, which move the robot and publish its pose and feedback; the
# pose of a robot standing still, its battery and its camera go out every so many ticks (every
# callback costs the executor a look at every robot's entities, so the host ticks them all in
# one timer callback).
TICK = 0.1
STANDING_POSE_EVERY = 5
BATTERY_EVERY = 10
CAMERA_EVERY = 3
# Nav2's TF_ERROR for goals in a frame the robot has no transform to (the navigators' codes on
# Kilted; Jazzy's results define none, so the same number is used there).
NAVIGATE_THROUGH_POSES_TF_ERROR = 9102
NAVIGATE_TO_POSE_TF_ERROR = 9002

@dataclass
class _Goal:
    """The goal the robot is working on."""

    handle: Any  # rclpy ServerGoalHandle
    activity: Activity
    result: Callable[[Outcome], Any]  # builds the action's result message
    feedback: Callable[[], Any] | None  # builds a feedback message, if the action has one
    done: Any  # rclpy Future of the result message (generic on Kilted, not on Jazzy)


class SimRobotNode(Node):
    """A simulated robot's ROS interfaces around its SimBase."""

    def __init__(self, base: SimBase, map_frame: str, namespace: str) -> None:
        super().__init__(NODE_NAME, namespace=namespace)
        self.base = base
        self.map_frame = map_frame
        self._goal: _Goal | None = None
        self._frames = 0
        actions = {action.action_type for action in KIND_ACTIONS[base.kind]}
        sensor = qos_profile_sensor_data
        self._odom = self.create_publisher(Odometry, "odom", sensor)
        self._amcl = self.create_publisher(PoseWithCovarianceStamped, "amcl_pose", sensor)
        self._battery = self.create_publisher(BatteryState, "battery_state", sensor)
        self._camera = (
            self.create_publisher(Image, IMAGE_TOPIC, sensor) if "capturePhoto" in actions else None
        )
        self.create_subscription(SpeedLimit, "speed_limit", self._on_speed_limit, 10)
        if "announce" in actions:
            self.create_subscription(String, SPEECH_TOPIC, self._on_speech, 10)
        if "clean" in actions:
            self.create_service(SetBool, DECK_SERVICE, self._on_deck)
        self._servers = [
            self._server(NavigateThroughPoses, "navigate_through_poses", self._through_poses),
            self._server(NavigateToPose, "navigate_to_pose", self._to_pose),
            self._server(DockRobot, "dock_robot", self._dock),
            self._server(UndockRobot, "undock_robot", self._undock),
        ]
        self._failures = FailureParameters(self, base)
        self._ticks = 0

    def close(self) -> None:
        """Abort the goal under way (nobody asked to cancel it) and let the servers go."""
        if self._goal is not None:
            self._finish(Outcome(False, 0, "the simulated robot was shut down"))
        for server in self._servers:
            server.destroy()
        self.destroy_node()

    # -- action servers -----------------------------------------------------------------------

    def _server(self, action: Any, name: str, start: Callable[[Any], _Goal | Outcome]) -> Any:
        async def execute(handle: Any) -> Any:
            # The robot does one thing at a time: a newer goal preempts the one under way.
            if self._goal is not None:
                log.info("%s: a new goal preempts the one under way", self.base.serial_number)
                self._finish(Outcome(False, 0, "preempted by a newer goal"))
            started = start(handle)
            if isinstance(started, Outcome):  # refused before anything moved
                handle.abort()
                return messages.result(action, started)
            self._goal = started
            if started.feedback is not None:  # where the goal starts from
                handle.publish_feedback(started.feedback())
            return await started.done

        return ActionServer(
            self,
            action,
            name,
            execute_callback=execute,
            goal_callback=lambda _request: GoalResponse.ACCEPT,
            cancel_callback=lambda _handle: CancelResponse.ACCEPT,
        )

    def _through_poses(self, handle: Any) -> _Goal | Outcome:
        request = handle.request
        poses = getattr(request.poses, "goals", request.poses)  # Kilted: nav_msgs/Goals
        frames_ok = all(self._in_map(pose) for pose in poses)
        if hasattr(request.poses, "goals"):
            frames_ok = frames_ok and request.poses.header.frame_id in ("", self.map_frame)
        if not frames_ok:
            return Outcome(False, NAVIGATE_THROUGH_POSES_TF_ERROR, self._frame_message())
        route = self.base.drive([self._pose_of(pose) for pose in poses])
        if route.failure is not None:
            self._failures.disarm("fail_navigation_code")
        log.info("%s: navigating through %d poses", self.base.serial_number, len(route.poses))

        def feedback() -> Any:
            message = NavigateThroughPoses.Feedback()
            self._fill_feedback(message, route)
            message.number_of_poses_remaining = route.poses_remaining
            return message

        return self._goal_of(handle, route, NavigateThroughPoses, feedback)

    def _to_pose(self, handle: Any) -> _Goal | Outcome:
        pose = handle.request.pose
        if not self._in_map(pose):
            return Outcome(False, NAVIGATE_TO_POSE_TF_ERROR, self._frame_message())
        route = self.base.drive([self._pose_of(pose)])
        if route.failure is not None:
            self._failures.disarm("fail_navigation_code")

        def feedback() -> Any:
            message = NavigateToPose.Feedback()
            self._fill_feedback(message, route)
            return message

        return self._goal_of(handle, route, NavigateToPose, feedback)

    def _dock(self, handle: Any) -> _Goal | Outcome:
        request = handle.request
        position = request.dock_pose.pose.position
        dock_id = request.dock_id if request.use_dock_id else None
        docking = self.base.dock(
            dock_id, position.x, position.y, bool(request.navigate_to_staging_pose)
        )
        if docking.failure is not None:
            self._failures.disarm("fail_dock_code")
        return self._goal_of(handle, docking, DockRobot, None)

    def _undock(self, handle: Any) -> _Goal | Outcome:
        return self._goal_of(handle, self.base.undock(), UndockRobot, None)

    def _goal_of(
        self, handle: Any, activity: Activity, action: Any, feedback: Callable[[], Any] | None
    ) -> _Goal:
        def result(outcome: Outcome) -> Any:
            return messages.result(action, outcome)

        return _Goal(handle, activity, result, feedback, Future())

    def tick(self) -> None:
        """Advance the goal under way (its feedback, or its end); publish what is due."""
        self.base.settle()
        moving = self._goal is not None
        self._advance_goal()
        if moving or self._ticks % STANDING_POSE_EVERY == 0:
            self._publish_pose()
        if self._ticks % BATTERY_EVERY == 0:
            self._publish_battery()
        if self._camera is not None and self._ticks % CAMERA_EVERY == 0:
            self._publish_frame()
        self._ticks += 1

    def _advance_goal(self) -> None:
        goal = self._goal
        if goal is not None:
            if goal.handle.is_cancel_requested:
                goal.activity.cancel()
                self._finish(CANCELLED, cancelled=True)
            else:
                outcome = goal.activity.advance()
                if outcome is not None:
                    self._finish(outcome)
                elif goal.feedback is not None:
                    goal.handle.publish_feedback(goal.feedback())

    def _finish(self, outcome: Outcome, *, cancelled: bool = False) -> None:
        goal, self._goal = self._goal, None
        if goal is None:
            return
        goal.activity.cancel()  # a no-op for an activity that has ended
        if cancelled:
            goal.handle.canceled()
        elif outcome.succeeded:
            goal.handle.succeed()
        else:
            goal.handle.abort()
        if cancelled:
            log.info("%s: goal cancelled", self.base.serial_number)
        elif not outcome.succeeded:
            log.info(
                "%s: goal failed, error code %d: %s",
                self.base.serial_number,
                outcome.error_code,
                outcome.error_msg,
            )
        goal.done.set_result(goal.result(outcome))

    def _fill_feedback(self, message: Any, route: Route) -> None:
        message.current_pose = messages.stamped(self.base.pose(), self.map_frame, self._now())
        elapsed = self.base.clock() - route.started
        message.navigation_time = Duration(seconds=elapsed).to_msg()
        message.estimated_time_remaining = Duration(seconds=route.seconds_remaining()).to_msg()
        message.distance_remaining = float(route.distance_remaining())

    # -- topics and services -------------------------------------------------------------------

    def _on_speed_limit(self, message: SpeedLimit) -> None:
        limit = float(message.speed_limit)
        if message.percentage:
            limit = self.base.profile.speed * limit / 100.0
        self.base.speed_limit = limit if limit > 0 else None

    def _on_speech(self, message: String) -> None:
        self.base.speak(str(message.data))

    def _on_deck(self, request: SetBool.Request, response: SetBool.Response) -> SetBool.Response:
        response.success, response.message = self.base.set_deck(bool(request.data))
        log.info("%s: cleaning deck %s", self.base.serial_number, response.message)
        return response

    def _publish_pose(self) -> None:
        pose, stamp = self.base.pose(), self._now()
        self._odom.publish(messages.odometry(pose, self.base.body.speed, self.map_frame, stamp))
        self._amcl.publish(messages.amcl_pose(pose, self.map_frame, stamp))

    def _publish_battery(self) -> None:
        level, charging = self.base.battery_level(), self.base.battery.charging
        self._battery.publish(messages.battery_state(level, charging, self._now()))

    def _publish_frame(self) -> None:
        assert self._camera is not None
        self._frames += 1
        self._camera.publish(messages.camera_image(self.base.pose(), self._frames, self._now()))

    # -- poses --------------------------------------------------------------------------------

    def _now(self) -> Any:
        return self.get_clock().now().to_msg()

    def _in_map(self, pose: PoseStamped) -> bool:
        return pose.header.frame_id in ("", self.map_frame)

    def _frame_message(self) -> str:
        return f"goal poses must be in frame {self.map_frame!r}"

    def _pose_of(self, pose: PoseStamped) -> Pose:
        here = self.base.pose()
        return messages.goal_pose(pose, here.theta, here.map_id)
