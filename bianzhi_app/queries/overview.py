"""The 概览 page's figures: pool per kind, used vs approved per kind and per category, the units over
and at quota, the approvals that expire soon."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bianzhi_app.catalog import Catalog
from bianzhi_app.db.sql import day, mappings, rows


def dashboard(conn: Any, catalog: Catalog, today: dt.date, *, list_limit: int = 200) -> dict[str, Any]:
    """Pool per kind, used vs approved per kind and per category, units over / at quota,
    approvals expiring within 30 days."""
    pool = {r[0]: (r[1], r[2]) for r in rows(conn, "SELECT kind_id, total, allocated FROM region_pools")}
    active = "FROM quotas q JOIN units u ON u.id = q.unit_id WHERE u.status = 'active'"
    per_kind = {r[0]: (int(r[1] or 0), int(r[2] or 0), int(r[3] or 0)) for r in rows(
        conn, f"SELECT q.kind_id, sum(q.approved), sum(q.used), sum(q.reserved) {active} GROUP BY q.kind_id")}
    per_category = {r[0]: (int(r[1] or 0), int(r[2] or 0)) for r in rows(
        conn, f"SELECT u.category, sum(q.approved), sum(q.used) {active} GROUP BY u.category")}
    base = f"SELECT u.id, u.name, q.kind_id, q.approved, q.used, q.reserved, q.allowance {active}"
    limit = {"limit": list_limit}
    over = mappings(conn, f"{base} AND q.used + q.reserved > q.approved ORDER BY u.name LIMIT :limit", limit)
    at = mappings(conn, f"{base} AND q.approved > 0 AND q.used + q.reserved = q.approved"
                        " ORDER BY u.name LIMIT :limit", limit)
    soon = today + dt.timedelta(days=30)
    expiring = [{"number": r[0], "unit": r[1], "unit_id": r[2], "kind_id": r[3], "remaining": r[4],
                 "valid_until": day(r[5])} for r in rows(
        conn, "SELECT a.number, u.name, a.unit_id, a.kind_id, a.count - a.used_count, a.valid_until"
              " FROM usage_approvals a JOIN units u ON u.id = a.unit_id"
              " WHERE a.status = 'active' AND a.valid_until >= :today AND a.valid_until <= :soon"
              " ORDER BY a.valid_until, a.id LIMIT :limit",
        {"today": today.isoformat(), "soon": soon.isoformat(), **limit})]
    return {"pool": {k.id: pool.get(k.id, (0, 0)) for k in catalog.kinds},
            "per_kind": {k.id: per_kind.get(k.id, (0, 0, 0)) for k in catalog.kinds},
            "per_category": per_category, "over": over, "at": at, "expiring": expiring}
