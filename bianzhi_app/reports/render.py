"""One entry point for every report: build the data, render the PDF, atomically.

    render_report(book, "summary", "总表.pdf", options=ReportOptions(as_of=…), progress=…, cancel=…)

The same call serves the CLI, the window (from a background job: `progress(done, total, what)`
is called as data is read and pages are laid out, and `cancel()` returning True stops the
work with `Cancelled`) and the tests. The PDF is written to a temporary file next to the
target and renamed over it only when complete, so a cancelled or failed report leaves no
half-written file.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from bianzhi_app.catalog import Catalog
from bianzhi_app.errors import InvalidInput
from bianzhi_app.reports import builders, render_tables
from bianzhi_app.reports.common import (
    ALL_KINDS,
    CancelFlag,
    Job,
    Progress,
    ReportMeta,
    ReportOptions,
    check_as_of,
)
from bianzhi_app.reports.fonts import FontRegistry, get_fonts
from bianzhi_app.reports.output import check_output_path, write_error


@dataclass(frozen=True)
class RenderResult:
    path: Path
    kind: str
    pages: int
    meta: ReportMeta
    data: Any  # the builder's dataclass (what was printed)


Builder = Callable[[Connection, Catalog, ReportOptions, Job], Any]


def _builders() -> dict[str, Builder]:
    from bianzhi_app.reports.notice import build_notice
    from bianzhi_app.reports.quarterly import build_quarterly

    return {"summary": builders.build_summary, "posts": builders.build_posts, "roster": builders.build_roster,
            "ledger": builders.build_ledger, "disclosure": builders.build_disclosure,
            "notice": build_notice, "quarterly": build_quarterly}


def _renderers() -> dict[str, Callable[..., int]]:
    from bianzhi_app.reports.audit import render_audit
    from bianzhi_app.reports.notice import render_notice
    from bianzhi_app.reports.quarterly_pdf import render_quarterly

    return {"audit": render_audit, "summary": render_tables.render_summary, "posts": render_tables.render_posts,
            "roster": render_tables.render_roster, "ledger": render_tables.render_ledger,
            "disclosure": render_tables.render_disclosure, "notice": render_notice,
            "quarterly": render_quarterly}


def build_report(book_or_conn: Any, kind: str, options: ReportOptions | None = None, *,
                 progress: Progress | None = None, cancel: CancelFlag | None = None) -> Any:
    """The plain data of a report (a dataclass with `meta`), read in one consistent snapshot.

    Refuses an unknown kind or a future as-of date (InvalidInput); an unknown unit or approval
    (NotFound); a malformed quarter (InvalidInput); `audit` for anyone but the signed-in auditor
    (NotSignedIn / NotPermitted, from `book.audit`).
    """
    if kind not in ALL_KINDS:
        raise InvalidInput(f"未知的报表「{kind}」,可用:{'、'.join(ALL_KINDS)}")
    options = options or ReportOptions()
    job = Job(progress, cancel)
    if kind == "audit":  # read through book.audit, which lets only the auditor (refuses a bare connection)
        from bianzhi_app.reports.audit import build_audit_from

        job.check()
        return build_audit_from(book_or_conn, options)
    build = _builders()[kind]
    if isinstance(book_or_conn, Connection):
        conn = book_or_conn
        catalog = Catalog.load(conn)
        check_as_of(options.as_of, dt.date.today())
        if kind == "roster" and options.full_id:  # a bare connection: only a book without accounts (open key)
            from bianzhi_app.personal import keyring

            keys = keyring.open_keys(conn)
            if keys is None:
                from bianzhi_app.errors import NotSignedIn

                raise NotSignedIn("完整身份证号须登录后经办人或审核人才能打印", field="account")
            options = replace(options, keys=keys)
        return build(conn, catalog, _with_today(options, dt.date.today()), job)
    book = book_or_conn
    today = book.clock().date()
    check_as_of(options.as_of, today)
    if kind == "roster" and options.full_id:
        options = _revealed(book, options)
    with book.read() as conn:
        return build(conn, book.catalog, _with_today(options, today), job)


def _revealed(book: Any, options: ReportOptions) -> ReportOptions:
    """A roster with full ID numbers: the role that may reveal, a reason, and the reveal logged (how many)
    before the report is built; the session's keys then open the numbers."""
    from bianzhi_app.accounts.roles import Permission
    from bianzhi_app.personal.area import clean_reason
    from bianzhi_app.queries import roster_count
    from bianzhi_app.queries.establishment import resolve_unit_id
    from bianzhi_app.queries.persons import RosterFilter

    book.require(Permission.REVEAL)
    keys = book.people.keys()
    reason = clean_reason(options.reason)
    with book.read() as conn:
        unit_id = resolve_unit_id(conn, options.unit) if options.unit else None
        count = roster_count(conn, RosterFilter(unit_id=unit_id, as_of=options.as_of))
    scope = {"unit": options.unit} if options.unit else {}
    book.people.record_reveal(what="report roster", count=count, reason=reason, scope=scope)
    return replace(options, keys=keys)


def _with_today(options: ReportOptions, today: dt.date) -> ReportOptions:
    """The book's today (its clock), for what depends on it: quarters that have ended."""
    return options if options.today is not None else replace(options, today=today)


def render_report(book_or_conn: Any, kind: str, path: str | os.PathLike[str], *,
                  options: ReportOptions | None = None, progress: Progress | None = None,
                  cancel: CancelFlag | None = None, fonts: FontRegistry | None = None) -> RenderResult:
    """Build and write report `kind` as an A4 PDF at `path` (".pdf" added when missing); returns
    pages and what was printed.

    Refuses a folder, a device or other non-regular file, or a place that cannot be written
    (InvalidInput, see `output.check_output_path`), and what `build_report` refuses; raises
    MissingGlyph (InvalidInput) naming a character no font can print, and Cancelled when
    `cancel()` turns True. `fonts` defaults to the process-wide registry (official fonts when
    installed, else the bundled ones).
    """
    target = check_output_path(path)  # before any work: a folder, a device, a read-only place
    partial = target.with_name(f".{target.name}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.touch()  # a place even root cannot write (a read-only mount) fails now, not after the work
    except OSError as exc:
        raise write_error(target, exc) from exc
    try:
        data = build_report(book_or_conn, kind, options, progress=progress, cancel=cancel)
        job = Job(progress, cancel)
        fonts = fonts or get_fonts()
        expected = _expected_pages(kind, data)

        def on_page(n: int) -> None:
            job.step(n, max(n, expected), "排版")

        try:
            pages = _renderers()[kind](data, partial, fonts=fonts, on_page=on_page)
            check_output_path(target)  # it may have become a folder or a device meanwhile
            os.replace(partial, target)
        except OSError as exc:
            raise write_error(target, exc) from exc
    finally:
        if partial.is_file():
            partial.unlink()
    return RenderResult(target, kind, pages, data.meta, data)


def _expected_pages(kind: str, data: Any) -> int:
    """A rough page count for the progress bar (rows per page of each layout)."""
    rows = len(getattr(data, "rows", ()) or ())
    per_page = {"summary": 30, "posts": 32, "roster": 40, "ledger": 20, "disclosure": 14, "audit": 40}.get(kind, 0)
    return max(1, rows // per_page + 1) if per_page else 1
