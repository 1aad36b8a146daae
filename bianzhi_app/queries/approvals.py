"""Usage approvals (用编核准) as a list, for the window, the command line and the reports; and the
approvals a dialog may offer for an entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bianzhi_app.catalog import Catalog
from bianzhi_app.db.sql import day, rows


def approvals_list(conn: Any, *, status: str | None = "active", unit_id: int | None = None,
                   limit: int | None = 5000, newest_first: bool = True) -> list[dict[str, Any]]:
    """Usage approvals with their unit name and document number (newest first, or oldest first)."""
    where = ["1 = 1"]
    # No limit: the largest 64-bit integer (SQLite's LIMIT -1 is an error on PostgreSQL).
    params: dict[str, Any] = {"limit": 2**63 - 1 if limit is None else limit}
    if status:
        where.append("a.status = :status")
        params["status"] = status
    if unit_id is not None:
        where.append("a.unit_id = :unit")
        params["unit"] = unit_id
    found = rows(conn, "SELECT a.number, u.name, a.unit_id, a.kind_id, a.count, a.used_count, a.method, a.status,"
                       " a.issued_on, a.valid_until, d.number FROM usage_approvals a JOIN units u ON u.id = a.unit_id"
                       " LEFT OUTER JOIN documents d ON d.id = a.document_id"
                       f" WHERE {' AND '.join(where)} ORDER BY a.id{' DESC' if newest_first else ''} LIMIT :limit",
                 params)
    return [{"number": r[0], "unit": r[1], "unit_id": r[2], "kind_id": r[3], "count": r[4], "used": r[5],
             "remaining": r[4] - r[5], "method": r[6], "status": r[7], "issued_on": day(r[8]),
             "valid_until": day(r[9]), "doc": r[10]} for r in found]


def approval_rows(conn: Any, catalog: Catalog, *, status: str | None = "active") -> list[dict[str, Any]]:
    """`approvals_list` oldest first as the command line's `approval list --json` gives it (kind codes, ISO
    dates)."""
    return [{"number": a["number"], "unit": a["unit"], "unit_id": a["unit_id"],
             "kind": catalog.kind_by_id(a["kind_id"]).code, "count": a["count"], "used": a["used"],
             "remaining": a["remaining"], "method": a["method"], "status": a["status"],
             "issued_on": a["issued_on"].isoformat(),
             "valid_until": a["valid_until"].isoformat() if a["valid_until"] else None}
            for a in approvals_list(conn, status=status, limit=None, newest_first=False)]


def usable_approvals(conn: Any, unit_id: int, kind_id: int, on: dt.date) -> list[dict[str, Any]]:
    """Active approvals of a unit and kind with slots left on day `on` (earliest-expiring first)."""
    found = rows(conn, "SELECT number, count - used_count, valid_until FROM usage_approvals"
                       " WHERE unit_id = :unit AND kind_id = :kind AND status = 'active' AND issued_on <= :on"
                       " AND (valid_until IS NULL OR valid_until >= :on) AND count > used_count"
                       " ORDER BY valid_until, id", {"unit": unit_id, "kind": kind_id, "on": on.isoformat()})
    return [{"number": r[0], "remaining": r[1], "valid_until": day(r[2])} for r in found]
