"""Who may call what: the role groups the routes admit, each defined once and named by a type.

A route takes one of the types below as a parameter (or its router takes the dependency); the
only routes without one are GET /health, /health/live and /health/ready (monitoring) and
POST /auth/token (logging in). GET /metrics checks FLEET_READERS in its own dependency, since a
setting may open it to anyone (fleet_server/metrics/routes.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from fleet_server.accounts.accounts import Principal
from fleet_server.accounts.models import Role
from fleet_server.web.deps import require

# Every role: things every console page needs, such as the site maps.
SIGNED_IN = tuple(Role)
FLEET_READERS = (Role.ADMIN, Role.OPERATOR, Role.VIEWER, Role.AUDITOR)
FLEET_WRITERS = (Role.ADMIN, Role.OPERATOR)
# A robot's days of activity are also the evidence behind its voucher claims.
ACTIVITY_READERS = (*FLEET_READERS, Role.SUBSIDY_OFFICER)
ADMINS = (Role.ADMIN,)
LOGBOOK_READERS = (Role.ADMIN, Role.OPERATOR, Role.AUDITOR)
# Only officers write voucher records; the admin and auditors read them (separation of duties:
# who manages the accounts does not also decide on subsidies).
OFFICERS = (Role.SUBSIDY_OFFICER,)
RECORD_READERS = (Role.ADMIN, Role.SUBSIDY_OFFICER, Role.AUDITOR)

SignedIn = Annotated[Principal, Depends(require(*SIGNED_IN))]
FleetReader = Annotated[Principal, Depends(require(*FLEET_READERS))]
FleetWriter = Annotated[Principal, Depends(require(*FLEET_WRITERS))]
ActivityReader = Annotated[Principal, Depends(require(*ACTIVITY_READERS))]
Admin = Annotated[Principal, Depends(require(*ADMINS))]
LogbookReader = Annotated[Principal, Depends(require(*LOGBOOK_READERS))]
Officer = Annotated[Principal, Depends(require(*OFFICERS))]
RecordReader = Annotated[Principal, Depends(require(*RECORD_READERS))]
