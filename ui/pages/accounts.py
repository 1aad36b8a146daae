"""账户 (issue 15, 系统管理员 only): the accounts with their roles and state, adding one, changing roles,
lock / unlock / disable, resetting a password, and the security policy. Every change is one call of
`book.accounts` on the worker; the core checks the role and the rules (the last admin kept, roles held
alone, password strength) and its refusal is shown in the usual error box.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6 import QtCore
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from bianzhi_app.accounts.roles import roles_label
from bianzhi_app.accounts.signin import LOCKED_FOR_GOOD, POLICY_RANGES
from bianzhi_app.accounts.store import policy_items
from ui.dialogs.common import notify, show_error
from ui.i18n import tr
from ui.pages.common import fill_table, heading, make_table
from ui.session import Session, error_text

POLICY_WORDS = {"review": "编制事项审核(经办人的编制事项须经审核人审核)",
                "lockout-attempts": "连续登录失败锁定次数", "lockout-minutes": "锁定时长(分钟)",
                "idle-minutes": "无操作自动锁屏(分钟)", "password-min-length": "密码最短长度",
                "password-max-days": "密码有效期(天,0为不过期)"}


def state_text(record: Any, now: dt.datetime) -> str:
    """正常 / 已锁定 / 已停用 / 须改密码, as the admin reads an account's state."""
    if record.disabled:
        return tr("已停用")
    if record.locked_until and dt.datetime.fromisoformat(record.locked_until) > now:
        if record.locked_until == LOCKED_FOR_GOOD:
            return tr("已锁定(待解锁)")
        return tr("已锁定(至{0})").format(record.locked_until[11:16])
    if record.must_change:
        return tr("须改密码")
    return tr("正常")


class AccountsPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.records: list[Any] = []
        layout = QVBoxLayout(self)
        layout.addWidget(heading(tr("账户"), self))
        bar = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, label, slot in (("add", tr("新增账户…"), self.add), ("roles", tr("变更角色…"), self.change_roles),
                                 ("lock", tr("锁定"), self.lock), ("unlock", tr("解锁"), self.unlock),
                                 ("disable", tr("停用"), self.disable), ("reset", tr("重置密码…"), self.reset)):
            button = QPushButton(label, self)
            button.setObjectName(f"account_{key}")
            button.clicked.connect(lambda _c=False, s=slot: s())
            bar.addWidget(button)
            self.buttons[key] = button
        bar.addStretch(1)
        layout.addLayout(bar)
        self.table = make_table(self, "accounts_table")
        self.table.itemSelectionChanged.connect(self._selection)
        layout.addWidget(self.table, 1)
        layout.addWidget(self._policy_box())

    def _policy_box(self) -> QGroupBox:
        box = QGroupBox(tr("安全策略"), self)
        form = QFormLayout(box)
        self.review = QCheckBox(tr(POLICY_WORDS["review"]), box)
        self.review.setObjectName("policy_review")
        form.addRow(self.review)
        self.spins: dict[str, QSpinBox] = {}
        for name, (_attribute, low, high) in POLICY_RANGES.items():
            spin = QSpinBox(box)
            spin.setObjectName(f"policy_{name}")
            spin.setRange(low, high)
            form.addRow(tr(POLICY_WORDS[name]), spin)
            self.spins[name] = spin
        self.save_policy = QPushButton(tr("保存安全策略"), box)
        self.save_policy.setObjectName("policy_save")
        self.save_policy.clicked.connect(lambda _c=False: self.store_policy())
        form.addRow(self.save_policy)
        box.setEnabled(False)  # until the book's figures are read: never offer the spin boxes' minimums as the policy
        self.policy_box = box
        return box

    # --- reading ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read through the Book (its API checks the role): once it is open, never before the first paint."""
        self.session.when_ready(self._load)

    def _load(self) -> None:
        book = self.session.book
        chosen = self.selected()
        self.records = book.accounts.list()
        now = dt.datetime.now().astimezone()
        fill_table(self.table, [tr("账户"), tr("角色"), tr("状态"), tr("连续登录失败"), tr("设立时间"),
                                tr("密码修改时间")],
                   [[r.name, tr(roles_label(r.roles)), state_text(r, now), r.failed_count, r.created_at[:16].replace(
                       "T", " "), r.password_changed_at[:16].replace("T", " ")] for r in self.records],
                   [r.name for r in self.records])
        self.policy = book.accounts.policy()
        items = policy_items(self.policy)
        self.review.setChecked(items["review"] == "on")
        for name, spin in self.spins.items():
            spin.setValue(int(items[name]))
        self.policy_box.setEnabled(True)
        if chosen is not None:  # the same account stays selected after a change
            self.select(chosen.name)
        self._selection()

    def selected(self) -> Any:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        name = item.data(QtCore.Qt.ItemDataRole.UserRole) if item is not None else None
        return next((r for r in self.records if r.name == name), None)

    def select(self, name: str) -> None:
        for row, record in enumerate(self.records):
            if record.name == name:
                self.table.selectRow(row)

    def _selection(self) -> None:
        chosen = self.selected() is not None
        for key, button in self.buttons.items():
            button.setEnabled(key == "add" or chosen)

    # --- changing -----------------------------------------------------------------------------------
    def _run(self, title: str, work: Callable[[Any], Any], done_text: str) -> None:
        def done(_value: Any) -> None:
            notify(self, done_text)
            self.refresh()

        self.session.run_job(lambda _job: work(self.session.book), done,
                             lambda error: show_error(self, title, error_text(error)))

    def _dialog(self, dialog: Any) -> Any:
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.done_callbacks.append(lambda _value: self.refresh())
        dialog.open()
        return dialog

    def add(self) -> Any:
        from ui.dialogs.accounts import AddAccountDialog

        return self._dialog(AddAccountDialog(self.session, self))

    def change_roles(self) -> Any:
        from ui.dialogs.accounts import RolesDialog

        record = self.selected()
        return None if record is None else self._dialog(RolesDialog(self.session, self, record.name, record.roles))

    def reset(self) -> Any:
        from ui.dialogs.accounts import ResetPasswordDialog

        record = self.selected()
        return None if record is None else self._dialog(ResetPasswordDialog(self.session, self, record.name))

    def lock(self) -> None:
        record = self.selected()
        if record is not None:
            name = record.name
            self._run(tr("锁定账户"), lambda book: book.accounts.lock(name=name), tr("已锁定账户「{0}」").format(name))

    def unlock(self) -> None:
        record = self.selected()
        if record is not None:
            name = record.name
            self._run(tr("解锁账户"), lambda book: book.accounts.unlock(name=name),
                      tr("已解锁账户「{0}」").format(name))

    def disable(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        record = self.selected()
        if record is None:
            return
        name = record.name
        answer = QMessageBox.question(self, tr("停用账户"),
                                      tr("停用账户「{0}」?停用后不能登录(如人员已调离);可再解锁。").format(name))
        if answer == QMessageBox.StandardButton.Yes:
            self._run(tr("停用账户"), lambda book: book.accounts.disable(name=name),
                      tr("已停用账户「{0}」").format(name))

    def store_policy(self) -> None:
        """Save the policy fields that changed, each a `policy set` of its own (each logged)."""
        old = policy_items(self.policy)
        new = {"review": "on" if self.review.isChecked() else "off",
               **{name: str(spin.value()) for name, spin in self.spins.items()}}
        changed = [(name, value) for name, value in new.items() if old[name] != value]
        if not changed:
            notify(self, tr("安全策略未改动"))
            return

        def work(book: Any) -> None:
            for name, value in changed:
                book.accounts.set_policy(name=name, value=value)

        self._run(tr("安全策略"), work, tr("安全策略已保存"))
