"""The 报表 page on real books: generate on the reader thread, preview every page, save the same PDF,
print through QPrinter to a PDF file, and the core's refusals (a notice without a number, a snapshot
of a quarter that has not ended) shown on the page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from uihelpers import wait_idle


@pytest.fixture
def county_window(qtbot, tmp_path, demo_book):  # type: ignore[no-untyped-def]
    from bianzhi_app.book import Book
    from ui.main_window import MainWindow
    from ui.session import Session

    path = tmp_path / "county.db"
    shutil.copyfile(demo_book, path)
    session = Session(Book.open(path), str(path))
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    yield window
    wait_idle(qtbot, session)
    window.close()
    session.close()


def choose(page, kind: str) -> None:  # type: ignore[no-untyped-def]
    page.kind.setCurrentIndex(page.kind.findData(kind))


def generate(qtbot, page) -> int:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(page.generated, timeout=60_000) as signal:
        assert page.generate() is not None
    return signal.args[0]


def test_reports_page_is_built_when_first_shown(window):  # type: ignore[no-untyped-def]
    assert not window.reports.built
    window.actions["reports"].trigger()
    assert window.page_key() == "reports" and window.reports.built
    assert window.actions["reports"].shortcut().toString() == "Ctrl+Shift+R"
    assert window.reports.kind.count() == 7
    assert not window.reports.save_button.isEnabled()  # nothing generated yet


def test_summary_preview_shows_every_page_and_saves_the_same_pdf(qtbot, county_window, tmp_path):  # type: ignore[no-untyped-def]
    county_window.show_page("reports")
    page = county_window.reports
    choose(page, "summary")
    shown = generate(qtbot, page)
    pages = len(PdfReader(page.pdf_path).pages)
    assert pages > 1 and shown == pages
    assert page.preview.model().rowCount() == pages
    assert f"共{pages}页" in page.info.text() and "机构编制情况总表" in page.info.text()
    first = page.preview.pages.image(0)
    assert not first.isNull() and first.width() > first.height()  # a landscape A4 page
    page.zoom.setCurrentIndex(page.zoom.findData(50))
    assert abs(page.preview.pages.image(0).width() - first.width() / 2) <= 1
    saved = tmp_path / "总表.pdf"
    assert page.save_pdf(str(saved)) == str(saved)
    assert saved.read_bytes() == Path(page.pdf_path).read_bytes()
    assert "已保存" in page.message.text()


def test_printing_to_a_pdf_file_prints_every_page(qtbot, county_window, tmp_path):  # type: ignore[no-untyped-def]
    from PySide6.QtPrintSupport import QPrinter

    county_window.show_page("reports")
    page = county_window.reports
    choose(page, "summary")
    pages = generate(qtbot, page)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert page.print_to(printer)
    reader = PdfReader(printed)
    assert len(reader.pages) == pages
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # printed landscape, as the report


def test_a_report_the_core_refuses_shows_the_reason(qtbot, window):  # type: ignore[no-untyped-def]
    window.show_page("reports")
    page = window.reports
    choose(page, "notice")
    assert page.form.isRowVisible(page.approval) and not page.form.isRowVisible(page.full_id)
    page.generate()
    qtbot.waitUntil(lambda: page.job is None, timeout=30_000)
    assert page.message.text() and page.pdf_path is None
    assert not page.save_button.isEnabled()


def test_snapshot_of_an_unfinished_quarter_is_refused_then_a_past_one_is_taken(qtbot, window):  # type: ignore[no-untyped-def]
    from bianzhi_app.ops.snapshots import Quarter

    window.show_page("reports")
    page = window.reports
    today = window.session.book.clock().date()
    page.quarter.setText(Quarter.containing(today).label)
    page.take_snapshot(confirmed=True)
    wait_idle(qtbot, window.session)
    assert "尚未结束" in page.message.text()
    page.quarter.setText(Quarter.last_ended(today).label)
    head = window.session.head().seq
    page.take_snapshot(confirmed=True)
    wait_idle(qtbot, window.session)
    assert "已封存" in page.message.text() and window.session.head().seq == head + 1
    page.take_snapshot(confirmed=True)
    wait_idle(qtbot, window.session)
    assert "不能重复封存" in page.message.text()
