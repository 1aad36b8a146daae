"""The tamper matrix (issue 14): for each table the rules rest on, a raw edit of one row — the triggers left in
place, as an attacker with the file and sqlite3 would do it — either fails at the database or is found by `check`
(exit 6, naming the table and the ledger entry that last wrote the row). Replay: every ledger entry keeps the
after-state of what it wrote, so the tables are compared with the chain, not only with their own counters."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from bookhelpers import DOC, person_id

from bianzhi_app.book import Book
from bianzhi_app.check import run_check

EDITS = {
    "quotas": ("UPDATE quotas SET approved = approved + 1 WHERE approved > 0", "表quotas"),
    "region_pools": ("UPDATE region_pools SET total = total + 1", "表region_pools"),
    "post_limits": ("UPDATE post_limits SET post_limit = post_limit + 1 WHERE post_limit > 0", "表post_limits"),
    "units.name": ("UPDATE units SET name = '区农业局' WHERE name = '区农业农村局'", "表units"),
    "units.status": ("UPDATE units SET status = 'abolished' WHERE name = '区水利局'", "表units"),
    "persons.name": ("UPDATE persons SET name = '王五' WHERE name = '张三'", "表persons"),
    "persons.id_tail": ("UPDATE persons SET id_tail = '9999' WHERE name = '张三'", "表persons"),
    "usage_approvals": ("UPDATE usage_approvals SET count = count + 1", "表usage_approvals"),
    "usage_approvals.valid_until": ("UPDATE usage_approvals SET valid_until = '2099-12-31'", "表usage_approvals"),
    "quota_history": ("UPDATE quota_history SET approved = approved + 3 WHERE id = (SELECT max(id) FROM"
                      " quota_history)", "quota_history中"),
    "pool_history": ("UPDATE pool_history SET total = total + 3", "pool_history中"),
    "regions": ("UPDATE regions SET name = '别的区'", "表regions"),
    "staffing_periods": ("UPDATE staffing_periods SET start_date = '2020-01-01'", None),
    "appointments": ("UPDATE appointments SET start_date = '2020-01-01'", None),
    "ledger": ("UPDATE ledger SET actor = '某人' WHERE seq = 3", None),
    "ledger.delete": ("DELETE FROM ledger WHERE seq = 3", None),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small book with a row in every table of the matrix, made through the typed API."""
    path = tmp_path_factory.mktemp("matrix") / "book.db"
    with Book.open(path) as book:
        book.region.init(name="杨陵区", code="610403")
        book.region.set_pool(kind="xz", total=100, doc=DOC)
        for unit in ("区农业农村局", "区水利局"):
            book.units.add(name=unit, category="政府工作部门", rank="正科", doc=DOC)
            book.quotas.set(unit=unit, kind="xz", approved=5, doc=DOC)
            book.posts.set_limit(unit=unit, post="zz", limit=1, doc=DOC)
        number = book.approvals.add(unit="区农业农村局", kind="xz", count=2, method="公开招录", doc=DOC).result
        book.staff.enter(unit="区农业农村局", kind="xz", name="张三", id_number=person_id(1), approval=number)
        book.posts.appoint(id_number=person_id(1), post="zz")
        with book.read() as conn:
            assert run_check(conn, book.catalog).ok
    return path


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_raw_edit_fails_at_the_database_or_is_found_by_check(edit: str, template: Path, tmp_path: Path) -> None:
    sql, found = EDITS[edit]
    path = tmp_path / "book.db"
    path.write_bytes(template.read_bytes())
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        changed = conn.execute(sql).rowcount
    except sqlite3.IntegrityError:
        assert found is None, f"{edit}: refused by the database, as expected of a history table"
        return
    finally:
        conn.close()
    assert found is not None and changed >= 1, f"{edit}: the database took the edit ({changed} rows)"
    with Book.open(path) as book, book.read() as conn:
        problems = run_check(conn, book.catalog).problems  # what `check` prints first (exit 6)
    assert problems and "数据与台账不符" in problems[0] and any(found in p for p in problems), (edit, problems)
