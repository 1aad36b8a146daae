"""The office server in the window (issue 17): the connection dialog, and listening for other clerks' commits.

`ServerDialog` asks host, port, database, user, password and TLS mode, tries the connection (a Chinese message in
the dialog when it fails, never a traceback) and gives the ``postgresql+psycopg://`` URL the launcher opens as it
opens a file. The password is never written to the settings (they remember host, port, database, user and TLS
mode only); the database password is kept in the OS keyring when the clerk ticks 「在系统钥匙串中记住密码」 and
the PC has a real one (ui/keychain.py: Windows Credential Locker, macOS Keychain, Secret Service), else asked
each time.

`ChangeListener` LISTENs on the book's channel on its own connection; every commit of another Book on the same
database (bianzhi_app.book: NOTIFY in the write transaction, delivered on commit) makes the window refresh as after
its own op. A QTimer polls psycopg's notifies() without blocking.
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import tr

TLS_MODES = ("prefer", "require", "verify-full", "disable")
TLS_LABELS = {"prefer": "优先加密(prefer)", "require": "必须加密(require)",
              "verify-full": "加密并验证服务器证书(verify-full)", "disable": "不加密(disable,仅限本机测试)"}
CONNECT_TIMEOUT_S = 5
POLL_MS = 500
SETTINGS_KEYS = ("host", "port", "database", "user", "sslmode")  # never the password


def server_url(host: str, port: int, database: str, user: str, password: str, sslmode: str) -> str:
    """The ``postgresql+psycopg://`` URL of a server book (user and password quoted as URLs need)."""
    from sqlalchemy.engine import URL

    url = URL.create("postgresql+psycopg", username=user or None, password=password or None, host=host,
                     port=port, database=database, query={"sslmode": sslmode} if sslmode else {})
    return url.render_as_string(hide_password=False)


def is_server(path: str) -> bool:
    return path.startswith("postgresql")


def without_password(path: str) -> str:
    """A server URL as it may be shown or remembered: no password in it."""
    if not is_server(path):
        return path
    from sqlalchemy.engine import URL, make_url

    url = make_url(path)  # URL.set(password=None) would keep it: None there means "unchanged"
    return URL.create(url.drivername, username=url.username, password=None, host=url.host, port=url.port,
                      database=url.database, query=url.query).render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """The URL psycopg itself takes (no SQLAlchemy driver suffix)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def connect(url: str) -> Any:
    """A psycopg connection to the server of ``url`` (autocommit); raises psycopg's OperationalError."""
    import psycopg

    return psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)


def needs_password(url: str) -> bool:
    """A remembered server URL (no password in it) that the server refuses for want of one."""
    if not is_server(url):  # a file: SQLAlchemy stays unloaded until after the first paint
        return False
    from sqlalchemy.engine import make_url

    from bianzhi_app.errors import server_problem

    if make_url(url).password is not None:
        return False
    try:
        connect(url).close()
    except Exception as error:
        return server_problem(str(error)) == "login"
    return False


def connection_problem(error: BaseException, host: str, port: int, database: str) -> str:
    """What a clerk reads when the server cannot be reached (Chinese; bianzhi_app.errors.server_problem sorts the
    server's reply, in English or in Chinese)."""
    from bianzhi_app.errors import server_problem

    kind = server_problem(str(error))
    if kind == "login":
        return tr("用户名或密码不正确,服务器拒绝登录。")
    if kind == "database":
        return tr("服务器上没有名为「{0}」的数据库;请向信息技术人员确认库名。").format(database)
    if kind == "tls":
        return tr("无法建立加密连接:请检查加密方式,或向信息技术人员索取服务器证书。")
    return tr("无法连接服务器「{0}:{1}」:请检查地址、端口和网络,或服务器是否已启动。").format(host, port)


def _settings() -> QSettings:
    from ui import settings

    return settings.qsettings()


class ServerDialog(QDialog):
    """Host, port, database, user, password, TLS mode; OK only after the server answered."""

    def __init__(self, parent: QWidget | None = None, *, title: str = "", prompt: str = "", preset: str = ""):
        super().__init__(parent)
        self.setObjectName("server_dialog")
        self.setWindowTitle(title or tr("连接服务器"))
        self.url = ""
        saved = _settings()
        self.host = QLineEdit(str(saved.value("server/host", "") or ""), self)
        self.host.setObjectName("server_host")
        self.host.setPlaceholderText(tr("如 192.168.1.10 或 bianban-db"))
        self.port = QSpinBox(self)
        self.port.setObjectName("server_port")
        self.port.setRange(1, 65535)
        self.port.setValue(int(str(saved.value("server/port", 5432) or 5432)))
        self.database = QLineEdit(str(saved.value("server/database", "") or "bianzhi"), self)
        self.database.setObjectName("server_database")
        self.user = QLineEdit(str(saved.value("server/user", "") or ""), self)
        self.user.setObjectName("server_user")
        self.password = QLineEdit(self)
        self.password.setObjectName("server_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sslmode = QComboBox(self)
        self.sslmode.setObjectName("server_sslmode")
        for mode in TLS_MODES:
            self.sslmode.addItem(tr(TLS_LABELS[mode]), mode)
        index = self.sslmode.findData(str(saved.value("server/sslmode", "prefer") or "prefer"))
        self.sslmode.setCurrentIndex(max(index, 0))
        if preset:  # a remembered server book (its URL holds no password): the rest filled in
            self._preset(preset)
        from ui import keychain

        self.remember = QCheckBox(tr("在系统钥匙串中记住密码"), self)
        self.remember.setObjectName("server_remember")
        if keychain.available():
            self.password.setPlaceholderText(tr("勾选下方即由系统钥匙串记住"))
            self.remember.setToolTip(tr("密码保存在本机系统钥匙串中;取消勾选后连接,即删除已记住的密码"))
            self.remember.setChecked(keychain.remembered(self._url_without_password()) is not None)
        else:
            self.password.setPlaceholderText(tr("每次连接时输入,不会保存"))
            self.remember.setEnabled(False)
            self.remember.setToolTip(tr("本机没有可用的系统钥匙串,密码每次连接时输入,不会保存"))
        form = QFormLayout()
        form.addRow(tr("服务器地址"), self.host)
        form.addRow(tr("端口"), self.port)
        form.addRow(tr("数据库"), self.database)
        form.addRow(tr("用户名"), self.user)
        form.addRow(tr("密码"), self.password)
        form.addRow("", self.remember)
        form.addRow(tr("加密方式"), self.sslmode)
        self.message = QLabel(self)
        self.message.setObjectName("server_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color:#b00020")
        self.message.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("连接"))
        buttons.accepted.connect(self.try_connect)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if prompt:
            intro = QLabel(prompt, self)
            intro.setWordWrap(True)
            layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)
        (self.password if self.host.text() and self.user.text() else self.host).setFocus()

    def _preset(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        parts = make_url(url)
        self.host.setText(parts.host or "")
        self.port.setValue(parts.port or 5432)
        self.database.setText(parts.database or "")
        self.user.setText(parts.username or "")
        mode = parts.query.get("sslmode")
        if isinstance(mode, str) and self.sslmode.findData(mode) >= 0:
            self.sslmode.setCurrentIndex(self.sslmode.findData(mode))

    def _url_without_password(self) -> str:
        return server_url(self.host.text().strip(), self.port.value(), self.database.text().strip(),
                          self.user.text().strip(), "", str(self.sslmode.currentData()))

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def try_connect(self) -> bool:
        """Build the URL and try it; accepted (settings remembered, never the password; the password in the keyring
        only when ticked) when the server answers."""
        host, database = self.host.text().strip(), self.database.text().strip()
        if not host or not database:
            self.show_message(tr("请填写服务器地址和数据库名"))
            return False
        port = self.port.value()
        url = server_url(host, port, database, self.user.text().strip(), self.password.text(),
                         str(self.sslmode.currentData()))
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            connect(url).close()
        except Exception as error:  # psycopg.OperationalError and the like: a sentence, no traceback
            self.show_message(connection_problem(error, host, port, database))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        saved = _settings()
        for key, value in zip(SETTINGS_KEYS, (host, port, database, self.user.text().strip(),
                                              str(self.sslmode.currentData())), strict=True):
            saved.setValue(f"server/{key}", value)
        saved.sync()
        self._keep_password(url, self.password.text())
        self.url = url
        self.show_message("")
        self.accept()
        return True

    def _keep_password(self, url: str, password: str) -> None:
        """Ticked: the keyring keeps the password the server just accepted; unticked: a remembered one is removed."""
        from ui import keychain

        if not self.remember.isEnabled():
            return
        if self.remember.isChecked() and password:
            keychain.remember(url, password)
        elif not self.remember.isChecked():
            keychain.forget(url)


class ChangeListener(QObject):
    """LISTEN on a server book's channel; ``changed`` when another Book (not ``own_token()``) committed."""

    changed = Signal()

    def __init__(self, url: str, own_token: Any, parent: QObject | None = None):
        super().__init__(parent)
        from bianzhi_app.book import CHANGES_CHANNEL

        self.url = url
        self.own_token = own_token
        self.conn: Any = None
        self.channel = CHANGES_CHANNEL
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.poll)

    def start(self) -> bool:
        try:
            self.conn = connect(self.url)
            self.conn.execute(f"LISTEN {self.channel}")
        except Exception:  # no listening (the window still works; 刷新 reads the server)
            self.conn = None
            return False
        self.timer.start(POLL_MS)
        return True

    def poll(self) -> int:
        """Collect what arrived (never waits); emits ``changed`` once for any foreign commit. Returns their number."""
        if self.conn is None:
            return 0
        try:
            arrived = list(self.conn.notifies(timeout=0))
        except Exception:  # the server went away: try again on the next tick with a new connection
            self._reconnect()
            return 0
        own = self.own_token()
        foreign = [n for n in arrived if n.payload != own]
        if foreign:
            self.changed.emit()
        return len(foreign)

    def _reconnect(self) -> None:
        old, self.conn = self.conn, None
        if old is not None:
            with contextlib.suppress(Exception):
                old.close()
        try:
            self.conn = connect(self.url)
            self.conn.execute(f"LISTEN {self.channel}")
        except Exception:
            self.conn = None

    def stop(self) -> None:
        self.timer.stop()
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.close()
            self.conn = None
