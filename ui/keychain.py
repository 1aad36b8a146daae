"""A server book's database password in the OS keyring (issue 17), when the PC has one.

Kept only in a real OS store: Windows Credential Locker, the macOS Keychain, or a Secret Service on a Linux desktop
(GNOME Keyring / KWallet on UOS, Kylin …). Never keyrings.alt's plaintext or "encrypted" file backends nor keyring's
`fail`/`null` backends: with those (or no D-Bus, a locked or absent service, any keyring error) nothing is stored
and the connection dialog asks the password each time, as without a keyring. Every keyring call goes through
`_backend()` and is guarded: the keyring may be slow to answer or gone, it never crashes the window.

Stored under service ``SERVICE`` with the key ``user@host:port/database`` (no password, no TLS options).
No Qt here.
"""

from __future__ import annotations

from typing import Any

SERVICE = "Bianzhi"
# The backends that keep secrets in the operating system's own store (module names of keyring's backends).
OS_BACKENDS = frozenset({
    "keyring.backends.Windows",
    "keyring.backends.macOS",
    "keyring.backends.SecretService",
    "keyring.backends.libsecret",
    "keyring.backends.kwallet",
})


def _is_os_store(backend: Any) -> bool:
    from keyring.backends.chainer import ChainerBackend

    if isinstance(backend, ChainerBackend):  # several found: every one of them must be an OS store
        members = list(getattr(backend, "backends", []))
        return bool(members) and all(_is_os_store(member) for member in members)
    return type(backend).__module__ in OS_BACKENDS


def _backend() -> Any | None:
    """The active keyring backend when it is a real OS store that answers; else None (ask each time)."""
    try:
        import keyring

        backend = keyring.get_keyring()
        return backend if _is_os_store(backend) else None
    except Exception:  # no keyring package, no D-Bus, a broken backend: as without a keyring
        return None


def key_for(url: str) -> str:
    """``user@host:port/database`` of a server URL: what the password is stored under."""
    from sqlalchemy.engine import make_url

    parts = make_url(url)
    return f"{parts.username or ''}@{parts.host or ''}:{parts.port or 5432}/{parts.database or ''}"


def available() -> bool:
    """Whether a password can be remembered on this PC (a real OS keyring is active)."""
    return _backend() is not None


def remembered(url: str) -> str | None:
    """The password remembered for ``url``'s user, server and database, or None."""
    backend = _backend()
    if backend is None:
        return None
    try:
        password = backend.get_password(SERVICE, key_for(url))
    except Exception:  # a locked collection whose unlock was declined, the service gone …
        return None
    return password if isinstance(password, str) and password else None


def remember(url: str, password: str) -> bool:
    """Store ``password`` for ``url``; False (nothing stored) without a real OS keyring or when it refuses."""
    backend = _backend()
    if backend is None or not password:
        return False
    try:
        backend.set_password(SERVICE, key_for(url), password)
    except Exception:
        return False
    return True


def forget(url: str) -> bool:
    """Remove a remembered password for ``url``; True when one was removed."""
    backend = _backend()
    if backend is None:
        return False
    try:
        if backend.get_password(SERVICE, key_for(url)) is None:
            return False
        backend.delete_password(SERVICE, key_for(url))
    except Exception:
        return False
    return True


def with_password(url: str, password: str) -> str:
    """``url`` with ``password`` in it (for opening; never shown nor remembered as such)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(password=password).render_as_string(hide_password=False)
