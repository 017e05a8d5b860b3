"""/vouchers/contracts: the contracts under vouchers, with their invoices, payment proofs and
acceptance records.

- POST /vouchers/contracts {voucher_id, supplier_id, contract_number, amount_fen, signed_date,
  line_items, invoices, payment_proofs, acceptance}: store a contract (201).
- GET /vouchers/contracts?voucher_id=&supplier_id=: the contracts, by id.
- GET /vouchers/contracts/{id}: one contract.
- PATCH /vouchers/contracts/{id} {invoices, payment_proofs, acceptance}: replace those papers.
"""

from __future__ import annotations

from fastapi import APIRouter, status

from fleet_server.fields import Id
from fleet_server.vouchers.models.contract import ContractCreate, ContractPublic, ContractUpdate
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import Officer, RecordReader

router = APIRouter(prefix="/vouchers/contracts", tags=["contracts"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_contract(fleet: FleetDep, body: ContractCreate, who: Officer) -> ContractPublic:
    """Store a contract under an issued or in-use voucher. The supplier must not be the holder
    or affiliated with it, and every robot's model must be in its catalogue (rule 4); the line
    items must add up to the amount; contract and invoice numbers are unique across all
    contracts (role: subsidy_officer)."""
    return fleet.contracts.create(body, who.name)


@router.get("")
async def list_contracts(
    fleet: FleetDep, _: RecordReader, voucher_id: Id | None = None, supplier_id: Id | None = None
) -> list[ContractPublic]:
    """The contracts matching every filter given (roles: admin, subsidy_officer, auditor)."""
    return fleet.contracts.find(voucher_id, supplier_id)


@router.get("/{contract_id}")
async def get_contract(contract_id: Id, fleet: FleetDep, _: RecordReader) -> ContractPublic:
    """One contract (roles: admin, subsidy_officer, auditor)."""
    return fleet.contracts.get(contract_id)


@router.patch("/{contract_id}")
async def change_contract(
    contract_id: Id, body: ContractUpdate, fleet: FleetDep, who: Officer
) -> ContractPublic:
    """Replace a contract's invoices, payment proofs or acceptance record; nothing else of a
    contract changes (role: subsidy_officer)."""
    return fleet.contracts.update(contract_id, body, who.name)
