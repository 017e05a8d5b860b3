"""CSV exports of the voucher records for officers' spreadsheets: UTF-8 with a BOM and CRLF line
ends (as Excel expects), money as integer fen beside exact yuan, times in ISO 8601 in each
programme's local time, and text that could start a formula guarded with an apostrophe."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from fleet_server.sites.sites import SiteRegistry
from fleet_server.vouchers.models.claim import ClaimPublic, RuleCheck
from fleet_server.vouchers.models.clawback import ClawbackPublic
from fleet_server.vouchers.models.contract import Contract
from fleet_server.vouchers.models.party import Enterprise, Institution
from fleet_server.vouchers.models.programme import Payee, Programme
from fleet_server.vouchers.models.settlement import PayoutPublic
from fleet_server.vouchers.models.voucher import VoucherPublic
from fleet_server.vouchers.programmes import programme_zone

BOM = "\ufeff"
# A spreadsheet may run a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The rules check_claim (claim_checks.py) checks: two fixed columns each in the claims export,
# so the header is the same every month and an officer can filter a rule on FAIL.
CHECKED_RULES = tuple(range(2, 10))
PASS, FAIL = "PASS", "FAIL"


class Figure(str):
    """Text we wrote from a number (an amount in yuan): never a formula, so never guarded."""


Cell = str | int | date | Enum | None


class Party(NamedTuple):
    """An enterprise's or institution's name and Unified Social Credit Code."""

    name: str
    uscc: str


def yuan_text(fen: int) -> Figure:
    """An amount in fen as yuan with exactly two decimals, from the integer: 123456 -> 1234.56."""
    whole, cents = divmod(abs(fen), 100)
    return Figure(f"{'-' if fen < 0 else ''}{whole}.{cents:02d}")


def guarded(text: str) -> str:
    """Text a spreadsheet shows as written: an apostrophe first if it could start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell_text(value: Cell) -> str:
    """One value as the text of its cell: nothing for None, ISO 8601 for dates and times."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Figure):
        return str(value)
    if isinstance(value, str):
        return guarded(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return str(value)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """A header row and the rows as CSV text: the BOM first, CRLF line ends, every value text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        assert len(row) == len(header), "a row must fill every column of the header"
        writer.writerow([cell_text(value) for value in row])
    return BOM + buffer.getvalue()


def money(name: str) -> list[str]:
    """The two columns of an amount: integer fen, and the same in yuan."""
    return [f"{name}_fen", f"{name}_yuan"]


def amount(fen: int) -> list[Cell]:
    """The two cells of an amount: integer fen, and the same in yuan."""
    return [fen, yuan_text(fen)]


# The columns Directory.programme and Directory.holder fill.
PROGRAMME = ["programme_id", "programme_name"]
HOLDER = ["holder_id", "holder_name", "holder_credit_code"]


@dataclass(frozen=True)
class Directory:
    """What the exports show beside ids: programmes' names and time zones, parties' names and
    credit codes, contracts' numbers."""

    programmes: dict[int, str]
    zones: dict[int, ZoneInfo]
    enterprises: dict[int, Party]
    institutions: dict[int, Party]
    contracts: dict[int, str]

    def programme(self, programme_id: int) -> list[Cell]:
        """The two cells of a programme: its id and name."""
        return [programme_id, self.programmes[programme_id]]

    def holder(self, holder_id: int) -> list[Cell]:
        """The three cells of a holder: its id, name and credit code."""
        holder = self.enterprises[holder_id]
        return [holder_id, holder.name, holder.uscc]

    def local(self, programme_id: int, when: datetime | None) -> datetime | None:
        """A stored UTC time in the local time of the programme's site."""
        return None if when is None else when.astimezone(self.zones[programme_id])


def read_directory(engine: Engine, sites: SiteRegistry) -> Directory:
    """The names, codes and time zones as stored now (read after the records they explain)."""
    with Session(engine) as session:
        programmes = session.exec(select(Programme)).all()
        contracts = session.exec(select(Contract.id, Contract.contract_number)).all()
        return Directory(
            programmes={p.id or 0: p.name for p in programmes},
            zones={p.id or 0: programme_zone(sites, p) for p in programmes},
            enterprises={
                e.id or 0: Party(e.name, e.uscc) for e in session.exec(select(Enterprise))
            },
            institutions={
                i.id or 0: Party(i.name, i.uscc) for i in session.exec(select(Institution))
            },
            contracts={contract_id or 0: number for contract_id, number in contracts},
        )


VOUCHER_COLUMNS = [
    "id",
    *PROGRAMME,
    *HOLDER,
    *money("face_value"),
    *money("used"),
    *money("unused"),
    "status",
    "issued_at",
    "valid_until",
    "ended_at",
    "revoked_reason",
]


def vouchers_csv(vouchers: Iterable[VoucherPublic], directory: Directory) -> str:
    """The vouchers, one row each."""
    return csv_text(VOUCHER_COLUMNS, (_voucher_row(v, directory) for v in vouchers))


def _voucher_row(voucher: VoucherPublic, directory: Directory) -> list[Cell]:
    programme = voucher.programme_id
    return [
        voucher.id,
        *directory.programme(programme),
        *directory.holder(voucher.holder_id),
        *amount(voucher.face_value_fen),
        *amount(voucher.used_fen),
        *amount(voucher.unused_fen),
        voucher.status,
        directory.local(programme, voucher.issued_at),
        directory.local(programme, voucher.valid_until),
        directory.local(programme, voucher.ended_at),
        voucher.revoked_reason,
    ]


CLAIM_COLUMNS = [
    "id",
    *PROGRAMME,
    "contract_number",
    "voucher_id",
    *HOLDER,
    "supplier_name",
    "units",
    "filed_at",
    "status",
    *money("subsidy"),
    *money("paid"),
    "failed_rules",
    "failed_checks",
    *[column for rule in CHECKED_RULES for column in (f"rule_{rule}", f"rule_{rule}_detail")],
]


def claims_csv(claims: Iterable[ClaimPublic], directory: Directory) -> str:
    """The claims, one row each, with the failed checks in words and every rule's check."""
    return csv_text(CLAIM_COLUMNS, (_claim_row(c, directory) for c in claims))


def _claim_row(claim: ClaimPublic, directory: Directory) -> list[Cell]:
    failed = [check for check in claim.checks if not check.passed]
    return [
        claim.id,
        *directory.programme(claim.programme_id),
        directory.contracts[claim.contract_id],
        claim.voucher_id,
        *directory.holder(claim.holder_id),
        directory.institutions[claim.supplier_id].name,
        ";".join(claim.serial_numbers),
        directory.local(claim.programme_id, claim.filed_at),
        claim.status,
        *amount(claim.subsidy_fen),
        *amount(claim.paid_fen),
        ", ".join(str(rule) for rule in claim.failed_rules),
        " | ".join(f"rule {check.rule} {check.title}: {check.message}" for check in failed),
        *_rule_cells(claim.checks),
    ]


def _rule_cells(checks: Sequence[RuleCheck]) -> list[Cell]:
    """PASS or FAIL and the checks in words for each rule (rule 7 has two checks)."""
    cells: list[Cell] = []
    for rule in CHECKED_RULES:
        mine = [check for check in checks if check.rule == rule]
        verdict = (PASS if all(check.passed for check in mine) else FAIL) if mine else None
        words = " | ".join(
            f"{check.title} ({'passed' if check.passed else 'failed'}): {check.message}"
            for check in mine
        )
        cells += [verdict, words]
    return cells


PAYOUT_COLUMNS = [
    "id",
    "round_id",
    *PROGRAMME,
    "claim_id",
    *HOLDER,
    "payee",
    "payee_id",
    "payee_name",
    "year",
    *money("subsidy"),
    *money("capped"),
    *money("amount"),
    "paid_at",
]


def payouts_csv(payouts: Iterable[PayoutPublic], directory: Directory) -> str:
    """The payouts, one row each: the claim's subsidy, after the annual cap, and paid."""
    return csv_text(PAYOUT_COLUMNS, (_payout_row(p, directory) for p in payouts))


def _payout_row(payout: PayoutPublic, directory: Directory) -> list[Cell]:
    payees = directory.enterprises if payout.payee is Payee.HOLDER else directory.institutions
    return [
        payout.id,
        payout.round_id,
        *directory.programme(payout.programme_id),
        payout.claim_id,
        *directory.holder(payout.holder_id),
        payout.payee,
        payout.payee_id,
        payees[payout.payee_id].name,
        payout.year,
        *amount(payout.subsidy_fen),
        *amount(payout.capped_fen),
        *amount(payout.amount_fen),
        directory.local(payout.programme_id, payout.paid_at),
    ]


CLAWBACK_COLUMNS = [
    "id",
    "programme_id",
    "claim_id",
    "payout_id",
    "serial_number",
    *HOLDER,
    "reason",
    "opened_at",
    "lock_in_until",
    *money("unit_paid"),
    "status",
    "recovery",
    *money("recovered"),
    "closed_by",
    "closed_at",
    "close_reason",
]


def clawbacks_csv(cases: Iterable[ClawbackPublic], directory: Directory) -> str:
    """The clawback cases, one row each."""
    return csv_text(CLAWBACK_COLUMNS, (_clawback_row(c, directory) for c in cases))


def _clawback_row(case: ClawbackPublic, directory: Directory) -> list[Cell]:
    return [
        case.id,
        case.programme_id,
        case.claim_id,
        case.payout_id,
        case.serial_number,
        *directory.holder(case.holder_id),
        case.reason,
        directory.local(case.programme_id, case.opened_at),
        case.lock_in_until,
        *amount(case.unit_paid_fen),
        case.status,
        case.recovery,
        *amount(case.recovered_fen),
        case.closed_by,
        directory.local(case.programme_id, case.closed_at),
        case.close_reason,
    ]
