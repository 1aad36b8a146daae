"""Units (机构): add, rename, abolish, merge. Quotas, staff and posts move with them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert, select, update

from bianzhi_app.book import Change, Op, Tx, new_id
from bianzhi_app.catalog import CATEGORIES, FUNDINGS, RANKS, check_choice
from bianzhi_app.db.models import appointments, approvals, post_limits, quotas, staffing, units
from bianzhi_app.errors import InvalidInput, StateRefused
from bianzhi_app.idcodes import normalize_code, uscc_problem
from bianzhi_app.ops.common import (
    UnitRef,
    clean_text,
    count_open_children,
    find_unit,
    post_figures,
    quota_figures,
    unit_post_snapshot,
    unit_quota_snapshot,
    write_post_limit,
    write_quota,
)
from bianzhi_app.rules import check_abolish


def _clean_name(name: str) -> str:
    return clean_text(name, "单位名称", 100)


def _check_name_free(tx: Tx, name: str) -> None:
    if tx.conn.execute(select(units.c.id).where(units.c.name == name, units.c.status == "active")).first():
        raise StateRefused(f"已有名为「{name}」的单位")


def add_unit(tx: Tx, name: str, *, category: str, rank: str, doc: str, funding: str | None = None,
             parent: str | int | None = None, uscc: str | None = None, requires_approval: bool = True,
             functions: str | None = None, on: dt.date | None = None) -> Change:
    """Create a unit with zero quotas and post limits. Refuses no document, a duplicate name or USCC,
    an unknown category/rank/funding, an invalid USCC."""
    name = _clean_name(name)
    category = check_choice(category, CATEGORIES, "机构类别")
    rank = check_choice(rank, RANKS, "机构规格")
    funding = check_choice(funding, FUNDINGS, "经费形式") if funding else None
    effective_on = tx.effective(on)
    doc_id = tx.document(doc)
    _check_name_free(tx, name)
    parent_id = find_unit(tx, parent).id if parent not in (None, "") else None
    code = None
    if uscc:
        code = normalize_code(uscc)
        problem = uscc_problem(code)
        if problem:
            raise InvalidInput(f"统一社会信用代码「{uscc}」无效:{problem}")
        if tx.conn.execute(select(units.c.name).where(units.c.uscc == code)).first():
            raise StateRefused(f"统一社会信用代码{code}已被其他单位使用")
    unit_id = new_id(tx.conn.execute(insert(units).values(
        name=name, category=category, rank=rank, funding=funding, parent_id=parent_id, uscc=code,
        status="active", requires_approval=requires_approval, functions=functions, created_on=effective_on,
        document_id=doc_id)))
    tx.conn.execute(insert(quotas), [{"unit_id": unit_id, "kind_id": k.id, "approved": 0, "used": 0,
                                      "reserved": 0, "allowance": 0} for k in tx.catalog.kinds])
    tx.conn.execute(insert(post_limits), [{"unit_id": unit_id, "post_kind_id": p.id, "post_limit": 0,
                                           "used": 0, "allowance": 0} for p in tx.catalog.post_kinds])
    return tx.record(Op.UNIT_ADD, unit_id=unit_id, unit_name=name, effective_on=effective_on,
                     document_number=doc, result=unit_id,
                     after={"name": name, "category": category, "rank": rank, "funding": funding,
                            "parent_id": parent_id, "uscc": code})


def rename_unit(tx: Tx, unit: str | int, new_name: str, *, doc: str, on: dt.date | None = None) -> Change:
    """Rename a unit (更名). Refuses no document or a name already taken."""
    u = find_unit(tx, unit)
    new_name = _clean_name(new_name)
    effective_on = tx.effective(on)
    tx.document(doc)
    if new_name == u.name:
        raise InvalidInput(f"新名称与原名称相同:「{new_name}」")
    _check_name_free(tx, new_name)
    tx.conn.execute(update(units).where(units.c.id == u.id).values(name=new_name))
    return tx.record(Op.UNIT_RENAME, unit_id=u.id, unit_name=new_name, effective_on=effective_on,
                     document_number=doc, before={"name": u.name}, after={"name": new_name})


def _zero_out(tx: Tx, u: UnitRef, effective_on: dt.date, seq: int) -> None:
    for k in tx.catalog.kinds:
        figures = quota_figures(tx, u.id, k.id)
        if figures.approved or figures.allowance:
            write_quota(tx, u.id, k.id, approved=0, allowance=0, effective_on=effective_on, seq=seq)
    for p in tx.catalog.post_kinds:
        limit, _used, allowance = post_figures(tx, u.id, p.id)
        if limit or allowance:
            write_post_limit(tx, u.id, p.id, limit=0, allowance=0, effective_on=effective_on, seq=seq)


def abolish_unit(tx: Tx, unit: str | int, *, doc: str, on: dt.date | None = None) -> Change:
    """Abolish a unit (撤销): its quota goes back to the pool (rule 9).

    Refuses no document, or a unit that still has staff, reservations, post holders or active
    child units: those must be moved first (or use merge).
    """
    u = find_unit(tx, unit)
    effective_on = tx.effective(on)
    tx.document(doc)
    before = unit_quota_snapshot(tx, u.id)
    staff = sum(f["used"] for f in before.values())
    reserved = sum(f["reserved"] for f in before.values())
    check_abolish(u.name, staff, reserved, count_open_children(tx, u.id))
    _zero_out(tx, u, effective_on, tx.head.seq + 1)
    tx.conn.execute(update(units).where(units.c.id == u.id).values(status="abolished", abolished_on=effective_on))
    return tx.record(Op.UNIT_ABOLISH, unit_id=u.id, unit_name=u.name, effective_on=effective_on,
                     document_number=doc, before={"quota": before, "posts": unit_post_snapshot(tx, u.id)},
                     after={"status": "abolished"})


def merge_units(tx: Tx, sources: list[str | int], into: str, *, doc: str, on: dt.date | None = None,
                category: str | None = None, rank: str | None = None, funding: str | None = None) -> Change:
    """Merge units into a new or existing unit (合并), carrying quotas, allowances, reservations,
    staff and posts. Totals are conserved: the sum of quotas, staff and posts before equals after.

    Refuses no document, fewer than one source, a source named twice or equal to the target.
    """
    effective_on = tx.effective(on)
    tx.document(doc)
    srcs = [find_unit(tx, s) for s in sources]
    if not srcs:
        raise InvalidInput("至少指定一个被合并的单位")
    if len({s.id for s in srcs}) != len(srcs):
        raise InvalidInput("被合并的单位有重复")
    into_name = _clean_name(into)
    existing = tx.conn.execute(select(units.c.id).where(units.c.name == into_name,
                                                        units.c.status == "active")).scalar()
    seq = tx.head.seq + 1
    created = existing is None
    if created:
        first = tx.conn.execute(select(units.c.category, units.c.rank, units.c.funding)
                                .where(units.c.id == srcs[0].id)).one()
        # The new unit's own ledger entry is part of this one operation's record.
        target_id = _insert_unit_row(tx, into_name, category or first.category, rank or first.rank,
                                     funding if funding is not None else first.funding, effective_on, doc)
    else:
        target_id = int(existing or 0)
    if target_id in {s.id for s in srcs}:
        raise InvalidInput(f"「{into_name}」既是被合并单位又是合并后的单位")
    target = find_unit(tx, target_id)
    before: dict[str, Any] = {u.name: {"quota": unit_quota_snapshot(tx, u.id), "posts": unit_post_snapshot(tx, u.id)}
                              for u in [*srcs, target]}
    moved_persons: set[int] = set()
    for src in srcs:
        moved_persons |= _move_everything(tx, src, target, effective_on, seq)
        tx.conn.execute(update(units).where(units.c.id == src.id)
                        .values(status="abolished", abolished_on=effective_on, merged_into_id=target.id))
        tx.conn.execute(update(units).where(units.c.parent_id == src.id, units.c.status == "active")
                        .values(parent_id=target.id))
    after = {target.name: {"quota": unit_quota_snapshot(tx, target.id), "posts": unit_post_snapshot(tx, target.id)}}
    return tx.record(Op.UNIT_MERGE, unit_id=target.id, unit_name=target.name, effective_on=effective_on,
                     document_number=doc, before=before, after=after, result=target.id,
                     extra_units={s.id for s in srcs}, person_ids=moved_persons,
                     detail={"sources": [s.name for s in srcs], "into": target.name, "created": created})


def _insert_unit_row(tx: Tx, name: str, category: str, rank: str, funding: str | None,
                     effective_on: dt.date, doc: str) -> int:
    _check_name_free(tx, name)
    unit_id = new_id(tx.conn.execute(insert(units).values(
        name=name, category=category, rank=rank, funding=funding, status="active", requires_approval=True,
        created_on=effective_on, document_id=tx.document(doc))))
    tx.conn.execute(insert(quotas), [{"unit_id": unit_id, "kind_id": k.id, "approved": 0, "used": 0,
                                      "reserved": 0, "allowance": 0} for k in tx.catalog.kinds])
    tx.conn.execute(insert(post_limits), [{"unit_id": unit_id, "post_kind_id": p.id, "post_limit": 0,
                                           "used": 0, "allowance": 0} for p in tx.catalog.post_kinds])
    return int(unit_id)


def _move_everything(tx: Tx, src: UnitRef, target: UnitRef, effective_on: dt.date, seq: int) -> set[int]:
    """Carry one source's quotas, reservations, staff and posts into the target.

    Order matters for the CHECK constraints: the source's approved quota is parked in its
    allowance, the target grows by the same amount (pool total unchanged), then the people move,
    then the source's parking is cleared.
    """
    for k in tx.catalog.kinds:
        s = quota_figures(tx, src.id, k.id)
        if not (s.approved or s.allowance or s.used or s.reserved):
            continue
        t = quota_figures(tx, target.id, k.id)
        write_quota(tx, src.id, k.id, approved=0, allowance=s.allowance + s.approved,
                    effective_on=effective_on, seq=seq)
        write_quota(tx, target.id, k.id, approved=t.approved + s.approved, allowance=t.allowance + s.allowance,
                    effective_on=effective_on, seq=seq)
    for p in tx.catalog.post_kinds:
        limit, _used, allowance = post_figures(tx, src.id, p.id)
        if limit or allowance:
            t_limit, _t_used, t_allowance = post_figures(tx, target.id, p.id)
            write_post_limit(tx, target.id, p.id, limit=t_limit + limit, allowance=t_allowance + allowance,
                             effective_on=effective_on, seq=seq)
    tx.conn.execute(update(approvals).where(approvals.c.unit_id == src.id, approvals.c.status == "active")
                    .values(unit_id=target.id))
    open_slots = tx.conn.execute(select(staffing.c.id, staffing.c.person_id, staffing.c.kind_id)
                                 .where(staffing.c.unit_id == src.id, staffing.c.end_date.is_(None))).all()
    open_posts = tx.conn.execute(select(appointments.c.id, appointments.c.person_id, appointments.c.post_kind_id)
                                 .where(appointments.c.unit_id == src.id,
                                        appointments.c.end_date.is_(None))).all()
    if open_posts:
        tx.conn.execute(update(appointments).where(appointments.c.id.in_([a.id for a in open_posts]))
                        .values(end_date=effective_on))
    if open_slots:
        tx.conn.execute(update(staffing).where(staffing.c.unit_id == src.id, staffing.c.end_date.is_(None))
                        .values(end_date=effective_on, end_reason="机构合并"))
        tx.conn.execute(insert(staffing), [{"person_id": s.person_id, "unit_id": target.id, "kind_id": s.kind_id,
                                            "start_date": effective_on, "end_date": None, "end_reason": None,
                                            "approval_id": None} for s in open_slots])
    if open_posts:
        tx.conn.execute(insert(appointments), [{"person_id": a.person_id, "unit_id": target.id,
                                                "post_kind_id": a.post_kind_id, "start_date": effective_on,
                                                "end_date": None} for a in open_posts])
    for k in tx.catalog.kinds:
        s = quota_figures(tx, src.id, k.id)
        if s.allowance:
            write_quota(tx, src.id, k.id, approved=0, allowance=0, effective_on=effective_on, seq=seq)
        t = quota_figures(tx, target.id, k.id)
        if t.allowance != t.shrunk_allowance():
            write_quota(tx, target.id, k.id, approved=t.approved, allowance=t.shrunk_allowance(),
                        effective_on=effective_on, seq=seq)
    for p in tx.catalog.post_kinds:
        limit, _used, allowance = post_figures(tx, src.id, p.id)
        if limit or allowance:
            write_post_limit(tx, src.id, p.id, limit=0, allowance=0, effective_on=effective_on, seq=seq)
    return {s.person_id for s in open_slots}


