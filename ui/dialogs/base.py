"""The shape every operation dialog shares.

A form; below it the live figures the operation touches (核定12 实有11 在途1 空编0); a line
saying why Confirm is disabled when a rule of the core (bianzhi_app.rules, run on the live
figures) already says no or a required field is empty; and the core's refusal text if it
refuses anyway. Confirm runs the op on the worker thread through Session.run_op.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from bianzhi_app.errors import BianzhiError
from bianzhi_app.kernel import Change
from bianzhi_app.rules import QuotaFigures
from ui.dialogs import inputs
from ui.i18n import tr
from ui.session import Session, error_text

if TYPE_CHECKING:
    from bianzhi_app.book import Book

# What Confirm runs on the worker: one call of the Book's typed API, with the form's values read
# on the main thread beforehand (`lambda book: book.quotas.set(unit=…, kind=…, …)`).
Submit = Callable[["Book"], Change]


def figures_line(figures: QuotaFigures) -> str:
    text = tr("核定{0} 实有{1} 在途{2} 空编{3}").format(figures.approved, figures.used, figures.reserved,
                                                     figures.vacancy)
    return text + (tr(" 超编{0}").format(figures.overage) if figures.overage else "")


def rule_says(check: Callable[..., None], *args: Any) -> str | None:
    """Run one of bianzhi_app.rules' checks on live figures; its refusal text, or None."""
    try:
        check(*args)
    except BianzhiError as error:
        return error.message
    return None


class OpDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None, **preset: Any):
        super().__init__(parent)
        self.session = session
        self.preset = preset
        self.change: Change | None = None
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.figures = QLabel(self)
        self.figures.setObjectName("figures")
        self.figures.setWordWrap(True)
        self.figures.setStyleSheet("background:#f3f6fa;padding:6px;border-radius:4px")
        self.blocked = QLabel(self)
        self.blocked.setObjectName("blocked")
        self.blocked.setWordWrap(True)
        self.blocked.setStyleSheet("color:#8a5300")
        self.refusal = QLabel(self)
        self.refusal.setObjectName("refusal")
        self.refusal.setWordWrap(True)
        self.refusal.setStyleSheet("color:#b00020;font-weight:bold")
        for label in (self.figures, self.blocked, self.refusal):
            layout.addWidget(label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.confirm = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.confirm.setText(tr("确定"))
        self.confirm.setObjectName("confirm")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._built = False
        with session.read() as conn:
            self.build(conn)
        self._built = True
        self.refresh()

    # --- for subclasses -------------------------------------------------------------------
    def build(self, conn: Any) -> None:
        raise NotImplementedError

    def live(self, conn: Any) -> tuple[str, str | None]:
        """(figures text, reason the rules already refuse or a required field is missing)."""
        raise NotImplementedError

    def request(self) -> Submit:
        raise NotImplementedError

    # --- helpers --------------------------------------------------------------------------
    def line(self, label: str, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self.refresh)
        self.form.addRow(label, edit)
        return edit

    def spin(self, label: str, name: str, minimum: int = 0, maximum: int = 10_000_000, value: int = 0) -> QSpinBox:
        box = QSpinBox(self)
        box.setObjectName(name)
        box.setRange(minimum, maximum)
        box.setValue(value)
        box.valueChanged.connect(self.refresh)
        self.form.addRow(label, box)
        return box

    def add(self, label: str, widget: QWidget, name: str, signal: Any = None) -> Any:
        widget.setObjectName(name)
        if signal is not None:
            signal.connect(self.refresh)
        self.form.addRow(label, widget)
        return widget

    # --- flow -----------------------------------------------------------------------------
    def refresh(self, *_args: object) -> None:
        if not self._built:  # signals fire while the form is still being built
            return
        with self.session.read() as conn:
            text, reason = self.live(conn)
        self.figures.setText(text)
        self.figures.setVisible(bool(text))
        self.blocked.setText(reason or "")
        self.blocked.setVisible(bool(reason))
        self.confirm.setEnabled(reason is None)
        self.confirm.setToolTip(reason or "")

    def figures_moved(self) -> bool:
        """On a server book, other clerks may have committed since the figures were read (issue 17): read them
        again; when they moved, show the new figures (and say so) instead of confirming, so the clerk confirms
        what is true now."""
        if "://" not in self.session.path:  # a file book: the window holds it, nothing moves under it
            return False
        with self.session.read() as conn:
            text, _reason = self.live(conn)
        if text == self.figures.text():
            return False
        self.refresh()
        self.refusal.setText(tr("其他经办人刚刚改动了相关数字,上面已是最新数字;请核对后再确定。"))
        return True

    def submit(self) -> None:
        if self.figures_moved():
            return
        operation = self.request()
        self.refusal.clear()
        self.confirm.setEnabled(False)
        self.session.run_op(self, operation, on_success=self._succeeded, on_failure=self._failed,
                            initiator=self)

    def _succeeded(self, change: Change) -> None:
        self.change = change
        if change.proposal is not None:  # review is on: a clerk's 机构编制事项 waits for a reviewer
            from ui.dialogs.common import proposal_submitted

            proposal_submitted(self.parentWidget(), change.proposal)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.refusal.setText(error_text(error))
        self.refresh()


class DocumentedDialog(OpDialog):
    """A dialog for a change that must cite its document (rule 8), with an effective date."""

    def add_doc_and_date(self) -> None:
        self.doc = self.add(tr("文号(必填)"), inputs.DocEdit(self), "doc", None)
        self.doc.textChanged.connect(self.refresh)
        self.on = self.add(tr("生效日期"), inputs.DateEdit(self.session.today(), self), "on", None)

    def doc_missing(self) -> str | None:
        return None if self.doc.text().strip() else tr("须注明文件依据(文号)")
