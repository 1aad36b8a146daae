"""Encrypting, hashing and masking ID numbers: one place (`PersonalKeys`).

The book has one random 32-byte data key. From it (HKDF, distinct info strings) come the encryption key of
the ID numbers and the key of their keyed hash, so neither can stand in for the other. The algorithms are the
national ones where this machine's OpenSSL has them: SM4-GCM and HMAC-SM3 (商用密码); else AES-256-GCM and
HMAC-SHA256. Each book records the pair it was made with (`book_crypto`), so a book moved to another machine
keeps them. A sealed value is nonce (12 bytes) || ciphertext || tag (16 bytes).
"""

from __future__ import annotations

import os
from functools import cache

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bianzhi_app.errors import BianzhiError
from bianzhi_app.idcodes import id_birth_date, id_gender

SM4_GCM, AES_GCM = "sm4-gcm", "aes-256-gcm"
HMAC_SM3, HMAC_SHA256 = "hmac-sm3", "hmac-sha256"
CIPHERS = (SM4_GCM, AES_GCM)
MACS = (HMAC_SM3, HMAC_SHA256)
DATA_KEY_BYTES = 32
NONCE_BYTES = 12
MASK = "********"


class CryptoError(BianzhiError):
    """A sealed value that does not open: the data was changed or the key is not this book's."""


@cache
def preferred_algorithms() -> tuple[str, str]:
    """(cipher, mac) for a new book: SM4-GCM and HMAC-SM3 where OpenSSL has them."""
    try:
        Cipher(algorithms.SM4(bytes(16)), modes.GCM(bytes(NONCE_BYTES))).encryptor()
        cipher = SM4_GCM
    except (UnsupportedAlgorithm, AttributeError):
        cipher = AES_GCM
    try:
        hmac.HMAC(bytes(32), hashes.SM3())
        mac = HMAC_SM3
    except (UnsupportedAlgorithm, AttributeError):
        mac = HMAC_SHA256
    return cipher, mac


def _hash(mac: str) -> hashes.HashAlgorithm:
    return hashes.SM3() if mac == HMAC_SM3 else hashes.SHA256()


def derive(material: bytes, info: bytes, mac: str, length: int = 32) -> bytes:
    """HKDF over ``material`` with the book's hash (SM3 or SHA-256)."""
    return HKDF(algorithm=_hash(mac), length=length, salt=None, info=info).derive(material)


def seal(cipher: str, key: bytes, plaintext: bytes, aad: bytes | None = None) -> bytes:
    """Encrypt with a fresh random nonce. ``key`` is 32 bytes; SM4 takes its first 16 (HKDF's output is
    a prefix-stable stream, so this is HKDF with length 16)."""
    nonce = os.urandom(NONCE_BYTES)
    if cipher == SM4_GCM:
        encryptor = Cipher(algorithms.SM4(key[:16]), modes.GCM(nonce)).encryptor()
        if aad:
            encryptor.authenticate_additional_data(aad)
        body = encryptor.update(plaintext) + encryptor.finalize()
        return nonce + body + encryptor.tag
    if cipher == AES_GCM:
        return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)
    raise ValueError(cipher)


def unseal(cipher: str, key: bytes, sealed: bytes, aad: bytes | None = None) -> bytes:
    """Decrypt and authenticate; refuses (CryptoError) a changed value or a wrong key."""
    nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    try:
        if cipher == SM4_GCM:
            decryptor = Cipher(algorithms.SM4(key[:16]), modes.GCM(nonce, body[-16:])).decryptor()
            if aad:
                decryptor.authenticate_additional_data(aad)
            return decryptor.update(body[:-16]) + decryptor.finalize()
        if cipher == AES_GCM:
            return AESGCM(key).decrypt(nonce, body, aad)
    except (InvalidTag, ValueError):
        raise CryptoError("加密数据无法解开:数据被改动,或密钥不属于此台账") from None
    raise ValueError(cipher)


def mask(region: str, tail: str) -> str:
    """610403********102X: the region code and the last four, as the book keeps them in clear."""
    return f"{region}{MASK}{tail}"


def mask_id(id_number: str) -> str:
    """The mask of a full ID number (see `mask`)."""
    if len(id_number) != 18:
        from bianzhi_app.idcodes import mask_id as mask_any

        return mask_any(id_number)
    return mask(id_number[:6], id_number[-4:])


def clear_columns(id_number: str) -> dict[str, object]:
    """What a person row keeps in clear of a (valid, 18-character) ID number: region, last four, sex, birth year."""
    birth = id_birth_date(id_number)
    assert birth is not None
    return {"id_region": id_number[:6], "id_tail": id_number[-4:], "gender": id_gender(id_number),
            "birth_year": birth.year}


class PersonalKeys:
    """The book's data key, unwrapped in memory after sign-in, and what it gives: `encrypt_id`, `decrypt_id`,
    `id_hash`. Never printed (its repr names only the algorithms)."""

    __slots__ = ("_aes", "_data_key", "_hash", "_hash_key", "_id_key", "_sm4", "cipher", "mac")

    def __init__(self, data_key: bytes, cipher: str, mac: str):
        if cipher not in CIPHERS or mac not in MACS or len(data_key) != DATA_KEY_BYTES:
            raise ValueError("unknown personal-data algorithms or a key of the wrong size")
        self.cipher, self.mac = cipher, mac
        self._data_key = data_key
        self._id_key = derive(data_key, b"bianzhi-id-encrypt", mac)
        self._hash_key = derive(data_key, b"bianzhi-id-hash", mac)
        self._hash = hmac.HMAC(self._hash_key, _hash(mac))  # keyed once; each hash works on a copy
        self._aes = AESGCM(self._id_key) if cipher == AES_GCM else None
        self._sm4 = algorithms.SM4(self._id_key[:16]) if cipher == SM4_GCM else None  # built once: bulk entry

    @classmethod
    def generate(cls, cipher: str | None = None, mac: str | None = None) -> PersonalKeys:
        preferred = preferred_algorithms()
        return cls(os.urandom(DATA_KEY_BYTES), cipher or preferred[0], mac or preferred[1])

    def __repr__(self) -> str:
        return f"PersonalKeys({self.cipher}, {self.mac})"

    @property
    def data_key(self) -> bytes:
        """The raw data key, for wrapping it for another account or the recovery key (keyring only)."""
        return self._data_key

    def encrypt_id(self, id_number: str) -> bytes:
        """The sealed ID number (a new nonce each time: equal numbers give different values)."""
        nonce = os.urandom(NONCE_BYTES)
        if self._aes is not None:
            return nonce + self._aes.encrypt(nonce, id_number.encode("ascii"), None)
        encryptor = Cipher(self._sm4, modes.GCM(nonce)).encryptor()  # type: ignore[arg-type]
        body = encryptor.update(id_number.encode("ascii")) + encryptor.finalize()
        return nonce + body + encryptor.tag

    def decrypt_id(self, sealed: bytes) -> str:
        """The ID number back; refuses (CryptoError) a changed value."""
        return unseal(self.cipher, self._id_key, bytes(sealed)).decode("ascii")

    def id_hash(self, id_number: str) -> bytes:
        """The keyed hash of a normalised 18-character ID number: equal numbers, equal hashes (一人一编, look-up)."""
        mac = self._hash.copy()
        mac.update(id_number.encode("ascii"))
        return mac.finalize()

    def person_columns(self, id_number: str, id_hash: bytes | None = None) -> dict[str, object]:
        """Every ID column of a new person row: the clear part, the sealed number and its hash (``id_hash`` when
        the caller computed it already, for the look-up)."""
        return {**clear_columns(id_number), "id_cipher": self.encrypt_id(id_number),
                "id_hash": id_hash if id_hash is not None else self.id_hash(id_number)}
