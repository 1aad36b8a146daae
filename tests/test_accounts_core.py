"""Accounts, roles and review through the core (issue 15): the typed API checks, once, for every caller."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from bookhelpers import Raw, book_before_accounts, is_server, person_id

from bianzhi_app.accounts import seclog
from bianzhi_app.accounts.roles import Permission, Role, parse_roles
from bianzhi_app.accounts.store import Credentials
from bianzhi_app.book import Book
from bianzhi_app.errors import InvalidInput, NotPermitted, NotSignedIn, PoolExceeded, QuotaExceeded, StateRefused

DOC = "杨编发〔2026〕7号"
PASSWORDS = {"admin": "Guanli-2026a", "jingban": "Jingban-2026a", "shenhe": "Shenhe-2026a",
             "jiancha": "Jiancha-2026a", "chaxun": "Chaxun-2026a", "fuhe": "Fuhe-2026a"}
ROLES = {"jingban": ["clerk"], "shenhe": ["reviewer"], "jiancha": ["auditor"], "chaxun": ["viewer"],
         "fuhe": ["clerk", "reviewer"]}
pytestmark = pytest.mark.both_backends
BUSINESS = ("region_pools", "units", "quotas", "post_limits", "usage_approvals", "persons", "staffing_periods",
            "appointments", "ledger", "documents", "quota_history", "pool_history")


class Clock:
    """A clock the test moves (lockout minutes, password expiry)."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def book_path(db_path: Path, clock: Clock) -> Path:
    """A region with a pool, one unit (行政 5) and the five kinds of account; review on (the default)."""
    path = db_path
    with Book.open(path, clock=clock) as book:
        book.region.init(name="杨陵区", code="610403")
        book.region.set_pool(kind="xz", total=20, doc=DOC)
        book.units.add(name="区农业农村局", category="政府工作部门", rank="正科", doc=DOC, quotas={"xz": 5},
                       requires_approval=False)
        book.accounts.create_first(name="admin", password=PASSWORDS["admin"])
    with signed_in(path, "admin", clock) as book:
        for name, roles in ROLES.items():
            book.accounts.add(name=name, roles=roles, password=PASSWORDS[name], must_change=False)
    return path


def signed_in(path: Path, name: str, clock: Clock | None = None) -> Book:
    return Book.open(path, account=Credentials(name, PASSWORDS[name]), clock=clock)


def business_rows(path: Path) -> list[tuple[str, list[tuple]]]:
    with Raw(path) as conn:
        return [(table, sorted(map(tuple, conn.execute(f"SELECT * FROM {table}").fetchall()), key=repr))
                for table in BUSINESS]


def quota_of(book: Book) -> int:
    with book.read() as conn:
        return int(conn.exec_driver_sql("SELECT q.approved FROM quotas q JOIN establishment_kinds k ON k.id = q.kind_id"
                                        " WHERE k.code = 'xz'").scalar_one())


# --- roles and passwords ---------------------------------------------------------------------------

def test_admin_and_auditor_are_held_alone_and_unknown_roles_are_refused():
    assert parse_roles(["clerk", "审核人"]) == {Role.CLERK, Role.REVIEWER}
    for roles in (["admin", "clerk"], ["auditor", "viewer"], ["系统管理员", "安全审计员"]):
        with pytest.raises(InvalidInput, match="单独持有"):
            parse_roles(roles)
    with pytest.raises(InvalidInput, match="未知角色"):
        parse_roles(["root"])
    with pytest.raises(InvalidInput, match="至少"):
        parse_roles([])


@pytest.mark.parametrize("password, words", [
    ("Ab-1", "太短"), ("abcdefgh1", "太简单"), ("ABCDEFGH", "太简单"), ("abcdefgh-", "太简单"),
    ("Abc\x00-12345", "控制字符"),
])
def test_weak_passwords_are_refused_and_nothing_is_added(book_path, clock, password, words):
    before = Raw(book_path).execute("SELECT COUNT(*) FROM accounts").fetchone()
    with signed_in(book_path, "admin", clock) as book:
        with pytest.raises(InvalidInput, match=words) as refused:
            book.accounts.add(name="xiaowang", roles=["clerk"], password=password)
        assert password not in refused.value.message
    assert Raw(book_path).execute("SELECT COUNT(*) FROM accounts").fetchone() == before


def test_passwords_are_stored_only_as_salted_slow_hashes(book_path):
    conn = Raw(book_path)
    hashes = [row[0] for row in conn.execute("SELECT password_hash FROM accounts")]
    assert all(h.startswith("scrypt-v$32768$8$1$") for h in hashes)  # the verifier, never the scrypt result
    assert len(set(hashes)) == len(hashes)
    if not is_server(book_path):
        raw = book_path.read_bytes() + (book_path.with_name(book_path.name + "-wal").read_bytes()
                                        if book_path.with_name(book_path.name + "-wal").exists() else b"")
        assert not any(p.encode() in raw for p in PASSWORDS.values())


# --- signing in ------------------------------------------------------------------------------------

def test_sign_in_makes_the_account_the_actor_and_is_logged(book_path, clock):
    with signed_in(book_path, "jingban", clock) as book:
        assert book.account is not None and book.account.roles == {Role.CLERK}
        book.staff.enter(unit="区农业农村局", kind="xz", name="张三", id_number=person_id(1))
    conn = Raw(book_path)
    assert conn.execute("SELECT actor FROM ledger ORDER BY seq DESC LIMIT 1").fetchone() == ("jingban",)
    assert ("jingban", "sign_in") in conn.execute("SELECT account, event FROM security_log").fetchall()


def test_wrong_passwords_lock_the_account_for_the_policy_minutes(book_path, clock):
    for attempt in range(1, 6):
        with pytest.raises(NotSignedIn) as refused:
            Book.open(book_path, account=Credentials("jingban", "Wrong-2026a"), clock=clock)
        assert refused.value.exit_code == 7 and f"失败{attempt}次" in refused.value.message
    assert "锁定15分钟" in refused.value.message
    with pytest.raises(NotSignedIn, match="已锁定"):  # even the right password, while locked
        signed_in(book_path, "jingban", clock)
    clock.now += dt.timedelta(minutes=16)
    signed_in(book_path, "jingban", clock).close()
    events = [e.event for e in _events(book_path)]
    assert events.count("sign_in_failed") == 6 and events.count("locked") == 1


def test_an_unknown_name_costs_the_same_and_says_the_same(book_path, clock):
    with pytest.raises(NotSignedIn) as unknown:
        Book.open(book_path, account=Credentials("nobody", "Wrong-2026a"), clock=clock)
    with pytest.raises(NotSignedIn) as wrong:
        Book.open(book_path, account=Credentials("chaxun", "Wrong-2026a"), clock=clock)
    assert unknown.value.message.split("(")[0] == wrong.value.message.split("(")[0] == "账户名或密码不正确"


def test_admin_lock_disable_and_unlock(book_path, clock):
    with signed_in(book_path, "admin", clock) as book:
        book.accounts.lock(name="chaxun")
        book.accounts.disable(name="jiancha")
        with pytest.raises(StateRefused, match="自己"):
            book.accounts.lock(name="admin")
    with pytest.raises(NotSignedIn, match="系统管理员解锁"):
        signed_in(book_path, "chaxun", clock)
    with pytest.raises(NotSignedIn, match="已停用"):
        signed_in(book_path, "jiancha", clock)
    with signed_in(book_path, "admin", clock) as book:
        book.accounts.unlock(name="chaxun")
    signed_in(book_path, "chaxun", clock).close()


def test_a_new_account_must_change_its_password_first_and_may_not_reuse_the_last_five(book_path, clock):
    with signed_in(book_path, "admin", clock) as book:
        book.accounts.add(name="xinren", roles=["clerk"], password="Chushi-2026a")
    with Book.open(book_path, account=Credentials("xinren", "Chushi-2026a"), clock=clock) as book:
        assert book.account is not None and book.account.must_change
        with pytest.raises(NotSignedIn, match="须先修改密码"):
            book.staff.enter(unit="区农业农村局", kind="xz", name="张三", id_number=person_id(1))
        with pytest.raises(NotSignedIn, match="当前密码不正确"):
            book.accounts.change_password(current="Wrong-2026a", new="Xinmima-2026a")
        with pytest.raises(InvalidInput, match="最近5次"):
            book.accounts.change_password(current="Chushi-2026a", new="Chushi-2026a")
        current = "Chushi-2026a"
        for n in range(1, 6):
            book.accounts.change_password(current=current, new=f"Mima{n}-2026a")
            current = f"Mima{n}-2026a"
        with pytest.raises(InvalidInput, match="最近5次"):
            book.accounts.change_password(current=current, new="Mima2-2026a")
        book.accounts.change_password(current=current, new="Chushi-2026a")  # six passwords ago: allowed again
        book.staff.enter(unit="区农业农村局", kind="xz", name="张三", id_number=person_id(1))


def test_an_expired_password_must_be_changed_and_a_reset_forces_a_change(book_path, clock):
    with signed_in(book_path, "admin", clock) as book:
        book.accounts.reset_password(name="jingban", password="Chongzhi-2026a")
    with Book.open(book_path, account=Credentials("jingban", "Chongzhi-2026a"), clock=clock) as book:
        assert book.account is not None and book.account.must_change
    clock.now += dt.timedelta(days=91)
    with signed_in(book_path, "chaxun", clock) as book:
        assert book.account is not None and book.account.must_change
        with pytest.raises(NotSignedIn):
            book.require(Permission.READ)


# --- who may do what -------------------------------------------------------------------------------

@pytest.mark.parametrize("name, allowed", [
    ("admin", set()), ("jiancha", set()), ("chaxun", set()), ("shenhe", set()), ("jingban", {"enter", "quota"}),
])
def test_each_role_may_do_only_its_part(book_path, clock, name, allowed):
    before = business_rows(book_path)
    with signed_in(book_path, name, clock) as book:
        attempts = {
            "enter": lambda: book.staff.enter(unit="区农业农村局", kind="xz", name="张三", id_number=person_id(2)),
            "quota": lambda: book.quotas.set(unit="区农业农村局", kind="xz", approved=6, doc=DOC),
        }
        for what, attempt in attempts.items():
            if what in allowed:
                attempt()
            else:
                with pytest.raises(NotPermitted) as refused:
                    attempt()
                assert refused.value.exit_code == 8 and "经办人(clerk)" in refused.value.message
    if not allowed:
        assert business_rows(book_path) == before


def test_only_the_admin_manages_accounts_and_only_the_auditor_reads_the_log(book_path, clock):
    for name in ("jingban", "shenhe", "jiancha", "chaxun"):
        with signed_in(book_path, name, clock) as book:
            with pytest.raises(NotPermitted, match="系统管理员"):
                book.accounts.add(name="x1", roles=["viewer"], password="Xyz-2026abc")
            with pytest.raises(NotPermitted, match="系统管理员"):
                book.accounts.set_policy(name="review", value="off")
            if name != "jiancha":
                with pytest.raises(NotPermitted, match="安全审计员"):
                    book.audit.events()
    with signed_in(book_path, "admin", clock) as book:
        with pytest.raises(NotPermitted, match="安全审计员"):
            book.audit.events()
    assert _events(book_path)


def test_the_last_admin_cannot_be_taken_away(book_path, clock):
    with signed_in(book_path, "admin", clock) as book:
        with pytest.raises(StateRefused, match="最后一个系统管理员"):
            book.accounts.set_roles(name="admin", roles=["clerk"])


def test_nobody_signed_in_to_a_book_with_accounts_may_write(book_path, clock):
    before = business_rows(book_path)
    with Book.open(book_path, clock=clock) as book:
        with pytest.raises(NotSignedIn):
            book.staff.enter(unit="区农业农村局", kind="xz", name="张三", id_number=person_id(3))
    assert business_rows(book_path) == before


# --- review ----------------------------------------------------------------------------------------

def test_a_clerks_quota_change_is_only_a_proposal_until_another_reviewer_approves(book_path, clock):
    before = business_rows(book_path)
    with signed_in(book_path, "jingban", clock) as book:
        change = book.quotas.set(unit="区农业农村局", kind="xz", approved=8, doc=DOC)
        assert change.proposal == 1 and change.seq == 0
        proposal = book.review.list()[0]
        assert proposal.before["xz"]["approved"] == 5 and proposal.after["xz"]["approved"] == 8
        assert proposal.proposer == "jingban" and proposal.unit == "区农业农村局"
    assert business_rows(book_path) == before
    with signed_in(book_path, "shenhe", clock) as book:
        applied = book.review.approve(number=1)
        assert quota_of(book) == 8
    conn = Raw(book_path)
    assert conn.execute("SELECT actor, approver, op FROM ledger WHERE seq = ?", (applied.seq,)).fetchone() == (
        "jingban", "shenhe", "quota.set")
    assert conn.execute("SELECT status, decided_by, ledger_seq FROM proposals").fetchone() == (
        "approved", "shenhe", applied.seq)
    assert [e.event for e in _events(book_path)][-2:] == ["proposal_approved", "sign_in"]  # then the auditor


def test_nobody_approves_their_own_proposal(book_path, clock):
    with signed_in(book_path, "fuhe", clock) as book:  # clerk and reviewer at once
        book.quotas.set(unit="区农业农村局", kind="xz", approved=8, doc=DOC)
        with pytest.raises(NotPermitted, match="本人"):
            book.review.approve(number=1)
        assert quota_of(book) == 5


def test_a_proposal_the_rules_refuse_now_stays_pending_and_moved_figures_are_shown(book_path, clock):
    with signed_in(book_path, "jingban", clock) as book:
        book.quotas.set(unit="区农业农村局", kind="xz", approved=3, doc=DOC)  # 3 ≥ 0 persons: fine today
        for n in range(4):
            book.staff.enter(unit="区农业农村局", kind="xz", name=f"人员{n}", id_number=person_id(10 + n))
    with signed_in(book_path, "shenhe", clock) as book:
        view = book.review.show(number=1)
        assert view.moved is False and view.refusal is not None and "实有4" in view.refusal.replace("名", "")
        with pytest.raises(QuotaExceeded):
            book.review.approve(number=1)
        assert book.review.list()[0].status == "pending" and quota_of(book) == 5
    with signed_in(book_path, "jingban", clock) as book:
        book.staff.leave(id_number=person_id(10), reason="退休")
        book.quotas.set(unit="区农业农村局", kind="xz", approved=6, doc=DOC)
    with signed_in(book_path, "shenhe", clock) as book:
        book.review.approve(number=2)
        view = book.review.show(number=1)
        assert view.moved and view.current_before is not None and view.current_before["xz"]["approved"] == 6
        assert view.proposal.before["xz"]["approved"] == 5


def test_a_rejection_needs_a_reason_and_a_decision_is_final(book_path, clock):
    with signed_in(book_path, "jingban", clock) as book:
        book.units.rename(unit="区农业农村局", new_name="区农业局", doc=DOC)
    with signed_in(book_path, "shenhe", clock) as book:
        with pytest.raises(InvalidInput, match="理由"):
            book.review.reject(number=1, reason="  ")
        book.review.reject(number=1, reason="文件未印发")
        with pytest.raises(StateRefused, match="已退回"):
            book.review.approve(number=1)
    conn = Raw(book_path)
    assert conn.execute("SELECT status, reason FROM proposals").fetchone() == ("rejected", "文件未印发")
    assert conn.execute("SELECT COUNT(*) FROM units WHERE name = '区农业局'").fetchone() == (0,)
    with pytest.raises(conn.IntegrityError):  # decided once: the schema refuses a second decision
        conn.execute("UPDATE proposals SET status = 'pending'")


def test_a_refused_proposal_is_refused_at_once(book_path, clock):
    before = business_rows(book_path)
    with signed_in(book_path, "jingban", clock) as book:
        with pytest.raises(PoolExceeded):
            book.quotas.set(unit="区农业农村局", kind="xz", approved=99, doc=DOC)
        assert book.review.list() == []
    assert business_rows(book_path) == before


def test_person_operations_apply_at_once_while_review_is_on(book_path, clock):
    with signed_in(book_path, "jingban", clock) as book:
        change = book.staff.enter(unit="区农业农村局", kind="xz", name="张三", id_number=person_id(1))
        assert change.proposal is None and change.seq > 0


def test_with_review_off_a_clerk_applies_directly_and_import_of_units_needs_it_off(book_path, clock):
    from bianzhi_app.ops.units import UnitRequest

    with signed_in(book_path, "jingban", clock) as book:
        with pytest.raises(NotPermitted, match="审核"):
            book.units.add_many(requests=[UnitRequest(name="区水利局", category="政府工作部门", rank="正科",
                                                      doc=DOC)])
    with signed_in(book_path, "admin", clock) as book:
        book.accounts.set_policy(name="review", value="off")
    with signed_in(book_path, "jingban", clock) as book:
        assert book.quotas.set(unit="区农业农村局", kind="xz", approved=7, doc=DOC).proposal is None
        assert quota_of(book) == 7


# --- the security log ------------------------------------------------------------------------------

def _events(path: Path) -> list[seclog.SecurityEvent]:
    with Book.open(path, account=Credentials("jiancha", PASSWORDS["jiancha"])) as book:
        return book.audit.events()


def test_the_security_log_is_append_only_and_check_finds_an_edit(book_path):
    from bianzhi_app.check import run_check

    conn = Raw(book_path)
    for statement in ("UPDATE security_log SET account = 'x'", "DELETE FROM security_log"):
        with pytest.raises(conn.IntegrityError):
            conn.execute(statement)
    conn.drop_trigger("security_log_no_update", "security_log")
    conn.execute("UPDATE security_log SET detail = '{}' WHERE seq = 1")
    conn.close()
    with Book.open(book_path) as book, book.read() as read:
        report = run_check(read, book.catalog)
    assert any("安全审计日志第1条被改动" in problem for problem in report.problems)


def test_the_approver_is_bound_into_the_ledger_chain(book_path, clock):
    from bianzhi_app.check import run_check

    with signed_in(book_path, "jingban", clock) as book:
        book.quotas.set(unit="区农业农村局", kind="xz", approved=8, doc=DOC)
    with signed_in(book_path, "shenhe", clock) as book:
        seq = book.review.approve(number=1).seq
    conn = Raw(book_path)
    conn.drop_trigger("ledger_no_update", "ledger")
    conn.execute("UPDATE ledger SET approver = 'fuhe' WHERE seq = ?", (seq,))
    conn.close()
    with Book.open(book_path) as book, book.read() as read:
        report = run_check(read, book.catalog)
    assert any(f"台账第{seq}条的内容与其哈希不符" in problem for problem in report.problems)


# --- first admin, recovery, books from before accounts ---------------------------------------------

def test_the_recovery_key_recreates_an_admin_once(book_path, tmp_path, clock):
    fresh = tmp_path / "fresh.db"
    with Book.open(fresh, clock=clock) as book:
        book.region.init(name="杨陵区", code="610403")
        key = book.accounts.create_first(name="admin", password=PASSWORDS["admin"])
        with pytest.raises(StateRefused):
            book.accounts.create_first(name="admin2", password=PASSWORDS["admin"])
        with pytest.raises(NotSignedIn, match="恢复密钥不正确"):
            book.accounts.recover_admin(recovery_key="AAAAA-BBBBB", name="guanli", password="Xin-2026abc")
        new_key = book.accounts.recover_admin(recovery_key=key.lower().replace("-", " "), name="guanli",
                                              password="Xin-2026abc")
        with pytest.raises(NotSignedIn):  # the old key is used up
            book.accounts.recover_admin(recovery_key=key, name="guanli2", password="Xin-2026abc")
        assert new_key != key
    with Book.open(fresh, account=Credentials("guanli", "Xin-2026abc"), clock=clock) as book:
        assert book.account is not None and book.account.roles == {Role.ADMIN}
    assert key.encode() not in fresh.read_bytes()


def test_a_book_from_before_accounts_is_backed_up_before_migrating_and_asks_for_its_first_admin(tmp_path,
                                                                                               monkeypatch):
    monkeypatch.setenv("BIANZHI_BACKUP_DIR", str(tmp_path / "backups"))
    path = book_before_accounts(tmp_path / "old.db")
    with Book.open(path) as book:
        assert book.has_accounts is False
        book.require(Permission.ESTABLISH)  # nobody signed in, no accounts: as before
    backups = list((tmp_path / "backups").glob("*.db")) + list((tmp_path / "backups").glob("*.bak"))
    assert backups, list((tmp_path / "backups").iterdir())
    old = sqlite3.connect(backups[0])
    assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)
    assert old.execute("SELECT name FROM regions").fetchone() == ("旧区",)
