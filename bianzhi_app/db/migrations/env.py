"""Alembic environment: always run with a connection handed in by bianzhi_app.db.migrate."""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - the app always passes its connection
    raise RuntimeError("Run migrations through bianzhi_app.db.migrate.upgrade()")

context.configure(
    connection=connection,
    target_metadata=None,
    render_as_batch=True,  # SQLite ALTER TABLE goes through batch mode
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()
