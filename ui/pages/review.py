"""待审事项 (issue 15): the proposals a clerk made while review is on.

A reviewer sees every pending one with its figures before and after in words (as proposed; when the book's
figures moved since, today's figures too, highlighted, and what the rules would say now) and approves it
(book.review.approve: one ledger entry naming proposer and approver) or sends it back with a reason. A clerk
sees the proposals they made and what became of them. Nobody approves their own: the button says why.
"""

from __future__ import annotations

import html
import itertools
from typing import Any

from PySide6 import QtCore
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from bianzhi_app.accounts.roles import Permission
from bianzhi_app.kernel import OP_LABELS, Op
from bianzhi_app.reports.describe import describe_figures
from ui.dialogs.common import show_error
from ui.i18n import tr
from ui.pages.common import fill_table, make_table
from ui.session import Session, error_text

SCOPES = (("pending", "待审事项"), ("all", "全部事项"), ("mine", "我提交的事项"))


class ReviewPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.records: list[Any] = []
        self.view: Any = None  # the ProposalView shown below the list
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.scope = QComboBox(self)
        self.scope.setObjectName("review_scope")
        for code, label in SCOPES:
            self.scope.addItem(tr(label), code)
        self._scoped = False
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        bar.addWidget(QLabel(tr("显示"), self))
        bar.addWidget(self.scope)
        bar.addStretch(1)
        self.approve_button = QPushButton(tr("审核通过"), self)
        self.approve_button.setObjectName("review_approve")
        self.approve_button.clicked.connect(lambda _c=False: self.approve())
        self.reject_button = QPushButton(tr("退回…"), self)
        self.reject_button.setObjectName("review_reject")
        self.reject_button.clicked.connect(lambda _c=False: self.reject())
        bar.addWidget(self.approve_button)
        bar.addWidget(self.reject_button)
        layout.addLayout(bar)
        split = QSplitter(QtCore.Qt.Orientation.Vertical, self)
        self.table = make_table(split, "review_table")
        self.table.itemSelectionChanged.connect(self._selected)
        self.detail = QLabel(split)
        self.detail.setObjectName("review_detail")
        self.detail.setWordWrap(True)
        self.detail.setAlignment(QtCore.Qt.AlignmentFlag.AlignTop | QtCore.Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setStyleSheet("padding:8px;background:#f7f9fc")
        split.addWidget(self.table)
        split.addWidget(self.detail)
        layout.addWidget(split, 1)
        self._buttons()

    # --- the list -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read through the Book (its API checks the role): once it is open, never before the first paint."""
        self.session.when_ready(self._load)

    def _load(self) -> None:
        if not self._scoped:  # the account is known now: a clerk sees their own proposals
            self._scoped = True
            account = self.session.account
            if account is not None and not account.may(Permission.REVIEW):
                self.scope.blockSignals(True)
                self.scope.setCurrentIndex(2)
                self.scope.blockSignals(False)
        scope = self.scope.currentData()
        book = self.session.book
        if scope == "mine":
            records = book.review.list(status=None, mine=True)
        else:
            records = book.review.list(status="pending" if scope == "pending" else None)
        self.records = records
        fill_table(self.table, [tr("编号"), tr("事项"), tr("单位"), tr("文号"), tr("提出人"), tr("提出时间"),
                                tr("状态"), tr("审核人"), tr("退回理由")],
                   [[r.number, r.summary, r.unit, r.doc, r.proposer, r.proposed_at.replace("T", " ")[:16],
                     tr(r.status_label), r.decided_by, r.reason] for r in records], [r.number for r in records])
        self.view = None
        self.detail.setText(tr("共{0}项。选中一项查看变动前后的数字。").format(len(records)) if records
                            else tr("没有待审事项。"))
        if records:
            self.table.selectRow(0)
        self._buttons()

    def selected(self) -> Any:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        if item is None:
            return None
        number = item.data(QtCore.Qt.ItemDataRole.UserRole)
        return next((r for r in self.records if r.number == number), None)

    def _selected(self) -> None:
        record = self.selected()
        self.view = None
        self._buttons()
        if record is None:
            return
        number = record.number
        # show() previews the op in an undone savepoint (a write transaction): on the worker
        self.session.run_job(lambda _job: self.session.book.review.show(number=number), self._show,
                             lambda error: self.detail.setText(error_text(error)))

    # --- the proposal in words ----------------------------------------------------------------------
    def _show(self, view: Any) -> None:
        record = self.selected()
        if record is None or record.number != view.proposal.number:
            return  # another row was chosen meanwhile
        self.view = view
        self.detail.setText(self.describe(view))
        self._buttons()

    def describe(self, view: Any) -> str:
        p = view.proposal
        op = tr(OP_LABELS[Op(p.op)]) if p.op in {o.value for o in Op} else p.op

        parts = [f"<b>{tr('第{0}号').format(p.number)} {html.escape(p.summary or op)}</b>",
                 tr("单位:{0}  文号:{1}").format(html.escape(p.unit or "—"), html.escape(p.doc or "—")),
                 tr("提出人:{0}  提出时间:{1}  状态:{2}").format(html.escape(p.proposer),
                                                            p.proposed_at.replace("T", " ")[:16], tr(p.status_label)),
                 self.compare(tr("提交时 变动前"), p.before, tr("提交时 变动后"), p.after)]
        if view.moved:
            parts.append('<div style="background:#fff3cd;color:#8a5300;padding:4px">'
                         f"<b>{tr('提交后数字已有变动,审核以现在的数字为准:')}</b>"
                         + self.compare(tr("现在 变动前"), view.current_before, tr("通过后 变动后"), view.current_after)
                         + "</div>")
        if view.refusal:
            parts.append(f'<span style="color:#b00020"><b>{tr("按现行规则不能通过:")}</b>'
                         f"{html.escape(view.refusal)}</span>")
        if p.status != "pending":
            parts.append(tr("审核人:{0}  审核时间:{1}").format(html.escape(p.decided_by or "—"),
                                                           (p.decided_at or "").replace("T", " ")[:16]))
            if p.reason:
                parts.append(tr("退回理由:{0}").format(html.escape(p.reason)))
        return "<br>".join(parts)

    def compare(self, before_title: str, before: Any, after_title: str, after: Any) -> str:
        """Before and after side by side, a line each (a unit's name, then its figures per kind); the lines
        that change are in bold on a tinted row, so the reviewer sees at once what the proposal moves."""
        catalog = self.session.catalog
        old = (describe_figures(before, catalog) or tr("(无)")).split("\n")
        new = (describe_figures(after, catalog) or tr("(无)")).split("\n")
        rows = [f'<tr><th align="left">{before_title}</th><th></th><th align="left">{after_title}</th></tr>']
        for left, right in itertools.zip_longest(old, new, fillvalue=""):
            moved = left != right
            style = ' style="background:#e8f0fe;font-weight:bold"' if moved else ""
            rows.append(f"<tr{style}><td>{html.escape(left)}</td><td>{'→' if moved else ''}</td>"
                        f"<td>{html.escape(right)}</td></tr>")
        return f'<table cellspacing="0" cellpadding="3">{"".join(rows)}</table>'

    # --- deciding -----------------------------------------------------------------------------------
    def _why_not(self) -> str | None:
        """Why the selected proposal cannot be decided here, or None."""
        account = self.session.account
        record = self.selected()
        if account is None or not account.may(Permission.REVIEW):
            return tr("审核待审事项需要审核人(reviewer)角色")
        if record is None:
            return tr("请先选中一项待审事项")
        if record.status != "pending":
            return tr("第{0}号已{1}").format(record.number, tr(record.status_label))
        if record.proposer == account.name:
            return tr("这是您本人提出的事项,须由另一位审核人审核")
        return None

    def _buttons(self) -> None:
        reason = self._why_not()
        may_review = self.session.account is not None and self.session.account.may(Permission.REVIEW)
        for button in (self.approve_button, self.reject_button):
            button.setVisible(may_review)
            button.setEnabled(reason is None)
            button.setToolTip(reason or "")
        if reason is None and self.view is not None and self.view.refusal:
            self.approve_button.setEnabled(False)
            self.approve_button.setToolTip(self.view.refusal)

    def approve(self) -> None:
        record = self.selected()
        if record is None or self._why_not():
            return
        number = record.number
        self.approve_button.setEnabled(False)
        self.session.run_op(self, lambda book: book.review.approve(number=number),
                            on_success=lambda _change: self._decided(tr("第{0}号已审核通过,记入台账").format(number)),
                            on_failure=self._failed)

    def reject(self) -> Any:
        record = self.selected()
        if record is None or self._why_not():
            return None
        from ui.dialogs.accounts import RejectDialog

        dialog = RejectDialog(self.session, self, record.number)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        number = record.number
        dialog.done_callbacks.append(lambda _none: self._decided(tr("第{0}号已退回").format(number)))
        dialog.open()
        return dialog

    def _decided(self, text: str) -> None:
        from ui.dialogs.common import notify

        notify(self, text)
        self.refresh()
        window = self.window()
        if hasattr(window, "update_pending"):
            window.update_pending()

    def _failed(self, error: BaseException) -> None:
        show_error(self, tr("审核未完成"), error_text(error))
        self.refresh()
