"""Where the book lives and the environment variables that change it, declared once (as Picard's
`options` module does); the rest of the program asks here by name and never reads os.environ itself.

| variable                          | what it sets                                   | default                       |
|-----------------------------------|------------------------------------------------|-------------------------------|
| BIANZHI_DB                        | the book (a SQLite path or a database URL)     | <data folder>/bianzhi.db      |
| BIANZHI_BACKUP_DIR                | the backup folder                              | <data folder>/backups         |
| BIANZHI_WITNESS                   | the witness file (last ledger head per book)   | <data folder>/witness.json    |
| BIANZHI_ALLOW_UNSAFE_LOCATION     | 1: open a book on a share / sync folder        | off                           |
| BIANZHI_STARTUP_CHECK_SECONDS     | time for the quick_check when a book opens     | 0.6                           |
| BIANZHI_BUSY_TIMEOUT_MS           | how long a write waits for another writer      | 30000                         |
| BIANZHI_FONT_DIRS                 | more folders to look for the official fonts in | none (the system's font dirs) |
| BIANZHI_SYSTEM_FONTS              | 0: print with the bundled fonts only           | 1                             |
| BIANZHI_USER, BIANZHI_PASSWORD    | sign in without asking (tests, scripts, kiosk) | ask                           |
| BIANZHI_NEW_PASSWORD              | a new password (user add, passwd, reset, …)    | ask                           |
| BIANZHI_RECOVERY_KEY              | the recovery key (user recover)                | ask                           |

(The system's own variables, such as WINDIR or XDG_DATA_HOME, are read where the system is asked.)
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "Bianzhi"
DB_ENV = "BIANZHI_DB"
BACKUP_DIR_ENV = "BIANZHI_BACKUP_DIR"
WITNESS_ENV = "BIANZHI_WITNESS"
ALLOW_UNSAFE_ENV = "BIANZHI_ALLOW_UNSAFE_LOCATION"
STARTUP_CHECK_ENV = "BIANZHI_STARTUP_CHECK_SECONDS"
BUSY_TIMEOUT_ENV = "BIANZHI_BUSY_TIMEOUT_MS"
FONT_DIRS_ENV = "BIANZHI_FONT_DIRS"
SYSTEM_FONTS_ENV = "BIANZHI_SYSTEM_FONTS"
USER_ENV = "BIANZHI_USER"
PASSWORD_ENV = "BIANZHI_PASSWORD"
NEW_PASSWORD_ENV = "BIANZHI_NEW_PASSWORD"
RECOVERY_KEY_ENV = "BIANZHI_RECOVERY_KEY"

_TRUE = ("1", "true", "yes", "on")


def data_dir() -> Path:
    """The user's data folder (~/.local/share/Bianzhi, %LOCALAPPDATA%\\Bianzhi)."""
    from platformdirs import user_data_dir  # only when asked: the window's start path may not need it

    return Path(user_data_dir(APP_NAME, appauthor=False))


def db_from_environment() -> str | None:
    """The book that BIANZHI_DB names, if it names one."""
    return os.environ.get(DB_ENV) or None


def default_db() -> str:
    """The book used when no --db is given: BIANZHI_DB, else bianzhi.db in the data folder."""
    return db_from_environment() or os.path.join(data_dir(), "bianzhi.db")


def backup_dir() -> Path:
    """Where automatic and default backups go: BIANZHI_BACKUP_DIR, else <data folder>/backups."""
    if os.environ.get(BACKUP_DIR_ENV):
        return Path(os.environ[BACKUP_DIR_ENV]).expanduser().absolute()
    return data_dir() / "backups"


def witness_file() -> Path:
    """The witness file: the last ledger head this PC saw for each book (safety/anchors.py)."""
    if os.environ.get(WITNESS_ENV):
        return Path(os.environ[WITNESS_ENV]).expanduser().absolute()
    return data_dir() / "witness.json"


def allow_unsafe_location() -> bool:
    """True when BIANZHI_ALLOW_UNSAFE_LOCATION allows a book on a share, sync folder or removable disk."""
    return os.environ.get(ALLOW_UNSAFE_ENV, "").strip().lower() in _TRUE


def startup_check_seconds() -> float:
    """The time the quick_check may take when a book opens."""
    return float(os.environ.get(STARTUP_CHECK_ENV, "0.6"))


def busy_timeout_ms() -> int:
    """How long a write waits for another program's write to finish."""
    return int(os.environ.get(BUSY_TIMEOUT_ENV, "30000"))


def extra_font_dirs() -> list[Path]:
    """Folders named by BIANZHI_FONT_DIRS (os.pathsep-separated), searched first for fonts."""
    return [Path(p) for p in os.environ.get(FONT_DIRS_ENV, "").split(os.pathsep) if p]


def system_fonts_enabled() -> bool:
    """False when BIANZHI_SYSTEM_FONTS turns the installed fonts off (reports then use the bundled ones)."""
    return os.environ.get(SYSTEM_FONTS_ENV, "1").strip().lower() not in ("0", "no", "false", "off")


def credentials_from_environment() -> tuple[str, str] | None:
    """(name, password) when BIANZHI_USER and BIANZHI_PASSWORD are both set: the command line and the window
    then sign in with them without asking; None otherwise."""
    name, password = os.environ.get(USER_ENV, "").strip(), os.environ.get(PASSWORD_ENV, "")
    return (name, password) if name and password else None


def password_from_environment() -> str | None:
    """BIANZHI_PASSWORD alone (a new book's first admin, the demo's accounts), None when unset."""
    return os.environ.get(PASSWORD_ENV) or None


def user_from_environment() -> str | None:
    """BIANZHI_USER alone (the command line's account when --user is not given), None when unset."""
    return os.environ.get(USER_ENV, "").strip() or None


def new_password_from_environment() -> str | None:
    """BIANZHI_NEW_PASSWORD: the new password of `user add`, `user reset-password`, `passwd`, `user recover`."""
    return os.environ.get(NEW_PASSWORD_ENV) or None


def recovery_key_from_environment() -> str | None:
    """BIANZHI_RECOVERY_KEY: the recovery key printed at `init`, for `user recover`."""
    return os.environ.get(RECOVERY_KEY_ENV, "").strip() or None
