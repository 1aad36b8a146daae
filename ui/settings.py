"""Every setting of the window, declared once with its default (Picard's options pattern).

The rest of the UI asks `settings.get("db/last")`; nothing else names a QSettings key.
Tests point BIANZHI_SETTINGS at a temporary INI file so they never touch the user's settings.
"""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

DEFAULTS: dict[str, Any] = {
    "db/last": "",
    "db/recent": [],
    "ui/language": "zh_CN",
    "ui/actor": "",
    "ui/user": "",  # the account name last signed in with (never its password)
    "backup/folder": "",  # empty: the default folder (BIANZHI_BACKUP_DIR, else <data folder>/backups)
    "window/geometry": QByteArray(),
    "window/state": QByteArray(),
    "window/splitter": QByteArray(),
}
MAX_RECENT = 8

_settings: QSettings | None = None
# BIANZHI_BACKUP_DIR as the environment gave it to this process (before the window set it)
_BACKUP_ENV_AT_START = os.environ.get("BIANZHI_BACKUP_DIR") or None


def qsettings() -> QSettings:
    global _settings
    if _settings is None:
        path = os.environ.get("BIANZHI_SETTINGS")
        _settings = QSettings(path, QSettings.Format.IniFormat) if path else QSettings("Bianzhi", "Bianzhi")
    return _settings


def reset() -> None:
    """Forget the cached QSettings (tests switch files between cases)."""
    global _settings
    if _settings is not None:
        _settings.sync()
    _settings = None


def get(key: str) -> Any:
    default = DEFAULTS[key]
    value = qsettings().value(key, default)
    if isinstance(default, list):
        if value in (None, ""):
            return []
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]
    if isinstance(default, str):
        return "" if value is None else str(value)
    return value


def set(key: str, value: Any) -> None:
    if key not in DEFAULTS:
        raise KeyError(key)
    qsettings().setValue(key, value)


def remember_db(path: str) -> None:
    """Make `path` the last database and the first of the recent list (no write when it already is:
    the usual start, the book of yesterday, writes nothing)."""
    recent = get("db/recent")
    if get("db/last") == path and recent[:1] == [path]:
        return
    recent = [p for p in recent if p != path]
    set("db/recent", [path, *recent][:MAX_RECENT])
    set("db/last", path)
    qsettings().sync()


def backup_folder_from_environment() -> str | None:
    """The backup folder BIANZHI_BACKUP_DIR gave this process; it wins over the window's setting."""
    return _BACKUP_ENV_AT_START


def apply_backup_folder() -> None:
    """Point the window's backups (daily, on exit, 立即备份, the restore list) at the folder chosen in
    设置. The core reads its folder from BIANZHI_BACKUP_DIR, so this process sets it; the command line,
    another process, keeps its own environment. A folder given by the environment stays."""
    from bianzhi_app.settings import BACKUP_DIR_ENV

    if _BACKUP_ENV_AT_START:
        os.environ[BACKUP_DIR_ENV] = _BACKUP_ENV_AT_START
        return
    chosen = get("backup/folder")
    if chosen:
        os.environ[BACKUP_DIR_ENV] = chosen
    else:
        os.environ.pop(BACKUP_DIR_ENV, None)
