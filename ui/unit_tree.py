"""The unit tree on the left: by category, then parent; search as you type; over/at quota marked.

A lazy model (Qt's canFetchMore/fetchMore): the window starts with the categories only, and a
category's top units or a unit's children are read a page at a time, by SQL, when the user expands
it or scrolls to the end of what is loaded; the marks come with each page. Typing in the search
box switches the tree to a flat list of the units whose name contains the text, also paged by
SQL. So a province (40,000 units) opens as fast as a county.

A city (a book with registered subordinate regions, issue 18) gets, below its own units' categories (市本级), a
level per county labelled with its held package's day, and beneath it the county's units as the package gives
them: read-only (they carry no unit id, so no page or dialog acts on them); selecting one shows its figures under
the tree.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QPoint, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QTreeView, QVBoxLayout, QWidget

from bianzhi_app import queries as q
from ui.fields import search_edit
from ui.first_paint import DISPLAY, FOREGROUND, TOOLTIP
from ui.first_paint import USER as UNIT_ID
from ui.i18n import tr
from ui.session import Session

MARKS = {"over": ("▲", QColor("#c62828")), "at": ("●", QColor("#b26a00"))}
Index = QModelIndex | QPersistentModelIndex
PAGE = 200
FIRST_PAGE = 50  # the first page of a parent only has to fill the screen
PREFETCH_ROWS = 10  # the next page is read when the last loaded unit is this close to the bottom
EXPAND_ALL_UP_TO = 1000  # units; above it only the first category is expanded at start


class _Node:
    """One row of the tree (a plain class: the window makes hundreds of these before its first paint)."""

    __slots__ = ("category", "children", "count", "exhausted", "held", "key", "parent", "region", "row", "unit")

    def __init__(self, key: int, parent: _Node | None, row: int = 0, category: str = "", count: int = 0,
                 unit: q.UnitNode | None = None, region: dict[str, Any] | None = None,
                 held: dict[str, Any] | None = None):
        self.key = key  # the model's internal id
        self.parent = parent
        self.row = row
        self.category = category  # a category row (top level of the normal view)
        self.count = count  # a category's number of active units
        self.unit = unit
        self.region = region  # a subordinate region's level (a city's tree): its held package
        self.held = held  # one of that region's units, as its package gives it (read-only)
        self.children: list[_Node] = []
        self.exhausted = False

    @property
    def expandable(self) -> bool:
        if self.unit is not None:
            return self.unit.has_children
        return self.held is None  # the root, a category or a region's level (a held unit's children are all read)


def unit_text(node: q.UnitNode) -> str:
    mark = MARKS.get(node.state)
    return f"{mark[0]} {node.name}" if mark else node.name


def held_state(unit: dict[str, Any]) -> str:
    """A held unit's mark as the package's figures give it: over quota in any kind, or at quota."""
    quotas = [f for f in unit.get("quota", {}).values() if f.get("approved") or f.get("used")]
    if any(int(f.get("overage", 0)) > 0 or int(f.get("used", 0)) > int(f.get("approved", 0)) for f in quotas):
        return "over"
    if quotas and all(int(f.get("used", 0)) + int(f.get("reserved", 0)) >= int(f.get("approved", 0))
                      for f in quotas):
        return "at"
    return ""


def region_text(region: dict[str, Any]) -> str:
    """A subordinate region's level: its name and its held package's day (or 未报)."""
    if region["as_of"]:
        return tr("{0}(数据包截至{1},只读)").format(region["name"], region["as_of"])
    return tr("{0}(未报)").format(region["name"])


def held_figures(region: dict[str, Any], unit: dict[str, Any]) -> str:
    """What the tree shows under itself for a held unit: its region, package day and figures per kind."""
    names = {k.get("code"): k.get("name", k.get("code")) for k in region.get("kinds", [])}
    lines = [f"{unit['name']}", tr("{0} 数据包截至{1}(只读)").format(region["name"], region["as_of"])]
    for code, f in unit.get("quota", {}).items():
        if not (f.get("approved") or f.get("used") or f.get("reserved")):
            continue
        lines.append(tr("{0}:核定{1} 实有{2} 在途{3} 空编{4} 超编{5}").format(
            tr(str(names.get(code, code))), f.get("approved", 0), f.get("used", 0), f.get("reserved", 0),
            f.get("vacancy", 0), f.get("overage", 0)))
    return "\n".join(lines)


class UnitTreeModel(QAbstractItemModel):
    """Categories → top units → children, or (with a search term) a flat list of matching units."""

    def __init__(self, session: Session, parent: Any = None):
        super().__init__(parent)
        self.session = session
        self.term = ""
        self._nodes: dict[int, _Node] = {}
        self._by_unit: dict[int, _Node] = {}
        self._next = 0
        self.root = self._new(None)

    # --- nodes ----------------------------------------------------------------------------
    def _new(self, parent: _Node | None, **kw: Any) -> _Node:
        self._next += 1
        node = _Node(self._next, parent, **kw)
        self._nodes[node.key] = node
        if node.unit is not None:
            self._by_unit[node.unit.id] = node
        return node

    def reload(self, term: str | None = None) -> None:
        """Start again from the categories (or the first page of matches of `term`)."""
        self.beginResetModel()
        if term is not None:
            self.term = term.strip()
        self._nodes.clear()
        self._by_unit.clear()
        self.root = self._new(None)
        if not self.term:
            with self.session.read() as conn:
                categories = q.unit_categories(conn)
                regions = q.held_packages(conn) if q.has_subregions(conn) else []
            for row, (category, count) in enumerate(categories):
                self.root.children.append(self._new(self.root, row=row, category=category, count=count))
            for region in regions:  # a city's counties: a level each, their units read-only beneath
                level = self._new(self.root, row=len(self.root.children), region=region)
                self._add_held(level, region["units"])
                self.root.children.append(level)
            self.root.exhausted = True
        self.endResetModel()
        if self.term:
            self.fetchMore(QModelIndex())

    def _add_held(self, level: _Node, units: list[dict[str, Any]]) -> None:
        """A county's units under its level, by parent as its package gives them (a unit whose parent is not in
        the package sits at the top)."""
        ids = {u.get("id") for u in units}
        children: dict[Any, list[dict[str, Any]]] = {}
        for u in units:
            children.setdefault(u.get("parent_id") if u.get("parent_id") in ids else None, []).append(u)

        def add(owner: _Node, parent_id: Any) -> None:
            for row, unit in enumerate(children.get(parent_id, [])):
                node = self._new(owner, row=row, held=unit)
                owner.children.append(node)
                add(node, unit.get("id"))
            owner.exhausted = True

        add(level, None)

    @staticmethod
    def region_of(node: _Node) -> dict[str, Any] | None:
        """The subordinate region a held unit (or a region's level) belongs to."""
        while node is not None and node.region is None:
            node = node.parent  # type: ignore[assignment]
        return node.region if node is not None else None

    def node(self, index: Index) -> _Node:
        return self._nodes[index.internalId()] if index.isValid() else self.root

    def index_of(self, node: _Node) -> QModelIndex:
        return QModelIndex() if node is self.root else self.createIndex(node.row, 0, node.key)

    def unit_index(self, unit_id: int) -> QModelIndex:
        node = self._by_unit.get(unit_id)
        return self.index_of(node) if node is not None else QModelIndex()

    def loaded_units(self) -> dict[int, q.UnitNode]:
        """The units read so far (what the tree can show without another query)."""
        return {unit_id: node.unit for unit_id, node in self._by_unit.items() if node.unit is not None}

    def category_index(self, category: str) -> QModelIndex:
        for node in self.root.children:
            if node.category == category:
                return self.index_of(node)
        return QModelIndex()

    # --- Qt -------------------------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        owner = self.node(parent)
        if column != 0 or not 0 <= row < len(owner.children):
            return QModelIndex()
        return self.createIndex(row, 0, owner.children[row].key)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        owner = self._nodes[index.internalId()].parent
        return QModelIndex() if owner is None or owner is self.root else self.index_of(owner)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.node(parent).children) if parent.column() <= 0 else 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        node = self.node(parent)
        return bool(node.children) or (node.expandable and not node.exhausted)

    def canFetchMore(self, parent: Index) -> bool:
        """Qt asks this at every layout of an expanded item and would then read page after page of units
        nobody sees; below the top level only the first page is Qt's to fetch (UnitTree pages on scroll)."""
        node = self.node(parent)
        if node is not self.root and node.children:
            return False
        return self.has_more(node)

    def has_more(self, node: _Node) -> bool:
        return node.expandable and not node.exhausted

    def fetchMore(self, parent: Index) -> None:
        node = self.node(parent)
        if not node.expandable or node.exhausted:
            return
        last = node.children[-1].unit if node.children else None
        page = PAGE if last is not None else min(PAGE, FIRST_PAGE)
        with self.session.read() as conn:
            if node is self.root:
                rows = q.unit_search(conn, self.term, (last.name, last.id) if last else None, page)
            elif node.unit is not None:
                rows = q.unit_children(conn, parent_id=node.unit.id, after_id=last.id if last else None, limit=page)
            else:
                rows = q.unit_children(conn, category=node.category, after_id=last.id if last else None, limit=page)
        if len(rows) < page:
            node.exhausted = True
        if self.term:  # search results are a flat list
            rows = [q.UnitNode(r.id, r.name, r.category, r.parent_id, r.state, False) for r in rows]
        if rows:
            start = len(node.children)
            self.beginInsertRows(self.index_of(node), start, start + len(rows) - 1)
            for i, unit in enumerate(rows):
                node.children.append(self._new(node, row=start + i, unit=unit))
            self.endInsertRows()
        elif node.exhausted and not node.children and node is not self.root:
            self.dataChanged.emit(self.index_of(node), self.index_of(node))  # no expander any more

    # No flags(): Qt's default (enabled, selectable) serves, and a Python flags() would have to return a
    # Qt.ItemFlag, loading `Qt` for the first paint (ui.first_paint). A category selected selects no unit.
    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        node = self._nodes[index.internalId()]
        unit = node.unit
        if node.region is not None:
            return region_text(node.region) if role in (DISPLAY, TOOLTIP) else None
        if node.held is not None:
            mark = MARKS.get(held_state(node.held))
            if role == DISPLAY:
                return f"{mark[0]} {node.held['name']}" if mark else node.held["name"]
            if role == FOREGROUND:
                return mark[1] if mark else None
            region = self.region_of(node) if role == TOOLTIP else None
            if region is not None:
                return tr("{0}({1}数据包,只读)").format(node.held["name"], region["name"])
            return None  # no UNIT_ID: nothing in the window can act on a county's unit
        if unit is None:
            if role == DISPLAY:
                return f"{tr(node.category)} ({node.count})"
            return None
        if role == DISPLAY:
            return unit_text(unit)
        if role == UNIT_ID:
            return unit.id
        if role == FOREGROUND:
            mark = MARKS.get(unit.state)
            return mark[1] if mark else None  # a QColor serves as the brush
        if role == TOOLTIP:
            state = {"over": tr("超编"), "at": tr("满编")}.get(unit.state, "")
            return f"{unit.name} {state}".strip() if not self.term else f"{unit.name}({tr(unit.category)}) {state}"
        return None

    # --- after an operation ---------------------------------------------------------------
    def update_units(self, unit_ids: set[int]) -> bool:
        """Re-read the marks of loaded units an operation changed; False when the shape changed
        (a unit came, went, was renamed or moved) and the tree must be reloaded."""
        with self.session.read() as conn:
            fresh = q.unit_nodes(conn, unit_ids)
        for unit_id in unit_ids:
            node = self._by_unit.get(unit_id)
            new = fresh.get(unit_id)
            if node is None or node.unit is None:
                if new is not None:
                    return False  # a new unit (or one not loaded): its place is unknown here
                continue
            if new is None or new.name != node.unit.name or new.parent_id != node.unit.parent_id:
                return False
            node.unit = new if not self.term else q.UnitNode(new.id, new.name, new.category, new.parent_id,
                                                             new.state, False)
            index = self.index_of(node)
            self.dataChanged.emit(index, index)
        return True


class UnitTree(QWidget):
    unit_selected = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self._quiet = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = search_edit(self, "unit_search", tr("查找单位…"))
        self.model = UnitTreeModel(session, self)
        self.tree = QTreeView(self)
        self.tree.setObjectName("unit_tree")
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setModel(self.model)
        self.held_view = QLabel(self)  # a county's unit selected in a city's tree: its figures, read-only
        self.held_view.setObjectName("held_unit_figures")
        self.held_view.setWordWrap(True)
        self.held_view.hide()
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        layout.addWidget(self.held_view)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self._fetch_timer = QTimer(self)  # one look after a burst of scrolling or expanding
        self._fetch_timer.setSingleShot(True)
        self._fetch_timer.setInterval(50)
        self._fetch_timer.timeout.connect(self._fetch_visible)
        self.tree.verticalScrollBar().valueChanged.connect(lambda _v: self._fetch_timer.start())
        self.tree.expanded.connect(lambda _i: self._fetch_timer.start())
        self.reload()

    # --- loading --------------------------------------------------------------------------
    def reload(self) -> None:
        current = self.current_unit()
        self.model.reload(self.search.text())
        if not self.model.term:
            # a county's categories all open; a province's (9 × thousands of units) only the first; a city's
            # counties stay closed (each its own tree of a hundred units or more), so that every county shows
            own = [node for node in self.model.root.children if node.region is None]
            small = sum(node.count for node in own) <= EXPAND_ALL_UP_TO
            for row in range(len(own) if small else min(len(own), 1)):
                self.tree.expand(self.model.index(row, 0))
        if current is not None:  # kept selected when it is still listed; a search is never cleared for it
            self.select_unit(current, emit=False, clear_search=False)

    def apply_filter(self) -> None:
        """Search as you type: a flat list of the units whose name contains the text (from SQL)."""
        self._timer.stop()
        if self.search.text().strip() != self.model.term:
            self.reload()

    def _fetch_visible(self) -> None:
        """Below the top level Qt fetches only a parent's first page: load the next page of a parent
        whose last loaded child is (nearly) on screen."""
        rect = self.tree.viewport().rect()
        step = max(4, self.tree.fontMetrics().height() // 2)
        index = QModelIndex()
        for y in range(rect.bottom(), rect.top() - 1, -step):  # the last row on screen, even if the rows
            index = self.tree.indexAt(QPoint(rect.left() + 1, y))  # end above the bottom edge
            if index.isValid():
                break
        if not index.isValid():
            return
        parent = index.parent()
        near_end = index.row() >= self.model.rowCount(parent) - PREFETCH_ROWS
        if near_end and self.model.has_more(self.model.node(parent)):
            self.model.fetchMore(parent)

    def refresh_units(self, unit_ids: set[int]) -> None:
        """Update the marks of the units an operation changed; reload if a unit came, went or moved."""
        if not self.model.update_units(unit_ids):
            self.reload()

    # --- selection ------------------------------------------------------------------------
    def current_unit(self) -> int | None:
        index = self.tree.currentIndex()
        return index.data(UNIT_ID) if index.isValid() else None

    def contains(self, unit_id: int) -> bool:
        """Whether the unit is (or can be) in the tree: active, found by loading its path."""
        return self._locate(unit_id).isValid()

    def unit_text(self, unit_id: int) -> str | None:
        """The text the tree shows for a unit (with its mark), loading its path if needed."""
        index = self._locate(unit_id)
        return index.data() if index.isValid() else None

    def typing(self) -> bool:
        """Whether the user is at the search box: its text not yet applied, or the box has the focus
        (an input method may be composing there). Nothing then clears what they type."""
        return (self._timer.isActive() or self.search.hasFocus()
                or self.search.text().strip() != self.model.term)

    def _locate(self, unit_id: int, *, clear_search: bool = True) -> QModelIndex:
        """The unit's index, loading its path; a unit a search does not list is found by clearing the
        search (only when asked to and the user is not typing there), else not at all."""
        index = self.model.unit_index(unit_id)
        if index.isValid():
            return index
        if self.model.term and (not clear_search or self.typing()):
            return QModelIndex()
        with self.session.read() as conn:
            path = q.unit_path(conn, unit_id)
        if not path:
            return QModelIndex()
        if self.model.term:
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self.reload()
        parent = self.model.category_index(path[0].category)
        for node in path:
            if not parent.isValid():
                return QModelIndex()
            self.tree.expand(parent)
            while not self.model.unit_index(node.id).isValid() and self.model.has_more(self.model.node(parent)):
                self.model.fetchMore(parent)
            parent = self.model.unit_index(node.id)
        return parent

    def select_unit(self, unit_id: int, *, emit: bool = True, clear_search: bool = True) -> None:
        index = self._locate(unit_id, clear_search=clear_search)
        if not index.isValid():
            return
        self._quiet = not emit
        try:
            self.tree.setCurrentIndex(index)
        finally:
            self._quiet = False
        self.tree.scrollTo(index)

    def held_unit(self) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The county's region and unit selected (a city's tree), or None."""
        index = self.tree.currentIndex()
        node = self.model.node(index) if index.isValid() else None
        region = self.model.region_of(node) if node is not None and node.held is not None else None
        if node is None or node.held is None or region is None:
            return None
        return region, node.held

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        held = self.held_unit()
        if held is not None:
            self.held_view.setText(held_figures(*held))
        self.held_view.setVisible(held is not None)
        unit_id = current.data(UNIT_ID) if current.isValid() else None
        if unit_id is not None and not self._quiet:
            self.unit_selected.emit(unit_id)
