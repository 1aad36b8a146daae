"""The book's operations by area (`book.units.add(...)`), each in its own transaction.

A thin layer: every method runs the one op function of `bianzhi_app.ops` through
`Book.run`, so the GUI, the CLI and batch jobs share one code path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bianzhi_app.ops import approvals, posts, quotas, region, staff, units

if TYPE_CHECKING:
    from bianzhi_app.book import Book, Change


def _op(function: Callable[..., Any]) -> Callable[..., Any]:
    def method(self: _Area, *args: Any, **kwargs: Any) -> Change:
        return self.book.run(function, *args, **kwargs)

    method.__name__ = function.__name__
    method.__doc__ = function.__doc__
    return method


class _Area:
    def __init__(self, book: Book):
        self.book = book


class RegionArea(_Area):
    init = _op(region.init_region)
    set_pool = _op(region.set_pool)


class UnitsArea(_Area):
    add = _op(units.add_unit)
    rename = _op(units.rename_unit)
    abolish = _op(units.abolish_unit)
    merge = _op(units.merge_units)


class QuotasArea(_Area):
    set = _op(quotas.set_quota)
    transfer = _op(quotas.transfer_quota)
    set_post_limit = _op(quotas.set_post_limit)


class ApprovalsArea(_Area):
    add = _op(approvals.add_approval)
    cancel = _op(approvals.cancel_approval)

    def expire_due(self) -> list[Change]:
        """Close approvals whose validity has ended (run on open and before each operation)."""
        with self.book.transact() as tx:
            return approvals.expire_approvals(tx) if approvals.due_count(tx) else []


class StaffArea(_Area):
    enter = _op(staff.enter_person)
    enter_many = _op(staff.enter_persons)
    leave = _op(staff.leave_person)
    transfer = _op(staff.transfer_person)
    change_kind = _op(staff.change_kind)
    appoint = _op(posts.appoint)
    dismiss = _op(posts.dismiss)
