"""设置: the interface language and the name recorded as 经办人 in the ledger."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from ui import settings
from ui.i18n import LANGUAGES, tr


class SettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("设置"))
        form = QFormLayout(self)
        self.language = QComboBox(self)
        self.language.setObjectName("language")
        for code, label in LANGUAGES.items():
            self.language.addItem(label, code)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.get("ui/language"))))
        self.actor = QLineEdit(settings.get("ui/actor"), self)
        self.actor.setObjectName("actor")
        self.actor.setPlaceholderText(tr("留空则用系统登录名"))
        form.addRow(tr("界面语言"), self.language)
        form.addRow(tr("经办人"), self.actor)
        form.addRow(QLabel(tr("语言在重新打开窗口后生效"), self))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def save(self) -> None:
        settings.set("ui/language", self.language.currentData())
        settings.set("ui/actor", self.actor.text().strip())
        settings.qsettings().sync()
        self.accept()
