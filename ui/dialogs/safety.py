"""The dialogs of opening a book safely (held lock, unsafe folder, damaged file) and of restoring it
from a backup; `ui.opening.open_book` shows them when a check refuses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6 import QtCore
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bianzhi_app.errors import BianzhiError
from bianzhi_app.safety.errors import UnsafeLocation
from bianzhi_app.safety.lock import LockedByOther
from ui.i18n import tr
from ui.session import error_text

CANCEL, READ_ONLY, BREAK_LOCK, OVERRIDE, RESTORE = "cancel", "read_only", "break_lock", "override", "restore"


class ChoiceDialog(QDialog):
    """A message and a row of buttons; `choice` is the key of the button pressed (CANCEL otherwise)."""

    def __init__(self, parent: QWidget | None, title: str, message: str, buttons: list[tuple[str, str]],
                 name: str):
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.choice = CANCEL
        self.layout_ = QVBoxLayout(self)
        self.message = QLabel(message, self)
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(self.message)
        self.buttons: dict[str, QPushButton] = {}
        self.row = QHBoxLayout()
        self.row.addStretch(1)
        for key, label in [*buttons, (CANCEL, tr("取消"))]:
            button = QPushButton(label, self)
            button.setObjectName(f"button_{key}")
            button.clicked.connect(lambda _c=False, k=key: self.choose(k))
            self.buttons[key] = button
            self.row.addWidget(button)
        self.layout_.addLayout(self.row)
        self.buttons[CANCEL].setDefault(True)

    def choose(self, key: str) -> None:
        self.choice = key
        if key == CANCEL:
            self.reject()
        else:
            self.accept()

    def ask(self) -> str:
        self.exec()
        return self.choice


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setObjectName("confirm_box")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def describe_head(head: dict[str, Any] | None) -> str:
    return tr("第{0}条 {1}").format(head["seq"], str(head["hash"])[:12]) if head else tr("未记录")


class RestoreDialog(QDialog):
    """The newest good backups (date, ledger head, reason); 从备份恢复 restores the selected one after a
    confirmation. `restored` is the RestoreResult when a restore was made."""

    def __init__(self, parent: QWidget | None, path: str | Path, candidates: list[Any], message: str = "",
                 actor: str | None = None, allow_unsafe_location: bool | None = None,
                 before_restore: Callable[[], None] | None = None):
        super().__init__(parent)
        self.setObjectName("restore_dialog")
        self.setWindowTitle(tr("从备份恢复"))
        self.setMinimumSize(720, 360)
        self.path, self.candidates, self.actor = Path(path), list(candidates), actor
        self.allow_unsafe_location = allow_unsafe_location
        self.before_restore = before_restore  # the window closes its own Book on the file first
        self.restored: Any = None
        layout = QVBoxLayout(self)
        self.message = QLabel(message or tr("选择要恢复的备份(新的在前)。恢复前会先把当前文件另存到备份文件夹。"),
                              self)
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.table = QTableWidget(len(self.candidates), 4, self)
        self.table.setObjectName("backups_table")
        self.table.setHorizontalHeaderLabels([tr("备份时间"), tr("台账位置"), tr("原因"), tr("文件")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        reasons = {"manual": tr("手动"), "daily": tr("每日"), "exit": tr("退出时"), "pre-restore": tr("恢复前")}
        for row, c in enumerate(self.candidates):
            for col, text in enumerate((c.created.strftime("%Y-%m-%d %H:%M"), describe_head(c.ledger_head),
                                        reasons.get(c.reason, c.reason), c.path.name)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        if self.candidates:
            self.table.selectRow(0)
        layout.addWidget(self.table)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#b00020")
        self.error.hide()
        layout.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.restore_button = QPushButton(tr("从备份恢复"), self)
        self.restore_button.setObjectName("button_restore")
        self.restore_button.setEnabled(bool(self.candidates))
        self.restore_button.clicked.connect(self.restore_selected)
        cancel = QPushButton(tr("取消"), self)
        cancel.setObjectName("button_cancel")
        cancel.clicked.connect(self.reject)
        row.addWidget(self.restore_button)
        row.addWidget(cancel)
        layout.addLayout(row)

    def selected(self) -> Any:
        row = self.table.currentRow()
        return self.candidates[row] if 0 <= row < len(self.candidates) else None

    def restore_selected(self) -> None:
        from bianzhi_app.recovery import other_region, restore_book

        candidate = self.selected()
        if candidate is None:
            return
        text = tr("用 {0} 的备份({1})替换「{2}」?\n备份之后登记的变动将不在恢复后的台账中;"
                  "当前文件会先另存到备份文件夹。").format(candidate.created.strftime("%Y-%m-%d %H:%M"),
                                                  describe_head(candidate.ledger_head), self.path.name)
        if not confirm(self, tr("从备份恢复"), text):
            return
        regions = other_region(self.path, candidate.path)
        if regions is not None and not self._confirm_other_region(regions):
            return  # nothing changed: the book is still open
        if self.before_restore is not None:
            self.before_restore()
        QApplication.setOverrideCursor(QtCore.Qt.CursorShape.WaitCursor)
        try:
            self.restored = restore_book(self.path, candidate.path, actor=self.actor,
                                         allow_unsafe_location=self.allow_unsafe_location,
                                         other_region=regions is not None)
        except BianzhiError as error:
            self.error.setText(error_text(error))
            self.error.show()
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.accept()


    def _confirm_other_region(self, regions: tuple[tuple[str, str], tuple[str, str]]) -> bool:
        """The CLI's --other-region, asked: a backup of another region replaces this book entirely."""
        (code, name), (their_code, their_name) = regions
        text = tr("所选备份属于另一个行政区域:{0}({1}),而当前台账是{2}({3})。\n恢复会用{0}的台账整个替换"
                  "{2}的台账。确实要恢复吗?").format(their_name, their_code, name, code)
        box = QMessageBox(QMessageBox.Icon.Warning, tr("恢复另一个行政区域的备份"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("other_region_box")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes


def lock_dialog(parent: QWidget | None, error: LockedByOther) -> ChoiceDialog:
    buttons = [(READ_ONLY, tr("只读打开"))]
    if error.stale:
        buttons.insert(0, (BREAK_LOCK, tr("解除失效锁")))
    return ChoiceDialog(parent, tr("数据库正被使用"), error.message, buttons, "lock_dialog")


def unsafe_dialog(parent: QWidget | None, error: UnsafeLocation) -> ChoiceDialog:
    text = error.message.split("如确需在此位置使用")[0]  # the CLI's option names mean nothing in the window
    text += tr("\n\n移动方法:关闭本程序,把数据库文件移到本机磁盘上不被同步的文件夹,再用「文件 → 打开」打开它。"
               "\n确需在此位置使用时可以「仍然打开」,风险自负。")
    return ChoiceDialog(parent, tr("数据库位置不安全"), text, [(OVERRIDE, tr("仍然打开"))], "unsafe_dialog")
