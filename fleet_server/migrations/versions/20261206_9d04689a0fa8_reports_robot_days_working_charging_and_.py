"""reports: robot days' working, charging and battery used; indexes for the fleet's reports

Robot days gain seconds_working (active off the charger), seconds_charging and
battery_used_percent; telemetry samples gain charging. Rows written before this revision read 0 /
false: the new columns keep that server default (SQLite adds a NOT NULL column only with one, and
dropping it again would copy the whole telemetry table there). The reports count missions by
finished_at and robots' days by day, and a robot's history reads its samples by time: each gets
an index.

Revision ID: 9d04689a0fa8
Revises: 018b2d5359b4
Create Date: 2026-12-06 14:28:15.124197
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "9d04689a0fa8"
down_revision = "018b2d5359b4"
branch_labels = None
depends_on = None

ROBOT_DAY_FIGURES = ("seconds_working", "seconds_charging", "battery_used_percent")


def upgrade() -> None:
    with op.batch_alter_table("mission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mission_finished_at"), ["finished_at"], unique=False)

    with op.batch_alter_table("robotday", schema=None) as batch_op:
        for name in ROBOT_DAY_FIGURES:
            batch_op.add_column(sa.Column(name, sa.Float(), nullable=False, server_default="0"))
        batch_op.create_index(batch_op.f("ix_robotday_day"), ["day"], unique=False)

    with op.batch_alter_table("telemetrysample", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("charging", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(
            "ix_telemetrysample_serial_number_time", ["serial_number", "time"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("telemetrysample", schema=None) as batch_op:
        batch_op.drop_index("ix_telemetrysample_serial_number_time")
        batch_op.drop_column("charging")

    with op.batch_alter_table("robotday", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_robotday_day"))
        for name in reversed(ROBOT_DAY_FIGURES):
            batch_op.drop_column(name)

    with op.batch_alter_table("mission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mission_finished_at"))
