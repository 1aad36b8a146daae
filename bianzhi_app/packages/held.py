"""`check` of a city book's held packages: each against the ledger entry that took it in (the chain vouches for
the entry, the entry for the package): as-of day, county ledger head, totals, the manifest's digest, the number
of persons kept; and the totals against the units' figures. A hand-edited held package shows here."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from bianzhi_app.db.sql import rows
from bianzhi_app.kernel import Op
from bianzhi_app.packages.build import totals


def held_problems(conn: Any) -> list[str]:
    """Problems of the held packages, in words (none in a book without them)."""
    problems = []
    found = rows(conn, "SELECT r.name, p.as_of, p.head_seq, p.head_hash, p.digest, p.manifest, p.figures,"
                       " p.ledger_seq, (SELECT count(*) FROM region_persons x WHERE x.region_id = r.id)"
                       " FROM region_packages p JOIN subregions r ON r.id = p.region_id ORDER BY r.code")
    for name, as_of, head_seq, head_hash, digest, manifest, figures, seq, persons in found:
        entry = rows(conn, "SELECT op, after, detail FROM ledger WHERE seq = :s", {"s": seq})
        wrong = f"下级地区{name}所持数据包与台账第{seq}条(接收下级数据包)不符:数据包在本台账中被改动过"
        if not entry or entry[0][0] != Op.REGION_PACKAGE.value:
            problems.append(wrong)
            continue
        after, detail = json.loads(entry[0][1]), json.loads(entry[0][2])
        held = json.loads(figures)
        kinds = [k["code"] for k in held.get("kinds", [])]
        if (after.get("as_of"), after.get("ledger_head"), after.get("totals")) != (
                as_of, {"seq": head_seq, "hash": head_hash}, held.get("totals")) \
                or totals(held.get("units", []), kinds) != held.get("totals") \
                or detail.get("digest") != digest or hashlib.sha256(manifest.encode("utf-8")).hexdigest() != digest \
                or detail.get("persons") != persons:
            problems.append(wrong)
    orphans = rows(conn, "SELECT count(*) FROM region_persons x WHERE NOT EXISTS"
                         " (SELECT 1 FROM region_packages p WHERE p.region_id = x.region_id)")
    if orphans and orphans[0][0]:
        problems.append(f"有{orphans[0][0]}名下级地区人员不属于任何所持数据包")
    return problems
