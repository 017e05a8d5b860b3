"""The missions' refusals (what the API answers when a mission cannot be made or changed), as
codes with parameters (fleet_server.texts). Mission reasons are in missions.reasons."""

from __future__ import annotations

from fleet_server.texts import Phrase

NOT_FOUND = Phrase("mission.not_found", "unknown mission {mission}")
NOT_CLEANING = Phrase(
    "mission.not_cleaning", "mission {mission} is a {kind} mission, not a cleaning one"
)
NO_COVERAGE_YET = Phrase(
    "mission.no_coverage_yet", "mission {mission} has no robot yet, so no coverage"
)
ONLY_QUEUED_REPRIORITISED = Phrase(
    "mission.only_queued_reprioritised",
    "mission {mission} is {status}; only a queued mission changes priority",
)
ONLY_RUNNING_PAUSES = Phrase(
    "mission.only_running_pauses", "mission {mission} is {status}; only a running mission pauses"
)
ONLY_PAUSED_RESUMES = Phrase(
    "mission.only_paused_resumes", "mission {mission} is {status}; only a paused mission resumes"
)

# A finished mission refuses each command (by the command's verb).
FINISHED_NOT_REPRIORITISED = Phrase(
    "mission.finished_not_reprioritised", "cannot reprioritise mission {mission}: it is {status}"
)
FINISHED_NOT_CANCELLED = Phrase(
    "mission.finished_not_cancelled", "cannot cancel mission {mission}: it is {status}"
)
FINISHED_NOT_PAUSED = Phrase(
    "mission.finished_not_paused", "cannot pause mission {mission}: it is {status}"
)
FINISHED_NOT_RESUMED = Phrase(
    "mission.finished_not_resumed", "cannot resume mission {mission}: it is {status}"
)
FINISHED = {
    "reprioritise": FINISHED_NOT_REPRIORITISED,
    "cancel": FINISHED_NOT_CANCELLED,
    "pause": FINISHED_NOT_PAUSED,
    "resume": FINISHED_NOT_RESUMED,
}

# A shared mission none of whose parts can take the command.
NO_PART_TO_PAUSE = Phrase(
    "mission.no_part_to_pause", "mission {mission} has no part that can pause now"
)
NO_PART_TO_RESUME = Phrase(
    "mission.no_part_to_resume", "mission {mission} has no part that can resume now"
)
NO_PART = {"pause": NO_PART_TO_PAUSE, "resume": NO_PART_TO_RESUME}

# A command for a robot's current mission when it has none.
NO_CURRENT_TO_PAUSE = Phrase(
    "mission.no_current_to_pause", "robot {robot} has no current mission to pause"
)
NO_CURRENT_TO_RESUME = Phrase(
    "mission.no_current_to_resume", "robot {robot} has no current mission to resume"
)
NO_CURRENT_TO_CANCEL = Phrase(
    "mission.no_current_to_cancel", "robot {robot} has no current mission to cancel"
)
NO_CURRENT = {
    "pause": NO_CURRENT_TO_PAUSE,
    "resume": NO_CURRENT_TO_RESUME,
    "cancel": NO_CURRENT_TO_CANCEL,
}

# The robot asked for by a new mission.
ROBOT_OFFLINE = Phrase("mission.robot_offline", "robot {robot!r} is offline")
ROBOT_ON_OTHER_MAP = Phrase(
    "mission.robot_on_other_map", "robot {robot!r} is on map {map!r}, not on site {site!r}"
)
ROBOT_NOT_PLACED = Phrase(
    "mission.robot_not_placed",
    "robot {robot!r} is without a reported position, not on site {site!r}",
)
ROBOT_LACKS_ACTIONS = Phrase(
    "mission.robot_lacks_actions",
    "robot {robot!r} cannot do action {actions} (it declares: {declared_actions})",
)
NO_ACTIONS = Phrase("mission.no_actions", "no actions")
NONE = Phrase("mission.none", "none")

# A mission request checked against its site.
UNKNOWN_NODE = Phrase("mission.unknown_node", "{field}: unknown node {node!r} on site {site!r}")
ROUTE_REPEATS = Phrase(
    "mission.route_repeats",
    "route[{index}]: {node!r} repeats route[{previous}]; consecutive nodes must differ",
)
LOOP_REPEATS_START = Phrase(
    "mission.loop_repeats_start",
    "route[{index}]: {node!r} is route[0] again; a loop returns to its first node by itself, "
    "so leave the last one out",
)
ROUTE_NOT_DRIVABLE = Phrase("mission.route_not_drivable", "route cannot be driven: {problem}")
ROUND_STANDS_STILL = Phrase(
    "mission.round_stands_still", "a round of route {route} never leaves {start!r}"
)
TOO_MANY_ROUNDS = Phrase(
    "mission.too_many_rounds",
    "rounds: {rounds} rounds of {nodes} nodes pass more than {limit} nodes; plan fewer rounds",
)
CHECKPOINT_OFF_ROUTE = Phrase(
    "mission.checkpoint_off_route", "{field}: node {node!r} is not on the route"
)
CHECKPOINT_TWICE = Phrase(
    "mission.checkpoint_twice", "{field}: node {node!r} has a checkpoint already"
)
NOT_RETRYABLE = Phrase(
    "mission.not_retryable",
    "{field}: {action} cannot be retried (it runs only on a node); "
    "on_failure retry works for {actions}",
)
ACTION_PROBLEMS = Phrase("mission.action_problems", "{field}: {problems}")
# Several problems in one sentence: the first, then the rest.
PROBLEMS = Phrase("mission.problems", "{first}; {rest}")
UNKNOWN_ACTION = Phrase("mission.unknown_action", "unknown action {action!r} (known: {actions})")
NO_SUCH_PARAMETER = Phrase(
    "mission.no_such_parameter", "action {action!r} has no parameter {parameter!r}"
)
NEEDS_PARAMETER = Phrase(
    "mission.needs_parameter", "action {action!r} needs parameter {parameter!r}"
)
PARAMETER_TYPE = Phrase(
    "mission.parameter_type",
    "action {action!r} parameter {parameter!r} must be {expected}, not {given}",
)
SAME_ORIGIN = Phrase("mission.same_origin", "destination: must differ from the origin")
SERVICE_NOT_DRIVABLE = Phrase(
    "mission.service_not_drivable", "the service run cannot be driven: {problem}"
)
UNKNOWN_ZONE = Phrase(
    "mission.unknown_zone", "unknown zone {zone!r} on site {site!r} (cleaning zones: {zones})"
)
NOT_CLEANING_ZONE = Phrase(
    "mission.not_cleaning_zone", "zone {zone!r} is a {zone_kind} zone, not a cleaning zone"
)
ZONE_PROBLEM = Phrase("mission.zone_problem", "zone {zone!r}: {problem}")
TOO_MANY_ROBOTS = Phrase(
    "mission.too_many_robots",
    "zone {zone!r} has {lanes} lane(s) {width:g} m wide: it can be shared by at most {lanes} "
    "robots, not {robots}",
)
NO_DOCKS = Phrase("mission.no_docks", "site {site!r} has no docks")
UNKNOWN_DOCK = Phrase(
    "mission.unknown_dock", "unknown dock {dock!r} on site {site!r} (docks: {docks})"
)
NO_DOCK_REACHABLE = Phrase(
    "mission.no_dock_reachable", "no dock on site {site!r} can be reached from {start!r}"
)

# The whole fleet's pause, resume and recall.
FLEET_RUNNING = Phrase("fleet_control.running", "the fleet is running: there is nothing to resume")
FLEET_ALREADY_PAUSED = Phrase(
    "fleet_control.already_paused", "cannot pause: the fleet is already paused (by {by}{since})"
)
FLEET_ALREADY_RECALLED = Phrase(
    "fleet_control.already_recalled",
    "cannot recall: the fleet is already recalled (by {by}{since})",
)
# When the fleet was paused or recalled ({since} above).
FLEET_HELD_SINCE = Phrase("fleet_control.since", " since {time} UTC")

# A mission's telemetry exported as a ROS bag.
BAG_NO_MISSION = Phrase("mission.bag_no_mission", "no mission {mission}")
BAG_NO_ROS_NAME = Phrase(
    "mission.bag_no_ros_name", "serial number {robot!r} has no letter or digit for a ROS name"
)
BAG_NAMESPACE_CLASH = Phrase(
    "mission.bag_namespace_clash",
    "robots {robot!r} and {other!r} share the ROS namespace /{namespace}",
)
BAG_NOTHING = Phrase(
    "mission.bag_nothing", "mission {mission} has no robot and no telemetry: no topics to write"
)
BAG_EXISTS = Phrase("mission.bag_exists", "{path} already exists; not overwriting it")
