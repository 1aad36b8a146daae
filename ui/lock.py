"""The idle lock (issue 15, 等保 session time-out): after the policy's idle minutes without keyboard or
mouse input the window locks. A cover over the whole main window hides the data (the pages stay as they were
underneath: nothing is closed or reloaded), the window's other dialogs are hidden, shortcuts and input to
anything but the cover are swallowed, and the same account's password unlocks it through `book.sign_in`, so
failures count toward the lockout like any sign-in. An account locked out meanwhile can only quit.

`IdleLock.set_interval_ms` shortens the wait (tests); `lock()` locks at once (文件 → 锁定窗口).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bianzhi_app.accounts.signin import locked_out
from ui.i18n import tr
from ui.session import error_text

if TYPE_CHECKING:
    from ui.main_window import MainWindow

_T = QEvent.Type
INPUT = frozenset({_T.KeyPress, _T.MouseButtonPress, _T.MouseButtonDblClick, _T.MouseMove, _T.Wheel,
                   _T.TouchBegin, _T.TabletPress})
# swallowed while locked unless they go to the cover
BLOCKED = frozenset({_T.KeyPress, _T.KeyRelease, _T.ShortcutOverride, _T.MouseButtonPress, _T.MouseButtonRelease,
                     _T.MouseButtonDblClick, _T.Wheel, _T.ContextMenu, _T.TouchBegin})
LONGEST_CHECK_MS = 5000


class LockOverlay(QFrame):
    """The cover: opaque, over the whole main window (menus and status bar too), with the password field."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.setObjectName("lock_overlay")
        self.setAutoFillBackground(True)
        self.setStyleSheet("#lock_overlay{background:#e9edf2}")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        panel = QFrame(self)
        panel.setObjectName("lock_panel")
        panel.setStyleSheet("#lock_panel{background:white;border:1px solid #c5ccd6;border-radius:6px}")
        panel.setMinimumWidth(380)
        layout = QVBoxLayout(panel)
        title = QLabel(tr("窗口已锁定"), panel)
        title.setStyleSheet("font-size:18px;font-weight:bold")
        layout.addWidget(title)
        self.text = QLabel(panel)
        self.text.setObjectName("lock_text")
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        self.password = QLineEdit(panel)
        self.password.setObjectName("lock_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(tr("密码"))
        layout.addWidget(self.password)
        self.message = QLabel(panel)
        self.message.setObjectName("lock_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color:#b00020;font-weight:bold")
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.quit = QPushButton(tr("退出程序"), panel)
        self.quit.setObjectName("lock_quit")
        self.unlock = QPushButton(tr("解锁"), panel)
        self.unlock.setObjectName("lock_unlock")
        self.unlock.setDefault(True)
        buttons.addWidget(self.quit)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock)
        layout.addLayout(buttons)
        row.addWidget(panel)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self.hide()
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == _T.Resize and self.isVisible():
            self.setGeometry(self.parentWidget().rect())
        return False

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))


class IdleLock(QObject):
    """Watches the application's input; locks `window` after `minutes` without any."""

    def __init__(self, window: MainWindow, minutes: int):
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.locked = False
        self.last_input = time.monotonic()
        self._overlay: LockOverlay | None = None
        self.hidden: list[QWidget] = []
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._check)
        self.interval_ms = max(1, minutes * 60_000)
        self.started = False

    def start(self) -> None:
        """Watch the input from now on. After the first paint: an application-wide filter has PySide wrap
        every object an event goes to, and the first plain QWidget* builds every widget type (ui.first_paint)."""
        if not self.started:
            self.started = True
            QApplication.instance().installEventFilter(self)
            self.set_interval_ms(self.interval_ms)

    @property
    def overlay(self) -> LockOverlay:
        """The cover, built when first needed."""
        if self._overlay is None:
            self._overlay = LockOverlay(self.window)
            self._overlay.unlock.clicked.connect(self.try_unlock)
            self._overlay.password.returnPressed.connect(self.try_unlock)
            self._overlay.quit.clicked.connect(self.window.close)
        return self._overlay

    def set_interval_ms(self, ms: int) -> None:
        """Lock after `ms` without input (the policy's idle minutes; tests pass a fraction of a second)."""
        self.interval_ms = max(1, int(ms))
        self.timer.start(max(20, min(LONGEST_CHECK_MS, self.interval_ms // 4)))
        self.last_input = time.monotonic()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not self.locked:
            if kind in INPUT:
                self.last_input = time.monotonic()
            return False
        if kind == _T.Shortcut:
            return True  # no menu command while locked
        if kind in BLOCKED and isinstance(watched, QWidget):
            overlay = self.overlay
            return not (watched is overlay or overlay.isAncestorOf(watched))
        return False

    def _check(self) -> None:
        if not self.locked and (time.monotonic() - self.last_input) * 1000 >= self.interval_ms:
            self.lock()

    # --- locking ------------------------------------------------------------------------------------
    def lock(self) -> None:
        account = self.session.account
        if self.locked or account is None:
            return
        self.locked = True
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()
        self.hidden = [w for w in QApplication.topLevelWidgets()
                       if w.isVisible() and w is not self.window and w.isWindow()
                       and w.windowType() != QtCore.Qt.WindowType.ToolTip]
        for widget in self.hidden:
            widget.hide()
        overlay = self.overlay
        overlay.text.setText(tr("账户「{0}」已{1}分钟无操作,窗口已锁定以保护数据。请输入该账户的密码解锁。")
                             .format(account.name, max(1, round(self.interval_ms / 60_000))))
        overlay.say("")
        overlay.password.clear()
        overlay.password.setEnabled(True)
        overlay.unlock.setEnabled(True)
        overlay.setGeometry(self.window.rect())
        overlay.show()
        overlay.raise_()
        overlay.password.setFocus()

    def try_unlock(self) -> None:
        account = self.session.account
        password = self.overlay.password.text()
        if not self.locked or account is None or not password or not self.overlay.unlock.isEnabled():
            return
        name = account.name
        self.overlay.unlock.setEnabled(False)
        self.overlay.password.clear()
        self.session.run_job(lambda _job: self.session.book.sign_in(name, password), self._unlocked,
                             lambda error: self._refused(name, error))

    def _refused(self, name: str, error: BaseException) -> None:
        with self.session.read() as conn:
            out = locked_out(conn, name, dt.datetime.now().astimezone())
        if out:
            self.overlay.say(error_text(error) + "\n" + tr("账户已锁定,只能退出程序。"))
            self.overlay.password.setEnabled(False)
            return
        self.overlay.say(error_text(error))
        self.overlay.unlock.setEnabled(True)
        self.overlay.password.setFocus()

    def _unlocked(self, account: object) -> None:
        self.session.account = account  # type: ignore[assignment]
        self.locked = False
        self.overlay.hide()
        for widget in self.hidden:
            widget.show()
        self.hidden = []
        self.last_input = time.monotonic()
        if getattr(account, "must_change", False):
            self.window.change_password(forced=True)
