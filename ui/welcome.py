"""The first screen when there is no book: create a region, open a file, or make a demo region."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import tr

SCALES = (("county", "区县(约150个单位、5,000人)"), ("city", "地市(约3,000个单位、15万人)"),
          ("province", "省(约4万个单位、150万人,需数分钟)"))


class WelcomePage(QWidget):
    create_requested = Signal(str, str, str)  # path, region name, code
    open_requested = Signal(str)
    demo_requested = Signal(str, str)  # path, scale
    server_requested = Signal()  # 连接服务器… (issue 17)

    def __init__(self, default_path: str, message: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("welcome")
        self.setWindowTitle(tr("编制台账"))
        layout = QVBoxLayout(self)
        title = QLabel(tr("欢迎使用编制台账"), self)
        title.setStyleSheet("font-size:22px;font-weight:bold")
        layout.addWidget(title)
        self.message = QLabel(message, self)
        self.message.setObjectName("welcome_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color:#b00020")
        self.message.setVisible(bool(message))
        layout.addWidget(self.message)

        path_row = QHBoxLayout()
        self.path = QLineEdit(default_path, self)
        self.path.setObjectName("welcome_path")
        browse = QPushButton(tr("浏览…"), self)
        browse.clicked.connect(self._browse_new)
        path_row.addWidget(QLabel(tr("数据库文件"), self))
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        layout.addLayout(path_row)

        create = QGroupBox(tr("新建本地区的编制台账"), self)
        form = QFormLayout(create)
        self.region = QLineEdit(create)
        self.region.setObjectName("welcome_region")
        self.region.setPlaceholderText(tr("如 杨陵区"))
        self.code = QLineEdit(create)
        self.code.setObjectName("welcome_code")
        self.code.setPlaceholderText(tr("6位行政区划代码,如 610403"))
        self.code.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,6}"), self.code))
        self.create_button = QPushButton(tr("新建"), create)
        self.create_button.setObjectName("welcome_create")
        self.create_button.setEnabled(False)
        form.addRow(tr("行政区域名称"), self.region)
        form.addRow(tr("行政区划代码"), self.code)
        form.addRow("", self.create_button)
        layout.addWidget(create)
        for edit in (self.region, self.code):
            edit.textChanged.connect(self._update)
        self.create_button.clicked.connect(
            lambda: self.create_requested.emit(self.path.text().strip(), self.region.text().strip(), self.code.text()))

        other = QGroupBox(tr("或者"), self)
        row = QHBoxLayout(other)
        open_button = QPushButton(tr("打开已有的台账文件…"), other)
        open_button.setObjectName("welcome_open")
        open_button.clicked.connect(self._browse_open)
        self.scale = QComboBox(other)
        self.scale.setObjectName("welcome_scale")
        for code, label in SCALES:
            self.scale.addItem(tr(label), code)
        demo = QPushButton(tr("生成演示区域"), other)
        demo.setObjectName("welcome_demo")
        demo.clicked.connect(lambda: self.demo_requested.emit(self.path.text().strip(), self.scale.currentData()))
        server_button = QPushButton(tr("连接服务器…"), other)
        server_button.setObjectName("welcome_server")
        server_button.clicked.connect(lambda _c=False: self.server_requested.emit())
        row.addWidget(open_button)
        row.addWidget(server_button)
        row.addStretch(1)
        row.addWidget(self.scale)
        row.addWidget(demo)
        layout.addWidget(other)
        layout.addStretch(1)
        self.resize(720, 460)

    def _update(self) -> None:
        self.create_button.setEnabled(bool(self.region.text().strip()) and len(self.code.text()) == 6)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _browse_new(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, tr("数据库文件"), self.path.text(), tr("编制台账 (*.db)"))
        if path:
            self.path.setText(path)

    def _browse_open(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, tr("打开台账"), self.path.text(),
                                                    tr("编制台账 (*.db);;所有文件 (*)"))
        if path:
            self.open_requested.emit(path)
