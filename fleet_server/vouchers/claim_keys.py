"""The numbers a claim must hold alone (rule 7): its contract's, its invoices' and its serial
numbers'; which of them another claim holds, and holding or letting go of them."""

from __future__ import annotations

from sqlmodel import Session, col, delete, select

from fleet_server.vouchers.claim_checks import CONTRACT, INVOICE, SERIAL
from fleet_server.vouchers.models.claim import Claim, ClaimKey
from fleet_server.vouchers.models.contract import Contract


def claim_keys(claim: Claim, contract: Contract) -> list[tuple[str, str]]:
    """The numbers a claim must hold alone: its contract's, its invoices', its serials'."""
    keys = [(CONTRACT, contract.contract_number)]
    keys += [(INVOICE, str(invoice["number"])) for invoice in contract.invoices]
    keys += [(SERIAL, serial) for serial in claim.serial_numbers]
    return keys


def taken_keys(session: Session, claim: Claim, contract: Contract) -> dict[tuple[str, str], int]:
    """Which of the claim's numbers another claim holds, and which claim."""
    taken = {}
    for kind, value in claim_keys(claim, contract):
        holder = session.exec(
            select(ClaimKey).where(ClaimKey.kind == kind).where(ClaimKey.value == value)
        ).first()
        if holder is not None and holder.claim_id != claim.id:
            taken[(kind, value)] = holder.claim_id
    return taken


def hold_keys(session: Session, claim: Claim, contract: Contract) -> None:
    """Hold the claim's numbers (again: a re-check replaces them, say after new invoices)."""
    assert claim.id is not None
    release_keys(session, claim)
    for kind, value in claim_keys(claim, contract):
        session.add(ClaimKey(kind=kind, value=value, claim_id=claim.id))
    session.flush()


def release_keys(session: Session, claim: Claim) -> None:
    """Let go of every number the claim holds: another claim may take them."""
    session.exec(delete(ClaimKey).where(col(ClaimKey.claim_id) == claim.id))


def holds_keys(session: Session, claim: Claim) -> bool:
    """Whether the claim holds every one of its numbers (and no other)."""
    contract = session.get(Contract, claim.contract_id)
    assert contract is not None
    held = session.exec(select(ClaimKey).where(ClaimKey.claim_id == claim.id)).all()
    return {(key.kind, key.value) for key in held} == set(claim_keys(claim, contract))
