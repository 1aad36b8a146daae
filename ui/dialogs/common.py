"""What the window's commands share: ask where to save, a note in the status bar, an error box, and
work on the worker with the delayed progress dialog (cancel ends quietly with a note)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtWidgets import QMainWindow, QWidget

from bianzhi_app.errors import Cancelled
from ui import settings
from ui.i18n import tr
from ui.progress import attach_progress
from ui.session import Session, error_text
from ui.worker import Job

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox


def save_path(parent: QWidget | None, caption: str, suggested: str) -> str:
    """Ask where to save an .xlsx file ("" when the user cancels); tests replace this function."""
    from PySide6.QtWidgets import QFileDialog  # dialogs load when first used, not with the window

    folder = settings.get("db/last")
    start = str(Path(folder).parent / suggested) if folder else suggested
    path, _filter = QFileDialog.getSaveFileName(parent, caption, start, tr("Excel 工作簿 (*.xlsx)"))
    if path and not path.lower().endswith(".xlsx"):
        path += ".xlsx"
    return path


def notify(parent: QWidget | None, text: str) -> None:
    """A short note in the main window's status bar (no dialog to click away)."""
    window = parent.window() if parent is not None else None
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, 15_000)


def proposal_submitted(parent: QWidget | None, number: int) -> QMessageBox:
    """An operation only proposed (review on): say so, with the proposal's number, instead of success."""
    from PySide6.QtWidgets import QMessageBox

    text = tr("已提交待审事项第{0}号,待审核人审核").format(number)
    box = QMessageBox(QMessageBox.Icon.Information, tr("已提交审核"), text + "\n" +
                      tr("审核通过后才记入台账;可在「待审事项」页查看进展。"), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("proposal_message")
    box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    notify(parent, text)
    return box


def show_error(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("export_error")
    box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def run_in_background(parent: QWidget | None, session: Session, title: str, work: Callable[[Job], Any],
                      on_done: Callable[[Any], None]) -> Job:
    """`work(job)` on the worker with the delayed progress dialog; a cancel ends quietly with a note."""
    def failed(error: BaseException) -> None:
        if isinstance(error, Cancelled):
            notify(parent, error_text(error))
        else:
            show_error(parent, title, error_text(error))

    job = session.run_job(work, on_done, failed)
    dialog = attach_progress(parent, job, title)

    def unknown_total(done: int, total: int, what: str) -> None:
        if total <= 0:
            dialog.setLabelText(tr("{0}:{1} 已写出{2}行").format(title, what, done))

    job.signals.progress.connect(unknown_total)
    return job
