"""Alembic migrations of the altscope schema (run through altscope.store.migrate)."""
