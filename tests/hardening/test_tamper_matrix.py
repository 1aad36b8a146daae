"""The tamper matrix (issue 14): for each table the rules rest on, a raw edit of one row — the triggers left in
place, as an attacker with the file and sqlite3 would do it — either fails at the database or is found by `check`
(exit 6, naming the table and the ledger entry that last wrote the row). Replay: every ledger entry keeps the
after-state of what it wrote, so the tables are compared with the chain, not only with their own counters."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from bookhelpers import ADMIN, DOC, PASSWORD, cheap_hashes, person_id, raw_sql
from sqlalchemy import create_engine

from bianzhi_app.accounts.store import Credentials
from bianzhi_app.book import Book
from bianzhi_app.catalog import Catalog
from bianzhi_app.check import run_check
from bianzhi_app.ops.snapshots import Quarter

EDITS: dict[str, tuple[str | list[str], str | None]] = {
    "quotas": ("UPDATE quotas SET approved = approved + 1 WHERE approved > 0", "表quotas"),
    "region_pools": ("UPDATE region_pools SET total = total + 1", "表region_pools"),
    "post_limits": ("UPDATE post_limits SET post_limit = post_limit + 1 WHERE post_limit > 0", "表post_limits"),
    "units.name": ("UPDATE units SET name = '区农业局' WHERE name = '区农业农村局'", "表units"),
    "units.rank": ("UPDATE units SET rank = '正处' WHERE name = '区水利局'", "表units"),
    "units.functions": ("UPDATE units SET functions = '另行规定' WHERE name = '区水利局'", "表units"),
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
    "appointments.insert": ("INSERT INTO appointments (person_id, unit_id, post_kind_id, start_date) SELECT id,"
                            " (SELECT id FROM units WHERE name = '区农业农村局'), (SELECT id FROM post_kinds WHERE"
                            " code = 'fz'), date('now') FROM persons WHERE name = '李四'", "表appointments"),
    "appointments.end": ("UPDATE appointments SET end_date = start_date WHERE end_date IS NULL", "表appointments"),
    "snapshots": (["DROP TRIGGER snapshots_no_update", "UPDATE snapshots SET figures = replace(figures, '杨陵区',"
                   " '别的区'), figures_sha256 = '0' || substr(figures_sha256, 2)"], "表snapshots"),
    "snapshots.delete": (["DROP TRIGGER snapshots_no_delete", "DELETE FROM snapshots"], "表snapshots"),
    "documents": ("UPDATE documents SET number = '伪造〔2026〕1号'", "表documents"),
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
        book.posts.set_limit(unit="区农业农村局", post="fz", limit=1, doc=DOC)
        number = book.approvals.add(unit="区农业农村局", kind="xz", count=3, method="公开招录", doc=DOC).result
        book.staff.enter(unit="区农业农村局", kind="xz", name="张三", id_number=person_id(1), approval=number)
        book.staff.enter(unit="区农业农村局", kind="xz", name="李四", id_number=person_id(2), approval=number)
        book.posts.appoint(id_number=person_id(1), post="zz")
        book.region.snapshot(quarter=Quarter.last_ended(dt.date.today()))
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
        for statement in [sql] if isinstance(sql, str) else sql:
            changed = conn.execute(statement).rowcount
    except sqlite3.IntegrityError:
        assert found is None, f"{edit}: refused by the database, as expected of a history table"
        return
    finally:
        conn.close()
    assert found is not None and changed >= 1, f"{edit}: the database took the edit ({changed} rows)"
    with Book.open(path) as book, book.read() as conn:
        problems = run_check(conn, book.catalog).problems  # what `check` prints first (exit 6)
    assert problems and "数据与台账不符" in problems[0] and any(found in p for p in problems), (edit, problems)


ACCOUNT_EDITS: dict[str, tuple[str, str]] = {
    "accounts.roles": ("UPDATE accounts SET roles = 'admin' WHERE name = 'jingban'", "账户「jingban」的角色为admin"),
    "accounts.insert": ("INSERT INTO accounts (name, roles, password_hash, password_changed_at, must_change,"
                        " failed_count, disabled, created_at) SELECT 'houmen', 'admin', password_hash,"
                        " password_changed_at, 0, 0, 0, created_at FROM accounts WHERE name = 'jingban'",
                        "表accounts中的账户「houmen」在安全审计日志中没有新增记录"),
    "accounts.disabled": ("UPDATE accounts SET disabled = 0 WHERE name = 'tingyong'", "账户「tingyong」的停用状态"),
    "accounts.delete": ("DELETE FROM accounts WHERE name = 'tingyong'", "表accounts中没有账户「tingyong」"),
    "policy": ("UPDATE policy SET value = '20' WHERE name = 'lockout-attempts'",
               "表policy中安全策略lockout-attempts为20"),
    "policy.insert": ("INSERT INTO policy (name, value) VALUES ('review', 'off')", "表policy中安全策略review为off"),
    "policy.delete": ("DELETE FROM policy WHERE name = 'lockout-attempts'", "表policy中没有安全策略lockout-attempts"),
}


@pytest.fixture(scope="module")
def accounts_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A book with accounts: the admin, a clerk, a disabled account, and lockout-attempts set to 3."""
    path = tmp_path_factory.mktemp("accounts") / "book.db"
    with cheap_hashes():
        with Book.open(path) as book:
            book.region.init(name="杨陵区", code="610403")
            book.accounts.create_first(name=ADMIN, password=PASSWORD)
        with Book.open(path, account=Credentials(ADMIN, PASSWORD)) as book:
            book.accounts.add(name="jingban", roles=["clerk"], password=PASSWORD, must_change=False)
            book.accounts.add(name="tingyong", roles=["viewer"], password=PASSWORD, must_change=False)
            book.accounts.disable(name="tingyong")
            book.accounts.set_policy(name="lockout-attempts", value="3")
    assert not _check(path), _check(path)
    return path


def _check(path: Path) -> list[str]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return run_check(conn, Catalog.load(conn)).problems
    finally:
        engine.dispose()


@pytest.mark.parametrize("edit", sorted(ACCOUNT_EDITS))
def test_a_raw_edit_of_accounts_or_policy_is_found_by_check(edit: str, accounts_book: Path, tmp_path: Path) -> None:
    """The security log's events carry the state they wrote (roles, disabled, policy values): a raw edit of
    those rows, the log left intact, no longer matches it."""
    sql, found = ACCOUNT_EDITS[edit]
    path = tmp_path / "book.db"
    path.write_bytes(accounts_book.read_bytes())
    raw_sql(path, sql)
    problems = _check(path)
    assert any("数据与安全审计日志不符" in p and found in p for p in problems), (edit, problems)
