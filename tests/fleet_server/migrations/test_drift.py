"""The models and the revisions agree: a database made by every revision up to head has exactly
the schema the models describe. Change a model without a revision (`fleet db revision -m ...`)
and this fails, naming the difference."""

from __future__ import annotations

from sqlmodel import SQLModel

from fleet_server.migrations.config import model_differences
from fleet_server.migrations.upgrade import upgrade_database
from fleet_server.schema import connect


def test_the_revisions_at_head_make_the_schema_the_models_describe(empty_database: str) -> None:
    engine = connect(empty_database)
    try:
        _, state = upgrade_database(engine, SQLModel.metadata)
        assert state.at_head
        with engine.connect() as connection:
            differences = model_differences(connection, SQLModel.metadata)
    finally:
        engine.dispose()
    assert differences == [], (
        "the models differ from the revisions at head; write a revision with "
        "`fleet db revision -m '...'` and review it: " + "; ".join(map(str, differences))
    )
