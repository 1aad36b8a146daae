"""导入Excel (check → problems by row and column → 仅导入无误的行; cancel changes nothing) and 导出Excel of
every list as shown, on real SQLite books; exported files are read back with openpyxl."""

from __future__ import annotations

import threading
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from uihelpers import PERSONS, make_id, scalar, snapshot, type_text, wait_idle

BAD_ID = make_id(31)[:-1] + ("0" if make_id(31)[-1] != "0" else "1")  # wrong check digit
GOOD_ID = make_id(32)


def workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "人员"
    ws.append(["姓名", "身份证号", "所在单位", "编制类型"])
    ws.append(["壬九", GOOD_ID, "区农业农村局", "行政编制"])
    ws.append(["癸十", BAD_ID, "区农业农村局", "行政编制"])
    wb.save(path)
    return path


def open_wizard(qtbot, window, path: Path):  # type: ignore[no-untyped-def]
    window.actions["import"].trigger()
    wizard = window.book_actions.window.findChild(object, "import_wizard")
    assert wizard is not None and wizard.isVisible()
    qtbot.keyClicks(wizard.path, str(path))
    type_text(qtbot, wizard.doc, "杨编发〔2026〕20号")
    qtbot.mouseClick(wizard.check_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.session)
    return wizard


def test_import_preview_shows_bad_id_and_imports_only_valid_rows(qtbot, window, book_path, tmp_path):  # type: ignore[no-untyped-def]
    before = snapshot(book_path)
    wizard = open_wizard(qtbot, window, workbook(tmp_path / "new.xlsx"))
    assert wizard.steps.currentIndex() == 1 and wizard.problems.rowCount() == 1
    sheet, row, column, value, reason = (wizard.problems.item(0, c).text() for c in range(5))
    assert (sheet, row, value) == ("人员", "3", BAD_ID[:6] + "********" + BAD_ID[-4:])  # named masked
    assert column.startswith("B") and "身份证号" in column
    assert "校验" in reason and "1处问题" in wizard.summary.text()
    assert not wizard.import_button.isEnabled() and wizard.valid_button.isVisible()
    assert snapshot(book_path) == before  # the check is a dry run

    # cancel the real import while it waits for the worker: nothing changes
    gate = threading.Event()
    window.session.run_job(lambda _job: gate.wait(10), lambda _r: None, lambda _e: None)
    qtbot.mouseClick(wizard.valid_button, Qt.MouseButton.LeftButton)
    wizard.job.cancel()
    gate.set()
    wait_idle(qtbot, window.session)
    assert "已取消" in wizard.error.text() and snapshot(book_path) == before

    window.show_page("roster")
    qtbot.mouseClick(wizard.valid_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.session)
    assert wizard.result.committed and "入编1" in wizard.summary.text()
    assert scalar(book_path, "SELECT COUNT(*) FROM persons WHERE id_hash = :id_hash", id_number=GOOD_ID) == 1
    assert scalar(book_path, "SELECT COUNT(*) FROM persons WHERE id_hash = :id_hash", id_number=BAD_ID) == 0
    assert scalar(book_path, "SELECT op FROM ledger ORDER BY seq DESC LIMIT 1") == "person.enter"
    qtbot.waitUntil(lambda: len(window.roster.model.rows) == len(PERSONS) + 1)
    assert window.head_label.text().endswith(window.session.head().short)


def test_import_of_an_unreadable_file_shows_the_reason(qtbot, window, book_path, tmp_path):  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    before = snapshot(book_path)
    wizard = open_wizard(qtbot, window, bad)
    assert wizard.steps.currentIndex() == 0 and wizard.error.isVisible() and wizard.error.text()
    assert snapshot(book_path) == before


@pytest.fixture
def save_to(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    """The file dialog answers with tmp_path/<name>, one file per export."""
    import ui.dialogs.export as export

    made: list[Path] = []

    def choose(_parent, _caption, suggested):  # type: ignore[no-untyped-def]
        made.append(tmp_path / f"{len(made)}-{Path(suggested).name}")
        return str(made[-1])

    monkeypatch.setattr(export, "save_path", choose)
    monkeypatch.setattr("ui.dialogs.book_actions.save_path", choose)
    return made


def sheet_rows(path: Path) -> list[list[object]]:
    ws = openpyxl.load_workbook(path).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_roster_export_writes_the_filtered_list(qtbot, window, save_to):  # type: ignore[no-untyped-def]
    window.show_page("roster")
    type_text(qtbot, window.roster.search, "丙")
    qtbot.waitUntil(lambda: len(window.roster.model.rows) == 1)
    qtbot.mouseClick(window.roster.findChild(object, "roster_export"), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.session)
    ws = openpyxl.load_workbook(save_to[0]).active
    assert ws["A1"].value.startswith("在编人员名单") and ws.freeze_panes == "A3"
    assert [c.value for c in ws[2]][:3] == ["姓名", "性别", "身份证号"] and ws["C2"].font.b
    assert ws.max_row == 3 and ws["A3"].value == "丙三"
    number = PERSONS["丙三"][2]
    assert ws["C3"].value == number[:6] + "********" + number[-4:]  # the list shows the mask, and so does its export
    assert ws["C3"].data_type == "s" and ws["C3"].number_format == "@"
    assert ws["H3"].is_date and ws["D2"].value == "出生年份" and ws["D3"].value == int(number[6:10])


def test_every_list_exports_what_it_shows(qtbot, window, book_path, save_to):  # type: ignore[no-untyped-def]
    from test_ui_dialogs_staff import unit_id

    window.show_page("approvals")
    window.approvals.status.setCurrentIndex(0)
    qtbot.mouseClick(window.approvals.findChild(object, "approvals_export"), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.session)
    rows = sheet_rows(save_to[-1])
    assert len(rows) == 2 + window.approvals.table.rowCount() and rows[2][0] == window.approvals.table.item(0, 0).text()
    window.show_page("ledger")
    qtbot.mouseClick(window.ledger.findChild(object, "ledger_export"), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.session)
    rows = sheet_rows(save_to[-1])
    assert len(rows) - 2 == window.session.head().seq and rows[2][0] == window.session.head().seq
    window.show_page("documents")
    qtbot.mouseClick(window.documents.findChild(object, "documents_export"), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.session)
    assert sheet_rows(save_to[-1])[2][0] == "杨编发〔2026〕1号"
    window.select_unit(unit_id(book_path, "区财政局"))
    window.unit_page.tabs.setCurrentIndex(2)
    qtbot.mouseClick(window.unit_page.findChild(object, "unit_export"), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.session)
    rows = sheet_rows(save_to[-1])
    assert "区财政局" in rows[0][0] and sorted(r[0] for r in rows[2:]) == ["丁四", "丙三"]


def test_whole_book_export_and_template_from_the_file_menu(qtbot, window, save_to):  # type: ignore[no-untyped-def]
    from bianzhi_app.io.workbook import read_workbook

    window.actions["export_book"].trigger()
    wait_idle(qtbot, window.session)
    parsed = read_workbook(save_to[-1])  # masked numbers (the window's full-number export comes with 显示完整号码)
    assert len(parsed.problems) == len(PERSONS) and all("已脱敏" in p.reason for p in parsed.problems)
    assert len(parsed.units) > 0
    window.actions["template"].trigger()
    assert openpyxl.load_workbook(save_to[-1]).sheetnames == ["说明", "单位", "人员", "编制总额", "用编核准"]
