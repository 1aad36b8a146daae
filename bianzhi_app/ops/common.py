"""Lookups and counter writes shared by the operations (always inside the write transaction)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, update

from bianzhi_app.db.models import (
    appointments,
    persons,
    post_limit_history,
    post_limits,
    quota_history,
    quotas,
    staffing,
    units,
)
from bianzhi_app.errors import InvalidInput, NotFound, StateRefused
from bianzhi_app.idcodes import canonical_id, id_problem, mask_id
from bianzhi_app.kernel import Tx
from bianzhi_app.personal.crypto import mask
from bianzhi_app.queries.figures import live_pool, live_post, live_quota
from bianzhi_app.rules import QuotaFigures


@dataclass(frozen=True)
class UnitRef:
    id: int
    name: str
    category: str
    status: str
    requires_approval: bool
    created_on: dt.date


_UNIT_COLUMNS = (units.c.id, units.c.name, units.c.category, units.c.status, units.c.requires_approval,
                 units.c.created_on)


def find_unit(tx: Tx, ref: str | int, *, active: bool = True, field: str = "unit") -> UnitRef:
    """A unit by exact name or numeric id; refuses an abolished one when `active`. ``field`` is the
    input the unit came from (the unit, a parent, a transfer's target), for the refusal."""
    text = str(ref).strip()
    query = select(*_UNIT_COLUMNS)
    if text.isdigit():
        row = tx.conn.execute(query.where(units.c.id == int(text))).first()
    else:
        row = tx.conn.execute(query.where(units.c.name == text, units.c.status == "active")).first()
        if row is None:
            row = tx.conn.execute(query.where(units.c.name == text).order_by(units.c.id.desc())).first()
    if row is None:
        raise NotFound(f"未找到单位「{text}」", field=field)
    unit = UnitRef(row.id, row.name, row.category, row.status, bool(row.requires_approval), row.created_on)
    if active and unit.status != "active":
        raise StateRefused(f"单位「{unit.name}」已撤销,不能办理此项变动", field=field)
    return unit


def quota_figures(tx: Tx, unit_id: int, kind_id: int) -> QuotaFigures:
    """A unit's figures of a kind, read inside the write transaction (queries.figures reads them for all)."""
    return live_quota(tx.conn, unit_id, kind_id)


def write_quota(tx: Tx, unit_id: int, kind_id: int, *, approved: int, allowance: int,
                effective_on: dt.date, seq: int) -> None:
    """Set approved/allowance and keep the history that `--as-of` reads."""
    tx.conn.execute(update(quotas).where(quotas.c.unit_id == unit_id, quotas.c.kind_id == kind_id)
                    .values(approved=approved, allowance=allowance))
    tx.conn.execute(insert(quota_history).values(unit_id=unit_id, kind_id=kind_id, effective_on=effective_on,
                                                 approved=approved, allowance=allowance, ledger_seq=seq))


def shrink_allowance(tx: Tx, unit_id: int, kind_id: int, effective_on: dt.date) -> None:
    """Rule 6 after staff or reservations went down: the allowance shrinks with the overage."""
    figures = quota_figures(tx, unit_id, kind_id)
    if figures.allowance and figures.shrunk_allowance() != figures.allowance:
        write_quota(tx, unit_id, kind_id, approved=figures.approved, allowance=figures.shrunk_allowance(),
                    effective_on=effective_on, seq=tx.head.seq + 1)


def post_figures(tx: Tx, unit_id: int, post_kind_id: int) -> tuple[int, int, int]:
    """(limit, used, allowance) of a unit's post kind, read inside the write transaction."""
    figures = live_post(tx.conn, unit_id, post_kind_id)
    return figures.limit, figures.used, figures.allowance


def write_post_limit(tx: Tx, unit_id: int, post_kind_id: int, *, limit: int, allowance: int,
                     effective_on: dt.date, seq: int) -> None:
    tx.conn.execute(update(post_limits).where(post_limits.c.unit_id == unit_id,
                                              post_limits.c.post_kind_id == post_kind_id)
                    .values(post_limit=limit, allowance=allowance))
    tx.conn.execute(insert(post_limit_history).values(unit_id=unit_id, post_kind_id=post_kind_id,
                                                      effective_on=effective_on, post_limit=limit,
                                                      allowance=allowance, ledger_seq=seq))


def pool_figures(tx: Tx, kind_id: int) -> tuple[int, int]:
    """(total, allocated) of the region pool of a kind, read inside the write transaction."""
    figures = live_pool(tx.conn, kind_id)
    return figures.total, figures.allocated


def unit_quota_snapshot(tx: Tx, unit_id: int) -> dict[str, dict[str, int]]:
    """All kinds' figures of a unit, keyed by kind code (for ledger before/after)."""
    rows = tx.conn.execute(select(quotas.c.kind_id, quotas.c.approved, quotas.c.used, quotas.c.reserved,
                                  quotas.c.allowance).where(quotas.c.unit_id == unit_id)).all()
    return {tx.catalog.kind_by_id(r.kind_id).code: QuotaFigures(r.approved, r.used, r.reserved,
                                                                r.allowance).as_dict() for r in rows}


def unit_post_snapshot(tx: Tx, unit_id: int) -> dict[str, dict[str, int]]:
    rows = tx.conn.execute(select(post_limits.c.post_kind_id, post_limits.c.post_limit, post_limits.c.used,
                                  post_limits.c.allowance).where(post_limits.c.unit_id == unit_id)).all()
    return {tx.catalog.post_kind_by_id(r.post_kind_id).code:
            {"limit": r.post_limit, "used": r.used, "allowance": r.allowance} for r in rows}


def clean_id_number(raw: str) -> str:
    """Normalise (lower-case x, full-width digits, 15 digits → 18) and validate an ID number; refuse it with
    the reason (naming it masked only)."""
    id_number = canonical_id(raw)
    problem = id_problem(id_number)
    if problem:
        raise InvalidInput(f"身份证号「{mask_id(id_number)}」无效:{problem}", field="id_number")
    return id_number


@dataclass(frozen=True)
class PersonRef:
    """A person named by their id in the book instead of the full ID number: what the window passes for the
    person selected in a masked list, so an operation needs no reveal. ``id_number=PersonRef(42)`` wherever an
    operation takes an ID number of someone already in the book (leave, transfer, change kind, appoint,
    dismiss)."""

    person_id: int


@dataclass(frozen=True)
class ActiveSlot:
    person_id: int
    name: str
    id_number: str
    staffing_id: int
    unit_id: int
    kind_id: int
    start_date: dt.date


def find_active_person(tx: Tx, raw_id: str | PersonRef) -> ActiveSlot:
    """The open slot of a person by full ID number (normalised, then by its keyed hash) or by `PersonRef`;
    refuses one unknown or not on establishment. The slot's ``id_number`` is the mask."""
    query = (select(persons.c.id, persons.c.name, persons.c.id_region, persons.c.id_tail, staffing.c.id.label("sid"),
                    staffing.c.unit_id, staffing.c.kind_id, staffing.c.start_date)
             .select_from(persons.outerjoin(staffing, (staffing.c.person_id == persons.c.id)
                                            & staffing.c.end_date.is_(None))))
    if isinstance(raw_id, PersonRef):
        row = tx.conn.execute(query.where(persons.c.id == raw_id.person_id)).first()
        if row is None:
            raise NotFound(f"未找到编号为{raw_id.person_id}的人员", field="id_number")
    else:
        id_number = clean_id_number(raw_id)
        row = tx.conn.execute(query.where(persons.c.id_hash == tx.keys().id_hash(id_number))).first()
        if row is None:
            raise NotFound(f"未找到身份证号为{mask_id(id_number)}的人员", field="id_number")
    id_number = mask(row.id_region, row.id_tail)
    if row.sid is None:
        raise StateRefused(f"{row.name}({mask_id(id_number)})目前不在编,不能办理此项变动", field="id_number")
    return ActiveSlot(row.id, row.name, id_number, row.sid, row.unit_id, row.kind_id, row.start_date)


def check_not_before(on: dt.date, earliest: dt.date, what: str) -> None:
    if on < earliest:
        raise InvalidInput(f"日期{on.isoformat()}早于{what}({earliest.isoformat()})", field="date")


def positive(count: Any, what: str) -> int:
    try:
        value = int(count)
    except (TypeError, ValueError):
        raise InvalidInput(f"{what}应为整数,实为「{count}」", field="count") from None
    if value <= 0:
        raise InvalidInput(f"{what}应为正整数,实为{value}", field="count")
    return value


def non_negative(count: Any, what: str) -> int:
    try:
        value = int(count)
    except (TypeError, ValueError):
        raise InvalidInput(f"{what}应为整数,实为「{count}」", field="count") from None
    if value < 0:
        raise InvalidInput(f"{what}不能为负数,实为{value}", field="count")
    return value


def count_open_children(tx: Tx, unit_id: int) -> int:
    return tx.conn.execute(select(func.count()).select_from(units)
                           .where(units.c.parent_id == unit_id, units.c.status == "active")).scalar_one()


def end_open_post(tx: Tx, person_id: int, on: dt.date) -> tuple[int, int, int, int] | None:
    """End a person's open appointment (if any) and shrink that post kind's allowance.

    Returns (unit_id, post_kind_id, limit, used before) or None when the person held no post.
    """
    row = tx.conn.execute(select(appointments.c.id, appointments.c.unit_id, appointments.c.post_kind_id,
                                 appointments.c.start_date)
                          .where(appointments.c.person_id == person_id, appointments.c.end_date.is_(None))).first()
    if row is None:
        return None
    check_not_before(on, row.start_date, "任职日期")
    limit, used, allowance = post_figures(tx, row.unit_id, row.post_kind_id)
    tx.conn.execute(update(appointments).where(appointments.c.id == row.id).values(end_date=on))
    if allowance:
        write_post_limit(tx, row.unit_id, row.post_kind_id, limit=limit,
                         allowance=min(allowance, max(0, used - 1 - limit)), effective_on=on, seq=tx.head.seq + 1)
    return row.unit_id, row.post_kind_id, limit, used


def clean_text(value: str, what: str, max_length: int, field: str) -> str:
    """Remove all white space; refuse an empty or over-long value, naming the field."""
    text = "".join(str(value).split())
    if not text:
        raise InvalidInput(f"{what}不能为空", field=field)
    if len(text) > max_length:
        raise InvalidInput(f"{what}过长({len(text)}字),不超过{max_length}字:「{text}」", field=field)
    return text
