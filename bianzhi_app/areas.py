"""The book's operations by area: `book.units.add(name=…)`, `book.staff.enter(…)` and so on.

The one typed API that the window, the command line and io call. Every method takes keyword-only,
typed arguments and returns the `Change` (or changes) of its op. On a `Book` each call is its own
transaction; on the `BookTx` of `book.batch()` the same methods run inside that one open
transaction, so an import or the demo goes through exactly the same code as a single click.
Checks that belong to every caller (permissions, review) go here, once.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar, cast

from bianzhi_app.accounts import review
from bianzhi_app.accounts.roles import Permission
from bianzhi_app.errors import BianzhiError, NotPermitted
from bianzhi_app.kernel import Change, Op, Tx
from bianzhi_app.ops import approvals, catalog_ops, posts, quotas, region, snapshots, staff, units
from bianzhi_app.ops.common import PersonRef
from bianzhi_app.ops.posts import AppointRequest
from bianzhi_app.ops.staff import EnterRequest
from bianzhi_app.ops.units import UnitRefusal, UnitRequest
from bianzhi_app.reports.describe import describe_change

if TYPE_CHECKING:
    from bianzhi_app.book import Book

P = ParamSpec("P")
R = TypeVar("R")
A = TypeVar("A", bound="Area")
Progress = Callable[[int, int], None]


def operation(permission: Permission, *, reviewed: bool = False, batch: bool = False
              ) -> Callable[[Callable[Concatenate[A, P], R]], Callable[Concatenate[A, P], R]]:
    """Mark an area method with the permission it needs; the check runs before the op, once, for every
    caller. ``reviewed``: a 机构编制事项 that a clerk only proposes while the policy's review is on (the
    method then returns a Change whose ``proposal`` is the new proposal's number and changes nothing).
    ``batch``: many such changes at once (import), refused while review is on."""
    def decorate(method: Callable[Concatenate[A, P], R]) -> Callable[Concatenate[A, P], R]:
        @functools.wraps(method)
        def guarded(self: A, /, *args: P.args, **kwargs: P.kwargs) -> R:
            if not self._applying:
                self._book.require(permission)
                if (reviewed or batch) and self._book.review_required():
                    if batch:
                        raise NotPermitted("编制事项审核已开启:不能批量设立机构或核定编制;请逐项办理(逐项审核),"
                                           "或请系统管理员暂时关闭审核(policy set review off)后导入")
                    return cast(R, self._propose(method.__name__, dict(kwargs)))
            return method(self, *args, **kwargs)

        return guarded

    return decorate


def describe_entry(entry: dict[str, Any], catalog: Any) -> str:
    """A would-be ledger entry in words (「核定编制 区农业农村局」) for a proposal's list line."""
    parsed = {**entry, "detail": json.loads(entry["detail"]), "after": json.loads(entry["after"])}
    text = describe_change(parsed, catalog)
    unit = entry.get("unit_name")
    return f"{text} {unit}" if unit and unit not in text else text


class _Preview(Exception):
    """Raised inside a savepoint to undo an op run only to see its figures."""

    def __init__(self, entry: dict[str, Any]):
        super().__init__("preview")
        self.entry = entry


class Area:
    """One area of operations, bound to a book (a transaction per call) or to an open transaction.

    ``applying``: the area runs a proposal that a reviewer approved (no second check, no new proposal)."""

    name = ""

    def __init__(self, book: Book, tx: Tx | None = None, *, applying: bool = False):
        self._book = book
        self._tx = tx
        self._applying = applying

    def _propose(self, method: str, arguments: dict[str, Any]) -> Change:
        """Keep a proposal instead of changing: the op runs in a savepoint that is then undone, so the
        proposal holds the figures before and after exactly as the op would write them (and a change the
        rules refuse is refused now, not at review)."""
        with self._book.within(self._tx) as tx:
            entry = self._book.preview(tx, self.name, method, arguments)
            number = review.create(tx.conn, area=self.name, method=method, arguments=arguments, entry=entry,
                                   summary=describe_entry(entry, tx.catalog), proposer=tx.actor, now=tx.clock())
        return Change(Op(entry["op"]), 0, proposal=number)

    def _run(self, function: Callable[Concatenate[Tx, P], R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        if self._tx is not None:
            return function(self._tx, *args, **kwargs)
        return self._book.run(function, *args, **kwargs)

    def _cited(self, function: Callable[Concatenate[Tx, P], R], doc_title: str | None, doc: str | None,
               /, *args: P.args, **kwargs: P.kwargs) -> R:
        """Run an op that cites a document, registering the document's title first when one is given."""
        if not doc_title or not doc:
            return self._run(function, *args, **kwargs)

        def titled(tx: Tx, /, *a: P.args, **k: P.kwargs) -> R:
            tx.document(doc, doc_title)
            return function(tx, *a, **k)

        return self._run(titled, *args, **kwargs)


class RegionArea(Area):
    """The region itself: its book, pools (编制总额), kinds and post kinds, quarter-end snapshots."""

    name = "region"

    @operation(Permission.ESTABLISH)
    def init(self, *, name: str, code: str, office_name: str | None = None, on: dt.date | None = None) -> Change:
        """Create the region of an empty book; refuses a book that has one, or a bad code."""
        return self._run(region.init_region, name=name, code=code, office_name=office_name, on=on)

    @operation(Permission.ESTABLISH, reviewed=True)
    def set_pool(self, *, kind: str, total: int, doc: str, doc_title: str | None = None,
                 on: dt.date | None = None) -> Change:
        """Set the region pool of a kind; refuses no document, or a total below what units hold (rule 2)."""
        return self._cited(region.set_pool, doc_title, doc, kind, total, doc=doc, on=on)

    @operation(Permission.ESTABLISH, reviewed=True)
    def add_kind(self, *, code: str, name: str, doc: str, doc_title: str | None = None) -> Change:
        """Add an establishment kind; refuses a code or name already in use."""
        return self._cited(catalog_ops.add_kind, doc_title, doc, code, name, doc=doc)

    @operation(Permission.ESTABLISH, reviewed=True)
    def add_post_kind(self, *, code: str, name: str, doc: str, doc_title: str | None = None) -> Change:
        """Add a post kind; refuses a code or name already in use."""
        return self._cited(catalog_ops.add_post_kind, doc_title, doc, code, name, doc=doc)

    @operation(Permission.STAFF)
    def snapshot(self, *, quarter: str | snapshots.Quarter) -> Change:
        """Freeze a finished quarter's figures; refuses a quarter not ended, malformed or already frozen."""
        return self._run(snapshots.take_snapshot, quarter)


class UnitsArea(Area):
    """Units (机构): set up, rename, set their 主要职责, abolish, merge."""

    name = "units"

    @operation(Permission.ESTABLISH, reviewed=True)
    def add(self, *, name: str, category: str, rank: str, doc: str, doc_title: str | None = None,
            funding: str | None = None, parent: str | int | None = None, uscc: str | None = None,
            requires_approval: bool = True, functions: str | None = None, on: dt.date | None = None,
            quotas: dict[str, int] | None = None, post_limits: dict[str, int] | None = None) -> Change:
        """Set up one unit (``result`` is its id); see `ops.units.add_units` for what it refuses."""
        return self._cited(units.add_unit, doc_title, doc, name, category=category, rank=rank, doc=doc,
                           funding=funding, parent=parent, uscc=uscc, requires_approval=requires_approval,
                           functions=functions, on=on, quotas=quotas, post_limits=post_limits)

    @operation(Permission.ESTABLISH, batch=True)
    def add_many(self, *, requests: Sequence[UnitRequest], errors: list[UnitRefusal] | None = None,
                 progress: Progress | None = None) -> list[Change]:
        """Set up many units, one entry each; with ``errors`` a refused unit is listed there and skipped."""
        return self._run(units.add_units, requests, errors=errors, progress=progress)

    @operation(Permission.ESTABLISH, reviewed=True)
    def rename(self, *, unit: str | int, new_name: str, doc: str, doc_title: str | None = None,
               on: dt.date | None = None) -> Change:
        """Rename a unit; refuses a name in use, no document."""
        return self._cited(units.rename_unit, doc_title, doc, unit, new_name, doc=doc, on=on)

    @operation(Permission.ESTABLISH, reviewed=True)
    def set_functions(self, *, unit: str | int, functions: str | None, doc: str, doc_title: str | None = None,
                      on: dt.date | None = None) -> Change:
        """Set a unit's 主要职责 (empty: clear it); refuses no document, control characters, too long a text."""
        return self._cited(units.set_unit_functions, doc_title, doc, unit, functions, doc=doc, on=on)

    @operation(Permission.ESTABLISH, reviewed=True)
    def abolish(self, *, unit: str | int, doc: str, doc_title: str | None = None,
                on: dt.date | None = None) -> Change:
        """Abolish a unit; refuses one with staff, reservations, posts or open sub-units."""
        return self._cited(units.abolish_unit, doc_title, doc, unit, doc=doc, on=on)

    @operation(Permission.ESTABLISH, reviewed=True)
    def merge(self, *, sources: Sequence[str | int], into: str, doc: str, doc_title: str | None = None,
              on: dt.date | None = None, category: str | None = None, rank: str | None = None,
              funding: str | None = None) -> Change:
        """Merge units into a new or existing one, carrying everything; totals are conserved."""
        return self._cited(units.merge_units, doc_title, doc, list(sources), into, doc=doc, on=on,
                           category=category, rank=rank, funding=funding)


class QuotasArea(Area):
    """Approved quotas (核定编制) per unit and kind."""

    name = "quotas"

    @operation(Permission.ESTABLISH, reviewed=True)
    def set(self, *, unit: str | int, kind: str, approved: int, doc: str, doc_title: str | None = None,
            on: dt.date | None = None, as_allowance: bool = False) -> Change:
        """Set a unit's quota of a kind; refuses over the pool (rule 2), below its persons (rule 7)."""
        return self._cited(quotas.set_quota, doc_title, doc, unit, kind, approved, doc=doc, on=on,
                           as_allowance=as_allowance)

    @operation(Permission.ESTABLISH, reviewed=True)
    def transfer(self, *, source: str | int, target: str | int, kind: str, count: int, doc: str,
                 doc_title: str | None = None, on: dt.date | None = None) -> Change:
        """Move approved quota between units (划转); refuses taking the source below its persons."""
        return self._cited(quotas.transfer_quota, doc_title, doc, source, target, kind, count, doc=doc, on=on)


class PostsArea(Area):
    """Leadership posts (领导职数): limits per unit and post kind, appointments and dismissals."""

    name = "posts"

    @operation(Permission.ESTABLISH, reviewed=True)
    def set_limit(self, *, unit: str | int, post: str, limit: int, doc: str, doc_title: str | None = None,
                  on: dt.date | None = None, as_allowance: bool = False) -> Change:
        """Set a unit's post limit; refuses no document, or a limit below the posts held (rule 3)."""
        return self._cited(quotas.set_post_limit, doc_title, doc, unit, post, limit, doc=doc, on=on,
                           as_allowance=as_allowance)

    @operation(Permission.STAFF)
    def appoint(self, *, id_number: str | PersonRef, post: str, doc: str | None = None, doc_title: str | None = None,
                on: dt.date | None = None) -> Change:
        """Appoint a person on establishment to a post of their unit; refuses a full post limit."""
        return self._cited(posts.appoint, doc_title, doc, id_number, post, doc=doc, on=on)

    @operation(Permission.STAFF)
    def appoint_many(self, *, requests: Sequence[AppointRequest],
                     errors: list[tuple[int, BianzhiError]] | None = None,
                     progress: Progress | None = None) -> list[Change]:
        """Appoint many persons, one entry each; with ``errors`` a refused one is listed and skipped."""
        return self._run(posts.appoint_many, requests, errors=errors, progress=progress)

    @operation(Permission.STAFF)
    def dismiss(self, *, id_number: str | PersonRef, doc: str | None = None, doc_title: str | None = None,
                on: dt.date | None = None) -> Change:
        """End a person's post; refuses a person who holds none."""
        return self._cited(posts.dismiss, doc_title, doc, id_number, doc=doc, on=on)


class ApprovalsArea(Area):
    """Usage approvals (用编核准): approve, cancel, close when expired."""

    name = "approvals"

    @operation(Permission.ESTABLISH, reviewed=True)
    def add(self, *, unit: str | int, kind: str, count: int, method: str, doc: str,
            doc_title: str | None = None, valid_until: dt.date | None = None, on: dt.date | None = None,
            number: str | None = None) -> Change:
        """Approve a unit to fill slots (``result`` is the approval number); refuses beyond the vacancy."""
        return self._cited(approvals.add_approval, doc_title, doc, unit, kind, count, method=method, doc=doc,
                           valid_until=valid_until, on=on, number=number)

    @operation(Permission.STAFF)
    def cancel(self, *, number: str, doc: str | None = None, doc_title: str | None = None,
               on: dt.date | None = None) -> Change:
        """Cancel an approval's unused slots; refuses an unknown or closed approval."""
        return self._cited(approvals.cancel_approval, doc_title, doc, number, doc=doc, on=on)

    def expire_due(self) -> list[Change]:
        """Close approvals whose validity has ended, one entry each (run on open and before each change)."""
        def expire(tx: Tx) -> list[Change]:
            return approvals.expire_approvals(tx) if approvals.due_count(tx) else []

        return self._run(expire)


class StaffArea(Area):
    """Persons on establishment (实名制): enter, leave, transfer, change kind."""

    name = "staff"

    @operation(Permission.STAFF)
    def enter(self, *, unit: str | int, kind: str, name: str, id_number: str, approval: str | None = None,
              on: dt.date | None = None) -> Change:
        """Enter one person (入编); refuses no vacancy, no approval, a person already on establishment."""
        return self._run(staff.enter_person, unit, kind, name=name, id_number=id_number, approval=approval, on=on)

    @operation(Permission.STAFF)
    def enter_many(self, *, requests: Sequence[EnterRequest], errors: list[tuple[int, BianzhiError]] | None = None,
                   progress: Progress | None = None, cancelled: Callable[[], bool] | None = None,
                   initial: bool = False) -> list[Change]:
        """Enter many persons, one entry each (see `ops.staff.enter_persons`)."""
        return self._run(staff.enter_persons, requests, errors=errors, progress=progress, cancelled=cancelled,
                         initial=initial)

    @operation(Permission.STAFF)
    def leave(self, *, id_number: str | PersonRef, reason: str, doc: str | None = None, doc_title: str | None = None,
              on: dt.date | None = None) -> Change:
        """A person leaves establishment (出编), freeing the slot at once; refuses one not on establishment."""
        return self._cited(staff.leave_person, doc_title, doc, id_number, reason=reason, on=on, doc=doc)

    @operation(Permission.STAFF)
    def transfer(self, *, id_number: str | PersonRef, unit: str | int, kind: str | None = None,
                 approval: str | None = None, on: dt.date | None = None) -> Change:
        """Move a person to another unit (调动); refuses no vacancy or no approval at the target."""
        return self._run(staff.transfer_person, id_number, unit, kind=kind, approval=approval, on=on)

    @operation(Permission.STAFF)
    def change_kind(self, *, id_number: str | PersonRef, kind: str, doc: str | None = None,
                    doc_title: str | None = None, on: dt.date | None = None) -> Change:
        """Move a person to another kind in the same unit; refuses no vacancy of that kind."""
        return self._cited(staff.change_kind, doc_title, doc, id_number, kind, doc=doc, on=on)
