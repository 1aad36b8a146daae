"""The reason for seeing full ID numbers (issue 16): the 人员 page's 显示完整号码 and the 报表 page's
显示完整身份证号 both ask for a 事由 first. The core logs every reveal with its reason in the security log
before anything is shown; the window only asks and passes it on. The reason is cleaned like any one-line
text; the full numbers themselves never go to settings, logs or messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bianzhi_app.personal.area import REASON_MAX
from bianzhi_app.texts import line_problem
from ui.dialogs.accounts import AccountDialog
from ui.i18n import tr
from ui.session import Session

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from bianzhi_app.book import Book


def clean_reason(text: str) -> str:
    """The reason as passed on: one line, runs of white space made one space."""
    return " ".join(text.split())


class RevealReasonDialog(AccountDialog):
    """事由 for a reveal. With ``work`` (the reason → one call of the Book) OK runs it on the worker and the
    dialog stays open with the core's refusal; without, OK only keeps the reason (``reason``) for the caller."""

    def __init__(self, session: Session, parent: QWidget | None, what: str,
                 work: Callable[[str], Callable[[Book], Any]] | None = None):
        super().__init__(session, parent, tr("显示完整身份证号"), "reveal_dialog")
        self._work = work
        self.reason_text = ""
        self.say(tr("{0}。查看完整身份证号将记入安全审计日志(谁、何时、几人、事由),请写明事由。").format(what),
                 intro=True)
        self.reason = self.line(tr("事由"), "reveal_reason")
        self.reason.setMaxLength(REASON_MAX + 50)  # the count after cleaning is checked below
        self.reason.setPlaceholderText(tr("例如:核对某人员档案"))

    def problem(self) -> str | None:
        text = self.reason.text()
        problem = line_problem(text, tr("事由"), 10_000)
        if problem:
            return problem
        cleaned = clean_reason(text)
        if not cleaned:
            return tr("显示或导出完整身份证号须写明事由")
        if len(cleaned) > REASON_MAX:
            return tr("事由太长:最多{0}个字").format(REASON_MAX)
        return None

    def submit(self) -> None:
        if self._work is not None:
            super().submit()
            return
        problem = self.problem()
        if problem:
            self.say(problem)
            return
        self.reason_text = clean_reason(self.reason.text())
        self.accept()

    def work(self) -> Callable[[Book], Any]:
        assert self._work is not None
        self.reason_text = clean_reason(self.reason.text())
        return self._work(self.reason_text)
