"""The book's data key, wrapped: per account (by the KEK its password gives), once by the recovery key, or
"open" (in clear, recorded as such) in a book without accounts. Plain SQL on a SQLAlchemy Connection, so
the migration that creates the key (0005) and the Book use the same code.

The data key never goes to disk unwrapped except in an open wrap, which exists only while a book has no
accounts; `create_first` (the first admin) replaces it by the admin's wrap and the recovery wrap.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import text

from bianzhi_app.personal.crypto import CryptoError, PersonalKeys, seal, unseal

OPEN, ACCOUNT, RECOVERY = "open", "account", "recovery"
_AAD = b"bianzhi-data-key"


def _stamp(now: dt.datetime) -> str:
    return now.isoformat(timespec="seconds")


def algorithms(conn: Any) -> tuple[str, str] | None:
    """(cipher, mac) the book was made with; None in a book from before 0005."""
    row = conn.execute(text("SELECT cipher, mac FROM book_crypto WHERE id = 1")).first()
    return (row[0], row[1]) if row is not None else None


def create(conn: Any, now: dt.datetime, *, cipher: str | None = None, mac: str | None = None) -> PersonalKeys:
    """A new data key for the book (its algorithms recorded), kept in an open wrap until accounts exist."""
    keys = PersonalKeys.generate(cipher, mac)
    conn.execute(text("INSERT INTO book_crypto (id, cipher, mac, created_at) VALUES (1, :c, :m, :at)"),
                 {"c": keys.cipher, "m": keys.mac, "at": _stamp(now)})
    conn.execute(text("INSERT INTO key_wraps (kind, account_id, wrapped, created_at) VALUES (:k, NULL, :w, :at)"),
                 {"k": OPEN, "w": keys.data_key, "at": _stamp(now)})
    return keys


def _keys(conn: Any, data_key: bytes) -> PersonalKeys:
    found = algorithms(conn)
    assert found is not None
    return PersonalKeys(data_key, *found)


def open_keys(conn: Any) -> PersonalKeys | None:
    """The keys of a book without accounts (its open wrap), else None."""
    row = conn.execute(text("SELECT wrapped FROM key_wraps WHERE kind = :k"), {"k": OPEN}).first()
    return _keys(conn, bytes(row[0])) if row is not None else None


def _unwrap(conn: Any, kind: str, account_id: int | None, kek: bytes) -> PersonalKeys | None:
    sql = "SELECT wrapped FROM key_wraps WHERE kind = :k AND " + (
        "account_id IS NULL" if account_id is None else "account_id = :a")
    row = conn.execute(text(sql), {"k": kind, "a": account_id}).first()
    if row is None:
        return None
    cipher = algorithms(conn)
    assert cipher is not None
    try:
        return _keys(conn, unseal(cipher[0], kek, bytes(row[0]), _AAD))
    except CryptoError:
        return None


def account_keys(conn: Any, account_id: int, kek: bytes) -> PersonalKeys | None:
    """The keys through an account's wrap (None when it has none or the KEK does not open it)."""
    return _unwrap(conn, ACCOUNT, account_id, kek)


def recovery_keys(conn: Any, kek: bytes) -> PersonalKeys | None:
    """The keys through the recovery key's wrap."""
    return _unwrap(conn, RECOVERY, None, kek)


def wrap(conn: Any, keys: PersonalKeys, kek: bytes, now: dt.datetime, *, account_id: int | None) -> None:
    """Wrap the data key for an account (``account_id``) or for the recovery key (None), replacing the wrap
    it had (a password change, a reset, a new recovery key)."""
    kind = ACCOUNT if account_id is not None else RECOVERY
    unwrap_sql = "DELETE FROM key_wraps WHERE kind = :k AND " + (
        "account_id IS NULL" if account_id is None else "account_id = :a")
    conn.execute(text(unwrap_sql), {"k": kind, "a": account_id})
    conn.execute(text("INSERT INTO key_wraps (kind, account_id, wrapped, created_at) VALUES (:k, :a, :w, :at)"),
                 {"k": kind, "a": account_id, "w": seal(keys.cipher, kek, keys.data_key, _AAD), "at": _stamp(now)})


def drop_open(conn: Any) -> None:
    """Remove the open wrap (the first admin now holds the key)."""
    conn.execute(text("DELETE FROM key_wraps WHERE kind = :k"), {"k": OPEN})
