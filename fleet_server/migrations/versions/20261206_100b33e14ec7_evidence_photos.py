"""evidence photos, incidents awaiting confirmation, the words robots spoke

The evidencephoto table (robots' uploaded photos and their SHA-256); incident.spoken (existing
incidents get an empty list) and incident.answered_at; the enum members
incidentstatus.AWAITING_CONFIRMATION and entrykind.PHOTO. PostgreSQL (12 or newer) adds enum
members inside the upgrade's transaction; SQLite stores enums as VARCHAR, widened for the longer
member. Downgrade turns awaiting incidents back to on_scene and refuses a database whose logbook
has photo entries (the logbook is append-only); PostgreSQL keeps the two enum members.

Revision ID: 100b33e14ec7
Revises: 9d04689a0fa8
Create Date: 2026-12-06 14:34:13.072508
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "100b33e14ec7"
down_revision = "9d04689a0fa8"
branch_labels = None
depends_on = None

OLD_STATUSES = ("OPEN", "DISPATCHED", "ON_SCENE", "RESOLVED", "ESCALATED")
NEW_STATUSES = ("OPEN", "DISPATCHED", "ON_SCENE", "AWAITING_CONFIRMATION", "RESOLVED", "ESCALATED")


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.create_table(
        "evidencephoto",
        sa.Column("photo_id", sa.String(length=100), nullable=False),
        sa.Column("robot", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=20), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("stored_as", sa.String(length=200), nullable=False),
        sa.Column("mission_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("photo_id"),
    )
    with op.batch_alter_table("evidencephoto", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidencephoto_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_evidencephoto_mission_id"), ["mission_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_evidencephoto_robot"), ["robot"], unique=False)

    if _postgresql():
        op.execute(
            "ALTER TYPE incidentstatus ADD VALUE IF NOT EXISTS 'AWAITING_CONFIRMATION' "
            "AFTER 'ON_SCENE'"
        )
        op.execute("ALTER TYPE entrykind ADD VALUE IF NOT EXISTS 'PHOTO'")

    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("spoken", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE incident SET spoken = '[]'")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.alter_column("spoken", existing_type=sa.JSON(), nullable=False)
        if not _postgresql():
            batch_op.alter_column(
                "status",
                existing_type=sa.VARCHAR(length=10),
                type_=sa.Enum(*NEW_STATUSES, name="incidentstatus"),
                existing_nullable=False,
            )


def downgrade() -> None:
    photos = op.get_bind().execute(
        sa.text("SELECT count(*) FROM logbookentry WHERE kind = 'PHOTO'")
    ).scalar()
    if photos:
        raise RuntimeError(
            f"the logbook holds {photos} photo entries, which the older schema cannot read; "
            "the logbook is append-only, so this database stays at this revision"
        )
    op.execute("UPDATE incident SET status = 'ON_SCENE' WHERE status = 'AWAITING_CONFIRMATION'")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        if not _postgresql():
            batch_op.alter_column(
                "status",
                existing_type=sa.Enum(*NEW_STATUSES, name="incidentstatus"),
                type_=sa.VARCHAR(length=10),
                existing_nullable=False,
            )
        batch_op.drop_column("answered_at")
        batch_op.drop_column("spoken")

    with op.batch_alter_table("evidencephoto", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidencephoto_robot"))
        batch_op.drop_index(batch_op.f("ix_evidencephoto_mission_id"))
        batch_op.drop_index(batch_op.f("ix_evidencephoto_incident_id"))
    op.drop_table("evidencephoto")
