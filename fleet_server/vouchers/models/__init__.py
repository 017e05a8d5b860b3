"""The voucher records' tables and API schemas, one family per entity."""
