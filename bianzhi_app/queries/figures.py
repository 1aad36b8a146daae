"""The one reader of a unit's live figures: quota per kind, post limit per post kind, the region pool.

The ops read them inside their write transaction (to check, then write), the dialogs read them to show
核定 / 实有 / 在途 / 空编 before the user confirms, the unit page shows them: all through these functions,
on any reader (the window's plain sqlite3 connection or a SQLAlchemy Connection, see `db.sql.rows`).
"""

from __future__ import annotations

from typing import Any

from bianzhi_app.db.sql import rows
from bianzhi_app.rules import PoolFigures, PostFigures, QuotaFigures


def live_quota(conn: Any, unit_id: int, kind_id: int) -> QuotaFigures:
    """The quota figures of one unit and kind (all zero for a pair the book does not hold)."""
    found = rows(conn, "SELECT approved, used, reserved, allowance FROM quotas"
                       " WHERE unit_id = :unit AND kind_id = :kind", {"unit": unit_id, "kind": kind_id})
    return QuotaFigures(*found[0]) if found else QuotaFigures(0, 0, 0, 0)


def unit_quotas(conn: Any, unit_id: int) -> dict[int, QuotaFigures]:
    """Kind id → the quota figures of every kind a unit holds."""
    return {r[0]: QuotaFigures(*r[1:]) for r in rows(
        conn, "SELECT kind_id, approved, used, reserved, allowance FROM quotas WHERE unit_id = :id", {"id": unit_id})}


def live_post(conn: Any, unit_id: int, post_kind_id: int) -> PostFigures:
    """The post figures of one unit and post kind."""
    found = rows(conn, "SELECT post_limit, used, allowance FROM post_limits"
                       " WHERE unit_id = :unit AND post_kind_id = :post", {"unit": unit_id, "post": post_kind_id})
    return PostFigures(*found[0]) if found else PostFigures(0, 0, 0)


def unit_posts(conn: Any, unit_id: int) -> dict[int, PostFigures]:
    """Post kind id → the post figures of every post kind a unit holds."""
    return {r[0]: PostFigures(*r[1:]) for r in rows(
        conn, "SELECT post_kind_id, post_limit, used, allowance FROM post_limits WHERE unit_id = :id",
        {"id": unit_id})}


def live_pool(conn: Any, kind_id: int) -> PoolFigures:
    """The region pool of a kind: its total and what the units' quotas take of it."""
    found = rows(conn, "SELECT total, allocated FROM region_pools WHERE kind_id = :kind", {"kind": kind_id})
    return PoolFigures(*found[0]) if found else PoolFigures(0, 0)
