"""The typed API of personal data: `book.people`. Masked by default; a full ID number only for an account whose
roles may reveal (clerk, reviewer), with a reason, and every reveal written to the security log first (who,
what, how many, why): if the log cannot be written, nothing is shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from bianzhi_app.accounts import seclog
from bianzhi_app.accounts.roles import Permission
from bianzhi_app.accounts.seclog import Event
from bianzhi_app.errors import InvalidInput, NotSignedIn, StateRefused

if TYPE_CHECKING:
    from bianzhi_app.book import Book
    from bianzhi_app.personal.crypto import PersonalKeys
    from bianzhi_app.queries.persons import RosterFilter

REASON_MAX = 200


def clean_reason(reason: str | None) -> str:
    """The reason given for a reveal, in one line; refuses none or an over-long one (InvalidInput)."""
    text = " ".join(str(reason or "").split())
    if not text:
        raise InvalidInput("显示或导出完整身份证号须写明事由", field="reason")
    if len(text) > REASON_MAX:
        raise InvalidInput(f"事由太长:最多{REASON_MAX}个字", field="reason")
    return text


class PeopleArea:
    """Persons' ID numbers: the roster (masked, or in full on record), reveals for the window, look-ups."""

    def __init__(self, book: Book):
        self._book = book

    def keys(self) -> PersonalKeys:
        """The signed-in session's keys; refuses (NotSignedIn) when none were unwrapped."""
        keys = self._book.personal
        if keys is None:
            raise NotSignedIn("须先登录才能处理身份证号(个人信息的密钥随登录解开)", field="account")
        return keys

    def record_reveal(self, *, what: str, count: int, reason: str, event: Event = Event.REVEAL,
                      scope: dict[str, Any] | None = None) -> None:
        """Write a reveal (or a full-ID export) to the security log now, before anything is shown. Refuses
        (StateRefused) on a book opened read-only: an unlogged reveal is no reveal."""
        book = self._book
        if book.read_only:
            raise StateRefused("数据库以只读方式打开(另一个程序正在使用),不能记录安全审计日志,"
                               "因此不能显示完整身份证号", field="reason")
        by = book.account.name if book.account is not None else book.actor
        with book.transact() as tx:
            seclog.append(tx.conn, account=by, event=event, at=book.clock(),
                          detail={"what": what, "count": count, "reason": reason, **(scope or {})})

    def roster(self, *, as_of: dt.date | None = None, unit: str | int | None = None, search: str = "",
               full_id: bool = False, reason: str | None = None) -> Iterator[dict[str, Any]]:
        """The roster as `queries.roster` streams it: ID numbers masked (and the birth year only); with
        ``full_id`` in full with the birth date, after the reveal (how many, ``reason``) is logged. Refuses:
        full_id for a role that may not reveal (NotPermitted, exit 8), without a reason (InvalidInput), on a
        read-only book (StateRefused); an unknown unit (NotFound)."""
        from bianzhi_app.queries import check_as_of, roster, roster_count
        from bianzhi_app.queries.establishment import resolve_unit_id
        from bianzhi_app.queries.persons import RosterFilter

        book = self._book
        book.require(Permission.REVEAL if full_id else Permission.READ)
        keys = self.keys() if full_id else book.personal
        with book.read() as conn:  # refusals before anything is streamed
            if as_of is not None:
                check_as_of(conn, as_of)  # a day before the book has no figures (exit 4)
            unit_id = resolve_unit_id(conn, unit) if unit not in (None, "") else None  # NotFound (exit 5)
        if full_id:
            text = clean_reason(reason)
            with book.read() as conn:
                count = roster_count(conn, RosterFilter(search=search, unit_id=unit_id, as_of=as_of).with_keys(keys))
            scope: dict[str, str | bool] = {k: v for k, v in (("unit", str(unit) if unit not in (None, "") else None),
                                       ("as_of", as_of.isoformat() if as_of else None)) if v}
            self.record_reveal(what="roster", count=count, reason=text, scope=scope)

        def rows() -> Iterator[dict[str, Any]]:
            with book.read() as conn:
                yield from roster(conn, book.catalog, as_of=as_of, unit=unit_id, search=search, keys=keys,
                                  full_id=full_id)

        return rows()

    def reveal(self, *, person_ids: Iterable[int], reason: str, what: str = "window") -> dict[int, str]:
        """The full ID numbers of these persons (the window's 显示完整号码), logged first with their count and
        the reason. Refuses as `roster` with ``full_id``."""
        book = self._book
        book.require(Permission.REVEAL)
        keys = self.keys()
        text = clean_reason(reason)
        wanted = sorted({int(p) for p in person_ids})
        self.record_reveal(what=what, count=len(wanted), reason=text)
        from bianzhi_app.db.sql import in_list, rows

        found: dict[int, str] = {}
        with book.read() as conn:
            for start in range(0, len(wanted), 500):
                marks, params = in_list("p", wanted[start:start + 500])
                for person_id, sealed in rows(conn, f"SELECT id, id_cipher FROM persons WHERE id IN {marks}", params):
                    found[int(person_id)] = keys.decrypt_id(bytes(sealed))
        return found

    def find(self, *, id_number: str) -> dict[str, Any] | None:
        """A person by full ID number (normalised, then by its keyed hash) with their open slot and post, as
        `queries.person_slot` gives it; None when not in the book."""
        from bianzhi_app.queries import person_slot

        self._book.require(Permission.READ)
        with self._book.read() as conn:
            return person_slot(conn, id_number, keys=self._book.personal)

    def search_filter(self, flt: RosterFilter) -> RosterFilter:
        """``flt`` with the keyed hash of a full ID number searched for (exact on the unique index)."""
        return flt.with_keys(self._book.personal)
