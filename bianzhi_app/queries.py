"""Read side: status figures (current or as of a past day), roster, ledger listing.

Current figures come straight from the counters; `as_of` rebuilds them from the history
tables and the dated staffing, appointment and approval rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from bianzhi_app.catalog import Catalog
from bianzhi_app.db.models import (
    appointments,
    approvals,
    ledger,
    persons,
    pool_history,
    post_limit_history,
    post_limits,
    quota_history,
    quotas,
    region_pools,
    regions,
    staffing,
    units,
)
from bianzhi_app.errors import NotFound
from bianzhi_app.ledger import read_head

Figures = dict[tuple[int, int], dict[str, int]]


def region_info(conn: Connection) -> dict[str, Any]:
    row = conn.execute(select(regions.c.name, regions.c.code, regions.c.office_name)).first()
    if row is None:
        return {"name": "", "code": "", "office": ""}
    return {"name": row.name, "code": row.code, "office": row.office_name}


def _latest(history, key_columns, value_columns, as_of: dt.date):  # type: ignore[no-untyped-def]
    """Rows of `history` that were in force on `as_of` (latest per key, ties by ledger seq)."""
    rank = func.row_number().over(partition_by=key_columns,
                                  order_by=(history.c.effective_on.desc(), history.c.ledger_seq.desc(),
                                            history.c.id.desc())).label("rank")
    inner = select(*key_columns, *value_columns, rank).where(history.c.effective_on <= as_of).subquery()
    return select(*[inner.c[c.name] for c in (*key_columns, *value_columns)]).where(inner.c.rank == 1)


def _open_on(start, end, as_of: dt.date):  # type: ignore[no-untyped-def]
    return and_(start <= as_of, or_(end.is_(None), end > as_of))


def quota_figures(conn: Connection, as_of: dt.date | None = None, unit_id: int | None = None) -> Figures:
    """{(unit_id, kind_id): {approved, used, reserved, allowance}}."""
    result: Figures = {}
    if as_of is None:
        query = select(quotas)
        if unit_id is not None:
            query = query.where(quotas.c.unit_id == unit_id)
        for r in conn.execute(query):
            result[(r.unit_id, r.kind_id)] = {"approved": r.approved, "used": r.used, "reserved": r.reserved,
                                              "allowance": r.allowance}
        return result

    def slot(key: tuple[int, int]) -> dict[str, int]:
        return result.setdefault(key, {"approved": 0, "used": 0, "reserved": 0, "allowance": 0})

    hist = _latest(quota_history, (quota_history.c.unit_id, quota_history.c.kind_id),
                   (quota_history.c.approved, quota_history.c.allowance), as_of)
    for r in conn.execute(hist):
        if unit_id is None or r.unit_id == unit_id:
            slot((r.unit_id, r.kind_id)).update(approved=r.approved, allowance=r.allowance)
    used = (select(staffing.c.unit_id, staffing.c.kind_id, func.count().label("n"))
            .where(_open_on(staffing.c.start_date, staffing.c.end_date, as_of))
            .group_by(staffing.c.unit_id, staffing.c.kind_id))
    if unit_id is not None:
        used = used.where(staffing.c.unit_id == unit_id)
    for r in conn.execute(used):
        slot((r.unit_id, r.kind_id))["used"] = r.n
    consumed = (select(func.count()).where(staffing.c.approval_id == approvals.c.id,
                                           staffing.c.start_date <= as_of).scalar_subquery())
    reserved = (select(approvals.c.unit_id, approvals.c.kind_id,
                       func.sum(approvals.c.count - consumed).label("n"))
                .where(_open_on(approvals.c.issued_on, approvals.c.closed_on, as_of))
                .group_by(approvals.c.unit_id, approvals.c.kind_id))
    if unit_id is not None:
        reserved = reserved.where(approvals.c.unit_id == unit_id)
    for r in conn.execute(reserved):
        slot((r.unit_id, r.kind_id))["reserved"] = int(r.n or 0)
    return result


def post_figures(conn: Connection, as_of: dt.date | None = None, unit_id: int | None = None) -> Figures:
    """{(unit_id, post_kind_id): {limit, used, allowance}}."""
    result: Figures = {}
    if as_of is None:
        query = select(post_limits)
        if unit_id is not None:
            query = query.where(post_limits.c.unit_id == unit_id)
        for r in conn.execute(query):
            result[(r.unit_id, r.post_kind_id)] = {"limit": r.post_limit, "used": r.used, "allowance": r.allowance}
        return result

    def slot(key: tuple[int, int]) -> dict[str, int]:
        return result.setdefault(key, {"limit": 0, "used": 0, "allowance": 0})

    hist = _latest(post_limit_history, (post_limit_history.c.unit_id, post_limit_history.c.post_kind_id),
                   (post_limit_history.c.post_limit, post_limit_history.c.allowance), as_of)
    for r in conn.execute(hist):
        if unit_id is None or r.unit_id == unit_id:
            slot((r.unit_id, r.post_kind_id)).update(limit=r.post_limit, allowance=r.allowance)
    used = (select(appointments.c.unit_id, appointments.c.post_kind_id, func.count().label("n"))
            .where(_open_on(appointments.c.start_date, appointments.c.end_date, as_of))
            .group_by(appointments.c.unit_id, appointments.c.post_kind_id))
    if unit_id is not None:
        used = used.where(appointments.c.unit_id == unit_id)
    for r in conn.execute(used):
        slot((r.unit_id, r.post_kind_id))["used"] = r.n
    return result


def pool_totals(conn: Connection, as_of: dt.date | None = None) -> dict[int, int]:
    if as_of is None:
        return {r.kind_id: r.total for r in conn.execute(select(region_pools.c.kind_id, region_pools.c.total))}
    hist = _latest(pool_history, (pool_history.c.kind_id,), (pool_history.c.total,), as_of)
    return {r.kind_id: r.total for r in conn.execute(hist)}


def unit_rows(conn: Connection, as_of: dt.date | None = None, unit_id: int | None = None) -> list[Any]:
    query = select(units.c.id, units.c.name, units.c.category, units.c.rank, units.c.funding, units.c.parent_id,
                   units.c.uscc, units.c.status, units.c.functions).order_by(units.c.id)
    if unit_id is not None:
        query = query.where(units.c.id == unit_id)
    if as_of is None:
        query = query.where(units.c.status == "active")
    else:
        query = query.where(_open_on(units.c.created_on, units.c.abolished_on, as_of))
    return list(conn.execute(query))


def resolve_unit_id(conn: Connection, ref: str | int) -> int:
    text = str(ref).strip()
    if text.isdigit() and conn.execute(select(units.c.id).where(units.c.id == int(text))).first():
        return int(text)
    found = conn.execute(select(units.c.id).where(units.c.name == text)
                         .order_by((units.c.status == "active").desc(), units.c.id.desc())).scalar()
    if found is None:
        raise NotFound(f"未找到单位「{text}」")
    return int(found)


def quota_entry(figures: dict[str, int]) -> dict[str, int]:
    approved, used, reserved = figures["approved"], figures["used"], figures["reserved"]
    return {"approved": approved, "used": used, "reserved": reserved,
            "vacancy": max(0, approved - used - reserved), "overage": max(0, used + reserved - approved),
            "allowance": figures["allowance"]}


def status(conn: Connection, catalog: Catalog, *, as_of: dt.date | None = None,
           unit: str | int | None = None) -> dict[str, Any]:
    """The figures of CLI.md's `status --json`: region, pool per kind, units, ledger head."""
    unit_id = resolve_unit_id(conn, unit) if unit not in (None, "") else None
    q = quota_figures(conn, as_of, unit_id)
    p = post_figures(conn, as_of, unit_id)
    rows = unit_rows(conn, as_of, unit_id)
    totals = pool_totals(conn, as_of)
    all_q = q if unit_id is None else quota_figures(conn, as_of)
    pool = {}
    for k in catalog.kinds:
        allocated = sum(f["approved"] for (_uid, kid), f in all_q.items() if kid == k.id)
        total = totals.get(k.id, 0)
        pool[k.code] = {"total": total, "allocated": allocated, "unallocated": total - allocated}
    zero_q = {"approved": 0, "used": 0, "reserved": 0, "allowance": 0}
    zero_p = {"limit": 0, "used": 0, "allowance": 0}
    unit_list = []
    for r in rows:
        unit_list.append({
            "id": r.id, "name": r.name, "category": r.category, "rank": r.rank, "funding": r.funding,
            "parent_id": r.parent_id,
            "quota": {k.code: quota_entry(q.get((r.id, k.id), zero_q)) for k in catalog.kinds},
            "posts": {pk.code: {key: p.get((r.id, pk.id), zero_p)[key] for key in ("limit", "used", "allowance")}
                      for pk in catalog.post_kinds},
        })
    head = read_head(conn)
    if as_of is not None:
        head_row = conn.execute(select(ledger.c.seq, ledger.c.hash).where(ledger.c.effective_on <= as_of)
                                .order_by(ledger.c.seq.desc()).limit(1)).first()
        as_of_head = {"seq": head_row.seq, "hash": head_row.hash} if head_row else {"seq": 0, "hash": ""}
    result: dict[str, Any] = {
        "region": {k: v for k, v in region_info(conn).items() if k in ("name", "code")},
        "as_of": (as_of or dt.date.today()).isoformat(),
        "pool": pool, "units": unit_list, "ledger_head": {"seq": head.seq, "hash": head.hash},
    }
    if as_of is not None:
        result["as_of_ledger_head"] = as_of_head
    return result


def roster(conn: Connection, catalog: Catalog, *, as_of: dt.date | None = None, unit: str | int | None = None,
           search: str | None = None) -> Iterator[dict[str, Any]]:
    """Persons on establishment (current or as of a day), ordered by unit then entry; streamed."""
    day = as_of or dt.date.max
    post_join = and_(appointments.c.person_id == staffing.c.person_id,
                     appointments.c.unit_id == staffing.c.unit_id,
                     _open_on(appointments.c.start_date, appointments.c.end_date, day)
                     if as_of else appointments.c.end_date.is_(None))
    query = (select(persons.c.id, persons.c.name, persons.c.id_number, persons.c.gender, persons.c.birth_date,
                    units.c.name.label("unit"), units.c.id.label("unit_id"), staffing.c.kind_id,
                    staffing.c.start_date, appointments.c.post_kind_id)
             .select_from(staffing.join(persons, persons.c.id == staffing.c.person_id)
                          .join(units, units.c.id == staffing.c.unit_id).outerjoin(appointments, post_join))
             .order_by(staffing.c.unit_id, staffing.c.start_date, persons.c.id))
    if as_of is None:
        query = query.where(staffing.c.end_date.is_(None))
    else:
        query = query.where(_open_on(staffing.c.start_date, staffing.c.end_date, as_of))
    if unit not in (None, ""):
        query = query.where(staffing.c.unit_id == resolve_unit_id(conn, unit))
    if search:
        term = search.strip()
        query = query.where(or_(persons.c.name.like(f"%{term}%"), persons.c.id_number == term.upper()))
    for r in conn.execution_options(yield_per=2000).execute(query):
        yield {"person_id": r.id, "name": r.name, "id_number": r.id_number, "gender": r.gender,
               "birth_date": r.birth_date.isoformat(), "unit": r.unit, "unit_id": r.unit_id,
               "kind": catalog.kind_by_id(r.kind_id).code,
               "post": catalog.post_kind_by_id(r.post_kind_id).code if r.post_kind_id else None,
               "entered_on": r.start_date.isoformat()}


def ledger_entries(conn: Connection, *, since: dt.date | None = None, until: dt.date | None = None,
                   unit: str | int | None = None, op: str | None = None,
                   limit: int | None = None) -> Iterator[dict[str, Any]]:
    query = select(ledger).order_by(ledger.c.seq)
    if since is not None:
        query = query.where(ledger.c.effective_on >= since)
    if until is not None:
        query = query.where(ledger.c.effective_on <= until)
    if unit not in (None, ""):
        query = query.where(ledger.c.unit_id == resolve_unit_id(conn, unit))
    if op:
        query = query.where(ledger.c.op == op)
    if limit is not None:
        query = query.limit(limit)
    for r in conn.execution_options(yield_per=2000).execute(query):
        yield {"seq": r.seq, "at": r.at, "effective_on": r.effective_on.isoformat(), "actor": r.actor,
               "op": r.op, "unit": r.unit_name, "unit_id": r.unit_id, "doc": r.document_number,
               "before": json.loads(r.before), "after": json.loads(r.after), "detail": json.loads(r.detail),
               "hash": r.hash}


def approval_rows(conn: Connection, catalog: Catalog, *, status: str | None = "active") -> list[dict[str, Any]]:
    query = (select(approvals, units.c.name.label("unit")).join(units, units.c.id == approvals.c.unit_id)
             .order_by(approvals.c.id))
    if status:
        query = query.where(approvals.c.status == status)
    return [{"number": r.number, "unit": r.unit, "unit_id": r.unit_id, "kind": catalog.kind_by_id(r.kind_id).code,
             "count": r.count, "used": r.used_count, "remaining": r.count - r.used_count, "method": r.method,
             "status": r.status, "issued_on": r.issued_on.isoformat(),
             "valid_until": r.valid_until.isoformat() if r.valid_until else None} for r in conn.execute(query)]


