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
    "window/geometry": QByteArray(),
    "window/state": QByteArray(),
    "window/splitter": QByteArray(),
}
MAX_RECENT = 8

_settings: QSettings | None = None


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
