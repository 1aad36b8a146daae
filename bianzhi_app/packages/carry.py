"""A city's package to the province carrying its counties' packages unchanged (issue 18).

The city names the files of its counties' packages it holds (`package export … --carry FILE`, `carry`): each is
verified again under the county's registered key and must be the very package the city holds (the digest of its
manifest, which the city's ledger recorded when it took it in). Each goes into the city's content byte for byte
(base64) with the county's public keys, and the city's manifest names them (code, digest); the city's signature
then vouches for the keys. The province (`carried`) verifies the city's package as any other, then each carried
package under the key the city vouched for: signature, content digest, sender fingerprint, region code. The
counties' ID numbers stay sealed to the city's key: the province sees the counties' figures, not their persons.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path
from typing import Any

from bianzhi_app.db.sql import rows
from bianzhi_app.errors import InvalidInput
from bianzhi_app.packages import fileformat, keys


def _refuse(why: str) -> InvalidInput:
    return InvalidInput(f"随附的下级数据包无效:{why};未作任何改动", field="file")


def carried_entries(conn: Any, paths: list[str | os.PathLike[str]]) -> list[dict[str, Any]]:
    """The entries a city's content carries for these county package files; refuses (InvalidInput) a file from
    an unregistered region, one that does not verify, one that is not the package held for its region, two for
    one region; (NotFound) a missing file."""
    entries: list[dict[str, Any]] = []
    for path in paths:
        raw = fileformat.read(path)
        code = str((raw.manifest.get("region") or {}).get("code", ""))[:6]
        found = rows(conn, "SELECT r.name, r.sign_alg, r.sign_public, r.enc_alg, r.enc_public, r.fingerprint,"
                           " p.digest, p.as_of FROM subregions r LEFT OUTER JOIN region_packages p"
                           " ON p.region_id = r.id WHERE r.code = :c", {"c": code})
        if not found:
            raise _refuse(f"「{Path(path).name}」来自未登记的地区({code})")
        name, sign_alg, sign_public, enc_alg, enc_public, fingerprint, held, as_of = found[0]
        fileformat.verify(raw, bytes(sign_public), f"{name}({code})")
        if held != raw.digest:
            have = f"所持的截至{as_of}" if as_of else "尚未收到其数据包"
            raise _refuse(f"「{Path(path).name}」不是本台账所持的{name}数据包({have};先导入 package import)")
        if any(e["region"]["code"] == code for e in entries):
            raise _refuse(f"{name}({code})的数据包给了两次")
        entries.append({"region": {"name": str(name), "code": code}, "digest": raw.digest,
                        "sign_alg": str(sign_alg), "sign_public": base64.b64encode(bytes(sign_public)).decode(),
                        "enc_alg": str(enc_alg), "enc_public": base64.b64encode(bytes(enc_public)).decode(),
                        "fingerprint": str(fingerprint),
                        "package": base64.b64encode(raw.signed + raw.signature).decode("ascii")})
    return entries


def verify_carried(manifest: dict[str, Any], content: dict[str, Any]) -> list[dict[str, Any]]:
    """The counties' packages a verified city package carries, each verified under the keys the city vouched
    for: per package its region, as-of day, ledger head, counts, totals and digest. Refuses (InvalidInput) one
    that does not verify or does not match what the city's manifest names."""
    entries = content.get("carried") or []
    named = manifest.get("carried") or []
    try:
        if [(e["region"]["code"], e["digest"]) for e in entries] != [(n["code"], n["digest"]) for n in named]:
            raise _refuse("内容中的下级数据包与清单所列的不符")
        result = []
        for e in entries:
            code, name = str(e["region"]["code"]), str(e["region"]["name"])
            sign_public = base64.b64decode(e["sign_public"], validate=True)
            enc_public = base64.b64decode(e["enc_public"], validate=True)
            if keys.fingerprint(sign_public, enc_public) != e["fingerprint"]:
                raise _refuse(f"{name}({code})的公钥与其指纹不符")
            raw = fileformat.parse(base64.b64decode(e["package"], validate=True), Path(f"{code}.bzp"))
            county = fileformat.verify(raw, sign_public, f"{name}({code})")
            m = raw.manifest
            if raw.digest != e["digest"] or str((m.get("region") or {}).get("code")) != code \
                    or (m.get("sender") or {}).get("fingerprint") != e["fingerprint"]:
                raise _refuse(f"{name}({code})的数据包与城市清单所列的不符")
            result.append({"name": name, "code": code, "as_of": m.get("as_of"), "ledger_head": m.get("ledger_head"),
                           "counts": m.get("counts"), "totals": m.get("totals"), "digest": raw.digest,
                           "units": county.get("units", [])})
    except InvalidInput:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error):
        raise _refuse("格式不对") from None
    return result
