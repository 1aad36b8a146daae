"""设置: the interface language, the name recorded as 经办人 in the ledger, and where the window's
backups go (with their size and how long they are kept)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from ui import settings
from ui.i18n import LANGUAGES, tr

RETENTION = (7, 4, 12)  # safety.backup.thin_backups: daily, weekly, monthly backups kept
BACKUP_POLICY = QT_TRANSLATE_NOOP("", "打开台账后每天自动备份一次,退出时再备份一次(台账有变动时);每份备份是整个数据库的完整副本。保留最近{0}天每天一份、{1}周每周一份、{2}个月每月一份,更早的自动删除;恢复前保存的备份一直保留。")  # noqa: E501


def default_backup_folder() -> str:
    """The folder the window backs up into when none is chosen here."""
    from bianzhi_app.settings import data_dir

    return str(settings.backup_folder_from_environment() or data_dir() / "backups")


def backups_in(folder: str) -> tuple[int, int]:
    """(number of backups, their total bytes) in `folder`; (0, 0) when it does not exist."""
    from bianzhi_app.safety.backup import list_backups

    path = Path(folder)
    if not path.is_dir():
        return 0, 0
    count = size = 0
    for info in list_backups(path):
        try:
            size += info.path.stat().st_size
        except OSError:
            continue
        count += 1
    return count, size


def human_size(size: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


class SettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("设置"))
        self.setMinimumWidth(560)
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.language = QComboBox(self)
        self.language.setObjectName("language")
        for code, label in LANGUAGES.items():
            self.language.addItem(label, code)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.get("ui/language"))))
        self.actor = QLineEdit(settings.get("ui/actor"), self)
        self.actor.setObjectName("actor")
        self.actor.setPlaceholderText(tr("留空则用系统登录名"))
        self.actor.setMinimumWidth(self.actor.fontMetrics().horizontalAdvance(self.actor.placeholderText()) + 40)
        form.addRow(tr("界面语言"), self.language)
        form.addRow("", self._hint(tr("语言在重新打开窗口后生效")))
        form.addRow(tr("经办人"), self.actor)
        self._build_backup(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _hint(self, text: str, name: str = "") -> QLabel:
        label = QLabel(text, self)
        label.setWordWrap(True)  # a hint is never cut off
        if name:
            label.setObjectName(name)
        return label

    def _build_backup(self, form: QFormLayout) -> None:
        """备份文件夹: where the daily and on-exit backups go, chosen here unless BIANZHI_BACKUP_DIR says."""
        row = QHBoxLayout()
        self.backup_folder = QLineEdit(settings.get("backup/folder") or default_backup_folder(), self)
        self.backup_folder.setObjectName("backup_folder")
        self.backup_folder.setReadOnly(True)
        self.choose_folder = QPushButton(self)
        self.choose_folder.setText(tr("选择…"))
        self.choose_folder.setObjectName("choose_backup_folder")
        self.choose_folder.clicked.connect(self._choose)
        self.default_folder = QPushButton(self)
        self.default_folder.setText(tr("默认"))
        self.default_folder.setObjectName("default_backup_folder")
        self.default_folder.clicked.connect(lambda _c=False: self._set_folder(default_backup_folder()))
        for widget in (self.backup_folder, self.choose_folder, self.default_folder):
            row.addWidget(widget)
        form.addRow(tr("备份文件夹"), row)
        daily, weekly, monthly = RETENTION
        form.addRow("", self._hint(tr(BACKUP_POLICY).format(daily, weekly, monthly), "backup_policy"))
        self.backup_usage = self._hint("", "backup_usage")
        form.addRow("", self.backup_usage)
        if settings.backup_folder_from_environment():
            self.choose_folder.setEnabled(False)
            self.default_folder.setEnabled(False)
            form.addRow("", self._hint(tr("备份文件夹由环境变量 BIANZHI_BACKUP_DIR 指定,在此不能更改。")))
        self._show_usage()

    def _choose(self, _checked: bool = False) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("选择备份文件夹"), self.backup_folder.text())
        if folder:
            self._set_folder(folder)

    def _set_folder(self, folder: str) -> None:
        self.backup_folder.setText(folder)
        self._show_usage()

    def _show_usage(self) -> None:
        count, size = backups_in(self.backup_folder.text())
        self.backup_usage.setText(tr("此文件夹中现有备份{0}份,共{1}。").format(count, human_size(size)) if count
                                  else tr("此文件夹中还没有备份。"))

    def save(self) -> None:
        settings.set("ui/language", self.language.currentData())
        settings.set("ui/actor", self.actor.text().strip())
        if not settings.backup_folder_from_environment():
            folder = self.backup_folder.text().strip()
            settings.set("backup/folder", "" if folder == default_backup_folder() else folder)
            settings.apply_backup_folder()
        settings.qsettings().sync()
        self.accept()
