"""templates: names and descriptions in each language

Two JSON columns, `{"zh": ..., "en": ...}`. Existing templates get `{}` (the console then shows
`name`); file templates get their files' names when the server next loads the directory.

Revision ID: 34e3633bc07a
Revises: 100b33e14ec7
Create Date: 2026-12-06 15:08:53.544856
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "34e3633bc07a"
down_revision = "100b33e14ec7"
branch_labels = None
depends_on = None

COLUMNS = ("names", "descriptions")


def upgrade() -> None:
    # Added nullable, filled, then made NOT NULL: the rows already there need a value.
    with op.batch_alter_table("template", schema=None) as batch_op:
        for column in COLUMNS:
            batch_op.add_column(sa.Column(column, sa.JSON(), nullable=True))
    for column in COLUMNS:
        op.execute(sa.text(f"UPDATE template SET {column} = '{{}}' WHERE {column} IS NULL"))
    with op.batch_alter_table("template", schema=None) as batch_op:
        for column in COLUMNS:
            batch_op.alter_column(column, existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("template", schema=None) as batch_op:
        for column in reversed(COLUMNS):
            batch_op.drop_column(column)
