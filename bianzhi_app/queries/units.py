"""Units: the lazy unit tree (categories, then a page of units or of a unit's children), search and
completion by name, and everything the unit page shows. Plain SQL on any reader (see `db.sql.rows`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bianzhi_app.catalog import CATEGORIES, Catalog
from bianzhi_app.db.sql import code_point_order, contains, day, in_list, mappings, rows
from bianzhi_app.queries.figures import unit_posts, unit_quotas
from bianzhi_app.rules import QuotaFigures

PAGE = 200


@dataclass(frozen=True, slots=True)
class UnitNode:
    id: int
    name: str
    category: str
    parent_id: int | None
    state: str  # "over" | "at" | ""
    has_children: bool = False  # active units under it (filled by the lazy tree's queries)


def _state(over: Any, full: Any, _approved: Any = None) -> str:
    """over: some kind over its quota; at: some kind full (approved, no vacancy) — 概览's 满编单位."""
    return "over" if over else ("at" if full else "")


def unit_tree_rows(conn: Any) -> list[UnitNode]:
    """Active units with their quota state: over (any kind over quota) or at (any kind full)."""
    sql = ("SELECT u.id, u.name, u.category, u.parent_id, agg.over, agg.full, agg.approved FROM units u"
           " LEFT OUTER JOIN (SELECT unit_id, max(CASE WHEN used + reserved > approved THEN 1 ELSE 0 END) AS over,"
           " max(CASE WHEN approved > 0 AND used + reserved = approved THEN 1 ELSE 0 END) AS full,"
           " sum(approved) AS approved FROM quotas GROUP BY unit_id) agg ON agg.unit_id = u.id"
           " WHERE u.status = 'active' ORDER BY u.id")
    return [UnitNode(r[0], r[1], r[2], r[3], _state(r[4], r[5], r[6])) for r in rows(conn, sql)]


# The lazy unit tree: categories first, then one page of a category's top units or a unit's
# children when the user expands it. Quota marks come from correlated look-ups on the quotas
# primary key for the rows of the page only, so a page costs the same on a province.
_NODE = ("SELECT u.id, u.name, u.category, u.parent_id,"
         " EXISTS (SELECT 1 FROM quotas q WHERE q.unit_id = u.id AND q.used + q.reserved > q.approved),"
         " EXISTS (SELECT 1 FROM quotas q WHERE q.unit_id = u.id AND q.approved > 0"
         " AND q.used + q.reserved = q.approved),"
         " (SELECT sum(q.approved) FROM quotas q WHERE q.unit_id = u.id),"
         " EXISTS (SELECT 1 FROM units c WHERE c.parent_id = u.id AND c.status = 'active')"
         " FROM units u WHERE u.status = 'active'")


def _nodes(conn: Any, where: str, params: dict[str, Any], order: str = "") -> list[UnitNode]:
    return [UnitNode(r[0], r[1], r[2], r[3], _state(r[4], r[5], r[6]), bool(r[7]))
            for r in rows(conn, f"{_NODE} AND {where}{order}", params)]


def unit_categories(conn: Any) -> list[tuple[str, int]]:
    """Categories that have active units, with how many (in the catalog's order of categories)."""
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
    """Active units whose name contains `term`, by name (code-point order on either backend), `limit` after the
    key (name, id)."""
    where = contains(conn, "u.name", "term")
    name = code_point_order(conn, "u.name")
    params: dict[str, Any] = {"term": term.strip(), "limit": limit}
    if after is not None:
        where += f" AND ({name}, u.id) > (:after_name, :after_id)"
        params["after_name"], params["after_id"] = after
    return _nodes(conn, where, params, f" ORDER BY {name}, u.id LIMIT :limit")


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
    sql = (f"SELECT id, name FROM units WHERE status = 'active' AND {contains(conn, 'name', 'term')}"
           " ORDER BY CASE WHEN substr(name, 1, :term_length) = :term THEN 0 ELSE 1 END, length(name),"
           f" {code_point_order(conn, 'name')} LIMIT :limit")
    params = {"term": term, "term_length": len(term), "limit": limit}
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


def unit_functions(conn: Any, unit_id: int) -> str | None:
    """A unit's 主要职责 as kept (None: not set)."""
    return _scalar(conn, "SELECT functions FROM units WHERE id = :id", {"id": unit_id})


def unit_detail(conn: Any, catalog: Catalog, unit_id: int) -> dict[str, Any] | None:
    """Everything the unit page shows except its staff list and ledger (paged separately)."""
    found = mappings(conn, "SELECT u.*, parent.name AS parent_name, d.number AS doc FROM units u"
                           " LEFT OUTER JOIN units parent ON parent.id = u.parent_id"
                           " LEFT OUTER JOIN documents d ON d.id = u.document_id WHERE u.id = :id", {"id": unit_id})
    if not found:
        return None
    row = found[0]
    quota_rows = unit_quotas(conn, unit_id)
    kinds = [(k, quota_rows.get(k.id, QuotaFigures(0, 0, 0, 0))) for k in catalog.kinds]
    holders: dict[int, list[str]] = {}
    for post_kind_id, name in rows(conn, "SELECT a.post_kind_id, p.name FROM appointments a"
                                         " JOIN persons p ON p.id = a.person_id"
                                         " WHERE a.unit_id = :id AND a.end_date IS NULL ORDER BY a.start_date",
                                   {"id": unit_id}):
        holders.setdefault(post_kind_id, []).append(name)
    post_rows = unit_posts(conn, unit_id)
    posts = []
    for p in catalog.post_kinds:
        figures = post_rows.get(p.id)
        limit, used, allowance = (figures.limit, figures.used, figures.allowance) if figures else (0, 0, 0)
        posts.append({"kind": p, "limit": limit, "used": used, "allowance": allowance,
                      "holders": holders.get(p.id, [])})
    return {"id": row["id"], "name": row["name"], "category": row["category"], "rank": row["rank"],
            "funding": row["funding"], "uscc": row["uscc"], "status": row["status"],
            "requires_approval": bool(row["requires_approval"]), "created_on": day(row["created_on"]),
            "abolished_on": day(row["abolished_on"]), "parent": row["parent_name"], "functions": row["functions"],
            "document": row["doc"], "kinds": kinds, "posts": posts}


def unit_requires_approval(conn: Any, unit_id: int) -> bool:
    return bool(_scalar(conn, "SELECT requires_approval FROM units WHERE id = :id", {"id": unit_id}))
