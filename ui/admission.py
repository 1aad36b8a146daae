"""Who may see an opened book (issue 15): sign in before its content shows.

`Admission(launcher).admit(session, hint)` decides, once a book is checked and its plain reader is open:
- a book with accounts and BIANZHI_USER/BIANZHI_PASSWORD set: the password is checked with the core's own
  sign-in check (bianzhi_app.accounts.signin, plain SQL and hashlib.scrypt, which lets go of the GIL) on a
  thread of its own while the window is built, hidden; the window is shown only when the check passed, so
  the first page still paints before SQLAlchemy loads, and the Book records the sign-in as it opens behind
  it. A refused check (or a password that must change) goes the way of the dialog: the Book signs in on the
  worker, which counts the failure, and the sign-in dialog shows its message;
- a book with accounts otherwise: the sign-in dialog (the Book opens behind it while the user types);
- a password that must change (first sign-in, reset, expired): the change dialog, before the window;
- a book without accounts (from before accounts, or made without them): the window as before, then, once the
  Book is open, a dialog for its first admin (book.accounts.create_first), the recovery key shown once, and
  that admin signed in. Closing that dialog closes the book. Not asked with BIANZHI_USER/BIANZHI_PASSWORD set
  (scripts) or on a book opened read-only (nothing can be written).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog

from bianzhi_app.settings import credentials_from_environment
from ui import settings
from ui.first_paint import AfterFirstPaint
from ui.i18n import tr
from ui.password_check import check_for
from ui.session import Session

if TYPE_CHECKING:
    from bianzhi_app.accounts.signin import Account
    from ui.dialogs.accounts import SignInDialog
    from ui.launcher import Launcher
    from ui.main_window import MainWindow


class Admission:
    def __init__(self, launcher: Launcher):
        self.launcher = launcher
        self.dialog: SignInDialog | None = None  # the sign-in dialog on screen

    def admit(self, session: Session, hint: str = "") -> None:
        if not session.has_accounts:
            window = self.launcher.show_book(session)
            if credentials_from_environment() is None and not session.read_only:
                session.when_ready(lambda: self.ask_first_admin(window))
            return
        credentials = credentials_from_environment()
        if credentials is None:
            self.ask(session, hint=hint)
        elif session.is_ready or session.file is None:
            self.sign_in_on_worker(session, *credentials)
        else:
            self._sign_in_while_building(session, *credentials)

    # --- BIANZHI_USER / BIANZHI_PASSWORD ------------------------------------------------------------
    def _sign_in_while_building(self, session: Session, name: str, password: str) -> None:
        check = check_for(session.file, name, password, session.read_only)
        window = self.launcher.build_window(session)
        outcome = check.result()
        account = outcome.account if outcome is not None else None
        if account is None or account.must_change:
            window.deleteLater()  # never shown
            self.sign_in_on_worker(session, name, password)
            return
        session.sign_in_on_open(name, password, account)
        self.launcher.present(window)

    def sign_in_on_worker(self, session: Session, name: str, password: str) -> None:
        """The Book signs in (opening first if it has not yet): counts a failure, which the dialog then shows."""
        def failed(error: BaseException) -> None:
            from ui.session import error_text

            self.ask(session, name=name, message=error_text(error))

        session.run_job(lambda _job: session.book.sign_in(name, password),
                        lambda account: self.signed_in(session, account), failed)

    # --- the dialogs --------------------------------------------------------------------------------
    def ask(self, session: Session, *, name: str = "", message: str = "", hint: str = "") -> SignInDialog:
        from ui.dialogs.accounts import SignInDialog

        dialog = SignInDialog(session, self.launcher.window, name=name or settings.get("ui/user"),
                              message=message, hint=hint)
        self.dialog = dialog
        dialog.done_callbacks.append(lambda account: self._dialog_signed_in(session, dialog, account))
        dialog.rejected.connect(lambda: self._not_signed_in(session, dialog))
        self._after_paint = AfterFirstPaint(dialog, session.start_opening)  # the Book opens while the user types
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _dialog_signed_in(self, session: Session, dialog: SignInDialog, account: Account) -> None:
        settings.set("ui/user", account.name)  # the name, never the password
        if self.dialog is dialog:
            self.dialog = None
        self.signed_in(session, account)

    def _not_signed_in(self, session: Session, dialog: SignInDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        self.give_up(session)

    def give_up(self, session: Session) -> None:
        """Nobody signed in: close the book (its lock released); the welcome page when no other book is shown."""
        session.close()
        if self.launcher.window is None:
            self.launcher.show_welcome(session.path)

    def signed_in(self, session: Session, account: Account) -> None:
        session.account = account
        if not account.must_change:
            self.launcher.show_book(session)
            return
        from ui.dialogs.accounts import ChangePasswordDialog

        dialog = ChangePasswordDialog(session, self.launcher.window, forced=True)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            session.account = dialog.result_value
            self.launcher.show_book(session)
        else:
            self.give_up(session)

    def ask_first_admin(self, window: MainWindow) -> QDialog | None:
        """A book without accounts, on screen: its first admin, the recovery key once, then signed in."""
        from ui.dialogs.accounts import FirstAdminDialog

        session = window.session
        if session.has_accounts or self.launcher.window is not window:
            return None
        dialog = FirstAdminDialog(session, window)
        dialog.done_callbacks.append(lambda result: self._first_admin_made(window, *result))
        dialog.rejected.connect(lambda: QTimer.singleShot(0, lambda: self._no_first_admin(window)))
        dialog.open()
        return dialog

    def _no_first_admin(self, window: MainWindow) -> None:
        """关闭台账 in the first-admin dialog: the book closes (not when the application is quitting anyway)."""
        from ui.server import without_password

        if self.launcher.window is window and window.isVisible() and not window.session.has_accounts:
            self.launcher.close_window(window, tr("「{0}」尚未设立账户:须先设立系统管理员才能使用")
                                       .format(without_password(window.session.path)))

    def _first_admin_made(self, window: MainWindow, key: str, account: Account) -> None:
        from ui.dialogs.accounts import RecoveryKeyDialog

        session = window.session
        session.has_accounts = True
        session.account = account
        settings.set("ui/user", account.name)
        window.apply_account()
        RecoveryKeyDialog(key, window).exec()
