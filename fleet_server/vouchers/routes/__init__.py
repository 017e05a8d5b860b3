"""The voucher records' routes, one module per resource."""
