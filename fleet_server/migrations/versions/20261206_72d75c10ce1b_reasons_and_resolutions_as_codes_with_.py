"""reasons and resolutions as codes with parameters

Beside each English sentence a mission or incident keeps (`reason`, an incident's `resolution`),
its code and its parameters, which the console words in the user's language. Rows already there
keep their English and get no code (the console shows the English): `*_code` NULL, `*_params`
`{}`.

Revision ID: 72d75c10ce1b
Revises: 34e3633bc07a
Create Date: 2026-12-06 17:39:10.699054
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "72d75c10ce1b"
down_revision = "34e3633bc07a"
branch_labels = None
depends_on = None

SENTENCES = {"incident": ("reason", "resolution"), "mission": ("reason",)}


def upgrade() -> None:
    # The params columns are added nullable, filled, then made NOT NULL: rows are already there.
    for table, sentences in SENTENCES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for sentence in sentences:
                batch_op.add_column(sa.Column(f"{sentence}_code", sa.String(), nullable=True))
                batch_op.add_column(sa.Column(f"{sentence}_params", sa.JSON(), nullable=True))
        for sentence in sentences:
            column = f"{sentence}_params"
            op.execute(sa.text(f"UPDATE {table} SET {column} = '{{}}' WHERE {column} IS NULL"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            for sentence in sentences:
                batch_op.alter_column(f"{sentence}_params", existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    for table, sentences in SENTENCES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for sentence in reversed(sentences):
                batch_op.drop_column(f"{sentence}_params")
                batch_op.drop_column(f"{sentence}_code")
