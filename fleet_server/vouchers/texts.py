"""What the voucher programme says to people, as phrases (fleet_server/texts.py): its refusals,
its claim rules' findings and the names of the subsidy's limits. The English templates are the
sentences the API has always sent; the console words each code in Chinese or English
(messages-errors-vouchers.js)."""

from __future__ import annotations

from fleet_server.texts import Phrase, Text

# ---- amounts

YUAN = Phrase("voucher.money.yuan", "{amount} yuan")


def yuan_of(fen: int) -> Text:
    """An amount in fen as yuan for people: 1234567 -> '12,345.67 yuan'."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return YUAN.of(amount=f"{sign}{whole:,}.{cents:02d}")


# ---- refusals shared by several records

NOT_NULL = Phrase("voucher.error.not_null", "{name} cannot be null")
WRITE_CLASH = Phrase(
    "voucher.error.write_clash",
    "another change to the records was saved at the same moment; try again",
)

# ---- programmes

PROGRAMME_NOT_FOUND = Phrase("programme.error.not_found", "no programme {id}")
PROGRAMME_YEAR_REPEATED = Phrase(
    "programme.error.year_repeated", "annual_budgets: year {year} is given more than once"
)
PROGRAMME_BUDGET_OVER_POOL = Phrase(
    "programme.error.budget_over_pool",
    "annual_budgets: the {year} budget ({budget_fen} fen) exceeds the total pool ({pool_fen} fen)",
)
PROGRAMME_ACTIVE_OVER_DEPLOYMENT = Phrase(
    "programme.error.active_over_deployment",
    "min_active_days ({active_days}) cannot exceed min_deployment_days ({deployment_days})",
)
PROGRAMME_NO_SITE = Phrase(
    "programme.error.no_site", "geofence_site: the server has no site {site!r}"
)
PROGRAMME_NO_ZONE = Phrase(
    "programme.error.no_zone", "geofence_zone: site {site!r} has no zone {zone!r}"
)
PROGRAMME_ZONE_NOT_GEOFENCE = Phrase(
    "programme.error.zone_not_geofence",
    "geofence_zone: zone {zone!r} of site {site!r} is a {zone_kind} zone, not a geofence",
)
PROGRAMME_POOL_TOO_SMALL = Phrase(
    "programme.error.pool_too_small",
    "total_pool_fen: {pool_fen} fen is less than the {held_fen} fen already reserved by "
    "vouchers and paid out",
)

# ---- vouchers

VOUCHER_NOT_FOUND = Phrase("voucher.error.not_found", "no voucher {id}")
VOUCHER_FACE_VALUE = Phrase(
    "voucher.error.face_value", "face_value_fen: a voucher is worth at least 1 fen"
)
VOUCHER_HOLDER_REPEATED = Phrase(
    "voucher.error.holder_repeated", "holders: enterprise {enterprise} is listed more than once"
)
VOUCHER_POOL_SHORT = Phrase(
    "voucher.error.pool_short",
    "programme {programme} has {available_fen} fen available but the batch needs {needed_fen} "
    "fen ({count} x {face_value_fen} fen); nothing was issued",
)
VOUCHER_REVOKE_REASON = Phrase(
    "voucher.error.revoke_reason", "reason: say why the voucher is revoked"
)
VOUCHER_NOT_REVOCABLE = Phrase(
    "voucher.error.not_revocable",
    "voucher {voucher} is {voucher_status}; only issued or in-use vouchers can be revoked",
)
VOUCHER_NOT_TRANSFERABLE = Phrase(
    "voucher.error.not_transferable",
    "vouchers are not transferable (rule 5): a voucher's holder cannot be changed",
)
VOUCHER_NOT_EDITABLE = Phrase(
    "voucher.error.not_editable",
    "a voucher cannot be edited; revoke it and issue a new one instead",
)
VOUCHER_NO_HOLDER = Phrase(
    "voucher.error.no_holder", "holders: there is no enterprise {enterprise}"
)
VOUCHER_HOLDER_OUTSIDE = Phrase(
    "voucher.error.holder_outside_district",
    "holders: enterprise {enterprise} ({name}, {uscc}) is not registered in the district, so it "
    "may not hold a voucher",
)
VOUCHER_HOLDER_BLACKLISTED = Phrase(
    "voucher.error.holder_blacklisted",
    "holders: enterprise {enterprise} ({name}, {uscc}) is blacklisted, so it may not hold a "
    "voucher",
)

# ---- enterprises, institutions and their credit codes

ENTERPRISE_NOT_FOUND = Phrase("enterprise.error.not_found", "no enterprise {id}")
INSTITUTION_NOT_FOUND = Phrase("institution.error.not_found", "no institution {id}")
ENTERPRISE_CODE_TAKEN = Phrase(
    "enterprise.error.code_taken", "uscc: enterprise {holder} already has the code {uscc}"
)
INSTITUTION_CODE_TAKEN = Phrase(
    "institution.error.code_taken", "uscc: institution {holder} already has the code {uscc}"
)
ENTERPRISE_NO_INSTITUTION = Phrase(
    "enterprise.error.no_institution", "affiliated_institutions: no institution {institution}"
)
# What is wrong with a credit code, and the refusal of one in a field (the same sentence after
# the field's name; kept flat so that the refusal's parameters are plain values).
USCC_LENGTH = Phrase(
    "uscc.problem.length",
    "a Unified Social Credit Code has {length} characters; {code!r} has {count}",
)
USCC_CHARACTER = Phrase(
    "uscc.problem.character",
    "character {position} ({char!r}) is not allowed: only digits and capital letters other "
    "than I, O, Z, S and V",
)
USCC_CHECK_CHARACTER = Phrase(
    "uscc.problem.check_character",
    "check character (position 18) is {char!r} but the first 17 characters give "
    "{expected!r}: the code is mistyped",
)
USCC_LENGTH_REFUSED = Phrase("uscc.error.length", "{field}: " + USCC_LENGTH.english)
USCC_CHARACTER_REFUSED = Phrase("uscc.error.character", "{field}: " + USCC_CHARACTER.english)
USCC_CHECK_CHARACTER_REFUSED = Phrase(
    "uscc.error.check_character", "{field}: " + USCC_CHECK_CHARACTER.english
)
USCC_REFUSALS = {
    USCC_LENGTH: USCC_LENGTH_REFUSED,
    USCC_CHARACTER: USCC_CHARACTER_REFUSED,
    USCC_CHECK_CHARACTER: USCC_CHECK_CHARACTER_REFUSED,
}

# ---- contracts

CONTRACT_NOT_FOUND = Phrase("contract.error.not_found", "no contract {id}")
CONTRACT_NO_VOUCHER = Phrase("contract.error.no_voucher", "voucher_id: no voucher {voucher}")
CONTRACT_VOUCHER_NOT_LIVE = Phrase(
    "contract.error.voucher_not_live",
    "voucher_id: voucher {voucher} is {voucher_status}; only an issued or in-use voucher can "
    "take a contract",
)
CONTRACT_NO_SUPPLIER = Phrase(
    "contract.error.no_supplier", "supplier_id: no institution {institution}"
)
CONTRACT_LIST_NOT_NULL = Phrase(
    "contract.error.list_not_null", "{name} cannot be null; send [] for none"
)
CONTRACT_SERIAL_REPEATED = Phrase(
    "contract.error.serial_repeated", "line_items: serial number {serial} appears more than once"
)
CONTRACT_AMOUNT_MISMATCH = Phrase(
    "contract.error.amount_mismatch",
    "amount_fen: the contract amount is {amount_fen} fen but its line items add up to "
    "{total_fen} fen",
)
CONTRACT_INVOICE_REPEATED = Phrase(
    "contract.error.invoice_repeated", "invoices: invoice {invoice} appears more than once"
)
CONTRACT_SUPPLIER_IS_HOLDER = Phrase(
    "contract.error.supplier_is_holder",
    "supplier_id: institution {institution} ({name}, {uscc}) has the same credit code as the "
    "holder, enterprise {enterprise} ({holder_name}); holder and supplier must not be the same "
    "(rule 4)",
)
CONTRACT_SUPPLIER_AFFILIATED = Phrase(
    "contract.error.supplier_affiliated",
    "supplier_id: institution {institution} ({name}, {uscc}) is affiliated with the holder, "
    "enterprise {enterprise} ({holder_name}); holder and supplier must not be affiliated "
    "(rule 4)",
)
CONTRACT_MODEL_OUTSIDE_CATALOGUE = Phrase(
    "contract.error.model_outside_catalogue",
    "line_items: model {model} (serial {serial}) is not in the catalogue of institution "
    "{institution} ({name}, {uscc}) (rule 4)",
)
CONTRACT_NUMBER_TAKEN = Phrase(
    "contract.error.number_taken",
    "contract_number: contract {contract} already has the number {number}",
)
CONTRACT_INVOICE_TAKEN = Phrase(
    "contract.error.invoice_taken",
    "invoices: invoice {invoice} is already on contract {contract} ({number})",
)

# ---- deployed units

UNIT_NOT_FOUND = Phrase("unit.error.not_found", "no deployed unit {id}")
UNIT_NO_SITE = Phrase("unit.error.no_site", "site_id: the server has no site {site!r}")
UNIT_COMMISSIONED_FUTURE = Phrase(
    "unit.error.commissioned_future", "commissioned_on: {day} is in the future"
)
UNIT_NO_HOLDER = Phrase("unit.error.no_holder", "holder_id: there is no enterprise {enterprise}")
UNIT_UNKNOWN_ROBOT = Phrase(
    "unit.error.unknown_robot",
    "robot: the fleet has no robot {robot!r}; it must have connected or been registered first",
)

# ---- claims

CLAIM_NOT_FOUND = Phrase("claim.error.not_found", "no claim {id}")
CLAIM_NO_CONTRACT = Phrase("claim.error.no_contract", "contract_id: no contract {contract}")
# The statuses a claim must be in are those of ClaimFiling's UNDECIDED and OPEN_STATUSES.
CLAIM_NOT_RECHECKABLE = Phrase(
    "claim.error.not_recheckable",
    "claim {claim} is {claim_status}; only auto_verified, needs_review claims can be re-checked",
)
CLAIM_NOT_APPROVABLE = Phrase(
    "claim.error.not_approvable",
    "claim {claim} is {claim_status}; only auto_verified, needs_review claims can be approved",
)
CLAIM_NOT_REJECTABLE = Phrase(
    "claim.error.not_rejectable",
    "claim {claim} is {claim_status}; only auto_verified, needs_review, approved claims can be "
    "rejected",
)
CLAIM_OVERRIDE_REASON = Phrase(
    "claim.error.override_reason",
    "reason: claim {claim} failed rule(s) {rules}; approving it needs a reason",
)
CLAIM_KEYS_SHARED = Phrase(
    "claim.error.keys_shared",
    "claim {claim} shares its contract, an invoice or a serial number with another claim "
    "(rule 7); reject one of them first",
)
CLAIM_PAYS_NOTHING = Phrase("claim.error.pays_nothing", "claim {claim} would pay nothing (rule 6)")
CLAIM_REJECT_REASON = Phrase("claim.error.reject_reason", "reason: say why the claim is rejected")

# ---- settlement rounds

SETTLEMENT_NOT_FOUND = Phrase("settlement.error.not_found", "no settlement round {id}")
SETTLEMENT_PERIOD_REVERSED = Phrase(
    "settlement.error.period_reversed", "period_from: the period ends before it starts"
)
SETTLEMENT_NOTHING_DUE = Phrase(
    "settlement.error.nothing_due",
    "programme {programme} has no approved claim whose public notice has ended",
)
SETTLEMENT_NOTHING_DUE_IN_PERIOD = Phrase(
    "settlement.error.nothing_due_in_period",
    "programme {programme} has no approved claim whose public notice has ended in that period",
)
SETTLEMENT_NO_BUDGET = Phrase(
    "settlement.error.no_budget",
    "programme {programme} has no budget for {year}; add one to annual_budgets before settling",
)

# ---- clawback cases

CLAWBACK_NOT_FOUND = Phrase("clawback.error.not_found", "no clawback case {id}")
CLAWBACK_ALREADY_CLOSED = Phrase(
    "clawback.error.already_closed", "clawback case {case} is already {clawback_status}"
)
CLAWBACK_OUTCOME_OPEN = Phrase(
    "clawback.error.outcome_open", "outcome: a case is closed as recovered or dismissed"
)
CLAWBACK_RECOVERY_MISSING = Phrase(
    "clawback.error.recovery_missing", "recovery: a recovered case needs full or pro_rata"
)
CLAWBACK_RECOVERY_ON_DISMISSAL = Phrase(
    "clawback.error.recovery_on_dismissal",
    "recovery: a dismissed case recovers nothing; leave it out",
)
CLAWBACK_CLOSE_REASON = Phrase("clawback.error.close_reason", "reason: say why the case is closed")
CLAWBACK_ALREADY_RECOVERED = Phrase(
    "clawback.error.already_recovered",
    "unit {serial} of claim {claim} was already recovered in case {earlier}; dismiss case "
    "{case} instead",
)

# ---- the claim rules' findings (claim_checks.py), a problem or what held, rule by rule

FOUND_NO_BUDGET = Phrase("claim.finding.no_budget", "the programme has no budget for {year}")
FOUND_BUDGET_USED_UP = Phrase("claim.finding.budget_used_up", "the {year} budget is used up")
FOUND_BUDGET_LEFT = Phrase(
    "claim.finding.budget_left",
    "{left} of the {year} budget is left; if a round's claims exceed it, each is cut by the "
    "same factor",
)
FOUND_HOLDER_OUTSIDE = Phrase(
    "claim.finding.holder_outside_district", "the holder {holder} is not registered in the district"
)
FOUND_HOLDER_BLACKLISTED = Phrase(
    "claim.finding.holder_blacklisted", "the holder {holder} is blacklisted"
)
FOUND_HOLDER_ELIGIBLE = Phrase(
    "claim.finding.holder_eligible",
    "the holder {holder} ({uscc}) is registered in the district and not blacklisted",
)
FOUND_SUPPLIER_BLACKLISTED = Phrase(
    "claim.finding.supplier_blacklisted", "the supplier {supplier} is blacklisted"
)
FOUND_SUPPLIER_IS_HOLDER = Phrase(
    "claim.finding.supplier_is_holder",
    "the supplier {supplier} is the holder itself (same credit code)",
)
FOUND_SUPPLIER_AFFILIATED = Phrase(
    "claim.finding.supplier_affiliated", "the supplier {supplier} is affiliated with the holder"
)
FOUND_MODELS_OUTSIDE = Phrase(
    "claim.finding.models_outside_catalogue",
    "model(s) {models} are not in the supplier's catalogue",
)
FOUND_SUPPLIER_ELIGIBLE = Phrase(
    "claim.finding.supplier_eligible",
    "the supplier {supplier} is independent of the holder and supplies catalogue models",
)
FOUND_VOUCHER_NOT_LIVE = Phrase(
    "claim.finding.voucher_not_live", "voucher {voucher} is {voucher_status}"
)
FOUND_VOUCHER_EXPIRED = Phrase(
    "claim.finding.voucher_expired",
    "voucher {voucher} expired on {day}, before the claim was filed",
)
FOUND_VOUCHER_VALID = Phrase(
    "claim.finding.voucher_valid", "voucher {voucher} is {voucher_status} and valid until {day}"
)
FOUND_NOTHING_PAYABLE = Phrase(
    "claim.finding.nothing_payable", "nothing can be paid: {limit} is {amount}"
)
FOUND_SUBSIDY = Phrase("claim.finding.subsidy", "the subsidy is {subsidy}, set by {limit}")
FOUND_INVOICES_SHORT = Phrase(
    "claim.finding.invoices_short", "invoices cover {covered} of the {amount} contract"
)
FOUND_PAYMENTS_SHORT = Phrase(
    "claim.finding.payments_short", "payment proofs cover {covered} of the {amount} contract"
)
FOUND_NO_ACCEPTANCE = Phrase("claim.finding.no_acceptance", "the contract has no acceptance record")
FOUND_PAPERS_COMPLETE = Phrase(
    "claim.finding.papers_complete",
    "invoices and payments cover the full amount and the units were accepted",
)
FOUND_CONTRACT_TAKEN = Phrase(
    "claim.finding.contract_taken", "contract {value} is already claimed by claim {claim}"
)
FOUND_INVOICE_TAKEN = Phrase(
    "claim.finding.invoice_taken", "invoice {value} is already claimed by claim {claim}"
)
FOUND_SERIAL_TAKEN = Phrase(
    "claim.finding.serial_taken", "serial number {value} is already claimed by claim {claim}"
)
FOUND_CLAIMED_ONCE = Phrase(
    "claim.finding.claimed_once",
    "neither the contract nor any of its invoices or serial numbers was claimed before",
)
FOUND_UNIT_UNREGISTERED = Phrase(
    "claim.finding.unit_unregistered", "unit {serial} is not registered as deployed"
)
FOUND_UNIT_OTHER_HOLDER = Phrase(
    "claim.finding.unit_other_holder", "unit {serial} is registered to another holder"
)
FOUND_DEPLOYED_TOO_SHORT = Phrase(
    "claim.finding.deployed_too_short",
    "unit {serial} was deployed {days} days, fewer than {min_days}",
)
FOUND_ACTIVE_TOO_LITTLE = Phrase(
    "claim.finding.active_too_little",
    "unit {serial} was active on {days} days, fewer than {min_days}",
)
FOUND_NO_TELEMETRY = Phrase("claim.finding.no_telemetry", "unit {serial} has no telemetry")
FOUND_OUTSIDE_GEOFENCE = Phrase(
    "claim.finding.outside_geofence",
    "unit {serial} was inside the geofence {share}% of its reported time, less than {min_share}%",
)
FOUND_REAL_USE = Phrase(
    "claim.finding.real_use",
    "every unit was deployed at least {min_deployment_days} days, active on at least "
    "{min_active_days} and inside the geofence at least {min_share}% of its reported time",
)
FOUND_NO_INVOICE = Phrase("claim.finding.no_invoice", "the contract has no invoice to count from")
FOUND_FILED_LATE = Phrase(
    "claim.finding.filed_late",
    "filed on {filed_on}, after the deadline {deadline} ({months} months from the invoice of "
    "{invoice_day})",
)
FOUND_FILED_IN_TIME = Phrase(
    "claim.finding.filed_in_time", "filed on {filed_on}, by the deadline {deadline}"
)

# ---- the limits of a claim's subsidy (rule 6), named in its figures and findings

LIMIT_RATIO = Phrase("claim.limit.ratio", "{ratio}% of the contract amount")
LIMIT_VOUCHER_LEFT = Phrase("claim.limit.voucher_left", "the voucher's unused value")
LIMIT_HOLDER_CAP_LEFT = Phrase("claim.limit.holder_cap_left", "the holder's remaining annual cap")
LIMIT_UNIT_CAP = Phrase("claim.limit.unit_cap", "the per-unit cap x {units} units")
