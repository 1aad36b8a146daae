"""The main window's book-level commands and its data safety while a book is open.

文件: 导入Excel…, 导出整个台账(Excel)…, 下载导入模板…, 立即备份, 从备份恢复…; 工具: 检查数据库.
A book opened read-only (another program holds it) disables every action that writes and says 只读
in the status bar. A book the window holds (lock=True) is backed up at most daily while open (a timer
asks the write worker for `book.backup_if_due()`) and on exit (`book.close(backup=True)`); a failed
backup is a warning, never a reason not to exit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from bianzhi_app.errors import BianzhiError
from ui.dialogs.common import notify, run_in_background, save_path, show_error
from ui.dialogs.registry import OPERATIONS
from ui.i18n import tr
from ui.session import error_text
from ui.worker import Job

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

    from ui.main_window import MainWindow

WRITE_ACTIONS = frozenset({*(e.key for e in OPERATIONS), "import", "restore", "snapshot"})
BACKUP_CHECK_MS = 60 * 60 * 1000  # hourly look; backup_if_due makes at most one backup a day
FIRST_BACKUP_CHECK_MS = 5 * 60 * 1000


class BookActions(QObject):
    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.closed = False
        self.last_box: QMessageBox | None = None
        self.backup_timer = QTimer(self)
        self.backup_timer.timeout.connect(self.backup_if_due)
        self.read_only_label: QLabel | None = None
        self.startup_report: Any = None
        self.check_started = False

    @property
    def book(self) -> Any:
        return self.session.book

    def file_items(self) -> list[tuple[str, str, Callable[[], Any]]]:
        return [("import", tr("导入Excel…"), self.import_excel),
                ("export_book", tr("导出整个台账(Excel)…"), self.export_book),
                ("template", tr("下载导入模板…"), self.write_template),
                ("backup", tr("立即备份"), self.backup_now),
                ("migrate_server", tr("迁移到服务器…"), self.migrate_to_server),
                ("restore", tr("从备份恢复…"), self.restore)]

    def start(self) -> None:
        """After the window is built: read-only state, and the daily backup of a book the window holds."""
        if self.session.read_only:
            self._mark_read_only()
        else:  # the Book itself may open read-only (a changed schema, a chain behind its anchors): known once open
            self.session.when_ready(self._read_only_once_open)
        if self.session.holds_lock:
            self.backup_timer.start(BACKUP_CHECK_MS)
            QTimer.singleShot(FIRST_BACKUP_CHECK_MS, self, self.backup_if_due)

    def _mark_read_only(self) -> None:
        for key in WRITE_ACTIONS:
            if key in self.window.actions:
                self.window.actions[key].setEnabled(False)
        self.read_only_label = QLabel(tr("只读"), self.window)
        self.read_only_label.setObjectName("status_read_only")
        self.read_only_label.setStyleSheet("color:#b00020;font-weight:bold")
        reason = self.session.read_only_reason
        self.read_only_label.setToolTip(tr("数据库{0};本窗口只能查看,不能修改").replace("{0}", reason) if reason
                                        else tr("另一个程序正在使用这个数据库;本窗口只能查看,不能修改"))
        self.window.statusBar().addPermanentWidget(self.read_only_label)

    def _read_only_once_open(self) -> None:
        book = self.session.book
        if book.read_only and not self.session.read_only:
            self.session.read_only, self.session.read_only_reason = True, book.read_only_reason
            self.window.apply_account()  # the gates of the actions and buttons read session.read_only
            self._mark_read_only()

    # --- messages ------------------------------------------------------------------------------
    def _box(self, icon: str, title: str, text: str) -> QMessageBox:
        """A non-modal message; ``icon`` is "information" or "warning"."""
        from PySide6.QtWidgets import QMessageBox  # loads with the first message, not with the window

        box = QMessageBox(getattr(QMessageBox.Icon, icon.capitalize()), title, text,
                          QMessageBox.StandardButton.Ok, self.window)
        box.setObjectName("book_message")
        box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_box = box
        return box

    # --- import / export -----------------------------------------------------------------------
    def import_excel(self) -> Any:
        from ui.dialogs.import_wizard import ImportWizard

        wizard = ImportWizard(self.session, self.window)
        wizard.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.imported.connect(lambda _result: self.window.refresh_all())
        wizard.open()
        return wizard

    def export_book(self, path: str | None = None) -> Job | None:
        from bianzhi_app.io.export import export_book

        path = path or save_path(self.window, tr("导出整个台账(Excel)"), tr("编制台账.xlsx"))
        if not path:
            return None
        book = self.book

        def work(job: Job) -> dict[str, int]:
            return export_book(book, path, progress=job.progress, cancel=job.cancelled)

        def done(counts: dict[str, int]) -> None:
            notify(self.window, tr("已导出{0}个单位、{1}名在编人员到 {2}").format(counts["units"], counts["persons"],
                                                                         path))

        return run_in_background(self.window, self.session, tr("导出整个台账"), work, done)

    def write_template(self, path: str | None = None) -> str | None:
        from bianzhi_app.io.export import write_template

        path = path or save_path(self.window, tr("下载导入模板"), tr("导入模板.xlsx"))
        if not path:
            return None
        try:
            write_template(path)
        except BianzhiError as error:
            show_error(self.window, tr("下载导入模板"), error_text(error))
            return None
        notify(self.window, tr("已生成导入模板 {0}").format(path))
        return path

    # --- the start-up check, after the first paint -------------------------------------------------
    def after_first_paint(self) -> Job | None:
        """The bounded quick_check of the book (bianzhi_app.safety.startup) on the reader thread; the
        window opened after the header and schema check only. A problem is shown with 从备份恢复…."""
        path = self.session.file
        if path is None or self.closed or self.check_started:
            return None
        self.check_started = True  # once per opened book
        from bianzhi_app.safety.startup import startup_check

        read_only = bool(self.session.read_only)

        def done(report: Any) -> None:
            self.startup_report = report
            if not report.ok and not self.closed:
                self._damaged(report.message)

        def failed(error: BaseException) -> None:
            self.startup_report = None  # a check that could not run is not a damaged book

        return self.session.reader.submit(lambda _job: startup_check(path, read_only=read_only), done, failed)

    def _damaged(self, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Critical, tr("数据库可能已损坏"),
                          message + "\n" + tr("请先不要继续录入;可从备份恢复,或用「工具 → 检查数据库」查看详情。"),
                          QMessageBox.StandardButton.Close, self.window)
        box.setObjectName("damaged_box")
        restore = box.addButton(tr("从备份恢复…"), QMessageBox.ButtonRole.ActionRole)
        restore.setObjectName("button_restore")
        self.last_box = box
        box.exec()
        if box.clickedButton() is restore:
            self.restore()

    # --- the office server (issue 17) ------------------------------------------------------------
    def migrate_to_server(self, url: str | None = None) -> Job | None:
        """文件 → 迁移到服务器…: copy this file book into an empty server database (bianzhi_app.copying: every row,
        then `check` and both heads compared), with progress; then offer to open the server book."""
        from ui.server import ServerDialog, is_server, without_password

        if is_server(self.session.path):
            return self._box("information", tr("迁移到服务器"), tr("这个台账已经在服务器上。"))  # type: ignore[return-value]
        if url is None:
            dialog = ServerDialog(self.window, title=tr("迁移到服务器"),
                                  prompt=tr("把本台账完整复制到服务器上的一个空数据库(本文件保持不变);"
                                            "复制后逐项核对。请填写目标服务器:"))
            if dialog.exec() != ServerDialog.DialogCode.Accepted:
                return None
            url = dialog.url
        from bianzhi_app.copying import copy_book

        book = self.book
        target = url

        def work(job: Job) -> Any:
            job.progress(0, 0, tr("建立数据库结构"))
            return copy_book(book.engine, target, progress=lambda table, count: job.progress(count, 0, table))

        def done(result: Any) -> None:
            from PySide6.QtWidgets import QMessageBox

            head = result.ledger_head
            box = QMessageBox(QMessageBox.Icon.Question, tr("迁移到服务器"),
                              tr("已复制到 {0}:{1}行,核对通过(台账第{2}条)。\n现在打开服务器上的台账吗?"
                                 "之后各经办人都应连接服务器,不再使用本文件。").format(
                                  without_password(target), f"{sum(result.rows.values()):,}",
                                  head.seq if head is not None else 0),
                              QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close, self.window)
            box.setObjectName("migrate_done_box")
            box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
            box.button(QMessageBox.StandardButton.Open).setText(tr("打开服务器台账"))
            box.button(QMessageBox.StandardButton.Open).clicked.connect(
                lambda _c=False: self.window.request_open_path.emit(target))
            box.open()
            self.last_box = box

        return run_in_background(self.window, self.session, tr("正在迁移到服务器"), work, done)

    # --- backup / restore / check --------------------------------------------------------------
    def backup_now(self) -> Job:
        book = self.book

        def done(info: Any) -> None:
            head = info.extra.get("ledger_head") or {}
            self._box("information", tr("立即备份"),
                      tr("已备份到 {0}\n台账第{1}条,完整性检查通过。").format(info.path, head.get("seq", "?")))

        return run_in_background(self.window, self.session, tr("正在备份"), lambda _job: book.backup(), done)

    def backup_if_due(self) -> None:
        if self.closed or self.session.worker.busy() or not self.session.holds_lock:
            return
        book = self.book

        def done(info: Any) -> None:
            if info is not None:
                notify(self.window, tr("已自动备份到 {0}").format(info.path))

        def failed(error: BaseException) -> None:
            notify(self.window, tr("自动备份失败:") + error_text(error))

        self.session.run_job(lambda _job: book.backup_if_due(), done, failed)

    def restore(self) -> Any:
        """Pick a backup, confirm, close this book, restore, and reopen (through the launcher)."""
        from ui.dialogs.safety import RestoreDialog

        candidates = self.book.list_restore_candidates()
        if not candidates:
            return self._box("information", tr("从备份恢复"), tr("没有找到这个数据库的备份。"))
        path = self.session.path
        dialog = RestoreDialog(self.window, str(self.book.path), candidates, actor=self.book.actor,
                               before_restore=self.close_book)
        dialog.exec()
        if self.closed:
            self.window.request_open_path.emit(path)
        return dialog

    def close_book(self, backup: bool = False) -> None:
        """Finish the worker's jobs and close the book (releasing its lock) once."""
        if self.closed:
            return
        self.closed = True
        self.backup_timer.stop()
        try:
            self.session.close(backup=backup and self.session.holds_lock)
        except BianzhiError as error:  # BackupFailed, StorageError: say so, but exit all the same
            from PySide6.QtWidgets import QMessageBox

            box = QMessageBox(QMessageBox.Icon.Warning, tr("退出时备份失败"),
                              error_text(error) + "\n" + tr("数据库已正常关闭;请尽快用「文件 → 立即备份」另行备份。"),
                              QMessageBox.StandardButton.Ok, self.window)
            box.setObjectName("backup_failed_box")
            box.exec()

    def on_close(self) -> None:
        """The window closes: the on-exit backup of a book the window holds."""
        if self.session.holds_lock:
            self.close_book(backup=True)

    def check_database(self) -> Job:
        from bianzhi_app.check import run_check
        from bianzhi_app.safety.anchors import known_anchors

        book = self.book

        def work(job: Job) -> Any:
            job.progress(0, 0, tr("检查数据库"))
            with book.read() as conn:
                return run_check(conn, book.catalog, full_integrity=True, personal=book.personal,
                                 anchors=known_anchors(book.path, conn))

        def done(report: Any) -> None:
            if job.cancelled():
                return
            if report.ok:
                self._box("information", tr("检查数据库"),
                          tr("检查通过:数据库完整,台账{0}条哈希链完整,各项计数相符。").format(report.entries_checked))
            else:
                text = tr("发现{0}处问题:").format(len(report.problems)) + "\n" + "\n".join(report.problems[:20])
                self._box("warning", tr("检查数据库"), text)

        job = run_in_background(self.window, self.session, tr("正在检查数据库"), work, done)
        return job
