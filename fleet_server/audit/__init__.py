"""The audit log: the hash chain shared with the logbook, the audit entries of record changes, and
their verification; its route is /audit."""
