"""/vouchers/settlements: settlement rounds paying approved claims, and their payouts.

- POST /vouchers/settlements {programme_id, period_from, period_until}: settle a round (201).
- GET /vouchers/settlements?programme_id=: the rounds with their payouts, by id.
- GET /vouchers/settlements/{id}: one round.
- GET /vouchers/settlements/payouts?programme_id=&holder_id=: the payouts, by id.
"""

from __future__ import annotations

from fastapi import APIRouter, status

from fleet_server.fields import Id
from fleet_server.vouchers.models.settlement import PayoutPublic, SettlementCreate, SettlementPublic
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import Officer, RecordReader

router = APIRouter(prefix="/vouchers/settlements", tags=["settlements"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def settle(fleet: FleetDep, body: SettlementCreate, who: Officer) -> SettlementPublic:
    """Pay the programme's approved claims whose public notice has ended, from this year's
    budget: each holder's annual cap counts by payout year, and if the claims exceed the budget
    left every one is cut by the same factor (role: subsidy_officer)."""
    return fleet.settlements.settle(body, who.name)


@router.get("")
async def list_settlements(
    fleet: FleetDep, _: RecordReader, programme_id: Id | None = None
) -> list[SettlementPublic]:
    """The rounds with their payouts (roles: admin, subsidy_officer, auditor)."""
    return fleet.settlements.find(programme_id)


@router.get("/payouts")
async def list_payouts(
    fleet: FleetDep, _: RecordReader, programme_id: Id | None = None, holder_id: Id | None = None
) -> list[PayoutPublic]:
    """The payouts matching every filter given (roles: admin, subsidy_officer, auditor)."""
    return fleet.settlements.payouts(programme_id, holder_id)


@router.get("/{round_id}")
async def get_settlement(round_id: Id, fleet: FleetDep, _: RecordReader) -> SettlementPublic:
    """One round with its payouts (roles: admin, subsidy_officer, auditor)."""
    return fleet.settlements.get(round_id)
