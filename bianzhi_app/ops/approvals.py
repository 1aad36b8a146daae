"""Usage approvals (用编核准): add, cancel, expire. An active approval reserves its slots (rule 5)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import Integer, cast, func, insert, select, update

from bianzhi_app.catalog import APPROVAL_METHODS, check_choice
from bianzhi_app.db.models import approvals, units
from bianzhi_app.errors import InvalidInput, NotFound, StateRefused
from bianzhi_app.kernel import Change, Op, Tx
from bianzhi_app.ops.backdating import check_every_day_since
from bianzhi_app.ops.common import check_not_before, find_unit, positive, quota_figures, shrink_allowance
from bianzhi_app.rules import check_room

NUMBER_FORM = re.compile(r"[0-9]{4}-[0-9]{4,}")


def add_approval(tx: Tx, unit: str | int, kind: str, count: int, *, method: str, doc: str,
                 valid_until: dt.date | None = None, on: dt.date | None = None,
                 number: str | None = None) -> Change:
    """Approve a unit to fill `count` slots of a kind; the slots are reserved until used.

    ``number`` keeps a given approval number (an initial import re-creating an exported book's open
    approvals); by default the next number of the approval year is issued.
    Refuses: no document; an unknown method; a validity ending before the approval date; more
    slots than the unit's vacancy (rule 1); a number not of the form YYYY-NNNN, or already issued.
    Returns the approval number in `Change.result`.
    """
    if number is not None:
        number = str(number).strip()
        if not NUMBER_FORM.fullmatch(number):
            raise InvalidInput(f"核准编号「{number}」格式不对,应为“年份-序号”,如2026-0001", field="number")
        if tx.conn.execute(select(approvals.c.id).where(approvals.c.number == number)).first() is not None:
            raise StateRefused(f"核准编号{number}已被使用,不能重复", field="number")
    u = find_unit(tx, unit)
    k = tx.catalog.kind(kind)
    count = positive(count, "核准数")
    method = check_choice(method, APPROVAL_METHODS, "补充方式", "method")
    effective_on = tx.effective(on)
    check_not_before(effective_on, u.created_on, f"{u.name}设立日期")
    if valid_until is None:
        valid_until = effective_on.replace(year=effective_on.year + 1) - dt.timedelta(days=1) \
            if not (effective_on.month == 2 and effective_on.day == 29) else effective_on + dt.timedelta(days=365)
    if valid_until < effective_on:
        raise InvalidInput(f"有效期至{valid_until.isoformat()}早于核准日期{effective_on.isoformat()}",
                           field="valid_until")
    doc_id = tx.document(doc)
    before = quota_figures(tx, u.id, k.id)
    check_room(u.name, k.name, before, count, f"核准{count}名用编")
    if number is None:
        year = effective_on.year
        issued = tx.conn.execute(select(func.max(cast(func.substr(approvals.c.number, 6), Integer)))
                                 .where(approvals.c.number.like(f"{year}-%"))).scalar_one()
        number = f"{year}-{(issued or 0) + 1:04d}"
    tx.conn.execute(insert(approvals).values(
        number=number, unit_id=u.id, kind_id=k.id, count=count, used_count=0, method=method, status="active",
        issued_on=effective_on, valid_until=valid_until, document_id=doc_id))
    check_every_day_since(tx, u, k, effective_on)  # dated back: the reserved slots must have been free since
    after = quota_figures(tx, u.id, k.id)
    return tx.record(Op.APPROVAL_ADD, unit_id=u.id, unit_name=u.name, effective_on=effective_on,
                     document_number=doc, before={k.code: before.as_dict()}, after={k.code: after.as_dict()},
                     detail={"number": number, "count": count, "method": method,
                             "valid_until": valid_until.isoformat()}, result=number)


def _find_active(tx: Tx, number: str):  # type: ignore[no-untyped-def]
    row = tx.conn.execute(select(approvals, units.c.name.label("unit_name"))
                          .join(units, units.c.id == approvals.c.unit_id)
                          .where(approvals.c.number == str(number).strip())).first()
    if row is None:
        raise NotFound(f"未找到编号为「{number}」的用编核准", field="number")
    if row.status != "active":
        status = {"used": "已用完", "cancelled": "已撤销", "expired": "已过期"}[row.status]
        raise StateRefused(f"用编核准{row.number}{status},不能办理此项变动", field="number")
    return row


def cancel_approval(tx: Tx, number: str, *, on: dt.date | None = None, doc: str | None = None) -> Change:
    """Cancel an active approval and release what it still reserves. Refuses an unknown or closed one."""
    row = _find_active(tx, number)
    effective_on = tx.effective(on)
    if doc:
        tx.document(doc)
    kind = tx.catalog.kind_by_id(row.kind_id)
    before = quota_figures(tx, row.unit_id, row.kind_id)
    tx.conn.execute(update(approvals).where(approvals.c.id == row.id)
                    .values(status="cancelled", closed_on=effective_on))
    shrink_allowance(tx, row.unit_id, row.kind_id, effective_on)
    after = quota_figures(tx, row.unit_id, row.kind_id)
    return tx.record(Op.APPROVAL_CANCEL, unit_id=row.unit_id, unit_name=row.unit_name, effective_on=effective_on,
                     document_number=doc, before={kind.code: before.as_dict()}, after={kind.code: after.as_dict()},
                     detail={"number": row.number, "released": row.count - row.used_count})


def expire_approvals(tx: Tx, *, today: dt.date | None = None) -> list[Change]:
    """Close every active approval whose validity ended before today; one ledger entry each."""
    today = today or tx.today
    due = tx.conn.execute(select(approvals.c.number).where(approvals.c.status == "active",
                                                           approvals.c.valid_until < today)
                          .order_by(approvals.c.valid_until, approvals.c.id)).scalars().all()
    changes = []
    for number in due:
        row = _find_active(tx, number)
        kind = tx.catalog.kind_by_id(row.kind_id)
        closed_on = row.valid_until + dt.timedelta(days=1)
        before = quota_figures(tx, row.unit_id, row.kind_id)
        tx.conn.execute(update(approvals).where(approvals.c.id == row.id).values(status="expired",
                                                                                 closed_on=closed_on))
        shrink_allowance(tx, row.unit_id, row.kind_id, closed_on)
        after = quota_figures(tx, row.unit_id, row.kind_id)
        changes.append(tx.record(Op.APPROVAL_EXPIRE, unit_id=row.unit_id, unit_name=row.unit_name,
                                 effective_on=closed_on, before={kind.code: before.as_dict()},
                                 after={kind.code: after.as_dict()},
                                 detail={"number": row.number, "released": row.count - row.used_count}))
    return changes


def due_count(tx: Tx) -> int:
    return tx.conn.execute(select(func.count()).select_from(approvals)
                           .where(approvals.c.status == "active", approvals.c.valid_until < tx.today)).scalar_one()
