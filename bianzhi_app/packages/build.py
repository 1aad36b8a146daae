"""What a county puts in a package, and how the city reads its figures back (pure functions over a reader).

The figures are the county's own `status` (now, or as of a past day through the as-of reconstruction), so the
city shows exactly what the county's `status` shows. Each ID number is decrypted with the county's data key and
sealed to the city's X25519 key (one ephemeral key per package, `fileformat.id_key`, the county's cipher).
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from bianzhi_app import __version__
from bianzhi_app.catalog import Catalog
from bianzhi_app.db.sql import rows
from bianzhi_app.packages import fileformat
from bianzhi_app.packages.keys import ENC_ALG, SIGN_ALG, BookKeys, PublicKeys, recipient
from bianzhi_app.personal.crypto import PersonalKeys, seal
from bianzhi_app.queries.regions import totals  # one sum for the package and the city view


def id_aad(code: str) -> bytes:
    """Binds each sealed ID number to the region that sent it."""
    return b"bianzhi-package-id|" + code.encode("ascii")


def approvals_in_force(conn: Any, catalog: Catalog, as_of: dt.date | None) -> list[dict[str, Any]]:
    """Usage approvals (用编核准) open now (active) or on ``as_of``, with what they still reserve."""
    if as_of is None:
        found = rows(conn, "SELECT a.number, u.name, a.kind_id, a.count, a.count - a.used_count, a.method,"
                           " a.issued_on, a.valid_until FROM usage_approvals a JOIN units u ON u.id = a.unit_id"
                           " WHERE a.status = 'active' ORDER BY a.id")
    else:
        consumed = ("(SELECT count(*) FROM staffing_periods s WHERE s.approval_id = a.id"
                    " AND s.start_date <= :as_of)")
        found = rows(conn, f"SELECT a.number, u.name, a.kind_id, a.count, a.count - {consumed}, a.method,"
                           " a.issued_on, a.valid_until FROM usage_approvals a JOIN units u ON u.id = a.unit_id"
                           " WHERE a.issued_on <= :as_of AND (a.closed_on IS NULL OR a.closed_on > :as_of)"
                           " ORDER BY a.id", {"as_of": as_of.isoformat()})
    return [{"number": r[0], "unit": r[1], "kind": catalog.kind_by_id(r[2]).code, "count": int(r[3]),
             "remaining": int(r[4]), "method": r[5], "issued_on": str(r[6]),
             "valid_until": str(r[7]) if r[7] is not None else None} for r in found]


def build(conn: Any, catalog: Catalog, personal: PersonalKeys, own: BookKeys, to: PublicKeys,
          as_of: dt.date | None, now: dt.datetime, carried: list[dict[str, Any]] | None = None
          ) -> tuple[dict[str, Any], bytes]:
    """The manifest (without its content digest: `fileformat.write` adds it) and the content bytes. A city's
    package carries its counties' packages unchanged (``carried``, see `carry.carried_entries`): in the content,
    and named by region code and digest in the manifest."""
    from bianzhi_app.queries import roster, status

    figures = status(conn, catalog, as_of=as_of)
    head = figures["as_of_ledger_head"] if as_of is not None else figures["ledger_head"]
    region = figures["region"]
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    key = fileformat.id_key(ephemeral.exchange(recipient(to.enc_public)), ephemeral_public, to.enc_public)
    aad = id_aad(region["code"])
    persons = []
    for r in roster(conn, catalog, as_of=as_of, keys=personal, full_id=True):
        number = r["id_number"]
        persons.append({"name": r["name"], "id": base64.b64encode(seal(personal.cipher, key, number.encode("ascii"),
                                                                         aad)).decode("ascii"),
                        "id_region": number[:6], "id_tail": number[-4:], "gender": r["gender"],
                        "birth_year": r["birth_year"], "unit": r["unit"], "unit_id": r["unit_id"],
                        "kind": r["kind"], "post": r["post"], "entered_on": r["entered_on"]})
    approvals = approvals_in_force(conn, catalog, as_of)
    kinds = [{"code": k.code, "name": k.name} for k in catalog.kinds]
    post_kinds = [{"code": k.code, "name": k.name} for k in catalog.post_kinds]
    content = {"kinds": kinds, "post_kinds": post_kinds, "pool": figures["pool"], "units": figures["units"],
               "approvals": approvals, "roster": persons}
    manifest = {
        "format": fileformat.FORMAT, "version": fileformat.VERSION, "region": region, "as_of": figures["as_of"],
        "ledger_head": {"seq": head["seq"], "hash": head["hash"]},
        "counts": {"units": len(figures["units"]), "persons": len(persons), "approvals": len(approvals)},
        "totals": totals(figures["units"], [k["code"] for k in kinds]),
        "app_version": __version__, "created_at": now.isoformat(timespec="seconds"),
        "algorithms": {"signature": SIGN_ALG, "key_agreement": ENC_ALG, "kdf": fileformat.KDF,
                       "cipher": personal.cipher},
        "sender": {"fingerprint": own.public(region["name"], region["code"]).fingerprint},
        "recipient": {"code": to.code, "name": to.name, "fingerprint": to.fingerprint},
        "ephemeral_public": base64.b64encode(ephemeral_public).decode("ascii"),
    }
    if carried:
        content["carried"] = carried
        manifest["carried"] = [{"code": c["region"]["code"], "digest": c["digest"]} for c in carried]
    return manifest, fileformat.encode(content)
