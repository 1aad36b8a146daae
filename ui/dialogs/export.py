"""导出Excel for every list of the window: the list as shown (current filter), streamed from the same
keyset-paged queries on the worker thread (bianzhi_app.io.export.export_rows), with the delayed
progress dialog and cancel. A list is described by an `ExportSource`: title, columns, and a
function from a read connection to the rows (values as the list shows them)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtWidgets import QWidget

from bianzhi_app import queries as q
from ui.dialogs.common import notify, run_in_background, save_path
from ui.i18n import tr
from ui.session import Session
from ui.worker import Job

if TYPE_CHECKING:  # the export writer loads when a user first exports, not at start-up
    from PySide6.QtWidgets import QTableWidget
    from sqlalchemy import Connection

    from bianzhi_app.io.export import ExportColumn

EXPORT_PAGE = 5000  # rows per keyset page while exporting (the views fetch 200)
Rows = Callable[[Any], Iterable[Sequence[Any]]]  # rows(conn) on the Book's connection


@dataclass
class ExportSource:
    title: str
    columns: list[ExportColumn]
    rows: Rows
    total: int = 0


def file_name(title: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", title).strip("_") + ".xlsx"


def export_list(parent: QWidget | None, session: Session, source: ExportSource, path: str | None = None
                ) -> Job | None:
    """Ask for a file (unless `path`) and write `source` there on the worker."""
    path = path or save_path(parent, tr("导出Excel"), file_name(source.title))
    if not path:
        return None

    def work(job: Job) -> int:
        with session.book.read() as conn:  # on the worker: the Book's connection, not the main thread's reader
            from bianzhi_app.io.export import export_rows

            return export_rows(path, source.title, source.columns, source.rows(conn), progress=job.progress,
                               cancel=job.cancelled, total=source.total)

    return run_in_background(parent, session, tr("导出Excel"), work,
                             lambda count: notify(parent, tr("已导出{0}行到 {1}").format(count, path)))


# --- sources ---------------------------------------------------------------------------------------

def dated(title: str, day: dt.date) -> str:
    return tr("{0}(截至{1})").format(title, day.isoformat())


def _paged(fetch: Callable[[Connection, Any, int], list[Any]], key: Callable[[Any], Any],
           getters: list[Callable[[Any], Any]]) -> Rows:
    def rows(conn: Connection) -> Iterator[list[Any]]:
        after = None
        while True:
            page = fetch(conn, after, EXPORT_PAGE)
            for record in page:
                yield [getter(record) for getter in getters]
            if len(page) < EXPORT_PAGE:
                return
            after = key(page[-1])
    return rows


def _columns(model: Any, kinds: dict[int, str]) -> tuple[list[ExportColumn], list[Callable[[Any], Any]]]:
    from bianzhi_app.io.export import ExportColumn

    columns = [ExportColumn(header, kinds.get(i, "auto")) for i, (header, _get) in enumerate(model.columns)]
    return columns, [get for _header, get in model.columns]


def roster_source(model: Any, title: str) -> ExportSource:
    """A RosterModel's list (its filter and sort): ID numbers (masked) as text, birth years as numbers, entry
    dates as dates."""
    flt = model.filter
    columns, getters = _columns(model, {2: "text", 3: "number", 7: "date"})
    return ExportSource(title, columns, _paged(lambda conn, after, n: q.roster_page(conn, flt, after, n),
                                               lambda row: row.key(flt.sort), getters))


def ledger_source(model: Any, title: str) -> ExportSource:
    flt = model.filter
    columns, getters = _columns(model, {0: "number", 1: "date", 5: "text", 7: "text", 8: "text"})
    return ExportSource(title, columns, _paged(lambda conn, after, n: q.ledger_page(conn, flt, after, n),
                                               lambda row: row["seq"], getters))


def documents_source(model: Any, title: str) -> ExportSource:
    from ui.models import documents_with_use

    search = model.search
    columns, getters = _columns(model, {0: "text", 3: "date", 5: "date"})
    return ExportSource(title, columns, _paged(lambda conn, after, n: documents_with_use(conn, search, after, n),
                                               lambda row: row["id"], getters))


def table_source(table: QTableWidget, title: str, kinds: dict[int, str] | None = None) -> ExportSource:
    """A small table as shown (read on the main thread now; written on the worker)."""
    kinds = kinds or {}
    headers = [table.horizontalHeaderItem(c).text() if table.horizontalHeaderItem(c) else ""
               for c in range(table.columnCount())]
    data: list[list[Any]] = []
    for r in range(table.rowCount()):
        row = []
        for c in range(table.columnCount()):
            item = table.item(r, c)
            value = item.data(QtCore.Qt.ItemDataRole.DisplayRole) if item is not None else None
            row.append(None if value in (None, "") else value)
        data.append(row)
    from bianzhi_app.io.export import ExportColumn

    columns = [ExportColumn(h, kinds.get(i, "auto")) for i, h in enumerate(headers)]
    return ExportSource(title, columns, lambda _conn: data, len(data))


def roster_export_source(page: Any) -> ExportSource:
    """The 人员 page's list: every person matching its search and filters, in its sort order."""
    unit = page.unit.currentText().strip()
    title = tr("在编人员名单") + (f" — {unit}" if unit else "")
    return roster_source(page.model, dated(title, page.session.today()))
