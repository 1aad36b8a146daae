"""Triggers in two dialects: each migration keeps its SQLite triggers and their PL/pgSQL twins side by side.

A migration lists its SQLite trigger statements and, for PostgreSQL, one `PgTrigger` per SQLite trigger with the
same name (tests/test_server.py checks the names pair up, so a new SQLite trigger cannot ship without its twin).
A twin raises SQLSTATE 23000 (integrity_constraint_violation) with the SQLite message, so both drivers report an
IntegrityError with the same words, and the kernel's backstop translation maps both to the same refusal.

PostgreSQL also needs what SQLite does by itself: an ``INTEGER PRIMARY KEY`` there takes max(id) + 1, and the ops
insert explicit ids (max + 1 under the write lock); `id_follows` keeps each serial sequence past max(id) so an
insert that leaves the id to the database never collides with one that gave it.

The statements these helpers build are part of the migrations that call them: never change their output
(a new shape is a new helper).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

INTEGRITY = "23000"  # integrity_constraint_violation: psycopg raises IntegrityError, as sqlite3 does for RAISE(ABORT)

_NAME = re.compile(r"CREATE\s+TRIGGER\s+(\w+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PgTrigger:
    """A row trigger and its PL/pgSQL function ``<name>_fn``.

    ``on``: e.g. ``BEFORE UPDATE ON ledger``; ``when``: the trigger's WHEN condition (no subqueries there in
    PostgreSQL; put those in ``body``); ``body``: PL/pgSQL statements before the ``RETURN``; ``returns``: NEW
    (OLD for a DELETE trigger; ignored for AFTER triggers)."""

    name: str
    on: str
    body: str
    when: str | None = None
    returns: str = "NEW"

    def statements(self) -> list[str]:
        function = (f"CREATE FUNCTION {self.name}_fn() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
                    f"{self.body}\nRETURN {self.returns};\nEND $$")
        when = f" WHEN ({self.when})" if self.when else ""
        trigger = f"CREATE TRIGGER {self.name} {self.on} FOR EACH ROW{when} EXECUTE FUNCTION {self.name}_fn()"
        return [function, trigger]


def refuse(message: str) -> str:
    """The PL/pgSQL of SQLite's ``SELECT RAISE(ABORT, message)``."""
    return f"RAISE EXCEPTION '{message}' USING ERRCODE = '{INTEGRITY}';"


def refusal(name: str, on: str, message: str, when: str | None = None) -> PgTrigger:
    """A trigger that refuses every row it fires for (append-only tables, immutable history)."""
    return PgTrigger(name, on, refuse(message), when, returns="OLD" if "DELETE" in on.upper() else "NEW")


ID_FOLLOWS_FUNCTION = """CREATE FUNCTION bianzhi_id_follows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), COALESCE((SELECT MAX(%I) FROM %I), 0) + 1, false)',
               TG_TABLE_NAME, TG_ARGV[0], TG_ARGV[0], TG_TABLE_NAME);
RETURN NULL;
END $$"""


def id_follows(table: str, column: str = "id") -> str:
    """After each INSERT statement on ``table``, the sequence of its serial ``column`` continues past the column's
    max (SQLite's rowid rule)."""
    return (f"CREATE TRIGGER {table}_id_follows AFTER INSERT ON {table} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION bianzhi_id_follows('{column}')")


def sqlite_names(statements: Sequence[str]) -> list[str]:
    return [m.group(1) for s in statements if (m := _NAME.search(s))]


def install(op: Any, *, sqlite: Sequence[str], postgresql: Sequence[PgTrigger | str]) -> None:
    """Run the triggers of the connection's dialect (``op`` is Alembic's). Refuses another dialect, and a
    PostgreSQL list that does not give every SQLite trigger its twin of the same name."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in sqlite:
            op.execute(statement)
        return
    if dialect != "postgresql":
        raise NotImplementedError(f"No triggers for the {dialect} dialect: a book lives in SQLite or PostgreSQL")
    missing = set(sqlite_names(sqlite)) - {t.name for t in postgresql if isinstance(t, PgTrigger)}
    if missing:
        raise RuntimeError(f"SQLite triggers without a PL/pgSQL twin: {sorted(missing)}")
    for twin in postgresql:
        for statement in (twin.statements() if isinstance(twin, PgTrigger) else [twin]):
            op.execute(statement)
