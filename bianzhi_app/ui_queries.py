"""Read-only queries the desktop window needs: keyset-paged roster and ledger, unit tree rows,
dashboard figures and the live figures a dialog shows before the user confirms.

No Qt here, and nothing here writes: every change still goes through `bianzhi_app.ops`.
Long lists are paged by key (never OFFSET), so a page costs the same on the 50th screen of
a 1,500,000-person province as on the first.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, case, func, literal, or_, select, tuple_

from bianzhi_app.catalog import Catalog
from bianzhi_app.db.models import (
    appointments,
    approvals,
    documents,
    ledger,
    persons,
    post_limits,
    quotas,
    region_pools,
    staffing,
    units,
)
from bianzhi_app.idcodes import normalize_code
from bianzhi_app.rules import QuotaFigures

PAGE = 200
_TOP = "\U0010ffff"  # sorts after every character: `name >= t AND name < t + _TOP` is a prefix match on an index


# --- roster ---------------------------------------------------------------------------------

ROSTER_SORTS = ("person", "name", "id_number", "entered")
INDEXED_SORTS = ("person", "name", "id_number")  # cheap without a unit filter on a province


@dataclass(frozen=True)
class RosterFilter:
    search: str = ""
    unit_id: int | None = None
    kind_id: int | None = None
    post_kind_id: int | None = None
    sort: str = "person"
    descending: bool = False


@dataclass(frozen=True)
class RosterRow:
    person_id: int
    name: str
    id_number: str
    gender: str
    birth_date: dt.date
    unit_id: int
    unit: str
    kind_id: int
    post_kind_id: int | None
    entered_on: dt.date

    def key(self, sort: str) -> tuple[Any, int]:
        value = {"person": self.person_id, "name": self.name, "id_number": self.id_number,
                 "entered": self.entered_on}[sort]
        return value, self.person_id


def looks_like_id(term: str) -> bool:
    code = normalize_code(term)
    return len(code) >= 4 and code[:-1].isdigit() and (code[-1].isdigit() or code[-1] == "X")


def roster_page(conn: Connection, flt: RosterFilter, after: tuple[Any, int] | None = None,
                limit: int = PAGE) -> list[RosterRow]:
    """Persons on establishment now, `limit` rows after the key `after` in the filter's order.

    Search is a prefix match on name, or on ID number when the text looks like one (indexed).
    """
    if flt.sort not in ROSTER_SORTS:
        raise ValueError(flt.sort)
    post_join = and_(appointments.c.person_id == staffing.c.person_id, appointments.c.end_date.is_(None))
    sort_column = {"person": staffing.c.person_id, "name": persons.c.name, "id_number": persons.c.id_number,
                   "entered": staffing.c.start_date}[flt.sort]
    id_column = persons.c.id if flt.sort in ("name", "id_number") else staffing.c.person_id
    query = (select(persons.c.id, persons.c.name, persons.c.id_number, persons.c.gender, persons.c.birth_date,
                    staffing.c.unit_id, units.c.name.label("unit"), staffing.c.kind_id,
                    appointments.c.post_kind_id, staffing.c.start_date)
             .select_from(staffing.join(persons, persons.c.id == staffing.c.person_id)
                          .join(units, units.c.id == staffing.c.unit_id).outerjoin(appointments, post_join))
             .where(staffing.c.end_date.is_(None)))
    term = flt.search.strip()
    if term:
        if looks_like_id(term):
            code = normalize_code(term)
            query = query.where(persons.c.id_number >= code, persons.c.id_number < code + _TOP)
        else:
            query = query.where(persons.c.name >= term, persons.c.name < term + _TOP)
    if flt.unit_id is not None:
        query = query.where(staffing.c.unit_id == flt.unit_id)
    if flt.kind_id is not None:
        query = query.where(staffing.c.kind_id == flt.kind_id)
    if flt.post_kind_id is not None:
        query = query.where(appointments.c.post_kind_id == flt.post_kind_id)
    if after is not None:
        key, bound = tuple_(sort_column, id_column), tuple_(literal(after[0]), literal(after[1]))
        query = query.where(key < bound if flt.descending else key > bound)
    if flt.descending:
        query = query.order_by(sort_column.desc(), id_column.desc())
    else:
        query = query.order_by(sort_column, id_column)
    return [RosterRow(r.id, r.name, r.id_number, r.gender, r.birth_date, r.unit_id, r.unit, r.kind_id,
                      r.post_kind_id, r.start_date) for r in conn.execute(query.limit(limit))]


def person_slot(conn: Connection, id_number: str) -> dict[str, Any] | None:
    """A person by ID number with their open slot and post (None when unknown)."""
    code = normalize_code(id_number)
    row = conn.execute(
        select(persons.c.id, persons.c.name, staffing.c.unit_id, units.c.name.label("unit"), staffing.c.kind_id,
               appointments.c.post_kind_id)
        .select_from(persons.outerjoin(staffing, and_(staffing.c.person_id == persons.c.id,
                                                      staffing.c.end_date.is_(None)))
                     .outerjoin(units, units.c.id == staffing.c.unit_id)
                     .outerjoin(appointments, and_(appointments.c.person_id == persons.c.id,
                                                   appointments.c.end_date.is_(None))))
        .where(persons.c.id_number == code)).first()
    if row is None:
        return None
    return {"person_id": row.id, "name": row.name, "unit_id": row.unit_id, "unit": row.unit,
            "kind_id": row.kind_id, "post_kind_id": row.post_kind_id, "on_establishment": row.unit_id is not None}


# --- units ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitNode:
    id: int
    name: str
    category: str
    parent_id: int | None
    state: str  # "over" | "at" | ""
    has_children: bool = False  # active units under it (filled by the lazy tree's queries)


def unit_tree_rows(conn: Connection) -> list[UnitNode]:
    """Active units with their quota state: over (any kind over quota) or at (no vacancy left)."""
    taken = quotas.c.used + quotas.c.reserved
    agg = (select(quotas.c.unit_id,
                  func.max(case((taken > quotas.c.approved, 1), else_=0)).label("over"),
                  func.max(case((taken < quotas.c.approved, 1), else_=0)).label("room"),
                  func.sum(quotas.c.approved).label("approved"))
           .group_by(quotas.c.unit_id).subquery())
    rows = conn.execute(select(units.c.id, units.c.name, units.c.category, units.c.parent_id, agg.c.over,
                               agg.c.room, agg.c.approved)
                        .outerjoin(agg, agg.c.unit_id == units.c.id)
                        .where(units.c.status == "active").order_by(units.c.id))
    nodes = []
    for r in rows:
        state = "over" if r.over else ("at" if (r.approved or 0) > 0 and not r.room else "")
        nodes.append(UnitNode(r.id, r.name, r.category, r.parent_id, state))
    return nodes


# The lazy unit tree: categories first, then one page of a category's top units or a unit's
# children when the user expands it. Quota marks come from correlated look-ups on the quotas
# primary key for the rows of the page only, so a page costs the same on a province.

def _node_columns() -> list[Any]:
    taken = quotas.c.used + quotas.c.reserved
    mine = quotas.c.unit_id == units.c.id
    child = units.alias("child")
    return [units.c.id, units.c.name, units.c.category, units.c.parent_id,
            select(literal(1)).where(mine, taken > quotas.c.approved).exists().label("over"),
            select(literal(1)).where(mine, taken < quotas.c.approved).exists().label("room"),
            select(func.sum(quotas.c.approved)).where(mine).scalar_subquery().label("approved"),
            select(literal(1)).where(child.c.parent_id == units.c.id, child.c.status == "active")
            .exists().label("has_children")]


def _node(r: Any) -> UnitNode:
    state = "over" if r.over else ("at" if (r.approved or 0) > 0 and not r.room else "")
    return UnitNode(r.id, r.name, r.category, r.parent_id, state, bool(r.has_children))


def unit_categories(conn: Connection) -> list[tuple[str, int]]:
    """Categories that have active units, with how many (in the catalog's order of categories)."""
    from bianzhi_app.catalog import CATEGORIES

    order = {c: i for i, c in enumerate(CATEGORIES)}
    rows = conn.execute(select(units.c.category, func.count()).where(units.c.status == "active")
                        .group_by(units.c.category)).all()
    return sorted(((r[0], int(r[1])) for r in rows), key=lambda cr: (order.get(cr[0], 99), cr[0]))


def unit_children(conn: Connection, *, category: str | None = None, parent_id: int | None = None,
                  after_id: int | None = None, limit: int = PAGE) -> list[UnitNode]:
    """One page (by id) of the active units under `parent_id`, or, with `category`, of that category's
    top units (no active parent); each with its quota mark and whether it has children."""
    query = select(*_node_columns()).where(units.c.status == "active")
    if parent_id is not None:
        query = query.where(units.c.parent_id == parent_id)
    else:
        parent = units.alias("parent")
        active_parent = select(literal(1)).where(parent.c.id == units.c.parent_id, parent.c.status == "active")
        query = query.where(units.c.category == category, ~active_parent.exists())
    if after_id is not None:
        query = query.where(units.c.id > after_id)
    return [_node(r) for r in conn.execute(query.order_by(units.c.id).limit(limit))]


def _contains(term: str) -> Any:
    return func.instr(units.c.name, term) > 0


def unit_search(conn: Connection, term: str, after: tuple[str, int] | None = None,
                limit: int = PAGE) -> list[UnitNode]:
    """Active units whose name contains `term`, by name, `limit` after the key (name, id)."""
    query = select(*_node_columns()).where(units.c.status == "active", _contains(term.strip()))
    if after is not None:
        query = query.where(tuple_(units.c.name, units.c.id) > tuple_(literal(after[0]), literal(after[1])))
    return [_node(r) for r in conn.execute(query.order_by(units.c.name, units.c.id).limit(limit))]


def unit_nodes(conn: Connection, unit_ids: set[int] | list[int]) -> dict[int, UnitNode]:
    """The tree nodes (with marks) of the given units that are still active."""
    ids = list(unit_ids)
    found: dict[int, UnitNode] = {}
    for start in range(0, len(ids), 500):
        query = select(*_node_columns()).where(units.c.id.in_(ids[start:start + 500]), units.c.status == "active")
        found.update((n.id, n) for n in map(_node, conn.execute(query)))
    return found


def unit_path(conn: Connection, unit_id: int) -> list[UnitNode]:
    """The chain of active units from the top (no active parent) down to `unit_id`; [] when not active."""
    chain: list[UnitNode] = []
    current: int | None = unit_id
    while current is not None and len(chain) < 64:  # a parent cycle cannot hang the window
        node = unit_nodes(conn, [current]).get(current)
        if node is None:
            break
        chain.append(node)
        current = node.parent_id
    return list(reversed(chain))


def unit_completions(conn: Connection, text: str, limit: int = 50) -> list[tuple[int, str]]:
    """Active units (id, name) whose name contains `text`: names starting with it first, then by name."""
    term = text.strip()
    if not term:
        return []
    starts = case((units.c.name.like(term.replace("%", "").replace("_", "") + "%"), 0), else_=1)
    query = (select(units.c.id, units.c.name).where(units.c.status == "active", _contains(term))
             .order_by(starts, func.length(units.c.name), units.c.name).limit(limit))
    return [(r.id, r.name) for r in conn.execute(query)]


def active_unit_id(conn: Connection, name: str) -> int | None:
    """The active unit named exactly `name` (names of active units are unique)."""
    name = name.strip()
    if not name:
        return None
    return conn.execute(select(units.c.id).where(units.c.status == "active", units.c.name == name)).scalar()


def unit_name(conn: Connection, unit_id: int) -> str | None:
    return conn.execute(select(units.c.name).where(units.c.id == unit_id)).scalar()


def unit_detail(conn: Connection, catalog: Catalog, unit_id: int) -> dict[str, Any] | None:
    """Everything the unit page shows except its staff list and ledger (paged separately)."""
    parent = units.alias("parent")
    row = conn.execute(select(units, parent.c.name.label("parent_name"), documents.c.number.label("doc"))
                       .outerjoin(parent, parent.c.id == units.c.parent_id)
                       .outerjoin(documents, documents.c.id == units.c.document_id)
                       .where(units.c.id == unit_id)).first()
    if row is None:
        return None
    quota_rows = {r.kind_id: r for r in conn.execute(select(quotas).where(quotas.c.unit_id == unit_id))}
    kinds = []
    for k in catalog.kinds:
        q = quota_rows.get(k.id)
        figures = QuotaFigures(q.approved, q.used, q.reserved, q.allowance) if q else QuotaFigures(0, 0, 0, 0)
        kinds.append((k, figures))
    holders: dict[int, list[str]] = {}
    for r in conn.execute(select(appointments.c.post_kind_id, persons.c.name)
                          .join(persons, persons.c.id == appointments.c.person_id)
                          .where(appointments.c.unit_id == unit_id, appointments.c.end_date.is_(None))
                          .order_by(appointments.c.start_date)):
        holders.setdefault(r.post_kind_id, []).append(r.name)
    post_rows = {r.post_kind_id: r for r in conn.execute(select(post_limits).where(post_limits.c.unit_id == unit_id))}
    posts = []
    for p in catalog.post_kinds:
        limit_row = post_rows.get(p.id)
        posts.append({"kind": p, "limit": limit_row.post_limit if limit_row else 0,
                      "used": limit_row.used if limit_row else 0, "allowance": limit_row.allowance if limit_row else 0,
                      "holders": holders.get(p.id, [])})
    return {"id": row.id, "name": row.name, "category": row.category, "rank": row.rank, "funding": row.funding,
            "uscc": row.uscc, "status": row.status, "requires_approval": bool(row.requires_approval),
            "created_on": row.created_on, "abolished_on": row.abolished_on, "parent": row.parent_name,
            "functions": row.functions, "document": row.doc, "kinds": kinds, "posts": posts}


def live_quota(conn: Connection, unit_id: int, kind_id: int) -> QuotaFigures:
    r = conn.execute(select(quotas).where(quotas.c.unit_id == unit_id, quotas.c.kind_id == kind_id)).first()
    return QuotaFigures(r.approved, r.used, r.reserved, r.allowance) if r else QuotaFigures(0, 0, 0, 0)


def live_post(conn: Connection, unit_id: int, post_kind_id: int) -> tuple[int, int, int]:
    """(limit, used, allowance) of one unit's post kind."""
    r = conn.execute(select(post_limits).where(post_limits.c.unit_id == unit_id,
                                               post_limits.c.post_kind_id == post_kind_id)).first()
    return (r.post_limit, r.used, r.allowance) if r else (0, 0, 0)


def live_pool(conn: Connection, kind_id: int) -> tuple[int, int]:
    """(total, allocated) of the region pool of a kind."""
    r = conn.execute(select(region_pools).where(region_pools.c.kind_id == kind_id)).first()
    return (r.total, r.allocated) if r else (0, 0)


def unit_requires_approval(conn: Connection, unit_id: int) -> bool:
    return bool(conn.execute(select(units.c.requires_approval).where(units.c.id == unit_id)).scalar())


def usable_approvals(conn: Connection, unit_id: int, kind_id: int, on: dt.date) -> list[dict[str, Any]]:
    """Active approvals of a unit and kind with slots left on day `on` (earliest-expiring first)."""
    rows = conn.execute(select(approvals).where(approvals.c.unit_id == unit_id, approvals.c.kind_id == kind_id,
                                                approvals.c.status == "active", approvals.c.issued_on <= on,
                                                or_(approvals.c.valid_until.is_(None),
                                                    approvals.c.valid_until >= on))
                        .order_by(approvals.c.valid_until, approvals.c.id))
    return [{"number": r.number, "remaining": r.count - r.used_count, "valid_until": r.valid_until}
            for r in rows if r.count > r.used_count]


# --- dashboard ------------------------------------------------------------------------------

def dashboard(conn: Connection, catalog: Catalog, today: dt.date, *, list_limit: int = 200) -> dict[str, Any]:
    """Pool per kind, used vs approved per kind and per category, units over / at quota,
    approvals expiring within 30 days."""
    pool = {r.kind_id: (r.total, r.allocated) for r in conn.execute(select(region_pools))}
    active = units.c.status == "active"
    per_kind = {r.kind_id: (int(r.approved or 0), int(r.used or 0), int(r.reserved or 0)) for r in conn.execute(
        select(quotas.c.kind_id, func.sum(quotas.c.approved).label("approved"), func.sum(quotas.c.used).label("used"),
               func.sum(quotas.c.reserved).label("reserved"))
        .join(units, units.c.id == quotas.c.unit_id).where(active).group_by(quotas.c.kind_id))}
    per_category: dict[str, tuple[int, int]] = {}
    for r in conn.execute(select(units.c.category, func.sum(quotas.c.approved).label("approved"),
                                 func.sum(quotas.c.used).label("used"))
                          .join(units, units.c.id == quotas.c.unit_id).where(active).group_by(units.c.category)):
        per_category[r.category] = (int(r.approved or 0), int(r.used or 0))
    taken = quotas.c.used + quotas.c.reserved
    base = (select(units.c.id, units.c.name, quotas.c.kind_id, quotas.c.approved, quotas.c.used, quotas.c.reserved,
                   quotas.c.allowance)
            .join(units, units.c.id == quotas.c.unit_id).where(active).order_by(units.c.name).limit(list_limit))
    over = [dict(r._mapping) for r in conn.execute(base.where(taken > quotas.c.approved))]
    at = [dict(r._mapping) for r in conn.execute(base.where(quotas.c.approved > 0, taken == quotas.c.approved))]
    soon = today + dt.timedelta(days=30)
    expiring = [{"number": r.number, "unit": r.unit, "unit_id": r.unit_id, "kind_id": r.kind_id,
                 "remaining": r.count - r.used_count, "valid_until": r.valid_until}
                for r in conn.execute(select(approvals, units.c.name.label("unit"))
                                      .join(units, units.c.id == approvals.c.unit_id)
                                      .where(approvals.c.status == "active", approvals.c.valid_until >= today,
                                             approvals.c.valid_until <= soon)
                                      .order_by(approvals.c.valid_until, approvals.c.id).limit(list_limit))]
    return {"pool": {k.id: pool.get(k.id, (0, 0)) for k in catalog.kinds},
            "per_kind": {k.id: per_kind.get(k.id, (0, 0, 0)) for k in catalog.kinds},
            "per_category": per_category, "over": over, "at": at, "expiring": expiring}


# --- ledger and documents -------------------------------------------------------------------

@dataclass(frozen=True)
class LedgerFilter:
    since: dt.date | None = None
    until: dt.date | None = None
    unit_id: int | None = None
    op: str | None = None


def ledger_page(conn: Connection, flt: LedgerFilter, before_seq: int | None = None,
                limit: int = PAGE) -> list[dict[str, Any]]:
    """Ledger entries newest first, `limit` rows with seq below `before_seq`."""
    query = select(ledger.c.seq, ledger.c.at, ledger.c.effective_on, ledger.c.actor, ledger.c.op, ledger.c.unit_id,
                   ledger.c.unit_name, ledger.c.document_number, ledger.c.detail, ledger.c.hash)
    if flt.since is not None:
        query = query.where(ledger.c.effective_on >= flt.since)
    if flt.until is not None:
        query = query.where(ledger.c.effective_on <= flt.until)
    if flt.unit_id is not None:
        query = query.where(ledger.c.unit_id == flt.unit_id)
    if flt.op:
        query = query.where(ledger.c.op == flt.op)
    if before_seq is not None:
        query = query.where(ledger.c.seq < before_seq)
    rows = conn.execute(query.order_by(ledger.c.seq.desc()).limit(limit))
    return [{"seq": r.seq, "at": r.at, "effective_on": r.effective_on, "actor": r.actor, "op": r.op,
             "unit_id": r.unit_id, "unit": r.unit_name, "doc": r.document_number,
             "detail": summarize_detail(json.loads(r.detail)), "hash": r.hash} for r in rows]


def summarize_detail(detail: dict[str, Any]) -> str:
    """A one-line summary of a ledger entry's detail (names are already masked there)."""
    parts = []
    for key in ("name", "from", "to", "kind", "post", "reason", "number", "count", "method", "approval"):
        value = detail.get(key)
        if value not in (None, ""):
            parts.append(str(value))
    if detail.get("sources"):
        parts.append("、".join(detail["sources"]) + " → " + str(detail.get("into", "")))
    return " ".join(parts)


def documents_page(conn: Connection, search: str = "", after_id: int | None = None,
                   limit: int = PAGE) -> list[dict[str, Any]]:
    """Documents (文件依据), newest first, keyset by id; `search` matches part of the number or title."""
    query = select(documents.c.id, documents.c.number, documents.c.title, documents.c.issuer,
                   documents.c.issued_on)
    term = search.strip()
    if term:
        like = "%" + term.replace("%", "").replace("_", "") + "%"
        title = func.coalesce(documents.c.title, literal(""))
        query = query.where(or_(documents.c.number.like(like), title.like(like)))
    if after_id is not None:
        query = query.where(documents.c.id < after_id)
    return [dict(r._mapping) for r in conn.execute(query.order_by(documents.c.id.desc()).limit(limit))]


def approvals_list(conn: Connection, *, status: str | None = "active", unit_id: int | None = None,
                   limit: int = 5000) -> list[dict[str, Any]]:
    """Usage approvals (newest first) with their unit name and document number."""
    query = (select(approvals, units.c.name.label("unit"), documents.c.number.label("doc"))
             .join(units, units.c.id == approvals.c.unit_id)
             .outerjoin(documents, documents.c.id == approvals.c.document_id))
    if status:
        query = query.where(approvals.c.status == status)
    if unit_id is not None:
        query = query.where(approvals.c.unit_id == unit_id)
    return [{"number": r.number, "unit": r.unit, "unit_id": r.unit_id, "kind_id": r.kind_id, "count": r.count,
             "used": r.used_count, "remaining": r.count - r.used_count, "method": r.method, "status": r.status,
             "issued_on": r.issued_on, "valid_until": r.valid_until, "doc": r.doc}
            for r in conn.execute(query.order_by(approvals.c.id.desc()).limit(limit))]
