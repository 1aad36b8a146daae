"""Qt table models over keyset-paged queries: they fetch the next page as the user scrolls
(canFetchMore/fetchMore), so a 1,500,000-person roster opens as fast as a 50-person one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from PySide6 import QtCore
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex

from bianzhi_app import ui_queries as q
from bianzhi_app.catalog import Catalog
from ui.first_paint import DISPLAY
from ui.i18n import tr
from ui.session import Session

Index = QModelIndex | QPersistentModelIndex
Column = tuple[str, Callable[[Any], Any]]


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

    def __init__(self, session: Session, parent: Any = None):
        catalog: Catalog = session.catalog
        kinds = {k.id: k.name for k in catalog.kinds}
        post_names = {k.id: k.name for k in catalog.post_kinds}
        columns: list[Column] = [
            (tr("姓名"), lambda r: r.name), (tr("性别"), lambda r: r.gender),
            (tr("身份证号"), lambda r: r.id_number), (tr("出生日期"), lambda r: r.birth_date),
            (tr("单位"), lambda r: r.unit), (tr("编制类型"), lambda r: kinds.get(r.kind_id)),
            (tr("职务"), lambda r: post_names.get(r.post_kind_id)), (tr("入编日期"), lambda r: r.entered_on)]
        super().__init__(session, columns, parent)
        self.filter = q.RosterFilter()

    def set_filter(self, flt: q.RosterFilter, *, load: bool = True) -> None:
        if flt.sort not in q.INDEXED_SORTS and flt.unit_id is None:
            flt = flt._replace(sort="person")  # an unindexed sort over a whole province is not paged cheaply
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
        self.set_filter(self.filter._replace(sort=sort, descending=descending),
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

        labels = {op.value: OP_LABELS[op] for op in Op}
        columns: list[Column] = [
            (tr("序号"), lambda r: r["seq"]), (tr("生效日期"), lambda r: r["effective_on"]),
            (tr("变动"), lambda r: tr(labels.get(r["op"], r["op"]))), (tr("单位"), lambda r: r["unit"]),
            (tr("内容"), lambda r: r["detail"]), (tr("文号"), lambda r: r["doc"]),
            (tr("经办人"), lambda r: r["actor"]), (tr("登记时间"), lambda r: r["at"]),
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


class DocumentsModel(PagedModel):
    def __init__(self, session: Session, parent: Any = None):
        columns: list[Column] = [
            (tr("文号"), lambda r: r["number"]), (tr("标题"), lambda r: r["title"]),
            (tr("发文机关"), lambda r: r["issuer"]), (tr("日期"), lambda r: r["issued_on"])]
        super().__init__(session, columns, parent)
        self.search = ""

    def set_search(self, text: str) -> None:
        self.search = text
        self.reload()

    def fetch_page(self, conn: Any, after: Any) -> list[Any]:
        return q.documents_page(conn, self.search, after, self.page)

    def key(self, row: dict[str, Any]) -> Any:
        return row["id"]
