"""Passwords and recovery keys: scrypt with a per-secret salt, compared in constant time; the policy's
complexity rule. Nothing here stores or logs a password.

The scrypt result H never goes into the book (issue 16): stored is only the verifier
V = SHA-256("bianzhi-verify" || H) (scheme ``scrypt-v``), and H gives the key-encryption key
KEK = HKDF-SHA256(H, info "bianzhi-kek") that wraps the book's data key for this secret. So the file alone
holds nothing that unwraps the data key, and signing in still costs one scrypt. Hashes from before
(scheme ``scrypt``, which stored H) still verify; the migration to 0005 replaces them (`upgrade_legacy`).
Standard library only: the window checks a password before SQLAlchemy (and cryptography) load."""

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


VERIFIER = "scrypt-v"  # stores V, never H
LEGACY = "scrypt"  # before 0005: stored H itself


def _verifier(h: bytes) -> bytes:
    return hashlib.sha256(b"bianzhi-verify" + h).digest()


def hkdf_sha256(material: bytes, info: bytes, length: int = 32) -> bytes:
    """HKDF (RFC 5869) with SHA-256 and an empty salt, from the standard library."""
    prk = hmac.new(b"\x00" * 32, material, hashlib.sha256).digest()
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def kek_of(h: bytes) -> bytes:
    """The key-encryption key of a secret whose scrypt result is ``h``."""
    return hkdf_sha256(h, b"bianzhi-kek")


def make_secret(secret: str) -> tuple[str, bytes]:
    """A new salted verifier of ``secret`` to store, and the KEK that wraps the data key for it."""
    salt = secrets.token_bytes(16)
    h = hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, maxmem=_MAXMEM, dklen=32)
    return f"{VERIFIER}${_N}${_R}${_P}${_b64(salt)}${_b64(_verifier(h))}", kek_of(h)


def hash_secret(secret: str) -> str:
    """The verifier to store for ``secret`` (see `make_secret` for its KEK too)."""
    return make_secret(secret)[0]


def unlock_secret(secret: str, stored: str) -> bytes | None:
    """The KEK when ``secret`` matches ``stored``, else None (one scrypt either way)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme not in (VERIFIER, LEGACY):
            return None
        expected = base64.b64decode(digest)
        h = hashlib.scrypt(secret.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                           p=int(p), maxmem=_MAXMEM, dklen=32)
    except (ValueError, TypeError):
        return None
    actual = _verifier(h) if scheme == VERIFIER else h
    return kek_of(h) if hmac.compare_digest(actual, expected) else None


def verify_secret(secret: str, stored: str) -> bool:
    return unlock_secret(secret, stored) is not None


def upgrade_legacy(stored: str) -> tuple[str, bytes | None]:
    """A stored hash from before 0005 (H itself) as a verifier, and the KEK its H gives; a verifier is returned
    unchanged with None (its KEK cannot be had without the secret)."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != LEGACY:
        return stored, None
    h = base64.b64decode(parts[5])
    return "$".join([VERIFIER, *parts[1:5], _b64(_verifier(h))]), kek_of(h)


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
