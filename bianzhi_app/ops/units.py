"""Units (机构): add, rename, set functions (主要职责), abolish, merge. Quotas, staff and posts move with them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select, update

from bianzhi_app.catalog import CATEGORIES, FUNDINGS, RANKS, check_choice
from bianzhi_app.db.models import (
    appointments,
    approvals,
    post_limit_history,
    post_limits,
    quota_history,
    quotas,
    staffing,
    units,
)
from bianzhi_app.db.sql import rows as sql_rows
from bianzhi_app.errors import BianzhiError, InvalidInput, StateRefused
from bianzhi_app.idcodes import normalize_code, uscc_problem
from bianzhi_app.kernel import Change, Op, Tx, new_id, require_document
from bianzhi_app.ops.backdating import check_pool_every_day_since
from bianzhi_app.ops.common import (
    UnitRef,
    check_not_before,
    clean_text,
    count_open_children,
    find_unit,
    non_negative,
    pool_figures,
    post_figures,
    quota_figures,
    unit_post_snapshot,
    unit_quota_snapshot,
    write_post_limit,
    write_quota,
)
from bianzhi_app.ops.staff import Incumbent, IncumbentLoader, Roll
from bianzhi_app.rules import QuotaFigures, check_abolish, check_pool
from bianzhi_app.texts import UNIT_NAME_MAX, functions_problem, is_unit_id_text, line_problem, normalize_text

CHUNK = 500


def _clean_name(name: str) -> str:
    """A unit's name as kept; refuses an empty, over-long or all-digit one (a number is read as a unit's id),
    or one holding an invisible character."""
    text = clean_text(name, "单位名称", UNIT_NAME_MAX, "name")
    if text.isnumeric():
        raise InvalidInput(f"单位名称不能全是数字(「{text}」会被当作单位编号)", field="name")
    return text


def _prefetch_keys(requests: Sequence[UnitRequest]) -> tuple[list[str], list[str]]:
    """The names and codes worth looking up before a batch: only what can be one (each request is refused on
    its own later, a lone surrogate never reaches SQLite)."""
    names = [name for name in ("".join(str(r.name).split()) for r in requests)
             if line_problem(name, "", UNIT_NAME_MAX) is None]
    return names, [code for code in (normalize_code(r.uscc) for r in requests if r.uscc) if code.isascii()]


def _check_name_free(tx: Tx, name: str) -> None:
    if tx.conn.execute(select(units.c.id).where(units.c.name == name, units.c.status == "active")).first():
        raise StateRefused(_name_taken(name), field="name")


def _name_taken(name: str) -> str:
    return f"已有名为「{name}」的单位"


@dataclass
class UnitRequest:
    """One unit to add, with its initial figures: ``quotas`` kind → approved, ``post_limits`` post kind →
    limit (code or name as the catalog resolves them; checked in the order given, zeros ignored).

    A new unit has no persons, reservations or post holders, so its allowances (只出不进) are always 0
    (rule 6): they are not part of the request.

    ``incumbents`` (建账, import --initial): the persons already on establishment in the unit, with their
    posts, entered with it (``IncumbentLoader``); persons and posts beyond ``quotas`` / ``post_limits`` are
    the unit's overage, kept as its allowance (只出不进). Such a unit is recorded by one 建账 entry
    (unit.establish) that holds its fields, figures and a digest of its persons, instead of 设立机构 and an
    entry per person. None: an ordinary 设立机构.
    """

    name: str
    category: str
    rank: str
    doc: str
    funding: str | None = None
    parent: str | int | None = None
    uscc: str | None = None
    requires_approval: bool = True
    functions: str | None = None
    on: dt.date | None = None
    quotas: dict[str, int] = field(default_factory=dict)
    post_limits: dict[str, int] = field(default_factory=dict)
    incumbents: Sequence[Incumbent] | None = None


@dataclass(frozen=True)
class UnitRefusal:
    """A refused request of ``add_units``: its index, the error, and which figure it concerns
    (``quota:<kind>`` / ``limit:<post>`` with the key as given in the request; None: the unit itself).
    ``person:<i>`` / ``post:<i>`` (建账): only the request's incumbent ``i`` (or only their post) is refused;
    the unit is added."""

    index: int
    error: BianzhiError
    part: str | None = None


class _PartRefused(Exception):
    def __init__(self, error: BianzhiError, part: str):
        super().__init__(error.message)
        self.error, self.part = error, part


def add_unit(tx: Tx, name: str, *, category: str, rank: str, doc: str, funding: str | None = None,
             parent: str | int | None = None, uscc: str | None = None, requires_approval: bool = True,
             functions: str | None = None, on: dt.date | None = None, quotas: dict[str, int] | None = None,
             post_limits: dict[str, int] | None = None) -> Change:
    """Create one unit (with zero quotas and post limits unless given); see ``add_units`` for what it refuses."""
    return add_units(tx, [UnitRequest(name, category, rank, doc, funding, parent, uscc, requires_approval,
                                      functions, on, dict(quotas or {}), dict(post_limits or {}))])[0]


def add_units(tx: Tx, requests: Sequence[UnitRequest], *, errors: list[UnitRefusal] | None = None,
              progress: Callable[[int, int], None] | None = None) -> list[Change]:
    """Create units (设立机构) with their initial quotas and post limits, one ledger entry each
    (unit.add, whose ``after`` holds the figures set), in the open transaction.

    Refuses (per unit): no document (rule 8); a duplicate name (in the book or earlier in the batch) or
    USCC; an unknown category/rank/funding; an invalid USCC; 主要职责 with a control character or too
    long (``clean_functions``; kept in the entry's ``after``); an unknown or abolished parent (a parent
    may be a unit added earlier in the same batch); a quota beyond the region pool (rule 2, the pools
    counted in memory across the batch; dated back, on every day since: a later day over its pool refuses
    the batch, PoolExceeded). With ``errors`` given, refused units are listed there and
    skipped (nothing of them is written); otherwise the first refusal raises. The history read by
    ``--as-of`` is the same as ``add_unit`` followed by ``set_quota`` / ``set_post_limit`` writes.
    ``progress(done, total)`` is called before every 100th request.

    Requests with ``incumbents`` (建账) add their units first, then enter their persons unit by unit and
    write one 建账 entry per unit (see ``UnitRequest``); the history read by ``--as-of`` is the same. A batch
    with any such request is a 建账 batch (a unit without ``incumbents`` is established with no persons);
    its changes carry no person ids (after an import the window refreshes from the book, not from them).
    """
    establishing = any(r.incumbents is not None for r in requests)
    established: list[_Established] = []
    cleaned, codes = _prefetch_keys(requests)
    taken_names = _existing(tx, units.c.name, cleaned, units.c.status == "active")
    taken_codes = _existing(tx, units.c.uscc, codes, None)
    next_id = (tx.conn.execute(select(func.max(units.c.id))).scalar() or 0) + 1
    added: dict[str, int] = {}
    added_ids: set[int] = set()
    parents: dict[str, int] = {}
    pools: dict[int, list[int]] = {}
    rows = _UnitRows()
    changes: list[Change] = []
    total = len(requests)
    for index, r in enumerate(requests):
        if progress is not None and index % 100 == 0 and not establishing:
            progress(index, total)
        try:
            name = _clean_name(r.name)
            category = check_choice(r.category, CATEGORIES, "机构类别", "category")
            rank = check_choice(r.rank, RANKS, "机构规格", "rank")
            funding = check_choice(r.funding, FUNDINGS, "经费形式", "funding") if r.funding else None
            functions = clean_functions(r.functions)
            effective_on = tx.effective(r.on)
            require_document(r.doc)
            if name in taken_names:
                raise StateRefused(_name_taken(name), field="name")
            parent_id = _parent_id(tx, r.parent, added, added_ids, parents) if r.parent not in (None, "") else None
            code = None
            if r.uscc:
                code = normalize_code(r.uscc)
                problem = uscc_problem(code)
                if problem:
                    raise InvalidInput(f"统一社会信用代码「{r.uscc}」无效:{problem}", field="uscc")
                if code in taken_codes:
                    raise StateRefused(f"统一社会信用代码{code}已被其他单位使用", field="uscc")
            approved, pending = _initial_quotas(tx, r, name, pools)
            limits = _initial_limits(tx, r)
        except _PartRefused as refused:
            if errors is None:
                raise refused.error from None
            errors.append(UnitRefusal(index, refused.error, refused.part))
            continue
        except BianzhiError as error:
            if errors is None:
                raise
            errors.append(UnitRefusal(index, error))
            continue
        unit_id = next_id
        next_id += 1
        taken_names.add(name)
        added[name] = unit_id
        added_ids.add(unit_id)
        if code:
            taken_codes.add(code)
        for kind_id, delta in pending.items():
            pools[kind_id][1] += delta
        rows.units.append({"id": unit_id, "name": name, "category": category, "rank": rank, "funding": funding,
                           "parent_id": parent_id, "uscc": code, "status": "active",
                           "requires_approval": r.requires_approval, "functions": functions,
                           "created_on": effective_on, "abolished_on": None, "merged_into_id": None,
                           "document_id": tx.document(r.doc)})
        after: dict[str, Any] = {"name": name, "category": category, "rank": rank, "funding": funding,
                                 "parent_id": parent_id, "uscc": code}
        if functions:
            after["functions"] = functions
        if establishing:
            bounds = rows.add_bounded(tx, unit_id, approved, limits, r.incumbents or ())
            established.append(_Established(index, UnitRef(unit_id, name, category, "active", r.requires_approval,
                                                           effective_on), r, after, approved, limits, bounds))
            continue
        after.update(rows.add_figures(tx, unit_id, approved, limits, effective_on))
        changes.append(tx.record(Op.UNIT_ADD, unit_id=unit_id, unit_name=name, effective_on=effective_on,
                                 document_number=r.doc, result=unit_id, after=after))
    rows.write(tx)
    if establishing:
        changes = _establish(tx, established, errors, progress, total)
    _pools_hold_since(tx, added_ids)
    if progress is not None:
        progress(total, total)
    return changes


def _pools_hold_since(tx: Tx, added: set[int]) -> None:
    """补登: new units dated back take their quotas from the pool of every day since; each must hold them."""
    if added:
        for kind_id, since in sql_rows(tx.conn, "SELECT kind_id, min(effective_on) FROM quota_history WHERE"
                                                " unit_id >= :first AND approved > 0 GROUP BY kind_id",
                                       {"first": min(added)}):
            day = since if isinstance(since, dt.date) else dt.date.fromisoformat(str(since)[:10])
            check_pool_every_day_since(tx, tx.catalog.kind_by_id(kind_id), day)


@dataclass
class _UnitRows:
    """The rows a batch of new units writes, inserted together at the end (one INSERT per table)."""

    units: list[dict[str, Any]] = field(default_factory=list)
    quotas: list[dict[str, Any]] = field(default_factory=list)
    limits: list[dict[str, Any]] = field(default_factory=list)
    quota_history: list[dict[str, Any]] = field(default_factory=list)
    limit_history: list[dict[str, Any]] = field(default_factory=list)

    def add_figures(self, tx: Tx, unit_id: int, approved: dict[int, int], limits: dict[int, int],
                    effective_on: dt.date) -> dict[str, Any]:
        """A new unit's quota and post-limit rows (every kind, zero where not given) and their history;
        returns the ledger's ``after`` figures of those set."""
        seq = tx.head.seq + 1
        after: dict[str, Any] = {}
        for k in tx.catalog.kinds:
            n = approved.get(k.id, 0)
            self.quotas.append({"unit_id": unit_id, "kind_id": k.id, "approved": n, "used": 0, "reserved": 0,
                                "allowance": 0})
            if n:
                self.quota_history.append({"unit_id": unit_id, "kind_id": k.id, "effective_on": effective_on,
                                           "approved": n, "allowance": 0, "ledger_seq": seq})
                after.setdefault("quota", {})[k.code] = QuotaFigures(n, 0, 0, 0).as_dict()
        for p in tx.catalog.post_kinds:
            n = limits.get(p.id, 0)
            self.limits.append({"unit_id": unit_id, "post_kind_id": p.id, "post_limit": n, "used": 0,
                                "allowance": 0})
            if n:
                self.limit_history.append({"unit_id": unit_id, "post_kind_id": p.id, "effective_on": effective_on,
                                           "post_limit": n, "allowance": 0, "ledger_seq": seq})
                after.setdefault("posts", {})[p.code] = {"limit": n, "used": 0, "allowance": 0}
        return after

    def add_bounded(self, tx: Tx, unit_id: int, approved: dict[int, int], limits: dict[int, int],
                    incumbents: Sequence[Incumbent]) -> tuple[dict[int, int], dict[int, int]]:
        """建账: a new unit's quota and post-limit rows that allow for every incumbent (the allowance is the
        most the overage can be: kind id → allowance, post kind id → allowance are returned); the history
        waits for the unit's 建账 entry (``_establish``)."""
        heads: dict[str, int] = {}
        holders: dict[str, int] = {}
        for person in incumbents:
            heads[person.kind] = heads.get(person.kind, 0) + 1
            if person.post:
                holders[person.post] = holders.get(person.post, 0) + 1
        kinds = _counted(heads, tx.catalog.kind)
        posts = _counted(holders, tx.catalog.post_kind)
        kind_bounds = {k.id: max(0, kinds.get(k.id, 0) - approved.get(k.id, 0)) for k in tx.catalog.kinds}
        post_bounds = {p.id: max(0, posts.get(p.id, 0) - limits.get(p.id, 0)) for p in tx.catalog.post_kinds}
        for k in tx.catalog.kinds:
            self.quotas.append({"unit_id": unit_id, "kind_id": k.id, "approved": approved.get(k.id, 0), "used": 0,
                                "reserved": 0, "allowance": kind_bounds[k.id]})
        for p in tx.catalog.post_kinds:
            self.limits.append({"unit_id": unit_id, "post_kind_id": p.id, "post_limit": limits.get(p.id, 0),
                                "used": 0, "allowance": post_bounds[p.id]})
        return kind_bounds, post_bounds

    def write(self, tx: Tx) -> None:
        for table, rows in ((units, self.units), (quotas, self.quotas), (post_limits, self.limits),
                            (quota_history, self.quota_history), (post_limit_history, self.limit_history)):
            if rows:
                tx.conn.execute(insert(table), rows)


def _counted(counts: dict[str, int], resolve: Callable[[str], Any]) -> dict[int, int]:
    """Counts by code or name → counts by catalog id; what the catalog does not know is left out (the
    loader refuses it)."""
    by_id: dict[int, int] = {}
    for text, n in counts.items():
        try:
            item_id = resolve(text).id
        except BianzhiError:
            continue
        by_id[item_id] = by_id.get(item_id, 0) + n
    return by_id


@dataclass(frozen=True)
class _Established:
    """A unit of a 建账 batch that passed its checks and was written, waiting for its persons and entry."""

    index: int
    unit: UnitRef
    request: UnitRequest
    fields: dict[str, Any]
    approved: dict[int, int]
    limits: dict[int, int]
    bounds: tuple[dict[int, int], dict[int, int]]  # the allowances the rows were written with


def _establish(tx: Tx, established: list[_Established], errors: list[UnitRefusal] | None,
               progress: Callable[[int, int], None] | None, total: int) -> list[Change]:
    """建账: enter each unit's incumbents, settle its allowances to the overage that is there, and write its
    history and its one 建账 entry (the history rows carry that entry's seq)."""
    loader = IncumbentLoader(tx, (p.id_number for e in established for p in e.request.incumbents or ()))
    rolls: list[Roll] = []
    for n, e in enumerate(established):
        if progress is not None and n % 100 == 0:
            progress(e.index, total)

        def refused(i: int, part: str, error: BianzhiError, index: int = e.index) -> None:
            if errors is None:
                raise error
            errors.append(UnitRefusal(index, error, f"{part}:{i}"))

        rolls.append(loader.load(e.unit, e.request.incumbents or (), refused))
    loader.flush()
    history: _UnitRows = _UnitRows()
    changes = [_establish_entry(tx, e, roll, history) for e, roll in zip(established, rolls, strict=True)]
    history.write(tx)
    return changes


def _establish_entry(tx: Tx, e: _Established, roll: Roll, history: _UnitRows) -> Change:
    """One unit's figures after its load (allowance = overage), their history, and its 建账 entry."""
    seq, on, unit_id = tx.head.seq + 1, e.unit.created_on, e.unit.id
    quota_after: dict[str, Any] = {}
    post_after: dict[str, Any] = {}
    for k in tx.catalog.kinds:
        approved, used = e.approved.get(k.id, 0), roll.counts.get(k.id, 0)
        allowance = max(0, used - approved)
        if allowance != e.bounds[0][k.id]:  # some incumbents were refused
            tx.conn.execute(update(quotas).where(quotas.c.unit_id == unit_id, quotas.c.kind_id == k.id)
                            .values(allowance=allowance))
        if approved or allowance:
            history.quota_history.append({"unit_id": unit_id, "kind_id": k.id, "effective_on": on,
                                          "approved": approved, "allowance": allowance, "ledger_seq": seq})
        if approved or used:
            quota_after[k.code] = QuotaFigures(approved, used, 0, allowance).as_dict()
    for p in tx.catalog.post_kinds:
        limit, held = e.limits.get(p.id, 0), roll.held.get(p.id, 0)
        allowance = max(0, held - limit)
        if allowance != e.bounds[1][p.id]:
            tx.conn.execute(update(post_limits).where(post_limits.c.unit_id == unit_id,
                                                      post_limits.c.post_kind_id == p.id).values(allowance=allowance))
        if limit or allowance:
            history.limit_history.append({"unit_id": unit_id, "post_kind_id": p.id, "effective_on": on,
                                          "post_limit": limit, "allowance": allowance, "ledger_seq": seq})
        if limit or held:
            post_after[p.code] = {"limit": limit, "used": held, "allowance": allowance}
    persons = {"count": {tx.catalog.kind_by_id(k).code: n for k, n in sorted(roll.counts.items())},
               "held": sum(roll.held.values()), "sha256": roll.digest.hexdigest()}
    after = {**e.fields, "quota": quota_after, "posts": post_after, "persons": persons}
    return tx.record(Op.UNIT_ESTABLISH, unit_id=unit_id, unit_name=e.unit.name, effective_on=on,
                     document_number=e.request.doc, result=unit_id, after=after,
                     detail={"person_ids": roll.person_ids, "appointment_ids": roll.appointment_ids})


def _existing(tx: Tx, column: Any, values: list[str], condition: Any) -> set[str]:
    """The values among ``values`` that ``column`` of units already holds (with ``condition``)."""
    wanted = sorted(set(values))
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        query = select(column).where(column.in_(wanted[start:start + CHUNK]))
        if condition is not None:
            query = query.where(condition)
        found.update(tx.conn.execute(query).scalars())
    return found


def _parent_id(tx: Tx, ref: str | int | None, added: dict[str, int], added_ids: set[int],
               cache: dict[str, int]) -> int:
    """The parent's id: a unit added earlier in the batch, else as ``find_unit`` resolves it."""
    text = str(ref).strip()
    if is_unit_id_text(text):
        if int(text) in added_ids:
            return int(text)
    elif text in added:
        return added[text]
    if text not in cache:
        cache[text] = find_unit(tx, text, field="parent").id
    return cache[text]


def _initial_quotas(tx: Tx, r: UnitRequest, name: str,
                    pools: dict[int, list[int]]) -> tuple[dict[int, int], dict[int, int]]:
    """Kind id → approved, and kind id → the pool allocation it takes; refuses beyond the pool (rule 2)."""
    approved: dict[int, int] = {}
    pending: dict[int, int] = {}
    for key, value in r.quotas.items():
        try:
            k = tx.catalog.kind(key)
            n = non_negative(value, "核定编制数")
            if k.id not in pools:
                pools[k.id] = list(pool_figures(tx, k.id))
            total, allocated = pools[k.id]
            delta = n - approved.get(k.id, 0)
            check_pool(k.name, total, allocated + pending.get(k.id, 0), delta, name)
        except BianzhiError as error:
            raise _PartRefused(error, f"quota:{key}") from None
        approved[k.id] = n
        pending[k.id] = pending.get(k.id, 0) + delta
    return approved, pending


def _initial_limits(tx: Tx, r: UnitRequest) -> dict[int, int]:
    limits: dict[int, int] = {}
    for key, value in r.post_limits.items():
        try:
            p = tx.catalog.post_kind(key)
            limits[p.id] = non_negative(value, "领导职数")
        except BianzhiError as error:
            raise _PartRefused(error, f"limit:{key}") from None
    return limits


def rename_unit(tx: Tx, unit: str | int, new_name: str, *, doc: str, on: dt.date | None = None) -> Change:
    """Rename a unit (更名). Refuses no document or a name already taken."""
    u = find_unit(tx, unit)
    new_name = _clean_name(new_name)
    effective_on = tx.effective(on)
    tx.document(doc)
    if new_name == u.name:
        raise InvalidInput(f"新名称与原名称相同:「{new_name}」", field="name")
    _check_name_free(tx, new_name)
    tx.conn.execute(update(units).where(units.c.id == u.id).values(name=new_name))
    return tx.record(Op.UNIT_RENAME, unit_id=u.id, unit_name=new_name, effective_on=effective_on,
                     document_number=doc, before={"name": u.name}, after={"name": new_name})


def clean_functions(text: str | None) -> str | None:
    """A 主要职责 in its normal form (``texts.normalize_text``; None when empty); refuses a control or bidi
    character and an over-long text."""
    if text is None:
        return None
    problem = functions_problem(text)
    if problem:
        raise InvalidInput(problem, field="functions")
    return normalize_text(text) or None


def set_unit_functions(tx: Tx, unit: str | int, functions: str | None, *, doc: str,
                       on: dt.date | None = None) -> Change:
    """Set a unit's 主要职责 (核定主要职责, from its 三定 provisions); the entry's before/after hold the old and
    new text. An empty text clears it. Refuses an unknown or abolished unit, no document, a control or
    bidi character, an over-long text, or a text the same as the unit's."""
    u = find_unit(tx, unit)
    text = clean_functions(functions)
    effective_on = tx.effective(on)
    tx.document(doc)
    old = tx.conn.execute(select(units.c.functions).where(units.c.id == u.id)).scalar()
    if (text or None) == (old or None):
        raise InvalidInput(f"「{u.name}」的主要职责与现有内容相同,无须变更", field="functions")
    tx.conn.execute(update(units).where(units.c.id == u.id).values(functions=text))
    return tx.record(Op.UNIT_FUNCTIONS, unit_id=u.id, unit_name=u.name, effective_on=effective_on,
                     document_number=doc, before={"functions": old or ""}, after={"functions": text or ""})


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


def _merge_not_before(tx: Tx, srcs: list[UnitRef], on: dt.date) -> None:
    """A merge dated D moves everything as of D: refuse (InvalidInput, field date) a D before a merged unit existed or
    before the latest start of a person, post or figure it moves (the staffing rows' own CHECK would fail)."""
    for src in srcs:
        check_not_before(on, src.created_on, f"{src.name}设立日期")
    ids = ", ".join(str(int(s.id)) for s in srcs)
    latest = sql_rows(tx.conn, f"SELECT max(d) FROM (SELECT max(start_date) AS d FROM staffing_periods WHERE unit_id IN"
                           f" ({ids}) AND end_date IS NULL UNION ALL SELECT max(start_date) FROM appointments WHERE"
                           f" unit_id IN ({ids}) AND end_date IS NULL UNION ALL SELECT max(effective_on) FROM"
                           f" quota_history WHERE unit_id IN ({ids})) AS x")[0][0]
    if latest is not None:
        latest_day = latest if isinstance(latest, dt.date) else dt.date.fromisoformat(str(latest)[:10])
        check_not_before(on, latest_day, "被合并单位最近一次人员、职务或编制变动的日期")


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
        raise InvalidInput("至少指定一个被合并的单位", field="unit")
    if len({s.id for s in srcs}) != len(srcs):
        raise InvalidInput("被合并的单位有重复", field="unit")
    _merge_not_before(tx, srcs, effective_on)
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
        raise InvalidInput(f"「{into_name}」既是被合并单位又是合并后的单位", field="target")
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
        t_limit, t_used, t_allowance = post_figures(tx, target.id, p.id)
        if t_allowance > max(0, t_used - t_limit):  # rule 6 for posts: the allowance covers only what is left over
            write_post_limit(tx, target.id, p.id, limit=t_limit, allowance=max(0, t_used - t_limit),
                             effective_on=effective_on, seq=seq)
    return {s.person_id for s in open_slots}


