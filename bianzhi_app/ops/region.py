"""Region: create the book's region, set its pool (编制总额) per kind."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import insert, select, update

from bianzhi_app.db.models import pool_history, region_pools, regions
from bianzhi_app.errors import InvalidInput, StateRefused
from bianzhi_app.kernel import Change, Op, Tx
from bianzhi_app.ledger import DEFAULT_HASH_ALG, HASH_ALG_KEY, HASH_ALGS, sm3_available
from bianzhi_app.ops.backdating import check_pool_every_day_since
from bianzhi_app.ops.common import clean_text, non_negative, pool_figures
from bianzhi_app.rules import check_pool_total
from bianzhi_app.texts import OFFICE_NAME_MAX, POOL_MAX, REGION_NAME_MAX


def init_region(tx: Tx, *, name: str, code: str, office_name: str | None = None,
                on: dt.date | None = None, hash_alg: str = DEFAULT_HASH_ALG) -> Change:
    """Create the region of an empty book, its ledger chained with ``hash_alg`` ("sha256" or "sm3", recorded in
    this first entry). Refuses a book that already has one, a bad code, an unknown algorithm or SM3 where this
    machine's cryptography lacks it."""
    name = clean_text(name, "行政区域名称", REGION_NAME_MAX, "region")
    code = str(code).strip()
    if not re.fullmatch(r"[0-9]{6}", code):
        raise InvalidInput(f"行政区划代码应为6位数字(GB/T 2260),实为「{code[:20]}」", field="code")
    office_name = clean_text(office_name, "编办名称", OFFICE_NAME_MAX, "region", required=False) or None
    if tx.conn.execute(select(regions.c.id)).first() is not None:
        raise StateRefused("此数据库已建立编制台账,不能重复初始化", field="region")
    if hash_alg not in HASH_ALGS:
        raise InvalidInput(f"哈希算法应为 {'、'.join(HASH_ALGS)} 之一,实为「{hash_alg}」", field="code")
    if hash_alg == "sm3" and not sm3_available():
        raise InvalidInput("本机的密码库(cryptography/OpenSSL)不支持SM3,不能以SM3建立台账", field="code")
    if tx.head.seq != 0 and hash_alg != tx.hash_alg:
        raise StateRefused("台账已有记录,不能更换哈希算法", field="region")
    effective_on = tx.effective(on)
    office = office_name or f"{name}机构编制委员会办公室"
    tx.conn.execute(insert(regions).values(name=name, code=code, office_name=office, created_on=effective_on))
    tx.conn.execute(insert(region_pools), [{"kind_id": k.id, "total": 0, "allocated": 0}
                                           for k in tx.catalog.kinds])
    after = {"region": name, "code": code, "office": office}
    if tx.head.seq == 0:
        tx.hash_alg = hash_alg
        if hash_alg != DEFAULT_HASH_ALG:
            after[HASH_ALG_KEY] = hash_alg  # bound by this entry's own hash (older books: no key, SHA-256)
    return tx.record(Op.REGION_INIT, unit_id=None, unit_name=None, effective_on=effective_on, after=after)


def set_pool(tx: Tx, kind: str, total: int, *, doc: str, on: dt.date | None = None) -> Change:
    """Set the region pool of a kind. Refuses no document (rule 8) or a total below what is allocated (rule 2)."""
    k = tx.catalog.kind(kind)
    total = non_negative(total, "编制总额", maximum=POOL_MAX)
    effective_on = tx.effective(on)
    tx.document(doc)
    old_total, allocated = pool_figures(tx, k.id)
    check_pool_total(k.name, total, allocated)
    tx.conn.execute(update(region_pools).where(region_pools.c.kind_id == k.id).values(total=total))
    seq = tx.head.seq + 1
    tx.conn.execute(insert(pool_history).values(kind_id=k.id, effective_on=effective_on, total=total,
                                                ledger_seq=seq))
    check_pool_every_day_since(tx, k, effective_on)  # a cut dated back must hold what was allocated since
    return tx.record(Op.POOL_SET, unit_id=None, unit_name=None, effective_on=effective_on, document_number=doc,
                     before={k.code: {"total": old_total, "allocated": allocated}},
                     after={k.code: {"total": total, "allocated": allocated}})
