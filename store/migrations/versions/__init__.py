"""Alembic revisions of the store, one file each (alembic skips this file)."""
