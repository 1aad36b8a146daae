"""Quotas and post limits: set, transfer (划转)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import select

from bianzhi_app.db.models import quota_history
from bianzhi_app.errors import InvalidInput
from bianzhi_app.kernel import Change, Op, Tx
from bianzhi_app.ops.backdating import (
    check_every_day_since,
    check_pool_every_day_since,
    check_posts_every_day_since,
)
from bianzhi_app.ops.common import (
    check_not_before,
    find_unit,
    non_negative,
    pool_figures,
    positive,
    post_figures,
    quota_figures,
    write_post_limit,
    write_quota,
)
from bianzhi_app.rules import QuotaFigures, check_pool, check_post_cut, check_quota_cut


def _not_before_last_change(tx: Tx, unit_id: int, kind_id: int, on: dt.date, label: str) -> None:
    last = tx.conn.execute(select(quota_history.c.effective_on)
                           .where(quota_history.c.unit_id == unit_id, quota_history.c.kind_id == kind_id)
                           .order_by(quota_history.c.effective_on.desc()).limit(1)).scalar()
    if last is not None and on < last:
        raise InvalidInput(f"{label} 最近一次核定日期为{last.isoformat()},不能补登更早日期({on.isoformat()})的核定",
                           field="date")


def set_quota(tx: Tx, unit: str | int, kind: str, approved: int, *, doc: str, on: dt.date | None = None,
              as_allowance: bool = False) -> Change:
    """Set a unit's approved quota of a kind.

    Refuses: no document (rule 8); a total over the region pool (rule 2); a quota below the
    persons and reservations on it (rule 7) unless `as_allowance`, which records the
    overage as a shrinking allowance (rule 6).
    """
    u = find_unit(tx, unit)
    k = tx.catalog.kind(kind)
    approved = non_negative(approved, "核定编制数")
    effective_on = tx.effective(on)
    tx.document(doc)
    _not_before_last_change(tx, u.id, k.id, effective_on, f"{u.name} {k.name}")
    before = quota_figures(tx, u.id, k.id)
    total, allocated = pool_figures(tx, k.id)
    check_pool(k.name, total, allocated, approved - before.approved, u.name)
    allowance = before.allowance
    if as_allowance:
        allowance = max(allowance, before.used + before.reserved - approved)
    else:
        check_quota_cut(u.name, k.name, before, approved)
    after = QuotaFigures(approved, before.used, before.reserved, allowance)
    after = replace(after, allowance=after.shrunk_allowance())
    write_quota(tx, u.id, k.id, approved=approved, allowance=after.allowance, effective_on=effective_on,
                seq=tx.head.seq + 1)
    check_every_day_since(tx, u, k, effective_on)  # a cut dated back must fit every day since
    if approved > before.approved:  # a rise dated back must fit the pool of every day since
        check_pool_every_day_since(tx, k, effective_on)
    return tx.record(Op.QUOTA_SET, unit_id=u.id, unit_name=u.name, effective_on=effective_on,
                     document_number=doc, before={k.code: before.as_dict()}, after={k.code: after.as_dict()})


def transfer_quota(tx: Tx, source: str | int, target: str | int, kind: str, count: int, *, doc: str,
                   on: dt.date | None = None) -> Change:
    """Move `count` of approved quota between units (划转); the pool is unchanged.

    Refuses: no document; the same unit twice; taking the source below its persons and
    reservations (rule 7).
    """
    src, dst = find_unit(tx, source), find_unit(tx, target, field="target")
    if src.id == dst.id:
        raise InvalidInput("划出单位与划入单位不能相同", field="target")
    k = tx.catalog.kind(kind)
    count = positive(count, "划转编制数")
    effective_on = tx.effective(on)
    tx.document(doc)
    for unit in (src, dst):  # not before either unit existed, nor before a later figure of either
        check_not_before(effective_on, unit.created_on, f"{unit.name}设立日期")
        _not_before_last_change(tx, unit.id, k.id, effective_on, f"{unit.name} {k.name}")
    src_before, dst_before = quota_figures(tx, src.id, k.id), quota_figures(tx, dst.id, k.id)
    if count > src_before.approved:
        raise InvalidInput(f"{src.name} {k.name} 核定{src_before.approved}名,不能划出{count}名", field="count")
    check_quota_cut(src.name, k.name, src_before, src_before.approved - count)
    seq = tx.head.seq + 1
    # Source first, so the pool total never counts the moved slots twice.
    write_quota(tx, src.id, k.id, approved=src_before.approved - count, allowance=src_before.allowance,
                effective_on=effective_on, seq=seq)
    dst_after = QuotaFigures(dst_before.approved + count, dst_before.used, dst_before.reserved,
                             dst_before.allowance)
    dst_after = replace(dst_after, allowance=dst_after.shrunk_allowance())
    write_quota(tx, dst.id, k.id, approved=dst_after.approved, allowance=dst_after.allowance,
                effective_on=effective_on, seq=seq)
    check_every_day_since(tx, src, k, effective_on)
    src_after = quota_figures(tx, src.id, k.id)
    return tx.record(Op.QUOTA_TRANSFER, unit_id=src.id, unit_name=src.name, effective_on=effective_on,
                     document_number=doc, extra_units={dst.id},
                     before={src.name: {k.code: src_before.as_dict()}, dst.name: {k.code: dst_before.as_dict()}},
                     after={src.name: {k.code: src_after.as_dict()}, dst.name: {k.code: dst_after.as_dict()}},
                     detail={"from": src.name, "to": dst.name, "kind": k.code, "count": count})


def set_post_limit(tx: Tx, unit: str | int, post: str, limit: int, *, doc: str, on: dt.date | None = None,
                   as_allowance: bool = False) -> Change:
    """Set a unit's post limit (领导职数). Refuses no document, or a limit below the posts held (rule 3)."""
    u = find_unit(tx, unit)
    p = tx.catalog.post_kind(post)
    limit = non_negative(limit, "领导职数")
    effective_on = tx.effective(on)
    tx.document(doc)
    old_limit, used, allowance = post_figures(tx, u.id, p.id)
    if as_allowance:
        allowance = max(allowance, used - limit)
    else:
        check_post_cut(u.name, p.name, used, allowance, limit)
    allowance = min(allowance, max(0, used - limit))
    write_post_limit(tx, u.id, p.id, limit=limit, allowance=allowance, effective_on=effective_on,
                     seq=tx.head.seq + 1)
    check_posts_every_day_since(tx, u, p, effective_on)  # a cut dated back must fit every day since
    return tx.record(Op.POSTS_SET, unit_id=u.id, unit_name=u.name, effective_on=effective_on,
                     document_number=doc, before={p.code: {"limit": old_limit, "used": used}},
                     after={p.code: {"limit": limit, "used": used, "allowance": allowance}})
