"""Forged backups and an edited schema (issue 14).

`restore` runs the full check (chain, counters, schema fingerprint) on the candidate before swapping it in: a
backup with a trigger dropped, entry #50 changed and a counter raised, VACUUMed, with its manifest's sha256 and
size recomputed, is refused and the book stays as it was. A backup of another region needs --other-region. Temp
copies a killed backup left are swept at the next start in every backup folder, and backups are 0600.
`check` and opening verify the triggers, CHECK/UNIQUE constraints and indexes against the migrations: a book
missing one opens read-only saying so, refuses writes, and check exits 6 naming it."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path

import pytest
from bookhelpers import DOC, Cli, fingerprint, raw_sql

from bianzhi_app.book import Book
from bianzhi_app.db.fingerprint import check_clauses, generate, schema_problems
from bianzhi_app.recovery import restore_book
from bianzhi_app.safety.backup import BackupCorrupt, manifest_path_for


def trigger_sql(path: Path, name: str) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0])
    finally:
        conn.close()


def forge(backup: Path, *statements: str) -> None:
    """Edit a backup as an attacker with the file would, then VACUUM it and make its manifest agree."""
    raw_sql(backup, *statements)
    conn = sqlite3.connect(backup)
    conn.execute("VACUUM")
    page_count = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    manifest = manifest_path_for(backup)
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["sha256"] = hashlib.sha256(backup.read_bytes()).hexdigest()
    data["size"] = backup.stat().st_size
    data["page_count"] = page_count
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def vacant_quota(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT unit_id, kind_id FROM quotas WHERE used + reserved + 1 <= approved + allowance "
                           "ORDER BY unit_id LIMIT 1").fetchone()
        return int(row[0]), int(row[1])
    finally:
        conn.close()


def tamper_statements(path: Path, what: str) -> list[str]:
    unit_id, kind_id = vacant_quota(path)
    no_update = trigger_sql(path, "ledger_no_update")
    statements = {
        "trigger": ["DROP TRIGGER quota_no_delete"],
        "entry": ["DROP TRIGGER ledger_no_update", "UPDATE ledger SET actor = '某人' WHERE seq = 50", no_update],
        "counter": [f"UPDATE quotas SET used = used + 1 WHERE unit_id = {unit_id} AND kind_id = {kind_id}"],
    }
    if what == "all":
        return [*statements["trigger"], *statements["entry"], *statements["counter"]]
    return statements[what]


WORDS = {"trigger": "触发器quota_no_delete", "entry": "台账第50条", "counter": "计数不符", "all": "计数不符"}


@pytest.mark.parametrize("what", ["all", "trigger", "entry", "counter"])
def test_a_forged_backup_is_refused_and_the_book_kept(demo_book: Path, tmp_path: Path, what: str) -> None:
    with Book.open(demo_book) as book:
        made = book.backup(tmp_path / "backups")
        assert book.head().seq > 50
    forge(made.path, *tamper_statements(made.path, what))
    before = demo_book.read_bytes()
    with pytest.raises(BackupCorrupt, match="没有通过完整检查") as caught:
        restore_book(demo_book, made.path, folder=tmp_path / "kept")
    assert WORDS[what] in caught.value.message
    assert demo_book.read_bytes() == before
    assert not (tmp_path / "kept").exists()  # refused before the current book was even backed up


def test_an_honest_backup_still_restores(demo_book: Path, tmp_path: Path) -> None:
    with Book.open(demo_book) as book:
        made = book.backup(tmp_path / "backups")
        head = book.head()
    result = restore_book(demo_book, made.path, folder=tmp_path / "kept")
    assert result.ledger_head == {"seq": head.seq, "hash": head.hash, "alg": "sha256"}


def test_the_command_line_refuses_a_forged_backup_with_exit_6(region: Cli) -> None:
    for _ in range(3):
        region.ok("pool", "set", "sy", "210", "--doc", DOC)
    made = region.admin.json("backup")
    forge(Path(made["path"]), "DROP TRIGGER staffing_no_delete")
    before = fingerprint(region.db)
    code, out, err = region.admin("restore", made["path"])
    assert code == 6 and "触发器staffing_no_delete" in err and "Traceback" not in out + err
    assert fingerprint(region.db) == before


def test_a_backup_of_another_region_needs_confirmation(region: Cli, tmp_path: Path) -> None:
    other = Cli(tmp_path / "other.db", region.capsys)
    other.ok("init", "--region", "临渭区", "--code", "610502")
    made = other.admin.json("backup", str(tmp_path / "other-backups"))
    before = fingerprint(region.db)
    code, _out, err = region.admin("restore", made["path"])
    assert code == 3 and "临渭区(610502)" in err and "--other-region" in err
    assert fingerprint(region.db) == before
    region.admin.ok("restore", made["path"], "--other-region")
    assert region.admin.json("status")["region"]["code"] == "610502"


def test_temp_copies_of_a_killed_backup_are_swept_at_the_next_start(region: Cli, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    default = tmp_path / "default-backups"
    monkeypatch.setenv("BIANZHI_BACKUP_DIR", str(default))
    custom = tmp_path / "usb"
    made = region.admin.json("backup", str(custom))
    assert os.stat(made["path"]).st_mode & 0o777 == 0o600  # a full copy of personal data: the owner's only
    old = time.time() - 2 * 3600
    stale = [default / ".bianzhi-tmp-dead1.tmp", custom / ".bianzhi-tmp-dead2.tmp",
             region.db.parent / ".bianzhi-tmp-dead3.tmp", custom / ".bianzhi-tmp-dead2.tmp-journal"]
    default.mkdir(exist_ok=True)
    for path in stale:
        path.write_bytes(b"SQLite format 3\x00 personal data")
        os.utime(path, (old, old))
    running = custom / ".bianzhi-tmp-alive.tmp"  # another process's backup still being written
    running.write_bytes(b"SQLite format 3\x00")
    region.ok("status")
    assert [p for p in stale if p.exists()] == []
    assert running.exists()


def test_backup_temp_files_are_private(tmp_path: Path) -> None:
    from bianzhi_app.safety._files import make_temp

    temp = make_temp(tmp_path)
    assert temp.stat().st_mode & 0o777 == 0o600


# --- the schema fingerprint ------------------------------------------------------------------------------


def test_the_fingerprint_is_that_of_the_migrations() -> None:
    """Regenerate with `python -m bianzhi_app.db.fingerprint --write` after adding a migration."""
    expected = (Path(__file__).resolve().parents[2] / "bianzhi_app" / "db" / "schema_fingerprint.py").read_text(
        encoding="utf-8")
    assert generate() == expected


def test_a_fresh_and_a_demo_book_match(region: Cli, demo_book: Path) -> None:
    for path in (region.db, demo_book):
        conn = sqlite3.connect(path)
        assert schema_problems(conn) == []
        conn.close()


def drop_check(path: Path, table: str, constraint: str) -> None:
    """Rewrite a table's SQL without one CHECK constraint, as a tool with writable_schema could."""
    conn = sqlite3.connect(path)
    sql = str(conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0])
    start = sql.index(f"CONSTRAINT {constraint} CHECK")
    clause = next(c for c in check_clauses(sql[start:]))
    depth, end = 0, sql.index("(", start)
    for end in range(sql.index("(", start), len(sql)):
        depth += {"(": 1, ")": -1}.get(sql[end], 0)
        if depth == 0:
            break
    cut = sql[:start].rstrip().removesuffix(",") + sql[end + 1:]
    assert clause and cut != sql
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", (cut, table))
    conn.commit()
    conn.close()


@pytest.mark.parametrize(("edit", "named"), [
    (lambda p: raw_sql(p, "DROP TRIGGER quota_approved"), "触发器quota_approved"),
    (lambda p: raw_sql(p, "DROP INDEX ix_staffing_one_open"), "索引ix_staffing_one_open"),
    (lambda p: drop_check(p, "quotas", "quota_within_limit"), "表quotas的CHECK或UNIQUE约束"),
    (lambda p: raw_sql(p, "CREATE TRIGGER sneak AFTER INSERT ON persons BEGIN SELECT 1; END"), "多出触发器sneak"),
], ids=["trigger", "index", "check", "added"])
def test_an_edited_schema_is_named_by_check_and_opens_read_only(region: Cli, edit, named: str) -> None:  # type: ignore[no-untyped-def]
    edit(region.db)
    before = fingerprint(region.db)
    code, out, err = region("check")
    assert code == 6 and named in err, err
    code, out, err = region("status")
    assert code == 0 and "只读方式打开" in err and named in err
    code, out, err = region("quota", "set", "区农业农村局", "xz", "13", "--doc", DOC)
    assert code != 0 and named in err and "只读方式打开" in err and "Traceback" not in out + err
    assert fingerprint(region.db) == before
    with Book.open(region.db) as book:
        assert book.read_only and named in (book.read_only_reason or "")


def test_a_schema_edit_in_a_book_without_accounts_refuses_core_writes(tmp_path: Path) -> None:
    from bianzhi_app.safety.errors import ReadOnlyBook

    path = tmp_path / "b.db"
    with Book.open(path) as book:
        book.region.init(name="杨陵区", code="610403")
    raw_sql(path, "DROP TRIGGER staffing_enter")
    with Book.open(path) as book, pytest.raises(ReadOnlyBook, match="触发器staffing_enter"):
        book.region.set_pool(kind="xz", total=5, doc=DOC)
