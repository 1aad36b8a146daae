"""导入Excel: pick a workbook, check it (a dry run of the real import), see every problem by sheet, row
and column, then import all of it, only the rows without problems, or nothing.

The check reads the file (bianzhi_app.io.workbook.read_workbook) and runs
bianzhi_app.io.importer.import_parsed(dry_run=True) on the worker thread, so it applies every rule
exactly as the import will; the import runs the same call for real on the write worker. Both show the
delayed progress dialog and can be cancelled; a cancelled import leaves the book unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bianzhi_app.errors import Cancelled
from ui import settings
from ui.i18n import tr
from ui.progress import attach_progress
from ui.session import Session, error_text
from ui.worker import Job

COUNT_LABELS = {
    "units_added": QT_TRANSLATE_NOOP("", "新设单位"), "quotas_set": QT_TRANSLATE_NOOP("", "核定编制"),
    "post_limits_set": QT_TRANSLATE_NOOP("", "核定职数"), "functions_set": QT_TRANSLATE_NOOP("", "核定主要职责"),
    "pools_set": QT_TRANSLATE_NOOP("", "编制总额"),
    "persons_entered": QT_TRANSLATE_NOOP("", "入编"), "posts_appointed": QT_TRANSLATE_NOOP("", "任职"),
    "persons_unchanged": QT_TRANSLATE_NOOP("", "无变化人员"), "approvals_added": QT_TRANSLATE_NOOP("", "用编核准"),
    "rows_refused": QT_TRANSLATE_NOOP("", "未导入的行"),
}


def counts_text(imported: dict[str, int]) -> str:
    parts = [f"{tr(COUNT_LABELS.get(key, key))}{n}" for key, n in imported.items() if n]
    return "、".join(parts) or tr("无变动")


def choose_workbook(parent: QWidget | None) -> str:
    """Ask for a workbook to import ("" when cancelled); tests replace this function."""
    folder = settings.get("db/last")
    start = str(Path(folder).parent) if folder else ""
    path, _filter = QFileDialog.getOpenFileName(parent, tr("导入Excel"), start,
                                                tr("Excel 工作簿 (*.xlsx *.xls);;所有文件 (*)"))
    return path


class ImportWizard(QDialog):
    imported = Signal(object)  # the committed ImportResult

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("import_wizard")
        self.setWindowTitle(tr("导入Excel"))
        self.setMinimumSize(760, 480)
        self.parsed: Any = None
        self.pool_sheet: Any = None
        self.approval_sheet: Any = None
        self.preview: Any = None
        self.result: Any = None
        self.job: Job | None = None
        layout = QVBoxLayout(self)
        self.steps = QStackedWidget(self)
        layout.addWidget(self.steps, 1)
        self.error = QLabel(self)
        self.error.setObjectName("import_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#b00020")
        self.error.hide()
        layout.addWidget(self.error)
        self._build_choose()
        self._build_preview()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.back_button = self._button(buttons, "import_back", tr("上一步"), self.go_back)
        self.check_button = self._button(buttons, "import_check", tr("检查"), self.start_check)
        self.import_button = self._button(buttons, "import_all", tr("导入"), lambda: self.start_import(False))
        self.valid_button = self._button(buttons, "import_valid", tr("仅导入无误的行"),
                                         lambda: self.start_import(True))
        self.close_button = self._button(buttons, "import_close", tr("取消"), self.reject)
        layout.addLayout(buttons)
        self._show_step(0)

    def _button(self, row: QHBoxLayout, name: str, label: str, slot: Any) -> QPushButton:
        button = QPushButton(label, self)
        button.setObjectName(name)
        button.clicked.connect(lambda _c=False: slot())
        row.addWidget(button)
        return button

    def _build_choose(self) -> None:
        page = QWidget(self)
        form = QFormLayout(page)
        row = QHBoxLayout()
        self.path = QLineEdit(page)
        self.path.setObjectName("import_path")
        self.path.setPlaceholderText(tr("Excel 工作簿(.xlsx 或 .xls)"))
        browse = QPushButton(tr("浏览…"), page)
        browse.setObjectName("import_browse")
        browse.clicked.connect(self._browse)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow(tr("文件"), row)
        self.initial = QCheckBox(tr("初始导入:向空台账载入本地区现有的机构、编制和在编人员"), page)
        self.initial.setObjectName("import_initial")
        self.initial.toggled.connect(self._initial_toggled)
        form.addRow("", self.initial)
        self.doc = QLineEdit(page)
        self.doc.setObjectName("import_doc")
        self.doc.setPlaceholderText(tr("如 杨编发〔2026〕12号(设立单位、核定编制或职数时必填)"))
        form.addRow(tr("文件依据(文号)"), self.doc)
        hint = QLabel(tr("先检查:程序按导入时的全部规则试导入一遍,列出每一处问题,不改动数据。"
                         "可用「文件 → 下载导入模板…」得到空白模板。"), page)
        hint.setWordWrap(True)
        form.addRow("", hint)
        self.path.textChanged.connect(lambda _t: self._update_buttons())
        self.steps.addWidget(page)

    def _build_preview(self) -> None:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.summary = QLabel(page)
        self.summary.setObjectName("import_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.problems = QTableWidget(0, 5, page)
        self.problems.setObjectName("import_problems")
        self.problems.setHorizontalHeaderLabels([tr("工作表"), tr("行"), tr("列"), tr("值"), tr("原因")])
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems.verticalHeader().setVisible(False)
        self.problems.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.problems, 1)
        self.steps.addWidget(page)

    # --- steps ---------------------------------------------------------------------------------
    def _browse(self) -> None:
        path = choose_workbook(self)
        if path:
            self.path.setText(path)

    def _initial_toggled(self, on: bool) -> None:
        self.doc.setPlaceholderText(tr("默认为「初始导入:文件名」") if on
                                    else tr("如 杨编发〔2026〕12号(设立单位、核定编制或职数时必填)"))

    def _show_step(self, index: int) -> None:
        self.steps.setCurrentIndex(index)
        self._update_buttons()

    def _update_buttons(self) -> None:
        choosing = self.steps.currentIndex() == 0
        done = self.result is not None and self.result.committed
        problems = bool(self.preview is not None and self.preview.problems)
        self.back_button.setVisible(not choosing and not done)
        self.check_button.setVisible(choosing)
        self.check_button.setEnabled(bool(self.path.text().strip()) and self.job is None)
        self.import_button.setVisible(not choosing and not done)
        self.import_button.setEnabled(self.preview is not None and not problems and self.job is None)
        self.valid_button.setVisible(not choosing and not done and problems)
        self.valid_button.setEnabled(self.job is None)
        self.close_button.setText(tr("关闭") if done else tr("取消"))

    def go_back(self) -> None:
        self.preview = None
        self.error.hide()
        self._show_step(0)

    def _fail(self, error: BaseException) -> None:
        self.job = None
        self.error.setText(error_text(error))
        self.error.show()
        self._update_buttons()

    def _options(self) -> dict[str, Any]:
        return {"file_name": Path(self.path.text().strip()).name, "pool_sheet": self.pool_sheet,
                "approval_sheet": self.approval_sheet, "initial": self.initial.isChecked(),
                "doc": self.doc.text().strip() or None}

    def start_check(self) -> Job:
        """Read the file and run the dry run on the worker."""
        from bianzhi_app.io.approval_sheet import ApprovalSheet, read_approval_sheet
        from bianzhi_app.io.importer import import_parsed
        from bianzhi_app.io.pool_sheet import PoolSheet, read_pool_sheet
        from bianzhi_app.io.workbook import read_workbook

        path = self.path.text().strip()
        initial, doc = self.initial.isChecked(), self.doc.text().strip() or None
        book = self.session.book
        self.error.hide()

        def work(job: Job) -> tuple[Any, Any, Any, Any]:
            parsed = read_workbook(path, progress=lambda d, t: job.progress(d, t, "读取文件"), cancel=job.cancelled)
            pool = read_pool_sheet(path, parsed.ignored_sheets) if parsed.ignored_sheets else PoolSheet()
            approvals = read_approval_sheet(path, parsed.ignored_sheets) if parsed.ignored_sheets \
                else ApprovalSheet()
            result = import_parsed(book, parsed, file_name=Path(path).name, pool_sheet=pool,
                                   approval_sheet=approvals, initial=initial, dry_run=True, doc=doc,
                                   progress=job.progress, cancel=job.cancelled)
            return parsed, pool, approvals, result

        def done(value: tuple[Any, Any, Any, Any]) -> None:
            self.job = None
            self.parsed, self.pool_sheet, self.approval_sheet, self.preview = value
            self._show_preview(self.preview)

        self.job = self.session.run_job(work, done, self._fail)
        attach_progress(self, self.job, tr("正在检查工作簿"))
        self._update_buttons()
        return self.job

    def _show_preview(self, result: Any) -> None:
        problems = result.problems
        self.problems.setRowCount(len(problems))
        for r, p in enumerate(problems):
            for c, value in enumerate((p.sheet, str(p.row), p.column, p.value, p.reason)):
                self.problems.setItem(r, c, QTableWidgetItem(value))
        self.problems.resizeColumnsToContents()
        if problems:
            by_sheet: dict[str, int] = {}
            for p in problems:
                by_sheet[p.sheet] = by_sheet.get(p.sheet, 0) + 1
            sheets = "、".join(f"{sheet} {n}" for sheet, n in by_sheet.items())
            rows = len({(p.sheet, p.row) for p in problems})
            self.summary.setText(tr("检查发现{0}处问题,涉及{1}行({2})。可以修改文件后重新检查,"
                                    "或「仅导入无误的行」:{3}。").format(len(problems), rows, sheets,
                                                                 counts_text(result.imported)))
        else:
            self.summary.setText(tr("检查通过,没有发现问题。导入将:{0}。").format(counts_text(result.imported)))
        self._show_step(1)

    def start_import(self, skip_invalid: bool) -> Job | None:
        """The real import on the write worker; the views refresh when it has committed."""
        from bianzhi_app.io.importer import import_parsed

        if self.parsed is None:
            return None
        options = self._options()
        book, parsed = self.session.book, self.parsed
        self.error.hide()

        def work(job: Job) -> Any:
            return import_parsed(book, parsed, skip_invalid=skip_invalid, progress=job.progress,
                                 cancel=job.cancelled, **options)

        def done(result: Any) -> None:
            self.job = None
            self.result = result
            if not result.committed:  # the book changed since the check: show what is wrong now
                self.preview = result
                self._show_preview(result)
                self.error.setText(tr("未导入任何数据:文件中有{0}处问题").format(len(result.problems)))
                self.error.show()
                return
            self.summary.setText(tr("已导入:{0}(文件依据:{1})。").format(counts_text(result.imported),
                                                                     result.document or tr("无")))
            self._update_buttons()
            self.session.head_changed.emit(self.session.head())
            self.imported.emit(result)

        def failed(error: BaseException) -> None:
            self._fail(error)
            if isinstance(error, Cancelled):
                self.error.setText(tr("已取消导入,数据库未作任何改动"))

        self.job = self.session.run_job(work, done, failed)
        attach_progress(self, self.job, tr("正在导入"))
        self._update_buttons()
        return self.job
