"""`init --hash sm3` (issue 16): the ledger and the security log chained with SM3, recorded in the first
ledger entry that its own hash binds; `check` verifies either algorithm; `status --json` gives
`ledger_head.alg`; printed reports name the algorithm beside the head. And writes check the head (issue 14):
an edited newest entry refuses the next write, naming it, with the book left as it was."""

from __future__ import annotations

import json
import sqlite3
from hashlib import sha256
from pathlib import Path

import pdfplumber
import pytest
from bookhelpers import DOC, Cli, fingerprint, person_id, raw_sql
from cryptography.hazmat.primitives import hashes

from bianzhi_app.book import Book
from bianzhi_app.ledger import canonical_json


def sm3_hex(text: str) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(text.encode("utf-8"))
    return digest.finalize().hex()


def entry_text(row: sqlite3.Row) -> str:
    """The hashed text of a ledger entry, rebuilt here independently of the core."""
    scalars = [row["seq"], row["at"], row["effective_on"], row["actor"], row["op"], row["unit_id"], row["unit_name"],
               row["document_number"], row["prev_hash"]]
    if row["approver"]:
        scalars.append(row["approver"])
    return "\n".join((canonical_json(scalars), row["before"], row["after"], row["detail"]))


def ledger_rows(path: Path) -> list[sqlite3.Row]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute("SELECT * FROM ledger ORDER BY seq").fetchall()
    finally:
        conn.close()


def edit_ledger(path: Path, *statements: str) -> None:
    """Edit ledger rows as a tool would: drop the append-only trigger, edit, put the very same trigger back
    (so the schema fingerprint still matches and only the chain tells)."""
    conn = sqlite3.connect(path)
    trigger = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'ledger_no_update'").fetchone()[0]
    conn.close()
    raw_sql(path, "DROP TRIGGER ledger_no_update", *statements, trigger)


@pytest.fixture
def sm3_region(cli: Cli) -> Cli:
    cli.ok("init", "--region", "杨陵区", "--code", "610403", "--hash", "sm3")
    cli.ok("pool", "set", "xz", "100", "--doc", DOC)
    cli.ok("unit", "add", "区农业农村局", "--category", "政府工作部门", "--rank", "正科", "--doc", DOC)
    cli.ok("quota", "set", "区农业农村局", "xz", "12", "--doc", DOC)
    cli.ok("approval", "add", "区农业农村局", "xz", "1", "--method", "公开招录", "--doc", DOC)
    cli.ok("person", "enter", "区农业农村局", "xz", "--name", "张三", "--id", person_id(1))
    return cli


def test_sm3_book_chains_every_entry_with_sm3(sm3_region: Cli) -> None:
    entries = ledger_rows(sm3_region.db)
    assert len(entries) >= 6
    assert json.loads(entries[0]["after"])["hash_alg"] == "sm3"
    for row in entries:
        assert row["hash"] == sm3_hex(entry_text(row)), row["seq"]
        assert row["hash"] != sha256(entry_text(row).encode()).hexdigest()
    head = sm3_region.json("status")["ledger_head"]
    assert head == {"seq": entries[-1]["seq"], "hash": entries[-1]["hash"], "alg": "sm3"}
    assert sm3_region.json("check")["ok"] is True
    assert "SM3" in sm3_region.ok("status")


def test_sm3_book_security_log_is_chained_with_sm3(sm3_region: Cli) -> None:
    conn = sqlite3.connect(sm3_region.db)
    conn.row_factory = sqlite3.Row
    events = conn.execute("SELECT * FROM security_log ORDER BY seq").fetchall()
    conn.close()
    assert events
    for row in events:
        text = canonical_json([row["seq"], row["at"], row["account"], row["event"], row["prev_hash"]]) + "\n" + row[
            "detail"]
        assert row["hash"] == sm3_hex(text)


def test_default_book_stays_sha256(region: Cli) -> None:
    entries = ledger_rows(region.db)
    assert "hash_alg" not in json.loads(entries[0]["after"])
    assert entries[-1]["hash"] == sha256(entry_text(entries[-1]).encode()).hexdigest()
    assert region.json("status")["ledger_head"]["alg"] == "sha256"
    assert "SHA-256" in region.ok("status")


def test_demo_keeps_sha256(demo_book: Path) -> None:
    with Book.open(demo_book) as book:
        assert book.head().alg == "sha256"


def test_flipping_the_recorded_algorithm_breaks_the_chain(sm3_region: Cli) -> None:
    edit_ledger(sm3_region.db,
                """UPDATE ledger SET "after" = replace("after", ',"hash_alg":"sm3"', '') WHERE seq = 1""")
    assert "hash_alg" not in ledger_rows(sm3_region.db)[0]["after"]
    code, _out, err = sm3_region("check")
    assert code == 6 and "台账第1条" in err


def test_an_unknown_recorded_algorithm_is_named(sm3_region: Cli) -> None:
    edit_ledger(sm3_region.db, """UPDATE ledger SET "after" = replace("after", '"sm3"', '"md5"') WHERE seq = 1""")
    code, _out, err = sm3_region("check")
    assert code == 6 and "md5" in err


def test_sm3_chain_rewritten_as_sha256_from_entry_two_is_found(sm3_region: Cli) -> None:
    """An entry after the first re-hashed with SHA-256 (as a tool that ignores the algorithm would) fails."""
    entries = ledger_rows(sm3_region.db)
    last = entries[-1]
    forged = sha256(entry_text(last).encode()).hexdigest()
    edit_ledger(sm3_region.db, f"UPDATE ledger SET hash = '{forged}' WHERE seq = {last['seq']}")
    code, _out, err = sm3_region("check")
    assert code == 6 and f"台账第{last['seq']}条" in err


def test_reports_print_the_algorithm_beside_the_head(sm3_region: Cli, region_pdf: Path) -> None:
    sm3_region.ok("report", "ledger", "-o", str(region_pdf))
    with pdfplumber.open(region_pdf) as document:
        text = "".join((page.extract_text() or "") for page in document.pages).replace("\n", "")
    seq = len(ledger_rows(sm3_region.db))
    assert f"台账 #{seq} " in text and "SM3" in text
    data = sm3_region.json("report", "summary", "-o", str(region_pdf))
    assert data["ledger_head"]["alg"] == "sm3"


@pytest.fixture
def region_pdf(tmp_path: Path) -> Path:
    return tmp_path / "report.pdf"


def test_unknown_hash_option_is_a_usage_error(cli: Cli) -> None:
    code, _out, _err = cli("init", "--region", "杨陵区", "--code", "610403", "--hash", "md5")
    assert code == 2 and not cli.db.exists()


# --- writes check the head (issue 14) ------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["sha256", "sm3"])
def test_a_write_onto_an_edited_head_is_refused_naming_the_entry(cli: Cli, algorithm: str) -> None:
    cli.ok("init", "--region", "杨陵区", "--code", "610403", "--hash", algorithm)
    cli.ok("pool", "set", "xz", "100", "--doc", DOC)
    last = ledger_rows(cli.db)[-1]["seq"]
    edit_ledger(cli.db, f"""UPDATE ledger SET "after" = replace("after", '100', '900') WHERE seq = {last}""")
    before = fingerprint(cli.db)
    code, _out, err = cli("pool", "set", "sy", "50", "--doc", DOC)
    assert code == 6, err
    assert f"台账第{last}条" in err and "拒绝写入" in err and "Traceback" not in err
    assert fingerprint(cli.db) == before


def test_an_intact_head_lets_writes_through(region: Cli) -> None:
    region.ok("pool", "set", "sy", "50", "--doc", DOC)
    assert region.json("check")["ok"] is True


def test_core_refuses_too(tmp_path: Path) -> None:
    from bianzhi_app.errors import LedgerTampered

    path = tmp_path / "core.db"
    with Book.open(path) as book:
        book.region.init(name="杨陵区", code="610403", hash_alg="sm3")
        book.region.set_pool(kind="xz", total=10, doc=DOC)
        assert book.head().alg == "sm3"
    edit_ledger(path, "UPDATE ledger SET actor = '某人' WHERE seq = 2")
    with Book.open(path) as book, pytest.raises(LedgerTampered, match="台账第2条"):
        book.region.set_pool(kind="xz", total=20, doc=DOC)


def test_demo_is_sm3_when_told(cli: Cli) -> None:
    cli.ok("demo", "--hash", "sm3")
    auditor = cli.as_user("auditor")
    assert auditor.json("status")["ledger_head"]["alg"] == "sm3"
    checked = auditor.json("check")
    assert checked["ok"] and checked["alg"] == "sm3" and checked["entries_checked"] > 100
    entries = ledger_rows(cli.db)
    assert all(row["hash"] == sm3_hex(entry_text(row)) for row in entries[:50])


def test_a_refusal_caught_by_a_savepoint_does_not_let_the_next_op_through(tmp_path: Path) -> None:
    from bianzhi_app.errors import LedgerTampered

    path = tmp_path / "batch.db"
    with Book.open(path) as book:
        book.region.init(name="杨陵区", code="610403")
        book.region.set_pool(kind="xz", total=10, doc=DOC)
    edit_ledger(path, "UPDATE ledger SET actor = '某人' WHERE seq = 2")
    before = fingerprint(path)
    with Book.open(path) as book, pytest.raises(LedgerTampered), book.batch() as batch:
        for total in (20, 30):  # as import --skip-invalid does: each row in its savepoint, refusals kept
            try:
                with batch.savepoint():
                    batch.region.set_pool(kind="xz", total=total, doc=DOC)
            except LedgerTampered:
                if total == 30:
                    raise
    assert fingerprint(path) == before


def test_parse_json_reads_what_the_ledger_writes() -> None:
    """check's chain walk parses entries with orjson where installed (bianzhi_app.ledger.parse_json): the same
    values as json for what the ledger writes, a huge integer still read (as a number), and text that is no
    JSON still refused (ValueError), as before."""
    import json

    import orjson
    import pytest

    from bianzhi_app.ledger import _fast_loads, canonical_json, parse_json

    assert _fast_loads is orjson.loads  # pinned for x86-64: the fast path is the one tested here
    value = {"xz": {"approved": 36, "used": 1}, "name": "𠮷梅", "id": "610000********6802", "approval": None,
             "initial": True, "persons": ["甲", "乙"], "note": "引号\"与\\和\n"}
    text = canonical_json(value)
    assert parse_json(text) == json.loads(text) == value
    huge = '{"approved": 100000000000000000000000}'
    assert parse_json(huge)["approved"] == pytest.approx(10**23)
    with pytest.raises(ValueError):
        parse_json("{not json")
