"""The unit tree on the left: by category, then parent; filter as you type; over/at quota marked."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLineEdit, QTreeWidget, QTreeWidgetItem, QTreeWidgetItemIterator, QVBoxLayout, QWidget

from bianzhi_app import ui_queries as q
from bianzhi_app.catalog import CATEGORIES
from ui.i18n import tr
from ui.session import Session

UNIT_ID = Qt.ItemDataRole.UserRole
MARKS = {"over": ("▲", QColor("#c62828")), "at": ("●", QColor("#b26a00"))}


class UnitTree(QWidget):
    unit_selected = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit(self)
        self.search.setObjectName("unit_search")
        self.search.setPlaceholderText(tr("查找单位…"))
        self.search.setClearButtonEnabled(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("unit_tree")
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self.items: dict[int, QTreeWidgetItem] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.tree.currentItemChanged.connect(self._current_changed)
        self.reload()

    def reload(self) -> None:
        current = self.current_unit()
        with self.session.read() as conn:
            nodes = q.unit_tree_rows(conn)
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        self.items.clear()
        categories: dict[str, QTreeWidgetItem] = {}
        order = {c: i for i, c in enumerate(CATEGORIES)}
        for category in sorted({n.category for n in nodes}, key=lambda c: order.get(c, 99)):
            item = QTreeWidgetItem([tr(category)])
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            categories[category] = item
        by_id = {n.id: n for n in nodes}
        for n in nodes:
            self.items[n.id] = self._item(n)
        for n in nodes:
            parent = self.items.get(n.parent_id) if n.parent_id in by_id else None
            (parent or categories[n.category]).addChild(self.items[n.id])
        self.tree.addTopLevelItems(list(categories.values()))
        for item in categories.values():
            item.setExpanded(True)
            item.setText(0, f"{item.text(0)} ({item.childCount()})")
        self.tree.setUpdatesEnabled(True)
        if self.search.text():
            self.apply_filter()
        if current in self.items:
            self.tree.setCurrentItem(self.items[current])

    def _item(self, node: q.UnitNode) -> QTreeWidgetItem:
        item = QTreeWidgetItem([node.name])
        item.setData(0, UNIT_ID, node.id)
        self._mark(item, node.state)
        return item

    def _mark(self, item: QTreeWidgetItem, state: str) -> None:
        name = item.text(0).split(" ", 1)[-1] if item.text(0)[:1] in ("▲", "●") else item.text(0)
        mark = MARKS.get(state)
        item.setText(0, f"{mark[0]} {name}" if mark else name)
        item.setForeground(0, QBrush(mark[1]) if mark else QBrush())
        item.setToolTip(0, {"over": tr("超编"), "at": tr("满编")}.get(state, ""))

    def refresh_units(self, unit_ids: set[int]) -> None:
        """Update the marks of the units an operation changed; rebuild if a unit came or went."""
        with self.session.read() as conn:
            nodes = {n.id: n for n in q.unit_tree_rows(conn)}
        if set(nodes) != set(self.items) or any(
                nodes[u].name != self._name(self.items[u]) or nodes[u].parent_id != self._parent_id(self.items[u])
                for u in unit_ids if u in nodes):
            self.reload()
            return
        for unit_id in unit_ids:
            if unit_id in nodes:
                self._mark(self.items[unit_id], nodes[unit_id].state)

    @staticmethod
    def _name(item: QTreeWidgetItem) -> str:
        text = item.text(0)
        return text.split(" ", 1)[-1] if text[:1] in ("▲", "●") else text

    @staticmethod
    def _parent_id(item: QTreeWidgetItem) -> int | None:
        parent = item.parent()
        return parent.data(0, UNIT_ID) if parent is not None else None

    def apply_filter(self) -> None:
        term = self.search.text().strip()
        iterator = QTreeWidgetItemIterator(self.tree)
        visible: set[int] = set()
        while iterator.value():
            item = iterator.value()
            unit_id = item.data(0, UNIT_ID)
            if unit_id is not None:
                match = not term or term in self._name(item)
                item.setHidden(not match)
                if match:
                    visible.add(unit_id)
                    parent = item.parent()
                    while parent is not None:  # keep the path to a match visible
                        parent.setHidden(False)
                        parent.setExpanded(bool(term) or parent.parent() is None)
                        parent = parent.parent()
            iterator += 1
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            top.setHidden(bool(term) and not any(not top.child(j).isHidden() for j in range(top.childCount())))

    def current_unit(self) -> int | None:
        item = self.tree.currentItem()
        return item.data(0, UNIT_ID) if item is not None else None

    def select_unit(self, unit_id: int) -> None:
        item = self.items.get(unit_id)
        if item is not None:
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)

    def _current_changed(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if item is not None and item.data(0, UNIT_ID) is not None:
            self.unit_selected.emit(item.data(0, UNIT_ID))
