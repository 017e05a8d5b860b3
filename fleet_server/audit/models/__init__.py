"""The audit entry table and its API schema, and the result of checking a hash-chained log."""
