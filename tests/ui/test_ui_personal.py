"""The window's personal data (issue 16): 显示完整号码 on the 人员 page asks a 事由 and shows the full numbers of
the selected rows (logged as a `reveal` in the security log), only for a role that may; an operation opened on a
selected (masked) row acts on that person by PersonRef; the 报表 page's full-ID roster asks the same 事由.
Real SQLite books, the real window offscreen."""

from __future__ import annotations

import json
from typing import Any

import test_ui_accounts
from modalhelpers import answer, click
from PySide6.QtCore import QItemSelectionModel, Qt
from test_ui_accounts import close, launch
from test_ui_dialogs_staff import confirm
from uihelpers import PERSONS, scalar, wait_idle

# the accounts book (admin, auditor, jingban clerk, shenhe reviewer, chaxun viewer), per test
accounts_template = test_ui_accounts.accounts_template
book = test_ui_accounts.book


def roster_of(qtbot: Any, window: Any) -> Any:
    window.show_page("roster")
    page = window.roster
    page.ensure_loaded()
    qtbot.waitUntil(lambda: len(page.model.rows) == len(PERSONS), timeout=10_000)
    return page


def select(page: Any, *names: str) -> list[int]:
    """Select the rows of these persons; their row numbers."""
    rows = [i for i, r in enumerate(page.model.rows) if r.name in names]
    selection = page.view.selectionModel()
    selection.clearSelection()
    for i in rows:
        selection.select(page.model.index(i, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)
    return rows


def masked(name: str) -> str:
    full = PERSONS[name][2]
    return f"{full[:6]}********{full[-4:]}"


def shown_id(page: Any, row: int) -> str:
    return page.model.data(page.model.index(row, page.model.ID_COLUMN))


def reveals(path: Any) -> list[dict[str, Any]]:
    with_detail = scalar(path, "SELECT json_group_array(detail) FROM security_log WHERE event = 'reveal'")
    return [json.loads(d) for d in json.loads(with_detail)]


def test_clerk_reveals_a_selected_row_with_a_reason(qtbot, book, monkeypatch):  # type: ignore[no-untyped-def]
    launcher = launch(qtbot, book, monkeypatch, "jingban")
    window = launcher.window
    page = roster_of(qtbot, window)
    assert page.reveal_button.isEnabled()
    [row] = select(page, "戊五")
    assert shown_id(page, row) == masked("戊五")
    dialog = page.reveal_selected()  # deletes itself when closed
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)  # no reason yet
    assert "须写明事由" in dialog.message.text() and dialog.isVisible()
    dialog.reason.setText("核对\u202e档案")  # cleaned like any text: a bidi control is refused
    dialog.confirm.click()
    assert "控制字符" in dialog.message.text() and dialog.isVisible()
    assert reveals(book) == []  # nothing asked of the core, nothing logged
    dialog.reason.setText("  核对 人事档案\t")
    dialog.confirm.click()
    wait_idle(qtbot, window.session)
    qtbot.waitUntil(lambda: shown_id(page, row) == PERSONS["戊五"][2], timeout=5_000)
    assert all("*" in shown_id(page, i) for i in range(len(page.model.rows)) if i != row)
    [event] = reveals(book)
    assert event["count"] == 1 and event["reason"] == "核对 人事档案" and event["what"] == "window"
    assert scalar(book, "SELECT account FROM security_log WHERE event = 'reveal'") == "jingban"
    # the export of the list keeps the mask: the revealed number lives in the cell only
    getter = page.model.columns[page.model.ID_COLUMN][1]
    assert "*" in getter(page.model.rows[row])
    page.model.reload()  # read again (a new filter, a change): masked again
    assert "*" in shown_id(page, row)
    close(qtbot, launcher)


def test_viewer_may_not_reveal(qtbot, book, monkeypatch):  # type: ignore[no-untyped-def]
    launcher = launch(qtbot, book, monkeypatch, "chaxun")
    page = roster_of(qtbot, launcher.window)
    assert not page.reveal_button.isEnabled()
    assert "经办人(clerk)" in page.reveal_button.toolTip() or "审核人" in page.reveal_button.toolTip()
    launcher.window.show_page("reports")
    assert not launcher.window.reports.full_id.isEnabled()
    close(qtbot, launcher)


def test_leave_from_a_selected_row_acts_on_that_person(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    page = roster_of(qtbot, window)
    select(page, "戊五")
    dialog = window.make_dialog("leave")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.id_edit.edit.text() == f"{masked('戊五')} 戊五" and dialog.id_edit.edit.isReadOnly()
    assert "戊五" in dialog.figures.text() and "核定1 实有1" in dialog.figures.text()
    dialog.reason.setCurrentText("退休")
    confirm(qtbot, dialog)
    assert dialog.change is not None
    assert scalar(book_path, "SELECT used FROM quotas q JOIN units u ON u.id = q.unit_id "
                             "WHERE u.name = '区统计局' AND q.kind_id = 1") == 0
    assert reveals(book_path) == []  # acting on a selected row reveals nothing


def test_full_id_roster_asks_the_reason_and_cancel_generates_nothing(  # type: ignore[no-untyped-def]
        qtbot, window, book_path):
    window.show_page("reports")
    page = window.reports
    page.kind.setCurrentIndex(page.kind.findData("roster"))
    page.full_id.setChecked(True)
    answers = answer(click("cancel"))
    assert page.generate() is None
    assert answers.done and page.pdf_path is None and page.job is None
    assert "事由" in page.message.text()
    assert reveals(book_path) == []

    def give_reason(dialog: Any) -> None:
        dialog.reason.setText("年度核查")
        dialog.confirm.click()

    answers = answer(give_reason)
    with qtbot.waitSignal(page.generated, timeout=60_000):
        assert page.generate() is not None
    assert answers.done
    [event] = reveals(book_path)
    assert event["reason"] == "年度核查"
