"""The main window: unit tree on the left, the pages on the right, menus, toolbar, status bar.

Views refresh from the Change an operation returns (Session.op_executed): the tree re-marks
the units it names, the unit page reloads when its unit is among them, the roster when
persons changed; pages not on screen are only marked stale and reload when shown.
A page (and the modules behind it) is built when it is first shown or asked for, so the
window's first paint costs only the page on screen.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore  # QtCore.Qt, not Qt: importing the name builds it (ui.first_paint)
from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ui import settings
from ui.dialogs.book_actions import BookActions
from ui.dialogs.registry import OPERATIONS, OpEntry
from ui.first_paint import AfterFirstPaint
from ui.i18n import tr
from ui.session import Session
from ui.unit_tree import UnitTree

if TYPE_CHECKING:
    from bianzhi_app.kernel import Change
    from ui.dialogs.base import OpDialog
    from ui.lock import IdleLock
    from ui.pages.dashboard import DashboardPage
    from ui.pages.lists import ApprovalsPage, DocumentsPage, LedgerPage
    from ui.pages.reports import ReportsPage
    from ui.pages.roster import RosterPage
    from ui.pages.unit_page import UnitPage
    from ui.shortcuts import ShortcutGuard

PAGES = ("dashboard", "unit", "roster", "approvals", "ledger", "documents", "reports", "review", "accounts", "audit")
# key → "module:Class", imported when the page is first built
PAGE_CLASSES = {
    "dashboard": "ui.pages.dashboard:DashboardPage", "unit": "ui.pages.unit_page:UnitPage",
    "roster": "ui.pages.roster:RosterPage", "approvals": "ui.pages.lists:ApprovalsPage",
    "ledger": "ui.pages.lists:LedgerPage", "documents": "ui.pages.lists:DocumentsPage",
    "reports": "ui.pages.reports:ReportsPage",
    "review": "ui.pages.review:ReviewPage", "accounts": "ui.pages.accounts:AccountsPage",
    "audit": "ui.pages.audit:AuditPage",
}


DEFAULT_SIZE = (1360, 840)  # on a larger screen; fit_to_screen shrinks it to the screen it opens on
FRAME_ALLOWANCE = (16, 40)  # a title bar and borders, until the window manager's own are known
START_CHECK_DELAY_MS = 1000  # the user sees the window and its first page before the disk is read for the check


class MainWindow(QMainWindow):
    request_open = Signal()
    request_open_path = Signal(str)
    request_new = Signal()
    request_demo = Signal()
    request_settings = Signal()
    request_server = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None, *, start_page: str | None = None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("main_window")
        from ui.server import without_password

        self.setWindowTitle(tr("编制台账 — {0}").format(without_password(session.path)))
        self.tree = UnitTree(session, self)
        self.pages = QTabWidget(self)
        self.pages.setObjectName("pages")
        self._built: dict[str, QWidget] = {}
        self._holders: dict[str, QWidget] = {}
        for key, label in zip(PAGES, (tr("概览"), tr("单位"), tr("人员"), tr("用编"), tr("台账"), tr("文件"),
                                      tr("报表"), tr("待审事项"), tr("账户"), tr("审计")), strict=True):
            holder = QWidget(self.pages)
            holder.setObjectName(f"page_{key}")
            layout = QVBoxLayout(holder)
            layout.setContentsMargins(0, 0, 0, 0)
            self._holders[key] = holder
            self.pages.addTab(holder, label)
        for key in ("review", "accounts", "audit"):  # shown by apply_account to the roles they serve
            self.pages.setTabVisible(PAGES.index(key), False)
        self.stale = set(PAGES)
        self.idle_lock: IdleLock | None = None
        self.splitter = QSplitter()  # horizontal
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.pages)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 1000])
        self.setCentralWidget(self.splitter)
        self.actions: dict[str, QAction] = {}
        self._fitted_shown = False
        self.book_actions = BookActions(self)
        self._build_menus()
        self._build_status()
        self.tree.unit_selected.connect(self.show_unit)
        self.pages.currentChanged.connect(self._page_shown)
        session.op_executed.connect(self.on_op_executed)
        session.head_changed.connect(self._show_head)
        self._restore()
        if start_page in PAGES:
            self.pages.blockSignals(True)  # only the page on screen reads its data
            self.show_page(start_page)
            self.pages.blockSignals(False)
        self._page_shown(self.pages.currentIndex())
        self.book_actions.start()
        self._first_paint = AfterFirstPaint(self.pages, self.book_actions.after_first_paint, START_CHECK_DELAY_MS)
        self._open_after_paint = AfterFirstPaint(self.pages, session.start_opening)
        self.shortcut_guard: ShortcutGuard | None = None
        self._guard_after_paint = AfterFirstPaint(self.pages, self._guard_shortcuts)
        self._start_page = start_page if start_page in PAGES else None
        self.apply_account()
        self.listener = self._listen()

    def _guard_shortcuts(self) -> None:
        """Ctrl+E 入编 and every other shortcut of the window work while an editor has the focus."""
        from ui.shortcuts import ShortcutGuard

        self.shortcut_guard = ShortcutGuard(self, self.actions.values())
        self.session.when_ready(self._start_idle_lock)

    def _start_idle_lock(self) -> None:
        """Once painted and the Book is open: its application-wide filter then costs the start-up nothing."""
        if self.idle_lock is not None:
            self.idle_lock.start()

    # --- pages, built on first use ----------------------------------------------------------
    def page(self, key: str) -> Any:
        """The page `key`, built (and its module imported) the first time it is asked for."""
        widget = self._built.get(key)
        if widget is None:
            module, name = PAGE_CLASSES[key].split(":")
            holder = self._holders[key]
            widget = getattr(importlib.import_module(module), name)(self.session, holder)
            holder.layout().addWidget(widget)
            self._built[key] = widget
            if key == "dashboard":
                widget.unit_activated.connect(self.select_unit)
        return widget

    def built(self, key: str) -> bool:
        return key in self._built

    dashboard: DashboardPage = property(lambda self: self.page("dashboard"))  # type: ignore[assignment]
    unit_page: UnitPage = property(lambda self: self.page("unit"))  # type: ignore[assignment]
    roster: RosterPage = property(lambda self: self.page("roster"))  # type: ignore[assignment]
    approvals: ApprovalsPage = property(lambda self: self.page("approvals"))  # type: ignore[assignment]
    ledger: LedgerPage = property(lambda self: self.page("ledger"))  # type: ignore[assignment]
    documents: DocumentsPage = property(lambda self: self.page("documents"))  # type: ignore[assignment]
    reports: ReportsPage = property(lambda self: self.page("reports"))  # type: ignore[assignment]

    # --- building -------------------------------------------------------------------------
    def _action(self, key: str, label: str, slot: Any, shortcut: str | QKeySequence.StandardKey = "") -> QAction:
        action = QAction(label, self)
        action.setObjectName(f"action_{key}")
        if isinstance(shortcut, QKeySequence.StandardKey):
            action.setShortcuts(shortcut)  # all of the platform's keys for it
        elif shortcut:
            action.setShortcuts([QKeySequence(shortcut)])
        action.triggered.connect(slot)
        self.actions[key] = action
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(tr("文件(&F)"))
        file_menu.addAction(self._action("new", tr("新建编制台账…"), self.request_new.emit, "Ctrl+N"))
        file_menu.addAction(self._action("open", tr("打开…"), self.request_open.emit, "Ctrl+O"))
        self.recent_menu = file_menu.addMenu(tr("最近打开"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addAction(self._action("demo", tr("生成演示区域…"), self.request_demo.emit))
        file_menu.addAction(self._action("connect_server", tr("连接服务器…"), self.request_server.emit))
        file_menu.addSeparator()
        for key, label, slot in self.book_actions.file_items():
            file_menu.addAction(self._action(key, label, slot))
            if key == "template":
                file_menu.addSeparator()
        file_menu.addSeparator()
        file_menu.addAction(self._action("settings", tr("设置…"), self.request_settings.emit, "Ctrl+,"))
        file_menu.addAction(self._action("passwd", tr("修改密码…"), lambda _c=False: self.change_password()))
        file_menu.addAction(self._action("lock", tr("锁定窗口"), self.lock_now, "Ctrl+Shift+L"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("quit", tr("退出"), self.close, "Ctrl+Q"))
        menus: dict[str, QMenu] = {}
        toolbar = QToolBar(tr("常用操作"), self)
        toolbar.setObjectName("toolbar")
        self.addToolBar(toolbar)
        for entry in OPERATIONS:
            menu = menus.get(entry.menu)
            if menu is None:
                menu = menus[entry.menu] = bar.addMenu(tr(entry.menu))
            action = self._action(entry.key, tr(entry.label), lambda _c=False, e=entry: self.open_dialog(e),
                                  entry.shortcut)
            menu.addAction(action)
            if entry.toolbar:
                toolbar.addAction(action)
        reports_menu = bar.addMenu(tr("报表(&R)"))
        reports_action = self._action("reports", tr("报表…"), lambda _c=False: self.show_page("reports"),
                                      "Ctrl+Shift+R")
        reports_menu.addAction(reports_action)
        reports_menu.addAction(self._action("snapshot", tr("季度封存…"), self.quarter_snapshot))
        toolbar.addSeparator()
        toolbar.addAction(reports_action)
        view_menu = bar.addMenu(tr("查看(&V)"))
        for i, key in enumerate(PAGES):
            view_menu.addAction(self._action(f"page_{key}", self.pages.tabText(i),  # Ctrl+1 … Ctrl+9, Ctrl+0
                                             lambda _c=False, i=i: self.pages.setCurrentIndex(i),
                                             f"Ctrl+{(i + 1) % 10}"))
        view_menu.addSeparator()
        view_menu.addAction(self._action("refresh", tr("刷新"), self.refresh_all, QKeySequence.StandardKey.Refresh))
        tools_menu = bar.addMenu(tr("工具(&T)"))
        tools_menu.addAction(self._action("check", tr("检查数据库"), self.run_check))
        help_menu = bar.addMenu(tr("帮助(&H)"))
        help_menu.addAction(self._action("about", tr("关于"), self._about))
        for menu in bar.findChildren(QMenu):
            menu.setToolTipsVisible(True)  # a disabled command says which role it needs

    def _build_status(self) -> None:
        from ui.server import without_password

        self.path_label = QLabel(without_password(self.session.path), self)
        self.actor_label = QLabel(tr("经办人:{0}").format(self.session.actor), self)
        self.actor_label.setObjectName("status_account")
        self.pending_button = QPushButton(self)
        self.pending_button.setObjectName("status_pending")
        self.pending_button.setFlat(True)
        self.pending_button.setToolTip(tr("待审核的编制事项;点击查看"))
        self.pending_button.clicked.connect(lambda _c=False: self.show_page("review"))
        self.pending_button.hide()
        self.head_label = QLabel(self)
        self.head_label.setObjectName("status_head")
        for label in (self.path_label, self.pending_button, self.actor_label, self.head_label):
            self.statusBar().addPermanentWidget(label)
        self._show_head(self.session.head())

    # --- the signed-in account (issue 15) -----------------------------------------------------------
    def apply_account(self) -> None:
        """Status bar, actions, pages and the idle lock for the session's account (again after a change)."""
        from ui.access import apply_access

        account = self.session.account
        if account is not None:
            from bianzhi_app.accounts.roles import roles_label

            self.actor_label.setText(tr("账户:{0}({1})").format(account.name, tr(roles_label(account.roles))))
        apply_access(self)
        start = self._start_page
        if start is not None and self.page_visible(start):  # a duty page shows once the roles allow it
            self._start_page = None
            if self.page_key() != start:
                self.show_page(start)
        if account is not None and self.idle_lock is None:
            from ui.lock import IdleLock

            self.idle_lock = IdleLock(self, self.session.policy().idle_minutes)
            if self.shortcut_guard is not None:  # painted already; else it starts after the first paint
                self.session.when_ready(self._start_idle_lock)
        if self.session.is_ready:
            self.update_pending()

    def set_page_visible(self, key: str, visible: bool) -> None:
        if not visible and self.page_key() == key:
            self.show_page("dashboard")
        self.pages.setTabVisible(PAGES.index(key), visible)
        self.actions[f"page_{key}"].setVisible(visible)
        if key == "review":
            self.pending_button.setVisible(visible)

    def page_visible(self, key: str) -> bool:
        return self.pages.isTabVisible(PAGES.index(key))

    def update_pending(self) -> None:
        """The count badge of pending proposals (待审事项 N) in the status bar."""
        if not self.page_visible("review"):
            return
        from bianzhi_app.accounts.review import pending_count

        with self.session.read() as conn:
            count = pending_count(conn)
        self.pending_button.setText(tr("待审事项 {0}").format(count))
        self.pending_button.setStyleSheet("color:#b00020;font-weight:bold" if count else "")

    def change_password(self, *, forced: bool = False) -> None:
        """文件 → 修改密码… (forced: the password must change before the window may be used)."""
        from PySide6.QtWidgets import QDialog

        from ui.dialogs.accounts import ChangePasswordDialog

        dialog = ChangePasswordDialog(self.session, self, forced=forced)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.session.account = dialog.result_value
            self.statusBar().showMessage(tr("密码已修改"), 15_000)
        elif forced:
            self.close()

    def lock_now(self) -> None:
        if self.idle_lock is not None:
            self.idle_lock.lock()

    def _show_head(self, head: Any) -> None:
        self.head_label.setText(tr("台账 {0}").format(head.short))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in settings.get("db/recent"):
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _c=False, p=path: self.request_open_path.emit(p))

    def _restore(self) -> None:
        geometry = settings.get("window/geometry")
        if not (geometry and self.restoreGeometry(geometry)):
            self.resize(*DEFAULT_SIZE)
            self.fit_to_screen(center=True)
        else:
            self.fit_to_screen()
        state = settings.get("window/state")
        if state:
            self.restoreState(state)
        splitter = settings.get("window/splitter")
        if splitter:
            self.splitter.restoreState(splitter)

    def fit_to_screen(self, *, center: bool = False) -> None:
        """Keep the window, frame included, inside the available area of its screen (a saved layout
        from a larger monitor, or the default size on a 1366×768 office screen)."""
        screen = self.screen()
        if screen is None or self.isMaximized() or self.isFullScreen():
            return
        area = screen.availableGeometry()
        frame = self.frameGeometry()
        # before the window is shown the window manager's frame is unknown: leave room for a title bar
        extra_w = frame.width() - self.width() if self.isVisible() else FRAME_ALLOWANCE[0]
        extra_h = frame.height() - self.height() if self.isVisible() else FRAME_ALLOWANCE[1]
        width = max(1, min(self.width(), area.width() - extra_w))
        height = max(1, min(self.height(), area.height() - extra_h))
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        outer_w, outer_h = self.width() + extra_w, self.height() + extra_h
        if center:
            x, y = area.x() + (area.width() - outer_w) // 2, area.y() + (area.height() - outer_h) // 2
        else:
            x = min(max(frame.x(), area.x()), area.x() + area.width() - outer_w)
            y = min(max(frame.y(), area.y()), area.y() + area.height() - outer_h)
        if (x, y) != (frame.x(), frame.y()):
            self.move(x, y)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted_shown:  # now the frame is known: correct the allowance made before
            self._fitted_shown = True
            self.fit_to_screen()

    # --- pages ----------------------------------------------------------------------------
    def page_key(self) -> str:
        return PAGES[self.pages.currentIndex()]

    def show_page(self, key: str) -> None:
        self.pages.setCurrentIndex(PAGES.index(key))

    def _page_shown(self, index: int) -> None:
        key = PAGES[index]
        page = self.page(key)
        if key == "roster" and not page.loaded:
            page.ensure_loaded()  # its first read is fresh: nothing stale to reload
            self.stale.discard(key)
        if key in self.stale:
            self.stale.discard(key)
            (page.refresh_persons_all if key == "roster" else page.refresh)()

    def show_unit(self, unit_id: int) -> None:
        self.unit_page.show_unit(unit_id)
        self.stale.discard("unit")
        if self.page_key() != "unit":
            self.show_page("unit")

    def select_unit(self, unit_id: int) -> None:
        self.tree.select_unit(unit_id)
        self.show_unit(unit_id)

    def _listen(self) -> Any:
        """On a server book: other clerks' commits (LISTEN/NOTIFY) refresh the window as after its own op."""
        from ui.server import ChangeListener, is_server

        if not is_server(self.session.path):
            return None
        session = self.session
        listener = ChangeListener(session.path, lambda: getattr(session._book, "notify_token", None), self)
        listener.changed.connect(self.on_remote_change)
        listener.start()
        return listener

    def on_remote_change(self) -> None:
        """Another clerk committed on the server: every page reads again, and the head label follows."""
        if self.session._closed:
            return
        self.refresh_all()
        self.update_pending()
        self.session.head_changed.emit(self.session.head())
        from ui.dialogs.base import OpDialog

        for dialog in self.findChildren(OpDialog):  # an open dialog shows the new figures before it confirms
            if dialog.isVisible():
                dialog.refresh()

    def refresh_all(self) -> None:
        self.tree.reload()
        self.stale = set(PAGES)
        self._page_shown(self.pages.currentIndex())

    def on_op_executed(self, changes: list[Change], _initiator: object) -> None:
        unit_ids = set().union(*(c.unit_ids for c in changes)) if changes else set()
        person_ids = set().union(*(c.person_ids for c in changes)) if changes else set()
        if unit_ids:
            self.tree.refresh_units(unit_ids)
        stale = {"dashboard", "approvals", "ledger", "documents", "review"}
        if self.built("unit") and self.unit_page.unit_id in unit_ids:
            stale.add("unit")
        if person_ids or unit_ids:
            stale.add("roster")
        self.stale |= stale
        self._page_shown(self.pages.currentIndex())
        self.update_pending()

    # --- operations -----------------------------------------------------------------------
    def context(self) -> dict[str, Any]:
        """What the selection suggests for a dialog: the current unit, the selected person."""
        preset: dict[str, Any] = {}
        if self.tree.current_unit() is not None:
            preset["unit_id"] = self.tree.current_unit()
        if self.page_key() == "roster" and self.roster.selected_person() is not None:
            preset["person"] = self.roster.selected_person()
        if self.page_key() == "approvals" and self.approvals.selected_number():
            preset["number"] = self.approvals.selected_number()
        return preset

    def make_dialog(self, key: str) -> OpDialog:
        entry = next(e for e in OPERATIONS if e.key == key)
        return entry.dialog(self.session, self, **self.context())

    def open_dialog(self, entry: OpEntry) -> OpDialog:
        dialog = self.make_dialog(entry.key)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def quarter_snapshot(self) -> None:
        """报表 → 季度封存…: on the 报表 page, whose 季度 field says which quarter."""
        self.show_page("reports")
        self.reports.take_snapshot()

    def run_check(self) -> None:
        """工具 → 检查数据库: integrity, counters and the ledger chain, on the worker."""
        self.book_actions.check_database()

    def _about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from bianzhi_app import __version__

        QMessageBox.about(self, tr("关于"), tr("编制台账 {0}\n机构编制实名制管理").format(__version__))

    def save_layout(self) -> None:
        settings.set("window/geometry", self.saveGeometry())
        settings.set("window/state", self.saveState())
        settings.set("window/splitter", self.splitter.saveState())
        settings.qsettings().sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        if self.listener is not None:
            self.listener.stop()
        self.book_actions.on_close()  # the on-exit backup of a book this window holds
        super().closeEvent(event)
