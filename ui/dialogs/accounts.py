"""The window's account dialogs (issue 15): sign in, the first admin of a book without accounts and its
recovery key (shown once), one's own password (forced when it must change), and the admin's add account,
roles and reset password; the reviewer's reason for sending a proposal back.

Each dialog reads its fields on the main thread and runs one call of the Book's typed API on the worker
(`book.sign_in`, `book.accounts.…`, `book.review.reject`); the core checks everything (password strength,
roles held alone, lockout) and its refusal is shown in the dialog, which stays open. Passwords live in the
fields only: never in settings, never in a message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bianzhi_app.accounts.roles import SOLE_ROLES, Role
from ui.i18n import tr
from ui.session import Session, error_text

if TYPE_CHECKING:
    from bianzhi_app.book import Book

ROLE_HELP = {Role.ADMIN: "账户、角色、安全策略、备份与恢复;不办理编制业务",
             Role.AUDITOR: "查阅安全审计日志和台账;不作任何修改",
             Role.CLERK: "办理编制和人员事项;开启审核时编制事项须经审核",
             Role.REVIEWER: "审核他人提交的待审事项",
             Role.VIEWER: "只能查阅"}


def password_edit(parent: QWidget, name: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(128)
    return edit


class AccountDialog(QDialog):
    """A form whose OK runs one call of the Book on the worker; a refusal is shown below the form."""

    def __init__(self, session: Session, parent: QWidget | None, title: str, name: str):
        super().__init__(parent)
        self.session = session
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.result_value: Any = None
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setObjectName("intro")
        self.intro.setWordWrap(True)
        self.intro.hide()
        layout.addWidget(self.intro)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.message = QLabel(self)
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color:#b00020;font-weight:bold")
        self.message.hide()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.confirm = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.confirm.setObjectName("confirm")
        self.confirm.setText(tr("确定"))
        self.cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel.setObjectName("cancel")
        self.cancel.setText(tr("取消"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.done_callbacks: list[Callable[[Any], None]] = []

    def say(self, text: str, intro: bool = False) -> None:
        label = self.intro if intro else self.message
        label.setText(text)
        label.setVisible(bool(text))

    def line(self, label: str, name: str, *, password: bool = False) -> QLineEdit:
        edit = password_edit(self, name) if password else QLineEdit(self)
        edit.setObjectName(name)
        self.form.addRow(label, edit)
        return edit

    # --- for subclasses -----------------------------------------------------------------------------
    def problem(self) -> str | None:
        """What the form still lacks (shown instead of running), or None."""
        return None

    def work(self) -> Callable[[Book], Any]:
        raise NotImplementedError

    # --- flow ---------------------------------------------------------------------------------------
    def submit(self) -> None:
        problem = self.problem()
        if problem:
            self.say(problem)
            return
        work = self.work()
        self.confirm.setEnabled(False)
        self.say("")
        self.session.run_job(lambda _job: work(self.session.book), self._succeeded, self._failed)

    def _succeeded(self, value: Any) -> None:
        self.result_value = value
        self.confirm.setEnabled(True)
        for callback in self.done_callbacks:
            callback(value)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.confirm.setEnabled(True)
        self.say(error_text(error))
        self.failed(error)

    def failed(self, error: BaseException) -> None:
        """After a refusal (the sign-in dialog clears the password)."""


def _same(first: QLineEdit, again: QLineEdit) -> str | None:
    if not first.text():
        return tr("请输入密码")
    if first.text() != again.text():
        return tr("两次输入的密码不一致")
    return None


class SignInDialog(AccountDialog):
    """登录: the name remembered from last time, the password never. OK signs in on the worker (the Book opens
    first when it has not yet); the account (book.sign_in's) is the dialog's result."""

    def __init__(self, session: Session, parent: QWidget | None = None, *, name: str = "", message: str = "",
                 hint: str = ""):
        super().__init__(session, parent, tr("登录 — 编制台账"), "sign_in_dialog")
        self.say(tr("「{0}」设有账户,请登录。").format(session.book_name) + (f"\n{hint}" if hint else ""), intro=True)
        from ui.server import without_password

        self.intro.setToolTip(without_password(session.path))
        self.name = self.line(tr("账户名"), "sign_in_name")
        self.password = self.line(tr("密码"), "sign_in_password", password=True)
        self.confirm.setText(tr("登录"))
        self.cancel.setText(tr("退出"))
        self.name.setText(name)
        (self.password if name else self.name).setFocus()
        self.say(message)

    def problem(self) -> str | None:
        if not self.name.text().strip():
            return tr("请输入账户名")
        return None if self.password.text() else tr("请输入密码")

    def work(self) -> Callable[[Book], Any]:
        name, password = self.name.text().strip(), self.password.text()
        return lambda book: book.sign_in(name, password)

    def failed(self, error: BaseException) -> None:
        self.password.clear()
        self.password.setFocus()


class FirstAdminDialog(AccountDialog):
    """设立系统管理员: a book without accounts gets its first admin (book.accounts.create_first), who is then
    signed in; the result is (recovery key, account)."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(session, parent, tr("设立系统管理员"), "first_admin_dialog")
        self.say(tr("这个台账还没有账户。请先设立系统管理员账户:此后每次打开都须登录,经办人、审核人等账户由"
                    "系统管理员新增。密码至少8位,须含大写字母、小写字母、数字、符号中的至少三类。"), intro=True)
        self.name = self.line(tr("账户名"), "admin_name")
        self.name.setText("admin")
        self.password = self.line(tr("密码"), "admin_password", password=True)
        self.again = self.line(tr("再次输入密码"), "admin_password_again", password=True)
        self.cancel.setText(tr("关闭台账"))

    def problem(self) -> str | None:
        if not self.name.text().strip():
            return tr("请输入账户名")
        return _same(self.password, self.again)

    def work(self) -> Callable[[Book], Any]:
        name, password = self.name.text().strip(), self.password.text()

        def create(book: Book) -> tuple[str, Any]:
            key = book.accounts.create_first(name=name, password=password)
            return key, book.sign_in(name, password)

        return create


class RecoveryKeyDialog(QDialog):
    """The recovery key, shown this once: print it or write it down and keep it safe (copy button)."""

    def __init__(self, key: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("recovery_key_dialog")
        self.setWindowTitle(tr("恢复密钥(只显示这一次)"))
        layout = QVBoxLayout(self)
        text = QLabel(tr("请立即打印或抄写下面的恢复密钥,并妥善保管(如存放在保密柜中)。所有系统管理员都忘记密码时,"
                         "凭它才能重新设立系统管理员(命令 user recover)。关闭此窗口后不会再显示,程序也无法找回。"),
                      self)
        text.setWordWrap(True)
        layout.addWidget(text)
        self.key = QLineEdit(key, self)
        self.key.setObjectName("recovery_key")
        self.key.setReadOnly(True)
        self.key.setStyleSheet("font-size:18px;font-family:monospace;padding:6px")
        layout.addWidget(self.key)
        row = QHBoxLayout()
        self.copy = QPushButton(tr("复制"), self)
        self.copy.setObjectName("copy_key")
        self.copy.clicked.connect(self._copy)
        self.kept = QPushButton(tr("我已妥善保存"), self)
        self.kept.setObjectName("key_kept")
        self.kept.clicked.connect(self.accept)
        row.addWidget(self.copy)
        row.addStretch(1)
        row.addWidget(self.kept)
        layout.addLayout(row)

    def _copy(self) -> None:
        from PySide6.QtWidgets import QApplication

        QApplication.clipboard().setText(self.key.text())
        self.copy.setText(tr("已复制"))


class ChangePasswordDialog(AccountDialog):
    """修改密码 (book.accounts.change_password). ``forced``: the password must change before anything else
    (first sign-in, after a reset, expired); cancelling then signs out."""

    def __init__(self, session: Session, parent: QWidget | None = None, *, forced: bool = False):
        super().__init__(session, parent, tr("修改密码"), "change_password_dialog")
        self.forced = forced
        name = session.account.name if session.account is not None else ""
        if forced:
            self.say(tr("账户「{0}」须先修改密码(首次登录、密码被重置或已过期),修改后才能继续。").format(name),
                     intro=True)
            self.cancel.setText(tr("退出"))
        self.current = self.line(tr("当前密码"), "current_password", password=True)
        self.new = self.line(tr("新密码"), "new_password", password=True)
        self.again = self.line(tr("再次输入新密码"), "new_password_again", password=True)

    def problem(self) -> str | None:
        if not self.current.text():
            return tr("请输入当前密码")
        return _same(self.new, self.again)

    def work(self) -> Callable[[Book], Any]:
        current, new = self.current.text(), self.new.text()

        def change(book: Book) -> Any:
            book.accounts.change_password(current=current, new=new)
            return book.account

        return change


class RoleBoxes(QWidget):
    """A checkbox per role; 系统管理员 and 安全审计员 are held alone (ticking one clears the others)."""

    def __init__(self, parent: QWidget, roles: Iterable[Role] = ()):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[Role, QCheckBox] = {}
        chosen = set(roles)
        for role in Role:
            box = QCheckBox(f"{tr(role.label)}({role.value})", self)
            box.setObjectName(f"role_{role.value}")
            box.setToolTip(tr(ROLE_HELP[role]))
            box.setChecked(role in chosen)
            box.toggled.connect(lambda on, r=role: self._toggled(r, on))
            layout.addWidget(box)
            self.boxes[role] = box

    def _toggled(self, role: Role, on: bool) -> None:
        if not on:
            return
        for other, box in self.boxes.items():
            if other is not role and (role in SOLE_ROLES or other in SOLE_ROLES):
                box.setChecked(False)

    def roles(self) -> list[str]:
        return [role.value for role, box in self.boxes.items() if box.isChecked()]


class AddAccountDialog(AccountDialog):
    """新增账户 (系统管理员): name, roles, an initial password the account must change at its first sign-in."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(session, parent, tr("新增账户"), "add_account_dialog")
        self.name = self.line(tr("账户名"), "account_name")
        self.roles = RoleBoxes(self)
        self.form.addRow(tr("角色"), self.roles)
        self.password = self.line(tr("初始密码"), "account_password", password=True)
        self.again = self.line(tr("再次输入"), "account_password_again", password=True)
        self.say(tr("初始密码须在首次登录时修改。"), intro=True)

    def problem(self) -> str | None:
        if not self.name.text().strip():
            return tr("请输入账户名")
        if not self.roles.roles():
            return tr("请至少选择一个角色")
        return _same(self.password, self.again)

    def work(self) -> Callable[[Book], Any]:
        name, roles, password = self.name.text().strip(), self.roles.roles(), self.password.text()
        return lambda book: book.accounts.add(name=name, roles=roles, password=password)


class RolesDialog(AccountDialog):
    """变更角色 of one account."""

    def __init__(self, session: Session, parent: QWidget | None, name: str, roles: Iterable[Role]):
        super().__init__(session, parent, tr("变更角色 — {0}").format(name), "roles_dialog")
        self.account_name = name
        self.roles = RoleBoxes(self, roles)
        self.form.addRow(tr("角色"), self.roles)

    def problem(self) -> str | None:
        return None if self.roles.roles() else tr("请至少选择一个角色")

    def work(self) -> Callable[[Book], Any]:
        name, roles = self.account_name, self.roles.roles()
        return lambda book: book.accounts.set_roles(name=name, roles=roles)


class ResetPasswordDialog(AccountDialog):
    """重置密码 of one account: a new password it must change at its next sign-in."""

    def __init__(self, session: Session, parent: QWidget | None, name: str):
        super().__init__(session, parent, tr("重置密码 — {0}").format(name), "reset_password_dialog")
        self.account_name = name
        self.say(tr("账户「{0}」下次登录时须修改这个密码。").format(name), intro=True)
        self.password = self.line(tr("新密码"), "reset_password", password=True)
        self.again = self.line(tr("再次输入"), "reset_password_again", password=True)

    def problem(self) -> str | None:
        return _same(self.password, self.again)

    def work(self) -> Callable[[Book], Any]:
        name, password = self.account_name, self.password.text()
        return lambda book: book.accounts.reset_password(name=name, password=password)


class RejectDialog(AccountDialog):
    """退回 a proposal, with the reason the clerk will read."""

    def __init__(self, session: Session, parent: QWidget | None, number: int):
        super().__init__(session, parent, tr("退回第{0}号待审事项").format(number), "reject_dialog")
        self.number = number
        self.reason = self.line(tr("退回理由"), "reject_reason")
        self.reason.setMaxLength(500)

    def problem(self) -> str | None:
        return None if self.reason.text().strip() else tr("退回须写明理由")

    def work(self) -> Callable[[Book], Any]:
        number, reason = self.number, self.reason.text().strip()
        return lambda book: book.review.reject(number=number, reason=reason)
