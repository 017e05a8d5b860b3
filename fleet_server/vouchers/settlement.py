"""Settlement rounds: a programme's approved claims whose public notice has ended are paid from
the payout year's budget; each holder's annual cap counts by payout year; when the claims
exceed what is left of the budget, every one is cut by the same factor (rule 2)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from fleet_protocol.base import utc_now
from fleet_server.errors import Conflict, Invalid
from fleet_server.sites.sites import SiteRegistry
from fleet_server.vouchers.models.claim import OPEN_STATUSES, Claim, ClaimStatus
from fleet_server.vouchers.models.programme import Payee, Programme
from fleet_server.vouchers.models.settlement import (
    Payout,
    PayoutPublic,
    SettlementCreate,
    SettlementPublic,
    SettlementRound,
)
from fleet_server.vouchers.models.voucher import Voucher, VoucherStatus
from fleet_server.vouchers.programmes import programme_zone, year_budget
from fleet_server.vouchers.record_store import RecordStore, existing, matching, sum_fen
from fleet_server.vouchers.texts import (
    PROGRAMME_NOT_FOUND,
    SETTLEMENT_NO_BUDGET,
    SETTLEMENT_NOT_FOUND,
    SETTLEMENT_NOTHING_DUE,
    SETTLEMENT_NOTHING_DUE_IN_PERIOD,
    SETTLEMENT_PERIOD_REVERSED,
)

ENTITY = "settlement"


@dataclass(frozen=True)
class Share:
    """One claim's part of a round: its subsidy, after its holder's annual cap, and paid."""

    claim_id: int
    holder_id: int
    subsidy_fen: int
    capped_fen: int
    amount_fen: int


def divide_round(
    claims: Sequence[tuple[int, int, int]],
    cap_left: dict[int, int],
    budget_left: int,
) -> tuple[list[Share], int, int]:
    """Split a round among its claims (claim id, holder id, subsidy), in the order given.

    Each claim is first held to what is left of its holder's annual cap (earlier claims in the
    round use it up first). If the capped amounts exceed the budget left, every one is cut by
    the same factor budget_left / requested, rounded down to the fen, so the round never pays
    more than is left. Returns the shares and the factor as (numerator, denominator)."""
    left = dict(cap_left)
    capped = []
    for claim_id, holder_id, subsidy in claims:
        amount = max(0, min(subsidy, left.get(holder_id, 0)))
        left[holder_id] = left.get(holder_id, 0) - amount
        capped.append((claim_id, holder_id, subsidy, amount))
    requested = sum(amount for *_, amount in capped)
    numerator, denominator = (budget_left, requested) if requested > budget_left else (1, 1)
    shares = [
        Share(claim_id, holder_id, subsidy, amount, amount * numerator // denominator)
        for claim_id, holder_id, subsidy, amount in capped
    ]
    return shares, numerator, denominator


class SettlementService:
    """Settles rounds and shows them with their payouts."""

    def __init__(
        self, store: RecordStore, sites: SiteRegistry, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.store = store
        self.sites = sites
        self.clock = clock

    def settle(self, body: SettlementCreate, actor: str) -> SettlementPublic:
        """Pay the programme's approved claims whose notice has ended (approved within the
        period, if one is given) in one round; Conflict when there are none."""
        if body.period_from and body.period_until and body.period_from > body.period_until:
            raise Invalid(SETTLEMENT_PERIOD_REVERSED.of(), field="period_from")
        now = self.clock()
        with self.store.change() as session:
            programme = existing(
                session, Programme, body.programme_id, PROGRAMME_NOT_FOUND, "programme_id"
            )
            zone = programme_zone(self.sites, programme)
            year = now.astimezone(zone).year
            claims = [
                claim
                for claim in _approved(session, programme.id or 0)
                if claim.notice_until is not None
                and claim.notice_until <= now
                and _in_period(claim, body, zone)
            ]
            if not claims:
                in_period = body.period_from or body.period_until
                nothing = SETTLEMENT_NOTHING_DUE_IN_PERIOD if in_period else SETTLEMENT_NOTHING_DUE
                raise Conflict(nothing.of(programme=programme.id), field="programme_id")
            budget = year_budget(programme, year)
            if budget is None:
                raise Conflict(
                    SETTLEMENT_NO_BUDGET.of(programme=programme.id, year=year), field="programme_id"
                )
            paid_in_year = sum_fen(
                session,
                Payout.amount_fen,
                col(Payout.programme_id) == programme.id,
                col(Payout.year) == year,
            )
            cap_left = {
                holder_id: programme.enterprise_annual_cap_fen
                - sum_fen(
                    session,
                    Payout.amount_fen,
                    col(Payout.holder_id) == holder_id,
                    col(Payout.year) == year,
                )
                for holder_id in {claim.holder_id for claim in claims}
            }
            shares, numerator, denominator = divide_round(
                [(c.id or 0, c.holder_id, c.subsidy_fen) for c in claims],
                cap_left,
                max(0, budget - paid_in_year),
            )
            settlement = SettlementRound(
                programme_id=programme.id or 0,
                year=year,
                settled_at=now,
                settled_by=actor,
                period_from=body.period_from,
                period_until=body.period_until,
                requested_fen=sum(share.capped_fen for share in shares),
                budget_left_fen=max(0, budget - paid_in_year),
                cut_numerator=numerator,
                cut_denominator=denominator,
                paid_fen=sum(share.amount_fen for share in shares),
            )
            session.add(settlement)
            session.flush()
            by_id = {claim.id: claim for claim in claims}
            payouts = [
                self._pay(session, settlement, programme, by_id[share.claim_id], share, actor)
                for share in shares
            ]
            self.store.log(
                session, actor, ENTITY, "settle", settlement.id, None, settlement.as_record()
            )
            return SettlementPublic.of(settlement, payouts)

    def get(self, round_id: int) -> SettlementPublic:
        """One round with its payouts, or NotFound."""
        with Session(self.store.engine) as session:
            settlement = existing(
                session, SettlementRound, round_id, SETTLEMENT_NOT_FOUND, "round_id"
            )
            return SettlementPublic.of(settlement, _payouts(session, round_id=round_id))

    def find(self, programme_id: int | None = None) -> list[SettlementPublic]:
        """The rounds (of a programme, if given) with their payouts, by id."""
        query = select(SettlementRound).order_by(col(SettlementRound.id))
        if programme_id is not None:
            query = query.where(SettlementRound.programme_id == programme_id)
        with Session(self.store.engine) as session:
            return [
                SettlementPublic.of(r, _payouts(session, round_id=r.id))
                for r in session.exec(query)
            ]

    def payouts(
        self, programme_id: int | None = None, holder_id: int | None = None
    ) -> list[PayoutPublic]:
        """The payouts matching every filter given, by id."""
        with Session(self.store.engine) as session:
            return [
                PayoutPublic(**payout.model_dump())
                for payout in _payouts(session, programme_id=programme_id, holder_id=holder_id)
            ]

    def _pay(
        self,
        session: Session,
        settlement: SettlementRound,
        programme: Programme,
        claim: Claim,
        share: Share,
        actor: str,
    ) -> Payout:
        """Record a claim's payout; the claim is paid and its voucher redeemed (what was not
        used returns to the pool) unless another claim on it is still open."""
        payout = Payout(
            round_id=settlement.id or 0,
            programme_id=programme.id or 0,
            claim_id=claim.id or 0,
            holder_id=claim.holder_id,
            payee=programme.payee,
            payee_id=claim.holder_id if programme.payee is Payee.HOLDER else claim.supplier_id,
            year=settlement.year,
            subsidy_fen=share.subsidy_fen,
            capped_fen=share.capped_fen,
            amount_fen=share.amount_fen,
            paid_at=settlement.settled_at,
        )
        session.add(payout)
        before = claim.as_record()
        claim.status = ClaimStatus.PAID
        claim.paid_fen = share.amount_fen
        session.add(claim)
        session.flush()
        self.store.log(session, actor, "payout", "pay", payout.id, None, payout.as_record())
        self.store.log(session, actor, "claim", "pay", claim.id, before, claim.as_record())
        voucher = session.get(Voucher, claim.voucher_id)
        assert voucher is not None
        before = voucher.as_record()
        voucher.used_fen += share.amount_fen
        if not _open_claims_on(session, voucher.id or 0):
            voucher.status = VoucherStatus.REDEEMED
            voucher.ended_at = settlement.settled_at
        session.add(voucher)
        session.flush()
        self.store.log(session, actor, "voucher", "redeem", voucher.id, before, voucher.as_record())
        return payout


def _approved(session: Session, programme_id: int) -> list[Claim]:
    query = (
        select(Claim)
        .where(Claim.programme_id == programme_id)
        .where(Claim.status == ClaimStatus.APPROVED)
        .order_by(col(Claim.decided_at), col(Claim.id))
    )
    return list(session.exec(query))


def _in_period(claim: Claim, body: SettlementCreate, zone: ZoneInfo) -> bool:
    assert claim.decided_at is not None
    day = claim.decided_at.astimezone(zone).date()
    if body.period_from is not None and day < body.period_from:
        return False
    return body.period_until is None or day <= body.period_until


def _open_claims_on(session: Session, voucher_id: int) -> bool:
    query = (
        select(Claim.id)
        .where(Claim.voucher_id == voucher_id)
        .where(col(Claim.status).in_(OPEN_STATUSES))
    )
    return session.exec(query).first() is not None


def _payouts(
    session: Session,
    round_id: int | None = None,
    programme_id: int | None = None,
    holder_id: int | None = None,
) -> list[Payout]:
    query = matching(Payout, round_id=round_id, programme_id=programme_id, holder_id=holder_id)
    return list(session.exec(query))
