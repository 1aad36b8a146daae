"""The migration chain creates the schema; opening a book migrates it; the head constant is right."""

import sqlite3

from bianzhi_app.book import Book
from bianzhi_app.db import SCHEMA_HEAD
from bianzhi_app.db.migrate import alembic_head, current_revision


def test_schema_head_constant_matches_alembic():
    assert alembic_head() == SCHEMA_HEAD


def test_open_creates_and_migrates_then_reopens_without_alembic(tmp_path):
    path = tmp_path / "new.db"
    with Book.open(path) as book:
        assert current_revision(book.engine) == SCHEMA_HEAD
        assert [k.code for k in book.catalog.kinds] == ["xz", "zf", "sy", "gq"]
        assert [k.code for k in book.catalog.post_kinds] == ["zz", "fz", "nz", "nf"]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    assert {"staffing_enter", "ledger_no_update", "ledger_no_delete", "ledger_append"} <= triggers
    conn.close()


def test_write_transactions_begin_immediate(tmp_path):
    statements = []
    with Book.open(tmp_path / "b.db") as book:
        from sqlalchemy import event

        event.listen(book.engine, "before_cursor_execute",
                     lambda conn, cursor, statement, *a: statements.append(statement))
        from bianzhi_app.ops.region import init_region

        book.run(init_region, name="某区", code="610404")
        with book.read() as conn:
            conn.exec_driver_sql("SELECT 1")
    assert "BEGIN IMMEDIATE" in statements
    assert statements.count("BEGIN") >= 1
