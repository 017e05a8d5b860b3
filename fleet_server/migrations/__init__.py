"""The database schema's history: Alembic revisions, and bringing a database up to the newest."""
