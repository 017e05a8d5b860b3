// Robot and mission states: the robot's status (from the server, or worked out from older data).

export const ROBOT_STATES = ["working", "idle", "charging", "paused", "error", "offline"];
export const ROBOT_KINDS = ["patrol_dog", "sanitation", "service", "other"];
export const ACTIVE_MISSION = ["queued", "assigned", "running", "paused", "charging"];
// As the feed's snapshot counts them: escalated incidents are in people's hands; one a robot
// answered waits for an operator's confirmation.
export const ACTIVE_INCIDENT = ["open", "dispatched", "on_scene", "awaiting_confirmation"];
export const INCIDENT_TYPES = ["street_vending", "crowd", "litter", "other"];

/** The robot's status; the feed sends it, a REST answer without it is read the same way. */
export function robotStatus(robot) {
  if (robot.status) return robot.status;
  if (robot.online === false) return "offline";
  if ((robot.errors || []).some((e) => e.level === "FATAL")) return "error";
  if (robot.paused) return "paused";
  if (robot.charging) return "charging";
  if (robot.mission_id !== null && robot.mission_id !== undefined) return "working";
  if (robot.driving) return "working";
  return "idle";
}

/** Battery colour band: ok, low, critical. */
export function batteryBand(battery) {
  if (battery === null || battery === undefined) return "unknown";
  if (battery < 20) return "critical";
  if (battery < 50) return "low";
  return "ok";
}

/** Whether a mission can still be paused, resumed or cancelled. */
export function missionActions(mission) {
  const status = mission.status;
  return {
    pause: status === "running",
    resume: status === "paused",
    cancel: ACTIVE_MISSION.includes(status),
  };
}
