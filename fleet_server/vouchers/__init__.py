"""The district's robot-voucher records: programmes, enterprises and institutions, vouchers,
contracts, deployed units, claims with their checks and evidence (read from the fleet's activity),
settlement rounds, clawbacks and the lock-in watch, and the exports; every change is audited
through the record store. Its routes are the programme, party, voucher, contract, unit, claim,
settlement, clawback and export resources."""
