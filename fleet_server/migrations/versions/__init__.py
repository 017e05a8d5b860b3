"""The revisions, oldest first by their down_revision chain (Alembic reads every file here)."""
