"""Migration 0005 on a book made by the previous version (tests/fixtures/book_0004.db.xz, written by the program
before personal data was encrypted; see tests/fixtures/make_book_0004.py): ID numbers sealed, no full ID number,
birth date or password-derived secret left in the file or its WAL, every account still signs in and sees the
same roster, full numbers come back for a clerk, the recovery key still works, and `check` passes; and the same on
the office server (persons altered in place, its foreign keys kept, no clear number left in its table file)."""

from __future__ import annotations

import base64
import json
import lzma
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from leakcheck import leaks

from bianzhi_app.accounts.store import Credentials
from bianzhi_app.book import Book
from bianzhi_app.check import run_check
from bianzhi_app.db import SCHEMA_HEAD
from bianzhi_app.db.migrate import current_revision

FIXTURES = Path(__file__).parent / "fixtures"
DEMO = json.loads((FIXTURES / "book_0004.json").read_text())
PASSWORD = DEMO["password"]
ACCOUNTS = ("admin", "auditor", "jingban", "shenhe", "chaxun")


def file_bytes(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def unpack_old_book(path: Path) -> tuple[list[Any], list[str]]:
    """The 0004 fixture written to `path`; its roster and ID numbers as the old version kept them, in clear."""
    path.write_bytes(lzma.decompress((FIXTURES / "book_0004.db.xz").read_bytes()))
    conn = sqlite3.connect(path)
    roster = sorted(conn.execute(
        "SELECT p.name, p.id_number, u.name, s.kind_id FROM persons p JOIN staffing_periods s ON s.person_id = p.id"
        " AND s.end_date IS NULL JOIN units u ON u.id = s.unit_id").fetchall())
    ids = [r[0] for r in conn.execute("SELECT id_number FROM persons")]
    conn.close()
    return roster, ids


def old_book_on_server(pg_server: Any, path: Path, name: str) -> tuple[str, list[Any], list[str]]:
    """The 0004 fixture (unpacked at `path`) copied into a fresh server database `name` at revision 0004: its URL,
    and the roster and ID numbers as the old version kept them."""
    import pgcluster

    from bianzhi_app.copying import _copy_rows
    from bianzhi_app.db.engine import make_engine
    from bianzhi_app.db.migrate import migrate_to

    roster, ids = unpack_old_book(path)
    with pgcluster.admin(pg_server.cluster) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    url = pg_server.cluster.url_for(name)
    source, dest = make_engine(path), make_engine(url)
    migrate_to(dest, "0004")
    _copy_rows(source, dest, None)
    source.dispose()
    assert current_revision(dest) == "0004"
    dest.dispose()
    return url, roster, ids


@pytest.fixture(scope="module")
def old_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """The 0004 book and what the old version kept in clear: ID numbers, roster, stored password hashes."""
    path = tmp_path_factory.mktemp("old") / "book.db"
    roster, ids = unpack_old_book(path)
    conn = sqlite3.connect(path)
    hashes = [r[0] for r in conn.execute("SELECT password_hash FROM accounts UNION ALL SELECT password_hash FROM "
                                         "password_history UNION ALL SELECT key_hash FROM recovery_keys")]
    head = conn.execute("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0004",)
    conn.close()
    return path, {"roster": roster, "ids": ids, "hashes": hashes, "head": head}


@pytest.fixture(scope="module")
def migrated(old_book: tuple[Path, dict[str, object]], tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[Path, dict[str, object], list[tuple[int, int]]]:
    path, old = old_book
    seen: list[tuple[int, int]] = []
    with Book.open(path, account=Credentials("jingban", PASSWORD),
                   progress=lambda done, total: seen.append((done, total))) as book:
        assert current_revision(book.engine) == SCHEMA_HEAD
    return path, old, seen


def test_migration_reports_progress_and_seals_every_id(migrated):  # type: ignore[no-untyped-def]
    path, old, seen = migrated
    total = len(old["ids"])
    assert total > 1000 and seen and seen[-1] == (total, total)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    conn = sqlite3.connect(path)
    columns = {r[1] for r in conn.execute("PRAGMA table_info(persons)")}
    assert {"id_number", "birth_date"}.isdisjoint(columns)
    assert {"id_region", "id_tail", "birth_year", "id_cipher", "id_hash"} <= columns
    assert conn.execute("SELECT count(DISTINCT id_hash) FROM persons").fetchone() == (total,)
    assert conn.execute("SELECT cipher, mac FROM book_crypto").fetchone() == ("sm4-gcm", "hmac-sm3")
    kinds = sorted(r[0] for r in conn.execute("SELECT kind FROM key_wraps"))
    assert kinds == ["account"] * len(ACCOUNTS) + ["recovery"]  # no open wrap once accounts exist
    assert conn.execute("SELECT count(*) FROM ledger").fetchone()[0] >= old["head"][0]
    conn.close()


def test_no_full_id_birth_date_or_scrypt_result_is_left_in_the_file_or_its_wal(migrated):  # type: ignore[no-untyped-def]
    path, old, _seen = migrated
    raw = file_bytes(path)
    found = leaks(raw, old["ids"], [PASSWORD, DEMO["recovery_key"]])
    assert not found, found[:5]
    assert leaks(lzma.decompress((FIXTURES / "book_0004.db.xz").read_bytes()), old["ids"][:5])  # the check sees
    # the old stored hashes held H itself (scrypt$…$H): neither the strings nor H's bytes remain
    for stored in old["hashes"]:
        h = stored.split("$")[-1]
        assert h.encode() not in raw and base64.b64decode(h) not in raw
    conn = sqlite3.connect(path)
    stored_now = [r[0] for r in conn.execute("SELECT password_hash FROM accounts UNION ALL SELECT password_hash"
                                             " FROM password_history UNION ALL SELECT key_hash FROM recovery_keys")]
    assert stored_now and all(s.startswith("scrypt-v$") for s in stored_now)
    conn.close()


def test_every_account_signs_in_and_sees_the_same_roster_masked(migrated):  # type: ignore[no-untyped-def]
    path, old, _seen = migrated
    masked = sorted((name, f"{n[:6]}********{n[-4:]}", unit, kind) for name, n, unit, kind in old["roster"])
    for name in ACCOUNTS:
        with Book.open(path, account=Credentials(name, PASSWORD)) as book:
            assert book.personal is not None, name  # every account's wrap opens the one data key
            rows = sorted((r["name"], r["id_number"], r["unit"], book.catalog.kind(r["kind"]).id)
                          for r in book.people.roster())
            assert rows == masked, name


def test_a_clerk_sees_the_same_full_numbers_and_check_passes(migrated):  # type: ignore[no-untyped-def]
    path, old, _seen = migrated
    with Book.open(path, account=Credentials("jingban", PASSWORD)) as book:
        full = sorted((r["name"], r["id_number"], r["unit"], book.catalog.kind(r["kind"]).id)
                      for r in book.people.roster(full_id=True, reason="迁移核对"))
        assert full == old["roster"]
        one = old["roster"][0][1]
        assert book.people.find(id_number=one.lower())["name"] == old["roster"][0][0]  # type: ignore[index]
        with book.read() as conn:
            report = run_check(conn, book.catalog, personal=book.personal)
        assert report.ok, report.problems[:3]  # the chain, the counters and every 建账 digest over the full IDs
    with Book.open(path, account=Credentials("auditor", PASSWORD)) as book:
        events = book.audit.events(event="reveal")
        assert events[-1].account == "jingban" and events[-1].detail["count"] == len(old["roster"])
        assert events[-1].detail["reason"] == "迁移核对"


def test_the_recovery_key_still_works_and_the_recovered_admin_holds_the_key(migrated):  # type: ignore[no-untyped-def]
    path, old, _seen = migrated
    new = "Recovered-2026x"
    with Book.open(path) as book:
        book.accounts.recover_admin(recovery_key=DEMO["recovery_key"], name="admin", password=new)
    with Book.open(path, account=Credentials("admin", new)) as book:
        assert book.personal is not None
        book.accounts.add(name="xinlai", roles=["clerk"], password="Xinlai-2026a", must_change=False)
    with Book.open(path, account=Credentials("xinlai", "Xinlai-2026a")) as book:
        assert sorted(r["id_number"] for r in book.people.roster(full_id=True, reason="核对")) == sorted(
            n for _, n, _, _ in old["roster"])


# The same migration on the office server: the 0004 book (the fixture's rows, loaded into a PostgreSQL database at
# revision 0004 by copy's row writer) is altered in place.


@pytest.fixture(scope="module")
def migrated_server(pg_server, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    import os

    path = tmp_path_factory.mktemp("old-server") / "book.db"
    url, roster, ids = old_book_on_server(pg_server, path, f"old_{os.getpid()}")
    seen: list[tuple[int, int]] = []
    with Book.open(url, account=Credentials("jingban", PASSWORD),
                   progress=lambda done, total: seen.append((done, total))) as book:
        assert current_revision(book.engine) == SCHEMA_HEAD
    yield url, {"roster": roster, "ids": ids}, seen
    pg_server.drop(url)


def test_server_migration_alters_persons_in_place_and_keeps_the_foreign_keys(migrated_server):  # type: ignore[no-untyped-def]
    import psycopg

    url, old, seen = migrated_server
    total = len(old["ids"])
    assert seen and seen[-1] == (total, total)
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        columns = {r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'persons'")}
        assert {"id_number", "birth_date"}.isdisjoint(columns)
        assert {"id_region", "id_tail", "birth_year", "id_cipher", "id_hash"} <= columns
        nullable = {r[0] for r in conn.execute("SELECT column_name FROM information_schema.columns WHERE"
                                               " table_name = 'persons' AND is_nullable = 'YES'")}
        assert not nullable
        references = sorted(r[0] for r in conn.execute(
            "SELECT conrelid::regclass::text FROM pg_constraint"
            " WHERE contype = 'f' AND confrelid = 'persons'::regclass"))
        assert references == ["appointments", "staffing_periods"]
        assert conn.execute("SELECT count(DISTINCT id_hash) FROM persons").fetchone() == (total,)
        kinds = sorted(r[0] for r in conn.execute("SELECT kind FROM key_wraps"))
        assert kinds == ["account"] * len(ACCOUNTS) + ["recovery"]
        indexes = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'persons'")}
        assert {"ix_persons_id_hash", "ix_persons_masked", "ix_persons_name"} <= indexes
        assert "persons_id_number_key" not in indexes
        triggers = {r[0] for r in conn.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
        assert {"persons_id_follows", "key_wraps_id_follows", "book_crypto_id_follows"} <= triggers


def test_server_migration_leaves_no_clear_number_in_the_persons_table_file(migrated_server, pg_server):  # type: ignore[no-untyped-def]
    import psycopg

    url, old, _seen = migrated_server
    if pg_server.cluster.folder is None:
        pytest.skip("the cluster's files are not on this machine (BIANZHI_TEST_PG)")
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute("CHECKPOINT")
        relation = conn.execute("SELECT pg_relation_filepath('persons')").fetchone()[0]
    raw = b"".join(p.read_bytes() for p in (pg_server.cluster.folder / "data").glob(relation + "*"))
    assert raw and not leaks(raw, old["ids"])


def test_server_migration_every_account_sees_the_same_roster_and_a_clerk_the_full_numbers(migrated_server):  # type: ignore[no-untyped-def]
    url, old, _seen = migrated_server
    masked = sorted((name, f"{n[:6]}********{n[-4:]}", unit, kind) for name, n, unit, kind in old["roster"])
    for name in ACCOUNTS:
        with Book.open(url, account=Credentials(name, PASSWORD)) as book:
            assert book.personal is not None, name
            rows = sorted((r["name"], r["id_number"], r["unit"], book.catalog.kind(r["kind"]).id)
                          for r in book.people.roster())
            assert rows == masked, name
    with Book.open(url, account=Credentials("jingban", PASSWORD)) as book:
        full = sorted((r["name"], r["id_number"], r["unit"], book.catalog.kind(r["kind"]).id)
                      for r in book.people.roster(full_id=True, reason="迁移核对"))
        assert full == old["roster"]
        with book.read() as conn:
            report = run_check(conn, book.catalog, personal=book.personal)
        assert report.ok, report.problems[:3]
    new = "Recovered-2026x"
    with Book.open(url) as book:
        book.accounts.recover_admin(recovery_key=DEMO["recovery_key"], name="admin", password=new)
    with Book.open(url, account=Credentials("admin", new)) as book:
        assert book.personal is not None


def test_the_command_that_migrates_says_where_the_clear_backup_is_once(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The pinned backup made before 0005 is the book as it was, clear numbers and all: the command that migrated
    says so on stderr, naming the file (which exists and is pinned); the next command says nothing of it."""
    import re

    from bookhelpers import Cli

    from bianzhi_app.safety.session import backup_dir

    path = tmp_path / "book.db"
    unpack_old_book(path)
    cli = Cli(path, capsys, user="chaxun", password=PASSWORD, setup=False)
    code, _out, err = cli("status")
    assert code == 0, err
    assert "仍含明文身份证号" in err
    named = re.search(r"备份「([^」]+)」", err)
    assert named is not None
    backup = backup_dir() / named.group(1)
    manifest = json.loads(backup.with_name(backup.name + ".json").read_text(encoding="utf-8"))
    assert manifest["pinned"] and manifest["extra"]["reason"] == "migration" and manifest["extra"]["schema"] == "0004"
    code, _out, err = cli("status")
    assert code == 0 and "明文" not in err
