"""One zone, several robots: a cleaning mission that asks for `robots: N` (or "auto") becomes a
shared mission and N part missions. Each part is a contiguous, balanced run of the zone's lanes
that one robot cleans (and charges through, like any mission); the shared mission is never given
a robot itself: its status, reason and one coverage report follow its parts."""

from __future__ import annotations

from typing import Any

from fleet_server.missions import reasons
from fleet_server.missions.models.mission import Mission, MissionStatus
from fleet_server.texts import Text

# In a part's definition: {"of": shared mission id, "index": i, "count": N}.
PART = "part"
# In the shared mission's definition: the ids of its parts, in lane order.
PARTS = "parts"

_ACTIVE = (MissionStatus.ASSIGNED, MissionStatus.RUNNING, MissionStatus.PAUSED)


def is_shared(mission: Mission) -> bool:
    """Whether the mission is shared out to part missions (it is never dispatched itself)."""
    return PARTS in mission.definition


def shared_id(mission: Mission) -> int | None:
    """The shared mission a part belongs to, or None for a mission of its own."""
    part = mission.definition.get(PART)
    return None if part is None else int(part["of"])


def wants_parts(mission: Mission) -> bool:
    """A cleaning request that asks for more than one robot, or for as many as there are."""
    robots = mission.definition.get("robots")
    return (
        mission.kind == "clean"
        and PART not in mission.definition
        and (robots == "auto" or (isinstance(robots, int) and robots > 1))
    )


def part_count(asked: int | str, capable_online: int, lanes: int) -> int:
    """How many parts: the number asked for, or ("auto") one per robot online able to clean the
    zone; at least one, at most one per lane."""
    count = capable_online if asked == "auto" else int(asked)
    return max(1, min(count, lanes))


def make_parts(shared: Mission, count: int) -> list[Mission]:
    """The part missions of a shared cleaning mission (unsaved), in lane order."""
    assert shared.id is not None
    base = {k: v for k, v in shared.definition.items() if k not in ("robots", PARTS)}
    return [
        Mission(
            kind=shared.kind,
            site_id=shared.site_id,
            route=[],
            rounds=1,
            requested_robot=None,
            priority=shared.priority,
            definition=base | {PART: {"of": shared.id, "index": index, "count": count}},
        )
        for index in range(count)
    ]


def shared_state(parts: list[Mission]) -> tuple[MissionStatus, Text]:
    """The shared mission's status and reason from its parts'.

    Queued until a part has a robot; running while any part is under way or waits to resume;
    when every part has ended: completed if all completed, failed if any failed, else cancelled.
    """
    count = len(parts)
    if all(p.status.finished for p in parts):
        statuses = {p.status for p in parts}
        if statuses == {MissionStatus.COMPLETED}:
            return MissionStatus.COMPLETED, reasons.PARTS_COMPLETED.of(count=count)
        failed = [p for p in parts if p.status is MissionStatus.FAILED]
        if failed:
            first = failed[0]
            return MissionStatus.FAILED, reasons.PARTS_FAILED.of(
                failed=len(failed),
                count=count,
                part=_index(first) + 1,
                mission=first.id,
                why=first.why or reasons.PART_FAILED.of(),
            )
        return MissionStatus.CANCELLED, _tally(parts)
    started = any(p.status in _ACTIVE or p.status.finished or p.robot for p in parts)
    status = MissionStatus.RUNNING if started else MissionStatus.QUEUED
    return status, reasons.SHARED_TALLY.of(count=count, tally=_tally(parts))


def parts_summary(parts: list[Mission]) -> list[dict[str, Any]]:
    """Per part: its mission, robot, status and covered percent so far (for the shared one's
    results)."""
    return [
        {
            "part": _index(p) + 1,
            "mission": p.id,
            "robot": p.robot,
            "status": p.status.value,
            "reason": p.reason,
            "reason_code": p.reason_code,
            "reason_params": p.reason_params,
            "covered_percent": (p.results.get("coverage") or {}).get("covered_percent"),
        }
        for p in sorted(parts, key=_index)
    ]


def _index(mission: Mission) -> int:
    return int(mission.definition[PART]["index"])


def _tally(parts: list[Mission]) -> Text:
    counts: dict[str, int] = {}
    for part in parts:
        counts[part.status.value] = counts.get(part.status.value, 0) + 1
    items = [reasons.TALLY_ITEM.of(count=n, status=status) for status, n in sorted(counts.items())]
    return reasons.TALLY.of(items=items)
