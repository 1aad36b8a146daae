"""Read-only queries the desktop window needs: keyset-paged roster and ledger, unit tree rows,
dashboard figures and the live figures a dialog shows before the user confirms.

No Qt here, and nothing here writes: every change still goes through `bianzhi_app.ops`.
Long lists are paged by key (never OFFSET), so a page costs the same on the 50th screen of
a 1,500,000-person province as on the first. Plain SQL through `db.sql.rows` (no SQLAlchemy
import): the window reads its first page on a stdlib sqlite3 connection while the Book is still
being opened, and the same functions run on a SQLAlchemy Connection.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any, NamedTuple

from bianzhi_app.catalog import Catalog
from bianzhi_app.db.sql import day, in_list, mappings, rows
from bianzhi_app.idcodes import normalize_code

if TYPE_CHECKING:
    from bianzhi_app.rules import QuotaFigures

PAGE = 200
_TOP = "\U0010ffff"  # sorts after every character: `name >= t AND name < t + _TOP` is a prefix match on an index


def _param(value: Any) -> Any:
    """A key value as stored (dates are ISO text in the book)."""
    return value.isoformat() if isinstance(value, dt.date) else value


# --- roster ---------------------------------------------------------------------------------

ROSTER_SORTS = ("person", "name", "id_number", "entered")
INDEXED_SORTS = ("person", "name", "id_number")  # cheap without a unit filter on a province
_ROSTER_KEYS = {"person": ("s.person_id", "s.person_id"), "name": ("p.name", "p.id"),
                "id_number": ("p.id_number", "p.id"), "entered": ("s.start_date", "s.person_id")}


class RosterFilter(NamedTuple):  # made on the window's start path, where a dataclass costs ~0.4 ms to define
    search: str = ""
    unit_id: int | None = None
    kind_id: int | None = None
    post_kind_id: int | None = None
    sort: str = "person"
    descending: bool = False


class RosterRow(NamedTuple):  # rows of a page: cheaper to make than a dataclass, and to import
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


DENSE_MATCHES = 3000  # a prefix matching more persons is found faster by walking the page's order


def _walk_instead(conn: Any, flt: RosterFilter, column: str, low: str, high: str) -> bool:
    """Whether a prefix search should walk the page's order (or the unit's persons) and filter, rather
    than read the prefix's range from its index and sort it. The range wins for a rare prefix ("欧阳",
    a full ID number); walking wins for a common one: "李" matches ~7 % of a province, 100,000 persons
    whose sort alone took seconds, while walking finds a page of them in ~3,000 rows. Within one unit
    the unit's few persons are always fewer than the range. Counting up to DENSE_MATCHES on the index
    costs about a millisecond."""
    if flt.unit_id is not None:
        return True
    if _ROSTER_KEYS[flt.sort][0] == column:
        return False  # the range is already in the page's order: a page is its first rows
    field = column.removeprefix("p.")
    found = rows(conn, f"SELECT count(*) FROM (SELECT 1 FROM persons WHERE {field} >= :low AND {field} < :high"
                       f" LIMIT {DENSE_MATCHES})", {"low": low, "high": high})
    return bool(found[0][0] >= DENSE_MATCHES)


def roster_page(conn: Any, flt: RosterFilter, after: tuple[Any, int] | None = None,
                limit: int = PAGE) -> list[RosterRow]:
    """Persons on establishment now, `limit` rows after the key `after` in the filter's order.

    Search is a prefix match on name, or on ID number when the text looks like one (indexed).
    """
    if flt.sort not in ROSTER_SORTS:
        raise ValueError(flt.sort)
    sort_column, id_column = _ROSTER_KEYS[flt.sort]
    where = ["s.end_date IS NULL"]
    params: dict[str, Any] = {"limit": limit}
    term = flt.search.strip()
    if term:
        column = "p.id_number" if looks_like_id(term) else "p.name"
        params["low"] = normalize_code(term) if column == "p.id_number" else term
        params["high"] = params["low"] + _TOP
        if _walk_instead(conn, flt, column, params["low"], params["high"]):
            column = "+" + column  # unary plus: SQLite then cannot use the column's index for the range
        where.append(f"{column} >= :low AND {column} < :high")
    for column, name, value in (("s.unit_id", "unit", flt.unit_id), ("s.kind_id", "kind", flt.kind_id),
                                ("a.post_kind_id", "post", flt.post_kind_id)):
        if value is not None:
            where.append(f"{column} = :{name}")
            params[name] = value
    if after is not None:
        where.append(f"({sort_column}, {id_column}) {'<' if flt.descending else '>'} (:after_key, :after_id)")
        params["after_key"], params["after_id"] = _param(after[0]), after[1]
    order = " DESC" if flt.descending else ""
    sql = ("SELECT p.id, p.name, p.id_number, p.gender, p.birth_date, s.unit_id, u.name, s.kind_id,"
           " a.post_kind_id, s.start_date"
           " FROM staffing_periods s JOIN persons p ON p.id = s.person_id JOIN units u ON u.id = s.unit_id"
           " LEFT OUTER JOIN appointments a ON a.person_id = s.person_id AND a.end_date IS NULL"
           f" WHERE {' AND '.join(where)} ORDER BY {sort_column}{order}, {id_column}{order} LIMIT :limit")
    return [RosterRow(r[0], r[1], r[2], r[3], day(r[4]), r[5], r[6], r[7], r[8], day(r[9]))  # type: ignore[arg-type]
            for r in rows(conn, sql, params)]


def person_slot(conn: Any, id_number: str) -> dict[str, Any] | None:
    """A person by ID number with their open slot and post (None when unknown)."""
    found = mappings(conn, "SELECT p.id AS person_id, p.name, s.unit_id, u.name AS unit, s.kind_id, a.post_kind_id"
                           " FROM persons p"
                           " LEFT OUTER JOIN staffing_periods s ON s.person_id = p.id AND s.end_date IS NULL"
                           " LEFT OUTER JOIN units u ON u.id = s.unit_id"
                           " LEFT OUTER JOIN appointments a ON a.person_id = p.id AND a.end_date IS NULL"
                           " WHERE p.id_number = :code", {"code": normalize_code(id_number)})
    if not found:
        return None
    row = found[0]
    row["on_establishment"] = row["unit_id"] is not None
    return row


# --- units ----------------------------------------------------------------------------------

class UnitNode(NamedTuple):
    id: int
    name: str
    category: str
    parent_id: int | None
    state: str  # "over" | "at" | ""
    has_children: bool = False  # active units under it (filled by the lazy tree's queries)


def _state(over: Any, room: Any, approved: Any) -> str:
    return "over" if over else ("at" if (approved or 0) > 0 and not room else "")


def unit_tree_rows(conn: Any) -> list[UnitNode]:
    """Active units with their quota state: over (any kind over quota) or at (no vacancy left)."""
    sql = ("SELECT u.id, u.name, u.category, u.parent_id, agg.over, agg.room, agg.approved FROM units u"
           " LEFT OUTER JOIN (SELECT unit_id, max(CASE WHEN used + reserved > approved THEN 1 ELSE 0 END) AS over,"
           " max(CASE WHEN used + reserved < approved THEN 1 ELSE 0 END) AS room, sum(approved) AS approved"
           " FROM quotas GROUP BY unit_id) agg ON agg.unit_id = u.id"
           " WHERE u.status = 'active' ORDER BY u.id")
    return [UnitNode(r[0], r[1], r[2], r[3], _state(r[4], r[5], r[6])) for r in rows(conn, sql)]


# The lazy unit tree: categories first, then one page of a category's top units or a unit's
# children when the user expands it. Quota marks come from correlated look-ups on the quotas
# primary key for the rows of the page only, so a page costs the same on a province.
_NODE = ("SELECT u.id, u.name, u.category, u.parent_id,"
         " EXISTS (SELECT 1 FROM quotas q WHERE q.unit_id = u.id AND q.used + q.reserved > q.approved),"
         " EXISTS (SELECT 1 FROM quotas q WHERE q.unit_id = u.id AND q.used + q.reserved < q.approved),"
         " (SELECT sum(q.approved) FROM quotas q WHERE q.unit_id = u.id),"
         " EXISTS (SELECT 1 FROM units c WHERE c.parent_id = u.id AND c.status = 'active')"
         " FROM units u WHERE u.status = 'active'")


def _nodes(conn: Any, where: str, params: dict[str, Any], order: str = "") -> list[UnitNode]:
    return [UnitNode(r[0], r[1], r[2], r[3], _state(r[4], r[5], r[6]), bool(r[7]))
            for r in rows(conn, f"{_NODE} AND {where}{order}", params)]


def unit_categories(conn: Any) -> list[tuple[str, int]]:
    """Categories that have active units, with how many (in the catalog's order of categories)."""
    from bianzhi_app.catalog import CATEGORIES

    order = {c: i for i, c in enumerate(CATEGORIES)}
    found = rows(conn, "SELECT category, count(*) FROM units WHERE status = 'active' GROUP BY category")
    return sorted(((r[0], int(r[1])) for r in found), key=lambda cr: (order.get(cr[0], 99), cr[0]))


def unit_children(conn: Any, *, category: str | None = None, parent_id: int | None = None,
                  after_id: int | None = None, limit: int = PAGE) -> list[UnitNode]:
    """One page (by id) of the active units under `parent_id`, or, with `category`, of that category's
    top units (no active parent); each with its quota mark and whether it has children."""
    params: dict[str, Any] = {"limit": limit, "after": -1 if after_id is None else after_id}
    if parent_id is not None:
        where = "u.parent_id = :parent"
        params["parent"] = parent_id
    else:
        where = ("u.category = :category AND NOT EXISTS"
                 " (SELECT 1 FROM units p WHERE p.id = u.parent_id AND p.status = 'active')")
        params["category"] = category
    return _nodes(conn, f"{where} AND u.id > :after", params, " ORDER BY u.id LIMIT :limit")


def unit_search(conn: Any, term: str, after: tuple[str, int] | None = None,
                limit: int = PAGE) -> list[UnitNode]:
    """Active units whose name contains `term`, by name, `limit` after the key (name, id)."""
    where = "instr(u.name, :term) > 0"
    params: dict[str, Any] = {"term": term.strip(), "limit": limit}
    if after is not None:
        where += " AND (u.name, u.id) > (:after_name, :after_id)"
        params["after_name"], params["after_id"] = after
    return _nodes(conn, where, params, " ORDER BY u.name, u.id LIMIT :limit")


def unit_nodes(conn: Any, unit_ids: set[int] | list[int]) -> dict[int, UnitNode]:
    """The tree nodes (with marks) of the given units that are still active."""
    ids = list(unit_ids)
    found: dict[int, UnitNode] = {}
    for start in range(0, len(ids), 500):
        placeholders, params = in_list("u", ids[start:start + 500])
        found.update((n.id, n) for n in _nodes(conn, f"u.id IN {placeholders}", params))
    return found


def unit_path(conn: Any, unit_id: int) -> list[UnitNode]:
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


def unit_completions(conn: Any, text: str, limit: int = 50) -> list[tuple[int, str]]:
    """Active units (id, name) whose name contains `text`: names starting with it first, then by name."""
    term = text.strip()
    if not term:
        return []
    sql = ("SELECT id, name FROM units WHERE status = 'active' AND instr(name, :term) > 0"
           " ORDER BY CASE WHEN name LIKE :prefix THEN 0 ELSE 1 END, length(name), name LIMIT :limit")
    params = {"term": term, "prefix": term.replace("%", "").replace("_", "") + "%", "limit": limit}
    return [(r[0], r[1]) for r in rows(conn, sql, params)]


def _scalar(conn: Any, sql: str, params: dict[str, Any]) -> Any:
    found = rows(conn, sql, params)
    return found[0][0] if found else None


def active_unit_id(conn: Any, name: str) -> int | None:
    """The active unit named exactly `name` (names of active units are unique)."""
    name = name.strip()
    if not name:
        return None
    return _scalar(conn, "SELECT id FROM units WHERE status = 'active' AND name = :name", {"name": name})


def unit_name(conn: Any, unit_id: int) -> str | None:
    return _scalar(conn, "SELECT name FROM units WHERE id = :id", {"id": unit_id})


def unit_detail(conn: Any, catalog: Catalog, unit_id: int) -> dict[str, Any] | None:
    """Everything the unit page shows except its staff list and ledger (paged separately)."""
    found = mappings(conn, "SELECT u.*, parent.name AS parent_name, d.number AS doc FROM units u"
                           " LEFT OUTER JOIN units parent ON parent.id = u.parent_id"
                           " LEFT OUTER JOIN documents d ON d.id = u.document_id WHERE u.id = :id", {"id": unit_id})
    if not found:
        return None
    from bianzhi_app.rules import QuotaFigures  # rules' dataclass is not needed for the first paint

    row = found[0]
    quota_rows = {r[0]: QuotaFigures(*r[1:]) for r in rows(
        conn, "SELECT kind_id, approved, used, reserved, allowance FROM quotas WHERE unit_id = :id", {"id": unit_id})}
    kinds = [(k, quota_rows.get(k.id, QuotaFigures(0, 0, 0, 0))) for k in catalog.kinds]
    holders: dict[int, list[str]] = {}
    for post_kind_id, name in rows(conn, "SELECT a.post_kind_id, p.name FROM appointments a"
                                         " JOIN persons p ON p.id = a.person_id"
                                         " WHERE a.unit_id = :id AND a.end_date IS NULL ORDER BY a.start_date",
                                   {"id": unit_id}):
        holders.setdefault(post_kind_id, []).append(name)
    post_rows = {r[0]: r[1:] for r in rows(
        conn, "SELECT post_kind_id, post_limit, used, allowance FROM post_limits WHERE unit_id = :id", {"id": unit_id})}
    posts = []
    for p in catalog.post_kinds:
        limit, used, allowance = post_rows.get(p.id, (0, 0, 0))
        posts.append({"kind": p, "limit": limit, "used": used, "allowance": allowance,
                      "holders": holders.get(p.id, [])})
    return {"id": row["id"], "name": row["name"], "category": row["category"], "rank": row["rank"],
            "funding": row["funding"], "uscc": row["uscc"], "status": row["status"],
            "requires_approval": bool(row["requires_approval"]), "created_on": day(row["created_on"]),
            "abolished_on": day(row["abolished_on"]), "parent": row["parent_name"], "functions": row["functions"],
            "document": row["doc"], "kinds": kinds, "posts": posts}


def live_quota(conn: Any, unit_id: int, kind_id: int) -> QuotaFigures:
    found = rows(conn, "SELECT approved, used, reserved, allowance FROM quotas"
                       " WHERE unit_id = :unit AND kind_id = :kind", {"unit": unit_id, "kind": kind_id})
    from bianzhi_app.rules import QuotaFigures

    return QuotaFigures(*found[0]) if found else QuotaFigures(0, 0, 0, 0)


def live_post(conn: Any, unit_id: int, post_kind_id: int) -> tuple[int, int, int]:
    """(limit, used, allowance) of one unit's post kind."""
    found = rows(conn, "SELECT post_limit, used, allowance FROM post_limits"
                       " WHERE unit_id = :unit AND post_kind_id = :post", {"unit": unit_id, "post": post_kind_id})
    return (found[0][0], found[0][1], found[0][2]) if found else (0, 0, 0)


def live_pool(conn: Any, kind_id: int) -> tuple[int, int]:
    """(total, allocated) of the region pool of a kind."""
    found = rows(conn, "SELECT total, allocated FROM region_pools WHERE kind_id = :kind", {"kind": kind_id})
    return (found[0][0], found[0][1]) if found else (0, 0)


def unit_requires_approval(conn: Any, unit_id: int) -> bool:
    return bool(_scalar(conn, "SELECT requires_approval FROM units WHERE id = :id", {"id": unit_id}))


def usable_approvals(conn: Any, unit_id: int, kind_id: int, on: dt.date) -> list[dict[str, Any]]:
    """Active approvals of a unit and kind with slots left on day `on` (earliest-expiring first)."""
    found = rows(conn, "SELECT number, count - used_count, valid_until FROM usage_approvals"
                       " WHERE unit_id = :unit AND kind_id = :kind AND status = 'active' AND issued_on <= :on"
                       " AND (valid_until IS NULL OR valid_until >= :on) AND count > used_count"
                       " ORDER BY valid_until, id", {"unit": unit_id, "kind": kind_id, "on": on.isoformat()})
    return [{"number": r[0], "remaining": r[1], "valid_until": day(r[2])} for r in found]


# --- dashboard ------------------------------------------------------------------------------

def dashboard(conn: Any, catalog: Catalog, today: dt.date, *, list_limit: int = 200) -> dict[str, Any]:
    """Pool per kind, used vs approved per kind and per category, units over / at quota,
    approvals expiring within 30 days."""
    pool = {r[0]: (r[1], r[2]) for r in rows(conn, "SELECT kind_id, total, allocated FROM region_pools")}
    active = "FROM quotas q JOIN units u ON u.id = q.unit_id WHERE u.status = 'active'"
    per_kind = {r[0]: (int(r[1] or 0), int(r[2] or 0), int(r[3] or 0)) for r in rows(
        conn, f"SELECT q.kind_id, sum(q.approved), sum(q.used), sum(q.reserved) {active} GROUP BY q.kind_id")}
    per_category = {r[0]: (int(r[1] or 0), int(r[2] or 0)) for r in rows(
        conn, f"SELECT u.category, sum(q.approved), sum(q.used) {active} GROUP BY u.category")}
    base = f"SELECT u.id, u.name, q.kind_id, q.approved, q.used, q.reserved, q.allowance {active}"
    limit = {"limit": list_limit}
    over = mappings(conn, f"{base} AND q.used + q.reserved > q.approved ORDER BY u.name LIMIT :limit", limit)
    at = mappings(conn, f"{base} AND q.approved > 0 AND q.used + q.reserved = q.approved"
                        " ORDER BY u.name LIMIT :limit", limit)
    soon = today + dt.timedelta(days=30)
    expiring = [{"number": r[0], "unit": r[1], "unit_id": r[2], "kind_id": r[3], "remaining": r[4],
                 "valid_until": day(r[5])} for r in rows(
        conn, "SELECT a.number, u.name, a.unit_id, a.kind_id, a.count - a.used_count, a.valid_until"
              " FROM usage_approvals a JOIN units u ON u.id = a.unit_id"
              " WHERE a.status = 'active' AND a.valid_until >= :today AND a.valid_until <= :soon"
              " ORDER BY a.valid_until, a.id LIMIT :limit",
        {"today": today.isoformat(), "soon": soon.isoformat(), **limit})]
    return {"pool": {k.id: pool.get(k.id, (0, 0)) for k in catalog.kinds},
            "per_kind": {k.id: per_kind.get(k.id, (0, 0, 0)) for k in catalog.kinds},
            "per_category": per_category, "over": over, "at": at, "expiring": expiring}


# --- ledger and documents -------------------------------------------------------------------

class LedgerFilter(NamedTuple):  # made on the window's start path, where a dataclass costs ~0.4 ms to define
    since: dt.date | None = None
    until: dt.date | None = None
    unit_id: int | None = None
    op: str | None = None


def ledger_page(conn: Any, flt: LedgerFilter, before_seq: int | None = None,
                limit: int = PAGE) -> list[dict[str, Any]]:
    """Ledger entries newest first, `limit` rows with seq below `before_seq`."""
    where = ["1 = 1"]
    params: dict[str, Any] = {"limit": limit}
    for condition, name, value in (("effective_on >= :since", "since", _param(flt.since)),
                                   ("effective_on <= :until", "until", _param(flt.until)),
                                   ("unit_id = :unit", "unit", flt.unit_id), ("op = :op", "op", flt.op or None),
                                   ("seq < :before", "before", before_seq)):
        if value is not None:
            where.append(condition)
            params[name] = value
    found = rows(conn, "SELECT seq, at, effective_on, actor, op, unit_id, unit_name, document_number, detail, hash"
                       f" FROM ledger WHERE {' AND '.join(where)} ORDER BY seq DESC LIMIT :limit", params)
    return [{"seq": r[0], "at": r[1], "effective_on": day(r[2]), "actor": r[3], "op": r[4], "unit_id": r[5],
             "unit": r[6], "doc": r[7], "detail": summarize_detail(json.loads(r[8])), "hash": r[9]} for r in found]


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


def documents_page(conn: Any, search: str = "", after_id: int | None = None,
                   limit: int = PAGE) -> list[dict[str, Any]]:
    """Documents (文件依据), newest first, keyset by id; `search` matches part of the number or title."""
    where = ["1 = 1"]
    params: dict[str, Any] = {"limit": limit}
    term = search.strip()
    if term:
        where.append("(number LIKE :like OR coalesce(title, '') LIKE :like)")
        params["like"] = "%" + term.replace("%", "").replace("_", "") + "%"
    if after_id is not None:
        where.append("id < :after")
        params["after"] = after_id
    found = mappings(conn, "SELECT id, number, title, issuer, issued_on FROM documents"
                           f" WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT :limit", params)
    for row in found:
        row["issued_on"] = day(row["issued_on"])
    return found


def approvals_list(conn: Any, *, status: str | None = "active", unit_id: int | None = None,
                   limit: int = 5000) -> list[dict[str, Any]]:
    """Usage approvals (newest first) with their unit name and document number."""
    where = ["1 = 1"]
    params: dict[str, Any] = {"limit": limit}
    if status:
        where.append("a.status = :status")
        params["status"] = status
    if unit_id is not None:
        where.append("a.unit_id = :unit")
        params["unit"] = unit_id
    found = rows(conn, "SELECT a.number, u.name, a.unit_id, a.kind_id, a.count, a.used_count, a.method, a.status,"
                       " a.issued_on, a.valid_until, d.number FROM usage_approvals a JOIN units u ON u.id = a.unit_id"
                       " LEFT OUTER JOIN documents d ON d.id = a.document_id"
                       f" WHERE {' AND '.join(where)} ORDER BY a.id DESC LIMIT :limit", params)
    return [{"number": r[0], "unit": r[1], "unit_id": r[2], "kind_id": r[3], "count": r[4], "used": r[5],
             "remaining": r[4] - r[5], "method": r[6], "status": r[7], "issued_on": day(r[8]),
             "valid_until": day(r[9]), "doc": r[10]} for r in found]
