"""The database is the backstop: raw SQL cannot break the counters, and `check` finds tampering."""

import pytest
from bookhelpers import DOC, Raw, fingerprint, person_id, raw_person

both = pytest.mark.both_backends


@pytest.fixture
def full_unit(region):
    """区司法局 (no approval needed) with 行政 2 approved and 2 persons on it."""
    region.ok("unit", "add", "区司法局", "--category", "政府工作部门", "--rank", "正科", "--no-approval-required",
              "--doc", DOC)
    region.ok("quota", "set", "区司法局", "xz", "2", "--doc", DOC)
    for i in range(2):
        region.ok("person", "enter", "区司法局", "xz", "--name", f"人员{i}", "--id", person_id(i))
    return region


def raw(db_path):
    return Raw(db_path)


@both
def test_raw_insert_of_a_staffing_row_into_a_full_unit_fails(full_unit, db_path):
    before = fingerprint(db_path)
    conn = raw(db_path)
    unit_id = conn.execute("SELECT id FROM units WHERE name='区司法局'").fetchone()[0]
    conn.execute(*raw_person("偷偷", person_id(9)))
    pid = conn.execute("SELECT id FROM persons WHERE name='偷偷'").fetchone()[0]
    with pytest.raises(conn.IntegrityError, match="quota_within_limit"):
        conn.execute("INSERT INTO staffing_periods (person_id, unit_id, kind_id, start_date) VALUES (?, ?, 1, "
                     "'2026-01-01')", (pid, unit_id))
    conn.execute("DELETE FROM persons WHERE id=?", (pid,))
    conn.close()
    assert fingerprint(db_path) == before


@both
def test_raw_sql_cannot_take_a_second_slot_or_rewrite_history(full_unit, db_path):
    conn = raw(db_path)
    pid, unit_id = conn.execute("SELECT person_id, unit_id FROM staffing_periods LIMIT 1").fetchone()
    conn.execute("UPDATE quotas SET approved = 10 WHERE unit_id = ? AND kind_id = 1", (unit_id,))
    with pytest.raises(conn.IntegrityError, match=r"staffing_periods\.person_id|ix_staffing_one_open"):
        conn.execute("INSERT INTO staffing_periods (person_id, unit_id, kind_id, start_date) VALUES (?, ?, 1, "
                     "'2026-01-01')", (pid, unit_id))
    for statement in ("DELETE FROM staffing_periods", "UPDATE staffing_periods SET unit_id = 99",
                      "DELETE FROM quotas", "DELETE FROM persons"):
        with pytest.raises(conn.IntegrityError):
            conn.execute(statement)
    with pytest.raises(conn.IntegrityError, match="pool_within_total"):
        conn.execute("UPDATE quotas SET approved = 500 WHERE unit_id = ? AND kind_id = 1", (unit_id,))
    conn.close()


@both
def test_ledger_refuses_update_delete_and_a_broken_chain(full_unit, db_path):
    conn = raw(db_path)
    with pytest.raises(conn.IntegrityError, match="append-only"):
        conn.execute("UPDATE ledger SET actor = 'x' WHERE seq = 2")
    with pytest.raises(conn.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM ledger WHERE seq = 2")
    with pytest.raises(conn.IntegrityError, match="extend the chain"):
        conn.execute("INSERT INTO ledger (seq, at, effective_on, actor, op, before, after, detail, prev_hash, hash) "
                     "VALUES (999, 'x', '2026-01-01', 'x', 'x', '{}', '{}', '{}', 'bad', 'bad')")
    conn.close()


@both
def test_check_finds_a_tampered_ledger_row_at_its_seq(full_unit, db_path):
    assert full_unit.json("check")["ok"]
    conn = raw(db_path)
    conn.drop_trigger("ledger_no_update", "ledger")
    conn.execute("UPDATE ledger SET document_number = '杨编发〔2026〕99号' WHERE seq = 4")
    conn.close()
    rc, _out, err = full_unit("check")
    assert rc == 6
    assert "台账第4条的内容与其哈希不符" in err


@both
def test_check_finds_a_tampered_counter(full_unit, db_path):
    conn = raw(db_path)
    conn.drop_trigger("quota_approved", "quotas")
    conn.execute("UPDATE quotas SET used = 1 WHERE used = 2")
    conn.close()
    rc, _out, err = full_unit("check")
    assert rc == 6
    assert "计数不符:区司法局 行政编制 实有计数为1,按人员记录重算为2" in err


@both
def test_check_finds_a_missing_ledger_entry(full_unit, db_path):
    conn = raw(db_path)
    conn.drop_trigger("ledger_no_delete", "ledger")
    conn.execute("DELETE FROM ledger WHERE seq = 3")
    conn.close()
    rc, _out, err = full_unit("check")
    assert rc == 6 and "台账缺少第3条" in err


def test_opening_a_file_that_is_not_a_book_is_a_clear_error(tmp_path, capsys):
    from bianzhi_app.cli import main

    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"this is not a database at all" * 100)
    before = bogus.read_bytes()
    assert main(["--db", str(bogus), "status"]) == 4
    err = capsys.readouterr().err
    assert "不是有效的编制台账文件" in err and "Traceback" not in err
    assert bogus.read_bytes() == before
