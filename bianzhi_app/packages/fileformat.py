"""The package file (.bzp): ``MAGIC`` + a zip (deflate, stdlib) of two entries + an Ed25519 signature (64 bytes)
over everything before it, so a single changed byte anywhere in the file fails verification.

- ``manifest.json``: canonical JSON: format and version, region (name, code), as-of date, the county's ledger
  head, counts, app version, algorithm names, sender and recipient key fingerprints, the ephemeral public key
  of the ID numbers' encryption, and the SHA-256 and length of the content.
- ``content.json``: canonical JSON: kinds, pools, units with quotas and posts, approvals in force, the roster
  (each full ID number sealed to the recipient, see `id_key`).
- the manifest also binds the content by its digest (a second, inner check).

`read` refuses a file that is not such a package (or whose entries are damaged: zip's CRC); `verify` refuses a
signature that does not verify under the registered sender's key, or content whose digest differs. Nothing in
a package is trusted before both passed: `read` only finds which region it claims to come from.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bianzhi_app.errors import InvalidInput, NotFound
from bianzhi_app.ledger import canonical_json
from bianzhi_app.packages.keys import verifier

FORMAT, VERSION = "bianzhi-package", 1
MANIFEST, CONTENT = "manifest.json", "content.json"
MAGIC = b"BIANZHI-PACKAGE-1\n"
SIGNATURE_BYTES = 64
KDF = "hkdf-sha256"
MAX_ENTRY = 1 << 30  # a county's content is a few MB; refuse a zip bomb before inflating it


def id_key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    """The key that seals the package's ID numbers: HKDF-SHA256 over the X25519 shared secret, bound to both
    public keys (ECIES)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral_public + recipient_public,
                info=b"bianzhi-package-ids").derive(shared)


def encode(value: Any) -> bytes:
    return canonical_json(value).encode("utf-8")


def write(path: str | os.PathLike[str], manifest: dict[str, Any], content: bytes, sign_key: Ed25519PrivateKey
          ) -> str:
    """Write the signed package atomically (a temporary file beside it, then a rename); returns the digest of
    its manifest (what names the package)."""
    manifest = {**manifest, "content": {"sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}}
    manifest_bytes = encode(manifest)
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr(MANIFEST, manifest_bytes)
        z.writestr(CONTENT, content)
    body = MAGIC + packed.getvalue()
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=".bzp-", dir=target.parent or ".")
    try:
        with os.fdopen(handle, "wb") as raw:
            raw.write(body + sign_key.sign(body))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return hashlib.sha256(manifest_bytes).hexdigest()


@dataclass(frozen=True, slots=True)
class RawPackage:
    """A package's entries as read, before verification."""

    signed: bytes  # MAGIC + the zip: what the signature covers
    signature: bytes
    manifest_bytes: bytes
    content_bytes: bytes
    manifest: dict[str, Any]

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.manifest_bytes).hexdigest()


def _damaged(path: Path, why: str) -> InvalidInput:
    return InvalidInput(f"数据包「{path.name}」无效:{why};未作任何改动", field="file")


def read(path: str | os.PathLike[str]) -> RawPackage:
    """The entries of a package file; refuses (NotFound) a missing file, (InvalidInput) one that is not a
    package or is damaged (a flipped byte fails zip's CRC, or the inflation)."""
    source = Path(path)
    if not source.is_file():
        raise NotFound(f"数据包文件不存在:{source}", field="file")
    return parse(source.read_bytes(), source)


def parse(data: bytes, source: Path) -> RawPackage:
    """The entries of a package's bytes (a file's, or one carried inside a city's package: `source` names it in
    a refusal); refuses (InvalidInput) what `read` refuses."""
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + SIGNATURE_BYTES + 22:
        raise _damaged(source, "不是编制台账数据包(文件头不对或文件不完整)")
    signed, signature = data[:-SIGNATURE_BYTES], data[-SIGNATURE_BYTES:]
    try:
        with zipfile.ZipFile(io.BytesIO(signed[len(MAGIC):])) as z:
            names = set(z.namelist())
            if names != {MANIFEST, CONTENT}:
                raise _damaged(source, "不是编制台账数据包(应只含 manifest.json 和 content.json)")
            if any(info.file_size > MAX_ENTRY for info in z.infolist()):
                raise _damaged(source, "内容大得不合理")
            manifest_bytes, content_bytes = z.read(MANIFEST), z.read(CONTENT)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        if isinstance(error, InvalidInput):
            raise
        raise _damaged(source, "文件已损坏或被改动(压缩数据校验不通过)") from None
    except Exception as error:  # zlib.error and friends from a damaged deflate stream
        if isinstance(error, InvalidInput):
            raise
        raise _damaged(source, "文件已损坏或被改动(无法解压)") from None
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _damaged(source, "清单(manifest.json)不可读") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _damaged(source, "不是编制台账数据包")
    if manifest.get("version") != VERSION:
        raise _damaged(source, f"格式版本{manifest.get('version')!r}本程序不支持(支持{VERSION})")
    return RawPackage(signed, signature, manifest_bytes, content_bytes, manifest)


def verify(raw: RawPackage, sign_public: bytes, name: str) -> dict[str, Any]:
    """The package's content after the signature verified under the registered key and the content's digest
    matched the manifest; refuses (InvalidInput) either failure."""
    try:
        verifier(sign_public).verify(raw.signature, raw.signed)
    except (InvalidSignature, ValueError):
        raise InvalidInput(f"数据包的签名与{name}登记的公钥不符:数据包被改动过,或不是{name}签发的;未作任何改动",
                           field="file") from None
    declared = raw.manifest.get("content") or {}
    if declared.get("sha256") != hashlib.sha256(raw.content_bytes).hexdigest() \
            or declared.get("bytes") != len(raw.content_bytes):
        raise InvalidInput("数据包的内容与签名的清单不符:内容被改动过;未作任何改动", field="file")
    try:
        content = json.loads(raw.content_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("数据包的内容不可读;未作任何改动", field="file") from None
    if not isinstance(content, dict):
        raise InvalidInput("数据包的内容格式不对;未作任何改动", field="file")
    return content
