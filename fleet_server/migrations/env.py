"""Alembic's environment: runs the revisions on the connection fleet_server hands it.

Alembic executes this file; the connection and the models' metadata come in the Config's
attributes (see config.py), so there is no alembic.ini and no URL to read here.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.types import TypeDecorator


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Our column types as the plain SQLAlchemy types they store (UTCDateTime: DateTime(timezone=
    True), sqlmodel's AutoString: String), so a revision never imports the models' code."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl_instance!r}"
    return False


def _run() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "run the revisions through `fleet db upgrade` (or fleet_server.migrations), "
            "which hands Alembic the database connection"
        )
    context.configure(
        connection=connection,
        target_metadata=config.attributes.get("target_metadata"),
        # SQLite alters a table by copying it: autogenerate writes every ALTER in a batch block.
        render_as_batch=True,
        render_item=_render_item,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


_run()
