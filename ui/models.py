"""Qt table models over keyset-paged queries: they fetch the next page as the user scrolls
(canFetchMore/fetchMore), so a 1,500,000-person roster opens as fast as a 50-person one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, ClassVar

from PySide6 import QtCore
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex

from bianzhi_app import queries as q
from bianzhi_app.catalog import Catalog
from ui.first_paint import DISPLAY, TOOLTIP
from ui.i18n import tr
from ui.session import Session

Index = QModelIndex | QPersistentModelIndex
Column = tuple[str, Callable[[Any], Any]]
TOOLTIP_FROM = 12  # characters: a text longer may be elided in its column; its tooltip shows it whole


class PagedModel(QAbstractTableModel):
    """Rows come from `fetch_page(after_key)`; `key(row)` gives the key of the next page."""

    page = q.PAGE

    def __init__(self, session: Session, columns: Sequence[Column], parent: Any = None):
        super().__init__(parent)
        self.session = session
        self.columns = list(columns)
        self.rows: list[Any] = []
        self.exhausted = False
        self.started = False  # the first reload() reads; until then a sort only sets the order

    def fetch_page(self, conn: Any, after: Any) -> list[Any]:
        raise NotImplementedError

    def key(self, row: Any) -> Any:
        raise NotImplementedError

    def reload(self) -> None:
        self.started = True
        self.beginResetModel()
        self.rows, self.exhausted = [], False
        self.endResetModel()
        self.fetchMore(QModelIndex())

    # --- Qt -------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = DISPLAY) -> Any:  # runs for every role of every cell painted
        if role == DISPLAY and index.isValid():
            value = self.columns[index.column()][1](self.rows[index.row()])
            return "" if value is None else str(value)
        if role == TOOLTIP and index.isValid():  # a long text, maybe elided in its column, whole
            value = self.columns[index.column()][1](self.rows[index.row()])
            return str(value) if isinstance(value, str) and len(value) > TOOLTIP_FROM else None
        return None

    # No headerData(): Qt would call it with a Qt.Orientation as soon as a view is given the model,
    # loading `Qt` before the first paint; a paged_view's header shows labels() from a model of its own.
    def labels(self) -> list[str]:
        return [label for label, _getter in self.columns]

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self.exhausted

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or self.exhausted:
            return
        after = self.key(self.rows[-1]) if self.rows else None
        with self.session.read() as conn:
            rows = self.fetch_page(conn, after)
        if len(rows) < self.page:
            self.exhausted = True
        if rows:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()

    def fetch_all(self) -> None:
        while self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())


class RosterModel(PagedModel):
    SORT_OF_COLUMN: ClassVar[dict[int, str]] = {0: "name", 2: "id_number", 7: "entered"}
    ID_COLUMN = 2

    def __init__(self, session: Session, parent: Any = None):
        catalog: Catalog = session.catalog
        kinds = {k.id: tr(k.name) for k in catalog.kinds}
        post_names = {k.id: tr(k.name) for k in catalog.post_kinds}
        columns: list[Column] = [
            (tr("姓名"), lambda r: r.name), (tr("性别"), lambda r: r.gender),
            (tr("身份证号"), lambda r: r.id_number), (tr("出生年份"), lambda r: r.birth_year),
            (tr("单位"), lambda r: r.unit), (tr("编制类型"), lambda r: kinds.get(r.kind_id)),
            (tr("职务"), lambda r: post_names.get(r.post_kind_id)), (tr("入编日期"), lambda r: r.entered_on)]
        # full numbers revealed on record (显示完整号码), shown until the list is read again; held nowhere else
        self.revealed: dict[int, str] = {}
        super().__init__(session, columns, parent)
        self.filter = q.RosterFilter()

    def reload(self) -> None:
        self.revealed = {}
        super().reload()

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        # a revealed number is shown in its cell only: the columns (what 导出 writes) keep the mask
        if self.revealed and role == DISPLAY and index.isValid() and index.column() == self.ID_COLUMN:
            full = self.revealed.get(self.rows[index.row()].person_id)
            if full is not None:
                return full
        return super().data(index, role)

    def show_full(self, found: dict[int, str]) -> None:
        """Show these persons' revealed full numbers in their rows (``book.people.reveal``'s answer)."""
        self.revealed.update(found)
        column = self.ID_COLUMN
        for i, row in enumerate(self.rows):
            if row.person_id in found:
                index = self.index(i, column)
                self.dataChanged.emit(index, index)

    def set_filter(self, flt: q.RosterFilter, *, load: bool = True) -> None:
        if flt.sort not in q.INDEXED_SORTS and flt.unit_id is None:
            flt = replace(flt, sort="person")  # an unindexed sort over a whole province is not paged cheaply
        self.filter = flt
        if load:
            self.reload()

    def sortable(self, column: int) -> bool:
        sort = self.SORT_OF_COLUMN.get(column)
        return sort is not None and (sort in q.INDEXED_SORTS or self.filter.unit_id is not None)

    def sort(self, column: int, order: QtCore.Qt.SortOrder | None = None) -> None:  # None: ascending
        sort = self.SORT_OF_COLUMN.get(column, "person") if self.sortable(column) else "person"
        # the view sorts once when sorting is enabled, maybe before the first read: only keep the order then
        descending = order == QtCore.Qt.SortOrder.DescendingOrder
        if (sort, descending) == (self.filter.sort, self.filter.descending):
            return  # the same order (as when sorting is switched on): nothing to read again
        self.set_filter(replace(self.filter, sort=sort, descending=descending),
                        load=self.started)

    def fetch_page(self, conn: Any, after: Any) -> list[Any]:
        return q.roster_page(conn, self.filter, after, self.page)

    def key(self, row: q.RosterRow) -> Any:
        return row.key(self.filter.sort)

    def row_at(self, row: int) -> q.RosterRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None


class LedgerModel(PagedModel):
    def __init__(self, session: Session, parent: Any = None):
        from bianzhi_app.kernel import OP_LABELS, Op
        from ui.ledger_text import Names, entry_text, local_time

        labels = {op.value: OP_LABELS[op] for op in Op}
        names = Names(session.catalog)
        columns: list[Column] = [
            (tr("序号"), lambda r: r["seq"]), (tr("生效日期"), lambda r: r["effective_on"]),
            (tr("变动"), lambda r: tr(labels.get(r["op"], r["op"]))), (tr("单位"), lambda r: r["unit"]),
            (tr("内容"), lambda r: entry_text(r, names)), (tr("文号"), lambda r: r["doc"]),
            (tr("经办人"), lambda r: r["actor"]), (tr("登记时间"), lambda r: local_time(r["at"])),
            (tr("哈希"), lambda r: r["hash"][:12])]
        super().__init__(session, columns, parent)
        self.filter = q.LedgerFilter()

    def set_filter(self, flt: q.LedgerFilter) -> None:
        self.filter = flt
        self.reload()

    def fetch_page(self, conn: Any, after: Any) -> list[Any]:
        return q.ledger_page(conn, self.filter, after, self.page)

    def key(self, row: dict[str, Any]) -> Any:
        return row["seq"]


def documents_with_use(conn: Any, search: str, after: Any, limit: int) -> list[dict[str, Any]]:
    """A page of documents (q.documents_page), each with what the ledger says of it: ``effective_on``, the
    effective day of the first change it is the basis of (the document's own date as far as the book
    knows; None when nothing cites it), ``uses`` (how many entries cite it) and ``first`` (that first
    change: its operation and unit). ``issued_on`` is the day the number was registered in the book."""
    from bianzhi_app.db.sql import day, rows

    found = q.documents_page(conn, search, after, limit)
    if not found:
        return found
    numbers = [r["number"] for r in found]
    marks = ", ".join(f":n{i}" for i in range(len(numbers)))
    params = {f"n{i}": n for i, n in enumerate(numbers)}
    use = {r[0]: (r[1], int(r[2]), int(r[3])) for r in rows(
        conn, "SELECT document_number, min(effective_on), count(*), min(seq) FROM ledger"
              f" WHERE document_number IN ({marks}) GROUP BY document_number", params)}
    firsts: dict[int, tuple[str, str]] = {}
    if use:
        seqs = sorted(v[2] for v in use.values())
        seq_marks = ", ".join(f":s{i}" for i in range(len(seqs)))
        firsts = {int(r[0]): (str(r[1]), r[2] or "") for r in rows(
            conn, f"SELECT seq, op, unit_name FROM ledger WHERE seq IN ({seq_marks})",
            {f"s{i}": s for i, s in enumerate(seqs)})}
    for row in found:
        first_day, count, seq = use.get(row["number"], (None, 0, 0))
        row["effective_on"] = day(first_day) if first_day else None
        row["uses"] = count
        row["first"] = firsts.get(seq, ("", ""))
    return found


def document_use_text(row: dict[str, Any]) -> str:
    """"设立机构 区委办公室", or "… 等3项" when the document is the basis of more changes."""
    from bianzhi_app.kernel import OP_LABELS, Op

    op, unit = row.get("first") or ("", "")
    if not op:
        return ""
    labels = {o.value: OP_LABELS[o] for o in Op}
    text = f"{tr(labels.get(op, op))} {unit}".strip()
    return text + (tr(" 等{0}项").format(row["uses"]) if row.get("uses", 0) > 1 else "")


class DocumentsModel(PagedModel):
    def __init__(self, session: Session, parent: Any = None):
        columns: list[Column] = [
            (tr("文号"), lambda r: r["number"]), (tr("标题"), lambda r: r["title"]),
            (tr("发文机关"), lambda r: r["issuer"]), (tr("生效日期"), lambda r: r.get("effective_on")),
            (tr("依据的变动"), document_use_text), (tr("登记日期"), lambda r: r["issued_on"])]
        super().__init__(session, columns, parent)
        self.search = ""

    def set_search(self, text: str) -> None:
        self.search = text
        self.reload()

    def fetch_page(self, conn: Any, after: Any) -> list[Any]:
        return documents_with_use(conn, self.search, after, self.page)

    def key(self, row: dict[str, Any]) -> Any:
        return row["id"]
