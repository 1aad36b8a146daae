"""A progress dialog that appears only when work lasts longer than ~0.5 s, with cancel."""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtWidgets import QProgressDialog, QWidget

from ui.i18n import tr
from ui.worker import Job

SHOW_AFTER_MS = 500


def attach_progress(parent: QWidget | None, job: Job, title: str, *, counts_in_label: bool = True,
                    show_after_ms: int | None = None) -> QProgressDialog:
    """Show `job`'s progress in a modal dialog after a short delay; Cancel asks the job to stop.
    The label reads "title:what done/total", or "title:what" when the job's `what` says its own counts
    (`counts_in_label=False`, e.g. a job whose bar is an overall per-mille)."""
    dialog = QProgressDialog(title, tr("取消"), 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS if show_after_ms is None else show_after_ms)
    dialog.setMinimumWidth(420)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)

    def on_progress(done: int, total: int, what: str) -> None:
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))
        if what:
            dialog.setLabelText(f"{title}:{what} {done}/{total}" if counts_in_label else f"{title}:{what}")

    def on_end(*_args: object) -> None:
        dialog.reset()
        dialog.hide()
        dialog.deleteLater()

    job.signals.progress.connect(on_progress)
    job.signals.done.connect(on_end)
    job.signals.failed.connect(on_end)
    dialog.canceled.connect(job.cancel)
    return dialog
