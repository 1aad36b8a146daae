"""A server book's password in the OS keyring (ui/keychain.py), against a real Secret Service: a private D-Bus
session bus and gnome-keyring-daemon with an unlocked login collection in a temporary folder (.ci/run installs
gnome-keyring and dbus), as on a UOS/Kylin desktop. And the fallback: no real OS keyring, nothing stored, asked."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest


def _start(argv: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(argv, env=env, **kwargs)


@pytest.fixture
def secret_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """keyring's SecretService backend on a throw-away gnome-keyring-daemon; the backend before is restored."""
    import keyring
    from keyring.backends import SecretService

    for program in ("dbus-daemon", "gnome-keyring-daemon"):
        assert shutil.which(program), f"{program} not installed (apt-get install dbus gnome-keyring)"
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_RUNTIME_DIR": str(runtime)}
    env.pop("PYTHON_KEYRING_BACKEND", None)
    bus = _start(["dbus-daemon", "--session", "--nofork", "--print-address=1"], env, stdout=subprocess.PIPE,
                 stderr=subprocess.DEVNULL)
    daemon = None
    previous = keyring.get_keyring()
    try:
        assert bus.stdout is not None
        address = bus.stdout.readline().decode().strip()
        assert address, "dbus-daemon gave no address"
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        daemon = _start(["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"], env,
                        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert daemon.stdin is not None
        daemon.stdin.write(b"login-collection-pw")  # --unlock: the new login collection's password, unlocked
        daemon.stdin.close()
        for name in ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "XDG_DATA_HOME"):
            monkeypatch.setenv(name, env[name])
        backend = SecretService.Keyring()
        deadline = time.monotonic() + 20
        login = tmp_path / "data" / "keyrings" / "login.keyring"
        while not login.exists():  # asked before the login collection exists, the daemon would prompt (no one
            assert time.monotonic() < deadline, "gnome-keyring-daemon made no login collection"  # answers)
            time.sleep(0.05)
        while True:  # then it answers on the bus
            try:
                backend.set_password("Bianzhi-probe", "probe", "x")
                backend.delete_password("Bianzhi-probe", "probe")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        keyring.set_keyring(backend)
        yield backend
    finally:
        keyring.set_keyring(previous)
        for process in (daemon, bus):
            if process is not None:
                process.kill()
                process.wait(timeout=10)


def test_no_real_os_keyring_means_nothing_is_stored_and_the_dialog_asks(qtbot, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    import keyring
    from keyring.backend import KeyringBackend
    from keyring.backends import SecretService, fail, null

    from ui import keychain
    from ui.server import ServerDialog

    class PlaintextFile(KeyringBackend):  # as keyrings.alt.file.PlaintextKeyring: a file, not the OS store
        priority = 1  # type: ignore[assignment]
        stored: ClassVar[dict[tuple[str, str], str]] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.stored.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.stored[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.stored.pop((service, username), None)

    PlaintextFile.__module__ = "keyrings.alt.file"
    url = "postgresql+psycopg://clerk@db.example:5433/bianzhi"
    previous = keyring.get_keyring()
    # a Secret Service backend with no bus behind it: as a desktop without D-Bus (every call fails)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")
    try:
        for backend in (fail.Keyring(), null.Keyring(), PlaintextFile(), SecretService.Keyring()):
            keyring.set_keyring(backend)
            if isinstance(backend, SecretService.Keyring):  # allowed kind, but it cannot answer
                assert keychain.remembered(url) is None and not keychain.remember(url, "pw-1")
                assert not keychain.forget(url)
                continue
            assert not keychain.available(), backend
            assert not keychain.remember(url, "pw-1") and keychain.remembered(url) is None
            dialog = ServerDialog(preset=url)
            qtbot.addWidget(dialog)
            assert not dialog.remember.isEnabled() and not dialog.remember.isChecked()
            assert "不会保存" in dialog.password.placeholderText()
        assert PlaintextFile.stored == {}
    finally:
        keyring.set_keyring(previous)


def test_the_keychain_keeps_a_password_under_user_host_port_database(secret_service):  # type: ignore[no-untyped-def]
    from ui import keychain

    url = "postgresql+psycopg://clerk@db.example:5433/bianzhi?sslmode=verify-full"
    assert keychain.available()
    assert keychain.key_for(url) == "clerk@db.example:5433/bianzhi"
    assert keychain.remembered(url) is None
    assert keychain.remember(url, "p@ss/word")
    assert secret_service.get_password("Bianzhi", "clerk@db.example:5433/bianzhi") == "p@ss/word"
    assert keychain.remembered("postgresql+psycopg://clerk:other@db.example:5433/bianzhi") == "p@ss/word"
    assert keychain.remembered("postgresql+psycopg://clerk@db.example:5433/other") is None
    assert keychain.forget(url) and keychain.remembered(url) is None and not keychain.forget(url)


def test_a_remembered_password_opens_the_book_and_one_the_server_refuses_is_removed_and_asked(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch, secret_service, pg_server, pg_url, template_book):
    import pgcluster
    from PySide6.QtCore import QTimer
    from test_ui_server import _close, _launcher, _server_book

    from ui import keychain, settings
    from ui.server import without_password

    _server_book(pg_url, template_book)
    url = pg_server.cluster.password_url_for(pg_url.rsplit("/", 1)[1])
    remembered_url = without_password(url + "?sslmode=disable")
    key = keychain.key_for(url)
    seen: dict[str, Any] = {}

    # 1. the dialog, ticked: the password the server accepted goes into the keyring
    launcher = _launcher(qtbot, monkeypatch)

    def tick() -> None:
        dialog = launcher.server_dialog
        seen["enabled"], seen["checked"] = dialog.remember.isEnabled(), dialog.remember.isChecked()
        dialog.password.setText(pgcluster.PASSWORD)
        dialog.remember.setChecked(True)
        dialog.try_connect()

    QTimer.singleShot(0, tick)
    assert launcher.open_path(remembered_url)
    assert seen == {"enabled": True, "checked": False}
    assert secret_service.get_password("Bianzhi", key) == pgcluster.PASSWORD
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=20_000)
    stored = settings.qsettings()
    assert pgcluster.PASSWORD not in " ".join(str(stored.value(k)) for k in stored.allKeys())
    _close(qtbot, launcher)

    # 2. opened again: no dialog, the keyring's password is used
    launcher = _launcher(qtbot, monkeypatch)
    assert launcher.open_path(remembered_url)
    assert getattr(launcher, "server_dialog", None) is None
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=20_000)
    assert pgcluster.PASSWORD not in launcher.window.windowTitle()
    assert pgcluster.PASSWORD not in " ".join(str(stored.value(k)) for k in stored.allKeys())
    assert all(pgcluster.PASSWORD not in str(p) for p in settings.get("db/recent"))
    _close(qtbot, launcher)

    # 3. a password the server now refuses: removed from the keyring, the dialog asks; unticked: nothing kept
    secret_service.set_password("Bianzhi", key, "stale-pw-41")
    launcher = _launcher(qtbot, monkeypatch)

    def ask_again() -> None:
        dialog = launcher.server_dialog
        seen["message"] = dialog.message.text()
        seen["kept"] = secret_service.get_password("Bianzhi", key)
        seen["checked_again"] = dialog.remember.isChecked()
        dialog.password.setText(pgcluster.PASSWORD)
        dialog.try_connect()

    QTimer.singleShot(0, ask_again)
    assert launcher.open_path(remembered_url)
    assert "拒绝了系统钥匙串中记住的密码" in seen["message"] and "stale-pw-41" not in seen["message"]
    assert seen["kept"] is None and seen["checked_again"] is False
    assert secret_service.get_password("Bianzhi", key) is None  # left unticked: still nothing kept
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=20_000)
    _close(qtbot, launcher)


def test_unticking_forgets_a_remembered_password(qtbot, monkeypatch, secret_service, pg_server, pg_url):  # type: ignore[no-untyped-def]
    import pgcluster

    from ui import keychain
    from ui.server import ServerDialog, without_password

    url = pg_server.cluster.password_url_for(pg_url.rsplit("/", 1)[1]) + "?sslmode=disable"
    assert keychain.remember(url, pgcluster.PASSWORD)
    dialog = ServerDialog(preset=without_password(url))
    qtbot.addWidget(dialog)
    assert dialog.remember.isEnabled() and dialog.remember.isChecked()  # it is remembered: shown ticked
    # 文件 → 连接服务器… (no preset): the fields come from the settings; that server's password shows ticked too
    from sqlalchemy.engine import make_url

    from ui import settings

    parts, saved = make_url(url), settings.qsettings()
    for key, value in (("host", parts.host), ("port", parts.port), ("database", parts.database),
                       ("user", parts.username), ("sslmode", "disable")):
        saved.setValue(f"server/{key}", value)
    fresh = ServerDialog()
    qtbot.addWidget(fresh)
    assert fresh.remember.isChecked()
    dialog.password.setText(pgcluster.PASSWORD)
    dialog.remember.setChecked(False)
    assert dialog.try_connect()
    assert keychain.remembered(url) is None
