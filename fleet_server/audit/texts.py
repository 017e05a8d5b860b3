"""What a hash chain's check finds wrong (the audit log's and the field logbook's)."""

from __future__ import annotations

from fleet_server.texts import Phrase

ENTRY_OUT_OF_ORDER = Phrase(
    "audit.entry_out_of_order", "entry {entry} does not follow the entry before it"
)
ENTRY_ALTERED = Phrase("audit.entry_altered", "entry {entry} its content does not match its hash")
