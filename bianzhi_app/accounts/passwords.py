"""Passwords and recovery keys: scrypt with a per-secret salt, compared in constant time; the policy's
complexity rule. Nothing here stores or logs a password."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from bianzhi_app.errors import InvalidInput

# scrypt (RFC 7914) from the standard library: 32 MiB and ~0.1 s per hash on an office PC, so a stolen
# file's hashes cost an attacker as much; n, r, p are stored with each hash so they can be raised later.
_N, _R, _P = 2**15, 8, 1
_MAXMEM = 64 * 1024 * 1024


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_secret(secret: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, maxmem=_MAXMEM, dklen=32)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_secret(secret: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(secret.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                p=int(p), maxmem=_MAXMEM, dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


_DUMMY: list[str] = []


def burn_time(secret: str) -> None:
    """Verified when the account name is unknown, so a wrong name costs as much time as a wrong password."""
    if not _DUMMY:
        _DUMMY.append(hash_secret(secrets.token_urlsafe(16)))
    verify_secret(secret, _DUMMY[0])


_CLASSES = (("大写字母", str.isupper), ("小写字母", str.islower), ("数字", str.isdigit))


def check_strength(password: str, *, min_length: int) -> None:
    """Refuse (InvalidInput, exit 4) a password shorter than the policy or from fewer than three of upper,
    lower, digit, symbol, or with a control character. Never echoes it."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in password):
        raise InvalidInput("密码不能含控制字符", field="password")
    if len(password) < min_length:
        raise InvalidInput(f"密码太短:至少{min_length}个字符", field="password")
    if len(password) > 128:
        raise InvalidInput("密码太长:最多128个字符", field="password")
    present = sum(1 for _, test in _CLASSES if any(test(ch) for ch in password))
    present += any(not ch.isalnum() for ch in password)
    if present < 3:
        raise InvalidInput("密码太简单:须含大写字母、小写字母、数字、符号中的至少三类", field="password")


def new_recovery_key() -> str:
    """A recovery key to print once: 6 groups of 5 characters without look-alikes (0/O, 1/I/L)."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    raw = "".join(secrets.choice(alphabet) for _ in range(30))
    return "-".join(raw[i:i + 5] for i in range(0, 30, 5))


def normalize_recovery_key(text: str) -> str:
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(raw[i:i + 5] for i in range(0, len(raw), 5))
