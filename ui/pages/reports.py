"""报表: pick a report and its options, generate it on a background thread (delayed progress dialog,
cancel), preview its pages inside the window (pypdfium2 → QImage, rendered only as they scroll into
view, zoom), 保存PDF… and 打印… (QtPrintSupport, each page rendered at the printer's resolution);
and 季度封存 (the quarter-end snapshot, an operation on the write worker).

The report itself is the core's: `bianzhi_app.reports.render.render_report`, the same call as the
CLI's `report` command, so the window and the CLI print the same PDF.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractListModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from bianzhi_app.errors import Cancelled
from ui import settings
from ui.fields import UnitPicker
from ui.i18n import tr
from ui.progress import attach_progress
from ui.session import Session, error_text
from ui.worker import Job

Index = QModelIndex | QPersistentModelIndex
# report kind → the options it reads (bianzhi_app.reports.builders / notice / quarterly)
OPTIONS = {
    "summary": {"as_of", "unit"},
    "posts": {"as_of", "unit"},
    "roster": {"as_of", "unit", "full_id"},
    "ledger": {"as_of", "unit", "quarter"},
    "notice": {"approval"},
    "quarterly": {"quarter"},
    "disclosure": {"as_of", "unit"},
}
ZOOMS = (50, 75, 100, 125, 150, 200)
# the titles of bianzhi_app.reports.common.TITLES, for pyside6-lupdate (shown through tr())
_TITLES = (QT_TRANSLATE_NOOP("", "机构编制情况总表"), QT_TRANSLATE_NOOP("", "领导职数配备表"),
           QT_TRANSLATE_NOOP("", "实名制人员花名册"), QT_TRANSLATE_NOOP("", "编制变动台账"),
           QT_TRANSLATE_NOOP("", "用编核准通知单"), QT_TRANSLATE_NOOP("", "季度编制审核报告"),
           QT_TRANSLATE_NOOP("", "机构编制信息公开表"))
SCREEN_DPI = 96


def page_image(page: Any, scale: float) -> QImage:
    """One PDF page (a pypdfium2 page) rendered at `scale` pixels per point, as a QImage."""
    bitmap = page.render(scale=scale, rev_byteorder=True, prefer_bgrx=True)
    try:
        fmt = QImage.Format.Format_RGBX8888 if bitmap.n_channels == 4 else QImage.Format.Format_RGB888
        return QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride, fmt).copy()
    finally:
        bitmap.close()


class PdfPagesModel(QAbstractListModel):
    """The pages of one PDF for a QListView: each rendered when the view first paints it, and kept
    in a small cache, so a 1,000-page roster previews as quickly as a one-page notice."""

    CACHE = 24

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.pdf: Any = None
        self.count = 0
        self.zoom = 100
        self.page_size = QSize(0, 0)  # of the first page, in points (the reports use one size throughout)
        self._cache: OrderedDict[int, QImage] = OrderedDict()

    def open(self, path: Path | None) -> None:
        import pypdfium2

        self.beginResetModel()
        self.close_document()
        if path is not None:
            self.pdf = pypdfium2.PdfDocument(str(path))
            self.count = len(self.pdf)
            if self.count:
                width, height = self.pdf[0].get_size()
                self.page_size = QSize(round(width), round(height))
        self.endResetModel()

    def close_document(self) -> None:
        self._cache.clear()
        if self.pdf is not None:
            self.pdf.close()
        self.pdf, self.count = None, 0

    def set_zoom(self, percent: int) -> None:
        self.beginResetModel()
        self.zoom = percent
        self._cache.clear()
        self.endResetModel()

    def scale(self) -> float:
        return SCREEN_DPI / 72 * self.zoom / 100

    def image(self, row: int) -> QImage:
        image = self._cache.get(row)
        if image is None:
            image = page_image(self.pdf[row], self.scale())
            self._cache[row] = image
            while len(self._cache) > self.CACHE:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(row)
        return image

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self.count

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.pdf is None:
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return self.image(index.row())
        if role == Qt.ItemDataRole.SizeHintRole:
            return QSize(round(self.page_size.width() * self.scale()) + 16,
                         round(self.page_size.height() * self.scale()) + 16)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tr("第{0}页,共{1}页").format(index.row() + 1, self.count)
        return None


class PdfPreview(QListView):
    """Pages one under another, centred, on a grey desk."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("report_preview")
        self.pages = PdfPagesModel(self)
        self.setModel(self.pages)
        self.setUniformItemSizes(True)
        self.setSpacing(8)
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.setSelectionMode(QListView.SelectionMode.NoSelection)
        self.setStyleSheet("QListView{background:#8a8f96}")

    def paintEvent(self, event: Any) -> None:  # draw the images ourselves: no icon scaling, no focus frame
        painter = QPainter(self.viewport())
        painter.fillRect(event.rect(), QColor("#8a8f96"))
        if self.pages.count:
            first = self.indexAt(event.rect().topLeft())
            row = first.row() if first.isValid() else 0
            while row < self.pages.count:
                index = self.pages.index(row)
                rect = self.visualRect(index)
                if rect.top() > event.rect().bottom():
                    break
                if rect.intersects(event.rect()):
                    image = self.pages.image(row)
                    x = rect.left() + max(0, (self.viewport().width() - image.width()) // 2 - rect.left())
                    painter.drawImage(x, rect.top() + 8, image)
                row += 1
        painter.end()


class ReportsPage(QWidget):
    generated = Signal(int)  # the number of pages of the report now previewed

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.built = False
        self.pdf_path: Path | None = None
        self.result: Any = None
        self.job: Job | None = None

    def refresh(self) -> None:
        """Shown: build the page the first time (bianzhi_app.reports loads reportlab, ~0.1 s, so not at
        start-up); nothing is read until the user generates a report."""
        if not self.built:
            self.build()

    def build(self) -> None:
        from bianzhi_app.ops.snapshots import Quarter
        from bianzhi_app.reports.common import KINDS, TITLES

        session = self.session
        self.built = True
        self.folder = Path(tempfile.mkdtemp(prefix="bianzhi-report-"))
        today = session.today()
        layout = QHBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        layout.addWidget(splitter)
        side = QWidget(splitter)
        column = QVBoxLayout(side)
        form = self.form = QFormLayout()
        column.addLayout(form)
        self.kind = QComboBox(side)
        self.kind.setObjectName("report_kind")
        for kind in KINDS:
            self.kind.addItem(tr(TITLES[kind]), kind)
        form.addRow(tr("报表"), self.kind)
        self.as_of_enabled = QCheckBox(tr("截至日期"), side)
        self.as_of_enabled.setObjectName("report_as_of_enabled")
        self.as_of = QDateEdit(QDate(today.year, today.month, today.day), side)
        self.as_of.setObjectName("report_as_of")
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.as_of.setMaximumDate(QDate(today.year, today.month, today.day))
        from bianzhi_app.queries import book_started

        with session.read() as conn:
            started = book_started(conn)  # no figures before the book's first entry (the CLI: exit 4)
        if started is not None:
            self.as_of.setMinimumDate(QDate(started.year, started.month, started.day))
        self.as_of_enabled.toggled.connect(self.as_of.setEnabled)
        self.as_of.setEnabled(False)
        form.addRow(self.as_of_enabled, self.as_of)
        self.unit = UnitPicker(session, side)
        self.unit.setObjectName("report_unit")
        self.unit.setPlaceholderText(tr("全部单位"))
        form.addRow(tr("单位"), self.unit)
        self.quarter = QLineEdit(Quarter.last_ended(today).label, side)
        self.quarter.setObjectName("report_quarter")
        self.quarter.setPlaceholderText(tr("如 2026Q3"))
        form.addRow(tr("季度"), self.quarter)
        self.approval = QLineEdit(side)
        self.approval.setObjectName("report_approval")
        self.approval.setPlaceholderText(tr("用编核准编号"))
        form.addRow(tr("核准编号"), self.approval)
        self.full_id = QCheckBox(tr("显示完整身份证号"), side)
        self.full_id.setObjectName("report_full_id")
        form.addRow("", self.full_id)
        self.fields = {"as_of": (self.as_of_enabled, self.as_of), "unit": (self.unit,), "quarter": (self.quarter,),
                       "approval": (self.approval,), "full_id": (self.full_id,)}
        self.generate_button = self._button(side, column, "report_generate", tr("生成报表"), self.generate)
        self.save_button = self._button(side, column, "report_save", tr("保存PDF…"), self.save_pdf)
        self.print_button = self._button(side, column, "report_print", tr("打印…"), self.print_report)
        column.addSpacing(16)
        self.snapshot_button = self._button(side, column, "report_snapshot", tr("季度封存…"), self.take_snapshot)
        self.message = QLabel(side)
        self.message.setObjectName("report_message")
        self.message.setWordWrap(True)
        column.addWidget(self.message)
        column.addStretch(1)
        body = QWidget(splitter)
        right = QVBoxLayout(body)
        right.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.info = QLabel(tr("选择报表后点「生成报表」"), body)
        self.info.setObjectName("report_info")
        bar.addWidget(self.info, 1)
        bar.addWidget(QLabel(tr("缩放"), body))
        self.zoom = QComboBox(body)
        self.zoom.setObjectName("report_zoom")
        for percent in ZOOMS:
            self.zoom.addItem(f"{percent}%", percent)
        self.zoom.setCurrentIndex(ZOOMS.index(100))
        self.zoom.currentIndexChanged.connect(lambda _i: self.preview.pages.set_zoom(self.zoom.currentData()))
        bar.addWidget(self.zoom)
        right.addLayout(bar)
        self.preview = PdfPreview(body)
        right.addWidget(self.preview, 1)
        splitter.addWidget(side)
        splitter.addWidget(body)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 900])
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self._kind_changed()
        self._set_ready(False)
        self.apply_access()
        self.destroyed.connect(lambda _o=None, folder=self.folder: shutil.rmtree(folder, ignore_errors=True))

    def _button(self, parent: QWidget, column: QVBoxLayout, name: str, label: str, slot: Any) -> QPushButton:
        button = QPushButton(label, parent)
        button.setObjectName(name)
        button.clicked.connect(lambda _c=False: slot())
        column.addWidget(button)
        return button

    def _kind_changed(self) -> None:
        applies = OPTIONS[self.kind.currentData()]
        for option, widgets in self.fields.items():
            self.form.setRowVisible(widgets[-1], option in applies)  # the row with its label

    def apply_access(self) -> None:
        """季度封存 is an operation: only for a role that may (the tooltip names the role needed otherwise)."""
        from bianzhi_app.accounts.roles import Permission
        from ui.access import gate

        gate(self.snapshot_button, Permission.STAFF, self.session.account, read_only=self.session.read_only,
             label=tr("冻结所填季度最后一天的编制数据,并记入台账;每个季度只能封存一次"))
        gate(self.full_id, Permission.REVEAL, self.session.account, read_only=self.session.read_only,
             label=tr("须写明事由,记入安全审计日志;每页标注「内部资料 注意保密」"))
        if not self.full_id.isEnabled():
            self.full_id.setChecked(False)

    def _set_ready(self, ready: bool) -> None:
        self.save_button.setEnabled(ready)
        self.print_button.setEnabled(ready)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color:#b00020;font-weight:bold" if error else "color:#1b5e20")

    # --- generating -----------------------------------------------------------------------
    def options(self, reason: str | None = None) -> Any:
        """The report's options from the form; ``reason``: the 事由 asked for a full-ID roster."""
        from bianzhi_app.reports.common import ReportOptions

        applies = OPTIONS[self.kind.currentData()]
        as_of = None
        if "as_of" in applies and self.as_of_enabled.isChecked():
            d = self.as_of.date()
            as_of = dt.date(d.year(), d.month(), d.day())
        unit = self.unit.text().strip() if "unit" in applies else ""
        quarter = self.quarter.text().strip() if "quarter" in applies else ""
        approval = self.approval.text().strip() if "approval" in applies else ""
        full_id = self.wants_full_id()
        return ReportOptions(unit=unit or None, as_of=as_of, quarter=quarter or None, approval=approval or None,
                             full_id=full_id, reason=reason if full_id else None)

    def wants_full_id(self) -> bool:
        return "full_id" in OPTIONS[self.kind.currentData()] and self.full_id.isChecked()

    def ask_reason(self) -> str | None:
        """The 事由 for a full-ID roster (the same dialog as the 人员 page's 显示完整号码); None when cancelled."""
        from ui.dialogs.reveal import RevealReasonDialog

        what = tr("生成显示完整身份证号的花名册(每页标注「内部资料 注意保密」)")
        dialog = RevealReasonDialog(self.session, self, what)
        try:
            accepted = dialog.exec() == RevealReasonDialog.DialogCode.Accepted
            return dialog.reason_text if accepted else None
        finally:
            dialog.deleteLater()

    def generate(self) -> Job | None:
        """Build and render the chosen report on the reader thread, then preview it."""
        if self.job is not None:
            return None
        from bianzhi_app.reports.common import TITLES
        from bianzhi_app.reports.render import render_report

        kind = self.kind.currentData()
        reason = None
        if self.wants_full_id():
            reason = self.ask_reason()
            if reason is None:  # cancelled: nothing generated, nothing logged
                self._say(tr("未生成:显示完整身份证号须写明事由"), error=True)
                return None
        options = self.options(reason)
        target = self.folder / f"{kind}-{dt.datetime.now():%H%M%S%f}.pdf"
        book = self.session.book
        self._say("")
        self.generate_button.setEnabled(False)

        def work(job: Job) -> Any:
            return render_report(book, kind, target, options=options, progress=job.progress, cancel=job.cancelled)

        def done(result: Any) -> None:
            self.job = None
            if not shiboken6.isValid(self):
                return
            self.generate_button.setEnabled(True)
            self.show_pdf(result.path, result)

        def failed(error: BaseException) -> None:
            self.job = None
            if not shiboken6.isValid(self):
                return
            self.generate_button.setEnabled(True)
            self._say(tr("已取消生成报表") if isinstance(error, Cancelled) else error_text(error), error=True)

        self.job = self.session.reader.submit(work, done, failed)
        attach_progress(self.window(), self.job, tr("正在生成{0}").format(tr(TITLES[kind])))
        return self.job

    def show_pdf(self, path: Path, result: Any = None) -> None:
        old = self.pdf_path
        self.preview.pages.open(path)
        self.pdf_path, self.result = path, result
        if old is not None and old != path:
            old.unlink(missing_ok=True)
        count = self.preview.pages.count
        head = f" · {result.meta.ledger_head}" if result is not None else ""
        title = tr(result.meta.title) if result is not None else path.name
        self.info.setText(tr("{0}:共{1}页").format(title, count) + head)
        self._set_ready(count > 0)
        self.generated.emit(count)

    # --- saving and printing ----------------------------------------------------------------
    def suggested_name(self) -> str:
        title = self.result.meta.title if self.result is not None else tr("报表")
        as_of = self.result.meta.as_of.isoformat() if self.result is not None else ""
        return f"{title}{('_' + as_of) if as_of else ''}.pdf"

    def save_pdf(self, path: str | None = None) -> str | None:
        """保存PDF…: a copy of the previewed PDF (exactly the bytes the report wrote)."""
        if self.pdf_path is None:
            return None
        if path is None:
            last = settings.get("db/last")
            suggested = str(Path(last).parent / self.suggested_name()) if last else self.suggested_name()
            path, _filter = QFileDialog.getSaveFileName(self, tr("保存PDF"), suggested, tr("PDF 文件 (*.pdf)"))
            if not path:
                return None
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
        try:
            shutil.copyfile(self.pdf_path, path)
        except OSError as error:
            self._say(tr("无法保存到「{0}」:{1}").format(path, error.strerror or error), error=True)
            return None
        self._say(tr("已保存到 {0}").format(path))
        return path

    def print_report(self) -> bool:
        """打印…: the printer dialog, then every chosen page rendered at the printer's resolution."""
        if self.pdf_path is None:
            return False
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.suggested_name())
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, self.preview.pages.count)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return False
        return self.print_to(printer)

    def print_to(self, printer: Any) -> bool:
        """Paint the pages (the printer's from/to range, else all) on `printer`, one sheet per page."""
        from PySide6.QtCore import QRectF
        from PySide6.QtGui import QPageLayout, QPageSize

        pdf = self.preview.pages.pdf
        if pdf is None:
            return False
        count = len(pdf)
        first = max(1, printer.fromPage() or 1)
        last = min(count, printer.toPage() or count)
        width, height = pdf[0].get_size()
        orientation = QPageLayout.Orientation.Landscape if width > height else QPageLayout.Orientation.Portrait
        printer.setPageOrientation(orientation)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        painter = QPainter()
        if not painter.begin(printer):
            self._say(tr("无法开始打印"), error=True)
            return False
        try:
            for number in range(first, last + 1):
                if number > first:
                    printer.newPage()
                area = QRectF(painter.viewport())
                page = pdf[number - 1]
                page_width, page_height = page.get_size()
                scale = min(area.width() / page_width, area.height() / page_height)  # pixels per point
                image = page_image(page, scale)
                target = QRectF(area.left(), area.top(), page_width * scale, page_height * scale)
                painter.drawImage(target, image)
        finally:
            painter.end()
        self._say(tr("已送打印:第{0}–{1}页").format(first, last))
        return True

    # --- quarter-end snapshot --------------------------------------------------------------
    def take_snapshot(self, confirmed: bool = False) -> Job | None:
        """季度封存: freeze the quarter's last day (book.region.snapshot on the write worker)."""
        quarter = self.quarter.text().strip()
        if not confirmed:
            from ui.dialogs.safety import confirm

            if not confirm(self, tr("季度封存"), tr("封存「{0}」季末的编制数据并记入台账?每个季度只能封存一次,"
                                                    "封存后不能更改。").format(quarter)):
                return None
        self._say("")

        def done(change: Any) -> None:
            if shiboken6.isValid(self):
                self._say(tr("已封存 {0} 季末数据(台账第{1}条)").format(change.result, change.seq))

        def failed(error: BaseException) -> None:
            if shiboken6.isValid(self):
                self._say(error_text(error), error=True)

        return self.session.run_op(self, lambda book: book.region.snapshot(quarter=quarter), on_success=done,
                                   on_failure=failed, initiator=self)
