"""Why a mission waits, how it ended and what it is doing, as phrases the console words in the
user's language (fleet_server.texts). The English is what the API's `reason` says."""

from __future__ import annotations

from fleet_server.texts import Phrase

# Who a waiting mission wants (nested in the waiting sentences as {who}).
ANY_ROBOT = Phrase("reason.who.any", "robot")
NAMED_ROBOT = Phrase("reason.who.named", "robot {robot}")
ROBOT_OF_KIND = Phrase("reason.who.kind", "{robot_kind} robot")

# Waiting for a robot (missions.robot_choice, dispatch, rationale).
WAITING_IDLE = Phrase("reason.waiting_idle", "waiting for an idle online {who} on site {site}")
WAITING_IDLE_ABLE = Phrase(
    "reason.waiting_idle_able",
    "waiting for an idle online {who} on site {site} that can do {actions}",
)
WAITING_WITHIN = Phrase("reason.waiting_within", "waiting for a {who} within {metres} m")
WAITING_REACH = Phrase(
    "reason.waiting_reach", "waiting for a {who} that can reach the mission on site {site}"
)
WAITING_CHARGE = Phrase(
    "reason.waiting_charge", "waiting for a {who} with enough charge (about {percent} % needed)"
)
WAITING_FREE = Phrase("reason.waiting_free", "waiting for a free robot on site {site}")
WAITING_TAKEN = Phrase(
    "reason.waiting_taken",
    "waiting for a robot: the free ones able to do it ({robots}) went to missions {missions}",
)
WAITING_PREEMPT = Phrase(
    "reason.waiting_preempt", "waiting for robot {robot} to stop mission {mission}"
)
WAITING_CHARGE_END = Phrase(
    "reason.waiting_charge_end",
    "waiting for robot {robot} to end its automatic charge (mission {mission}) and take this "
    "mission",
)
WAITING_FLEET = Phrase(
    "reason.waiting_fleet", "waiting for the fleet to be resumed: {mode} by {user}"
)
WAITING_CHARGER = Phrase(
    "reason.waiting_charger", "waiting for a free charger at dock {dock} for robot {robot} ({when})"
)
ABOUT = Phrase("reason.about", "about {time}")
NO_TIME_KNOWN = Phrase("reason.no_time_known", "no time known")

# Interrupted, to resume where it stopped (missions.ending).
RECALLED_BY = Phrase("reason.recalled_by", "fleet recalled by {user}")
PREEMPTED_BY = Phrase("reason.preempted_by", "preempted by mission {mission}")
RESUMES = Phrase("reason.resumes", "{cause}; resumes where it stopped")
RESUMES_WAITING = Phrase("reason.resumes_waiting", "{cause}; resumes where it stopped ({waiting})")
ROBOT_OFFLINE = Phrase("reason.robot_offline", "robot {robot} went offline ({why})")

# How it ended (missions.observe, ending).
CANCELLED = Phrase("reason.cancelled", "cancelled by operator")
CANCELLED_NOTHING_LEFT = Phrase(
    "reason.cancelled_nothing_left", "cancelled by operator (the robot had no order left)"
)
CANCELLED_ROBOT_SAYS = Phrase("reason.cancelled_robot_says", "cancelled by operator ({detail})")
ROBOT_FATAL = Phrase("reason.robot_fatal", "robot reported a FATAL error ({error_type})")
ROBOT_FATAL_SAYS = Phrase(
    "reason.robot_fatal_says", "robot reported a FATAL error ({error_type}: {description})"
)
ORDER_REJECTED = Phrase(
    "reason.order_rejected", "robot rejected the order ({error_type}: {description})"
)
ORDER_ABORTED = Phrase(
    "reason.order_aborted", "robot aborted the order ({error_type}: {description})"
)
ORDER_LOST = Phrase(
    "reason.order_lost", "the robot no longer has the mission's order (was it restarted?)"
)
ORDER_NOT_TAKEN = Phrase(
    "reason.order_not_taken", "the robot did not take the order within {seconds} s"
)
CHECKPOINT_FAILED = Phrase(
    "reason.checkpoint_failed", "checkpoint {node} (round {round}): {action_type} failed"
)
CHECKPOINT_FAILED_SAYS = Phrase(
    "reason.checkpoint_failed_says",
    "checkpoint {node} (round {round}): {action_type} failed ({detail})",
)
CHARGE_ENDED = Phrase("reason.charge_ended", "charge ended for mission {mission}")
ROBOT_GONE = Phrase("reason.robot_gone", "robot no longer exists")
SET_ASIDE = Phrase("reason.set_aside", "failed in {loop}: {error}")

# Shared between robots (missions.intake, parts).
SHARED = Phrase("reason.shared", "shared by {count} robots")
SHARED_TALLY = Phrase("reason.shared_tally", "shared by {count} robots: {tally}")
PARTS_COMPLETED = Phrase("reason.parts_completed", "all {count} parts completed")
PARTS_FAILED = Phrase(
    "reason.parts_failed",
    "{failed} of {count} parts failed (part {part}, mission {mission}: {why})",
)
PART_FAILED = Phrase("reason.part_failed", "failed")
TALLY_ITEM = Phrase("reason.tally_item", "{count} {status}")
TALLY = Phrase("reason.tally", "{items}")

# Charging (missions.idle_charging, charging, handover, charge_orders).
IDLE_CHARGE = Phrase(
    "reason.idle_charge", "idle with {battery} % charge, below {threshold} %"
)
LEG_FLOOR = Phrase("reason.leg_floor", "battery {battery} % reached the floor of {floor} %")
LEG_ENDED = Phrase(
    "reason.leg_ended", "the leg this charge allows ended at node {node} (battery {battery} %)"
)
LEG_NO_DOCK = Phrase("reason.leg_no_dock", "{why}; no dock can be reached")
LEG_WAITING = Phrase(
    "reason.leg_waiting", "{why}; waiting for a free charger (dock {dock})"
)
LEG_WAITING_ABOUT = Phrase(
    "reason.leg_waiting_about", "{why}; waiting for a free charger (dock {dock} about {time})"
)
LEG_CHARGING = Phrase(
    "reason.leg_charging",
    "{why}; charging at dock {dock} to {target} %, resumes about {time}",
)
LEG_ROBOT_FAILED = Phrase("reason.leg_robot_failed", "charging leg: {why}")
LEG_CHARGE_FAILED = Phrase("reason.leg_charge_failed", "charging leg failed: {detail}")
LEG_CHARGE_ACTION_FAILED = Phrase(
    "reason.leg_charge_action_failed", "charging leg failed: the charge action failed"
)
LEG_NOT_TAKEN = Phrase(
    "reason.leg_not_taken",
    "charging leg: the robot did not take its charging order within {seconds} s",
)
HANDED_OVER = Phrase(
    "reason.handed_over",
    "handed over to {robot}: finishes about {time}, {minutes} min sooner than charging {charger}",
)
CHARGING_AFTER_HANDOVER = Phrase(
    "reason.charging_after_handover", "charging after handing mission {mission} over to {robot}"
)

# Why a robot lost a mission to the one chosen (missions.rationale, joint): a runner-up's reason.
TAKEN_JOINTLY = Phrase(
    "runnerUpText.taken", "taken by mission {mission} in the joint assignment"
)
TIE = Phrase("runnerUpText.tie", "as near; ties go by serial number")
FARTHER = Phrase("runnerUpText.farther", "farther: {metres} m / {seconds} s more")
SLOWER = Phrase("runnerUpText.slower", "slower: {seconds} s more though {metres} m nearer")
UNREACHABLE = Phrase("runnerUpText.unreachable", "cannot reach the mission's first goal {node}")
TOO_FAR = Phrase(
    "runnerUpText.too_far", "too far: {metres} m is over the mission's limit of {limit} m"
)
TOO_LITTLE_CHARGE = Phrase(
    "runnerUpText.charge", "too little charge: has {battery} %, needs {needed} %"
)
CHARGE_UNKNOWN = Phrase(
    "runnerUpText.charge_unknown", "too little charge: has unknown, needs {needed} %"
)
ASKS_FOR_ROBOT = Phrase(
    "runnerUpText.asks_for_robot", "incapable: the mission asks for robot {robot}"
)
WRONG_KIND = Phrase(
    "runnerUpText.wrong_kind", "incapable: a {found_kind}, the mission needs a {robot_kind}"
)
LACKS_ACTIONS = Phrase("runnerUpText.lacks_actions", "incapable: lacks action {actions}")
NO_POSITION = Phrase("runnerUpText.no_position", "incapable: no reported position")
OFFLINE = Phrase("runnerUpText.offline", "offline")
BUSY = Phrase("runnerUpText.busy", "busy on mission {mission}")
PAUSED = Phrase("runnerUpText.paused", "paused")
FATAL = Phrase("runnerUpText.fatal", "has a fatal error")
STALE_ORDER = Phrase("runnerUpText.stale", "still running an order it must cancel first")
NOT_FREE = Phrase("runnerUpText.not_free", "not free for work")
