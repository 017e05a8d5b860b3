"""The schedule service: store schedules, show their next runs, create their missions when due."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pydantic import TypeAdapter, ValidationError

from fleet_protocol.base import utc_now
from fleet_server.errors import FleetError, Invalid, NotFound
from fleet_server.isolation import LoopFailures
from fleet_server.missions.models.requests import (
    CleanCreate,
    DockCreate,
    MissionCreate,
    PatrolCreate,
    ServiceCreate,
)
from fleet_server.missions.service import MissionService
from fleet_server.schedules.models.schedule import (
    Schedule,
    ScheduleCreate,
    SchedulePublic,
    ScheduleUpdate,
)
from fleet_server.schedules.recurrence import NoRuns, due_runs, next_runs, validate_has_runs
from fleet_server.schedules.recurrence_rules import (
    RECURRENCE_KINDS,
    Recurrence,
    parse_recurrence,
)
from fleet_server.schedules.store import ScheduleStore
from fleet_server.schedules.texts import NO_RUNS, SCHEDULE_NOT_FOUND
from fleet_server.sites.sites import SiteRegistry

log = logging.getLogger(__name__)

NEXT_RUNS_SHOWN = 10
_MISSION: TypeAdapter[PatrolCreate | DockCreate | ServiceCreate | CleanCreate] = TypeAdapter(
    MissionCreate
)


class ScheduleService:
    """Schedules in the database; `tick()` creates the missions that are due."""

    def __init__(
        self,
        *,
        store: ScheduleStore,
        sites: SiteRegistry,
        missions: MissionService,
        check_interval_s: float,
        failures: LoopFailures | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.failures = failures or LoopFailures()
        self.sites = sites
        self.missions = missions
        # A run up to two check intervals late is on time, not missed.
        self.tolerance = timedelta(seconds=2 * check_interval_s)
        self.clock = clock

    def _rule(self, data: dict[str, Any], site_id: str) -> Recurrence:
        """The recurrence rule, in the site's timezone unless it names its own."""
        site = self.sites.get(site_id)
        try:
            rule = parse_recurrence({"timezone": site.timezone} | data)
        except ValidationError as exc:
            raise Invalid.of(
                exc, prefix="recurrence.", field="recurrence", members=RECURRENCE_KINDS
            ) from None
        try:
            validate_has_runs(rule, self.clock())
        except NoRuns as exc:
            raise Invalid(
                NO_RUNS.of(field=exc.field, reason=exc.reason), field="recurrence"
            ) from None
        return rule

    def public(self, schedule: Schedule) -> SchedulePublic:
        """The API view, with the next runs shown in the schedule's timezone."""
        assert schedule.id is not None
        rule = parse_recurrence(
            {"timezone": self.sites.get(schedule.site_id).timezone} | schedule.recurrence
        )
        upcoming = next_runs(rule, self.clock(), NEXT_RUNS_SHOWN) if schedule.enabled else []
        return SchedulePublic(
            id=schedule.id,
            name=schedule.name,
            site=schedule.site_id,
            mission=schedule.mission,
            recurrence=rule.model_dump(mode="json"),
            enabled=schedule.enabled,
            next_runs=[run.astimezone(rule.zone) for run in upcoming],
            last_run_at=schedule.last_run_at,
            last_mission_id=schedule.last_mission_id,
            last_error=schedule.last_error,
            created_at=schedule.created_at,
        )

    def create(self, request: ScheduleCreate) -> Schedule:
        """Check the mission against its site and the rule for runs, then store the schedule."""
        self.missions.check(request.mission)
        rule = self._rule(request.recurrence, request.mission.site)
        schedule = Schedule(
            name=request.name,
            site_id=request.mission.site,
            mission=request.mission.model_dump(mode="json"),
            recurrence=rule.model_dump(mode="json"),
            enabled=request.enabled,
            last_checked=self.clock(),
        )
        return self.store.save(schedule)

    def get(self, schedule_id: int) -> Schedule:
        """One schedule, or NotFound."""
        schedule = self.store.get(Schedule, schedule_id)
        if schedule is None:
            raise NotFound(SCHEDULE_NOT_FOUND.of(schedule=schedule_id))
        return schedule

    def update(self, schedule_id: int, change: ScheduleUpdate) -> Schedule:
        """Rename, change the rule, or enable/disable; a re-enabled schedule does not catch up."""
        schedule = self.get(schedule_id)
        if change.recurrence is not None:
            schedule.recurrence = self._rule(change.recurrence, schedule.site_id).model_dump(
                mode="json"
            )
        if change.name is not None:
            schedule.name = change.name
        if change.enabled is not None:
            if change.enabled and not schedule.enabled:
                schedule.last_checked = self.clock()
            schedule.enabled = change.enabled
        return self.store.save(schedule)

    def delete(self, schedule_id: int) -> None:
        """Remove a schedule; missions it created stay."""
        self.store.remove(Schedule, self.get(schedule_id).id)

    def tick(self) -> list[int]:
        """Create the missions of every due run; returns their ids. A failed run is recorded
        with its schedule, and one schedule that cannot be handled at all (a stored rule that no
        longer parses, a bug) is recorded and skipped: the others still run."""
        now = self.clock()
        created = []
        for schedule in self.store.list_schedules(enabled_only=True):
            try:
                created.extend(self._tick_one(schedule, now))
            except Exception as exc:
                reason = self.failures.record("schedules", f"schedule {schedule.id}", exc)
                self._record_failure(schedule, now, reason)
        return created

    def _tick_one(self, schedule: Schedule, now: datetime) -> list[int]:
        rule = parse_recurrence(schedule.recurrence)
        created = []
        for run in due_runs(rule, schedule.last_checked, now, self.tolerance):
            created.extend(self._run(schedule, run))
        schedule.last_checked = now
        self.store.save(schedule)
        return created

    def _record_failure(self, schedule: Schedule, now: datetime, reason: str) -> None:
        """Keep why the schedule failed; it is looked at again only from now on (no burst of
        missed runs once it is mended)."""
        schedule.last_error = f"at {now.isoformat()}: {reason}"
        schedule.last_checked = now
        try:
            self.store.save(schedule)
        except Exception as exc:
            self.failures.record("schedules", f"schedule {schedule.id}", exc)

    def _run(self, schedule: Schedule, run: datetime) -> list[int]:
        try:
            mission = self.missions.create(_MISSION.validate_python(schedule.mission))
        except (FleetError, ValidationError) as exc:
            schedule.last_error = f"run at {run.isoformat()}: {exc}"
            log.warning("schedule %s: %s", schedule.id, schedule.last_error)
            return []
        assert mission.id is not None
        schedule.last_run_at = run
        schedule.last_mission_id = mission.id
        schedule.last_error = None
        log.info("schedule %s created mission %s for its run at %s", schedule.id, mission.id, run)
        return [mission.id]
