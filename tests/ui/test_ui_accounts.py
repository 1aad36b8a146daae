"""The window with accounts (issue 15): sign-in, the first admin of a book without accounts, the forced
password change, the idle lock, the reviewer's 待审事项, the clerk's proposal, and what each role may use.
Real SQLite books (the template book with the demo accounts), the real window offscreen."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from modalhelpers import answer
from test_ui_dialogs_staff import open_dialog, unit_id
from uihelpers import DOC, scalar, type_text, wait_idle

PW = "Demo-2026"
QUOTA_SQL = ("SELECT approved FROM quotas q JOIN units u ON u.id = q.unit_id "
             "WHERE u.name = :n AND q.kind_id = :k")


@pytest.fixture(scope="module")
def accounts_template(template_book: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template book with admin, auditor, jingban (clerk), shenhe (reviewer), chaxun (viewer); review on."""
    from bianzhi_app.book import Book
    from bianzhi_app.demo.accounts import create_demo_accounts

    path = tmp_path_factory.mktemp("accounts") / "accounts.db"
    shutil.copyfile(template_book, path)
    with Book.open(path) as book:
        create_demo_accounts(book, PW)
    return path


@pytest.fixture
def book(tmp_path: Path, accounts_template: Path) -> Path:
    path = tmp_path / "book.db"
    shutil.copyfile(accounts_template, path)
    return path


def as_account(path: Path, name: str, password: str = PW) -> Any:
    from bianzhi_app.accounts.store import Credentials
    from bianzhi_app.book import Book

    return Book.open(path, account=Credentials(name, password))


def launch(qtbot: Any, path: Path, monkeypatch: Any, name: str | None = None, password: str = PW,
           page: str | None = None, *, keep: bool = True) -> Any:
    """A Launcher opening `path`; with `name`, signed in through BIANZHI_USER / BIANZHI_PASSWORD."""
    from ui.launcher import Launcher

    if name is None:
        monkeypatch.delenv("BIANZHI_USER", raising=False)
        monkeypatch.delenv("BIANZHI_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("BIANZHI_USER", name)
        monkeypatch.setenv("BIANZHI_PASSWORD", password)
    launcher = Launcher(start_page=page)
    launcher.start(str(path))
    if launcher.window is not None and keep:  # closed after the test (unless the test closes the book itself)
        qtbot.addWidget(launcher.window)
    return launcher


def close(qtbot: Any, launcher: Any) -> None:
    if launcher.window is not None:
        wait_idle(qtbot, launcher.window.session)
        launcher.window.close()


# --- signing in ------------------------------------------------------------------------------------------
def test_sign_in_dialog_refuses_a_wrong_password_then_shows_the_account(qtbot, book, monkeypatch):  # type: ignore[no-untyped-def]
    from ui import settings

    launcher = launch(qtbot, book, monkeypatch)
    dialog = launcher.admission.dialog
    assert launcher.window is None and dialog is not None and launcher.current() is dialog  # nothing of the book
    qtbot.addWidget(dialog)
    # the file's name, not its whole path (which wrapped over three lines); the path is the tooltip
    assert f"「{book.name}」设有账户" in dialog.intro.text() and str(book.parent) not in dialog.intro.text()
    assert dialog.intro.toolTip() == str(book)
    type_text(qtbot, dialog.name, "jingban")
    type_text(qtbot, dialog.password, "wrong-Pass1")
    dialog.confirm.click()
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=20_000)
    assert "账户名或密码不正确" in dialog.message.text() and "已连续失败1次" in dialog.message.text()
    assert dialog.password.text() == "" and launcher.window is None
    assert scalar(book, "SELECT failed_count FROM accounts WHERE name = 'jingban'") == 1
    type_text(qtbot, dialog.password, PW)
    dialog.confirm.click()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=20_000)
    window = launcher.window
    qtbot.addWidget(window)
    assert window.actor_label.text() == "账户:jingban(经办人)"
    assert window.session.book.account.name == "jingban" and window.session.book.actor == "jingban"
    assert settings.get("ui/user") == "jingban"  # the name is remembered, the password never
    assert PW not in Path(settings.qsettings().fileName()).read_text(encoding="utf-8")
    close(qtbot, launcher)
    again = launch(qtbot, book, monkeypatch)
    assert again.admission.dialog.name.text() == "jingban"
    again.admission.dialog.reject()
    assert again.welcome is not None and again.welcome.isVisible()  # cancelled: back to the welcome page
    again.welcome.close()


def test_environment_signs_in_without_a_dialog_and_paints_before_the_book_opens(qtbot, book, monkeypatch):  # type: ignore[no-untyped-def]
    launcher = launch(qtbot, book, monkeypatch, "shenhe", page="roster")
    window = launcher.window
    assert window is not None and launcher.admission.dialog is None
    assert not window.session.is_ready  # checked on the plain reader: the Book opens after the first paint
    assert window.actor_label.text() == "账户:shenhe(审核人)"
    qtbot.waitUntil(lambda: window.session.is_ready, timeout=20_000)
    assert window.session.book.account.name == "shenhe"  # the Book signed in as it opened, and logged it
    assert scalar(book, "SELECT account FROM security_log WHERE event = 'sign_in' ORDER BY seq DESC LIMIT 1") == \
        "shenhe"
    close(qtbot, launcher)


def test_environment_with_a_wrong_password_counts_it_and_asks(qtbot, book, monkeypatch):  # type: ignore[no-untyped-def]
    launcher = launch(qtbot, book, monkeypatch, "jingban", password="Wrong-2026")
    assert launcher.window is None
    qtbot.waitUntil(lambda: launcher.admission.dialog is not None, timeout=20_000)
    dialog = launcher.admission.dialog
    qtbot.addWidget(dialog)
    assert "账户名或密码不正确" in dialog.message.text() and dialog.name.text() == "jingban"
    assert scalar(book, "SELECT failed_count FROM accounts WHERE name = 'jingban'") == 1
    dialog.reject()
    launcher.welcome.close()


def test_a_book_without_accounts_asks_for_its_first_admin_and_shows_the_key_once(qtbot, book_path, monkeypatch):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication, QDialog

    from bianzhi_app.accounts.passwords import verify_secret

    launcher = launch(qtbot, book_path, monkeypatch)
    window = launcher.window
    assert window is not None and window.session.account is None  # a book from before accounts opens as before
    qtbot.waitUntil(lambda: window.findChild(QDialog, "first_admin_dialog") is not None, timeout=20_000)
    dialog = window.findChild(QDialog, "first_admin_dialog")
    assert "还没有账户" in dialog.intro.text()
    dialog.name.setText("guanli")
    dialog.password.setText("Guanli-2026")
    dialog.again.setText("Guanli-2027")
    dialog.confirm.click()
    assert "两次输入的密码不一致" in dialog.message.text()
    dialog.again.setText("Guanli-2026")
    seen: dict[str, Any] = {}

    def keep_key(box: Any) -> None:
        seen["key"] = box.key.text()
        seen["text"] = box.findChildren(type(dialog.intro))[0].text()
        box.copy.click()
        seen["clipboard"] = QApplication.clipboard().text()
        box.kept.click()

    answers = answer(keep_key)
    answers.seen.append(dialog)  # the next modal window, not this one
    dialog.confirm.click()
    qtbot.waitUntil(lambda: answers.done and window.session.account is not None, timeout=20_000)
    key = seen["key"]
    assert len(key) == 35 and key.count("-") == 5 and seen["clipboard"] == key
    assert "打印" in seen["text"] and "不会再显示" in seen["text"]
    stored = scalar(book_path, "SELECT key_hash FROM recovery_keys")
    assert key not in stored and verify_secret(key, stored)  # only its hash is kept
    assert window.actor_label.text() == "账户:guanli(系统管理员)"
    assert window.page_visible("accounts") and not window.actions["enter"].isEnabled()
    close(qtbot, launcher)


def test_closing_the_first_admin_dialog_closes_the_book(qtbot, book_path, monkeypatch):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialog

    from bianzhi_app.safety.lock import lock_path_for

    launcher = launch(qtbot, book_path, monkeypatch, keep=False)
    window = launcher.window
    qtbot.waitUntil(lambda: window.findChild(QDialog, "first_admin_dialog") is not None, timeout=20_000)
    window.findChild(QDialog, "first_admin_dialog").cancel.click()
    qtbot.waitUntil(lambda: launcher.window is None, timeout=10_000)
    assert launcher.welcome is not None and "须先设立系统管理员" in launcher.welcome.message.text()
    qtbot.waitUntil(lambda: not lock_path_for(book_path).exists(), timeout=10_000)
    assert scalar(book_path, "SELECT COUNT(*) FROM accounts") == 0
    launcher.welcome.close()


def test_a_password_that_must_change_is_changed_before_the_window(qtbot, book, monkeypatch):  # type: ignore[no-untyped-def]
    with as_account(book, "admin") as admin:
        admin.accounts.reset_password(name="jingban", password="Temp-2026a")
    seen: dict[str, Any] = {}

    def change(dialog: Any) -> None:
        seen["intro"] = dialog.intro.text()
        dialog.current.setText("Temp-2026a")
        dialog.new.setText("Neu-Pass-2026")
        dialog.again.setText("Neu-Pass-2026")
        dialog.confirm.click()

    answers = answer(change)
    launcher = launch(qtbot, book, monkeypatch, "jingban", password="Temp-2026a")
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=30_000)
    qtbot.addWidget(launcher.window)
    assert answers.done and "须先修改密码" in seen["intro"]
    assert not launcher.window.session.account.must_change
    assert launcher.window.actions["enter"].isEnabled()
    close(qtbot, launcher)
    with as_account(book, "jingban", "Neu-Pass-2026") as clerk:
        assert not clerk.account.must_change


# --- the idle lock ----------------------------------------------------------------------------------------
def covered(window: Any, widget: Any) -> bool:
    """Whether what is drawn at the middle of `widget` is the lock's cover (the data is hidden)."""
    overlay = window.idle_lock.overlay
    point = widget.mapTo(window, widget.rect().center())
    top = window.childAt(point)
    return top is overlay or overlay.isAncestorOf(top)


def test_idle_lock_hides_the_data_and_unlocks_with_the_password_keeping_the_screen(qtbot, book, monkeypatch):  # type: ignore[no-untyped-def]
    launcher = launch(qtbot, book, monkeypatch, "jingban", page="roster")
    window = launcher.window
    window.resize(1100, 700)
    roster = window.roster
    type_text(qtbot, roster.search, "甲")
    qtbot.waitUntil(lambda: window.session.is_ready, timeout=20_000)
    lock = window.idle_lock
    lock.set_interval_ms(150)  # the policy says 10 minutes; a test cannot wait that long
    qtbot.waitUntil(lambda: lock.locked, timeout=5_000)
    lock.set_interval_ms(10_000_000)
    overlay = lock.overlay
    assert overlay.isVisible() and overlay.geometry() == window.rect()
    assert covered(window, roster.view) and covered(window, window.menuBar()) and covered(window, window.tree)
    assert "jingban" in overlay.text.text()
    window.actions["enter"].trigger()  # a shortcut's action while locked: swallowed by the filter, not here
    type_text(qtbot, overlay.password, "Wrong-2026")
    overlay.unlock.click()
    qtbot.waitUntil(lambda: overlay.message.isVisible(), timeout=20_000)
    assert "账户名或密码不正确" in overlay.message.text() and lock.locked and overlay.isVisible()
    assert scalar(book, "SELECT failed_count FROM accounts WHERE name = 'jingban'") == 1  # counts toward lockout
    qtbot.waitUntil(overlay.unlock.isEnabled, timeout=5_000)
    type_text(qtbot, overlay.password, PW)
    overlay.unlock.click()
    qtbot.waitUntil(lambda: not lock.locked, timeout=20_000)
    assert not overlay.isVisible() and not covered(window, roster.view)
    assert window.page_key() == "roster" and roster.search.text() == "甲"  # the screen as it was
    close(qtbot, launcher)


def test_a_locked_out_account_can_only_quit(qtbot, book, monkeypatch):  # type: ignore[no-untyped-def]
    with as_account(book, "admin") as admin:
        admin.accounts.set_policy(name="lockout-attempts", value="2")
    launcher = launch(qtbot, book, monkeypatch, "shenhe")
    window = launcher.window
    qtbot.waitUntil(lambda: window.session.is_ready, timeout=20_000)
    lock = window.idle_lock
    window.lock_now()
    overlay = lock.overlay
    assert lock.locked
    for _ in range(2):
        qtbot.waitUntil(overlay.password.isEnabled, timeout=5_000)
        qtbot.waitUntil(overlay.unlock.isEnabled, timeout=20_000)
        overlay.password.setText("Wrong-2026")
        overlay.unlock.click()
        wait_idle(qtbot, window.session)
    qtbot.waitUntil(lambda: "只能退出" in overlay.message.text(), timeout=20_000)
    assert not overlay.password.isEnabled() and overlay.quit.isEnabled() and lock.locked
    overlay.quit.click()
    assert not window.isVisible()


# --- 待审事项 ------------------------------------------------------------------------------------------------
def test_reviewer_approves_a_clerks_proposal_seeing_the_moved_figures(qtbot, book, monkeypatch):  # type: ignore[no-untyped-def]
    with as_account(book, "jingban") as clerk:
        change = clerk.quotas.set(unit="区农业农村局", kind="行政编制", approved=4, doc=DOC)
        assert change.proposal == 1
    with as_account(book, "admin") as admin:  # the figures move after the proposal was made
        admin.accounts.set_policy(name="review", value="off")
    with as_account(book, "jingban") as clerk:
        clerk.quotas.set(unit="区农业农村局", kind="行政编制", approved=5, doc="杨编发〔2026〕7号")
    with as_account(book, "admin") as admin:
        admin.accounts.set_policy(name="review", value="on")
    launcher = launch(qtbot, book, monkeypatch, "shenhe")
    window = launcher.window
    qtbot.waitUntil(lambda: window.pending_button.text() == "待审事项 1", timeout=20_000)
    assert window.pending_button.isVisible()
    window.pending_button.click()
    page = window.page("review")
    assert window.page_key() == "review" and page.table.rowCount() == 1
    qtbot.waitUntil(lambda: "提交后数字已有变动" in page.detail.text(), timeout=20_000)
    text = page.detail.text()
    assert "核定4" in text and "核定5" in text and "jingban" in text  # as proposed, and today's figures
    assert text.count("<table") == 2 and "→" in text and "font-weight:bold" in text  # side by side, changes marked
    assert page.approve_button.isEnabled()
    page.approve_button.click()
    qtbot.waitUntil(lambda: scalar(book, QUOTA_SQL, n="区农业农村局", k=1) == 4, timeout=20_000)
    wait_idle(qtbot, window.session)
    last = "SELECT {0} FROM ledger ORDER BY seq DESC LIMIT 1"
    assert (scalar(book, last.format("actor")), scalar(book, last.format("approver"))) == ("jingban", "shenhe")
    qtbot.waitUntil(lambda: window.pending_button.text() == "待审事项 0", timeout=10_000)
    assert page.table.rowCount() == 0
    close(qtbot, launcher)


def test_reviewer_rejects_with_a_reason_and_cannot_decide_their_own(qtbot, book, monkeypatch):  # type: ignore[no-untyped-def]
    with as_account(book, "jingban") as clerk:
        clerk.quotas.set(unit="区农业农村局", kind="行政编制", approved=4, doc=DOC)
    launcher = launch(qtbot, book, monkeypatch, "shenhe", page="review")
    window = launcher.window
    page = window.page("review")
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=20_000)
    dialog = page.reject()
    dialog.confirm.click()
    assert "退回须写明理由" in dialog.message.text()
    dialog.reason.setText("文号有误")
    dialog.confirm.click()
    qtbot.waitUntil(lambda: scalar(book, "SELECT status FROM proposals WHERE number = 1") == "rejected",
                    timeout=20_000)
    assert scalar(book, "SELECT reason FROM proposals WHERE number = 1") == "文号有误"
    assert scalar(book, QUOTA_SQL, n="区农业农村局", k=1) == 3
    close(qtbot, launcher)


def test_clerks_quota_dialog_says_the_proposal_number_and_lists_it_as_theirs(qtbot, book, monkeypatch):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    launcher = launch(qtbot, book, monkeypatch, "jingban")
    window = launcher.window
    dialog = open_dialog(window, "quota_set", unit_id=unit_id(book, "区农业农村局"))
    dialog.approved.setValue(5)
    type_text(qtbot, dialog.doc, "杨编发〔2026〕9号")
    dialog.confirm.click()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "proposal_message") is not None, timeout=20_000)
    box = window.findChild(QMessageBox, "proposal_message")
    assert "已提交待审事项第1号,待审核人审核" in box.text()
    assert scalar(book, QUOTA_SQL, n="区农业农村局", k=1) == 3  # nothing changed
    box.accept()
    assert window.pending_button.text() == "待审事项 1"
    window.show_page("review")
    page = window.page("review")
    assert page.scope.currentData() == "mine" and not page.approve_button.isVisible()
    assert page.table.rowCount() == 1 and page.table.item(0, 6).text() == "待审"
    close(qtbot, launcher)


# --- what each role may use ---------------------------------------------------------------------------------
def test_viewer_cannot_use_operations_and_sees_no_duty_pages(qtbot, book, monkeypatch):  # type: ignore[no-untyped-def]
    from ui.dialogs.registry import OPERATIONS

    launcher = launch(qtbot, book, monkeypatch, "chaxun")
    window = launcher.window
    assert window.actor_label.text() == "账户:chaxun(查询)"
    for entry in OPERATIONS:
        assert not window.actions[entry.key].isEnabled(), entry.key
    enter = window.actions["enter"]
    assert "经办人(clerk)" in enter.toolTip()
    for key in ("import", "backup", "restore", "snapshot"):
        assert not window.actions[key].isEnabled(), key
    assert window.actions["export_book"].isEnabled() and window.actions["reports"].isEnabled()
    assert not any(window.page_visible(p) for p in ("review", "accounts", "audit"))
    assert not window.actions["page_accounts"].isVisible() and not window.pending_button.isVisible()
    window.show_page("reports")  # built after the sign-in: gates itself
    snapshot = window.reports.snapshot_button
    assert not snapshot.isEnabled() and "经办人(clerk)" in snapshot.toolTip()
    close(qtbot, launcher)


def test_clerk_and_reviewer_see_what_their_role_allows(qtbot, book, monkeypatch):  # type: ignore[no-untyped-def]
    launcher = launch(qtbot, book, monkeypatch, "shenhe")
    window = launcher.window
    assert not window.actions["enter"].isEnabled() and window.page_visible("review")
    assert not window.page_visible("accounts")
    window.show_page("reports")
    snapshot = window.reports.snapshot_button
    assert not snapshot.isEnabled() and "经办人(clerk)" in snapshot.toolTip()
    close(qtbot, launcher)
    launcher = launch(qtbot, book, monkeypatch, "jingban")
    window = launcher.window
    assert window.actions["enter"].isEnabled() and window.actions["quota_set"].isEnabled()
    assert window.page_visible("review") and not window.page_visible("audit")
    assert not window.actions["restore"].isEnabled()
    window.show_page("reports")
    assert window.reports.snapshot_button.isEnabled()
    assert "每个季度只能封存一次" in window.reports.snapshot_button.toolTip()
    close(qtbot, launcher)


def test_admin_manages_accounts_and_policy_on_the_accounts_page(qtbot, book, monkeypatch):  # type: ignore[no-untyped-def]
    launcher = launch(qtbot, book, monkeypatch, "admin", page="accounts")
    window = launcher.window
    assert window.page_visible("accounts") and not window.page_visible("audit")
    assert not window.actions["enter"].isEnabled() and window.actions["backup"].isEnabled()
    page = window.page("accounts")
    assert window.pages.currentWidget().isAncestorOf(page)  # --page accounts shows it (a duty page)
    assert not page.policy_box.isEnabled() or page.review.isChecked()  # never the spin boxes' minimums as policy
    qtbot.waitUntil(lambda: page.table.rowCount() == 5, timeout=20_000)  # read once the Book is open
    assert page.policy_box.isEnabled() and page.review.isChecked() and page.spins["lockout-attempts"].value() == 5
    shown = {page.table.item(r, 0).text(): (page.table.item(r, 1).text(), page.table.item(r, 2).text())
             for r in range(page.table.rowCount())}
    assert shown["jingban"] == ("经办人", "正常") and shown["admin"] == ("系统管理员", "正常") and len(shown) == 5
    dialog = page.add()
    dialog.name.setText("xiaowang")
    boxes = {role.value: box for role, box in dialog.roles.boxes.items()}
    boxes["admin"].setChecked(True)
    boxes["clerk"].setChecked(True)
    assert dialog.roles.roles() == ["clerk"]  # 系统管理员 is held alone: ticking another clears it
    boxes["reviewer"].setChecked(True)
    dialog.password.setText("Xiao-Wang-2026")
    dialog.again.setText("Xiao-Wang-2026")
    dialog.confirm.click()
    qtbot.waitUntil(lambda: page.table.rowCount() == 6, timeout=20_000)
    assert scalar(book, "SELECT roles FROM accounts WHERE name = 'xiaowang'") == "clerk,reviewer"
    page.select("xiaowang")
    assert page.table.item(page.table.currentRow(), 2).text() == "须改密码"
    page.lock()
    qtbot.waitUntil(lambda: page.table.item(page.table.currentRow(), 2) is not None and
                    page.table.item(page.table.currentRow(), 2).text() == "已锁定(待解锁)", timeout=20_000)
    page.spins["idle-minutes"].setValue(5)
    page.review.setChecked(False)
    page.store_policy()
    qtbot.waitUntil(lambda: scalar(book, "SELECT value FROM policy WHERE name = 'idle-minutes'") == "5",
                    timeout=20_000)
    assert scalar(book, "SELECT value FROM policy WHERE name = 'review'") == "off"
    close(qtbot, launcher)


def test_auditor_reads_the_security_log_with_filters(qtbot, book, monkeypatch):  # type: ignore[no-untyped-def]
    with pytest.raises(Exception, match="账户名或密码不正确"):
        as_account(book, "jingban", "Wrong-2026")
    launcher = launch(qtbot, book, monkeypatch, "auditor", page="audit")
    window = launcher.window
    assert window.page_visible("audit") and not window.page_visible("accounts") and not window.page_visible("review")
    page = window.page("audit")
    qtbot.waitUntil(lambda: page.table.rowCount() > 0, timeout=20_000)
    events = {page.table.item(r, 3).text() for r in range(page.table.rowCount())}
    assert {"新增账户", "登录", "登录失败"} <= events
    page.event.setCurrentIndex(page.event.findData("sign_in_failed"))
    page.refresh()
    rows = [(page.table.item(r, 2).text(), page.table.item(r, 4).text()) for r in range(page.table.rowCount())]
    assert rows == [("jingban", "原因 密码错误,连续失败次数 1")]
    assert page.count.text() == "共1条"
    close(qtbot, launcher)


def test_main_py_with_the_environment_paints_the_signed_in_roster_before_sqlalchemy(book, tmp_path):  # type: ignore[no-untyped-def]
    """The start-up win is kept with accounts: the password is checked on the plain reader while the window is
    built, so the roster paints before SQLAlchemy loads; the Book then signs in behind it. Without the variables
    the first thing painted is the sign-in dialog, also before SQLAlchemy."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BIANZHI_SETTINGS": str(tmp_path / "s.ini"),
           "BIANZHI_USER": "chaxun", "BIANZHI_PASSWORD": PW}
    args = [sys.executable, str(root / "main.py"), "--gui", "--db", str(book), "--page", "roster", "--exit-after-paint"]
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    painted, ready = result.stdout.splitlines()[:2]
    assert painted.startswith("painted") and "sqlalchemy=0" in painted, painted
    assert ready.startswith("ready") and "sqlalchemy=1" in ready, ready
    assert scalar(book, "SELECT account FROM security_log WHERE event = 'sign_in' ORDER BY seq DESC LIMIT 1") == \
        "chaxun"
    del env["BIANZHI_PASSWORD"]
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("painted") and "sqlalchemy=0" in result.stdout
