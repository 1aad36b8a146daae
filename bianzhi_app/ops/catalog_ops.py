"""The configurable lists: add an establishment kind or a post kind (each with its document)."""

from __future__ import annotations

import re

from sqlalchemy import func, insert, select

from bianzhi_app.catalog import Catalog
from bianzhi_app.db.models import kinds_t, post_kinds_t, post_limits, quotas, region_pools, units
from bianzhi_app.errors import InvalidInput, StateRefused
from bianzhi_app.kernel import Change, Op, Tx, new_id
from bianzhi_app.ops.common import clean_text
from bianzhi_app.texts import KIND_NAME_MAX


def _clean(code: str, name: str) -> tuple[str, str]:
    code = str(code).strip().lower()
    if not re.fullmatch(r"[a-z]{1,10}", code):
        raise InvalidInput(f"代码应为1至10个英文小写字母,实为「{code[:20]}」", field="code")
    return code, clean_text(name, "名称", KIND_NAME_MAX, "name")


def add_kind(tx: Tx, code: str, name: str, *, doc: str) -> Change:
    """Add an establishment kind (编制类型): a zero quota for every unit and a zero region pool.
    Refuses no document, a bad code, or a code or name already in use."""
    code, name = _clean(code, name)
    tx.document(doc)
    if tx.conn.execute(select(kinds_t.c.id).where((kinds_t.c.code == code) | (kinds_t.c.name == name))).first():
        raise StateRefused(f"编制类型「{name}」或代码「{code}」已存在", field="code")
    order = (tx.conn.execute(select(func.max(kinds_t.c.sort_order))).scalar() or 0) + 1
    kind_id = new_id(tx.conn.execute(insert(kinds_t).values(code=code, name=name, sort_order=order)))
    tx.conn.execute(insert(region_pools).values(kind_id=kind_id, total=0, allocated=0))
    unit_ids = tx.conn.execute(select(units.c.id)).scalars().all()
    if unit_ids:
        tx.conn.execute(insert(quotas), [{"unit_id": u, "kind_id": kind_id, "approved": 0, "used": 0, "reserved": 0,
                                          "allowance": 0} for u in unit_ids])
    tx.catalog = Catalog.load(tx.conn)
    return tx.record(Op.KIND_ADD, unit_id=None, unit_name=None, effective_on=tx.today, document_number=doc,
                     after={"code": code, "name": name}, result=kind_id)


def add_post_kind(tx: Tx, code: str, name: str, *, doc: str) -> Change:
    """Add a post kind (职务类别) with a zero limit for every unit. Refuses no document or a duplicate."""
    code, name = _clean(code, name)
    tx.document(doc)
    if tx.conn.execute(select(post_kinds_t.c.id).where((post_kinds_t.c.code == code)
                                                       | (post_kinds_t.c.name == name))).first():
        raise StateRefused(f"职务类别「{name}」或代码「{code}」已存在", field="code")
    order = (tx.conn.execute(select(func.max(post_kinds_t.c.sort_order))).scalar() or 0) + 1
    post_kind_id = new_id(tx.conn.execute(insert(post_kinds_t).values(code=code, name=name, sort_order=order)))
    unit_ids = tx.conn.execute(select(units.c.id)).scalars().all()
    if unit_ids:
        tx.conn.execute(insert(post_limits), [{"unit_id": u, "post_kind_id": post_kind_id, "post_limit": 0,
                                               "used": 0, "allowance": 0} for u in unit_ids])
    tx.catalog = Catalog.load(tx.conn)
    return tx.record(Op.POST_KIND_ADD, unit_id=None, unit_name=None, effective_on=tx.today, document_number=doc,
                     after={"code": code, "name": name}, result=post_kind_id)
