"""The read side: one package for the window, the command line, io and the reports.

Every function takes a reader: the window's plain sqlite3 connection (its first page is painted before
SQLAlchemy loads) or a SQLAlchemy Connection (`Book.read()`, an op's `tx.conn`); `db.sql.rows` runs
the same SQL on both. Nothing here writes: every change goes through the Book's typed API.

- figures: a unit's live quota, post and pool figures (typed records), the one reader of them
- establishment: the region's figures now or as of a day, units, the ledger head of a day
- persons: persons on establishment, paged by key; the same search for every caller
- units: the unit tree, search, completion, the unit page
- ledger: the ledger and the documents, paged by key
- approvals: usage approvals; those an entry may use
- overview: the 概览 page
"""

from bianzhi_app.queries.approvals import approval_rows, approvals_list, usable_approvals
from bianzhi_app.queries.establishment import (
    UnitRecord,
    book_started,
    check_as_of,
    head_as_of,
    post_figures,
    quota_figures,
    region_info,
    resolve_unit_id,
    status,
    unit_rows,
)
from bianzhi_app.queries.figures import live_pool, live_post, live_quota, unit_posts, unit_quotas
from bianzhi_app.queries.ledger import LedgerFilter, documents_page, ledger_entries, ledger_page, summarize_detail
from bianzhi_app.queries.overview import dashboard
from bianzhi_app.queries.persons import (
    INDEXED_SORTS,
    PAGE,
    ROSTER_SORTS,
    RosterFilter,
    RosterRow,
    looks_like_id,
    person_slot,
    person_slot_by_id,
    roster,
    roster_count,
    roster_page,
)
from bianzhi_app.queries.regions import has_subregions, held_packages, region_figures
from bianzhi_app.queries.units import (
    UnitNode,
    active_unit_id,
    unit_categories,
    unit_children,
    unit_completions,
    unit_detail,
    unit_functions,
    unit_name,
    unit_nodes,
    unit_path,
    unit_requires_approval,
    unit_search,
    unit_tree_rows,
)

__all__ = [
    "INDEXED_SORTS", "PAGE", "ROSTER_SORTS", "LedgerFilter", "RosterFilter", "RosterRow", "UnitNode", "UnitRecord",
    "active_unit_id", "approval_rows", "approvals_list", "book_started", "check_as_of", "dashboard",
    "documents_page", "has_subregions", "head_as_of", "held_packages", "ledger_entries", "ledger_page",
    "live_pool", "live_post", "live_quota", "looks_like_id", "person_slot", "person_slot_by_id", "post_figures",
    "quota_figures", "region_figures", "region_info",
    "resolve_unit_id", "roster",
    "roster_count", "roster_page", "status", "summarize_detail", "unit_categories", "unit_children", "unit_completions",
    "unit_detail", "unit_functions", "unit_name", "unit_nodes", "unit_path", "unit_posts", "unit_quotas",
    "unit_requires_approval", "unit_rows", "unit_search", "unit_tree_rows", "usable_approvals",
]
