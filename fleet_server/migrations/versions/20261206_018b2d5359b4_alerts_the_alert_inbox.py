"""alerts: the alert inbox (fleet_server/alerts), one row per alert with its repeats counted

Enums store member names, as native types on PostgreSQL (dropped with the table on downgrade)
and as VARCHAR on SQLite, like the initial schema's.

Revision ID: 018b2d5359b4
Revises: 33148a0380da
Create Date: 2026-12-06 14:30:18.287964
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "018b2d5359b4"
down_revision = "33148a0380da"
branch_labels = None
depends_on = None

ENUM_TYPES = ("alertkind", "alertseverity")
INDEXED = ("acknowledged_at", "incident_id", "kind", "last_at", "robot")


def upgrade() -> None:
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "INCIDENT_REPORTED",
                "INCIDENT_ESCALATED",
                "INCIDENT_HELD",
                "ROBOT_ERROR",
                "ROBOT_OFFLINE",
                "FOREIGN_ORDER",
                "LOW_BATTERY",
                name="alertkind",
            ),
            nullable=False,
        ),
        sa.Column(
            "severity", sa.Enum("LOW", "MEDIUM", "HIGH", name="alertseverity"), nullable=False
        ),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("message", sa.String(), nullable=False),
        sa.Column("site_id", sa.String(), nullable=True),
        sa.Column("robot", sa.String(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("mission_id", sa.Integer(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_by", sa.String(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in INDEXED:
        op.create_index(op.f(f"ix_alert_{column}"), "alert", [column], unique=False)


def downgrade() -> None:
    for column in INDEXED:
        op.drop_index(op.f(f"ix_alert_{column}"), table_name="alert")
    op.drop_table("alert")
    # PostgreSQL keeps enum types after their tables are dropped; SQLite has none.
    for name in ENUM_TYPES:
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)
