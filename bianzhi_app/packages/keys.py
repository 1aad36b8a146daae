"""A book's key pairs for data packages, and their public part as text.

Signing: Ed25519 (this build's `cryptography` has no SM2 signature; the package names the algorithm, so a later
build may add SM2 beside it). Encryption: X25519 (ECIES: an ephemeral X25519 key per package, HKDF-SHA256, then
the book's cipher, SM4-GCM or AES-256-GCM). The private parts are sealed with a key derived from the book's data
key, so they open only after a sign-in, like the ID numbers.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from sqlalchemy import text

from bianzhi_app.errors import InvalidInput
from bianzhi_app.personal.crypto import PersonalKeys, derive, seal, unseal

SIGN_ALG, ENC_ALG = "ed25519", "x25519"
BEGIN, END = "-----BEGIN BIANZHI REGION KEYS-----", "-----END BIANZHI REGION KEYS-----"


def fingerprint(sign_public: bytes, enc_public: bytes) -> str:
    """The 32 hex digits that name a pair of public keys (what a clerk reads aloud on the phone to check a key)."""
    return hashlib.sha256(b"bianzhi-region-keys\0" + sign_public + enc_public).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class PublicKeys:
    """A region's public keys as its `package key` text gives them."""

    name: str
    code: str
    sign_public: bytes
    enc_public: bytes
    sign_alg: str = SIGN_ALG
    enc_alg: str = ENC_ALG

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.sign_public, self.enc_public)

    def text(self) -> str:
        """The text block `package key` prints; `parse_public` reads it back."""
        return "\n".join([
            BEGIN, f"region: {self.name}", f"code: {self.code}",
            f"sign: {self.sign_alg} {base64.b64encode(self.sign_public).decode()}",
            f"encrypt: {self.enc_alg} {base64.b64encode(self.enc_public).decode()}",
            f"fingerprint: {self.fingerprint}", END]) + "\n"


def parse_public(content: str, where: str = "密钥文件") -> PublicKeys:
    """The public keys in a `package key` text; refuses (InvalidInput) anything else: no block, an unknown
    algorithm, a key of the wrong size, a fingerprint that does not match the keys."""
    lines = [line.strip() for line in content.replace("\r", "").split("\n") if line.strip()]
    if BEGIN not in lines or END not in lines or lines.index(END) < lines.index(BEGIN):
        raise InvalidInput(f"{where}不是编制台账的公钥文件(应为 package key 输出的整段文字)", field="key")
    fields: dict[str, str] = {}
    for line in lines[lines.index(BEGIN) + 1:lines.index(END)]:
        label, _, value = line.partition(":")
        fields[label.strip()] = value.strip()
    try:
        sign_alg, sign_b64 = fields["sign"].split()
        enc_alg, enc_b64 = fields["encrypt"].split()
        keys = PublicKeys(name=fields["region"], code=fields["code"],
                          sign_public=base64.b64decode(sign_b64, validate=True),
                          enc_public=base64.b64decode(enc_b64, validate=True), sign_alg=sign_alg, enc_alg=enc_alg)
    except (KeyError, ValueError, binascii.Error):
        raise InvalidInput(f"{where}的公钥文字不完整或已损坏(region、code、sign、encrypt、fingerprint 各一行)",
                           field="key") from None
    if keys.sign_alg != SIGN_ALG or keys.enc_alg != ENC_ALG:
        raise InvalidInput(f"{where}的密钥算法({keys.sign_alg}、{keys.enc_alg})本程序不支持;"
                           f"支持 {SIGN_ALG}、{ENC_ALG}", field="key")
    if len(keys.sign_public) != 32 or len(keys.enc_public) != 32:
        raise InvalidInput(f"{where}的公钥长度不对:文件已损坏", field="key")
    if not (len(keys.code) == 6 and keys.code.isdigit()):
        raise InvalidInput(f"{where}的地区代码「{keys.code[:10]}」不是6位数字", field="key")
    if fields.get("fingerprint") != keys.fingerprint:
        raise InvalidInput(f"{where}的指纹与公钥不符:文件被改动过", field="key")
    return keys


class BookKeys:
    """This book's two key pairs, opened with the signed-in session's data key."""

    def __init__(self, sign: Ed25519PrivateKey, enc: X25519PrivateKey):
        self.sign_private = sign
        self.enc_private = enc
        self.sign_public = sign.public_key().public_bytes_raw()
        self.enc_public = enc.public_key().public_bytes_raw()

    def __repr__(self) -> str:
        return f"BookKeys({SIGN_ALG}, {ENC_ALG}, {fingerprint(self.sign_public, self.enc_public)})"

    def public(self, name: str, code: str) -> PublicKeys:
        return PublicKeys(name=name, code=code, sign_public=self.sign_public, enc_public=self.enc_public)


def _wrapping_key(personal: PersonalKeys) -> bytes:
    return derive(personal.data_key, b"bianzhi-package-keys", personal.mac)


def load(conn: Any, personal: PersonalKeys) -> BookKeys | None:
    """The book's key pairs (None when it has none yet)."""
    row = conn.execute(text("SELECT sign_private, enc_private FROM book_keys WHERE id = 1")).first()
    if row is None:
        return None
    kek = _wrapping_key(personal)
    sign = unseal(personal.cipher, kek, bytes(row[0]), b"bianzhi-sign-key")
    enc = unseal(personal.cipher, kek, bytes(row[1]), b"bianzhi-enc-key")
    return BookKeys(Ed25519PrivateKey.from_private_bytes(sign), X25519PrivateKey.from_private_bytes(enc))


def create(conn: Any, personal: PersonalKeys, now: dt.datetime) -> BookKeys:
    """New key pairs for the book, their private parts sealed under its data key (in the caller's transaction)."""
    keys = BookKeys(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
    kek = _wrapping_key(personal)
    conn.execute(text("INSERT INTO book_keys (id, sign_alg, sign_public, sign_private, enc_alg, enc_public,"
                      " enc_private, created_at) VALUES (1, :sa, :sp, :ss, :ea, :ep, :es, :at)"), {
        "sa": SIGN_ALG, "sp": keys.sign_public,
        "ss": seal(personal.cipher, kek, keys.sign_private.private_bytes_raw(), b"bianzhi-sign-key"),
        "ea": ENC_ALG, "ep": keys.enc_public,
        "es": seal(personal.cipher, kek, keys.enc_private.private_bytes_raw(), b"bianzhi-enc-key"),
        "at": now.isoformat(timespec="seconds")})
    return keys


def verifier(sign_public: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(sign_public)


def recipient(enc_public: bytes) -> X25519PublicKey:
    return X25519PublicKey.from_public_bytes(enc_public)
