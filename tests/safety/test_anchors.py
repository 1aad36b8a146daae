"""Anchors outside the file (issue 14): a chain cut back or re-hashed verifies from inside the book, so `check`
compares it with the heads kept elsewhere — the witness file (written at every close), the manifests of the
book's backups, and heads printed on reports given as `--anchor`."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from bookhelpers import DOC

from bianzhi_app.ledger import entry_hash


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def witness() -> Path:
    return Path(os.environ["BIANZHI_WITNESS"])


def head(path: Path) -> tuple[int, str]:
    conn = raw(path)
    try:
        return conn.execute("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
    finally:
        conn.close()


def cut_back(path: Path, n: int) -> None:
    """What an attacker with the file does: drop the append-only trigger and delete the last n entries."""
    conn = raw(path)
    conn.execute("DROP TRIGGER ledger_no_delete")
    last = conn.execute("SELECT MAX(seq) FROM ledger").fetchone()[0]
    conn.execute("DELETE FROM ledger WHERE seq > ?", (last - n,))
    conn.close()


def rehash_after_edit(path: Path, seq: int) -> None:
    """Edit entry `seq` and recompute every hash from there on: the chain verifies again from inside."""
    conn = raw(path)
    conn.row_factory = sqlite3.Row
    conn.execute("DROP TRIGGER ledger_no_update")
    conn.execute("UPDATE ledger SET document_number = '杨编发〔2026〕99号' WHERE seq = ?", (seq,))
    prev = conn.execute("SELECT hash FROM ledger WHERE seq = ?", (seq - 1,)).fetchone()[0]
    for row in conn.execute("SELECT * FROM ledger WHERE seq >= ? ORDER BY seq", (seq,)).fetchall():
        entry = dict(row)
        entry["prev_hash"] = prev
        prev = entry_hash(entry)
        conn.execute("UPDATE ledger SET prev_hash = ?, hash = ? WHERE seq = ?", (entry["prev_hash"], prev, row["seq"]))
    conn.close()


@pytest.fixture
def book(region, db_path):  # type: ignore[no-untyped-def]
    region.ok("quota", "set", "区农业农村局", "xz", "14", "--doc", DOC)
    region.ok("quota", "set", "区农业农村局", "sy", "3", "--doc", DOC)
    return region


def test_every_close_leaves_the_head_in_the_witness_file_readable_only_by_its_owner(book, db_path):
    seen = json.loads(witness().read_text(encoding="utf-8"))[os.path.normcase(str(db_path))]
    assert (seen["seq"], seen["hash"]) == head(db_path)
    assert stat.S_IMODE(witness().stat().st_mode) == 0o600
    assert book.json("check")["ok"]


def problems(book) -> list[str]:  # type: ignore[no-untyped-def]
    """Every problem `check --json` lists (the replay of the figures may name the cut first)."""
    rc, out, err = book("--json", "check")
    assert rc == 6, err
    return json.loads(out)["problems"]


def test_a_chain_cut_back_passes_inside_the_file_but_not_against_the_witness(book, db_path):
    before = head(db_path)
    cut_back(db_path, 2)
    found = [p for p in problems(book) if "本机见证记录" in p]
    assert found and f"第{before[0]}条" in found[0] and "被删除" in found[0]
    again = json.loads(witness().read_text(encoding="utf-8"))[os.path.normcase(str(db_path))]
    assert (again["seq"], again["hash"]) == before  # closing the cut book did not move the witness back
    assert book("check")[0] == 6


def test_a_chain_rehashed_after_an_edit_is_found_by_the_witness(book, db_path):
    rehash_after_edit(db_path, 3)  # its 文号 is none of the documents': the replay names that first
    assert any("本机见证记录" in p and "重新计算了哈希" in p for p in problems(book))


def test_a_head_printed_on_a_report_is_an_anchor(book, db_path):
    seq, digest = head(db_path)
    witness().unlink()  # another PC: only the printed head is known
    assert book.json("check", "--anchor", f"#{seq} {digest[:12]}")["ok"]
    rehash_after_edit(db_path, 2)
    witness().unlink()
    rc, out, err = book("--json", "check", "--anchor", f"#{seq} {digest[:12]}")
    assert rc == 6 and any(f"--anchor「#{seq} {digest[:12]}」" in p for p in json.loads(out)["problems"]), err
    rc, _out, err = book("check", "--anchor", "#12 9f39")
    assert rc == 4 and "台账锚点" in err


def test_a_backup_manifest_is_an_anchor(book, db_path, tmp_path):
    book.ok("backup")
    taken = head(db_path)
    witness().unlink()
    cut_back(db_path, 1)
    found = [p for p in problems(book) if "备份清单" in p]
    assert found and f"第{taken[0]}条" in found[0]


def test_restoring_an_older_backup_starts_the_witness_afresh(book, db_path, tmp_path):
    target = tmp_path / "old.bak"
    book.ok("backup", str(target))
    book.ok("quota", "set", "区农业农村局", "xz", "15", "--doc", DOC)
    book.ok("backup")  # a backup of the branch the restore abandons
    book.admin.ok("restore", str(target))
    assert book.json("check")["ok"]  # neither the witness nor the abandoned branch's backup is an anchor now
    book.ok("quota", "set", "区农业农村局", "xz", "16", "--doc", DOC)
    assert book.json("check")["ok"]


def test_a_new_book_where_an_old_one_was_replaces_its_witness(book, db_path, cli):
    db_path.unlink()
    for extra in ("-wal", "-shm"):
        Path(f"{db_path}{extra}").unlink(missing_ok=True)
    cli.ok("init", "--region", "杨陵区", "--code", "610403")
    assert cli.json("check")["ok"]


def old_copy(path: Path, dest: Path) -> None:
    """A consistent copy of the book as it stands (the attacker keeps it to put back later)."""
    src, dst = raw(path), sqlite3.connect(dest)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def put_back(old: Path, path: Path) -> None:
    for extra in ("-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    path.write_bytes(old.read_bytes())


def test_a_book_put_back_older_than_its_witness_opens_read_only_naming_the_anchor(book, db_path, tmp_path):
    """Issue 14: every trigger in place, the file swapped for an older copy of itself; the CLI must not keep
    writing onto that chain (new entries would bury the cut): writes are refused, naming the witness's head."""
    old = tmp_path / "old.db"
    old_copy(db_path, old)
    book.ok("quota", "set", "区农业农村局", "xz", "15", "--doc", DOC)
    seq, digest = head(db_path)
    put_back(old, db_path)
    before = old.read_bytes()
    rc, out, err = book("quota", "set", "区农业农村局", "xz", "16", "--doc", DOC)
    assert rc == 1 and "只读" in err and "本机见证记录" in err and f"#{seq} {digest[:12]}" in err, err
    assert "Traceback" not in err + out
    assert db_path.read_bytes() == before  # nothing written onto the cut chain
    status = book.json("status")  # reads still work
    assert status["units"][0]["quota"]["xz"]["approved"] == 14
    assert book("check")[0] == 6
    after = json.loads(witness().read_text(encoding="utf-8"))[os.path.normcase(str(db_path))]
    assert (after["seq"], after["hash"]) == (seq, digest)  # the witness did not move back


def test_a_chain_rehashed_with_its_triggers_put_back_opens_read_only(book, db_path):
    conn = raw(db_path)
    trigger = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'ledger_no_update'").fetchone()[0]
    conn.close()
    rehash_after_edit(db_path, 3)
    conn = raw(db_path)
    conn.execute(trigger)  # the schema as the migrations made it: only the anchor tells
    conn.close()
    seq, _digest = head(db_path)
    rc, _out, err = book("quota", "set", "区农业农村局", "xz", "16", "--doc", DOC)
    assert rc == 1 and "重新计算了哈希" in err and f"#{seq} " in err, err
    assert book.json("status")["units"][0]["quota"]["xz"]["approved"] == 14
