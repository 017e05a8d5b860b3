"""ROS fleet benchmark: how many ROS-level simulated robots, each with its real agent on the ROS
driver, one core holds in real time, and how long a REST mission takes to become a ROS goal.

For each N: Mosquitto (free port), `fleet serve` (SQLite in a temporary folder) and
`fleet-sim --backend ros --robots N --kinds patrol_dog` (one process of simulated ROS robots,
one `robot-agent --driver ros` per robot) pinned to one core with taskset; the broker, server
and this process run on another. Then:

- idle: the fleet's CPU (every process under fleet-sim) over a window, robots standing;
- latency: each robot in turn gets a patrol by POST /api/v1/missions; the time from just before
  the POST to the first goal its simulated robot's action server accepted (the GoalInfo stamp on
  the action's status topic, read with rclpy), and to the first NavigateThroughPoses goal (for a
  robot starting on a dock the first goal is UndockRobot);
- patrols: with every robot driving, the fleet's CPU, the pose rate of a few robots on ROS
  (`amcl_pose`, published every tick while driving), the visualization rate per robot on MQTT
  (each agent publishes one every --visualization-interval), and how far behind the robot's
  pose on ROS those robots' agents report their position (a visualization's timestamp less the
  stamp of the ROS pose nearest to its position).

Real time holds where the pinned core is not saturated, the poses keep their tick rate, the
agents their visualization rate, and the agents' positions stay a tick or two behind the robots.

    ros_ws/tools/setup_ros2.sh .venv kilted          # once: rclpy, nav2_msgs, ros_ws packages
    python -m bench.ros_fleet --robots 5,10,20,40 --ros-domain-id 70
    python -m bench.ros_fleet --robots 10 --cpu none     # not pinned

DDS stays on this machine: shared memory, localhost discovery, the given domain.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from bench.fleet_scale import (
    LONG_PATROL,
    SITE_FILE,
    STREET_LOOP,
    cpu_seconds,
    script,
    served,
    start,
)
from fleet_protocol.broker_url import parse_broker_url
from fleet_protocol.kinds import RobotKind
from fleet_protocol.ros_names import ros_namespace
from simulation.profiles import profile_for
from simulation.ros_backend import ros_environment

try:
    from bench.ros_watch import RosWatch
except ImportError as error:  # no rclpy or action_msgs in this Python
    raise SystemExit(
        f"the ROS fleet benchmark needs rclpy ({error}); install it with "
        "ros_ws/tools/setup_ros2.sh VENV kilted|jazzy"
    ) from None

KIND = RobotKind.PATROL_DOG
PAGE = 4096
POSE_SAMPLE = 5  # robots whose ROS poses the benchmark reads (each reader costs the robots)
SETTLE = 5.0  # seconds after the last mission before the patrol window
LAG_LOOKBACK = 5.0  # s of ROS poses searched for the one an agent's position matches
MOVING = 1.0  # m a robot must have moved over LAG_LOOKBACK for its lag to be measured


@dataclass
class Figures:
    """One fleet size's results."""

    robots: int
    startup: float = math.nan  # s from fleet-sim's start to every robot online
    idle_cpu: float = math.nan  # % of a core, the whole fleet
    cpu: float = math.nan  # % of a core, the whole fleet, robots driving
    host_cpu: float = math.nan  # % of a core, the simulated robots' process
    agent_cpu: float = math.nan  # % of a core, one agent on average
    rss_mb: float = math.nan  # MB resident, the whole fleet
    driving: int = 0
    pose_hz: float = math.nan  # per sampled driving robot, on ROS
    pose_age_p95: float = math.nan  # s from the robot's stamp to the benchmark's receipt
    visualization_hz: float = math.nan  # per robot, on MQTT
    pose_lag: list[float] = field(default_factory=list)  # s, agent's position behind ROS
    first_goal: list[float] = field(default_factory=list)  # s, any action
    first_navigation: list[float] = field(default_factory=list)  # s, NavigateThroughPoses
    missed: int = 0  # missions whose goal never showed


# -- processes ---------------------------------------------------------------------------------


def descendants(pid: int) -> list[int]:
    """The process and every process under it, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _rss_mb(pid: int) -> float:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE / 1e6
    except (OSError, IndexError, ValueError):
        return 0.0


def _cpu(pids: Sequence[int]) -> dict[int, float]:
    seconds = {}
    for pid in pids:
        with suppress(OSError, IndexError, ValueError):  # a process that ended meanwhile
            seconds[pid] = cpu_seconds(pid)
    return seconds


@dataclass
class TreeUse:
    """CPU shares of one core over a window: all, the robots' host process, one agent."""

    total: float
    host: float
    agent: float
    rss_mb: float


def measure_tree(root: int, window: float) -> TreeUse:
    pids = descendants(root)
    before, start = _cpu(pids), time.monotonic()
    time.sleep(window)
    after, elapsed = _cpu(pids), time.monotonic() - start
    used = {pid: after[pid] - before[pid] for pid in before if pid in after}
    hosts = [pid for pid in used if "fleet_sim_robot" in _cmdline(pid)]
    agents = [
        pid for pid in used if "robot-agent" in _cmdline(pid) or "robot_agent" in _cmdline(pid)
    ]
    share = 100 / elapsed
    return TreeUse(
        total=share * sum(used.values()),
        host=share * sum(used[pid] for pid in hosts),
        agent=share * sum(used[pid] for pid in agents) / max(1, len(agents)),
        rss_mb=sum(_rss_mb(pid) for pid in used),
    )


# -- MQTT --------------------------------------------------------------------------------------


class VisualizationWatch:
    """Every robot's visualization messages on the broker: (received, timestamp, x, y) per
    robot, received on time.monotonic(), timestamp (the agent's) in seconds since the epoch."""

    def __init__(self, mqtt_url: str) -> None:
        address = parse_broker_url(mqtt_url)
        self._lock = threading.Lock()
        self.seen: dict[str, list[tuple[float, float, float, float]]] = {}
        self._client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="bench-ros-fleet")
        self._client.on_message = self._on_message
        self._client.on_connect = lambda client, *_: client.subscribe("+/v2/+/+/visualization")
        self._client.connect(address.host, address.port)
        self._client.loop_start()

    def close(self) -> None:
        self._client.loop_stop()
        self._client.disconnect()

    def _on_message(self, client: object, userdata: object, message: mqtt.MQTTMessage) -> None:
        received = time.monotonic()
        serial = message.topic.split("/")[3]
        data = json.loads(message.payload)
        position = data.get("agvPosition") or {}
        if "x" in position:
            stamp = datetime.fromisoformat(data["timestamp"].replace("Z", "+00:00")).timestamp()
            sample = (received, stamp, float(position["x"]), float(position["y"]))
            with self._lock:
                self.seen.setdefault(serial, []).append(sample)

    def window(
        self, start: float, end: float
    ) -> dict[str, list[tuple[float, float, float, float]]]:
        with self._lock:
            return {
                serial: [item for item in items if start <= item[0] < end]
                for serial, items in self.seen.items()
            }


# -- one fleet size ----------------------------------------------------------------------------


@contextmanager
def ros_fleet(
    args: argparse.Namespace, robots: int, figures: Figures
) -> Iterator[tuple[httpx.Client, str, int]]:
    """Broker, server and the ROS fleet, every robot online: the API client, broker URL and
    fleet-sim's pid."""
    with ExitStack() as stack:
        folder, mqtt_url, api = served(stack, "fleet-ros-bench-", args.keep, {})
        command = fleet_sim_command(args, robots, mqtt_url)
        began = time.monotonic()
        sim = start(stack, command, {}, folder / "fleet-sim.log")
        deadline = began + 60 + (5 + args.connect_interval) * robots
        while api.get("/health").json()["robots_online"] < robots:
            if sim.poll() is not None or time.monotonic() > deadline:
                log = (folder / "fleet-sim.log").read_text()[-3000:]
                raise SystemExit(f"not every ROS robot came online:\n{log}")
            time.sleep(0.5)
        figures.startup = time.monotonic() - began
        yield api, mqtt_url, sim.pid


def fleet_sim_command(args: argparse.Namespace, robots: int, mqtt_url: str) -> list[str]:
    pin = [] if args.cpu == "none" else ["taskset", "-c", args.cpu]
    return [
        *pin,
        script("fleet-sim"),
        *("--backend", "ros", "--robots", str(robots), "--kinds", KIND.value),
        *("--site", str(SITE_FILE), "--mqtt", mqtt_url),
        *("--ros-domain-id", str(args.ros_domain_id)),
        *("--visualization-interval", f"{args.visualization_interval:g}"),
        *("--connect-interval", f"{args.connect_interval:g}"),
        *("--log-level", "WARNING"),
    ]


def serials(robots: int) -> list[str]:
    prefix = profile_for(KIND).serial_prefix
    return [f"{prefix}-{index:02d}" for index in range(1, robots + 1)]


def serial_of(ns: str) -> str:
    """The serial number of a benchmark robot's namespace (`dog_01` -> `dog-01`)."""
    return ns.replace("_", "-")


def run_size(args: argparse.Namespace, robots: int) -> Figures:
    figures = Figures(robots)
    names = serials(robots)
    namespaces = [ros_namespace(serial) for serial in names]
    with ros_fleet(args, robots, figures) as (api, mqtt_url, sim_pid):
        watch = RosWatch(namespaces, namespaces[:POSE_SAMPLE])
        watch.start()
        visualizations = VisualizationWatch(mqtt_url)
        try:
            if not watch.wait_discovered(timeout=60):
                raise SystemExit("the benchmark's ROS node did not discover every robot")
            figures.idle_cpu = measure_tree(sim_pid, args.window).total
            send_missions(api, watch, names, namespaces, figures)
            time.sleep(SETTLE)
            figures.driving = sum(r["driving"] for r in api.get("/robots").json())
            start_wall, start = time.time(), time.monotonic()
            use = measure_tree(sim_pid, args.window)
            end_wall, end = time.time(), time.monotonic()
            figures.cpu, figures.host_cpu = use.total, use.host
            figures.agent_cpu, figures.rss_mb = use.agent, use.rss_mb
            poses = watch.poses(start_wall - LAG_LOOKBACK, end_wall)
            pose_rates(watch.poses(start_wall, end_wall), end_wall - start_wall, figures)
            seen = visualizations.window(start, end)
            figures.visualization_hz = statistics.mean(
                len(v) / (end - start) for v in seen.values()
            )
            figures.pose_lag = pose_lags(poses, seen)
        finally:
            visualizations.close()
            watch.stop()
    return figures


def send_missions(
    api: httpx.Client,
    watch: RosWatch,
    names: Sequence[str],
    namespaces: Sequence[str],
    figures: Figures,
) -> None:
    """A patrol for each robot in turn; the time to its first goals on the ROS side."""
    for index, (serial, ns) in enumerate(zip(names, namespaces, strict=True)):
        shift = index % len(STREET_LOOP)
        route = STREET_LOOP[shift:] + STREET_LOOP[:shift]
        body = {"kind": "patrol", "site": "longgang-demo", "route": route, "robot": serial}
        sent = time.time()
        response = api.post("/missions", json=body | LONG_PATROL)
        if response.status_code != 201:
            print(f"  {serial}: mission refused: {response.status_code} {response.text}")
            figures.missed += 1
            continue
        first = watch.wait_goal(ns, sent, timeout=30)
        navigation = watch.wait_goal(ns, sent, timeout=30, action="navigate_through_poses")
        if first is None or navigation is None:
            figures.missed += 1
            continue
        figures.first_goal.append(first.accepted - sent)
        figures.first_navigation.append(navigation.accepted - sent)


def pose_rates(
    poses: dict[str, list[tuple[float, float, float, float]]], window: float, figures: Figures
) -> None:
    rates = [len(items) / window for items in poses.values() if items]
    ages = sorted(item[0] - item[1] for items in poses.values() for item in items)
    if rates:
        figures.pose_hz = statistics.mean(rates)
    if ages:
        figures.pose_age_p95 = percentile(ages, 95)


def pose_lags(
    poses: dict[str, list[tuple[float, float, float, float]]],
    seen: dict[str, list[tuple[float, float, float, float]]],
) -> list[float]:
    """How far behind the robot's pose on ROS each visualization's position was: for each
    message of a sampled robot that was moving, its timestamp less the stamp of the ROS pose
    nearest to its position (among the poses stamped in the LAG_LOOKBACK before it)."""
    lags = []
    for ns, track in poses.items():
        for _, stamp, x, y in seen.get(serial_of(ns), []):
            before = [pose for pose in track if stamp - LAG_LOOKBACK <= pose[1] <= stamp + 0.05]
            if len(before) < 2 or math.dist(before[0][2:], before[-1][2:]) < MOVING:
                continue  # standing still: any old pose is as near
            nearest = min(before, key=lambda pose: math.dist(pose[2:], (x, y)))
            lags.append(stamp - nearest[1])
    return lags


# -- report ------------------------------------------------------------------------------------


def percentile(values: Sequence[float], percent: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(0, math.ceil(percent / 100 * len(ordered)) - 1)
    return ordered[rank]


def spread(seconds: Sequence[float]) -> str:
    """Median and 95th percentile in milliseconds, `p50/p95`."""
    if not seconds:
        return "-"
    return f"{1000 * statistics.median(seconds):.0f}/{1000 * percentile(seconds, 95):.0f}"


def print_table(rows: Sequence[Figures], args: argparse.Namespace) -> None:
    pinned = "not pinned" if args.cpu == "none" else f"pinned to CPU {args.cpu}"
    print(f"\nROS fleet (patrol dogs, speed factor 1, fleet {pinned}), window {args.window:g} s")
    print(
        "robots  up s  idle %  patrol %  per robot %  host %  agent %  RSS MB  driving"
        "  pose Hz  pose age p95 ms  vis Hz  pose lag ms p50/p95"
        "  goal ms p50/p95  nav goal ms p50/p95"
    )
    for row in rows:
        goal, nav = spread(row.first_goal), spread(row.first_navigation)
        print(
            f"{row.robots:6d}  {row.startup:4.0f}  {row.idle_cpu:6.1f}  {row.cpu:8.1f}"
            f"  {row.cpu / row.robots:11.2f}  {row.host_cpu:6.1f}  {row.agent_cpu:7.2f}"
            f"  {row.rss_mb:6.0f}  {row.driving:7d}  {row.pose_hz:7.1f}"
            f"  {1000 * row.pose_age_p95:15.1f}  {row.visualization_hz:6.2f}"
            f"  {spread(row.pose_lag):>19}  {goal:>16}  {nav:>19}"
            + (f"  ({row.missed} missions without a goal)" if row.missed else "")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--robots", default="5,10,20,40", help="fleet sizes, comma-separated")
    parser.add_argument("--window", type=float, default=20.0, help="seconds of each measurement")
    parser.add_argument(
        "--cpu", default="1", help="core for the fleet (taskset -c), or 'none' (default 1)"
    )
    parser.add_argument(
        "--other-cpu",
        default="0",
        help="core for the broker, server and this process, or 'none' (default 0)",
    )
    parser.add_argument(
        "--ros-domain-id",
        type=int,
        default=int(os.environ.get("ROS_DOMAIN_ID", "0")),
        help="ROS_DOMAIN_ID of the fleet and of the benchmark's own node",
    )
    parser.add_argument("--visualization-interval", type=float, default=1.0)
    parser.add_argument(
        "--connect-interval",
        type=float,
        default=0.01,
        help="seconds between two agents' starts (fleet-sim's --connect-interval, default 0.01)",
    )
    parser.add_argument("--keep", action="store_true", help="keep each run's folder and logs")
    args = parser.parse_args()
    sizes = [int(size) for size in args.robots.split(",")]
    # The benchmark's own rclpy node: DDS on this machine, in the fleet's domain.
    os.environ.update(ros_environment({}, args.ros_domain_id))
    if args.other_cpu != "none":
        os.sched_setaffinity(0, {int(args.other_cpu)})
    print(f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, load average {os.getloadavg()}")
    print("fleet command: " + " ".join(fleet_sim_command(args, sizes[0], "mqtt://127.0.0.1:PORT")))
    rows = []
    for size in sizes:
        rows.append(run_size(args, size))
        print_table(rows[-1:], args)
    print_table(rows, args)
    print(f"load average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
