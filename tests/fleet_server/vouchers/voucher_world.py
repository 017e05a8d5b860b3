"""A district's voucher records built through the real services on a real database, with a
hand-moved clock, and robots driven through days of activity into the fleet's activity store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from fleet_protocol.kinds import RobotKind
from fleet_server.audit.audit import AuditLog
from fleet_server.db import session_scope
from fleet_server.fleet.activity import ActivityTracker, Observation
from fleet_server.fleet.activity_store import ActivityStore
from fleet_server.fleet.models.robot import Robot
from fleet_server.settings import DEFAULT_SITES_DIR
from fleet_server.sites.sites import SiteRegistry, load_site_file
from fleet_server.vouchers.claims import ClaimService
from fleet_server.vouchers.clawbacks import ClawbackService
from fleet_server.vouchers.contracts import ContractService
from fleet_server.vouchers.models.claim import ClaimApprove, ClaimPublic
from fleet_server.vouchers.models.contract import ContractCreate
from fleet_server.vouchers.models.party import EnterpriseCreate, InstitutionCreate
from fleet_server.vouchers.models.programme import ProgrammeCreate
from fleet_server.vouchers.models.settlement import SettlementCreate, SettlementPublic
from fleet_server.vouchers.models.unit import DeployedUnitCreate
from fleet_server.vouchers.parties import EnterpriseService, InstitutionService
from fleet_server.vouchers.programmes import ProgrammeService
from fleet_server.vouchers.record_store import RecordStore
from fleet_server.vouchers.settlement import SettlementService
from fleet_server.vouchers.units import UnitService
from fleet_server.vouchers.vouchers import VoucherService
from tests.clock import ManualClock
from tests.databases import engine_at_head
from tests.fleet_server.callers import credit_code

YUAN = 100
OFFICER = "officer-li"
SHANGHAI = ZoneInfo("Asia/Shanghai")
DEMO = load_site_file(DEFAULT_SITES_DIR / "longgang-demo.yaml")
INSIDE = (300.0, 500.0)  # the service hall, inside the programme's geofence
OUTSIDE = (-200.0, 0.0)  # west of the district's boundary
# One segment of a robot's day: seconds, active or not, and where.
Segment = tuple[float, bool, tuple[float, float]]


def local(day: date, hour: int = 9) -> datetime:
    """An hour of a local (Shanghai) day as an aware UTC time."""
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI).astimezone(timezone.utc)


def working_day(active_h: float = 2.0, online_h: float = 10.0) -> list[Segment]:
    """A day inside the geofence: active for the first hours, then idle but online."""
    return [(active_h * 3600, True, INSIDE), ((online_h - active_h) * 3600, False, INSIDE)]


class VoucherWorld:
    """The services of a server sharing one clock and database, and helpers that build the
    district's records: a programme, holders, a supplier, vouchers, contracts, units, days."""

    def __init__(self, database_url: str, start: datetime, **rules: Any) -> None:
        self.clock = ManualClock(start)
        self.engine = engine_at_head(database_url)
        self.sites = SiteRegistry.from_directory(DEFAULT_SITES_DIR)
        self.store = RecordStore(self.engine, AuditLog(self.engine, self.clock))
        self.programmes = ProgrammeService(self.store, self.sites, self.clock)
        self.enterprises = EnterpriseService(self.store, self.clock)
        self.institutions = InstitutionService(self.store, self.clock)
        self.vouchers = VoucherService(self.store, self.clock)
        self.contracts = ContractService(self.store, self.clock)
        self.units = UnitService(self.store, self.sites, self._robot_stored, self.clock)
        self.claims = ClaimService(self.store, self.sites, self.clock)
        self.settlements = SettlementService(self.store, self.sites, self.clock)
        self.clawbacks = ClawbackService(self.store, self.sites, self.clock)
        self.activity = ActivityStore(self.engine)
        body = {
            "name": "龙岗机器人券",
            "geofence_site": "longgang-demo",
            "geofence_zone": "longgang-geofence",
            **rules,
        }
        self.programme = self.programmes.create(ProgrammeCreate(**body), OFFICER).id
        self.supplier = self.institutions.create(
            InstitutionCreate(
                name="深圳巡检机器人集成商",
                uscc=credit_code(900),
                registered_in_district=True,
                catalogue=[
                    {"model": "DOG-X", "manufacturer": "云深处", "kind": "patrol_dog"},
                    {"model": "WR-6", "manufacturer": "埃斯顿", "kind": "other"},
                ],
            ),
            OFFICER,
        ).id
        self._serial = 0

    def _robot_stored(self, serial: str) -> bool:
        with Session(self.engine) as session:
            return session.get(Robot, serial) is not None

    def holder(self, name: str = "龙岗制造", **fields: Any) -> int:
        """A new enterprise registered in the district."""
        self._serial += 1
        body = {
            "name": name,
            "uscc": credit_code(self._serial),
            "registered_in_district": True,
            **fields,
        }
        return self.enterprises.create(EnterpriseCreate(**body), OFFICER).id

    def voucher(self, holder_id: int, face_value_fen: int = 1_000_000 * YUAN) -> int:
        """A voucher issued now to the holder."""
        return self.vouchers.issue_batch(self.programme, [holder_id], face_value_fen, OFFICER)[0].id

    def contract(
        self,
        voucher_id: int,
        number: str,
        serials: Sequence[str],
        amount_fen: int,
        invoice_date: date,
        **papers: Any,
    ) -> int:
        """A contract for these robots (amount shared out, the first unit taking the odd fen),
        fully invoiced, paid and accepted unless papers say otherwise."""
        each, odd = divmod(amount_fen, len(serials))
        items = [
            {"serial_number": serial, "model": "DOG-X", "amount_fen": each + (odd if i == 0 else 0)}
            for i, serial in enumerate(serials)
        ]
        body: dict[str, Any] = {
            "voucher_id": voucher_id,
            "supplier_id": self.supplier,
            "contract_number": number,
            "amount_fen": amount_fen,
            "signed_date": str(invoice_date - timedelta(days=10)),
            "line_items": items,
            "invoices": [
                {"number": f"{number}-INV", "amount_fen": amount_fen, "date": str(invoice_date)}
            ],
            "payment_proofs": [
                {"reference": f"{number}-PAY", "amount_fen": amount_fen, "date": str(invoice_date)}
            ],
            "acceptance": {
                "date": str(invoice_date),
                "accepted_by": "王工",
                "document": f"{number}-验收单.pdf",
            },
        }
        body.update(papers)
        return self.contracts.create(ContractCreate(**body), OFFICER).id

    def deploy(self, serial: str, holder_id: int, commissioned_on: date) -> int:
        """The fleet's robot (same serial) registered as the holder's deployed unit."""
        with session_scope(self.engine) as session:
            if session.get(Robot, serial) is None:
                session.add(
                    Robot(serial_number=serial, manufacturer="云深处", kind=RobotKind.PATROL_DOG)
                )
        body = DeployedUnitCreate(
            serial_number=serial,
            robot=serial,
            holder_id=holder_id,
            site_id="longgang-demo",
            commissioned_on=commissioned_on,
        )
        return self.units.register(body, OFFICER).id

    def operate(
        self, serial: str, first_day: date, days: int, segments: Sequence[Segment] | None = None
    ) -> None:
        """Drive the robot through `days` local days from 09:00, segment by segment, reporting
        to the tracker, and write the days to the activity store as the server does."""
        tracker = ActivityTracker(max_gap_s=3600 * 24, sites=[DEMO])
        plan = list(segments) if segments is not None else working_day()
        for offset in range(days):
            now = local(first_day + timedelta(days=offset))
            for seconds, active, (x, y) in plan:
                tracker.observe(Observation(serial, now, True, x, y, DEMO.map_id, active))
                now += timedelta(seconds=seconds)
            tracker.observe(Observation(serial, now, False, None, None, None, False))
        self.activity.add(tracker.take_pending())

    def file(self, contract_id: int) -> ClaimPublic:
        """File a claim now."""
        return self.claims.file(contract_id, OFFICER)

    def approve(self, claim_id: int, reason: str | None = None) -> ClaimPublic:
        """Approve a claim with a decision reference."""
        body = ClaimApprove(decision_reference=f"龙科券〔2026〕{claim_id}号", reason=reason)
        return self.claims.approve(claim_id, body, OFFICER)

    def settle(self) -> SettlementPublic:
        """Settle a round of every claim whose notice has ended."""
        return self.settlements.settle(SettlementCreate(programme_id=self.programme), OFFICER)

    def at(self, when: datetime) -> None:
        """Set the clock."""
        self.clock.now = when

    def session(self) -> Session:
        """A session on the world's database."""
        return Session(self.engine)
