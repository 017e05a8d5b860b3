"""Claim benchmark: time from filing a claim to its verdict (秒批 means within a second).

Builds the voucher records in a fresh database (SQLite in a temporary folder, or the PostgreSQL
server given): a programme, a supplier, a holder with a voucher, N deployed units each with D days
of activity in the fleet's activity store, and one contract for the N units. Then files the claim
through the same service the API calls, which checks every rule and builds and hashes the
evidence pack in the filing's transaction, and prints how long that took (median of the runs; each
run files a fresh contract with fresh units, as claims are made once only).

    python -m bench.claims --units 6 --days 120
    python -m bench.claims --units 200 --days 730
    python -m bench.claims --units 200 --days 730 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy.engine import make_url

from fleet_server.audit.audit import AuditLog
from fleet_server.fleet.activity import DayActivity
from fleet_server.fleet.activity_store import ActivityStore
from fleet_server.schema import open_database
from fleet_server.settings import DEFAULT_SITES_DIR
from fleet_server.sites.sites import SiteRegistry
from fleet_server.vouchers.claims import ClaimService
from fleet_server.vouchers.contracts import ContractService
from fleet_server.vouchers.models.claim import ClaimStatus
from fleet_server.vouchers.models.contract import ContractCreate
from fleet_server.vouchers.models.party import EnterpriseCreate, InstitutionCreate
from fleet_server.vouchers.models.programme import ProgrammeCreate
from fleet_server.vouchers.models.unit import DeployedUnitCreate
from fleet_server.vouchers.parties import EnterpriseService, InstitutionService
from fleet_server.vouchers.programmes import ProgrammeService
from fleet_server.vouchers.record_store import RecordStore
from fleet_server.vouchers.units import UnitService
from fleet_server.vouchers.uscc import check_character
from fleet_server.vouchers.vouchers import VoucherService

ACTOR = "bench"
FENCE = "longgang-geofence"


def _uscc(serial: int) -> str:
    first17 = f"91440307MA{serial:07d}"
    return first17 + check_character(first17)


@contextmanager
def _fresh_postgres(admin_url: str) -> Iterator[str]:
    """A new, empty database on the server for this run, dropped afterwards."""
    import psycopg

    name = f"fleet_bench_{uuid.uuid4().hex[:10]}"
    conninfo = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def _database(admin_url: str | None) -> Iterator[str]:
    """The database to run on: a fresh one on the PostgreSQL server given, else SQLite."""
    if admin_url:
        with _fresh_postgres(admin_url) as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"


class Bench:
    """The records of one programme, built through the services."""

    def __init__(self, database_url: str, now: datetime) -> None:
        self.now = now
        engine = open_database(database_url, upgrade=True)
        sites = SiteRegistry.from_directory(DEFAULT_SITES_DIR)
        self.store = RecordStore(engine, AuditLog(engine, self.clock))
        self.activity = ActivityStore(engine)
        self.units = UnitService(self.store, sites, lambda serial: True, self.clock)
        self.claims = ClaimService(self.store, sites, self.clock)
        self.contracts = ContractService(self.store, self.clock)
        self.vouchers = VoucherService(self.store, self.clock)
        rules = ProgrammeCreate(
            name="bench",
            geofence_site="longgang-demo",
            geofence_zone=FENCE,
            annual_budgets=[{"year": now.year, "budget_fen": 10**10}],
        )
        self.programme = ProgrammeService(self.store, sites, self.clock).create(rules, ACTOR).id
        catalogue = [{"model": "DOG-X", "manufacturer": "bench", "kind": "patrol_dog"}]
        supplier = InstitutionCreate(
            name="supplier", uscc=_uscc(9_999_999), registered_in_district=True, catalogue=catalogue
        )
        self.supplier = InstitutionService(self.store, self.clock).create(supplier, ACTOR).id
        self.enterprises = EnterpriseService(self.store, self.clock)
        self.run = 0

    def clock(self) -> datetime:
        return self.now

    def contract(self, units: int, days: int) -> int:
        """A new holder, voucher and contract for `units` new units with `days` days each."""
        self.run += 1
        holder = self.enterprises.create(
            EnterpriseCreate(
                name=f"holder {self.run}", uscc=_uscc(self.run), registered_in_district=True
            ),
            ACTOR,
        ).id
        voucher = self.vouchers.issue_batch(self.programme, [holder], 10**8, ACTOR)[0].id
        first_day = self.now.date() - timedelta(days=days)
        serials = [f"R{self.run}-{n:04d}" for n in range(units)]
        for serial in serials:
            unit = DeployedUnitCreate(
                serial_number=serial,
                robot=serial,
                holder_id=holder,
                site_id="longgang-demo",
                commissioned_on=first_day,
            )
            self.units.register(unit, ACTOR)
            self.activity.add([_day(serial, first_day + timedelta(days=n)) for n in range(days)])
        amount = 100_000 * units
        invoiced = self.now.date() - timedelta(days=30)
        body = ContractCreate(
            voucher_id=voucher,
            supplier_id=self.supplier,
            contract_number=f"BENCH-{self.run}",
            amount_fen=amount,
            signed_date=first_day,
            line_items=[
                {"serial_number": s, "model": "DOG-X", "amount_fen": 100_000} for s in serials
            ],
            invoices=[{"number": f"INV-{self.run}", "amount_fen": amount, "date": invoiced}],
            payment_proofs=[{"reference": f"P-{self.run}", "amount_fen": amount, "date": invoiced}],
            acceptance={"date": invoiced, "accepted_by": "bench", "document": "bench"},
        )
        return self.contracts.create(body, ACTOR).id


def _day(serial: str, day: date) -> DayActivity:
    return DayActivity(
        serial_number=serial,
        day=day,
        site_id="longgang-demo",
        seconds_online=36_000.0,
        seconds_active=7_200.0,
        zone_seconds={FENCE: 35_000.0},
        missions_completed=4,
        distance_m=6_000.0,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=6)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="a PostgreSQL server (a fresh database is made)")
    args = parser.parse_args()
    with _database(args.database_url) as url:
        bench = Bench(url, datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc))
        timings, sizes = [], []
        for _ in range(args.runs):
            contract = bench.contract(args.units, args.days)
            started = time.perf_counter()
            claim = bench.claims.file(contract, ACTOR)
            timings.append(time.perf_counter() - started)
            assert claim.status is ClaimStatus.AUTO_VERIFIED, claim.failed_rules
            sizes.append(len(bench.claims.evidence(claim.id)[0].encode()))
        bench.store.engine.dispose()
    database = make_url(url).get_backend_name()
    print(
        f"{args.units} units x {args.days} days on {database}: filing to verdict "
        f"median {statistics.median(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms "
        f"over {args.runs} claims; evidence pack {statistics.median(sizes) / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
