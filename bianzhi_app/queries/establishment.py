"""Status figures of the whole region, now or as of a past day (`status`, the reports, snapshots).

Current figures come straight from the counters; `as_of` rebuilds them from the history tables and
the dated staffing, appointment and approval rows. Plain SQL on any reader (see `db.sql.rows`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from bianzhi_app.catalog import Catalog
from bianzhi_app.db.sql import day, rows
from bianzhi_app.errors import InvalidInput, NotFound
from bianzhi_app.ledger import LedgerHead, read_head
from bianzhi_app.texts import is_unit_id_text

Figures = dict[tuple[int, int], dict[str, int]]


@dataclass(frozen=True, slots=True)
class UnitRecord:
    """A unit as the status and the reports list it."""

    id: int
    name: str
    category: str
    rank: str
    funding: str | None
    parent_id: int | None
    uscc: str | None
    status: str
    functions: str | None


def region_info(conn: Any) -> dict[str, Any]:
    found = rows(conn, "SELECT name, code, office_name FROM regions LIMIT 1")
    if not found:
        return {"name": "", "code": "", "office": ""}
    name, code, office = found[0]
    return {"name": name, "code": code, "office": office}


def _in_force(table: str, keys: str, values: str) -> str:
    """The rows of a history table in force on :as_of (the latest per key; ties by ledger seq, then id)."""
    return (f"SELECT {keys}, {values} FROM (SELECT {keys}, {values}, row_number() OVER (PARTITION BY {keys}"
            f" ORDER BY effective_on DESC, ledger_seq DESC, id DESC) AS rank FROM {table}"
            f" WHERE effective_on <= :as_of) AS latest WHERE rank = 1")


def _open_on(start: str, end: str) -> str:
    return f"{start} <= :as_of AND ({end} IS NULL OR {end} > :as_of)"


def _unit_filter(column: str, unit_id: int | None) -> str:
    return "" if unit_id is None else f" AND {column} = :unit"


def quota_figures(conn: Any, as_of: dt.date | None = None, unit_id: int | None = None) -> Figures:
    """{(unit_id, kind_id): {approved, used, reserved, allowance}}."""
    params: dict[str, Any] = {"unit": unit_id, "as_of": as_of.isoformat() if as_of else None}
    result: Figures = {}
    if as_of is None:
        for r in rows(conn, "SELECT unit_id, kind_id, approved, used, reserved, allowance FROM quotas WHERE 1 = 1"
                            + _unit_filter("unit_id", unit_id), params):
            result[(r[0], r[1])] = {"approved": r[2], "used": r[3], "reserved": r[4], "allowance": r[5]}
        return result

    def slot(key: tuple[int, int]) -> dict[str, int]:
        return result.setdefault(key, {"approved": 0, "used": 0, "reserved": 0, "allowance": 0})

    history = _in_force("quota_history", "unit_id, kind_id", "approved, allowance")
    for r in rows(conn, f"SELECT * FROM ({history}) AS h WHERE 1 = 1" + _unit_filter("unit_id", unit_id), params):
        slot((r[0], r[1])).update(approved=r[2], allowance=r[3])
    for r in rows(conn, "SELECT unit_id, kind_id, count(*) FROM staffing_periods WHERE "
                        + _open_on("start_date", "end_date") + _unit_filter("unit_id", unit_id)
                        + " GROUP BY unit_id, kind_id", params):
        slot((r[0], r[1]))["used"] = r[2]
    consumed = "(SELECT count(*) FROM staffing_periods s WHERE s.approval_id = a.id AND s.start_date <= :as_of)"
    for r in rows(conn, f"SELECT a.unit_id, a.kind_id, sum(a.count - {consumed}) FROM usage_approvals a WHERE "
                        + _open_on("a.issued_on", "a.closed_on") + _unit_filter("a.unit_id", unit_id)
                        + " GROUP BY a.unit_id, a.kind_id", params):
        slot((r[0], r[1]))["reserved"] = int(r[2] or 0)
    return result


def post_figures(conn: Any, as_of: dt.date | None = None, unit_id: int | None = None) -> Figures:
    """{(unit_id, post_kind_id): {limit, used, allowance}}."""
    params: dict[str, Any] = {"unit": unit_id, "as_of": as_of.isoformat() if as_of else None}
    result: Figures = {}
    if as_of is None:
        for r in rows(conn, "SELECT unit_id, post_kind_id, post_limit, used, allowance FROM post_limits WHERE 1 = 1"
                            + _unit_filter("unit_id", unit_id), params):
            result[(r[0], r[1])] = {"limit": r[2], "used": r[3], "allowance": r[4]}
        return result

    def slot(key: tuple[int, int]) -> dict[str, int]:
        return result.setdefault(key, {"limit": 0, "used": 0, "allowance": 0})

    history = _in_force("post_limit_history", "unit_id, post_kind_id", "post_limit, allowance")
    for r in rows(conn, f"SELECT * FROM ({history}) AS h WHERE 1 = 1" + _unit_filter("unit_id", unit_id), params):
        slot((r[0], r[1])).update(limit=r[2], allowance=r[3])
    for r in rows(conn, "SELECT unit_id, post_kind_id, count(*) FROM appointments WHERE "
                        + _open_on("start_date", "end_date") + _unit_filter("unit_id", unit_id)
                        + " GROUP BY unit_id, post_kind_id", params):
        slot((r[0], r[1]))["used"] = r[2]
    return result


def pool_totals(conn: Any, as_of: dt.date | None = None) -> dict[int, int]:
    """Kind id → the region pool's total, now or as of a day."""
    if as_of is None:
        return {r[0]: r[1] for r in rows(conn, "SELECT kind_id, total FROM region_pools")}
    return {r[0]: r[1] for r in rows(conn, _in_force("pool_history", "kind_id", "total"),
                                     {"as_of": as_of.isoformat()})}


def unit_rows(conn: Any, as_of: dt.date | None = None, unit_id: int | None = None) -> list[UnitRecord]:
    """Active units (or those that existed on ``as_of``), by id."""
    where = "status = 'active'" if as_of is None else _open_on("created_on", "abolished_on")
    found = rows(conn, "SELECT id, name, category, rank, funding, parent_id, uscc, status, functions FROM units"
                       f" WHERE {where}{_unit_filter('id', unit_id)} ORDER BY id",
                 {"unit": unit_id, "as_of": as_of.isoformat() if as_of else None})
    if as_of is None:
        return [UnitRecord(*r) for r in found]
    earlier = functions_before(conn, as_of)
    return [dataclasses.replace(UnitRecord(*r), functions=earlier.get(r[0], r[8])) for r in found]


def functions_before(conn: Any, as_of: dt.date) -> dict[int, str | None]:
    """The 主要职责 of each unit changed after `as_of`, as it was on that day: the old text kept in the
    `before` of its first later 核定主要职责 entry (units not changed since have today's)."""
    found: dict[int, str | None] = {}
    for unit_id, before in rows(conn, "SELECT unit_id, before FROM ledger WHERE op = 'unit.functions'"
                                      " AND effective_on > :as_of ORDER BY seq", {"as_of": as_of.isoformat()}):
        if unit_id is not None and unit_id not in found:
            found[unit_id] = str(json.loads(before).get("functions") or "") or None
    return found


def resolve_unit_id(conn: Any, ref: str | int) -> int:
    """A unit's id from its exact name (an active one first) or its numeric id; refuses an unknown one."""
    text = str(ref).strip()
    if is_unit_id_text(text) and rows(conn, "SELECT id FROM units WHERE id = :id", {"id": int(text)}):
        return int(text)
    found = rows(conn, "SELECT id FROM units WHERE name = :name"
                       " ORDER BY CASE WHEN status = 'active' THEN 0 ELSE 1 END, id DESC LIMIT 1", {"name": text})
    if not found:
        raise NotFound(f"未找到单位「{text}」", field="unit")
    return int(found[0][0])


def head_as_of(conn: Any, as_of: dt.date) -> LedgerHead:
    """The ledger head that anchors the state of a day: the last entry effective on or before it."""
    found = rows(conn, "SELECT seq, hash FROM ledger WHERE effective_on <= :as_of ORDER BY seq DESC LIMIT 1",
                 {"as_of": as_of.isoformat()})
    return LedgerHead(int(found[0][0]), str(found[0][1])) if found else LedgerHead(0, "")


def book_started(conn: Any) -> dt.date | None:
    """The effective day of the book's first entry (None for an empty book)."""
    found = rows(conn, "SELECT min(effective_on) FROM ledger")
    return day(found[0][0]) if found else None


def check_as_of(conn: Any, as_of: dt.date) -> None:
    """Refuse a day before the book's first entry: there are no figures to rebuild then."""
    started = book_started(conn)
    if started is not None and as_of < started:
        raise InvalidInput(f"截至日期{as_of.isoformat()}早于本台账的第一笔记录({started.isoformat()}),"
                           "那一天还没有编制数据", field="date")


def quota_entry(figures: dict[str, int]) -> dict[str, int]:
    approved, used, reserved = figures["approved"], figures["used"], figures["reserved"]
    return {"approved": approved, "used": used, "reserved": reserved,
            "vacancy": max(0, approved - used - reserved), "overage": max(0, used + reserved - approved),
            "allowance": figures["allowance"]}


def status(conn: Any, catalog: Catalog, *, as_of: dt.date | None = None,
           unit: str | int | None = None) -> dict[str, Any]:
    """The figures of CLI.md's `status --json`: region, pool per kind, units, ledger head."""
    unit_id = resolve_unit_id(conn, unit) if unit not in (None, "") else None
    q = quota_figures(conn, as_of, unit_id)
    p = post_figures(conn, as_of, unit_id)
    units = unit_rows(conn, as_of, unit_id)
    totals = pool_totals(conn, as_of)
    all_q = q if unit_id is None else quota_figures(conn, as_of)
    pool = {}
    for k in catalog.kinds:
        allocated = sum(f["approved"] for (_uid, kid), f in all_q.items() if kid == k.id)
        total = totals.get(k.id, 0)
        pool[k.code] = {"total": total, "allocated": allocated, "unallocated": total - allocated}
    zero_q = {"approved": 0, "used": 0, "reserved": 0, "allowance": 0}
    zero_p = {"limit": 0, "used": 0, "allowance": 0}
    unit_list = [{
        "id": r.id, "name": r.name, "category": r.category, "rank": r.rank, "funding": r.funding,
        "parent_id": r.parent_id,
        "quota": {k.code: quota_entry(q.get((r.id, k.id), zero_q)) for k in catalog.kinds},
        "posts": {pk.code: {key: p.get((r.id, pk.id), zero_p)[key] for key in ("limit", "used", "allowance")}
                  for pk in catalog.post_kinds},
    } for r in units]
    head = read_head(conn)
    result: dict[str, Any] = {
        "region": {k: v for k, v in region_info(conn).items() if k in ("name", "code")},
        "as_of": (as_of or dt.date.today()).isoformat(),
        "pool": pool, "units": unit_list, "ledger_head": {"seq": head.seq, "hash": head.hash, "alg": head.alg},
    }
    if as_of is not None:
        anchored = head_as_of(conn, as_of)
        result["as_of_ledger_head"] = {"seq": anchored.seq, "hash": anchored.hash, "alg": head.alg}
    return result
