"""What only the server has to prove: every SQLite trigger of the schema has its PL/pgSQL twin (same name,
bianzhi_app/db/twins.py), a read is one snapshot, and writers queue on the book's write lock."""

import sqlite3

from bookhelpers import Raw

from bianzhi_app.db.engine import make_engine
from bianzhi_app.db.migrate import upgrade


def test_every_sqlite_trigger_has_its_twin_on_the_server(tmp_path, pg_url):
    engine = make_engine(tmp_path / "book.db")
    upgrade(engine)
    engine.dispose()
    conn = sqlite3.connect(tmp_path / "book.db")
    on_file = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    conn.close()
    with Raw(pg_url) as raw:
        on_server = {r[0] for r in raw.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
        partial = {r[0] for r in raw.execute("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%%WHERE%%'")}
        checks = {r[0] for r in raw.execute("SELECT conname FROM pg_constraint WHERE contype = 'c'")}
    assert on_file and on_file <= on_server, sorted(on_file - on_server)
    assert {"ix_staffing_one_open", "ix_appointments_one_open", "ix_units_name_active"} <= partial
    assert {"quota_within_limit", "pool_within_total", "posts_within_limit", "approval_counts"} <= checks


def test_a_read_on_the_server_is_one_snapshot_and_a_write_waits_for_the_write_lock(pg_url):
    """As on a file: a read sees no commit land between its statements; a second writer waits for the first."""
    import threading
    import time

    from bianzhi_app.book import Book

    with Book.open(pg_url, actor="测试员") as book, Book.open(pg_url, actor="测试员") as other:
        book.region.init(name="杨陵区", code="610403")
        with book.read() as conn:
            before = conn.exec_driver_sql("SELECT COUNT(*) FROM ledger").scalar()
            other.region.set_pool(kind="xz", total=10, doc="杨编发〔2026〕1号")
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM ledger").scalar() == before
        order = []
        with book.transact():
            thread = threading.Thread(target=lambda: (other.region.set_pool(kind="xz", total=11,
                                                                            doc="杨编发〔2026〕1号"),
                                                      order.append("second")))
            thread.start()
            time.sleep(0.5)
            order.append("first")
        thread.join(timeout=30)
        assert order == ["first", "second"]
        assert other.head().seq == before + 2


def test_a_write_that_waits_past_the_busy_timeout_is_busy_not_a_database_error(pg_url, monkeypatch):
    import pytest

    from bianzhi_app.book import Book
    from bianzhi_app.db import engine as engine_module
    from bianzhi_app.errors import Busy

    with Book.open(pg_url, actor="测试员") as book:
        book.region.init(name="杨陵区", code="610403")
        monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 300)
        with Book.open(pg_url, actor="测试员") as other, book.transact():
            with pytest.raises(Busy, match="等待超时"):
                other.region.set_pool(kind="xz", total=10, doc="杨编发〔2026〕1号")
        assert book.head().seq == 1


def _server_log(pg_server) -> str:  # type: ignore[no-untyped-def]
    """The test cluster's own log ('' when BIANZHI_TEST_PG names an outside server)."""
    folder = pg_server.cluster.folder
    return (folder / "server.log").read_text(errors="replace") if folder is not None else ""


def test_a_wrong_database_password_is_a_chinese_refusal_that_never_shows_the_password(tmp_path, capsys, pg_server,
                                                                                      pg_url):
    """The test cluster asks PASSWORD_ROLE for its password (scram-sha-256): a wrong one is exit 7 (not signed in)
    naming the server, user and database; neither password appears on stdout, stderr or in the server's log."""
    import pgcluster
    from bookhelpers import Cli

    from bianzhi_app.book import Book

    with Book.open(pg_url, actor="测试员") as book:
        book.region.init(name="杨陵区", code="610403")
    database = pg_url.rsplit("/", 1)[1]
    wrong = pg_server.cluster.password_url_for(database, "WRONG-pw-zz9")
    right = pg_server.cluster.password_url_for(database)
    before = Book.open(pg_url)
    head = before.head()
    before.close()
    for args in (("status",), ("--json", "status"), ("check",), ("copy", wrong, str(tmp_path / "copy.db"))):
        code, out, err = Cli(wrong, capsys, setup=False)(*args)
        assert code == 7, (args, err)
        assert f"拒绝了用户「{pgcluster.PASSWORD_ROLE}」登录数据库「{database}」" in err and "用户名或密码不正确" in err
        assert "Traceback" not in err and out == ""
        assert "WRONG-pw-zz9" not in out + err and pgcluster.PASSWORD not in out + err
    assert not (tmp_path / "copy.db").exists()
    import subprocess
    import sys

    from bookhelpers import ROOT

    run = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", wrong, "status"], capture_output=True,
                         text=True, timeout=120, cwd=tmp_path)  # the real program: no traceback on stderr either
    assert run.returncode == 7 and "用户名或密码不正确" in run.stderr and "Traceback" not in run.stderr
    assert "WRONG-pw-zz9" not in run.stdout + run.stderr
    code, out, err = Cli(right, capsys, setup=False)("status")  # the right password opens it (no accounts yet)
    assert code == 7 and "还没有任何账户" in err
    assert pgcluster.PASSWORD not in out + err and ":***@" in err  # the command it names hides the password
    log = _server_log(pg_server)
    assert "WRONG-pw-zz9" not in log and pgcluster.PASSWORD not in log
    with Book.open(pg_url) as after:
        assert after.head() == head  # nothing written by the refusals


def test_a_missing_server_database_is_not_found_and_an_unreachable_server_is_exit_1(capsys, pg_server):
    from bookhelpers import Cli

    code, _, err = Cli(pg_server.cluster.url_for("no_such_book"), capsys, setup=False)("status")
    assert code == 5 and "上没有名为「no_such_book」的数据库" in err and "Traceback" not in err
    code, _, err = Cli("postgresql+psycopg://clerk:pw-x1@127.0.0.1:1/bianzhi", capsys, setup=False)("status")
    assert code == 1 and "无法连接数据库服务器「127.0.0.1:1」" in err and "pw-x1" not in err


def test_copy_to_a_server_that_refuses_the_password_is_exit_7_and_writes_nothing(tmp_path, capsys, pg_server, pg_url):
    import pgcluster
    from bookhelpers import Cli

    from bianzhi_app.book import Book

    book = Cli(tmp_path / "book.db", capsys)
    book.ok("init", "--region", "杨陵区", "--code", "610403")
    database = pg_url.rsplit("/", 1)[1]
    code, out, err = book("copy", str(tmp_path / "book.db"), pg_server.cluster.password_url_for(database, "WRONG-9x"))
    assert code == 7 and f"拒绝了用户「{pgcluster.PASSWORD_ROLE}」登录数据库「{database}」" in err
    assert "WRONG-9x" not in out + err and "Traceback" not in err
    with Book.open(pg_url) as server, server.read() as conn:  # still the empty book at the schema's head
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM ledger").scalar() == 0
    code, _out, err = book("copy", str(tmp_path / "book.db"), pg_server.cluster.password_url_for(database))
    assert code == 0, err
