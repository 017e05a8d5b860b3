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
from fleet_server.vouchers.texts import (
    CONTRACT_AMOUNT_MISMATCH,
    CONTRACT_INVOICE_REPEATED,
    CONTRACT_INVOICE_TAKEN,
    CONTRACT_LIST_NOT_NULL,
    CONTRACT_MODEL_OUTSIDE_CATALOGUE,
    CONTRACT_NO_SUPPLIER,
    CONTRACT_NO_VOUCHER,
    CONTRACT_NOT_FOUND,
    CONTRACT_NUMBER_TAKEN,
    CONTRACT_SERIAL_REPEATED,
    CONTRACT_SUPPLIER_AFFILIATED,
    CONTRACT_SUPPLIER_IS_HOLDER,
    CONTRACT_VOUCHER_NOT_LIVE,
)
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
                raise NotFound(CONTRACT_NO_VOUCHER.of(voucher=body.voucher_id), field="voucher_id")
            if voucher.status not in LIVE_STATUSES:
                raise Conflict(
                    CONTRACT_VOUCHER_NOT_LIVE.of(
                        voucher=body.voucher_id, voucher_status=voucher.status.value
                    ),
                    field="voucher_id",
                )
            supplier = session.get(Institution, body.supplier_id)
            if supplier is None:
                raise NotFound(
                    CONTRACT_NO_SUPPLIER.of(institution=body.supplier_id), field="supplier_id"
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
                raise Invalid(CONTRACT_LIST_NOT_NULL.of(name=name), field=name)
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
                CONTRACT_SERIAL_REPEATED.of(serial=item.serial_number), field="line_items"
            )
        seen.add(item.serial_number)
    total = sum(item.amount_fen for item in body.line_items)
    if total != body.amount_fen:
        raise Invalid(
            CONTRACT_AMOUNT_MISMATCH.of(amount_fen=body.amount_fen, total_fen=total),
            field="amount_fen",
        )


def _check_invoices_within(invoices: list[Invoice]) -> None:
    seen: set[str] = set()
    for invoice in invoices:
        if invoice.number in seen:
            raise Invalid(CONTRACT_INVOICE_REPEATED.of(invoice=invoice.number), field="invoices")
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
    named = {"institution": supplier.id, "name": supplier.name, "uscc": supplier.uscc}
    parties = {**named, "enterprise": holder_id, "holder_name": holder.name}
    if holder.uscc == supplier.uscc:
        raise Invalid(CONTRACT_SUPPLIER_IS_HOLDER.of(**parties), field="supplier_id")
    if supplier.id in store.institutions_of(session, holder_id):
        raise Invalid(CONTRACT_SUPPLIER_AFFILIATED.of(**parties), field="supplier_id")
    catalogue = {str(entry.get("model")) for entry in supplier.catalogue}
    for item in body.line_items:
        if item.model not in catalogue:
            raise Invalid(
                CONTRACT_MODEL_OUTSIDE_CATALOGUE.of(
                    model=item.model, serial=item.serial_number, **named
                ),
                field="line_items",
            )


def _unique_number(session: Session, number: str) -> None:
    holder = session.exec(select(Contract).where(col(Contract.contract_number) == number)).first()
    if holder is not None:
        raise Conflict(
            CONTRACT_NUMBER_TAKEN.of(contract=holder.id, number=number), field="contract_number"
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
                    CONTRACT_INVOICE_TAKEN.of(
                        invoice=invoice["number"], contract=other.id, number=other.contract_number
                    ),
                    field="invoices",
                )


def _contract(session: Session, contract_id: int) -> Contract:
    return existing(session, Contract, contract_id, CONTRACT_NOT_FOUND, "contract_id")
