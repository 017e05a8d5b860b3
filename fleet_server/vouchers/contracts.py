"""Contracts under vouchers: the rule-4 checks (supplier not the holder nor affiliated, models
from its catalogue), consistent amounts, unique numbers; each change audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session, col, select

from fleet_protocol.base import utc_now
from fleet_server.errors import Conflict, Invalid, NotFound
from fleet_server.vouchers.models.contract import (
    Contract,
    ContractCreate,
    ContractPublic,
    ContractUpdate,
    Invoice,
)
from fleet_server.vouchers.models.party import Enterprise, Institution
from fleet_server.vouchers.models.voucher import LIVE_STATUSES, Voucher
from fleet_server.vouchers.record_store import RecordStore, existing, matching
from fleet_server.vouchers.vouchers import mark_in_use

ENTITY = "contract"


class ContractService:
    """Stores contracts and their papers; each change is written with its audit entry."""

    def __init__(self, store: RecordStore, clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.clock = clock

    def create(self, body: ContractCreate, actor: str) -> ContractPublic:
        """Store a contract under a live voucher, after the rule-4 and consistency checks.
        Whether invoices and payments cover the amount is left for the claim."""
        _check_items(body)
        _check_invoices_within(body.invoices)
        with self.store.change() as session:
            voucher = session.get(Voucher, body.voucher_id)
            if voucher is None:
                raise NotFound(f"voucher_id: no voucher {body.voucher_id}", field="voucher_id")
            if voucher.status not in LIVE_STATUSES:
                raise Conflict(
                    f"voucher_id: voucher {body.voucher_id} is {voucher.status.value}; only an "
                    "issued or in-use voucher can take a contract",
                    field="voucher_id",
                )
            supplier = session.get(Institution, body.supplier_id)
            if supplier is None:
                raise NotFound(
                    f"supplier_id: no institution {body.supplier_id}", field="supplier_id"
                )
            _check_rule_4(session, self.store, voucher.holder_id, supplier, body)
            _unique_number(session, body.contract_number)
            _unique_invoices(session, body.invoices, own_id=None)
            contract = Contract(
                **body.model_dump(mode="json", exclude={"amount_fen", "signed_date"}),
                amount_fen=body.amount_fen,
                signed_date=body.signed_date,
                created_at=self.clock(),
            )
            session.add(contract)
            session.flush()
            self.store.log(
                session, actor, ENTITY, "create", contract.id, None, contract.as_record()
            )
            mark_in_use(self.store, session, voucher, actor)
            return ContractPublic.of(contract)

    def update(self, contract_id: int, body: ContractUpdate, actor: str) -> ContractPublic:
        """Replace the invoices, payment proofs or acceptance record given; nothing else of a
        contract changes."""
        changes = body.model_dump(mode="json", exclude_unset=True)
        for name in ("invoices", "payment_proofs"):
            if name in changes and changes[name] is None:
                raise Invalid(f"{name} cannot be null; send [] for none", field=name)
        if body.invoices is not None:
            _check_invoices_within(body.invoices)
        with self.store.change() as session:
            contract = _contract(session, contract_id)
            before = contract.as_record()
            if body.invoices is not None:
                _unique_invoices(session, body.invoices, own_id=contract_id)
            for name, value in changes.items():
                setattr(contract, name, value)
            session.add(contract)
            session.flush()
            self.store.log(
                session, actor, ENTITY, "update", contract.id, before, contract.as_record()
            )
            return ContractPublic.of(contract)

    def get(self, contract_id: int) -> ContractPublic:
        """One contract, or NotFound."""
        with Session(self.store.engine) as session:
            return ContractPublic.of(_contract(session, contract_id))

    def find(
        self, voucher_id: int | None = None, supplier_id: int | None = None
    ) -> list[ContractPublic]:
        """The contracts matching every filter given, by id."""
        query = matching(Contract, voucher_id=voucher_id, supplier_id=supplier_id)
        with Session(self.store.engine) as session:
            return [ContractPublic.of(c) for c in session.exec(query)]


def _check_items(body: ContractCreate) -> None:
    """Invalid unless each serial number appears once and the items add up to the amount."""
    seen: set[str] = set()
    for item in body.line_items:
        if item.serial_number in seen:
            raise Invalid(
                f"line_items: serial number {item.serial_number} appears more than once",
                field="line_items",
            )
        seen.add(item.serial_number)
    total = sum(item.amount_fen for item in body.line_items)
    if total != body.amount_fen:
        raise Invalid(
            f"amount_fen: the contract amount is {body.amount_fen} fen but its line items add "
            f"up to {total} fen",
            field="amount_fen",
        )


def _check_invoices_within(invoices: list[Invoice]) -> None:
    seen: set[str] = set()
    for invoice in invoices:
        if invoice.number in seen:
            raise Invalid(
                f"invoices: invoice {invoice.number} appears more than once", field="invoices"
            )
        seen.add(invoice.number)


def _check_rule_4(
    session: Session,
    store: RecordStore,
    holder_id: int,
    supplier: Institution,
    body: ContractCreate,
) -> None:
    """Invalid unless the supplier is neither the holder nor affiliated with it, and supplies
    only models from its catalogue (rule 4)."""
    holder = session.get(Enterprise, holder_id)
    assert holder is not None and supplier.id is not None
    name = f"institution {supplier.id} ({supplier.name}, {supplier.uscc})"
    if holder.uscc == supplier.uscc:
        raise Invalid(
            f"supplier_id: {name} has the same credit code as the holder, enterprise "
            f"{holder_id} ({holder.name}); holder and supplier must not be the same (rule 4)",
            field="supplier_id",
        )
    if supplier.id in store.institutions_of(session, holder_id):
        raise Invalid(
            f"supplier_id: {name} is affiliated with the holder, enterprise {holder_id} "
            f"({holder.name}); holder and supplier must not be affiliated (rule 4)",
            field="supplier_id",
        )
    catalogue = {str(entry.get("model")) for entry in supplier.catalogue}
    for item in body.line_items:
        if item.model not in catalogue:
            raise Invalid(
                f"line_items: model {item.model} (serial {item.serial_number}) is not in the "
                f"catalogue of {name} (rule 4)",
                field="line_items",
            )


def _unique_number(session: Session, number: str) -> None:
    holder = session.exec(select(Contract).where(col(Contract.contract_number) == number)).first()
    if holder is not None:
        raise Conflict(
            f"contract_number: contract {holder.id} already has the number {number}",
            field="contract_number",
        )


def _unique_invoices(session: Session, invoices: list[Invoice], own_id: int | None) -> None:
    """Conflict naming the contract that already holds one of these invoice numbers."""
    wanted = {invoice.number for invoice in invoices}
    if not wanted:
        return
    for other in session.exec(select(Contract).order_by(col(Contract.id))):
        if other.id == own_id:
            continue
        for invoice in other.invoices:
            if invoice.get("number") in wanted:
                raise Conflict(
                    f"invoices: invoice {invoice['number']} is already on contract {other.id} "
                    f"({other.contract_number})",
                    field="invoices",
                )


def _contract(session: Session, contract_id: int) -> Contract:
    return existing(session, Contract, contract_id, "contract", "contract_id")
