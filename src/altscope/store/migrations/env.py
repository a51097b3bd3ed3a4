"""Alembic environment, driven programmatically by :mod:`altscope.store.migrate`.

The caller passes an open connection in ``config.attributes["connection"]``; no alembic.ini
is needed.
"""

from __future__ import annotations

from alembic import context

from altscope.store.migrate import configure_context

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through altscope.store.migrate (no connection was given)")

configure_context(context, connection)
with context.begin_transaction():
    context.run_migrations()
