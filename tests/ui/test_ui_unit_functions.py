"""机构 → 核定主要职责… (issue 12, item 26): the unit's current text to edit, its 文号, the ledger and the unit page."""

from __future__ import annotations

from PySide6.QtCore import Qt
from test_ui_dialogs_staff import confirm, open_dialog, unit_id
from uihelpers import DOC, scalar, snapshot, type_text

from bianzhi_app.book import Book

TEXT = "（一）贯彻执行农业农村工作方针政策。\n（二）统筹实施乡村振兴战略。"
SANDING = "杨编发〔2026〕21号"


def set_text(qtbot, dialog, text: str) -> None:  # type: ignore[no-untyped-def]
    """Replace the box's text as a clerk would: select all, then type."""
    box = dialog.functions
    box.setFocus()
    box.selectAll()
    qtbot.keyClick(box, Qt.Key.Key_Delete)
    for n, line in enumerate(text.split("\n")):
        if n:
            qtbot.keyClick(box, Qt.Key.Key_Return)
        type_text(qtbot, box, line)


def test_opens_on_the_units_text_and_sets_the_new_one(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    with Book.open(book_path) as book:
        book.units.set_functions(unit="区农业农村局", functions=TEXT, doc=DOC)
    office = unit_id(book_path, "区农业农村局")
    dialog = open_dialog(window, "unit_functions", unit_id=office)
    assert dialog.windowTitle() == "核定主要职责"
    assert dialog.functions.toPlainText() == TEXT  # prefilled with the unit's current text
    assert "主要职责未改动" in dialog.blocked.text() and not dialog.confirm.isEnabled()
    qtbot.keyClick(dialog.functions, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog.functions, Qt.Key.Key_Return)
    type_text(qtbot, dialog.functions, "（三）负责农业综合执法。")
    assert "须注明文件依据" in dialog.blocked.text()
    assert "共" in dialog.figures.text() and "字" in dialog.figures.text()
    type_text(qtbot, dialog.doc, SANDING)
    confirm(qtbot, dialog)
    expected = TEXT + "\n（三）负责农业综合执法。"
    assert scalar(book_path, "SELECT functions FROM units WHERE id = :i", i=office) == expected
    assert scalar(book_path, "SELECT op FROM ledger ORDER BY seq DESC LIMIT 1") == "unit.functions"
    assert scalar(book_path, "SELECT document_number FROM ledger ORDER BY seq DESC LIMIT 1") == SANDING


def test_an_empty_unit_starts_empty_and_a_bidi_character_is_refused(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    before = snapshot(book_path)
    dialog = open_dialog(window, "unit_functions", unit_id=unit_id(book_path, "区档案馆"))
    assert dialog.functions.toPlainText() == ""
    type_text(qtbot, dialog.doc, SANDING)
    dialog.functions.setPlainText("（一）收集\u202e档案。")  # pasted: a right-to-left override hides in it
    assert "含不可见的控制字符(U+202E)" in dialog.blocked.text()
    assert not dialog.confirm.isEnabled()
    assert snapshot(book_path) == before


def test_choosing_another_unit_loads_its_text(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    with Book.open(book_path) as book:
        book.units.set_functions(unit="区财政局", functions="负责全区财政工作。", doc=DOC)
    dialog = open_dialog(window, "unit_functions")
    assert "请选择单位" in dialog.blocked.text()
    type_text(qtbot, dialog.unit, "区财政局")
    assert dialog.functions.toPlainText() == "负责全区财政工作。"
    set_text(qtbot, dialog, "负责全区财政预算管理。")
    type_text(qtbot, dialog.unit, "区统计局")  # the clerk's own text stays when the unit changes
    assert dialog.functions.toPlainText() == "负责全区财政预算管理。"


def test_ledger_and_unit_page_show_the_text(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    from bianzhi_app import queries as q
    from ui.ledger_text import Names, entry_text
    from ui.pages.unit_page import FUNCTIONS_TAB

    office = unit_id(book_path, "区农业农村局")
    window.show_unit(office)
    page = window.unit_page
    assert page.functions.toPlainText() == ""
    dialog = open_dialog(window, "unit_functions", unit_id=office)
    set_text(qtbot, dialog, TEXT)
    type_text(qtbot, dialog.doc, SANDING)
    confirm(qtbot, dialog)
    assert page.functions.toPlainText() == TEXT  # the page refreshed from the Change
    page.tabs.setCurrentIndex(FUNCTIONS_TAB)
    assert not page.tabs.cornerWidget().isVisible()  # a text: nothing to export as a list
    page.tabs.setCurrentIndex(0)
    assert page.tabs.cornerWidget().isVisible()
    with window.session.read() as conn:
        entry = next(r for r in q.ledger_page(conn, q.LedgerFilter(), None, 50) if r["op"] == "unit.functions")
    text = entry_text(entry, Names(window.session.catalog))
    assert text == "主要职责:（一）贯彻执行农业农村工作方针政策。 （二）统筹实施乡村振兴战略。"
    long = entry_text({**entry, "after": {"functions": "职" * 500}}, Names(window.session.catalog))
    assert long == "主要职责:" + "职" * 40 + "…(共500字)"
