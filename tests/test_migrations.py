"""The migration chain creates the schema; opening a book migrates it; the head constant is right."""

import sqlite3

from bianzhi_app.book import Book
from bianzhi_app.db import SCHEMA_HEAD
from bianzhi_app.db.migrate import alembic_head, current_revision, migrate_to


def book_at(path, revision):  # type: ignore[no-untyped-def]
    """A new book file migrated only up to `revision` (as an older version of the program left it)."""
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{path}")
    migrate_to(engine, revision)
    engine.dispose()
    return path


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


def test_0002_adds_frozen_snapshots_to_a_0001_book_with_data(tmp_path):
    """A book written at 0001 keeps its data and gains the snapshots table with its triggers."""
    import pytest
    from sqlalchemy import create_engine

    from bianzhi_app.ops.snapshots import list_snapshots

    path = book_at(tmp_path / "old.db", "0001")
    assert current_revision(create_engine(f"sqlite:///{path}")) == "0001"
    raw = sqlite3.connect(path)
    raw.execute("INSERT INTO regions (name, code, office_name, created_on) "
                "VALUES ('旧区', '610404', '旧区编办', '2019-03-01')")
    raw.commit()
    raw.close()

    with Book.open(path) as book:
        assert current_revision(book.engine) == SCHEMA_HEAD
        with book.read() as conn:
            assert list_snapshots(conn) == []
        assert book.catalog.kinds  # the 0001 data survived
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM regions").fetchone()[0] == "旧区"
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    assert {"snapshots_no_update", "snapshots_no_delete"} <= triggers
    conn.execute("INSERT INTO snapshots (quarter, period_end, ledger_seq, ledger_hash, figures, figures_sha256, "
                 "taken_at, taken_by, entry_seq) VALUES ('2020Q1', '2020-03-31', 1, 'h', '{}', 's', 't', 'u', 2)")
    with pytest.raises(sqlite3.DatabaseError, match="frozen"):
        conn.execute("UPDATE snapshots SET figures = '{\"x\": 1}'")
    with pytest.raises(sqlite3.DatabaseError, match="frozen"):
        conn.execute("DELETE FROM snapshots")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO snapshots (quarter, period_end, ledger_seq, ledger_hash, figures, figures_sha256, "
                     "taken_at, taken_by, entry_seq) VALUES ('2020Q1', '2020-03-31', 1, 'h', '{}', 's', 't', 'u', 3)")
    conn.close()


def test_0003_indexes_active_units_by_category_and_the_tree_query_uses_it(tmp_path):
    """A book at 0002 gains the index on open; counting a category's active units reads only it."""
    from bianzhi_app import queries as q

    path = book_at(tmp_path / "old.db", "0002")
    with Book.open(path) as book:
        assert current_revision(book.engine) == SCHEMA_HEAD
        book.region.init(name="旧区", code="610404")
        book.units.add(name="区财政局", category="政府工作部门", rank="正科", doc="旧编发〔2020〕1号")
        with book.read() as conn:
            assert q.unit_categories(conn) == [("政府工作部门", 1)]
    raw = sqlite3.connect(path)
    plan = raw.execute("EXPLAIN QUERY PLAN SELECT category, count(*) FROM units WHERE status = 'active' "
                       "GROUP BY category").fetchall()
    raw.close()
    assert any("ix_units_active_category" in str(step[-1]) for step in plan), plan


def test_0006_adds_the_package_tables_to_a_0005_book_with_data(tmp_path):
    """A book written at 0005 keeps its region and key, gains the empty package tables, and makes its keys."""
    path = book_at(tmp_path / "old.db", "0005")
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO regions (id, name, code, office_name, created_on) "
                 "VALUES (1, '旧区', '610404', '旧区编办', '2020-01-01')")
    conn.commit()
    conn.close()
    with Book.open(path) as book:
        assert current_revision(book.engine) == SCHEMA_HEAD
        public = book.packages.public_keys()
        assert (public.name, public.code) == ("旧区", "610404")
        with book.read() as reader:
            counts = [reader.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                      for t in ("subregions", "region_packages", "region_anchors", "region_persons")]
        assert counts == [0, 0, 0, 0]
    with Book.open(path) as book:
        assert book.packages.public_keys() == public  # made once, sealed under the book's data key
